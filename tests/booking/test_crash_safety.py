"""A desk killed at any moment loses nothing it confirmed and leaves no half-written booking.

A writer process books single slots and repeating series and cancels some of
its bookings as fast as it can, and writes a line for each one the moment the
domain function has returned (acknowledged: the clerk would have seen it).
It is killed with SIGKILL at a random moment, over and over, on the same
store. After every kill the store must pass `PRAGMA integrity_check` and
`foreign_key_check`; every acknowledged booking, series and cancellation must
be there; and no booking, series or cancellation may be there in part (each
booking has its audit entry from the same transaction, each series has all of
its occurrences, each cancellation its audit entry and time).

To kill hundreds of writers within seconds, the writers are forked from a
"zygote" process that has already imported the program, instead of starting
Python each time (which takes longer than the writing itself).
"""
from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from booking.people import residents
from booking.policy import rules
from booking.store.audit import Actor
from booking.store.connection import Store
from booking.store.location import StoreServer
from tests.conftest import TWO_ENGINES, db_arg

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)

pytestmark = pytest.mark.slow  # real processes racing and dying: seconds, not milliseconds

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Actor("管理员甲", "admin")
KILLS = 300
KILLS_ON_SERVER = 40
SERIES_COUNT = 3
SINGLES_PER_RUN = 60_000 // KILLS   # the writer's own slots: it never clashes with an earlier one
SERIES_PER_RUN = 1680 // KILLS
#: The whole store is checked after every tenth kill: what a kill breaks stays broken (no later
#: writer finishes another's transaction), and checking the growing file after each one cost 60 %
#: of the test.
CHECK_EVERY = 10

#: Reads one job a line; forks a writer for it; answers the writer's pid, then how it ended.
ZYGOTE = r"""
import json, os, random, sys, time
sys.path.insert(0, sys.argv[1])
from datetime import datetime, timedelta
from booking.schedule import bookings
from booking.store.audit import Actor
from booking.store import location
from booking.store.connection import open_store
if sys.argv[2] == "server":  # imported before the forks, as the program itself is
    from booking.ops import setup
    import booking.store.postgres.store  # noqa: F401

NOW = datetime(2026, 11, 24, 10, 0)
DAY = datetime(2026, 11, 25)


def single_slot(n):
    # P001-P100, 25 days, 24 hours: 60,000 slots that never overlap one another
    return f"P{n % 100 + 1:03d}", DAY + timedelta(days=(n // 100) % 25, hours=(n // 2500) % 24)


def series_slot(n):
    # P101-P110: a weekday (7 first days) and an hour; three weeks of it never meet another
    return f"P{101 + n % 10}", DAY + timedelta(days=(n // 10) % 7, hours=(n // 70) % 24)


def write(job):
    ack = os.open(job["acks"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    say = lambda text: os.write(ack, (text + "\n").encode())   # in the kernel the moment it returns
    where = location.parse(job["db"])
    if isinstance(where, location.StoreServer):
        store = setup.open_ready(where, now=NOW, create=False)
    else:
        store = open_store(job["db"], full_check=False)  # as the window opens: the checks below read the whole file
    actor = Actor("值班员乙", "clerk")
    rng = random.Random(job["seed"])
    mine = []
    single, series = job["single"], job["series"]
    while True:  # until the kill: a writer never ends by itself
        roll = rng.random()
        if single >= job["single_end"] and series >= job["series_end"] and not mine:
            time.sleep(0.001)  # every slot of this run is used: wait for the kill
            continue
        if roll < 0.15 and series < job["series_end"]:
            code, start = series_slot(series)
            series += 1
            req = bookings.Request(code, start, start + timedelta(hours=1), job["resident"])
            done = bookings.book_series(store, actor, req, f"FREQ=WEEKLY;COUNT={job['count']}", NOW)
            say("s %d %s" % (done.series_id, " ".join(str(b.id) for b in done.bookings)))
        elif roll < 0.25 and mine:
            victim = mine.pop(rng.randrange(len(mine)))
            bookings.cancel(store, actor, victim, now=NOW)
            say("c %d" % victim)
        elif single < job["single_end"]:
            code, start = single_slot(single)
            single += 1
            booked = bookings.book(store, actor, bookings.Request(code, start, start + timedelta(hours=1),
                                                                  job["resident"]), NOW)
            mine.append(booked.id)
            say("b %d" % booked.id)


for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        try:
            write(job)
        finally:
            os._exit(0)
    print("pid %d" % pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print("ended %d" % status, flush=True)
"""


def wait_for_acks(path: Path, lines: int) -> None:
    """Until the writer has acknowledged `lines` writes (it always gets there: no speed is assumed;
    the bound only turns a writer that stopped working into a failure instead of a hang)."""
    for _ in range(60_000):
        if lines == 0 or (path.exists() and path.read_bytes().count(b"\n") >= lines):
            return
        time.sleep(0.001)
    raise AssertionError(f"the writer acknowledged fewer than {lines} writes")


class Acks:
    """What the writers acknowledged, from their lines."""

    def __init__(self) -> None:
        self.bookings: set[int] = set()
        self.cancelled: set[int] = set()
        self.series: dict[int, set[int]] = {}

    def read(self, path: Path) -> None:
        if not path.exists():
            return
        for line in path.read_text().splitlines():
            kind, *numbers = line.split()
            ids = [int(n) for n in numbers]
            if kind == "b":
                self.bookings.add(ids[0])
            elif kind == "c":
                self.cancelled.add(ids[0])
            elif kind == "s":
                self.series[ids[0]] = set(ids[1:])
                self.bookings.update(ids[1:])


def connect(db: Path | StoreServer) -> Any:
    """A plain connection to the store, past the code under test: sqlite3 or psycopg (both read alike)."""
    if isinstance(db, Path):
        return sqlite3.connect(db)
    import psycopg
    return psycopg.connect(db.url(), autocommit=True)


def problems(db: Path | StoreServer, acks: Acks) -> list[str]:
    """Everything wrong with the store after a kill (empty when all holds). On the file, its
    integrity and foreign keys first; the server enforces its foreign keys on every write."""
    conn = connect(db)
    found: list[str] = []
    try:
        if isinstance(db, Path):
            integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                return [f"integrity_check: {integrity[:5]}"]
            if conn.execute("PRAGMA foreign_key_check").fetchall():
                found.append("foreign_key_check found dangling references")
        statuses = dict(conn.execute("SELECT id, status FROM booking"))
        lost = sorted(acks.bookings - set(statuses))
        if lost:
            found.append(f"acknowledged bookings lost: {lost[:10]}")
        not_cancelled = sorted(i for i in acks.cancelled if statuses.get(i) != "cancelled")
        if not_cancelled:
            found.append(f"acknowledged cancellations lost: {not_cancelled[:10]}")
        members: dict[int, set[int]] = {}
        for booking_id, series_id in conn.execute("SELECT id, series_id FROM booking WHERE series_id IS NOT NULL"):
            members.setdefault(series_id, set()).add(booking_id)
        for (series_id,) in conn.execute("SELECT id FROM series"):
            if len(members.get(series_id, ())) != SERIES_COUNT:
                found.append(f"series {series_id} has {len(members.get(series_id, ()))} of its "
                             f"{SERIES_COUNT} bookings")
        for series_id, ids in acks.series.items():
            if members.get(series_id) != ids:
                found.append(f"acknowledged series {series_id} is not as acknowledged")
        booked_audit = {int(r[0]) for r in conn.execute(
            "SELECT entity_id FROM audit WHERE entity = 'booking' AND action = 'book'")}
        if booked_audit != set(statuses):
            found.append(f"bookings and their audit entries differ: "
                         f"{sorted(set(statuses) ^ booked_audit)[:10]}")
        cancel_audit = {int(r[0]) for r in conn.execute(
            "SELECT entity_id FROM audit WHERE entity = 'booking' AND action = 'cancel'")}
        cancelled = {i for i, s in statuses.items() if s == "cancelled"}
        if cancel_audit != cancelled:
            found.append(f"cancellations and their audit entries differ: {sorted(cancel_audit ^ cancelled)[:10]}")
        if conn.execute("SELECT count(*) FROM booking WHERE status = 'cancelled' AND cancelled_at IS NULL "
                        "OR status <> 'cancelled' AND cancelled_at IS NOT NULL").fetchone()[0]:
            found.append("a cancellation written in part")
        if conn.execute(
                "SELECT count(*) FROM booking a JOIN booking b ON b.resource_id = a.resource_id AND b.id > a.id "
                "AND a.start_at < b.end_at AND b.start_at < a.end_at "
                "WHERE a.status IN ('booked', 'checked_in') AND b.status IN ('booked', 'checked_in')").fetchone()[0]:
            found.append("overlapping active bookings")
    finally:
        conn.close()
    return found


@pytest.fixture
def zygote(engine: str) -> subprocess.Popen:
    kind = "server" if engine == "postgres" else "file"
    proc = subprocess.Popen([sys.executable, "-c", ZYGOTE, str(ROOT), kind], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    yield proc
    proc.stdin.close()
    proc.wait(timeout=30)


@TWO_ENGINES
def test_a_writer_killed_at_random_moments_never_loses_or_half_writes_a_booking(
        store: Store, store_at: Path | StoreServer, tmp_path: Path, zygote: subprocess.Popen) -> None:
    """On the server a killed writer is a dropped connection mid-transaction: what it had not
    committed must be rolled back whole, and what it acknowledged must be there. Fewer kills there
    (KILLS_ON_SERVER): each writer's start connects and checks the store, a tenth of a second."""
    kills = KILLS if isinstance(store_at, Path) else KILLS_ON_SERVER
    for scope in ("*", "kind:parking"):
        rules.set_rule(store, ADMIN, scope, "max_active_per_household", 100000, now=NOW)
    driver = residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW).id
    store.close()  # from here on only the writers and the checks below touch the file
    rng = random.Random(8)
    acks = Acks()
    single = series = 0
    kills_in_flight = 0
    for kill in range(kills):
        ack_file = tmp_path / f"acks-{kill}.txt"
        job: dict[str, Any] = {"db": db_arg(store_at), "acks": str(ack_file), "seed": kill, "resident": driver,
                               "single": single, "single_end": single + SINGLES_PER_RUN, "series": series,
                               "series_end": series + SERIES_PER_RUN, "count": SERIES_COUNT}
        zygote.stdin.write(json.dumps(job) + "\n")
        zygote.stdin.flush()
        pid = int(zygote.stdout.readline().split()[1])
        # Some kills come before the first write, most after a few acknowledged ones (series and
        # cancellations among them, as the writers' seeds decide): however fast the machine is.
        wait_for_acks(ack_file, rng.choice((0, 0, 1, 2, 4, 8)))
        time.sleep(rng.uniform(0.0, 0.06))
        with contextlib.suppress(ProcessLookupError):  # (it never ends by itself)
            os.kill(pid, signal.SIGKILL)
        ended = int(zygote.stdout.readline().split()[1])
        kills_in_flight += ended & 0x7F == signal.SIGKILL
        acks.read(ack_file)
        # The next writer goes on after every slot this one may have used (acknowledged or not).
        single += SINGLES_PER_RUN
        series += SERIES_PER_RUN
        if (kill + 1) % CHECK_EVERY == 0 or kill + 1 == kills:
            found = problems(store_at, acks)
            assert found == [], f"after kill {kill + 1} (or one of the {CHECK_EVERY - 1} before): {found}"
    conn = connect(store_at)
    stored = conn.execute("SELECT count(*) FROM booking").fetchone()[0]
    conn.close()
    print(f"{kills} kills, {len(acks.bookings)} bookings, {len(acks.series)} series and "
          f"{len(acks.cancelled)} cancellations acknowledged; {stored - len(acks.bookings)} more bookings "
          f"committed but killed before their acknowledgement")
    assert kills_in_flight == kills, "a writer ended by itself, not by the kill"
    assert acks.bookings and acks.series and acks.cancelled  # each kind of write was killed around

