"""Several desks writing one store at the same moment: nothing is ever booked twice.

Each desk is a real, separate Python process with its own connection (as two
copies of the program on one file are). The processes are started, wait until
every one of them has opened the store, and are then released together; each
round's attempt is scheduled for the same instant in every process, so they
really race for the write lock. What must hold afterwards:

- no two active bookings of one resource overlap (checked with a self-join
  over the whole table, not through the code under test);
- every loser got a clean DeskError 'clash' — never "database is locked", never
  a traceback;
- a scan and a cancellation of the same booking at the same moment leave one
  outcome that the booking, the scan record and the audit log all agree on.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from booking.checkin import passes
from booking.people import residents
from booking.policy import rules
from booking.store.audit import Actor
from booking.store.connection import Store
from booking.store.location import StoreServer
from tests.conftest import TWO_ENGINES, db_arg

pytestmark = pytest.mark.slow  # real processes racing and dying: seconds, not milliseconds

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 24, 10, 0)
ADMIN = Actor("管理员甲", "admin")

#: One desk: opens the store, says "ready", waits for the common start time on stdin,
#: then does each round's operation at its scheduled instant and reports every outcome.
WORKER = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
job = json.loads(sys.argv[2])
from datetime import datetime
from booking.checkin import scanning
from booking.places import stations
from booking.schedule import bookings
from booking.store.audit import Actor
from booking.store.errors import DeskError
from booking.ops import setup
from booking.store import location
from booking.store.connection import open_store

where = location.parse(job["db"])  # the file, or the server's URL (tests/conftest.py's db_arg)
if isinstance(where, location.StoreServer):
    store = setup.open_ready(where, now=datetime.fromisoformat(job["now"]), create=False)
else:
    store = open_store(job["db"])
actor = Actor(job["name"], "clerk")
now = datetime.fromisoformat(job["now"])
print("ready", flush=True)
t0 = float(sys.stdin.readline())
results = []
for op in job["ops"]:
    at = t0 + op["offset"]
    while True:  # sleep until just before the instant, then spin: the start is what races
        left = at - time.time()
        if left <= 0:
            break
        if left > 0.003:
            time.sleep(left - 0.002)
    out = {"round": op["round"], "started": time.time()}
    try:
        if op["op"] == "book":
            req = bookings.Request(op["resource"], datetime.fromisoformat(op["start"]),
                                   datetime.fromisoformat(op["end"]), op["resident"], plate=op.get("plate"))
            out["id"] = bookings.book(store, actor, req, now).id
        elif op["op"] == "book_then_cancel":  # a desk that keeps freeing the slot it just took
            req = bookings.Request(op["resource"], datetime.fromisoformat(op["start"]),
                                   datetime.fromisoformat(op["end"]), op["resident"])
            out["id"] = bookings.book(store, actor, req, now).id
            out["statuses"] = [b.status for b in bookings.cancel(store, actor, out["id"], now=now)]
        elif op["op"] == "scan":
            verdict = scanning.scan(store, actor, op["text"], stations.DESK, now=datetime.fromisoformat(op["at"]))
            out.update(ok=verdict.ok, action=verdict.action, reason_key=verdict.reason_key)
        elif op["op"] == "cancel":
            done = bookings.cancel(store, actor, op["id"], now=now)
            out["statuses"] = [b.status for b in done]
        else:
            raise ValueError(op["op"])
    except DeskError as exc:
        out.update(code=exc.code, key=exc.key, message=exc.message())
    except Exception as exc:
        out["crash"] = repr(exc)
    results.append(out)
print(json.dumps(results), flush=True)
"""


def run_desks(db: Path | StoreServer, jobs: list[list[dict[str, Any]]],
              timeout: float = 45.0) -> list[list[dict[str, Any]]]:
    """Run one process per job; release them together; return each one's results in order."""
    procs = []
    for number, ops in enumerate(jobs):
        job = {"db": db_arg(db), "name": f"值班员{number}", "now": NOW.isoformat(sep=" "), "ops": ops}
        procs.append(subprocess.Popen([sys.executable, "-c", WORKER, str(ROOT), json.dumps(job)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, cwd=ROOT))
    try:
        for proc in procs:  # every desk has its store open before anyone starts
            line = proc.stdout.readline()
            assert line.strip() == "ready", proc.stderr.read()
        start = time.time() + 0.1
        for proc in procs:
            proc.stdin.write(f"{start!r}\n")
            proc.stdin.flush()
        outputs = []
        for proc in procs:
            out, err = proc.communicate(timeout=timeout)
            assert proc.returncode == 0, err
            outputs.append(json.loads(out.strip().splitlines()[-1]))
        return outputs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def overlapping_active(db: Path | StoreServer) -> list[tuple]:
    """Pairs of active bookings of one resource that overlap, straight from the table."""
    conn = connect(db)
    try:
        return conn.execute(
            "SELECT a.id, b.id, a.resource_id, a.start_at, a.end_at, b.start_at, b.end_at FROM booking a "
            "JOIN booking b ON b.resource_id = a.resource_id AND b.id > a.id "
            "AND a.start_at < b.end_at AND b.start_at < a.end_at "
            "WHERE a.status IN ('booked', 'checked_in') AND b.status IN ('booked', 'checked_in')").fetchall()
    finally:
        conn.close()


def connect(db: Path | StoreServer) -> Any:
    """A plain connection to the store, past the code under test: sqlite3 or psycopg (both read alike)."""
    if isinstance(db, Path):
        return sqlite3.connect(db)
    import psycopg
    return psycopg.connect(db.url(), autocommit=True)


def by_round(outputs: list[list[dict[str, Any]]]) -> dict[int, list[dict[str, Any]]]:
    rounds: dict[int, list[dict[str, Any]]] = {}
    for results in outputs:
        for result in results:
            rounds.setdefault(result["round"], []).append(result)
    return rounds


def tightest_start(attempts: list[dict[str, Any]]) -> float:
    starts = sorted(a["started"] for a in attempts)
    return starts[-1] - starts[0]


def assert_they_raced(results: dict[int, list[dict[str, Any]]]) -> None:
    """The test means something only if the attempts really met: in at least one round every desk's
    attempt began within 50 ms of the others' (a booking holds the write lock for some ms, so they
    met there). Not a share of the rounds: eight processes on a loaded 2-core CI are scheduled late
    in many rounds (a tenth within 20 ms failed once beside three test workers), which says nothing
    about the store; what must hold in every round is the one winner asserted above."""
    spreads = sorted(tightest_start(a) for a in results.values())
    assert spreads[0] < 0.05, spreads


@pytest.fixture
def racing_store(store: Store, store_at: Path | StoreServer) -> Path | StoreServer:
    """The seeded store with the household limit raised, so the only thing a desk can lose on is a clash
    (the file, or for a TWO_ENGINES test on the server, this test's database there)."""
    for scope in ("*", "kind:parking", "kind:room"):
        rules.set_rule(store, ADMIN, scope, "max_active_per_household", 100000, now=NOW)
    return store_at


@pytest.fixture
def drivers(store: Store) -> list[int]:
    """Residents with one car each, one per desk."""
    return [residents.add(store, ADMIN, f"住户{n}", f"{n + 1}栋1单元101", f"1380000{n:04d}", f"川A{n:05d}", now=NOW).id
            for n in range(DESKS)]


#: desks racing in the two-engine tests (issue 15: "8 desk processes racing for the same slots")
DESKS = 8


@TWO_ENGINES
def test_eight_desks_racing_for_the_same_spaces_never_double_book(
        racing_store: Path | StoreServer, drivers: list[int]) -> None:
    rounds, period = 30, 0.06
    jobs = []
    for desk in range(DESKS):
        ops = []
        for r in range(rounds):
            # Every desk's window overlaps every other's in the round: at most one can win.
            start = datetime(2026, 11, 26, 9, 0) + timedelta(minutes=5 * desk)
            ops.append({"round": r, "offset": r * period, "op": "book", "resource": f"P{r + 1:03d}",
                        "start": start.isoformat(sep=" "), "end": (start + timedelta(hours=1)).isoformat(sep=" "),
                        "resident": drivers[desk]})
        jobs.append(ops)
    outputs = run_desks(racing_store, jobs)

    assert overlapping_active(racing_store) == []
    results = by_round(outputs)
    for r, attempts in results.items():
        assert len(attempts) == DESKS
        assert [a for a in attempts if "crash" in a] == []
        winners = [a for a in attempts if "id" in a]
        losers = [a for a in attempts if "id" not in a]
        assert len(winners) == 1, (r, attempts)
        assert {(a["code"], a["key"]) for a in losers} == {("clash", "booking_clash")}, (r, losers)
    assert_they_raced(results)


@TWO_ENGINES
def test_eight_desks_racing_for_one_households_quota_book_exactly_the_quota(
        store: Store, store_at: Path | StoreServer) -> None:
    """A read-then-write rule raced: each desk books a different free space for the same household
    at the same moment; the household may hold QUOTA at once, so exactly QUOTA desks win a round
    and the others are refused by the rule (never a clash, never a crash, never QUOTA + 1)."""
    quota, rounds, period = 2, 12, 0.08
    rules.set_rule(store, ADMIN, "kind:parking", "max_active_per_household", quota, now=NOW)
    family = [residents.add(store, ADMIN, f"家人{n}", "3栋2单元501", f"1390000{n:04d}", f"川B{n:05d}", now=NOW)
              for n in range(DESKS)]
    members = [member.id for member in family]
    jobs = []
    for desk in range(DESKS):
        ops = []
        for r in range(rounds):
            start = datetime(2026, 11, 26, 8, 0) + timedelta(hours=2 * r)  # a round's bookings meet no other round's
            ops.append({"round": r, "offset": r * period, "op": "book", "resource": f"P{10 * desk + r % 10 + 1:03d}",
                        "start": start.isoformat(sep=" "), "end": (start + timedelta(hours=1)).isoformat(sep=" "),
                        "resident": members[desk], "plate": f"川B{desk:05d}"})
        jobs.append(ops)
    outputs = run_desks(store_at, jobs)

    results = by_round(outputs)
    for r, attempts in results.items():
        assert [a for a in attempts if "crash" in a] == []
        winners = [a for a in attempts if "id" in a]
        assert len(winners) == quota, (r, attempts)
        assert {(a["code"], a["key"]) for a in attempts if "id" not in a} == {("rule", "booking_rule")}, (r, attempts)
    conn = connect(store_at)
    try:
        held = conn.execute(
            f"SELECT start_at, count(*) FROM booking WHERE household_id = {family[0].household_id} "
            "AND status = 'booked' GROUP BY start_at").fetchall()
    finally:
        conn.close()
    assert sorted(n for _, n in held) == [quota] * rounds
    assert_they_raced(results)


def test_two_desks_booking_the_same_slot_at_the_same_moment_exactly_one_wins_each_time(
        racing_store: Path, drivers: list[int]) -> None:
    rounds, period = 120, 0.015
    jobs = []
    for desk in range(2):
        ops = []
        for r in range(rounds):
            start = datetime(2026, 11, 27 + r // 100, 8, 0) + timedelta(hours=(r // 50) % 2 * 6)
            ops.append({"round": r, "offset": r * period, "op": "book", "resource": f"P{r % 50 + 1:03d}",
                        "start": start.isoformat(sep=" "), "end": (start + timedelta(hours=2)).isoformat(sep=" "),
                        "resident": drivers[desk]})
        jobs.append(ops)
    outputs = run_desks(racing_store, jobs)

    results = by_round(outputs)
    assert len(results) == rounds
    wins_by_desk = [0, 0]
    for r, attempts in results.items():
        winners = [a for a in attempts if "id" in a]
        assert len(winners) == 1, (r, attempts)
        loser = next(a for a in attempts if "id" not in a)
        assert (loser.get("code"), loser.get("key")) == ("clash", "booking_clash"), (r, loser)
    for desk, desk_results in enumerate(outputs):
        wins_by_desk[desk] = sum("id" in a for a in desk_results)
    assert sum(wins_by_desk) == rounds
    assert overlapping_active(racing_store) == []
    assert_they_raced(results)


def test_a_scan_and_a_cancellation_at_the_same_moment_leave_one_consistent_outcome(
        store: Store, racing_store: Path, drivers: list[int]) -> None:
    from booking.schedule import bookings

    rounds, period = 40, 0.03
    made = []
    for r in range(rounds):
        start = datetime(2026, 11, 25, 8, 0) + timedelta(hours=r // 20 * 3)
        req = bookings.Request(f"P{r % 20 + 1:03d}", start, start + timedelta(hours=2), drivers[0])
        made.append(bookings.book(store, ADMIN, req, NOW))
    texts = {b.id: passes.pass_text(store, b.id) for b in made}
    scanner = [{"round": r, "offset": r * period, "op": "scan", "text": texts[b.id],
                "at": (b.start + timedelta(minutes=5)).isoformat(sep=" ")} for r, b in enumerate(made)]
    canceller = [{"round": r, "offset": r * period, "op": "cancel", "id": b.id} for r, b in enumerate(made)]
    outputs = run_desks(racing_store, [scanner, canceller])

    conn = sqlite3.connect(racing_store)
    outcomes = {"checked_in": 0, "cancelled": 0}
    for r, b in enumerate(made):
        scan, cancel = outputs[0][r], outputs[1][r]
        assert "crash" not in scan and "crash" not in cancel, (scan, cancel)
        status = conn.execute("SELECT status FROM booking WHERE id = ?", (b.id,)).fetchone()[0]
        recorded = conn.execute("SELECT ok, action FROM scan WHERE booking_id = ?", (b.id,)).fetchall()
        actions = sorted(a for (a,) in conn.execute(
            "SELECT action FROM audit WHERE entity = 'booking' AND entity_id = ? AND action <> 'book'",
            (str(b.id),)))
        assert status in outcomes, (r, status)
        outcomes[status] += 1
        assert len(recorded) == 1, (r, recorded)
        if status == "checked_in":
            # The scan won: it checked in, and the cancellation was refused (never a silent no-op).
            assert (scan["ok"], scan["action"]) == (True, "check-in")
            assert recorded == [(1, "check-in")]
            assert actions == ["check-in"]
            assert (cancel.get("code"), cancel.get("key")) == ("state", "booking_cannot_cancel"), cancel
        else:
            # The cancellation won: the pass was refused as cancelled, nothing was checked in.
            assert cancel.get("statuses") == ["cancelled"], cancel
            assert (scan["ok"], scan["reason_key"]) == (False, "scan_cancelled")
            assert recorded == [(0, None)]
            assert actions == ["cancel"]
    conn.close()
    assert sum(outcomes.values()) == rounds
    print(f"scan first {outcomes['checked_in']} times, cancellation first {outcomes['cancelled']} times")


#: One headless `book` command as a clerk would type it.
def cli_book(db: Path, resource: str, start: datetime, resident: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "app.py", "--db", str(db), "--now", NOW.strftime("%Y-%m-%d %H:%M"), "book",
         "--resource", resource, "--start", start.strftime("%Y-%m-%d %H:%M"),
         "--end", (start + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"), "--resident", str(resident), "--json"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))


def test_headless_commands_and_a_busy_desk_writing_at_once_never_double_book(
        racing_store: Path, drivers: list[int]) -> None:
    # The desk books and cancels the same four slots over and over while eight
    # headless `book` commands start and try for those slots too: a command wins a
    # slot while the desk has it free, and from then on the desk's attempts clash.
    slots = [("P090", datetime(2026, 11, 28, 9, 0)), ("P091", datetime(2026, 11, 28, 9, 0)),
             ("P092", datetime(2026, 11, 28, 9, 30)), ("P093", datetime(2026, 11, 28, 10, 0))]
    ops, r = [], 0
    for cycle in range(120):
        for code, start in slots:
            ops.append({"round": r, "offset": cycle * 0.025, "op": "book_then_cancel", "resource": code,
                        "start": start.isoformat(sep=" "), "end": (start + timedelta(hours=1)).isoformat(sep=" "),
                        "resident": drivers[0]})
            r += 1
    commands = [cli_book(racing_store, code, start, drivers[1 + n % 3])
                for n, (code, start) in enumerate(slots * 2)]
    try:
        desk = run_desks(racing_store, [ops])[0]
        answers = [(proc.communicate(timeout=45), proc.returncode) for proc in commands]
    finally:
        for proc in commands:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    for (out, err), code in answers:
        answer = json.loads(out)
        if code == 0:
            assert answer["bookings"][0]["status"] == "booked"
        else:
            assert code == 1 and answer["code"] == "clash", (answer, err)
    assert [a for a in desk if "crash" in a or a.get("code", "clash") != "clash"] == []
    assert all(a["statuses"] == ["cancelled"] for a in desk if "id" in a)
    assert overlapping_active(racing_store) == []
    # Each slot ends up held by at most one headless command, and the desk holds none.
    held = [json.loads(out)["bookings"][0]["resource"] for (out, _), code in answers if code == 0]
    assert len(held) == len(set(held)) <= len(slots)
