"""Backups in the window: the start-up offer to restore, the daily backup, and the File menu's actions."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from booking.store.changes import Changes
from booking.ops import backup, setup, startup
from booking.schedule import bookings
from booking.store import i18n
from booking.store.errors import DeskError
from tests.booking.ops.test_startup_check import damage_the_middle, digest
from ui.app import backups
from ui.app.mainwindow import MainWindow
from ui.desk.session import Desk

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


@pytest.fixture
def desk(store, admin, now) -> Desk:
    return Desk(store, admin, now)


class Answerer:
    """Clicks the buttons of the modal message boxes as they come, and keeps their texts."""

    #: stopped after each test, so that none answers the boxes of the next one
    running: list[Answerer] = []

    def __init__(self, *buttons: str) -> None:
        self.buttons = list(buttons)
        self.texts: list[str] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._answer)
        self.timer.start(20)
        Answerer.running.append(self)

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return
        self.texts.append(box.text())
        wanted = self.buttons.pop(0) if self.buttons else None
        chosen = next((b for b in box.buttons() if wanted and b.text() == wanted), None)
        (chosen or box.buttons()[0]).click()


@pytest.fixture(autouse=True)
def _answerers_end_with_their_test():
    yield
    while Answerer.running:
        Answerer.running.pop().timer.stop()


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
    assert startup.startup_check(store_path)["ok"]
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
    assert backups.back_up_to(desk, tmp_path / "copy.sqlite3").integrity == "ok"


def test_a_restore_in_the_window_refreshes_every_view(qtbot, desk, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    backups.back_up_to(desk, copy)
    with qtbot.waitSignal(desk.changed) as changed:
        done = backups.restore_from(desk, copy)
    assert changed.args[0] == Changes.everything()
    assert Path(done.kept_aside).exists()


# --- the whole-file check after the window opened --------------------------------------------

def open_as_the_window_does(qtbot, store_path: Path, tmp_path: Path,
                            actor) -> tuple[MainWindow, backups.StoreCheckReport]:
    """ui.app.main's start: the quick start-up check, the quick open, the report, the window shown."""
    assert backups.check_store(store_path, NOW, damage=False) is True
    opened = setup.open_ready(store_path, now=NOW, create=False, full_check=False)
    report = backups.StoreCheckReport(opened, lambda: NOW)
    desk = Desk(opened, actor, NOW)
    window = MainWindow(desk, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
                        confirm=lambda _title, _text: False)
    qtbot.addWidget(window)
    report.attach(window, desk)
    window.show()
    qtbot.waitExposed(window)
    return window, report


def try_to_book(window: MainWindow) -> str:
    """The clerk books P010 for 张三丰 through the dialog and presses Save; the refusal shown, if any."""
    start = datetime(2026, 11, 26, 9, 0)
    dialog = window.new_booking("P010", start, start + timedelta(hours=1))
    dialog.find_edit.setText("5678")
    dialog.pick_current()
    dialog.accept()
    shown = [label.text() for label in dialog.errors.values() if label.isVisible()]
    dialog.close()  # a refused dialog stays open, and modal: the next box must come to the front
    return shown[0] if shown else ""


@pytest.mark.parametrize("language, damaged, saves_nothing", [
    ("zh", "已损坏", "本窗口仍可查看数据，但不再保存任何更改。"),
    ("en", "is damaged", "The window still shows the data but saves no change."),
])
def test_the_window_opens_on_a_store_damaged_beyond_its_first_reads_then_says_so_and_saves_nothing(
        qtbot, store, store_path, tmp_path, resident, clerk, language, damaged, saves_nothing):
    damage_the_middle(store, store_path)
    before = digest(store_path)
    i18n.set_language(language)
    answers = Answerer()  # OK
    window, report = open_as_the_window_does(qtbot, store_path, tmp_path, clerk)
    assert window.board.model.rowCount() > 0  # the day is shown
    qtbot.waitUntil(lambda: bool(answers.texts), timeout=60_000)
    assert report.problem.problem == "damaged"
    assert damaged in answers.texts[0] and saves_nothing in answers.texts[0]
    with pytest.raises(DeskError) as caught:
        window.desk.store.set_setting("probe", "1")
    assert caught.value.key == "store_damaged"
    assert damaged in try_to_book(window)
    assert window.isVisible()
    window.close()
    window.desk.store.close()
    assert digest(store_path) == before


def test_the_window_takes_no_backup_of_a_store_its_check_found_damaged(qtbot, store, store_path, tmp_path, clerk):
    damage_the_middle(store, store_path)
    answers = Answerer()  # noqa: F841  (kept: its timer answers the box)
    window, report = open_as_the_window_does(qtbot, store_path, tmp_path, clerk)
    started: list[bool] = []
    report.after_pass(lambda: started.append(True))
    qtbot.waitUntil(lambda: report.problem is not None, timeout=60_000)
    assert started == []
    window.desk.store.close()


def test_the_clerk_at_the_window_takes_the_offered_backup_and_the_desk_saves_again(
        qtbot, store, store_path, tmp_path, resident, clerk):
    damage_the_middle(store, store_path, backups=backup.backup_dir())
    damaged = store_path.read_bytes()
    answers = Answerer("恢复这份备份", "OK")
    window, report = open_as_the_window_does(qtbot, store_path, tmp_path, clerk)
    qtbot.waitUntil(lambda: len(answers.texts) == 2, timeout=60_000)
    assert "有一份完好的备份" in answers.texts[0] and "已恢复" in answers.texts[1]
    assert window.desk.store.damage_check is None
    assert try_to_book(window) == ""  # saved
    kept = list(store_path.parent.glob("desk.sqlite3.before-restore-*"))
    assert [p.read_bytes() for p in kept] == [damaged]
    window.desk.store.close()
    assert startup.startup_check(store_path)["ok"]


def test_a_sound_store_runs_what_waited_for_its_check(qtbot, store, store_path, tmp_path, clerk):
    store.close()
    window, report = open_as_the_window_does(qtbot, store_path, tmp_path, clerk)
    started: list[bool] = []
    report.after_pass(lambda: started.append(True))
    qtbot.waitUntil(lambda: started == [True], timeout=60_000)
    assert report.problem is None
    window.desk.store.set_setting("probe", "1")
    window.desk.store.close()
