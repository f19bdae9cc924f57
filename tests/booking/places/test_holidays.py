"""The holiday calendar on the 2026 schedule of the State Council's notice (../shared/holidays-cn-2026.md)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from booking.places import closures, holidays, inventory
from booking.schedule import bookings, closure_admin
from booking.store.errors import DeskError
from booking.store.connection import Store
from tests.conftest import ADMIN, CLERK, NOW, TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

# The notice's table, as data: days off (inclusive ranges) and make-up workdays.
OFF_2026 = [("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
            ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
            ("2026-10-01", "2026-10-07")]
WORK_2026 = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]


def _days(ranges: list[tuple[str, str]]) -> list[str]:
    out = []
    for first, last in ranges:
        current = date.fromisoformat(first)
        while current <= date.fromisoformat(last):
            out.append(current.isoformat())
            current += timedelta(days=1)
    return out


def test_the_package_knows_2026_as_the_notice_says(store: Store) -> None:
    schedule = holidays.schedule(store, 2026)
    assert schedule["source"] == "package"
    assert schedule["days_off"] == _days(OFF_2026)
    assert schedule["workdays"] == WORK_2026


def test_spring_festival_is_off_from_15_to_23_february(store: Store) -> None:
    assert all(holidays.is_holiday(store, date(2026, 2, d)) for d in range(15, 24))
    assert not holidays.is_holiday(store, date(2026, 2, 24))
    assert holidays.day(store, date(2026, 2, 16)).text() == "春节（放假）"


def test_14_and_28_february_are_worked(store: Store) -> None:
    assert holidays.is_workday(store, date(2026, 2, 14))
    assert holidays.is_workday(store, date(2026, 2, 28))
    assert not holidays.is_workday(store, date(2026, 2, 7))  # an ordinary Saturday


def test_a_year_nobody_announced_is_unknown_and_said_so(store: Store) -> None:
    assert holidays.source(store, 2031) is None
    with pytest.raises(DeskError) as caught:
        holidays.require_year(store, 2031)
    assert "2031" in caught.value.message() and "录入" in caught.value.message()


def test_an_entered_year_overrides_the_package(store: Store) -> None:
    holidays.set_year(store, ADMIN, 2026, "2026-03-02", "2026-02-07", NOW)
    assert holidays.source(store, 2026) == "admin"
    assert holidays.is_holiday(store, date(2026, 3, 2))
    assert not holidays.is_holiday(store, date(2026, 2, 16))  # the entry replaces the whole year
    assert holidays.is_workday(store, date(2026, 2, 7))


def test_the_notice_entered_as_data_gives_the_same_calendar(store: Store) -> None:
    text = ",".join(f"{a}..{b}" for a, b in OFF_2026)
    holidays.set_year(store, ADMIN, 2026, text, ",".join(WORK_2026), NOW)
    assert holidays.schedule(store, 2026)["days_off"] == _days(OFF_2026)
    assert holidays.is_workday(store, date(2026, 2, 28))


def test_entering_a_year_is_audited_with_the_operations_time(store: Store) -> None:
    holidays.set_year(store, ADMIN, 2027, "2027-02-06..2027-02-13", "2027-02-20", NOW)
    row = store.sql("SELECT at, actor FROM audit WHERE entity = 'holiday_year'").fetchone()
    assert row == ("2026-11-24 10:00:00", ADMIN.name)


def test_a_clerk_cannot_enter_a_schedule(store: Store) -> None:
    with pytest.raises(DeskError) as caught:
        holidays.set_year(store, CLERK, 2027, "2027-02-06", "", NOW)
    assert caught.value.code == "forbidden"


@pytest.mark.parametrize("off, work, field", [("2027-02-30", "", "days_off"), ("2026-12-31", "", "days_off"),
                                              ("2027-02-06", "2027-02-06", "workdays"),
                                              ("2027-02-06", "2027-02-08", "workdays"), ("", "", "days_off")])
def test_a_bad_schedule_is_refused_on_its_field(store: Store, off: str, work: str, field: str) -> None:
    with pytest.raises(DeskError) as caught:
        holidays.set_year(store, ADMIN, 2027, off, work, NOW)
    assert caught.value.field == field


def _weeknights(store: Store, resident_id: int, **flags: bool) -> bookings.SeriesResult:
    req = bookings.Request("R01", datetime(2026, 2, 9, 19, 0), datetime(2026, 2, 9, 21, 0), resident_id)
    return bookings.book_series(store, ADMIN, req, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260301T235959",
                                datetime(2026, 2, 1, 9, 0), **flags)


def test_a_series_skips_the_spring_festival_and_lists_the_skipped_dates(store: Store, resident) -> None:
    result = _weeknights(store, resident.id, skip_holidays=True)
    starts = [b.start.date() for b in result.bookings]
    assert not any(date(2026, 2, 15) <= d <= date(2026, 2, 23) for d in starts)
    assert [s["start"][:10] for s in result.skipped] == ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
                                                          "2026-02-20", "2026-02-23"]
    assert all(s["holiday"] == "春节（放假）" for s in result.skipped)


def test_a_series_with_workdays_includes_14_and_28_february(store: Store, resident) -> None:
    result = _weeknights(store, resident.id, skip_holidays=True, workdays=True)
    starts = {b.start.date() for b in result.bookings}
    assert {date(2026, 2, 14), date(2026, 2, 28)} <= starts
    assert date(2026, 2, 21) not in starts  # a Saturday inside the holiday


def test_a_series_without_the_options_books_through_the_holiday(store: Store, resident) -> None:
    result = _weeknights(store, resident.id)
    assert date(2026, 2, 16) in {b.start.date() for b in result.bookings}
    assert date(2026, 2, 14) not in {b.start.date() for b in result.bookings}


def test_skipping_holidays_in_an_unknown_year_is_refused_naming_it(store: Store, resident) -> None:
    req = bookings.Request("R01", datetime(2031, 2, 3, 19, 0), datetime(2031, 2, 3, 21, 0), resident.id)
    with pytest.raises(DeskError) as caught:
        bookings.book_series(store, ADMIN, req, "FREQ=WEEKLY;BYDAY=MO;COUNT=3", NOW, skip_holidays=True)
    assert caught.value.field == "repeat" and "2031" in caught.value.message()


def test_a_closure_on_public_holidays_closes_the_spring_festival_only(store: Store) -> None:
    closure_admin.add_on_holidays(store, ADMIN, "kind:room", "节假日闭馆", date(2026, 1, 1), NOW)
    room = inventory.get(store, "R02")
    assert closures.overlapping(store, room, datetime(2026, 2, 16, 10), datetime(2026, 2, 16, 11))
    assert not closures.overlapping(store, room, datetime(2026, 2, 14, 10), datetime(2026, 2, 14, 11))
    assert not closures.overlapping(store, inventory.get(store, "P001"), datetime(2026, 2, 16, 10),
                                    datetime(2026, 2, 16, 11))


def test_a_closure_on_public_holidays_refuses_a_booking_on_one(store: Store, resident) -> None:
    closure_admin.add_on_holidays(store, ADMIN, "res:R02", "节假日闭馆", date(2026, 1, 1), NOW)
    req = bookings.Request("R02", datetime(2026, 10, 2, 9, 0), datetime(2026, 10, 2, 10, 0), resident.id)
    found = bookings.check(store, req, datetime(2026, 9, 28, 9, 0))
    assert [b.rule for b in found.breaches] == ["closure"]


def test_a_new_closure_names_the_bookings_it_would_hit(store: Store, resident) -> None:
    hit = bookings.book(store, ADMIN, bookings.Request("R03", datetime(2026, 12, 5, 9), datetime(2026, 12, 5, 10),
                                                      resident.id), NOW)
    bookings.book(store, ADMIN, bookings.Request("R03", datetime(2026, 12, 6, 9), datetime(2026, 12, 6, 10),
                                                 resident.id), NOW)
    found = closure_admin.hits(store, "res:R03", datetime(2026, 12, 5, 8), datetime(2026, 12, 5, 12),
                               "FREQ=WEEKLY;COUNT=4")
    assert [b.id for b in found] == [hit.id]


def test_editing_a_closure_changes_it_and_is_audited(store: Store) -> None:
    made = closures.add(store, ADMIN, "res:R01", datetime(2026, 12, 1, 8), datetime(2026, 12, 1, 12), "消毒", now=NOW)
    edited = closure_admin.edit(store, ADMIN, made["id"], "kind:room", datetime(2026, 12, 2, 8),
                                datetime(2026, 12, 2, 12), "维修", "FREQ=WEEKLY;COUNT=2", NOW)
    assert (edited["scope"], edited["reason"], edited["until"]) == ("kind:room", "维修", "2026-12-09 12:00")
    assert store.sql("SELECT count(*) FROM audit WHERE entity = 'closure' AND action = 'edit'"
                              ).fetchone()[0] == 1
