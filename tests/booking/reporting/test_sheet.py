"""The daily sheet as data and as HTML: every space, overnight bookings on both days, masked residents, totals."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from booking.checkin import passes, scanning
from booking.reporting import sheet
from booking.schedule import bookings
from booking.schedule.bookings import Request
from booking.store.i18n import set_language
from booking.checkin.sweep import sweep
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


TODAY, TOMORROW = date(2026, 11, 24), date(2026, 11, 25)


@pytest.fixture
def overnight(store, admin, resident, now) -> bookings.Booking:
    """P001 from 19:00 tonight to 07:30 tomorrow."""
    return bookings.book(store, admin, Request("P001", at("2026-11-24 19:00"), at("2026-11-25 07:30"),
                                               resident.id), now)


@pytest.fixture
def meeting(store, admin, neighbour, now) -> bookings.Booking:
    """R01 tomorrow afternoon, for a neighbours' meeting."""
    return bookings.book(store, admin, Request("R01", at("2026-11-25 14:00"), at("2026-11-25 16:00"),
                                               neighbour.id, purpose="邻里议事会"), now)


def line_of(found: sheet.Sheet, booking_id: int) -> sheet.Line:
    return next(line for line in found.lines() if line.booking_id == booking_id)


def test_every_space_is_on_the_sheet_even_with_no_booking(store, now):
    found = sheet.build(store, TODAY, now)
    assert [p.code for p in found.spaces] == [f"P{n:03d}" for n in range(1, 111)]
    assert all(p.free for p in found.spaces)


def test_an_overnight_booking_shows_where_it_ends_on_its_first_day(store, now, overnight):
    assert line_of(sheet.build(store, TODAY, now), overnight.id).time == "19:00→次日07:30"


def test_an_overnight_booking_shows_where_it_began_on_its_second_day(store, now, overnight):
    assert line_of(sheet.build(store, TOMORROW, now), overnight.id).time == "前日19:00→07:30"


def test_an_overnight_booking_is_on_neither_the_day_before_nor_the_day_after(store, now, overnight):
    for day in (date(2026, 11, 23), date(2026, 11, 26)):
        assert all(line.booking_id != overnight.id for line in sheet.build(store, day, now).lines())


def test_the_resident_is_masked_on_the_sheet(store, now, overnight):
    line = line_of(sheet.build(store, TODAY, now), overnight.id)
    assert (line.resident, line.phone, line.plate) == ("张*丰", "138****5678", "川A12345")


def test_a_booked_space_is_not_free_and_the_others_are(store, now, overnight):
    spaces = {p.code: p for p in sheet.build(store, TODAY, now).spaces}
    assert not spaces["P001"].free and spaces["P002"].free


def test_a_room_line_names_its_organiser_masked_and_its_purpose(store, now, meeting):
    line = line_of(sheet.build(store, TOMORROW, now), meeting.id)
    assert (line.door, line.resident, line.purpose) == ("5栋1单元302", "李*", "邻里议事会")


def test_status_is_written_with_a_symbol_and_words_not_only_a_colour(store, admin, now, overnight):
    scanning.scan(store, admin, passes.pass_text(store, overnight.id), "desk", now=at("2026-11-24 18:55"))
    line = line_of(sheet.build(store, TODAY, at("2026-11-24 20:00")), overnight.id)
    assert (line.look, line.status, line.status_long, line.checked_in) == ("checked_in", "●在", "●在 在场", "18:55")


def test_a_stay_past_the_end_is_an_overstay(store, admin, now, overnight):
    scanning.scan(store, admin, passes.pass_text(store, overnight.id), "desk", now=at("2026-11-24 18:55"))
    found = sheet.build(store, TOMORROW, at("2026-11-25 08:00"))
    assert line_of(found, overnight.id).look == "overstay"
    assert found.totals.overstays == 1


def test_a_cancelled_booking_is_counted_but_takes_no_line(store, admin, now, overnight):
    bookings.cancel(store, admin, overnight.id, now=now)
    found = sheet.build(store, TODAY, now)
    assert found.lines() == [] and found.totals.cancelled == 1


def test_a_no_show_is_counted_on_the_day_it_started_only(store, now, overnight):
    sweep(store, at("2026-11-24 19:30"))
    assert sheet.build(store, TODAY, at("2026-11-24 19:30")).totals.no_shows == 1
    assert sheet.build(store, TOMORROW, at("2026-11-24 19:30")).totals.no_shows == 0


def test_a_check_in_is_counted_on_the_day_it_happened(store, admin, now, overnight):
    scanning.scan(store, admin, passes.pass_text(store, overnight.id), "desk", now=at("2026-11-24 18:55"))
    moment = at("2026-11-25 09:00")
    assert sheet.build(store, TODAY, moment).totals.check_ins == 1
    assert sheet.build(store, TOMORROW, moment).totals.check_ins == 0


def test_occupancy_counts_the_booked_minutes_of_the_day_over_all_spaces(store, now, overnight):
    # 19:00–24:00 is 300 of the 110 × 1440 minutes of the day.
    assert sheet.build(store, TODAY, now).totals.occupancy_pct == round(100 * 300 / (110 * 1440), 1)


def test_free_spaces_now_are_given_for_today_only(store, now, overnight):
    assert sheet.build(store, TODAY, at("2026-11-24 20:00")).totals.free_now == 109
    assert sheet.build(store, TOMORROW, at("2026-11-24 20:00")).totals.free_now is None


def test_the_html_lists_every_space_and_marks_free_ones_in_words(store, now, overnight):
    text = sheet.to_html(sheet.build(store, TODAY, now, clerk="值班员乙"))
    assert all(f"P{n:03d}" in text for n in range(1, 111))
    assert "空闲" in text and "川A12345" in text and "值班员乙" in text


def test_the_html_ends_with_the_hand_over_signature_lines(store, now):
    text = sheet.to_html(sheet.build(store, TODAY, now))
    assert text.index("交班人") > text.index("R07") and "接班人" in text and "时间" in text


def test_the_html_keeps_a_purpose_with_markup_as_text(store, admin, neighbour, now):
    bookings.book(store, admin, Request("R02", at("2026-11-24 14:00"), at("2026-11-24 15:00"), neighbour.id,
                                        purpose="<i>议事</i>"), now)
    assert "&lt;i&gt;议事&lt;/i&gt;" in sheet.to_html(sheet.build(store, TODAY, now))


def test_parking_is_split_into_pages_of_the_given_fit(store, now):
    fit = sheet.PageFit(first=10, rest=20, groups=4)
    text = sheet.to_html(sheet.build(store, TODAY, now), fit=fit)
    # 110 free spaces: 40 on the first page, 70 balanced over the four groups of the second.
    assert text.count("<table class='park'") == 2
    assert text.count("page-break-before: always") == 1


def test_the_sheet_speaks_english_when_asked(store, now, overnight):
    set_language("en")
    found = sheet.build(store, TOMORROW, now)
    assert line_of(found, overnight.id).time == "‹19:00→07:30"
    assert "Daily occupancy sheet" in sheet.to_html(found)


def _checked_in_last_night(store, admin, overnight):
    scanning.scan(store, admin, passes.pass_text(store, overnight.id), now=at("2026-11-24 19:05"))


def test_a_check_in_from_the_day_before_is_marked_as_such(store, admin, overnight):
    _checked_in_last_night(store, admin, overnight)
    found = sheet.build(store, TOMORROW, at("2026-11-25 06:00"))
    assert line_of(found, overnight.id).checked_in == "前日19:05"


def test_the_totals_count_the_cars_checked_in_the_day_before(store, admin, overnight):
    _checked_in_last_night(store, admin, overnight)
    found = sheet.build(store, TOMORROW, at("2026-11-25 06:00"))
    inside = [line for line in found.lines() if line.look in ("checked_in", "overstay")]
    assert len(inside) == 1 and found.totals.check_ins == 0
    assert found.totals.carried_in == len(inside)
    assert "另有前日签到 1" in sheet.to_html(found)


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("look", ["booked", "checked_in", "overstay", "completed", "late", "no_show"])
def test_a_status_is_spelled_the_same_for_spaces_and_rooms(language, look):
    from booking.store.i18n import tr
    set_language(language)
    assert tr(f"sheet_long_{look}", minutes=5).startswith(tr(f"sheet_short_{look}") + " ")


def test_the_sheet_says_when_the_day_is_a_public_holiday(store, now):
    built = sheet.build(store, date(2026, 2, 16), now)
    assert built.calendar == "春节（放假）"
    assert "春节（放假）" in sheet.to_html(built)


def test_the_sheet_says_when_the_day_is_a_make_up_workday(store, now):
    assert sheet.build(store, date(2026, 2, 28), now).calendar == "春节（调休上班）"
    assert sheet.build(store, date(2026, 3, 2), now).calendar == ""


def test_check_in_and_out_print_as_one_range_like_the_booked_time(store, admin, overnight):
    _checked_in_last_night(store, admin, overnight)
    inside = line_of(sheet.build(store, TOMORROW, at("2026-11-25 06:00")), overnight.id)
    assert sheet.in_out(inside) == "前日19:05–"
    assert "前日19:05–" in sheet.to_html(sheet.build(store, TOMORROW, at("2026-11-25 06:00")))
