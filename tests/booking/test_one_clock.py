"""One clock (issue 11 item 3): every time the program stores comes from the `now` the operation
was given, and only booking/store/clock.py reads the wall clock (the window through ui/desk/session.py)."""
from __future__ import annotations

import ast
from datetime import datetime, timedelta
from pathlib import Path

from booking.checkin import passes, scanning
from booking.money import credits, fees, ledger
from booking.ops import setup
from booking.people import clerks, residents
from booking.places import closures, stations
from booking.policy import rules
from booking.schedule import bookings
from booking.store import schema
from booking.store.audit import Actor
from booking.schedule.bookings import Request
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)
STAMP = "2026-11-24 10:00"

#: calls that read the wall clock (or a Qt clock) wherever they appear
WALL_CLOCK = {("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow"), ("date", "today"),
              ("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime"),
              ("time", "ctime"), ("QDateTime", "currentDateTime"), ("QDateTime", "currentDateTimeUtc"),
              ("QDate", "currentDate"), ("QTime", "currentTime"),
              ("clock", "now"), ("clock", "moment"), ("clock", "stamp")}
#: the edges, and why each may read the clock
ALLOWED = {
    ("booking/store/clock.py", "*"): "the one clock",
    ("ui/desk/session.py", "clock.now"): "the window's edge: desk.now() and the sweep's real-clock bound",
    ("ui/desk/session.py", "clock.moment"): "the window's edge: scan times with seconds",
    ("booking/cli/main.py", "clock.moment"): "the command line's edge: one reading per command",
    ("booking/cli/gate_commands.py", "clock.moment"): "the gate server's edge: one reading per camera event",
    ("booking/ops/backup.py", "time.time"): "file ages against the files' mtimes, never a stored time",
}


def wall_clock_reads(path: Path) -> list[tuple[int, str]]:
    """(line, 'module.attribute') of every reference to a wall-clock reader in one source file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute):
            owner = node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", None)
            if (owner, node.attr) in WALL_CLOCK:
                found.append((node.lineno, f"{owner}.{node.attr}"))
        elif isinstance(node, ast.ImportFrom) and node.module in ("datetime", "time", "booking.store.clock"):
            for alias in node.names:  # `from time import time` would hide the call from the check above
                if (node.module.rsplit(".", 1)[-1], alias.name) in WALL_CLOCK:
                    found.append((node.lineno, f"{node.module}.{alias.name}"))
    return found


def test_only_the_clock_and_the_edges_read_the_wall_clock():
    offenders = []
    for folder in ("booking", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            for line, what in wall_clock_reads(path):
                if (name, "*") not in ALLOWED and (name, what) not in ALLOWED:
                    offenders.append(f"{name}:{line} {what}")
    assert offenders == [], "read the operation's now instead:\n" + "\n".join(offenders)


def test_the_check_sees_a_wall_clock_read(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from datetime import datetime\nfrom booking import clock\n"
                      "a = datetime.now()\nb = clock.stamp()\n", encoding="utf-8")
    assert [what for _, what in wall_clock_reads(sample)] == ["datetime.now", "clock.stamp"]


def test_a_cancellation_is_stamped_with_the_operations_now(store, admin, resident):
    booking = bookings.book(store, admin, Request("P001", NOW + timedelta(days=3), NOW + timedelta(days=3, hours=2),
                                                  resident.id), NOW)
    bookings.cancel(store, admin, booking.id, now=NOW + timedelta(days=1))
    stamp = store.sql("SELECT cancelled_at FROM booking WHERE id = :id", id=booking.id).fetchone()[0]
    assert stamp == "2026-11-25 10:00:00"
    at = store.sql("SELECT at FROM audit WHERE action = 'cancel'").fetchone()[0]
    assert at == "2026-11-25 10:00:00"


def test_a_scan_keeps_the_seconds_of_its_now(store, admin, resident):
    booking = bookings.book(store, admin, Request("P001", NOW, NOW + timedelta(hours=2), resident.id), NOW)
    moment = NOW + timedelta(minutes=5, seconds=37)
    scanning.scan(store, admin, passes.pass_text(store, booking.id), stations.DESK, now=moment)
    assert store.sql("SELECT at FROM scan").fetchone()[0] == "2026-11-24 10:05:37"
    assert bookings.get(store, booking.id).checked_in_at == "2026-11-24 10:05:37"


def stored_columns(store, engine: str) -> list[tuple[str, str]]:
    """Every (table, column) of the store, on either engine."""
    if engine == "postgres":
        return store.sql("SELECT table_name, column_name FROM information_schema.columns "
                         "WHERE table_schema = current_schema()").fetchall()
    return [(table, r[1]) for (table,) in store.sql("SELECT name FROM sqlite_master WHERE type = 'table'")
            for r in store.sql(f"PRAGMA table_info({table})")]


def test_every_time_the_desk_stores_comes_from_the_operations_now(store_at, engine):
    """A day of work at a fixed NOW (from a new store on): no stored time of any other moment."""
    store = setup.open_ready(store_at, now=NOW)
    boss = clerks.create_first_admin(store, "王主任", "admin-pass-1", now=NOW)
    clerks.add(store, boss, "小李", "clerk", "zhiban-2026!", now=NOW)
    clerks.set_password(store, boss, "小李", "zhiban-2027!", now=NOW)
    clerks.set_active(store, boss, "小李", False, now=NOW)
    person = residents.add(store, boss, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    residents.add_vehicle(store, boss, person.id, "川A54321", now=NOW)
    rules.set_rule(store, boss, "kind:parking", "grace_minutes", 45, now=NOW)
    closures.add(store, boss, "res:P009", NOW + timedelta(days=5), NOW + timedelta(days=6), "检修", now=NOW)
    stations.add(store, boss, "东门", ["parking"], now=NOW)
    passes.rotate_key(store, boss, retire_old=False, now=NOW)
    room = bookings.book(store, boss, Request("R04", NOW + timedelta(days=2), NOW + timedelta(days=2, hours=2),
                                              person.id), NOW)
    ledger.pay(store, boss, room.id, 4000, "cash", NOW)
    bookings.cancel(store, boss, room.id, now=NOW)
    ledger.refund(store, boss, room.id, NOW)
    fees.set_exempt(store, boss, bookings.book(store, boss, Request("R04", NOW + timedelta(days=3),
                    NOW + timedelta(days=3, hours=2), person.id), NOW).id, "volunteer", now=NOW)
    credits.earn(store, boss, person.id, 120, "志愿服务一队", "清扫院落", "王队长", now=NOW)
    parked = bookings.book(store, boss, Request("P001", NOW, NOW + timedelta(hours=2), person.id,
                                                plate="川A12345"), NOW)
    text = passes.pass_text(store, parked.id)
    scanning.scan(store, Actor("值班员乙", "clerk"), text, stations.DESK, now=NOW)
    scanning.scan(store, Actor("值班员乙", "clerk"), text, stations.DESK, now=NOW + timedelta(seconds=30))
    others = []
    for table, column in stored_columns(store, engine):
        if table in ("_sqlite_migrations", "_linli_migrations"):  # the migrations' own bookkeeping
            continue
        if column in ("start_at", "end_at", "offer_expires_at"):  # times the user chose, not stamps
            continue
        if column == "at" or column.endswith("_at"):
            for (value,) in store.sql(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"):
                if not value.startswith(STAMP) and not (table == "tariff" and value == schema.DEFAULTS_STAMP):
                    others.append(f"{table}.{column} = {value}")
    store.close()
    assert others == []
