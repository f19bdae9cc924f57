"""Bookings: no overlaps ever, back-to-back fine, overnight on both dates, free and suggestions."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from booking.places import inventory
from booking.schedule import bookings
from booking.store import audit
from booking.schedule.bookings import Request
from booking.store.connection import IntegrityError
from booking.store.errors import DeskError
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here runs on the SQLite file and on the PostgreSQL server


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def tonight(resident, code="P001", **kw) -> Request:
    return Request(code, at("2026-11-24 19:00"), at("2026-11-25 07:30"), resident.id, **kw)


def test_a_booking_is_stored_with_its_times_and_plate(store, resident, admin, now):
    b = bookings.book(store, admin, tonight(resident), now)
    assert (b.resource, b.start, b.end, b.status, b.plate) == (
        "P001", at("2026-11-24 19:00"), at("2026-11-25 07:30"), "booked", "川A12345")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_booking_made_is_the_booking_stored(store, resident, admin, now, language):
    """`book` builds what it returns from the INSERT's own columns and the rows it read, not from a
    second query: it is exactly what `get` reads back, in either language, plate, purpose and all."""
    from booking.store import i18n
    i18n.set_language(language)  # the autouse fixture puts Chinese back
    made = bookings.book(store, admin, tonight(resident, purpose="搬家"), now)
    other = bookings.book(store, admin, Request("R03", at("2026-12-01 14:00"), at("2026-12-01 16:00"),
                                                resident.id, visitor=True), now)
    assert made == bookings.get(store, made.id)
    assert other == bookings.get(store, other.id)
    series = bookings.book_series(store, admin, Request("R03", at("2026-12-02 14:00"), at("2026-12-02 16:00"),
                                                        resident.id), "FREQ=WEEKLY;COUNT=3", now)
    assert series.bookings == [bookings.get(store, b.id) for b in series.bookings]
    assert len(series.bookings) == 3


def test_an_overlapping_booking_is_refused_naming_the_clash(store, resident, neighbour, admin, now):
    first = bookings.book(store, admin, tonight(resident), now)
    with pytest.raises(DeskError) as err:
        bookings.book(store, admin, Request("P001", at("2026-11-25 07:00"), at("2026-11-25 09:00"),
                                            neighbour.id), now)
    assert err.value.code == "clash"
    assert str(first.id) in err.value.message() and "3栋2单元501" in err.value.message()


def test_back_to_back_bookings_do_not_clash(store, resident, neighbour, admin, now):
    bookings.book(store, admin, tonight(resident), now)
    b = bookings.book(store, admin, Request("P001", at("2026-11-25 07:30"), at("2026-11-25 09:00"),
                                            neighbour.id), now)
    assert b.status == "booked"


def test_a_cancelled_booking_frees_its_time(store, resident, neighbour, admin, now):
    first = bookings.book(store, admin, tonight(resident), now)
    bookings.cancel(store, admin, first.id, now=now)
    again = bookings.book(store, admin, tonight(neighbour), now)
    assert again.status == "booked"
    assert bookings.get(store, first.id).status == "cancelled"  # the record stays


def test_the_store_itself_refuses_an_overlap_that_skipped_the_check(store, resident, admin, now):
    b = bookings.book(store, admin, tonight(resident), now)
    with pytest.raises(IntegrityError, match="booking_clash"):
        store.sql(
            "INSERT INTO booking(resource_id, household_id, resident_id, start_at, end_at, status, visitor, pass_rev)"
            " SELECT resource_id, household_id, resident_id, '2026-11-25 06:00', '2026-11-25 08:00', 'booked', 0, 1"
            " FROM booking WHERE id = :id", id=b.id)


def test_a_long_booking_is_still_caught_by_the_bounded_overlap_check(store, resident, neighbour, admin, now):
    bookings.book(store, admin, Request("P005", at("2026-11-24 12:00"), at("2026-11-27 11:00"), resident.id), now)
    with pytest.raises(DeskError) as err:
        bookings.book(store, admin, Request("P005", at("2026-11-26 20:00"), at("2026-11-26 22:00"),
                                            neighbour.id), now)
    assert err.value.code == "clash"


def test_an_overnight_booking_is_listed_on_both_dates(store, resident, admin, now):
    b = bookings.book(store, admin, tonight(resident), now)
    assert b.id in [x.id for x in bookings.on_date(store, date(2026, 11, 24))]
    assert b.id in [x.id for x in bookings.on_date(store, date(2026, 11, 25))]
    assert b.id not in [x.id for x in bookings.on_date(store, date(2026, 11, 26))]


def test_end_before_start_is_refused(store, resident, admin, now):
    with pytest.raises(DeskError) as err:
        bookings.book(store, admin, Request("P001", at("2026-11-24 19:00"), at("2026-11-24 18:00"), resident.id), now)
    assert (err.value.code, err.value.field) == ("invalid", "end")


def test_unknown_resource_is_not_found(store, resident, admin, now):
    with pytest.raises(DeskError) as err:
        bookings.book(store, admin, tonight(resident, code="P999"), now)
    assert err.value.code == "not_found"


def test_a_disabled_resource_takes_no_new_bookings_and_keeps_its_history(store, resident, admin, now):
    old = bookings.book(store, admin, tonight(resident, code="P007"), now)
    inventory.set_enabled(store, admin, "P007", False, now=now)
    with pytest.raises(DeskError) as err:
        bookings.book(store, admin, Request("P007", at("2026-11-26 19:00"), at("2026-11-27 07:00"), resident.id), now)
    assert err.value.code == "invalid"
    assert bookings.get(store, old.id).status == "booked"


def test_parking_needs_a_plate_when_the_household_has_none(store, admin, now):
    from booking.people import residents
    walker = residents.add(store, admin, "王五", "7栋2单元101", "13700001111", now=now)
    with pytest.raises(DeskError) as err:
        bookings.book(store, admin, tonight(walker), now)
    assert err.value.field == "plate"


def test_a_bad_plate_is_refused_before_anything_is_written(store, resident, admin, now):
    with pytest.raises(DeskError) as err:
        bookings.book(store, admin, tonight(resident, plate="川AIO123"), now)
    assert err.value.field == "plate"
    assert store.sql("SELECT count(*) FROM booking").scalar() == 0


def test_free_lists_resources_with_no_booking_in_the_window(store, resident, admin, now):
    bookings.book(store, admin, tonight(resident, code="P002"), now)
    free = [r.code for r in bookings.free(store, at("2026-11-24 20:00"), at("2026-11-24 21:00"), "parking")]
    assert "P002" not in free and "P001" in free and len(free) == 109


def test_a_clash_check_suggests_the_nearest_free_space(store, resident, neighbour, admin, now):
    bookings.book(store, admin, tonight(resident, code="P010"), now)
    result = bookings.check(store, tonight(neighbour, code="P010"), now)
    assert not result.ok and result.clashes
    assert result.suggestion[0] in ("P009", "P011")


def test_every_booking_and_cancellation_is_in_the_audit_log(store, resident, admin, now):
    b = bookings.book(store, admin, tonight(resident), now)
    bookings.cancel(store, admin, b.id, reason="居民来电取消", now=now)
    actions = [(e["action"], e["actor"]) for e in audit.entries(store, "booking", b.id)]
    assert actions == [("cancel", admin.name), ("book", admin.name)]


def test_the_audit_log_cannot_be_changed(store, resident, admin, now):
    bookings.book(store, admin, tonight(resident), now)
    with pytest.raises(IntegrityError):
        store.sql("UPDATE audit SET actor = 'someone else'")
    with pytest.raises(IntegrityError):
        store.sql("DELETE FROM audit")


def test_a_checked_in_booking_cannot_be_cancelled(store, resident, admin, now):
    b = bookings.book(store, admin, tonight(resident), now)
    store.sql("UPDATE booking SET status = 'checked_in' WHERE id = :id", id=b.id)
    with pytest.raises(DeskError) as err:
        bookings.cancel(store, admin, b.id, now=now)
    assert err.value.code == "state"


def test_a_resident_who_moved_away_cannot_book(store, resident, admin, now):
    from booking.people import residents
    residents.set_active(store, admin, resident.id, False, now=now)
    with pytest.raises(DeskError) as err:
        bookings.book(store, admin, tonight(resident), now)
    assert (err.value.code, err.value.field) == ("invalid", "resident") and "迁出" in err.value.message()
