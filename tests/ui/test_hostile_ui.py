"""The desk window on a bad day: the disk full, the store read-only or locked by another program,
the clock set back. The window stays up, says what is wrong in Chinese where the clerk is
looking (beside the field, in the scan banner), and nothing stored is lost. Also: a clerk at
the window cannot reach an admin action, even after a hand-over; and the drawing commands
(pass, sheet, heat map) answer any arguments with JSON and exit 0, 1 or 2.

The faults are made as in tests/booking/test_hostile.py: `PRAGMA max_page_count` for a full
disk, `chattr +i` (or SQLite's read-only URI) for a read-only file, a second connection
holding `BEGIN EXCLUSIVE` for a lock.
"""
from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from sqlite_utils import Database

from booking.store.changes import Changes
from booking import cli
from booking.checkin import passes, scanning
from booking.people import clerks, residents
from booking.places import stations
from booking.policy import rules
from booking.schedule import bookings
from booking.store import connection as store_module
from booking.store.audit import Actor
from booking.schedule.bookings import Request
from booking.store.errors import CODES, DeskError
from booking.store.connection import Store, open_store
from ui.app import backups
from ui.desk.session import Desk
from ui.app.mainwindow import MainWindow

NOW = datetime(2026, 11, 24, 10, 0)
ADMIN = Actor("管理员甲", "admin")
CLERK = Actor("值班员乙", "clerk")


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def dump(path: Path | str) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def day(store: Store, store_path: Path) -> dict:
    """Two households; 张三丰 checked in on P001 since 09:05, 李四 booked on P002 tonight."""
    for scope in ("*", "kind:parking", "kind:room"):
        rules.set_rule(store, ADMIN, scope, "max_active_per_household", 100000, now=NOW)
    zhang = residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    li = residents.add(store, ADMIN, "李四", "5栋1单元302", "13987654321", "川AD12345", now=NOW)
    inside = bookings.book(store, ADMIN, Request("P001", at("2026-11-24 09:00"), at("2026-11-24 12:00"), zhang.id),
                           at("2026-11-24 08:00"))
    waiting = bookings.book(store, ADMIN, Request("P002", at("2026-11-24 19:00"), at("2026-11-25 07:30"), li.id), NOW)
    scanning.scan(store, CLERK, passes.pass_text(store, inside.id), stations.DESK, now=at("2026-11-24 09:05"))
    return {"zhang": zhang, "li": li, "inside": inside, "waiting": waiting, "path": store_path,
            "inside_pass": passes.pass_text(store, inside.id)}


def make_window(qtbot, desk: Desk, tmp_path: Path) -> MainWindow:
    window = MainWindow(desk, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
                        confirm=lambda _title, _text: False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def try_to_book(window: MainWindow, code: str, start: str, hours: int = 1, find: str = "5678"):
    """The clerk books `code` for 张三丰 through the dialog and presses Save; the dialog is returned."""
    begin = at(start)
    dialog = window.new_booking(code, begin, begin + timedelta(hours=hours))
    dialog.find_edit.setText(find)
    dialog.pick_current()
    dialog.accept()
    return dialog


def shown_error(dialog) -> str:
    """The refusal beside the fields (the start field's label, where a save's refusal goes)."""
    visible = [label.text() for label in dialog.errors.values() if label.isVisible()]
    assert visible, dialog.check_label.text()
    return visible[0]


# --- the disk is full ---------------------------------------------------------------------------

def fill_disk_with_bookings(store: Store, day: dict) -> tuple[str, str]:
    """Book through the domain until the full disk refuses; the (code, start) that was refused.
    The same booking asked again is refused again: it needs the same pages, which are not there."""
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    for n in range(500):
        code, start = f"P{n % 100 + 1:03d}", f"2026-11-{26 + n // 100} 09:00"
        try:
            bookings.book(store, CLERK, Request(code, at(start), at(start) + timedelta(hours=1), day["zhang"].id), NOW)
        except DeskError as exc:
            assert exc.key == "store_full"
            return code, start
    raise AssertionError("the disk never filled")


def test_on_a_full_disk_the_booking_dialog_says_so_beside_the_field_and_stays_open(qtbot, store, day, tmp_path):
    window = make_window(qtbot, Desk(store, CLERK, fixed_now=NOW), tmp_path)
    code, start = fill_disk_with_bookings(store, day)
    before = dump(day["path"])
    dialog = try_to_book(window, code, start)
    assert shown_error(dialog) == "磁盘已满，更改未保存。请清理磁盘后重试。"
    assert dialog.isVisible() and window.isVisible()
    assert not dialog.save_button.isEnabled()
    assert dump(day["path"]) == before


def test_on_a_full_disk_a_scan_shows_the_problem_in_the_banner_and_the_field_stays_ready(qtbot, store, day, tmp_path):
    window = make_window(qtbot, Desk(store, CLERK, fixed_now=at("2026-11-24 11:50")), tmp_path)
    fill_disk_with_bookings(store, day)
    before = dump(day["path"])
    assert window.scan_panel.scan(day["inside_pass"]) is None
    assert window.scan_panel.banner.verdict == "problem"
    assert window.scan_panel.banner.reason.text() == "磁盘已满，更改未保存。请清理磁盘后重试。"
    assert dump(day["path"]) == before and window.isVisible()


def test_once_the_disk_has_room_again_the_same_dialog_saves(qtbot, store, day, tmp_path):
    window = make_window(qtbot, Desk(store, CLERK, fixed_now=NOW), tmp_path)
    code, start = fill_disk_with_bookings(store, day)
    dialog = try_to_book(window, code, start)
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    dialog.run_check()
    dialog.accept()
    assert not dialog.isVisible()
    assert [b.resource for b in bookings.on_date(store, at(start).date()) if b.start == at(start)][-1] == code


# --- the store is read-only ----------------------------------------------------------------------

def _immutable(path: Path, on: bool) -> bool:
    try:
        return subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True).returncode == 0
    except OSError:
        return False


@pytest.fixture
def read_only(store: Store, day: dict) -> Iterator[Store]:
    """The day's store opened again with its file read-only (chattr +i; else SQLite's mode=ro)."""
    store.close()
    if _immutable(day["path"], True):
        try:
            opened = open_store(day["path"])
            yield opened
            opened.close()
        finally:
            _immutable(day["path"], False)
    else:
        opened = Store(Database(sqlite3.connect(f"file:{day['path']}?mode=ro", uri=True)), str(day["path"]))
        yield opened
        opened.close()


def test_a_read_only_store_opens_in_the_window_shows_the_day_and_refuses_a_save_in_words(
        qtbot, read_only, day, tmp_path):
    before = dump(day["path"])
    window = make_window(qtbot, Desk(read_only, CLERK, fixed_now=NOW), tmp_path)
    model = window.board.model
    codes = {model.index(n, 0).data(model.CodeRole) for n in range(model.rowCount())}
    assert {"P001", "P002"} <= codes
    dialog = try_to_book(window, "P010", "2026-11-26 09:00")
    assert shown_error(dialog) == f"数据文件是只读的，无法保存更改：{day['path']}。"
    assert window.scan_panel.scan(day["inside_pass"]) is None
    assert "只读" in window.scan_panel.banner.reason.text()
    assert window.isVisible() and dump(day["path"]) == before


# --- another program holds the store -------------------------------------------------------------

@contextlib.contextmanager
def held(path: Path) -> Iterator[sqlite3.Connection]:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield other
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


@pytest.fixture
def quick_store(day: dict, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The desk's own connection to the day's store, giving up on a lock after 0.3 s, not 15 s."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.3)
    opened = open_store(day["path"])
    yield opened
    opened.close()


def test_while_another_program_holds_the_store_saving_and_scanning_say_busy_and_nothing_is_lost(
        qtbot, quick_store, day, tmp_path):
    window = make_window(qtbot, Desk(quick_store, CLERK, fixed_now=at("2026-11-24 19:05")), tmp_path)
    before = dump(day["path"])
    with held(day["path"]):
        dialog = try_to_book(window, "P010", "2026-11-26 09:00")
        assert shown_error(dialog) == "数据文件正被其他程序占用，请稍后再试。"
        assert window.scan_panel.scan(passes.pass_text(quick_store, day["waiting"].id)) is None
        assert window.scan_panel.banner.reason.text() == "数据文件正被其他程序占用，请稍后再试。"
        window.minute()  # the minute's no-show sweep meets the lock too, and waits for the next minute
    assert window.isVisible() and dump(day["path"]) == before
    dialog.run_check()
    dialog.accept()  # the lock is gone: the same dialog saves
    assert not dialog.isVisible()


# --- the clock is set back ----------------------------------------------------------------------

def test_a_check_out_scanned_with_the_clock_set_back_is_refused_in_the_banner(qtbot, store, day, tmp_path):
    window = make_window(qtbot, Desk(store, CLERK, fixed_now=at("2026-11-24 08:30")), tmp_path)
    verdict = window.scan_panel.scan(day["inside_pass"])
    assert verdict is not None and not verdict.ok
    assert window.scan_panel.banner.verdict == "refused"
    assert "请先校正电脑时间" in window.scan_panel.banner.reason.text()
    assert bookings.get(store, day["inside"].id).status == "checked_in"


# --- a clerk at the window ----------------------------------------------------------------------

def test_a_clerk_finds_every_admin_entry_of_the_window_disabled(qtbot, store, day, tmp_path):
    window = make_window(qtbot, Desk(store, CLERK, fixed_now=NOW), tmp_path)
    backups.add_menu_actions(window, window.desk)
    actions = window.admin_menu.actions
    assert [name for name, action in actions.items() if action.isEnabled()] == ["residents"]
    assert all("只有管理员" in actions[name].toolTip() for name in ("resources", "clerks", "audit"))
    assert not window.restore_action.isEnabled() and window.backup_action.isEnabled()


def test_a_clerk_gets_no_rule_override_in_the_booking_dialog(qtbot, store, day, tmp_path):
    window = make_window(qtbot, Desk(store, CLERK, fixed_now=NOW), tmp_path)
    dialog = try_to_book(window, "P010", "2026-11-26 09:00", hours=80)  # longer than the rules allow
    assert "最长预约时长" in dialog.check_label.text()
    assert dialog.override_edit.isHidden() and not dialog.save_button.isEnabled()
    dialog.override_edit.setText("我说可以")  # even typed into the hidden field, it does not count
    dialog.accept()
    assert dialog.isVisible() and len(bookings.on_date(store, at("2026-11-26 09:00").date())) == 0


def test_after_a_hand_over_to_a_clerk_the_admin_entries_and_restore_are_disabled(qtbot, store, day, tmp_path):
    boss = clerks.create_first_admin(store, "王主任", "admin-pass-1", now=NOW)
    clerks.add(store, boss, "小李", "clerk", "zhiban-2026!", now=NOW)
    window = make_window(qtbot, Desk(store, boss, fixed_now=NOW), tmp_path)
    backups.add_menu_actions(window, window.desk)
    assert window.restore_action.isEnabled() and window.admin_menu.actions["audit"].isEnabled()
    # what MainWindow.switch_clerk does once the next clerk has signed in
    window.desk.actor = clerks.authenticate(store, "小李", "zhiban-2026!", now=NOW)
    window.admin_menu.update_permissions()
    window.desk.notify(Changes(signed_in=True))
    assert not window.admin_menu.actions["audit"].isEnabled()
    assert not window.restore_action.isEnabled()


# --- the drawing commands with any arguments -------------------------------------------------------

NASTY = st.one_of(st.sampled_from(["'; DROP TABLE booking; --", "<b>x</b>", "\x1b[2J", "２０２６－１１－２４", "😀",
                                   "9" * 30, "-1", "0", "2026-02-30", "2026-11", "x" * 3000, "", " "]),
                  st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30))


@st.composite
def drawing_commands(draw: st.DrawFn, folder: Path) -> list[str]:
    name = draw(st.sampled_from(["pass", "sheet", "heatmap"]))
    out_file = draw(st.sampled_from([str(folder / "out.png"), str(folder / "out.pdf"), str(folder / "missing" / "x"),
                                     str(folder), str(folder / "a<b>.png"), ""]))
    if name == "pass":
        args = ["pass", draw(st.one_of(st.sampled_from(["1", "2", "3", "0", "99999"]), NASTY))]
        args += draw(st.sampled_from([[], [f"--png={out_file}"], [f"--slip={out_file}"]]))
    elif name == "sheet":
        args = ["sheet", f"--date={draw(st.one_of(st.just('2026-11-24'), NASTY))}",
                f"--pdf={out_file}", f"--clerk={draw(NASTY)}"]
    else:
        args = ["heatmap", draw(st.sampled_from(["--month=2026-11", f"--month={draw(NASTY)}",
                                                 f"--week={draw(NASTY)}", "--week=2026-11-23"])),
                f"--by={draw(st.sampled_from(['spaces', 'hours', 'rooms']))}"]
        args += draw(st.sampled_from([[], [f"--png={out_file}"]]))
    return args


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_the_drawing_commands_answer_any_arguments_with_json_and_exit_0_1_or_2(qapp, store, day, tmp_path, data):
    argv = ["--db", str(day["path"]), "--now", "2026-11-24 10:00", *data.draw(drawing_commands(tmp_path)), "--json"]
    out = io.StringIO()
    code = cli.run(argv, out)
    assert code in (0, 1, 2), (code, argv, out.getvalue())
    answer = json.loads(out.getvalue())
    if code:
        assert answer["code"] in CODES and answer["code"] != "internal" and answer["error"].strip(), answer
    assert QApplication.instance() is not None


def test_the_minutes_sweep_gives_a_lock_only_a_moment_and_keeps_the_desks_patience(qtbot, day, tmp_path):
    """With the normal 15 s busy timeout, the minute's background work must not freeze the window
    for 15 s while another program holds the store: it waits briefly, skips, and restores the wait."""
    opened = open_store(day["path"])
    try:
        desk = Desk(opened, CLERK, fixed_now=at("2026-11-24 18:00"))
        window = make_window(qtbot, desk, tmp_path)
        desk.set_now(at("2026-11-24 23:00"))  # 李四's grace time is over: the sweep has work to do
        with held(day["path"]):
            window.minute()
            assert opened.conn.execute("PRAGMA busy_timeout").fetchone()[0] == int(store_module.BUSY_TIMEOUT_S * 1000)
        assert window.isVisible()
        assert bookings.get(opened, day["waiting"].id).status == "booked"  # skipped, tried again next minute
        window.minute()
        assert bookings.get(opened, day["waiting"].id).status == "no_show"
    finally:
        opened.close()
