"""Repeating bookings from RFC 5545 rules: each occurrence a booking, clashes listed and skippable."""
from __future__ import annotations

from datetime import datetime

import pytest

from booking.schedule import bookings
from booking.schedule.bookings import Request
from booking.store.errors import DeskError
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


TUESDAYS = "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270131T235959"


def test_every_tuesday_afternoon_until_a_date(store, resident, admin, now):
    result = bookings.book_series(store, admin, Request("R03", at("2026-12-01 14:00"), at("2026-12-01 16:00"),
                                                        resident.id), TUESDAYS, now)
    starts = [b.start for b in result.bookings]
    assert len(starts) == 9 and all(s.weekday() == 1 and s.hour == 14 for s in starts)
    assert {b.series_id for b in result.bookings} == {result.series_id}


def test_every_weeknight_this_month_crossing_midnight(store, resident, admin, now):
    rule = "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261130T235959"
    result = bookings.book_series(store, admin, Request("P004", at("2026-11-24 19:00"), at("2026-11-25 07:30"),
                                                        resident.id), rule, now)
    assert [b.start.day for b in result.bookings] == [24, 25, 26, 27, 30]
    assert all(b.end.day == b.start.day + 1 or b.end.month == 12 for b in result.bookings)


def test_clashing_dates_are_listed_with_what_they_clash_with(store, resident, neighbour, admin, now):
    other = bookings.book(store, admin, Request("R03", at("2026-12-15 15:00"), at("2026-12-15 17:00"),
                                                neighbour.id), now)
    with pytest.raises(DeskError) as err:
        bookings.book_series(store, admin, Request("R03", at("2026-12-01 14:00"), at("2026-12-01 16:00"),
                                                   resident.id), TUESDAYS, now)
    assert err.value.code == "clash"
    assert err.value.details[0]["start"] == "2026-12-15 14:00"
    assert err.value.details[0]["clashes"][0]["id"] == other.id
    assert store.sql("SELECT count(*) FROM booking WHERE resident_id = :id", id=resident.id).scalar() == 0


def test_skipping_clashes_books_the_rest(store, resident, neighbour, admin, now):
    bookings.book(store, admin, Request("R03", at("2026-12-15 15:00"), at("2026-12-15 17:00"), neighbour.id), now)
    result = bookings.book_series(store, admin, Request("R03", at("2026-12-01 14:00"), at("2026-12-01 16:00"),
                                                        resident.id), TUESDAYS, now, skip_clashes=True)
    assert len(result.bookings) == 8
    assert [s["start"] for s in result.skipped] == ["2026-12-15 14:00"]


def test_one_occurrence_can_be_cancelled(store, resident, admin, now):
    result = bookings.book_series(store, admin, Request("R03", at("2026-12-01 14:00"), at("2026-12-01 16:00"),
                                                        resident.id), TUESDAYS, now)
    bookings.cancel(store, admin, result.bookings[2].id, now=now)
    statuses = [bookings.get(store, b.id).status for b in result.bookings]
    assert statuses.count("cancelled") == 1 and statuses[2] == "cancelled"


def test_this_and_following_can_be_cancelled(store, resident, admin, now):
    result = bookings.book_series(store, admin, Request("R03", at("2026-12-01 14:00"), at("2026-12-01 16:00"),
                                                        resident.id), TUESDAYS, now)
    done = bookings.cancel(store, admin, result.bookings[3].id, following=True, now=now)
    assert len(done) == 6
    statuses = [bookings.get(store, b.id).status for b in result.bookings]
    assert statuses == ["booked"] * 3 + ["cancelled"] * 6


def test_an_unbounded_rule_is_refused(store, resident, admin, now):
    with pytest.raises(DeskError) as err:
        bookings.book_series(store, admin, Request("R03", at("2026-12-01 14:00"), at("2026-12-01 16:00"),
                                                   resident.id), "FREQ=WEEKLY;BYDAY=TU", now)
    assert (err.value.code, err.value.field) == ("invalid", "repeat")


def test_a_malformed_rule_is_refused_with_an_example(store, resident, admin, now):
    with pytest.raises(DeskError) as err:
        bookings.book_series(store, admin, Request("R03", at("2026-12-01 14:00"), at("2026-12-01 16:00"),
                                                   resident.id), "FREQ=SOMETIMES;COUNT=3", now)
    assert err.value.code == "invalid" and "FREQ=WEEKLY" in err.value.message()
