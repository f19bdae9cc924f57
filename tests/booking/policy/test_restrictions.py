"""No-show consequences from the convention: 3 no-shows in 30 days → no new bookings for 7 days."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from booking.checkin import sweep
from booking.policy import restrictions
from booking.schedule import bookings
from booking.store.errors import DeskError
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)


def no_shows(store, admin, person, days: list[str], code: str = "P001") -> None:
    """Bookings of tonight-style parking on each day that nobody turns up for."""
    for day in days:
        start = datetime.fromisoformat(f"{day} 19:00")
        bookings.book(store, admin, bookings.Request(code, start, start + timedelta(hours=12, minutes=30),
                                                     person.id), start - timedelta(hours=1))
        sweep.sweep(store, start + timedelta(hours=1))


def test_three_no_shows_in_30_days_stop_new_bookings_for_7_days(store, admin, resident):
    no_shows(store, admin, resident, ["2026-11-10", "2026-11-15", "2026-11-20"])
    breach = restrictions.restriction_for(store, resident.household_id, NOW)
    assert breach is not None and breach.rule == "no_show_limit"
    assert breach.params == {"door": "3栋2单元501", "count": 3, "days": 30, "until": "2026-11-27 19:00"}
    assert "3栋2单元501" in breach.message() and "2026-11-27 19:00" in breach.message()
    assert breach.to_json()["name"] == "未到场限制"


def test_two_no_shows_are_not_enough(store, admin, resident):
    no_shows(store, admin, resident, ["2026-11-15", "2026-11-20"])
    assert restrictions.restriction_for(store, resident.household_id, NOW) is None


def test_no_shows_further_apart_than_30_days_do_not_add_up(store, admin, resident):
    no_shows(store, admin, resident, ["2026-10-20", "2026-11-15", "2026-11-20"])
    assert restrictions.restriction_for(store, resident.household_id, NOW) is None


def test_the_restriction_ends_after_7_days(store, admin, resident):
    no_shows(store, admin, resident, ["2026-11-10", "2026-11-15", "2026-11-20"])
    assert restrictions.restriction_for(store, resident.household_id, datetime(2026, 11, 27, 18, 59))
    assert restrictions.restriction_for(store, resident.household_id, datetime(2026, 11, 27, 19, 0)) is None


def test_only_the_households_own_no_shows_count(store, admin, resident, neighbour):
    no_shows(store, admin, resident, ["2026-11-10", "2026-11-15", "2026-11-20"])
    assert restrictions.restriction_for(store, neighbour.household_id, NOW) is None


def test_a_rule_for_rooms_does_not_count_parking_no_shows(store, admin, resident):
    restrictions.set_no_show_rule(store, admin, "*", 0, 0, 0, now=NOW)
    restrictions.set_no_show_rule(store, admin, "room", 2, 30, 14, now=NOW)
    no_shows(store, admin, resident, ["2026-11-15", "2026-11-20"])
    assert restrictions.restriction_for(store, resident.household_id, NOW, kind="room") is None
    assert restrictions.restriction_for(store, resident.household_id, NOW) is None


def test_an_admin_lifts_a_restriction_with_a_reason(store, admin, resident):
    no_shows(store, admin, resident, ["2026-11-10", "2026-11-15", "2026-11-20"])
    done = restrictions.lift(store, admin, resident.household_id, "住院期间未能到场，已核实", NOW)
    assert done["lifted"]["until"] == "2026-11-27 19:00"
    assert restrictions.restriction_for(store, resident.household_id, NOW) is None


def test_no_shows_after_a_lifting_count_afresh(store, admin, resident):
    no_shows(store, admin, resident, ["2026-11-10", "2026-11-15", "2026-11-20"])
    restrictions.lift(store, admin, resident.household_id, "已核实", NOW)
    no_shows(store, admin, resident, ["2026-11-25"])
    assert restrictions.restriction_for(store, resident.household_id, datetime(2026, 11, 26, 10, 0)) is None


def test_a_clerk_cannot_lift_a_restriction(store, admin, clerk, resident):
    with pytest.raises(DeskError) as err:
        restrictions.lift(store, clerk, resident.household_id, "熟人", NOW)
    assert err.value.code == "forbidden"


def test_lifting_needs_a_reason(store, admin, resident):
    with pytest.raises(DeskError) as err:
        restrictions.lift(store, admin, resident.household_id, "  ", NOW)
    assert err.value.field == "reason"
