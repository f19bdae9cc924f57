"""The booking dialog's quick choices as times and rules: tonight, the next hours, the week's end, repeats."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from booking.schedule.quick_times import build_rrule, next_hours, tonight, week_end


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


@pytest.mark.parametrize("kind, days, until, count, rule", [
    ("none", [], None, 3, None),
    ("daily", [], date(2026, 11, 30), None, "FREQ=DAILY;UNTIL=20261130T235959"),
    ("weeknights", [], None, 10, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=10"),
    ("weekly", ["TU", "TH"], date(2027, 1, 31), None, "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270131T235959"),
])
def test_repeat_choices_become_an_rrule(kind, days, until, count, rule):
    assert build_rrule(kind, days, until, count) == rule


def test_tonight_is_19_to_07_30_or_from_now_once_the_evening_has_begun():
    assert tonight(date(2026, 11, 24), at("2026-11-24 10:00")) == (at("2026-11-24 19:00"), at("2026-11-25 07:30"))
    assert tonight(date(2026, 11, 24), at("2026-11-24 21:03")) == (at("2026-11-24 21:05"), at("2026-11-25 07:30"))
    assert tonight(date(2026, 11, 24), at("2026-11-24 02:00")) == (at("2026-11-24 02:00"), at("2026-11-24 07:30"))


def test_next_two_hours_start_now():
    assert next_hours(at("2026-11-24 10:00")) == (at("2026-11-24 10:00"), at("2026-11-24 12:00"))


def test_weeks_end_on_sunday():
    assert week_end(date(2026, 11, 24)) == date(2026, 11, 29)
    assert week_end(date(2026, 11, 29)) == date(2026, 11, 29)
