"""Each rule of the residents' convention refuses what it should, names itself, and can be overridden by an admin."""
from __future__ import annotations

from datetime import datetime

import pytest

from booking.places import closures
from booking.policy import rules
from booking.schedule import bookings
from booking.store import audit
from booking.schedule.bookings import Request
from booking.store.errors import DeskError
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def refused_rule(store, actor, req, now) -> DeskError:
    with pytest.raises(DeskError) as err:
        bookings.book(store, actor, req, now)
    assert err.value.code == "rule"
    return err.value


def test_longest_booking(store, resident, admin, now):
    err = refused_rule(store, admin, Request("P001", at("2026-11-24 12:00"), at("2026-11-28 12:00"), resident.id), now)
    assert "最长预约时长" in err.message()
    assert err.details[0]["rule"] == "max_duration_minutes"


def test_how_far_ahead(store, resident, admin, now):
    err = refused_rule(store, admin, Request("P001", at("2027-01-10 19:00"), at("2027-01-11 07:00"), resident.id), now)
    assert "最多提前天数" in err.message()


def test_shortest_notice_for_a_room(store, resident, admin, now):
    err = refused_rule(store, admin, Request("R01", at("2026-11-24 10:30"), at("2026-11-24 11:30"), resident.id), now)
    assert "最短提前时间" in err.message()


def test_a_start_in_the_past_is_refused(store, resident, admin, now):
    err = refused_rule(store, admin, Request("P001", at("2026-11-23 19:00"), at("2026-11-24 07:00"), resident.id), now)
    assert "已过去" in err.message()


def test_bookings_at_once_per_household(store, resident, admin, now):
    for code in ("P001", "P002"):
        bookings.book(store, admin, Request(code, at("2026-11-24 19:00"), at("2026-11-25 07:00"), resident.id,
                                            plate="川A12345" if code == "P001" else "川A54321"), now)
    err = refused_rule(store, admin, Request("P003", at("2026-11-24 22:00"), at("2026-11-25 06:00"),
                                             resident.id, plate="川A11111"), now)
    assert "每户同时预约上限" in err.message() and "3栋2单元501" in err.message()


def test_the_household_limit_counts_only_bookings_at_the_same_time(store, resident, admin, now):
    made = [bookings.book(store, admin, Request(code, at(f"2026-11-{day} 19:00"), at(f"2026-11-{day + 1} 07:00"),
                                                resident.id), now)
            for day, code in ((24, "P001"), (25, "P002"), (26, "P003"))]
    assert [b.status for b in made] == ["booked"] * 3


def test_residents_only_hours_refuse_a_visitor_on_a_shared_space(store, resident, admin, now):
    err = refused_rule(store, admin, Request("P001", at("2026-11-24 18:00"), at("2026-11-24 20:00"), resident.id,
                                             plate="京B12345", visitor=True), now)
    assert "仅限居民" in err.message()


def test_a_visitor_space_takes_visitors_at_any_hour(store, resident, admin, now):
    b = bookings.book(store, admin, Request("P100", at("2026-11-24 18:00"), at("2026-11-24 20:00"), resident.id,
                                            plate="京B12345", visitor=True), now)
    assert b.visitor


def test_a_closure_refuses_bookings_in_it(store, resident, admin, now):
    closures.add(store, admin, "res:R06", at("2026-12-05 08:00"), at("2026-12-05 18:00"), "社区文化节", now=now)
    err = refused_rule(store, admin, Request("R06", at("2026-12-05 09:00"), at("2026-12-05 11:00"), resident.id), now)
    assert "社区文化节" in err.message()


def test_a_repeating_closure_closes_every_occurrence(store, resident, admin, now):
    closures.add(store, admin, "kind:room", at("2026-11-28 08:00"), at("2026-11-28 12:00"), "周六早市",
                 rrule="FREQ=WEEKLY;COUNT=10", now=now)
    refused_rule(store, admin, Request("R02", at("2026-12-12 09:00"), at("2026-12-12 10:00"), resident.id), now)
    ok = bookings.book(store, admin, Request("R02", at("2026-12-12 13:00"), at("2026-12-12 14:00"), resident.id), now)
    assert ok.status == "booked"


def test_a_closed_resource_is_not_free(store, admin):
    closures.add(store, admin, "res:P020", at("2026-11-24 00:00"), at("2026-11-25 00:00"), "划线施工", now=NOW)
    free = [r.code for r in bookings.free(store, at("2026-11-24 19:00"), at("2026-11-24 20:00"), "parking")]
    assert "P020" not in free


def test_an_admin_may_override_with_a_reason_which_is_recorded(store, resident, admin, now):
    req = Request("P001", at("2026-11-24 12:00"), at("2026-11-28 12:00"), resident.id, override="居民住院，家属代停")
    b = bookings.book(store, admin, req, now)
    entry = audit.entries(store, "booking", b.id)[0]
    assert entry["reason"] == "居民住院，家属代停"
    assert entry["after"]["overridden"] == ["max_duration_minutes"]


def test_a_clerk_cannot_override(store, resident, clerk, now):
    req = Request("P001", at("2026-11-24 12:00"), at("2026-11-28 12:00"), resident.id, override="想要")
    with pytest.raises(DeskError) as err:
        bookings.book(store, clerk, req, now)
    assert err.value.code == "forbidden"


def test_a_clerk_cannot_change_rules(store, clerk):
    with pytest.raises(DeskError) as err:
        rules.set_rule(store, clerk, "kind:parking", "max_days_ahead", "60", now=NOW)
    assert err.value.code == "forbidden"


def test_rules_are_data_the_admin_edits_and_the_most_specific_scope_wins(store, resident, admin, now):
    rules.set_rule(store, admin, "res:P001", "max_duration_minutes", "60", now=now)
    refused_rule(store, admin, Request("P001", at("2026-11-24 19:00"), at("2026-11-24 21:00"), resident.id), now)
    ok = bookings.book(store, admin, Request("P002", at("2026-11-24 19:00"), at("2026-11-24 21:00"), resident.id), now)
    assert ok.status == "booked"
    rules.set_rule(store, admin, "res:P001", "max_duration_minutes", "off", now=now)
    assert bookings.book(store, admin, Request("P001", at("2026-11-25 19:00"), at("2026-11-25 21:00"),
                                               resident.id), now).status == "booked"


def test_a_bad_rule_value_is_refused_with_a_hint(store, admin):
    with pytest.raises(DeskError) as err:
        rules.set_rule(store, admin, "kind:parking", "residents_only_hours", "evening", now=NOW)
    assert err.value.code == "invalid" and "19:00-07:30" in err.value.message()
