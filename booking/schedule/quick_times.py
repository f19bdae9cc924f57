"""The booking dialog's quick choices as plain times and rules: tonight (19:00 to 07:30), the next
hours, all day, the end of the week, and the RFC 5545 rule of a repeat choice. Pure: each takes the
`now` it is given and reads no clock.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def round_up(moment: datetime, step: int = 5) -> datetime:
    """The next whole `step` minutes at or after `moment` (a walk-in starts now, never in the past)."""
    moment = moment.replace(second=0, microsecond=0)
    extra = (-moment.minute) % step
    return moment + timedelta(minutes=extra)


def tonight(day: date, now: datetime) -> tuple[datetime, datetime]:
    """19:00 to 07:30 next morning on `day`; from now if it has begun; this morning's end if before 07:30."""
    start_now = round_up(now)
    if day <= now.date() and now.time() < time(7, 30):
        return start_now, datetime.combine(now.date(), time(7, 30))
    start = datetime.combine(day, time(19))
    return max(start, start_now), datetime.combine(day + timedelta(days=1), time(7, 30))


def next_hours(now: datetime, hours: int = 2) -> tuple[datetime, datetime]:
    start = round_up(now)
    return start, start + timedelta(hours=hours)


def all_day(day: date, now: datetime) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time())
    return max(start, round_up(now)), start + timedelta(days=1)


def week_end(day: date) -> date:
    """The Sunday of `day`'s week (weeks run Monday to Sunday)."""
    return day + timedelta(days=6 - day.weekday())


def build_rrule(kind: str, days: list[str], until: date | None, count: int | None) -> str | None:
    """The RFC 5545 rule for the repeat choices, or None for no repeat."""
    if kind == "none":
        return None
    if kind == "daily":
        rule = "FREQ=DAILY"
    elif kind == "weeknights":
        rule = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    else:
        rule = "FREQ=WEEKLY;BYDAY=" + ",".join(days or ["MO"])
    if until is not None:
        return rule + f";UNTIL={until:%Y%m%d}T235959"
    return rule + f";COUNT={max(1, count or 1)}"

