"""Eight desk processes race for the same slots on the real server: exactly one winner per round.

With the write lock, a desk's read-then-write (is the slot free? then book it) runs whole, one desk
after another, as BEGIN IMMEDIATE gives on SQLite: the losers see the winner's booking and step back.
Without it, the exclusion constraint alone still lets only one through (the others get 23P01).
Either way the table ends with no overlap. These are the store's guards alone; the domain's own
race tests move onto the server with the store (issue 15).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import URL

from booking.store.postgres.locking import take_write_lock

ROOT = Path(__file__).resolve().parents[3]
DESKS = 8
ROUNDS = 12

WORKER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import psycopg, sqlalchemy as sa
from sqlalchemy import text
from booking.store.postgres.locking import take_write_lock
url, mode, rounds = sys.argv[2], sys.argv[3], int(sys.argv[4])
engine = sa.create_engine(url, poolclass=sa.NullPool)
conn = engine.connect()
conn.execute(text("SELECT 1")); conn.rollback()
print("ready", flush=True)
sys.stdin.readline()  # every desk connected: go
won, lost = [], 0
for r in range(rounds):
    start, end = f"2026-12-01 {8 + r:02d}:00", f"2026-12-01 {9 + r:02d}:00"
    try:
        with conn.begin():
            if mode == "lock":
                take_write_lock(conn)
                taken = conn.execute(text(
                    "SELECT count(*) FROM booking WHERE resource_id = 1 AND status IN ('booked', 'checked_in') "
                    "AND start_at < :end AND end_at > :start"), {"start": start, "end": end}).scalar()
                if taken:
                    lost += 1
                    continue
            conn.execute(text("INSERT INTO booking (resource_id, household_id, resident_id, start_at, end_at) "
                              "VALUES (1, 1, 1, :start, :end)"), {"start": start, "end": end})
        won.append(r)
    except sa.exc.DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != "23P01":
            raise
        lost += 1
print(json.dumps({"won": won, "lost": lost}), flush=True)
"""


@pytest.fixture
def slots(pg_engine: sa.Engine) -> sa.Engine:
    with pg_engine.begin() as conn:
        conn.execute(text("INSERT INTO household (id, door, building, unit, room) VALUES (1, '1-1-101', 1, 1, 101)"))
        conn.execute(text("INSERT INTO resident (id, household_id, name, phone, phone_tail) "
                          "VALUES (1, 1, '甲', '1', '1')"))
        conn.execute(text("INSERT INTO resource (id, code, kind, name_zh, name_en) "
                          "VALUES (1, 'P001', 'parking', '车位1', 'Space 1')"))
    return pg_engine


def race(url: URL, mode: str) -> list[dict[str, Any]]:
    plain = url.render_as_string(hide_password=False)
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(ROOT), plain, mode, str(ROUNDS)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(DESKS)]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", proc.communicate()[1]
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def overlaps(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM booking a JOIN booking b ON a.resource_id = b.resource_id AND a.id < b.id "
            "WHERE a.status IN ('booked', 'checked_in') AND b.status IN ('booked', 'checked_in') "
            "AND a.start_at < b.end_at AND b.start_at < a.end_at")).scalar_one())


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["lock", "constraint"])
def test_eight_desks_racing_for_the_same_slots_give_one_winner_a_round(slots: sa.Engine, mode: str) -> None:
    results = race(slots.url, mode)
    winners = sorted(r for result in results for r in result["won"])
    assert winners == list(range(ROUNDS))  # each round won exactly once
    assert sum(result["lost"] for result in results) == (DESKS - 1) * ROUNDS  # and lost by every other desk
    assert overlaps(slots) == 0
    with slots.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM booking")).scalar() == ROUNDS


KILLED = r"""
import sys
sys.path.insert(0, sys.argv[1])
import sqlalchemy as sa
from sqlalchemy import text
from booking.store.postgres.locking import take_write_lock
conn = sa.create_engine(sys.argv[2], poolclass=sa.NullPool).connect()
conn.begin()
take_write_lock(conn)
conn.execute(text("INSERT INTO booking (resource_id, household_id, resident_id, start_at, end_at) "
                  "VALUES (1, 1, 1, '2026-12-01 08:00', '2026-12-01 09:00')"))
conn.execute(text("INSERT INTO audit (at, actor, action, entity) "
                  "VALUES ('2026-12-01 07:59:00', 'desk', 'book', 'booking')"))
print("holding", flush=True)
sys.stdin.readline()  # killed here, mid-write, the lock held
"""


def test_a_desk_killed_mid_write_leaves_nothing_written_and_no_lock_held(slots: sa.Engine) -> None:
    proc = subprocess.Popen([sys.executable, "-c", KILLED, str(ROOT), slots.url.render_as_string(hide_password=False)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding", proc.communicate()[1]
    finally:
        proc.kill()
        proc.wait()
    with slots.connect() as conn:
        with conn.begin():
            conn.execute(text("SET LOCAL lock_timeout = '60s'"))  # a bound, not a measure: a hang fails
            take_write_lock(conn)  # the server let the dead desk's lock go with its transaction
            assert conn.execute(text("SELECT count(*) FROM booking")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM audit")).scalar() == 0
