"""Time-bank credits: hours earned and redeemed, at the admin's rate, never below zero."""
from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from booking.money import credits, ledger
from booking.schedule import bookings
from booking.store.audit import Actor
from booking.store.changes import Changes
from booking.store.connection import IntegrityError, refusal
from booking.store.errors import DeskError
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

ADMIN = Actor("管理员甲", "admin")

NOW = datetime(2026, 11, 24, 10, 0)


def room(store, admin, resident, code="R04"):
    """A ¥40 booking of the 200 m² room (the seeded rate: one hour of credit is worth ¥10)."""
    return bookings.book(store, admin, bookings.Request(code, datetime(2026, 11, 27, 14, 0),
                                                        datetime(2026, 11, 27, 16, 0), resident.id), NOW)


def earn(store, _desk_person, resident, minutes):
    """Hours are recorded by an admin, whoever then redeems them at the desk."""
    return credits.earn(store, ADMIN, resident.id, minutes, "志愿服务一队", "清扫院落", "王队长", NOW)


def test_volunteer_hours_are_kept_with_team_activity_and_approver(store, clerk, resident):
    earn(store, clerk, resident, 90)
    (entry,) = credits.history(store, resident.id)
    assert (entry["hours"], entry["team"], entry["activity"], entry["approved_by"]) == \
        ("1.5", "志愿服务一队", "清扫院落", "王队长")
    assert credits.balance(store, resident.id) == 90


def test_hours_need_an_approver(store, admin, resident):
    with pytest.raises(DeskError) as err:
        credits.earn(store, admin, resident.id, 60, "志愿服务一队", "清扫院落", " ", NOW)
    assert err.value.field == "approved_by"


def test_a_clerk_cannot_record_hours(store, clerk, resident):
    with pytest.raises(DeskError) as err:
        credits.earn(store, clerk, resident.id, 60, "志愿服务一队", "清扫院落", "王队长", NOW)
    assert err.value.code == "forbidden"
    assert credits.balance(store, resident.id) == 0


@pytest.mark.parametrize("text,minutes", [("2", 120), ("1.5", 90), ("0.25", 15), ("３小时", 180)])
def test_hours_are_read_exactly(text, minutes):
    assert credits.parse_hours(text) == minutes


@pytest.mark.parametrize("text", ["", "0", "-1", "0.01", "1.234", "two"])
def test_bad_hours_are_refused(text):
    with pytest.raises(DeskError) as err:
        credits.parse_hours(text)
    assert err.value.field == "hours"


def test_redeeming_pays_what_is_due_at_the_admins_rate(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    earn(store, clerk, resident, 300)
    done = credits.redeem(store, clerk, resident.id, booking.id, NOW)
    assert (done.minutes, done.value_fen) == (240, 4000)
    assert credits.balance(store, resident.id) == 60
    assert ledger.account(store, booking.id, NOW).due_fen == 0
    assert done.payment.method == "timebank"


def test_a_smaller_balance_pays_part(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    earn(store, clerk, resident, 90)
    done = credits.redeem(store, clerk, resident.id, booking.id, NOW)
    assert (done.value_fen, credits.balance(store, resident.id)) == (1500, 0)
    assert ledger.account(store, booking.id, NOW).due_fen == 2500


def test_a_new_rate_from_the_admin_applies(store, admin, clerk, resident):
    credits.set_rate(store, admin, "20", now=NOW)
    booking = room(store, admin, resident)
    earn(store, clerk, resident, 300)
    assert credits.redeem(store, clerk, resident.id, booking.id, NOW).minutes == 120


def test_only_an_admin_sets_the_rate(store, clerk):
    with pytest.raises(DeskError) as err:
        credits.set_rate(store, clerk, "20", now=NOW)
    assert err.value.code == "forbidden"


def test_redeeming_more_than_the_balance_is_refused(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    earn(store, clerk, resident, 60)
    with pytest.raises(DeskError) as err:
        credits.redeem(store, clerk, resident.id, booking.id, NOW, minutes=120)
    assert err.value.key == "credit_not_enough"
    assert credits.balance(store, resident.id) == 60 and ledger.net_paid(store, booking.id) == 0


def test_the_store_refuses_a_negative_balance_whatever_writes(store, clerk, resident):
    earn(store, clerk, resident, 60)
    with pytest.raises(IntegrityError) as caught, store.write():
        store.sql("INSERT INTO timebank(resident_id, at, entry, minutes, actor, recorded_at) "
                  "VALUES (:id, '2026-11-24 10:00', 'redeem', -61, 'x', 'x')", id=resident.id)
    assert "timebank_negative" in refusal(caught.value)
    with pytest.raises(IntegrityError) as caught, store.write():
        store.sql("UPDATE timebank_balance SET minutes = -1 WHERE resident_id = :id", id=resident.id)
    # SQLite's CHECK on the column; the server's guard names the rule
    assert any(word in refusal(caught.value).lower() for word in ("check", "timebank_negative"))
    assert credits.balance(store, resident.id) == 60


def test_credits_pay_only_for_the_residents_own_household(store, admin, clerk, resident, neighbour):
    booking = room(store, admin, neighbour)
    earn(store, clerk, resident, 300)
    with pytest.raises(DeskError) as err:
        credits.redeem(store, clerk, resident.id, booking.id, NOW)
    assert err.value.field == "booking"


def test_a_refund_gives_the_hours_back(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    earn(store, clerk, resident, 240)
    credits.redeem(store, clerk, resident.id, booking.id, NOW)
    ledger.refund(store, admin, booking.id, NOW, amount_fen=4000, reason="活动取消")
    assert credits.balance(store, resident.id) == 240
    assert [e["entry"] for e in credits.history(store, resident.id)] == ["earn", "redeem", "refund"]


def test_time_bank_payments_are_not_fund_income(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    earn(store, clerk, resident, 240)
    credits.redeem(store, clerk, resident.id, booking.id, NOW)
    total = ledger.statement(store, "2026-11").total
    assert (total.income_fen, total.by_method["timebank"]) == (0, 4000)


# The store is shared by the examples on purpose: the balance must hold across every sequence so far.
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.booleans(), st.integers(1, 400)), max_size=10))
def test_a_balance_never_goes_below_zero(steps, store, admin, clerk, resident):
    booking = room(store, admin, resident) if not store.sql(
        "SELECT count(*) FROM booking").scalar_one() else bookings.get(store, 1)
    for earning, minutes in steps:
        try:
            if earning:
                earn(store, clerk, resident, min(minutes, 1440))
            else:
                credits.redeem(store, clerk, resident.id, booking.id, NOW, minutes=minutes)
        except DeskError:
            pass
        assert credits.balance(store, resident.id) >= 0
    history = credits.history(store, resident.id)
    assert all(e["balance_minutes"] >= 0 for e in history)
    assert credits.balance(store, resident.id) == (history[-1]["balance_minutes"] if history else 0)


def test_earning_and_redeeming_say_what_they_changed_and_keep_their_json(store, admin, clerk, resident):
    earned = earn(store, clerk, resident, 300)
    assert earned.changes == Changes(credits=True)
    assert earned.to_json() == {"entry": earned.entry, "resident": resident.id, "minutes": 300, "hours": "5",
                                "balance_minutes": 300, "balance": "5"}
    booking = room(store, admin, resident)
    done = credits.redeem(store, clerk, resident.id, booking.id, NOW)
    assert done.changes == Changes(payments=True, credits=True)
    shown = done.to_json()
    assert list(shown) == ["entry", "payment", "minutes", "hours", "value_fen", "value", "rate", "balance_minutes",
                           "balance"]
    assert (shown["payment"], shown["hours"], shown["value"], shown["balance"]) == (
        done.payment.to_json(), "4", "40.00", "1")


def test_the_summary_is_typed_and_its_json_is_as_before(store, clerk, resident):
    earn(store, clerk, resident, 90)
    shown = credits.summary(store, resident.id)
    assert (shown.balance, shown.worth_fen) == ("1.5", 90 * shown.rate_fen // 60)
    as_json = shown.to_json()
    assert list(as_json) == ["resident", "household", "balance_minutes", "balance", "rate_fen", "rate", "worth_fen",
                             "history"]
    assert (as_json["household"], as_json["history"]) == (resident.door, credits.history(store, resident.id))
