"""Tariffs as data: band boundaries, midnight, free minutes, the daily cap, exemptions, settlement."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from booking.checkin import passes, scanning
from booking.money import fees
from booking.schedule import bookings
from booking.store.errors import DeskError
from booking.money.fees import Band, Tariff, parse_yuan, price, yuan_text, yuan_words
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)

# The seeded visitor parking tariff: first 30 min free, ¥3/h 07:30–19:00, ¥1/h 19:00–07:30, ¥20 a day.
VISITOR = Tariff("kind:parking", "visitor", 30, 60, 2000, (),
                 (Band(7 * 60 + 30, 19 * 60, 300), Band(19 * 60, 7 * 60 + 30, 100)))
RESIDENT = Tariff("kind:parking", "resident", 30, 60, 1000, (),
                  (Band(19 * 60, 7 * 60 + 30, 0), Band(7 * 60 + 30, 19 * 60, 100)))


def t(text: str) -> datetime:
    return datetime.fromisoformat("2026-11-" + text)


def total(tariff: Tariff, start: str, end: str, exempt: str | None = None) -> int:
    return sum(item.fen for item in price(tariff, t(start), t(end), exempt))


def test_a_stay_within_the_free_minutes_costs_nothing():
    assert total(VISITOR, "24 10:00", "24 10:30") == 0


def test_one_minute_past_the_free_minutes_starts_an_hour():
    assert total(VISITOR, "24 10:00", "24 10:31") == 300


def test_the_free_minutes_are_taken_off_the_start_not_forgiven_whole():
    # 90 minutes: 30 free, 60 charged → one hour, not two.
    assert total(VISITOR, "24 10:00", "24 11:30") == 300


def test_a_band_ends_exactly_at_its_boundary():
    # 18:30–19:00 is day (¥3), 19:00– is night: 18:00–19:00 charges the half hour after the free one.
    assert total(VISITOR, "24 18:00", "24 19:00") == 300
    assert total(VISITOR, "24 19:00", "24 20:00") == 100


def test_each_band_counts_its_own_minutes_across_the_morning_boundary():
    # 06:00–08:30: 06:30–07:30 night (¥1), 07:30–08:30 day (¥3).
    assert total(VISITOR, "24 06:00", "24 08:30") == 400


def test_a_band_crossing_midnight_is_one_stretch():
    assert Band(19 * 60, 7 * 60 + 30, 100).minutes_in(t("24 23:00"), t("25 01:00")) == 120
    # 22:00–02:00: 30 free, then 210 night minutes → 4 started hours, not rounded up on each side of midnight.
    assert total(VISITOR, "24 22:00", "25 02:00") == 400


def test_a_whole_day_band_covers_every_minute_once():
    band = Band(0, 0, 2000)
    assert band.minutes_in(t("24 23:00"), t("25 01:00")) == 120
    assert band.minutes_in(t("24 00:00"), t("26 00:00")) == 2880


def test_the_daily_cap_limits_a_long_day():
    items = price(VISITOR, t("24 08:00"), t("24 19:00"))
    assert sum(i.fen for i in items) == 2000
    assert [i.key for i in items] == ["fee_item_free", "fee_item_band", "fee_item_cap"]
    assert items[-1].fen == 2000 - 3300  # 630 charged minutes = 11 hours at ¥3


def test_the_cap_applies_to_each_24_hours_from_the_start():
    assert total(VISITOR, "24 08:00", "26 08:00") == 2 * 2000
    assert total(VISITOR, "24 08:00", "26 09:00") == 2 * 2000 + 300


def test_residents_park_free_at_night():
    assert total(RESIDENT, "24 19:00", "25 07:30") == 0


def test_an_overnight_stay_is_one_day_not_two():
    # 18:00–08:00: 18:30–19:00 and 07:30–08:00 are day minutes of one 24-hour period → one started hour.
    assert total(RESIDENT, "24 18:00", "25 08:00") == 100


def test_an_exempt_purpose_pays_nothing_and_shows_what_it_would_have_cost():
    room = Tariff("res:R04", "resident", 0, 60, None, ("volunteer", "welfare"), (Band(0, 0, 2000),))
    items = price(room, t("25 14:00"), t("25 16:00"), "volunteer")
    assert [i.fen for i in items] == [4000, -4000] and sum(i.fen for i in items) == 0


def test_an_exemption_the_tariff_does_not_list_changes_nothing():
    assert total(VISITOR, "24 10:00", "24 12:00", "volunteer") == 600


def test_no_tariff_is_free():
    assert sum(i.fen for i in price(None, t("24 10:00"), t("24 12:00"))) == 0


@settings(max_examples=300, deadline=None)
@given(start=st.integers(0, 3 * 1440), length=st.integers(1, 3 * 1440), extra=st.integers(0, 600))
def test_a_charge_is_its_lines_never_negative_and_never_less_for_a_longer_stay(start, length, extra):
    a = t("24 00:00") + timedelta(minutes=start)
    shorter = price(VISITOR, a, a + timedelta(minutes=length))
    longer = price(VISITOR, a, a + timedelta(minutes=length + extra))
    short_total = sum(i.fen for i in shorter)
    assert 0 <= short_total <= sum(i.fen for i in longer)
    assert short_total <= 2000 * -(-length // 1440)


# --- with the store ------------------------------------------------------------------------

def book(store, admin, resident, code, start, end, visitor=False, now=datetime(2026, 11, 24, 8, 0)):
    return bookings.book(store, admin, bookings.Request(code, t(start), t(end), resident.id,
                                                        plate="川A99999" if visitor else None,
                                                        visitor=visitor), now)


def test_the_seeded_tariffs_price_a_visitor_booking(store, admin, resident):
    booking = book(store, admin, resident, "P096", "24 10:00", "24 13:10", visitor=True)
    charge = fees.estimate(store, booking)
    assert (charge.state, charge.payer, charge.scope) == \
        ("estimate", "visitor", "kind:parking")
    assert charge.total_fen == 900 and charge.to_json()["total"] == "9.00"


def test_the_200_square_metre_room_is_hired_by_the_hour(store, admin, resident):
    booking = book(store, admin, resident, "R04", "25 14:00", "25 16:00")
    assert fees.estimate(store, booking).total_fen == 4000


def test_the_residents_rooms_are_free(store, admin, resident):
    booking = book(store, admin, resident, "R01", "25 14:00", "25 16:00")
    assert fees.estimate(store, booking).total_fen == 0


def test_a_volunteer_teams_booking_is_free(store, admin, clerk, resident):
    booking = book(store, admin, resident, "R04", "25 14:00", "25 16:00")
    charge = fees.set_exempt(store, clerk, booking.id, "volunteer", "志愿服务一队例会", now=NOW)
    assert charge.total_fen == 0 and charge.exempt == "volunteer"
    assert fees.set_exempt(store, clerk, booking.id, None, now=NOW).total_fen == 4000


def test_a_resource_tariff_wins_over_its_kind(store, admin, resident):
    fees.set_tariff(store, admin, "res:P096", "visitor", "00:00-00:00=5.00", free_minutes=0, now=NOW)
    booking = book(store, admin, resident, "P096", "24 10:00", "24 11:00", visitor=True)
    assert fees.estimate(store, booking).total_fen == 500


def test_a_tariff_with_overlapping_bands_is_refused(store, admin):
    with pytest.raises(DeskError) as err:
        fees.set_tariff(store, admin, "kind:parking", "visitor", "07:00-19:00=3,18:00-07:00=1", now=NOW)
    assert err.value.code == "invalid" and err.value.field == "bands"


def test_only_an_admin_sets_tariffs(store, clerk):
    with pytest.raises(DeskError) as err:
        fees.set_tariff(store, clerk, "kind:parking", "visitor", "00:00-00:00=1", now=NOW)
    assert err.value.code == "forbidden"


def _check_in_and_out(store, clerk, booking, inside: datetime, out: datetime) -> None:
    text = passes.pass_text(store, booking.id)
    assert scanning.scan(store, clerk, text, now=inside).action == "check-in"
    assert scanning.scan(store, clerk, text, now=out).action == "check-out"


def test_settling_at_check_out_charges_the_overstay(store, admin, clerk, resident):
    booking = book(store, admin, resident, "P096", "24 10:00", "24 12:00", visitor=True)
    _check_in_and_out(store, clerk, booking, t("24 10:05"), t("24 13:40"))
    charge = fees.charge_for(store, booking.id)
    assert (charge.state, charge.overstay_minutes, charge.end) == ("settled", 100, t("24 13:40"))
    assert charge.total_fen == 4 * 300  # 10:30–13:40 = 190 min → 4 started hours
    assert charge.items[-1].key == "fee_item_overstay"


def test_a_settled_charge_does_not_follow_a_later_tariff_change(store, admin, clerk, resident):
    booking = book(store, admin, resident, "P096", "24 10:00", "24 12:00", visitor=True)
    _check_in_and_out(store, clerk, booking, t("24 10:05"), t("24 11:50"))
    before = fees.settle(store, booking.id).total_fen
    fees.set_tariff(store, admin, "kind:parking", "visitor", "00:00-00:00=9.00", now=NOW)
    assert fees.charge_for(store, booking.id).total_fen == before == 600


def test_a_car_still_inside_is_estimated_up_to_now(store, admin, clerk, resident):
    booking = book(store, admin, resident, "P096", "24 10:00", "24 12:00", visitor=True)
    scanning.scan(store, clerk, passes.pass_text(store, booking.id), now=t("24 10:05"))
    charge = fees.estimate(store, booking.id, now=t("24 13:00"))
    assert (charge.overstay_minutes, charge.total_fen) == (60, 900)


def test_a_cancelled_booking_costs_nothing(store, admin, resident):
    booking = book(store, admin, resident, "R04", "25 14:00", "25 16:00")
    bookings.cancel(store, admin, booking.id, now=NOW)
    assert fees.estimate(store, booking.id).total_fen == 0


# --- money ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text,fen", [("12", 1200), ("12.5", 1250), ("12.50", 1250), ("¥12.50", 1250),
                                      ("１２.５０元", 1250), ("0.01", 1), ("1,000.00", 100000)])
def test_amounts_in_yuan_are_read_exactly_into_fen(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text,key", [("", "fee_amount_required"), ("12.345", "fee_amount_format"),
                                      ("1e3", "fee_amount_format"), ("abc", "fee_amount_format"),
                                      ("-3", "fee_amount_positive"), ("0", "fee_amount_positive"),
                                      ("2000000", "fee_amount_too_large")])
def test_bad_amounts_are_refused_with_a_reason(text, key):
    with pytest.raises(DeskError) as err:
        parse_yuan(text)
    assert err.value.key == key and err.value.field == "amount"


def test_0_1_plus_0_2_yuan_is_exactly_30_fen():
    assert parse_yuan("0.1") + parse_yuan("0.2") == 30 and yuan_text(30) == "0.30"


@pytest.mark.parametrize("fen,words", [(0, "零元整"), (5, "伍分"), (50, "伍角整"), (1250, "壹拾贰元伍角整"),
                                       (1205, "壹拾贰元零伍分"), (100100, "壹仟零壹元整"),
                                       (1000000, "壹万元整"), (1234567, "壹万贰仟叁佰肆拾伍元陆角柒分"),
                                       (-300, "负叁元整")])
def test_amounts_in_capital_numerals_as_receipts_write_them(fen, words):
    assert yuan_words(fen) == words
