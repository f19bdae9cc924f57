"""A bad day for the desk's PC: the disk fills up, the store turns read-only, another program
locks it, the clock is set back. Each time the clerk gets a clear message in Chinese, the
program keeps going, and nothing already stored is lost or changed (compared as a full dump
of the store before and after).

How each fault is made real, without mounts and although CI runs as root (so chmod stops
nothing):

- full disk: SQLite's `PRAGMA max_page_count` on the desk's own connection, set to the pages
  the store has now: the next page SQLite needs is refused exactly as on a full disk
  (SQLITE_FULL). For a separate process (the headless command) the file-size limit of that
  process (RLIMIT_FSIZE) is set to nothing, so the operating system refuses its writes.
- read-only: the store file made immutable with `chattr +i`, which stops root too; where the
  file system or the container does not allow that, the store is opened through SQLite's
  read-only URI (`mode=ro`) instead. Either way it is SQLite that refuses the write.
- locked: a second connection holding `BEGIN EXCLUSIVE`, as another program would.
- clock moved back: the domain's `now` (the commands' --now) earlier than what is stored.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from booking import cli
from booking.checkin import passcode, passes, scanning, sweep
from booking.people import residents
from booking.places import stations
from booking.policy import rules
from booking.schedule import bookings
from booking.store import connection as store_module
from booking.store.audit import Actor
from booking.schedule.bookings import Request
from booking.store.errors import DeskError
from booking.store.connection import Store, open_store
from tests.conftest import TWO_ENGINES

# A full disk, a read-only file and another program's lock are faults of the SQLite file: those tests stay on
# it. The clock set back is the domain's: those tests (TWO_ENGINES below) run on the server too.

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 24, 10, 0)
ADMIN = Actor("管理员甲", "admin")
CLERK = Actor("值班员乙", "clerk")


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def dump(path: Path) -> list[str]:
    """Everything in the store as SQL text, read through a connection of its own."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def everything(store: Store) -> dict[str, list[tuple]]:
    """Every row of the desk's tables, on either engine, read through the store."""
    return {table: store.sql(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("booking", "audit", "scan", "resident", "household", "vehicle", "setting", "payment")}


def sound(path: Path) -> bool:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                and conn.execute("PRAGMA foreign_key_check").fetchall() == [])
    finally:
        conn.close()


def refused(call, *args, **kwargs) -> DeskError:
    with pytest.raises(DeskError) as caught:
        call(*args, **kwargs)
    return caught.value


@pytest.fixture
def day(store: Store, store_path: Path) -> dict:
    """A morning at the desk: two households, bookings booked, checked in and cancelled, scans."""
    for scope in ("*", "kind:parking", "kind:room"):  # so that only the fault under test can refuse
        rules.set_rule(store, ADMIN, scope, "max_active_per_household", 100000, now=NOW)
    zhang = residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    li = residents.add(store, ADMIN, "李四", "5栋1单元302", "13987654321", "川AD12345", now=NOW)
    inside = bookings.book(store, ADMIN, Request("P001", at("2026-11-24 09:00"), at("2026-11-24 12:00"), zhang.id),
                           at("2026-11-24 08:00"))
    waiting = bookings.book(store, ADMIN, Request("P002", at("2026-11-24 19:00"), at("2026-11-25 07:30"), li.id), NOW)
    gone = bookings.book(store, ADMIN, Request("P003", at("2026-11-24 14:00"), at("2026-11-24 16:00"), li.id), NOW)
    bookings.cancel(store, ADMIN, gone.id, reason="住户来电取消", now=NOW)
    verdict = scanning.scan(store, CLERK, passes.pass_text(store, inside.id), stations.DESK, now=at("2026-11-24 09:05"))
    assert verdict.action == "check-in"
    return {"zhang": zhang, "li": li, "inside": inside, "waiting": waiting, "path": store_path}


def request(day: dict, code: str = "P010", start: str = "2026-11-26 09:00", hours: int = 1) -> Request:
    begin = at(start)
    return Request(code, begin, begin + timedelta(hours=hours), day["zhang"].id)


# --- the disk is full ---------------------------------------------------------------------------

def fill_disk(store: Store) -> None:
    """From now on SQLite may not grow the store by a single page: the disk is full."""
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")


def book_until_full(store: Store, day: dict) -> tuple[list[int], DeskError, list[str]]:
    """Book one slot after another until the disk refuses; (booked ids, the refusal, dump before it)."""
    fill_disk(store)
    made = []
    for n in range(500):
        before = dump(day["path"])
        try:
            made.append(bookings.book(store, CLERK, request(day, f"P{n % 100 + 1:03d}",
                                                            f"2026-11-{26 + n // 100} 09:00"), NOW).id)
        except DeskError as exc:
            return made, exc, before
    raise AssertionError("500 bookings fitted on a full disk: the disk was never full")


def test_a_booking_on_a_full_disk_is_refused_in_chinese(store, day):
    _made, error, _before = book_until_full(store, day)
    assert (error.code, error.key) == ("store", "store_full")
    assert error.message() == "磁盘已满，更改未保存。请清理磁盘后重试。"


def test_a_full_disk_keeps_every_earlier_booking_and_writes_nothing_of_the_refused_one(store, day):
    made, _error, before = book_until_full(store, day)
    assert dump(day["path"]) == before
    assert [bookings.get(store, i).status for i in made] == ["booked"] * len(made)
    assert sound(day["path"])


def test_a_scan_on_a_full_disk_is_refused_and_the_booking_stays_checked_in(store, day):
    book_until_full(store, day)
    before = dump(day["path"])
    error = refused(scanning.scan, store, CLERK, passes.pass_text(store, day["inside"].id), stations.DESK,
                    now=at("2026-11-24 11:50"))
    assert error.key == "store_full"
    assert dump(day["path"]) == before
    assert bookings.get(store, day["inside"].id).status == "checked_in"


def test_once_space_is_freed_the_refused_booking_succeeds(store, day):
    _made, _error, _before = book_until_full(store, day)
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    again = bookings.book(store, CLERK, request(day, "P100", "2026-11-30 09:00"), NOW)
    assert bookings.get(store, again.id).status == "booked"
    assert sound(day["path"])


def limited_to(size: int):
    """For a child process: no file it writes may grow past `size` bytes (a disk with no room)."""
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with an error instead of a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return limit


#: Enough for SQLite's 32 KB shared-memory index, so the store can still be read,
#: but not for one page of the write-ahead log: any change is refused by the system.
NO_ROOM = 32768 + 1024


@pytest.mark.skipif(sys.platform != "linux", reason="the file-size limit of a child process is a Linux tool")
def test_the_book_command_on_a_full_disk_exits_1_says_so_and_changes_nothing(store, day, tmp_path):
    store.close()
    before = dump(day["path"])
    argv = [sys.executable, "app.py", "--db", str(day["path"]), "--now", "2026-11-24 10:00", "book",
            "--resource", "P010", "--start", "2026-11-26 09:00", "--end", "2026-11-26 10:00",
            "--resident", str(day["zhang"].id), "--json"]
    env = dict(os.environ, LINLI_DATA_DIR=str(tmp_path / "appdata"))
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env, preexec_fn=limited_to(NO_ROOM),
                          timeout=60)
    assert done.returncode == 1, done.stderr
    answer = json.loads(done.stdout)
    assert answer == {"code": "store",
                      "error": "无法写入数据文件（磁盘已满或出错），更改未保存。请检查磁盘空间后重试。"}
    assert dump(day["path"]) == before and sound(day["path"])
    again = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)
    assert again.returncode == 0, again.stdout + again.stderr


# --- the store is read-only -----------------------------------------------------------------------

def _immutable(path: Path, on: bool) -> bool:
    """`chattr +i` / `-i`: a file even root cannot write. False where that is not allowed."""
    try:
        return subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True).returncode == 0
    except OSError:
        return False


@pytest.fixture
def read_only(store: Store, day: dict) -> Iterator[tuple[Store, str]]:
    """The day's store, closed and opened again with its file read-only; and how that was done."""
    path = day["path"]
    store.close()
    if _immutable(path, True):
        try:
            opened = open_store(path)  # the program's own way in: SQLite finds it cannot write
            yield opened, "chattr"
            opened.close()
        finally:
            _immutable(path, False)
    else:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        opened = Store(Database(conn), str(path))
        yield opened, "uri"
        opened.close()


def test_a_booking_on_a_read_only_store_is_refused_in_chinese_naming_the_file(read_only, day):
    desk, _how = read_only
    error = refused(bookings.book, desk, CLERK, request(day), NOW)
    assert (error.code, error.key) == ("store", "store_readonly")
    assert error.message() == f"数据文件是只读的，无法保存更改：{day['path']}。"


def test_a_read_only_store_still_shows_the_day_and_the_passes(read_only, day):
    desk, _how = read_only
    assert [b.resource for b in bookings.on_date(desk, at("2026-11-24 00:00").date())] == ["P001", "P002", "P003"]
    assert passes.pass_text(desk, day["waiting"].id).startswith(str(passcode.NONCE_VERSION))


def test_nothing_changes_in_a_read_only_store_however_it_is_used(read_only, day):
    desk, _how = read_only
    before = dump(day["path"])
    for call, args, now in ((bookings.book, (desk, CLERK, request(day)), NOW),
                            (bookings.cancel, (desk, CLERK, day["waiting"].id), NOW),
                            (residents.add, (desk, CLERK, "王五", "3栋2单元502", "13700001111"), NOW),
                            (scanning.scan, (desk, CLERK, passes.pass_text(desk, day["inside"].id), stations.DESK),
                             at("2026-11-24 11:00"))):
        assert refused(call, *args, now=now).key == "store_readonly", call
    assert dump(day["path"]) == before


def test_the_book_command_on_a_read_only_store_exits_1_with_the_message(read_only, day, run_cli):
    _desk, how = read_only
    if how != "chattr":
        pytest.skip("a separate opening of the file can be made read-only only with chattr, not allowed here")
    result = run_cli("book", "--resource", "P010", "--start", "2026-11-26 09:00", "--end", "2026-11-26 10:00",
                     "--resident", str(day["zhang"].id))
    assert result.code == 1
    assert result.json == {"error": f"数据文件是只读的，无法保存更改：{day['path']}。", "code": "store"}


# --- another program holds the store -------------------------------------------------------------

@pytest.fixture
def short_wait(monkeypatch: pytest.MonkeyPatch) -> float:
    """The busy timeout, read when a store is opened, cut from 15 s so the tests do not wait long."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.4)
    return 0.4


@contextlib.contextmanager
def held(path: Path) -> Iterator[sqlite3.Connection]:
    """Another program's connection with the store's write lock: `BEGIN EXCLUSIVE`, then waiting."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield other
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


def test_a_booking_while_another_program_holds_the_store_waits_its_turn_then_says_busy(store, day, short_wait):
    desk = open_store(day["path"])
    with held(day["path"]):
        started = time.monotonic()
        error = refused(bookings.book, desk, CLERK, request(day), NOW)
        waited = time.monotonic() - started
    desk.close()
    assert (error.code, error.key) == ("store", "store_busy")
    assert error.message() == "数据文件正被其他程序占用，请稍后再试。"
    assert waited >= short_wait * 0.9  # it waited for the other program before giving up


def test_a_lock_loses_nothing_and_the_same_booking_succeeds_once_it_is_released(store, day, short_wait):
    desk = open_store(day["path"])
    before = dump(day["path"])
    with held(day["path"]) as other:
        refused(bookings.book, desk, CLERK, request(day), NOW)
        refused(scanning.scan, desk, CLERK, passes.pass_text(desk, day["waiting"].id), stations.DESK,
                now=at("2026-11-24 19:05"))
        # what the other program writes under its lock is kept too
        other.execute("INSERT INTO setting(key, value) VALUES ('other_program', 'was here')")
        other.execute("COMMIT")
    after = dump(day["path"])
    assert [line for line in after if line not in before] == [
        "INSERT INTO \"setting\" VALUES('other_program','was here');"]
    assert bookings.book(desk, CLERK, request(day), NOW).status == "booked"
    desk.close()


def test_the_book_command_on_a_locked_store_exits_1_with_a_clear_message(store, day, short_wait, run_cli):
    with held(day["path"]):
        result = run_cli("book", "--resource", "P010", "--start", "2026-11-26 09:00", "--end", "2026-11-26 10:00",
                         "--resident", str(day["zhang"].id))
    assert result.code == 1
    assert result.json == {"error": "数据文件正被其他程序占用，请稍后再试。", "code": "store"}


def test_without_json_the_locked_message_goes_to_the_error_stream(store, day, short_wait, capsys):
    out = io.StringIO()
    with held(day["path"]):
        code = cli.run(["--db", str(day["path"]), "--now", "2026-11-24 10:00", "cancel", str(day["waiting"].id)], out)
    assert code == 1 and out.getvalue() == ""
    assert capsys.readouterr().err == "数据文件正被其他程序占用，请稍后再试。\n"


def test_the_day_can_still_be_read_while_another_program_writes(store, day, short_wait, run_cli):
    with held(day["path"]):
        result = run_cli("list", "--date", "2026-11-24")
    assert result.code == 0
    assert [b["resource"] for b in result.json["bookings"]] == ["P001", "P002", "P003"]


# --- the clock is set back ----------------------------------------------------------------------

@TWO_ENGINES
def test_a_check_out_scanned_before_the_check_in_time_is_refused_and_the_booking_stays_inside(store, day):
    # Checked in at 09:05; the PC's clock now says 08:30.
    text = passes.pass_text(store, day["inside"].id)
    verdict = scanning.scan(store, CLERK, text, stations.DESK, now=at("2026-11-24 08:30"))
    assert not verdict.ok and verdict.reason_key == "scan_clock_behind"
    assert verdict.reason == ("本机时间（11月24日 08:30）早于该预约的签到时间（11月24日 09:05），"
                              "请先校正电脑时间再扫码。")
    booking = bookings.get(store, day["inside"].id)
    assert (booking.status, booking.checked_out_at) == ("checked_in", None)


@TWO_ENGINES
def test_a_check_out_by_hand_before_the_check_in_time_is_refused(store, day):
    error = refused(scanning.manual, store, CLERK, day["inside"].id, "通行证丢失", now=at("2026-11-24 08:30"))
    assert (error.code, error.key) == ("state", "scan_clock_behind")
    assert bookings.get(store, day["inside"].id).status == "checked_in"


@TWO_ENGINES
def test_no_completed_booking_ever_leaves_before_it_arrived_whatever_the_clock_says(store, day):
    text = passes.pass_text(store, day["inside"].id)
    for moment in ("2026-11-23 23:59", "2026-11-24 09:04", "2026-11-20 12:00", "2026-11-24 11:00"):
        scanning.scan(store, CLERK, text, stations.DESK, now=at(moment))
    backwards = store.sql(
        "SELECT id FROM booking WHERE status = 'completed' AND checked_out_at < checked_in_at").fetchall()
    assert backwards == []
    assert bookings.get(store, day["inside"].id).checked_out_at == "2026-11-24 11:00:00"


@TWO_ENGINES
def test_the_sweep_with_the_clock_set_back_changes_nothing(store, day):
    before = everything(store)
    assert sweep.sweep(store, at("2026-11-20 08:00")).to_json() == {"no_shows": [], "overstays": []}
    assert everything(store) == before


@TWO_ENGINES
def test_a_booking_made_with_the_clock_set_back_follows_the_rules_at_that_time(store, day, engine):
    earlier = at("2026-11-20 10:00")  # four days before what the store already holds
    made = bookings.book(store, CLERK, request(day, "P020", "2026-11-21 19:00"), earlier)
    assert made.status == "booked"
    error = refused(bookings.book, store, CLERK, request(day, "P021", "2026-11-19 19:00"), earlier)
    assert error.code == "rule" and "开始时间已过去" in error.message()
    clash = refused(bookings.book, store, CLERK, request(day, "P001", "2026-11-24 10:00"), earlier)
    assert clash.code == "clash"
    if engine == "sqlite":  # the server checks its keys and pages itself, as each row is written
        assert sound(day["path"])


@TWO_ENGINES
def test_the_scan_command_with_the_clock_set_back_answers_a_refusal(store, day, run_cli):
    result = run_cli("scan", passes.pass_text(store, day["inside"].id), now="2026-11-24 08:30")
    assert result.code == 0
    assert (result.json["ok"], result.json["reason_key"]) == (False, "scan_clock_behind")
