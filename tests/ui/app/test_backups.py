"""Backups in the window: the start-up offer to restore, the daily backup, and the File menu's actions."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from booking.ops import backup
from booking.schedule import bookings
from booking.store.errors import DeskError
from ui.app import backups
from ui.desk.session import Desk

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


@pytest.fixture
def desk(store, admin, now) -> Desk:
    return Desk(store, admin, now)


class Answerer:
    """Clicks the buttons of the modal message boxes as they come, and keeps their texts."""

    def __init__(self, *buttons: str) -> None:
        self.buttons = list(buttons)
        self.texts: list[str] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._answer)
        self.timer.start(20)

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return
        self.texts.append(box.text())
        wanted = self.buttons.pop(0) if self.buttons else None
        chosen = next((b for b in box.buttons() if wanted and b.text() == wanted), None)
        (chosen or box.buttons()[0]).click()


def test_a_sound_store_opens_without_a_word(qtbot, store, store_path):
    assert backups.check_store(store_path, NOW) is True


def test_a_damaged_store_is_restored_from_the_newest_backup_when_the_user_agrees(qtbot, store, store_path, admin,
                                                                                 resident, now):
    req = bookings.Request(resource="P001", start=datetime(2026, 11, 24, 19), end=datetime(2026, 11, 25, 7),
                           resident_id=resident.id, plate="川A12345")
    bookings.book(store, admin, req, now)
    backup.auto_backup(store, backup.backup_dir(), today=date(2026, 11, 24))
    store.close()
    damaged = store_path.read_bytes()[:8192]
    store_path.write_bytes(damaged)
    answers = Answerer("恢复这份备份", "OK")
    assert backups.check_store(store_path, NOW) is True
    assert "已损坏" in answers.texts[0] and "有一份完好的备份" in answers.texts[0]
    assert backup.startup_check(store_path)["ok"]
    kept = list(store_path.parent.glob("desk.sqlite3.before-restore-*"))
    assert [p.read_bytes() for p in kept] == [damaged]


def test_a_damaged_store_is_left_alone_when_the_user_quits(qtbot, store, store_path):
    backup.auto_backup(store, backup.backup_dir(), today=date(2026, 11, 24))
    store.close()
    store_path.write_bytes(store_path.read_bytes()[:8192])
    before = store_path.read_bytes()
    answers = Answerer("退出")  # noqa: F841  (kept: its timer answers the box)
    assert backups.check_store(store_path, NOW) is False
    assert store_path.read_bytes() == before


def test_the_daily_backup_runs_beside_the_window(qtbot, store, store_path, tmp_path):
    worker = backups.start_daily_backup(store_path, date(2026, 11, 24), tmp_path / "backups")
    worker.join(timeout=30)
    assert (tmp_path / "backups" / "linli-desk-2026-11-24.sqlite3").exists()


def test_backup_and_restore_are_in_the_file_menu_above_quit(qtbot, desk, tmp_path):
    from ui.app.mainwindow import MainWindow

    window = MainWindow(desk, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
                        confirm=lambda *_: True)
    qtbot.addWidget(window)
    made, restore = backups.add_menu_actions(window, desk)
    actions = window.menu_file.actions()
    assert actions.index(made) < actions.index(restore) < actions.index(window.act_quit)
    assert made.text() == "备份数据(&K)…" and restore.isEnabled()


def test_a_clerk_may_back_up_but_not_restore(qtbot, store, clerk, now, tmp_path):
    desk = Desk(store, clerk, now)
    with pytest.raises(DeskError) as refused:
        backups.restore_from(desk, tmp_path / "any.sqlite3")
    assert refused.value.code == "forbidden"
    assert backups.back_up_to(desk, tmp_path / "copy.sqlite3")["integrity"] == "ok"


def test_a_restore_in_the_window_refreshes_every_view(qtbot, desk, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    backups.back_up_to(desk, copy)
    with qtbot.waitSignal(desk.changed) as changed:
        done = backups.restore_from(desk, copy)
    assert {"booking", "resource", "rule"} <= changed.args[0]
    assert Path(done["kept_aside"]).exists()
