"""Changing a booking's times in place: same number, same checks as booking, audited."""
from __future__ import annotations

from datetime import datetime

import pytest

from booking.schedule import bookings, reschedule
from booking.store import audit
from booking.schedule.bookings import Request
from booking.store.errors import DeskError
from booking.store.connection import IntegrityError
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def tonight(resident, code="P001") -> Request:
    return Request(code, at("2026-11-24 19:00"), at("2026-11-25 07:30"), resident.id)


def test_a_booking_keeps_its_number_when_its_times_change(store, resident, admin, now):
    b = bookings.book(store, admin, tonight(resident), now)
    moved = reschedule.reschedule(store, admin, b.id, at("2026-11-24 20:00"), at("2026-11-25 08:00"), now)
    assert (moved.id, moved.start, moved.end, moved.status) == (
        b.id, at("2026-11-24 20:00"), at("2026-11-25 08:00"), "booked")
    assert store.sql("SELECT count(*) FROM booking").scalar() == 1


def test_moving_onto_another_booking_is_refused_naming_it(store, resident, neighbour, admin, now):
    first = bookings.book(store, admin, tonight(resident), now)
    second = bookings.book(store, admin, Request("P001", at("2026-11-25 08:00"), at("2026-11-25 10:00"),
                                                 neighbour.id), now)
    with pytest.raises(DeskError) as err:
        reschedule.reschedule(store, admin, first.id, at("2026-11-24 19:00"), at("2026-11-25 09:00"), now)
    assert err.value.code == "clash" and str(second.id) in err.value.message()
    assert bookings.get(store, first.id).end == at("2026-11-25 07:30")  # unchanged


def test_a_booking_does_not_clash_with_itself(store, resident, admin, now):
    b = bookings.book(store, admin, tonight(resident), now)
    found = reschedule.check(store, b.id, at("2026-11-24 18:00"), at("2026-11-25 07:00"), now)
    assert found.ok


def test_a_rule_breach_is_refused_like_a_new_booking(store, resident, admin, now):
    b = bookings.book(store, admin, tonight(resident), now)
    with pytest.raises(DeskError) as err:
        reschedule.reschedule(store, admin, b.id, at("2026-11-24 19:00"), at("2026-11-29 19:00"), now)
    assert err.value.code == "rule"


def test_a_checked_in_booking_may_move_its_end_only(store, resident, admin, now):
    b = bookings.book(store, admin, Request("P001", at("2026-11-24 10:00"), at("2026-11-24 12:00"),
                                            resident.id), now)
    store.sql("UPDATE booking SET status = 'checked_in' WHERE id = :id", id=b.id)
    later = at("2026-11-24 11:00")
    moved = reschedule.reschedule(store, admin, b.id, b.start, at("2026-11-24 14:00"), later)
    assert moved.end == at("2026-11-24 14:00")
    with pytest.raises(DeskError) as err:
        reschedule.reschedule(store, admin, b.id, at("2026-11-24 10:30"), at("2026-11-24 14:00"), later)
    assert err.value.field == "start"


def test_a_cancelled_booking_cannot_be_moved(store, resident, admin, now):
    b = bookings.book(store, admin, tonight(resident), now)
    bookings.cancel(store, admin, b.id, now=now)
    with pytest.raises(DeskError) as err:
        reschedule.reschedule(store, admin, b.id, at("2026-11-24 20:00"), at("2026-11-25 07:30"), now)
    assert err.value.code == "state"


def test_the_change_is_in_the_audit_log_with_both_times(store, resident, admin, now):
    b = bookings.book(store, admin, tonight(resident), now)
    reschedule.reschedule(store, admin, b.id, at("2026-11-24 20:00"), at("2026-11-25 07:30"), now)
    entry = audit.entries(store, "booking", b.id)[0]
    assert entry["action"] == "reschedule"
    assert entry["before"]["start"] == "2026-11-24 19:00" and entry["after"]["start"] == "2026-11-24 20:00"


def test_the_store_refuses_an_overlapping_update_even_without_the_check(store, resident, neighbour,
                                                                        admin, now):
    first = bookings.book(store, admin, tonight(resident), now)
    bookings.book(store, admin, Request("P001", at("2026-11-25 08:00"), at("2026-11-25 10:00"), neighbour.id), now)
    with pytest.raises(IntegrityError, match="booking_clash"):
        store.sql("UPDATE booking SET end_at = '2026-11-25 09:00' WHERE id = :id", id=first.id)
