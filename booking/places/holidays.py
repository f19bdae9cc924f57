"""China's public holidays and make-up workdays (调休上班日), as the calendar of this desk knows them.

The `chinese-calendar` package encodes the years the State Council has announced.
An admin can enter a year's schedule (days off, make-up workdays) once its notice
is published; that entry overrides the package for the whole year. A year that
neither knows is *unknown*, and the program says so instead of guessing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import chinese_calendar

from booking.store import audit
from booking.store.audit import Actor
from booking.store.errors import DeskError, invalid
from booking.store.i18n import tr
from booking.store.connection import Store, insert_sql

HOLIDAY = "holiday"   # a public holiday (a day off of the schedule)
WORKDAY = "workday"   # a make-up workday on a weekend (调休上班日)
SOURCES = ("admin", "package")
MAX_DAYS = 60         # the days of one year's schedule are a few dozen at most

# The package's English holiday names; their words are the messages holiday_pkg_0, _1, ... in this order.
_NAMES = ("New Year's Day", "Spring Festival", "Tomb-sweeping Day", "Labour Day", "Dragon Boat Festival",
          "Mid-autumn Festival", "National Day", "Anti-Fascist 70th Day")
_NAME_KEYS = {name: f"holiday_pkg_{i}" for i, name in enumerate(_NAMES)}


@dataclass(frozen=True)
class Day:
    """What the calendar says of one date: `kind` is 'holiday', 'workday' or None (an ordinary day)."""

    day: date
    kind: str | None
    name: str = ""

    def text(self) -> str:
        """'春节（放假）', '春节（调休上班）' or '' for an ordinary day."""
        if self.kind == HOLIDAY:
            return tr("holiday_day_text", name=self.name or tr("holiday_name"))
        if self.kind == WORKDAY:  # an entered year names no holiday: not '调休上班（调休上班）'
            return tr("holiday_workday_text", name=self.name) if self.name else tr("holiday_workday_name")
        return ""

    def to_json(self) -> dict[str, object]:
        return {"date": self.day.isoformat(), "kind": self.kind, "name": self.name, "text": self.text()}


def _entered(store: Store, year: int) -> dict[str, object] | None:
    row = store.sql("SELECT days_off, workdays FROM holiday_year WHERE year = :year", year=year).fetchone()
    return {"off": json.loads(row[0]), "work": json.loads(row[1])} if row else None


def package_knows(year: int) -> bool:
    """Does the installed chinese-calendar package have this year's schedule?"""
    try:
        chinese_calendar.is_holiday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def source(store: Store, year: int) -> str | None:
    """Where this year's schedule comes from: 'admin', 'package' or None (unknown)."""
    if _entered(store, year) is not None:
        return "admin"
    return "package" if package_knows(year) else None


def knows(store: Store, year: int) -> bool:
    return source(store, year) is not None


def require_year(store: Store, year: int, field: str | None = None) -> None:
    """DeskError naming the year when the calendar has no schedule for it."""
    if not knows(store, year):
        raise invalid("holiday_unknown_year", field=field, year=year)


def day(store: Store, when: date) -> Day:
    """The calendar's word on one date (an ordinary day for an unknown year: see `knows`)."""
    entered = _entered(store, when.year)
    text = when.isoformat()
    if entered is not None:
        if text in entered["off"]:  # type: ignore[operator]
            return Day(when, HOLIDAY, "")
        if text in entered["work"]:  # type: ignore[operator]
            return Day(when, WORKDAY, "")
        return Day(when, None)
    if not package_knows(when.year):
        return Day(when, None)
    on_holiday, name = chinese_calendar.get_holiday_detail(when)
    if name is None:
        return Day(when, None)
    label = tr(_NAME_KEYS[name]) if name in _NAME_KEYS else name
    if on_holiday:
        return Day(when, HOLIDAY, label)
    return Day(when, WORKDAY, label) if when.weekday() >= 5 else Day(when, None)


def is_holiday(store: Store, when: date) -> bool:
    return day(store, when).kind == HOLIDAY


def is_workday(store: Store, when: date) -> bool:
    """A make-up workday on a weekend: a Saturday that behaves like a weekday."""
    return day(store, when).kind == WORKDAY


def special_days(store: Store, first: date, last: date) -> list[Day]:
    """The holidays and make-up workdays from `first` to `last` inclusive."""
    out, current = [], first
    while current <= last:
        found = day(store, current)
        if found.kind:
            out.append(found)
        current += timedelta(days=1)
    return out


def schedule(store: Store, year: int) -> dict[str, Any]:
    """The year's schedule as data: its source and its days off and make-up workdays."""
    where = source(store, year)
    days = special_days(store, date(year, 1, 1), date(year, 12, 31)) if where else []
    return {"year": year, "source": where, "source_text": tr(f"holiday_source_{where or 'none'}"),
            "days_off": [d.day.isoformat() for d in days if d.kind == HOLIDAY],
            "workdays": [d.day.isoformat() for d in days if d.kind == WORKDAY],
            "days": [d.to_json() for d in days]}


def parse_days(text: str, year: int, field: str) -> list[date]:
    """'2027-02-06..2027-02-13, 2027-02-20' (commas, spaces or new lines between) as dates of `year`."""
    out: list[date] = []
    for part in text.replace("，", ",").replace("\n", ",").replace(" ", ",").split(","):
        part = part.strip().replace("–", "..")
        if not part:
            continue
        try:
            if ".." in part:
                first_text, last_text = part.split("..")
                first, last = date.fromisoformat(first_text.strip()), date.fromisoformat(last_text.strip())
            else:
                first = last = date.fromisoformat(part)
        except ValueError:
            raise invalid("holiday_date_bad", field=field, text=part) from None
        if last < first or (last - first).days > MAX_DAYS:
            raise invalid("holiday_date_bad", field=field, text=part)
        while first <= last:
            if first.year != year:
                raise invalid("holiday_date_year", field=field, day=first.isoformat(), year=year)
            out.append(first)
            first += timedelta(days=1)
    return sorted(set(out))


def set_year(store: Store, actor: Actor, year: int, days_off: str | list[date], workdays: str | list[date],
             now: datetime) -> dict[str, object]:
    """Enter a year's schedule (admin); it replaces the package's for that year."""
    if not actor.is_admin:
        raise DeskError("forbidden", "holiday_admin_only")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise invalid("holiday_year_bad", field="year")
    off = parse_days(days_off, year, "days_off") if isinstance(days_off, str) else sorted(set(days_off))
    work = parse_days(workdays, year, "workdays") if isinstance(workdays, str) else sorted(set(workdays))
    for field, days in (("days_off", off), ("workdays", work)):
        for one in days:
            if one.year != year:
                raise invalid("holiday_date_year", field=field, day=one.isoformat(), year=year)
    if not off:
        raise invalid("holiday_empty", field="days_off")
    if len(off) + len(work) > 2 * MAX_DAYS:
        raise invalid("holiday_too_many", field="days_off", n=2 * MAX_DAYS)
    both = sorted(set(off) & set(work))
    if both:
        raise invalid("holiday_both", field="workdays", day=both[0].isoformat())
    weekday = next((d for d in work if d.weekday() < 5), None)
    if weekday is not None:
        raise invalid("holiday_workday_weekday", field="workdays", day=weekday.isoformat())
    row = {"year": year, "days_off": json.dumps([d.isoformat() for d in off]),
           "workdays": json.dumps([d.isoformat() for d in work]),
           "entered_at": now.strftime("%Y-%m-%d %H:%M:%S"), "entered_by": actor.name}
    with store.write():
        before = _entered(store, year)
        store.sql("DELETE FROM holiday_year WHERE year = :year", year=year)
        store.sql(insert_sql("holiday_year", row), **row)
        audit.record(store, actor, "set", "holiday_year", year, before=before,
                     after={"off": [d.isoformat() for d in off], "work": [d.isoformat() for d in work]}, at=now)
    return schedule(store, year)


def clear_year(store: Store, actor: Actor, year: int, now: datetime) -> dict[str, object]:
    """Remove an admin-entered schedule (admin): the package's, if it knows the year, applies again."""
    if not actor.is_admin:
        raise DeskError("forbidden", "holiday_admin_only")
    with store.write():
        before = _entered(store, year)
        store.sql("DELETE FROM holiday_year WHERE year = :year", year=year)
        audit.record(store, actor, "clear", "holiday_year", year, before=before, at=now)
    return schedule(store, year)
