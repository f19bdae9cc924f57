"""Usage reports as data: the monthly summary, heat-map matrices, and the bookings of a period as rows.

The community office reads these to see how the 110 spaces and the rooms are
used and to settle disputes about no-shows. Everything here is plain data
(dicts, lists, dataclasses) that ui/ draws and booking/reporting/exports.py writes.

Occupancy is booked time over available time: bookings that held the space or
room (booked, checked in, completed; a no-show released it and does not
count), clipped to the period. Parking is available all 24 hours, rooms over
`sheet.ROOM_DAY` (08:00–22:00). Counts (bookings, no-shows) belong to the day
a booking starts, so a booking across midnight is counted once.

Personal data is masked by default (张*丰, 138****5678); `masked=False` is for
an admin's export and is recorded in the audit log by booking/reporting/exports.py.
"""
from __future__ import annotations

import calendar
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from booking.store import clock
from booking.store.errors import DeskError, invalid
from booking.store.i18n import language, tr
from booking.places.inventory import Resource, all_resources
from booking.reporting.sheet import OCCUPYING, ROOM_DAY
from booking.store.connection import Store
from booking.store.schema import STATUSES
from booking.store.validation import (mask_name, mask_phone, parse_date, parse_month as parse_month_text,
                                      reach_back)

REPEATED_NO_SHOWS = 2   # a household with this many no-shows in a month is listed
BUSIEST = 5


# --- periods ---------------------------------------------------------------------------------------

def parse_month(text: str | None) -> date:
    """'2026-11' -> date(2026, 11, 1); anything else is refused next to the month field."""
    if not re.fullmatch(r"\s*[0-9０-９]{4}-[0-9０-９]{1,2}\s*", text or ""):  # the report's one form
        raise invalid("report_month_bad", field="month")
    try:
        return parse_month_text(text, "month")
    except DeskError as exc:
        if exc.key == "val_month_format":
            raise invalid("report_month_bad", field="month") from None
        raise


def month_range(first: date) -> tuple[date, date]:
    """The first day of the month and the first day after it."""
    days = calendar.monthrange(first.year, first.month)[1]
    return first, first + timedelta(days=days)


def week_range(day: date) -> tuple[date, date]:
    """Monday of the week holding `day`, and the Monday after."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=7)


def period(month_or_week: str | None) -> tuple[date, date, bool]:
    """(start, end, is_month) from 'YYYY-MM' (that month) or 'YYYY-MM-DD' (the Monday-to-Sunday week holding it)."""
    text = (month_or_week or "").strip()
    try:
        if len(text) <= 7:
            return (*month_range(parse_month(text)), True)
        return (*week_range(parse_date(text, "period")), False)
    except DeskError:
        raise invalid("report_period_bad", field="period") from None


def _period_text(start: date, end: date, month: bool) -> str:
    if month:
        names = "January February March April May June July August September October November December".split()
        return tr("report_period_month", year=start.year, month=start.month, month_name=names[start.month - 1])
    return tr("report_period_week", start=start.isoformat(), end=(end - timedelta(days=1)).isoformat())


# --- reading bookings ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Use:
    resource_id: int
    kind: str
    household_id: int
    door: str
    name: str
    start: datetime
    end: datetime
    status: str
    purpose: str | None


def _lower_bound(store: Store, start: datetime) -> str:
    # As in bookings.on_date: only bookings starting within the longest booking before can reach in.
    longest = store.sql("SELECT max(longest_minutes) FROM resource").fetchone()[0] or 0
    return reach_back(start, longest)


def _uses(store: Store, start: date, end: date) -> list[_Use]:
    """Every booking that touches [start, end), cancelled ones included."""
    lo, hi = clock.day_bounds(start)[0], clock.day_bounds(end)[0]
    rows = store.sql(
        "SELECT b.resource_id, r.kind, b.household_id, h.door, p.name, b.start_at, b.end_at, b.status, b.purpose "
        "FROM booking b JOIN resource r ON r.id = b.resource_id JOIN household h ON h.id = b.household_id "
        "JOIN resident p ON p.id = b.resident_id "
        "WHERE b.start_at >= :reach AND b.start_at < :hi AND b.end_at > :lo",
        reach=_lower_bound(store, lo), hi=clock.to_text(hi), lo=clock.to_text(lo))
    return [_Use(r[0], r[1], r[2], r[3], r[4], clock.from_text(r[5]), clock.from_text(r[6]), r[7], r[8])
            for r in rows]


def _minutes(a: datetime, b: datetime, lo: datetime, hi: datetime) -> int:
    return max(0, clock.minutes(max(a, lo), min(b, hi)))


def _available(kind: str, days: int) -> int:
    """Minutes one resource of `kind` is available over `days` days."""
    return days * (1440 if kind == "parking" else 60 * (ROOM_DAY[1] - ROOM_DAY[0]))


def _held(use: _Use, lo: datetime, hi: datetime) -> int:
    """Minutes `use` held its resource within [lo, hi), for rooms only within ROOM_DAY of each day."""
    if use.kind == "parking":
        return _minutes(use.start, use.end, lo, hi)
    total = 0
    day = max(use.start, lo).date()
    while datetime(day.year, day.month, day.day) < min(use.end, hi):
        midnight = datetime(day.year, day.month, day.day)
        total += _minutes(use.start, use.end, max(lo, midnight + timedelta(hours=ROOM_DAY[0])),
                          min(hi, midnight + timedelta(hours=ROOM_DAY[1])))
        day += timedelta(days=1)
    return total


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


# --- the monthly summary ---------------------------------------------------------------------------

def monthly_summary(store: Store, first: date, masked: bool = True) -> dict[str, Any]:
    """The month's use as JSON-ready data (see the `report` command in README for the shape)."""
    start, end = month_range(first)
    lo, hi = clock.day_bounds(start)[0], clock.day_bounds(end)[0]
    days = (end - start).days
    resources = {r.id: r for r in all_resources(store)}
    uses = _uses(store, start, end)
    starting = [u for u in uses if lo <= u.start < hi]
    kept = [u for u in starting if u.status != "cancelled"]

    held_by_group: dict[tuple[str, str], int] = defaultdict(int)
    for use in uses:
        if use.status in OCCUPYING:
            res = resources[use.resource_id]
            held_by_group[(res.kind, res.zone or "")] += _held(use, lo, hi)
    zones = []
    count_by_group = Counter((r.kind, r.zone or "") for r in resources.values() if r.enabled)
    bookings_by_group = Counter((resources[u.resource_id].kind, resources[u.resource_id].zone or "") for u in kept)
    for (kind, zone), count in sorted(count_by_group.items()):
        zones.append({"kind": kind, "zone": zone, "resources": count, "bookings": bookings_by_group[(kind, zone)],
                      "occupancy_pct": _pct(held_by_group[(kind, zone)], count * _available(kind, days))})
    by_kind = {}
    for kind in ("parking", "room"):
        count = sum(c for (k, _), c in count_by_group.items() if k == kind)
        held = sum(m for (k, _), m in held_by_group.items() if k == kind)
        by_kind[kind] = _pct(held, count * _available(kind, days))

    held_by_hour = _hour_minutes(uses, lo, hi)
    hours = [_pct(m, count_by_kind(resources, "parking") * days * 60) for m in held_by_hour]
    busiest = sorted(range(24), key=lambda h: (-held_by_hour[h], h))[:BUSIEST]

    no_show_kinds = {}
    for kind in ("parking", "room"):
        of_kind = [u for u in kept if u.kind == kind]
        missed = sum(1 for u in of_kind if u.status == "no_show")
        no_show_kinds[kind] = {"bookings": len(of_kind), "no_shows": missed, "rate_pct": _pct(missed, len(of_kind))}
    missed_all = sum(v["no_shows"] for v in no_show_kinds.values())

    by_household = Counter((u.household_id, u.door) for u in kept if u.status == "no_show")
    repeated = [{"household": door, "no_shows": n}
                for (_, door), n in sorted(by_household.items(), key=lambda item: (-item[1], item[0][1]))
                if n >= REPEATED_NO_SHOWS]

    return {
        "month": f"{start:%Y-%m}", "from": start.isoformat(), "to": (end - timedelta(days=1)).isoformat(),
        "days": days, "masked": masked,
        "bookings": {"total": len(kept), "cancelled": len(starting) - len(kept),
                     "parking": sum(1 for u in kept if u.kind == "parking"),
                     "room": sum(1 for u in kept if u.kind == "room")},
        "occupancy": {"parking_pct": by_kind["parking"], "room_pct": by_kind["room"], "zones": zones,
                      "room_hours": f"{ROOM_DAY[0]:02d}:00–{ROOM_DAY[1]:02d}:00"},
        "busiest_hours": [{"hour": h, "occupancy_pct": hours[h]} for h in busiest],
        "hours": [{"hour": h, "occupancy_pct": hours[h]} for h in range(24)],
        "no_shows": {"total": missed_all, "rate_pct": _pct(missed_all, len(kept)), **no_show_kinds},
        "repeated_no_shows": repeated,
        "rooms": _room_use(kept, resources, lo, hi, masked),
    }


def count_by_kind(resources: dict[int, Resource], kind: str) -> int:
    return sum(1 for r in resources.values() if r.kind == kind and r.enabled)


def _hour_minutes(uses: list[_Use], lo: datetime, hi: datetime) -> list[int]:
    """Parking minutes held in each hour of the day (0–23) over [lo, hi)."""
    minutes = [0] * 24
    for use in uses:
        if use.kind == "parking" and use.status in OCCUPYING:
            for hour_start, held in _by_hour(use.start, use.end, lo, hi):
                minutes[hour_start.hour] += held
    return minutes


def _by_hour(start: datetime, end: datetime, lo: datetime, hi: datetime) -> Iterator[tuple[datetime, int]]:
    """(hour, minutes held in it) for each clock hour that [start, end) ∩ [lo, hi) touches."""
    a, b = max(start, lo), min(end, hi)
    hour = a.replace(minute=0)
    while hour < b:
        nxt = hour + timedelta(hours=1)
        yield hour, clock.minutes(max(a, hour), min(b, nxt))
        hour = nxt


def _room_use(kept: list[_Use], resources: dict[int, Resource], lo: datetime, hi: datetime,
              masked: bool) -> dict[str, Any]:
    rooms = [u for u in kept if u.kind == "room" and u.status != "no_show"]
    by_room: dict[int, list[_Use]] = defaultdict(list)
    by_purpose: dict[str, list[_Use]] = defaultdict(list)
    by_organiser: dict[tuple[str, str], list[_Use]] = defaultdict(list)
    for use in rooms:
        by_room[use.resource_id].append(use)
        by_purpose[use.purpose or tr("report_no_purpose")].append(use)
        by_organiser[(use.door, mask_name(use.name) if masked else use.name)].append(use)

    def hours(items: list[_Use]) -> float:
        return round(sum(clock.minutes(u.start, u.end) for u in items) / 60, 1)

    return {
        "by_room": [{"code": resources[rid].code, "name": resources[rid].name, "bookings": len(items),
                     "hours": hours(items)}
                    for rid, items in sorted(by_room.items(), key=lambda i: resources[i[0]].code)],
        "by_purpose": [{"purpose": p, "bookings": len(items), "hours": hours(items)}
                       for p, items in sorted(by_purpose.items(), key=lambda i: (-len(i[1]), i[0]))],
        "by_organiser": [{"household": door, "name": name, "bookings": len(items), "hours": hours(items)}
                         for (door, name), items in sorted(by_organiser.items(), key=lambda i: (-len(i[1]), i[0]))],
    }


# --- heat-maps -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HeatMap:
    """A matrix of occupancy fractions (0..1) with its labels, for drawing."""

    by: str                       # 'spaces' (resources × days) or 'hours' (hours × weekdays)
    title: str
    start: date
    end: date                     # the day after the last
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]   # values[row][column]
    row_groups: tuple[int, ...] = ()        # rows where a new group (zone, kind) begins

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["start"], out["end"] = self.start.isoformat(), self.end.isoformat()
        return out


def heatmap(store: Store, start: date, end: date, by: str, month: bool = False) -> HeatMap:
    """The heat-map of [start, end): 'spaces' gives every resource × day, 'hours' hour × weekday."""
    if by not in ("spaces", "hours"):
        raise invalid("report_by_bad", field="by")
    if end <= start:
        raise invalid("report_range_order", field="to")
    period = _period_text(start, end, month)
    uses = [u for u in _uses(store, start, end) if u.status in OCCUPYING]
    if by == "spaces":
        return _spaces_by_day(store, uses, start, end, period)
    return _hours_by_weekday(store, uses, start, end, period)


def _spaces_by_day(store: Store, uses: list[_Use], start: date, end: date, period: str) -> HeatMap:
    resources = [r for r in all_resources(store) if r.enabled]
    index = {r.id: i for i, r in enumerate(resources)}
    days = (end - start).days
    held = [[0] * days for _ in resources]
    lo = clock.day_bounds(start)[0]
    for use in uses:
        row = index.get(use.resource_id)
        if row is None:
            continue
        day = max(use.start, lo).date()
        while day < end and datetime(day.year, day.month, day.day) < use.end:
            d0, d1 = clock.day_bounds(day)
            held[row][(day - start).days] += _held(use, d0, d1)
            day += timedelta(days=1)
    values = tuple(tuple(min(1.0, m / _available(r.kind, 1)) for m in held[i]) for i, r in enumerate(resources))
    groups = tuple(i for i, r in enumerate(resources)
                   if i and (r.kind, r.zone) != (resources[i - 1].kind, resources[i - 1].zone))
    columns = tuple(f"{(start + timedelta(days=d)):%m-%d}" for d in range(days))
    return HeatMap("spaces", tr("report_heat_spaces", period=period), start, end,
                   tuple(r.code for r in resources), columns, values, groups)


def _hours_by_weekday(store: Store, uses: list[_Use], start: date, end: date, period: str) -> HeatMap:
    spaces = sum(1 for r in all_resources(store, "parking") if r.enabled)
    lo, hi = clock.day_bounds(start)[0], clock.day_bounds(end)[0]
    held = [[0] * 7 for _ in range(24)]
    for use in uses:
        if use.kind != "parking":
            continue
        for hour, minutes in _by_hour(use.start, use.end, lo, hi):
            held[hour.hour][hour.weekday()] += minutes
    weekday_count = Counter((start + timedelta(days=d)).weekday() for d in range((end - start).days))
    values = tuple(tuple(min(1.0, held[h][w] / (spaces * 60 * weekday_count[w])) if weekday_count[w] and spaces
                         else 0.0 for w in range(7)) for h in range(24))
    return HeatMap("hours", tr("report_heat_hours", period=period), start, end,
                   tuple(f"{h:02d}:00" for h in range(24)), tuple(tr("report_weekdays").split()), values)


# --- the bookings of a period as rows --------------------------------------------------------------

EXPORT_COLUMNS = ("report_col_id", "report_col_code", "report_col_resource", "report_col_kind", "report_col_zone",
                  "report_col_start", "report_col_end", "report_col_minutes", "report_col_status",
                  "report_col_household", "report_col_name", "report_col_phone", "report_col_plate",
                  "report_col_visitor", "report_col_purpose", "report_col_in", "report_col_out",
                  "report_col_overstay", "report_col_series", "report_col_created", "report_col_by")


def export_header() -> list[str]:
    """The column titles of an export, in the current language."""
    return [tr(key) for key in EXPORT_COLUMNS]


def booking_rows(store: Store, first: date, last: date, masked: bool = True) -> Iterator[list[Any]]:
    """Every booking starting on a day from `first` to `last` (inclusive), oldest first, one list per booking.

    Numbers stay numbers (so a spreadsheet can add them); names and phones are
    masked unless `masked` is False. Rows are produced lazily: ten years are a
    million rows.
    """
    if last < first:
        raise invalid("report_range_order", field="to")
    lo, hi = clock.day_bounds(first)[0], clock.day_bounds(last)[1]
    english = language() == "en"
    statuses = {s: tr(f"status_{s}") for s in STATUSES}
    kinds = {k: tr(f"report_kind_{k}") for k in ("parking", "room")}
    yes = tr("report_yes")
    cursor = store.sql(
        "SELECT b.id, r.code, r.name_zh, r.name_en, r.kind, r.zone, b.start_at, b.end_at, b.status, h.door, "
        "p.name, p.phone, b.plate, b.visitor, b.purpose, b.checked_in_at, b.checked_out_at, b.overstay_minutes, "
        "b.series_id, b.created_at, b.created_by "
        "FROM booking b JOIN resource r ON r.id = b.resource_id JOIN household h ON h.id = b.household_id "
        "JOIN resident p ON p.id = b.resident_id WHERE b.start_at >= :lo AND b.start_at < :hi "
        "ORDER BY b.start_at, b.id", lo=clock.to_text(lo), hi=clock.to_text(hi))
    for (bid, code, name_zh, name_en, kind, zone, start, end, status, door, name, phone, plate, visitor,
         purpose, cin, cout, over, series, created, by) in cursor:
        yield [bid, code, name_en if english else name_zh, kinds.get(kind, kind), zone or "", start, end,
               clock.minutes(clock.from_text(start), clock.from_text(end)), statuses.get(status, status), door,
               mask_name(name) if masked else name, mask_phone(phone) if masked else phone, plate or "",
               yes if visitor else "", purpose or "", cin or "", cout or "", over or "", series or "",
               created or "", by or ""]
