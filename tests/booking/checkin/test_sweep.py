"""No-shows after the grace time, the resource freed, overstays listed; cheap on a big store."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from booking.checkin import passes, scanning
from booking.policy import rules
from booking.schedule import bookings
from booking.store import audit
from booking.store.changes import Changes
from booking.schedule.bookings import Request
from booking.checkin.sweep import sweep
from tests.conftest import TWO_ENGINES, sqlite_only

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


@pytest.fixture
def tonight(store, admin, resident, now) -> bookings.Booking:
    """P001 19:00 tonight to 07:30 tomorrow; parking grace is 30 minutes."""
    return bookings.book(store, admin, Request("P001", at("2026-11-24 19:00"), at("2026-11-25 07:30"),
                                               resident.id), now)


def test_nothing_is_marked_before_the_grace_time_is_over(store, tonight):
    assert sweep(store, at("2026-11-24 19:29")).no_shows == []
    assert bookings.get(store, tonight.id).status == "booked"


def test_a_booking_not_checked_in_after_the_grace_time_becomes_a_no_show(store, tonight):
    assert sweep(store, at("2026-11-24 19:30")).no_shows == [tonight.id]
    assert bookings.get(store, tonight.id).status == "no_show"


def test_a_no_show_is_audited_with_its_reason(store, tonight):
    sweep(store, at("2026-11-24 19:30"))
    entry = audit.entries(store, "booking", tonight.id)[0]
    assert (entry["action"], entry["actor"], entry["after"]) == ("no_show", "系统", {"status": "no_show"})
    assert "2026-11-24 19:30" in entry["reason"]


def test_a_no_show_frees_the_space_for_someone_else(store, admin, tonight, neighbour):
    sweep(store, at("2026-11-24 19:30"))
    again = bookings.book(store, admin, Request("P001", at("2026-11-24 19:45"), at("2026-11-25 07:30"),
                                                neighbour.id), at("2026-11-24 19:31"))
    assert again.status == "booked"


def test_a_checked_in_booking_is_no_no_show(store, admin, tonight):
    scanning.scan(store, admin, passes.pass_text(store, tonight.id), "desk", now=at("2026-11-24 18:50"))
    assert sweep(store, at("2026-11-24 20:00")).no_shows == []


def test_a_room_uses_its_own_shorter_grace_time(store, admin, resident, now):
    room = bookings.book(store, admin, Request("R01", at("2026-11-25 14:00"), at("2026-11-25 16:00"),
                                               resident.id), now)
    assert sweep(store, at("2026-11-25 14:14")).no_shows == []
    assert sweep(store, at("2026-11-25 14:15")).no_shows == [room.id]


def test_a_booking_no_sweep_saw_in_time_is_still_marked_much_later(store, tonight):
    assert sweep(store, at("2027-02-01 09:00")).no_shows == [tonight.id]


def test_sweeping_twice_marks_once(store, tonight):
    sweep(store, at("2026-11-24 19:30"))
    assert sweep(store, at("2026-11-24 19:31")).no_shows == []


def test_without_a_grace_time_a_booking_becomes_a_no_show_at_its_end(store, admin, tonight):
    for scope in ("*", "kind:parking"):
        rules.set_rule(store, admin, scope, "grace_minutes", "off", now=NOW)
    assert sweep(store, at("2026-11-25 07:29")).no_shows == []
    assert sweep(store, at("2026-11-25 07:30")).no_shows == [tonight.id]


def test_the_verifier_and_the_sweep_agree_on_the_deadline(store, tonight):
    text = passes.pass_text(store, tonight.id)
    _, closes = scanning.checkin_window(store, tonight)
    assert scanning.verify(text, store, closes - timedelta(seconds=1), "desk").ok
    assert scanning.verify(text, store, closes, "desk").reason_key == "scan_too_late"
    assert sweep(store, closes).no_shows == [tonight.id]


def test_an_overstay_is_listed_after_the_end_and_not_before(store, admin, tonight):
    scanning.scan(store, admin, passes.pass_text(store, tonight.id), "desk", now=at("2026-11-24 18:50"))
    assert sweep(store, at("2026-11-25 07:30")).overstays == []
    over = sweep(store, at("2026-11-25 08:10")).overstays
    assert [(o["id"], o["resource"], o["plate"], o["minutes_over"]) for o in over] == [
        (tonight.id, "P001", "川A12345", 40)]


def test_a_sweep_with_nothing_due_writes_nothing(store, tonight):
    def contents():
        return (store.sql("SELECT * FROM booking ORDER BY id").fetchall(),
                store.sql("SELECT count(*) FROM audit").scalar_one())
    before = contents()
    sweep(store, at("2026-11-24 19:00"))
    assert contents() == before


@sqlite_only("SQLite's query plans (EXPLAIN QUERY PLAN); the server's planner picks by its statistics")
def test_the_sweep_reads_bookings_only_through_the_partial_indexes(store, admin, tonight):
    """Partial indexes of the waiting and checked-in bookings keep it off finished history."""
    scanning.scan(store, admin, passes.pass_text(store, tonight.id), "desk", now=at("2026-11-24 18:50"))
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        sweep(store, at("2026-11-25 09:00"))
    finally:
        store.conn.set_trace_callback(None)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM booking" in s]
    plans = [" ".join(str(r) for r in store.conn.execute("EXPLAIN QUERY PLAN " + s)) for s in reads]
    assert len(plans) == 2
    assert "booking_waiting" in plans[0] and "booking_inside" in plans[1]


@sqlite_only("demo.fill (booking/ops) writes through the SQLite connection: it has no server path yet")
def test_the_sweep_skips_finished_history(store, admin):
    """Three months of demo history: only the few open bookings are looked at."""
    from booking.ops import demo
    demo.fill(store, years=0.25, now=at("2026-11-24 10:00"), days_ahead=2)
    waiting = store.sql("SELECT count(*) FROM booking WHERE status = 'booked' "
                        "AND start_at <= '2026-11-24 10:00'").scalar_one()
    total = store.sql("SELECT count(*) FROM booking").scalar_one()
    assert total > 10_000 and waiting < 50
    result = sweep(store, at("2026-11-24 10:00"))
    assert len(result.no_shows) <= waiting
    assert sweep(store, at("2026-11-24 10:00")).no_shows == []


def test_the_sweep_says_what_it_changed_and_its_json_is_as_before(store, tonight):
    quiet = sweep(store, at("2026-11-24 19:29"))
    assert not quiet.changes and quiet.to_json() == {"no_shows": [], "overstays": []}
    marked = sweep(store, at("2026-11-24 19:30"))
    assert marked.changes == Changes(bookings=True)
    assert list(marked.to_json()) == ["no_shows", "overstays"] and marked.to_json()["no_shows"] == [tonight.id]
