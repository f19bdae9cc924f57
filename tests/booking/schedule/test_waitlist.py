"""The waitlist: joined only when full, offered in order, offers that expire and pass on, accepted as bookings."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from booking.checkin import sweep
from booking.people import residents
from booking.schedule import bookings, waitlist
from booking.store.changes import Changes
from booking.store.errors import DeskError
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)
START, END = datetime(2026, 11, 25, 14, 0), datetime(2026, 11, 25, 16, 0)


@pytest.fixture
def third(store, admin):
    return residents.add(store, admin, "王五", "7栋1单元101", "13700001111", now=NOW)


@pytest.fixture
def taken(store, admin, neighbour):
    """R01 booked by the neighbour for the wanted window."""
    return bookings.book(store, admin, bookings.Request("R01", START, END, neighbour.id), NOW)


def join(store, clerk, person, resource="R01", kind=None, now=NOW):
    return waitlist.join(store, clerk, person.id, START, END, now, kind=kind, resource=resource)


def test_a_household_cannot_wait_for_what_is_free(store, clerk, resident):
    with pytest.raises(DeskError) as err:
        join(store, clerk, resident)
    assert err.value.key == "wait_free_now" and err.value.details == ["R01"]


def test_a_household_waits_for_a_taken_room(store, clerk, resident, taken):
    entry = join(store, clerk, resident)
    assert (entry.status, entry.resource, entry.door) == ("waiting", "R01", "3栋2单元501")
    assert entry.to_json()["phone"] == "138****5678"


def test_a_household_waits_once_for_a_window(store, clerk, resident, taken):
    join(store, clerk, resident)
    with pytest.raises(DeskError) as err:
        join(store, clerk, resident)
    assert err.value.key == "wait_already"


def test_nothing_is_offered_while_nothing_is_free(store, clerk, resident, taken):
    join(store, clerk, resident)
    assert waitlist.process(store, NOW).offered == []


def test_a_cancellation_is_offered_to_the_first_household_in_order(store, admin, clerk, resident, third, taken):
    first = join(store, clerk, resident)
    second = join(store, clerk, third, now=NOW + timedelta(minutes=1))
    bookings.cancel(store, admin, taken.id, now=NOW)
    result = waitlist.process(store, NOW + timedelta(minutes=5))
    assert result.offered == [first.id]
    assert result.calls[0].phone == "13812345678" and result.calls[0].resource == "R01"
    assert waitlist.get(store, second.id).status == "waiting"


def test_an_expired_offer_passes_to_the_next_household(store, admin, clerk, resident, third, taken):
    first = join(store, clerk, resident)
    second = join(store, clerk, third, now=NOW + timedelta(minutes=1))
    bookings.cancel(store, admin, taken.id, now=NOW)
    waitlist.process(store, NOW + timedelta(minutes=5))
    assert waitlist.process(store, NOW + timedelta(minutes=34)).offered == []  # 30 minutes not yet up
    result = waitlist.process(store, NOW + timedelta(minutes=35))
    assert (result.expired, result.offered) == ([first.id], [second.id])


def test_an_accepted_offer_becomes_a_booking(store, admin, clerk, resident, taken):
    entry = join(store, clerk, resident)
    bookings.cancel(store, admin, taken.id, now=NOW)
    waitlist.process(store, NOW + timedelta(minutes=5))
    done, booking = waitlist.accept(store, clerk, entry.id, NOW + timedelta(minutes=10))
    assert (done.status, done.booking_id) == ("booked", booking.id)
    assert (booking.resource, booking.start, booking.end, booking.door) == ("R01", START, END, "3栋2单元501")


def test_an_offer_cannot_be_accepted_after_it_expired(store, admin, clerk, resident, taken):
    entry = join(store, clerk, resident)
    bookings.cancel(store, admin, taken.id, now=NOW)
    waitlist.process(store, NOW + timedelta(minutes=5))
    with pytest.raises(DeskError) as err:
        waitlist.accept(store, clerk, entry.id, NOW + timedelta(minutes=35))
    assert err.value.key == "wait_offer_expired"
    assert bookings.free(store, START, END, "room")[0].code == "R01"


def test_a_no_show_frees_a_room_for_the_waitlist(store, admin, clerk, resident, neighbour):
    soon = bookings.book(store, admin, bookings.Request("R01", NOW + timedelta(hours=2), NOW + timedelta(hours=6),
                                                          neighbour.id), NOW)
    entry = waitlist.join(store, clerk, resident.id, NOW + timedelta(hours=4), NOW + timedelta(hours=6), NOW,
                          resource="R01")
    later = NOW + timedelta(hours=2, minutes=20)
    assert sweep.sweep(store, later).no_shows == [soon.id]
    assert waitlist.process(store, later).offered == [entry.id]


def test_a_household_waits_for_any_room_of_a_kind(store, admin, clerk, resident, third):
    codes = [r.code for r in bookings.free(store, START, END, "room")]
    for code in codes:
        bookings.book(store, admin, bookings.Request(code, START, END, third.id, override="全区活动"), NOW)
    entry = join(store, clerk, resident, resource=None, kind="room")
    bookings.cancel(store, admin, bookings.on_date(store, START.date())[3].id, now=NOW)
    result = waitlist.process(store, NOW + timedelta(minutes=1))
    assert result.offered == [entry.id] and waitlist.get(store, entry.id).offer == codes[3]


def test_an_entry_lapses_once_its_window_has_begun(store, clerk, resident, taken):
    entry = join(store, clerk, resident)
    assert waitlist.process(store, START).lapsed == [entry.id]
    assert waitlist.get(store, entry.id).status == "lapsed"


def test_a_household_can_stop_waiting(store, clerk, resident, taken):
    entry = join(store, clerk, resident)
    assert waitlist.withdraw(store, clerk, entry.id, now=NOW).status == "withdrawn"
    with pytest.raises(DeskError):
        waitlist.withdraw(store, clerk, entry.id, now=NOW)


def test_the_admin_sets_how_long_an_offer_holds(store, admin, clerk, resident, taken):
    waitlist.set_offer_minutes(store, admin, 10, now=NOW)
    entry = join(store, clerk, resident)
    bookings.cancel(store, admin, taken.id, now=NOW)
    waitlist.process(store, NOW)
    assert waitlist.get(store, entry.id).offer_expires_at == "2026-11-24 10:10"


def test_a_run_says_what_it_changed_and_its_json_is_as_before(store, admin, clerk, resident, taken):
    entry = join(store, clerk, resident)
    quiet = waitlist.process(store, NOW)
    assert not quiet.changes
    assert quiet.to_json() == {"expired": [], "lapsed": [], "offered": [], "calls": [], "open": []}
    bookings.cancel(store, admin, taken.id, now=NOW)
    offered = waitlist.process(store, NOW + timedelta(minutes=5))
    assert offered.changes == Changes(waitlist=True)
    assert list(offered.to_json()) == ["expired", "lapsed", "offered", "calls", "open"]
    assert offered.open_offers == waitlist.to_call(store, NOW + timedelta(minutes=5))
    assert offered.to_json()["open"] == [c.to_json() for c in offered.open_offers]
    call = offered.to_json()["calls"][0]
    assert list(call) == ["entry", "household", "resident", "phone", "resource", "start", "end", "expires"]
    assert (call["entry"], call["resource"]) == (entry.id, "R01") and isinstance(offered.calls[0], waitlist.Call)
    assert offered.offered == [entry.id]
