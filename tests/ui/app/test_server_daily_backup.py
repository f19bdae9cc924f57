"""The window's backups on a store on the PostgreSQL server, with real widgets offscreen on the real test
server: the daily backup (a Linli SQLite file in the backups folder, on its own thread and connection, by
the owner's desk only: docs/shared-store.md, "6. Backups"), and File > Backup / Restore."""
from __future__ import annotations

import io
import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from booking import cli
from booking.ops import backup, setup
from booking.ops.storefile import check_file
from booking.people import residents
from booking.schedule import bookings
from booking.schedule.bookings import Request
from booking.store.postgres.store import ServerStore
from tests.booking.store.test_pg_roles import owned, roles  # noqa: F401  (the roles docs/shared-store.md sets up)
from tests.conftest import ADMIN, NOW, server_location
from tests.ui.integration_window import make_window
from tests.ui.modal import Modal, yes
from ui.app import backups
from ui.desk.session import Desk

ON_SERVER = pytest.mark.parametrize("engine", ["postgres"], indirect=True)
TODAY = NOW.date()
TONIGHT = (datetime(2026, 11, 24, 19, 0), datetime(2026, 11, 25, 7, 30))


def blocks_shown(window) -> int:
    model = window.board.model
    return sum(len(model.blocks(n)) for n in range(model.rowCount()))


def book(store, name: str, phone: str, plate: str, space: str = "P001") -> bookings.Booking:
    """A booking tonight for a new household (its door from the space's number)."""
    resident = residents.add(store, ADMIN, name, f"{int(space[1:])}栋1单元101", phone, plate, now=NOW)
    return bookings.book(store, ADMIN, Request(space, *TONIGHT, resident.id, plate=plate), NOW)


def window_on(qtbot, store, tmp_path):
    desk = Desk(store, ADMIN, fixed_now=NOW)
    window = make_window(qtbot, desk, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    backups.add_menu_actions(window, desk)  # as ui/app/main.py does
    return desk, window


@ON_SERVER
def test_the_owners_window_takes_the_daily_server_backup_on_its_own_connection_and_keeps_14(qtbot, store, tmp_path):
    assert isinstance(store, ServerStore)
    book(store, "张三丰", "13812345678", "川A12345")
    desk, window = window_on(qtbot, store, tmp_path)
    folder = tmp_path / "backups"
    folder.mkdir()
    prefix = backup.daily_prefix(store)
    assert prefix.startswith("linli-server-127.0.0.1_") and prefix != backup.PREFIX
    for day in range(1, 16):  # fifteen earlier days of this server store's copies
        (folder / f"{prefix}-2026-10-{day:02d}.sqlite3").write_bytes(b"an old copy")
    the_files = folder / f"{backup.PREFIX}-{TODAY:%Y-%m-%d}.sqlite3"  # this PC's store file's copy of today
    the_files.write_bytes(b"the store file's own daily copy")
    windows_connection = store.raw

    worker = backups.start_daily_backup(store.server, TODAY, folder)
    # the window's own connection stays the desk's: it books while the worker reads its snapshot
    book(desk.store, "李四", "13987654321", "川A54321", space="P002")
    desk.notify(backups.EVERYTHING)
    qtbot.waitUntil(lambda: not worker.is_alive() and blocks_shown(window) == 2, timeout=60_000)
    assert worker.result is not None and worker.result.skipped is None
    daily = folder / f"{prefix}-{TODAY:%Y-%m-%d}.sqlite3"
    assert worker.result.daily == str(daily) and worker.result.monthly == str(folder / f"{prefix}-2026-11.sqlite3")
    assert check_file(daily).bookings in (1, 2)  # the snapshot the worker read: before or after 李四's
    assert sorted(Path(p).name for p in worker.result.removed) == [f"{prefix}-2026-10-01.sqlite3",
                                                                  f"{prefix}-2026-10-02.sqlite3"]
    assert len(list(folder.glob(f"{prefix}-????-??-??.sqlite3"))) == backup.KEEP_DAILY
    assert the_files.read_bytes() == b"the store file's own daily copy"  # the file's copies are not the server's
    assert store.raw is windows_connection and not store.in_transaction()

    again = backups.start_daily_backup(store.server, TODAY, folder)  # the next start the same day
    qtbot.waitUntil(lambda: not again.is_alive(), timeout=60_000)
    assert again.result is not None and again.result.skipped == "already_today"
    window.close()


def test_a_desk_signed_in_with_the_desks_role_leaves_the_daily_backup_to_the_owners(qtbot, request, tmp_path):
    owner_url, desk_url = request.getfixturevalue("roles")
    owner, desk_role = (server_location(u) for u in (owner_url, desk_url))
    out = io.StringIO()
    assert cli.run(["--db", owner.url(), "--now", "2026-11-24 10:00", "init", "--json"], out) == 0, out.getvalue()
    assert json.loads(out.getvalue())["migrations"]
    folder = tmp_path / "backups"
    store = setup.open_ready(desk_role, now=NOW, create=False)
    try:
        desk, window = window_on(qtbot, store, tmp_path)
        worker = backups.start_daily_backup(desk_role, TODAY, folder)
        qtbot.waitUntil(lambda: not worker.is_alive(), timeout=60_000)
        assert worker.result is not None and worker.result.skipped == "not_owner"
        assert not folder.exists() or not os.listdir(folder)  # nothing written
        made_here = backups.back_up_to(desk, tmp_path / "mine.sqlite3")  # File > Backup… is anyone's
        assert made_here.bookings == 0 and check_file(tmp_path / "mine.sqlite3").bookings == 0
        window.close()
    finally:
        store.close()
    worker = backups.start_daily_backup(owner, TODAY, folder)  # the owner's desk takes it
    qtbot.waitUntil(lambda: not worker.is_alive(), timeout=60_000)
    assert worker.result is not None and worker.result.daily is not None and Path(worker.result.daily).is_file()


@ON_SERVER
def test_backup_and_restore_in_the_window_work_on_a_server_store_and_the_board_follows(qtbot, store, tmp_path):
    book(store, "张三丰", "13812345678", "川A12345")
    desk, window = window_on(qtbot, store, tmp_path)
    qtbot.waitUntil(lambda: blocks_shown(window) == 1)
    made = backups.back_up_to(desk, tmp_path / "before.sqlite3")  # what File > Backup… runs
    assert (made.integrity, made.bookings) == ("ok", 1)
    book(desk.store, "李四", "13987654321", "川A54321", space="P002")
    desk.notify(backups.EVERYTHING)
    qtbot.waitUntil(lambda: blocks_shown(window) == 2)
    done = backups.restore_from(desk, made.path)  # what File > Restore… runs, after its question
    assert (done.bookings, done.backup_bookings, done.store) == (1, 1, store.path)
    assert done.kept_aside is not None and check_file(Path(done.kept_aside)).bookings == 2  # 李四's is kept
    qtbot.waitUntil(lambda: blocks_shown(window) == 1)  # the board shows the restored store
    assert window.restore_action.isEnabled()  # an admin's: no "not yet" on a server store any more
    book(desk.store, "王五", "13700001111", "川A55555", space="P003")  # this desk goes on: it made the restore
    window.close()



def answer_when_shown(qtbot, words: str) -> str:
    """Wait for the box the background work opens when it ends (the window runs meanwhile); OK it.

    Looked for by a timer, as tests/ui/modal.py does: the box's own event loop runs inside the wait."""
    texts: list[str] = []

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):  # not the progress dialog, which may show meanwhile
            texts.append(box.text())
            box.accept()
        else:
            timer.start()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.setInterval(20)
    timer.timeout.connect(look)
    timer.start()
    qtbot.waitUntil(lambda: bool(texts), timeout=120_000)
    assert words in texts[0], texts[0]
    return texts[0]


@ON_SERVER
def test_file_backup_and_restore_in_the_menu_run_on_a_worker_on_a_server_store(qtbot, store, tmp_path):
    """The menu's Backup… and Restore… on the server: the clerk's choices in the real dialogs, the work
    on a thread and connection of its own (the window goes on drawing, the board follows), the answer
    in a box when it is done; no "restored elsewhere" for this desk's own restore."""
    book(store, "张三丰", "13812345678", "川A12345")
    desk, window = window_on(qtbot, store, tmp_path)
    qtbot.waitUntil(lambda: blocks_shown(window) == 1)
    target = tmp_path / "menu-backup.sqlite3"

    def save_as(dialog: QFileDialog):
        assert isinstance(dialog, QFileDialog), type(dialog).__name__
        dialog.selectFile(str(target))
        return dialog.accept

    with Modal(save_as):
        window.backup_action.trigger()
    assert window.backup_jobs  # the backup runs on its worker; the trigger returned at once
    answer_when_shown(qtbot, str(target))
    assert check_file(target).bookings == 1
    book(desk.store, "李四", "13987654321", "川A54321", space="P002")
    desk.notify(backups.EVERYTHING)
    qtbot.waitUntil(lambda: blocks_shown(window) == 2)

    def choose(dialog: QFileDialog):
        assert isinstance(dialog, QFileDialog), type(dialog).__name__
        dialog.selectFile(str(target))
        return dialog.accept

    with Modal(choose, yes()):
        window.restore_action.trigger()
    assert not window.restore_watch.isActive()  # paused: this desk's own restore is not another's
    text = answer_when_shown(qtbot, "已从备份恢复（1 条预约）")
    aside = text.splitlines()[-1]
    assert check_file(Path(aside)).bookings == 2  # 李四's booking is kept aside
    qtbot.waitUntil(lambda: blocks_shown(window) == 1 and not window.backup_jobs)
    assert window.restore_watch.isActive()
    assert not store.notice_restore()  # the window's connection took the new generation already
    book(desk.store, "王五", "13700001111", "川A55555", space="P003")  # and writes on without being told
    window.close()


@ON_SERVER
def test_the_restores_progress_dialog_says_each_stage_and_table_and_its_bar_moves_on(qtbot, store, tmp_path):
    """File > Restore… on the server: the progress dialog says which stage and which table of how many
    the restore is at (正在恢复 booking（k/n）…), in order, and its bar runs on over the whole restore;
    the same for File > Backup…."""
    from booking.store.postgres import copy

    book(store, "张三丰", "13812345678", "川A12345")
    desk, window = window_on(qtbot, store, tmp_path)
    target = tmp_path / "told.sqlite3"
    shown: list[tuple[str, int, int]] = []

    def save_as(dialog: QFileDialog):
        dialog.selectFile(str(target))
        return dialog.accept

    with Modal(save_as):
        window.backup_action.trigger()
    window.backup_jobs[0].shown.connect(lambda *seen: shown.append(seen))  # queued: nothing shown yet
    answer_when_shown(qtbot, str(target))
    lite = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        tables = copy._tables_in_order(lite)
    finally:
        lite.close()
    n = len(tables)
    assert [words for words, _, _ in shown] == [f"正在备份 {t}（{k}/{n}）…" for k, t in enumerate(tables, 1)] + [
        f"正在核对 {t}（{k}/{n}）…" for k, t in enumerate(tables, 1)]
    assert [(value, most) for _, value, most in shown] == [(k, 2 * n) for k in range(2 * n)]

    book(desk.store, "李四", "13987654321", "川A54321", space="P002")
    shown.clear()

    def choose(dialog: QFileDialog):
        dialog.selectFile(str(target))
        return dialog.accept

    with Modal(choose, yes()):
        window.restore_action.trigger()
    job = window.backup_jobs[0]
    job.shown.connect(lambda *seen: shown.append(seen))
    answer_when_shown(qtbot, "已从备份恢复（1 条预约）")
    words = [w for w, _, _ in shown]
    expected = (["正在检查备份文件…"] + [f"正在另存当前数据 {t}（{k}/{n}）…" for k, t in enumerate(tables, 1)]
                + [f"正在清除当前数据 {t}（{k}/{n}）…" for k, t in enumerate(reversed(tables), 1)]
                + [f"正在恢复 {t}（{k}/{n}）…" for k, t in enumerate(tables, 1)]
                + [f"正在核对 {t}（{k}/{n}）…" for k, t in enumerate(tables, 1)])
    assert words == expected
    assert "正在恢复 booking（" in "".join(words)
    assert shown[0][2] == 0  # busy while the file is checked: how much work there is is not known yet
    assert [(value, most) for _, value, most in shown[1:]] == [(k, 1 + 4 * n) for k in range(1, 1 + 4 * n)]
    qtbot.waitUntil(lambda: blocks_shown(window) == 1 and not window.backup_jobs)
    window.close()
