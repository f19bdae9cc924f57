"""Bookings: the clash-free heart of the desk.

The rule check and the insert happen in one write transaction that holds the
store's write lock from its first statement, so two desks can never both book
one slot. The overlap itself is refused by the store (SQLite's trigger, the
server's exclusion constraint), whatever code path writes: `book` leaves that
check to it and turns its refusal into the `clash` error, naming the bookings
met; `check` and a series ask first, to show the clerk what is in the way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from booking.people import residents
from booking.places import holidays
from booking.store import audit, clock
from booking.store.audit import Actor
from booking.places.closures import overlapping, parse_rrule
from booking.store.errors import DeskError, invalid, not_found
from booking.store.i18n import language, tr
from booking.places import inventory
from booking.places.inventory import Resource, all_resources
from booking.policy.breach import Breach
from booking.policy.rules import breaches
from booking.store.schema import ACTIVE
from booking.store.connection import IntegrityError, Store, refusal
from booking.store.validation import (MAX_BOOKING_DAYS, MAX_YEAR, MIN_YEAR, in_range, mask_name, mask_phone,
                                      normalize_plate, reach_back)
from booking.store.rowids import inserted_id

MAX_OCCURRENCES = 400


@dataclass(frozen=True)
class Booking:
    id: int
    resource: str
    kind: str
    resource_name: str
    household_id: int
    door: str
    resident_id: int
    resident_name: str
    phone: str
    plate: str | None
    start: datetime
    end: datetime
    status: str
    series_id: int | None
    visitor: bool
    purpose: str | None
    pass_rev: int
    checked_in_at: str | None
    checked_out_at: str | None
    overstay_minutes: int | None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def to_json(self, masked: bool = True) -> dict[str, Any]:
        return {
            "id": self.id, "resource": self.resource, "kind": self.kind,
            "resource_name": self.resource_name, "household": self.door,
            "resident_id": self.resident_id,
            "resident": mask_name(self.resident_name) if masked else self.resident_name,
            "phone": mask_phone(self.phone) if masked else self.phone,
            "plate": self.plate, "start": clock.to_text(self.start), "end": clock.to_text(self.end),
            "status": self.status, "status_text": tr(f"status_{self.status}"),
            "series": self.series_id, "visitor": self.visitor, "purpose": self.purpose,
            "checked_in_at": self.checked_in_at, "checked_out_at": self.checked_out_at,
            "overstay_minutes": self.overstay_minutes,
        }


_COLUMNS = (
    "b.id, r.code, r.kind, r.name_zh, r.name_en, b.household_id, h.door, b.resident_id, "
    "p.name, p.phone, b.plate, b.start_at, b.end_at, b.status, b.series_id, b.visitor, b.purpose, "
    "b.pass_rev, b.checked_in_at, b.checked_out_at, b.overstay_minutes"
)
_FROM = ("FROM booking b JOIN resource r ON r.id = b.resource_id "
         "JOIN household h ON h.id = b.household_id JOIN resident p ON p.id = b.resident_id")
_SELECT = f"SELECT {_COLUMNS} {_FROM}"


def _to_booking(row: tuple[Any, ...]) -> Booking:
    name = row[4] if language() == "en" else row[3]
    return Booking(row[0], row[1], row[2], name, row[5], row[6], row[7], row[8], row[9], row[10],
                   clock.from_text(row[11]), clock.from_text(row[12]), row[13], row[14],
                   bool(row[15]), row[16], row[17], row[18], row[19], row[20])


def get(store: Store, booking_id: int) -> Booking:
    row = store.sql(_SELECT + " WHERE b.id = :booking_id", booking_id=booking_id).fetchone()
    if row is None:
        raise not_found("booking_not_found", id=booking_id)
    return _to_booking(row)


def get_with_nonce(store: Store, booking_id: int) -> tuple[Booking, int | None]:
    """The booking and its pass nonce (None for a booking made before nonces), in one read: what a
    scan checks a pass against (booking/checkin/scanning.py)."""
    row = store.sql(f"SELECT {_COLUMNS}, b.pass_nonce {_FROM} WHERE b.id = :booking_id",
                    booking_id=booking_id).fetchone()
    if row is None:
        raise not_found("booking_not_found", id=booking_id)
    return _to_booking(row), row[-1]


def _lower_bound(store: Store, start: datetime, resource_id: int | None = None) -> str:
    """Earliest start an active booking reaching `start` can have (see schema trigger)."""
    if resource_id is None:
        longest = store.sql("SELECT max(longest_minutes) FROM resource").fetchone()[0] or 0
    else:
        longest = store.sql("SELECT longest_minutes FROM resource WHERE id = :resource_id",
                            resource_id=resource_id).fetchone()[0]
    return reach_back(start, longest)


def clashes(store: Store, resource: Resource, start: datetime, end: datetime,
            exclude: tuple[int, ...] = ()) -> list[Booking]:
    """Active bookings of `resource` overlapping [start, end) (touching ends do not clash)."""
    sql = (_SELECT + " WHERE b.resource_id = :resource_id AND b.start_at >= :reach AND b.start_at < :end "
           f"AND b.end_at > :start AND b.status IN {ACTIVE!r}")
    if exclude:
        sql += " AND b.id NOT IN :exclude"
    return [_to_booking(r) for r in store.sql(sql + " ORDER BY b.start_at", resource_id=resource.id,
                                              reach=_lower_bound(store, start, resource.id), end=clock.to_text(end),
                                              start=clock.to_text(start), exclude=exclude)]


@dataclass
class Request:
    """What the clerk asks for."""

    resource: str
    start: datetime
    end: datetime
    resident_id: int
    plate: str | None = None
    visitor: bool = False
    purpose: str | None = None
    override: str | None = None  # an admin's reason to book despite rule breaches


@dataclass
class Check:
    """What saving the request would meet: clashes, rule breaches, and a free alternative."""

    clashes: list[Booking] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)
    suggestion: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.clashes and not self.breaches

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "clashes": [b.to_json() for b in self.clashes],
                "breaches": [b.to_json() for b in self.breaches], "suggestion": self.suggestion}


@dataclass
class _Prepared:
    resource: Resource
    resident: residents.Resident
    plate: str | None


def _prepare(store: Store, req: Request) -> _Prepared:
    """Validate what does not depend on other bookings."""
    for name, moment in (("start", req.start), ("end", req.end)):
        if not in_range(moment):
            raise invalid("booking_years", field=name, low=MIN_YEAR, high=MAX_YEAR)
    if req.end <= req.start:
        raise invalid("booking_order", field="end")
    if req.end - req.start > timedelta(days=MAX_BOOKING_DAYS):
        raise invalid("booking_too_long", field="end", days=MAX_BOOKING_DAYS)
    resource, resident = store.read_all(inventory.get_read(req.resource), residents.get_read(store, req.resident_id))
    if not resource.enabled:
        raise invalid("booking_disabled", field="resource", code=resource.code)
    if not resident.active:
        raise invalid("booking_resident_moved", field="resident", name=mask_name(resident.name), door=resident.door)
    plate = normalize_plate(req.plate) if req.plate else None
    if resource.kind == "parking" and plate is None:
        if len(resident.plates) == 1 and not req.visitor:
            plate = resident.plates[0]
        else:
            raise invalid("booking_plate_required", field="plate")
    return _Prepared(resource, resident, plate)


def _clash_error(resource: Resource, found: list[Booking]) -> DeskError:
    items = "；".join(tr("booking_clash_item", start=clock.to_text(b.start), end=clock.to_text(b.end),
                         door=b.door, id=b.id) for b in found[:3])
    return DeskError("clash", "booking_clash", field="start", code=resource.code, clashes=items,
                     details=[b.to_json() for b in found])


def check(store: Store, req: Request, now: datetime, exclude: tuple[int, ...] = ()) -> Check:
    """Everything that would stop this booking, without writing (for live feedback)."""
    prep = _prepare(store, req)
    result = Check()
    result.clashes = clashes(store, prep.resource, req.start, req.end, exclude)
    result.breaches = breaches(store, prep.resource, prep.resident.household_id, prep.resident.door,
                               req.start, req.end, req.visitor, now, exclude)
    if result.clashes:
        result.suggestion = [r.code for r in suggest(store, prep.resource, req.start, req.end)]
    return result


#: the booking's own columns of `_SELECT`, as an INSERT gives them back
_RETURNED = ("id, plate, start_at, end_at, status, series_id, visitor, purpose, pass_rev, checked_in_at, "
             "checked_out_at, overstay_minutes")


def _insert(store: Store, actor: Actor, prep: _Prepared, req: Request, start: datetime, end: datetime,
            series_id: int | None, breached: list[Breach], *, now: datetime) -> Booking:
    """Insert the booking with its audit entry; the new booking as `get` would read it.

    Its own columns come back from the INSERT (`RETURNING`), its resource's and resident's are
    the rows `_prepare` read in this same write: no second query (on a server, a round trip)."""
    try:
        cur = store.sql(
            "INSERT INTO booking(resource_id, household_id, resident_id, plate, start_at, end_at, status, "
            "series_id, visitor, purpose, pass_rev, override_reason, created_at, created_by) "
            "VALUES (:resource_id, :household_id, :resident_id, :plate, :start, :end, 'booked', :series_id, :visitor, "
            f":purpose, 1, :override_reason, :now_stamp, :name) RETURNING {_RETURNED}",
            resource_id=prep.resource.id, household_id=prep.resident.household_id, resident_id=prep.resident.id,
            plate=prep.plate,
            start=clock.to_text(start), end=clock.to_text(end), series_id=series_id, visitor=int(req.visitor),
            purpose=req.purpose,
            override_reason=req.override if breached else None, now_stamp=clock.to_stamp(now), name=actor.name)
    except IntegrityError as exc:
        if "booking_clash" in refusal(exc):  # the store's trigger: never double-book
            raise _clash_error(prep.resource, clashes(store, prep.resource, start, end)) from exc
        raise
    rows = cur.fetchall()
    if len(rows) != 1:
        raise RuntimeError("the INSERT gave back no booking")
    own = rows[0]
    booking_id = int(own[0])
    resource, resident = prep.resource, prep.resident
    booking = _to_booking((booking_id, resource.code, resource.kind, resource.name_zh, resource.name_en,
                           resident.household_id, resident.door, resident.id, resident.name, resident.phone,
                           *own[1:]))
    audit.record(store, actor, "book", "booking", booking_id,
                 after={"resource": prep.resource.code, "start": clock.to_text(start),
                        "end": clock.to_text(end), "household": prep.resident.door, "plate": prep.plate,
                        "series": series_id,
                        "overridden": [b.rule for b in breached] or None},
                 reason=req.override if breached else None, at=now)
    return booking


def _rule_gate(actor: Actor, req: Request, breached: list[Breach]) -> None:
    if not breached:
        return
    if req.override and req.override.strip():
        if not actor.is_admin:
            raise DeskError("forbidden", "booking_override_admin")
        return
    raise DeskError("rule", "booking_rule", field="start",
                    messages="；".join(b.message() for b in breached),
                    details=[b.to_json() for b in breached])


def book(store: Store, actor: Actor, req: Request, now: datetime) -> Booking:
    """Book one resource for one window, or raise clash / rule / invalid."""
    with store.write():
        prep = _prepare(store, req)
        breached = breaches(store, prep.resource, prep.resident.household_id, prep.resident.door,
                            req.start, req.end, req.visitor, now)
        if breached:  # a clash is told before a rule: the clerk picks another slot first
            found = clashes(store, prep.resource, req.start, req.end)
            if found:
                raise _clash_error(prep.resource, found)
            _rule_gate(actor, req, breached)
        # No clash check of our own before the INSERT: the store refuses an overlap itself (SQLite's
        # booking_no_overlap trigger, the server's exclusion constraint), inside this same write, and
        # `_insert` turns that refusal into the same `clash` error, naming the bookings it meets. A
        # check here would only ask the store the same question once more (on a server, a round trip).
        return _insert(store, actor, prep, req, req.start, req.end, None, breached, now=now)


@dataclass
class SeriesResult:
    series_id: int | None
    bookings: list[Booking]
    skipped: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {"series": self.series_id,
                "bookings": [{"id": b.id, "resource": b.resource, "start": clock.to_text(b.start),
                              "end": clock.to_text(b.end), "status": b.status} for b in self.bookings],
                "skipped": self.skipped}


def series_dates(store: Store, occurrences: list[datetime], skip_holidays: bool = False, workdays: bool = False,
                 until: date | None = None) -> tuple[list[datetime], list[tuple[datetime, str]]]:
    """The occurrences after the holiday calendar: (kept, [(skipped start, holiday text)]).

    With `workdays`, each make-up workday (调休上班日) between the first and the last occurrence
    (or `until`, the rule's end) is added at the series' time of day, as a Saturday that behaves
    like a weekday. A year the calendar does not know is refused, naming it, rather than guessed.
    """
    if not (skip_holidays or workdays) or not occurrences:
        return list(occurrences), []
    for year in sorted({o.year for o in occurrences}):
        holidays.require_year(store, year, field="repeat")
    kept, skipped = [], []
    for start in occurrences:
        day = holidays.day(store, start.date())
        if skip_holidays and day.kind == holidays.HOLIDAY:
            skipped.append((start, day.text()))
        else:
            kept.append(start)
    if workdays:
        have = {o.date() for o in occurrences}
        extra = [datetime.combine(d.day, occurrences[0].time())
                 for d in holidays.special_days(store, occurrences[0].date(), max(until or occurrences[-1].date(),
                                                                                  occurrences[-1].date()))
                 if d.kind == holidays.WORKDAY and d.day not in have]
        kept = sorted(kept + [e for e in extra if e >= occurrences[0]])
    return kept, skipped


def _rule_until(rule: str) -> date | None:
    """The last day a rule's UNTIL allows, or None (COUNT)."""
    for part in rule.upper().removeprefix("RRULE:").split(";"):
        if part.startswith("UNTIL=") and len(part) >= 14:
            try:
                return date(int(part[6:10]), int(part[10:12]), int(part[12:14]))
            except ValueError:
                return None
    return None


def plan_series(store: Store, req: Request, rule: str, now: datetime, skip_holidays: bool = False,
                workdays: bool = False) -> list[dict[str, Any]]:
    """Each occurrence of the series with what stops it (empty lists when it can be booked).

    Dates left out for a public holiday are in the plan too, with `holiday` set to its name.
    """
    prep = _prepare(store, req)
    length = req.end - req.start
    occurrences = parse_rrule(rule, req.start, max_count=MAX_OCCURRENCES)
    if not occurrences:
        raise invalid("series_empty", field="repeat")
    if not in_range(occurrences[-1] + length):
        raise invalid("series_years", field="repeat", high=MAX_YEAR)
    occurrences, left_out = series_dates(store, occurrences, skip_holidays, workdays, _rule_until(rule))
    if occurrences and not in_range(max(occurrences) + length):  # a make-up workday added at the end
        raise invalid("series_years", field="repeat", high=MAX_YEAR)
    plan: list[dict[str, Any]] = [{"start": s, "end": s + length, "clashes": [], "breaches": [], "holiday": text}
                                  for s, text in left_out]
    for start in occurrences:
        end = start + length
        found = clashes(store, prep.resource, start, end)
        breached = breaches(store, prep.resource, prep.resident.household_id, prep.resident.door,
                            start, end, req.visitor, now)
        plan.append({"start": start, "end": end, "clashes": found, "breaches": breached, "holiday": None})
    return sorted(plan, key=lambda p: p["start"])


def _skipped_json(item: dict[str, Any]) -> dict[str, Any]:
    return {"start": clock.to_text(item["start"]), "end": clock.to_text(item["end"]),
            "clashes": [{"id": b.id, "start": clock.to_text(b.start), "end": clock.to_text(b.end),
                         "household": b.door} for b in item["clashes"]],
            "breaches": [b.to_json() for b in item["breaches"]],
            **({"holiday": item["holiday"]} if item.get("holiday") else {})}


def book_series(store: Store, actor: Actor, req: Request, rule: str, now: datetime,
                skip_clashes: bool = False, skip_holidays: bool = False, workdays: bool = False) -> SeriesResult:
    """Book every occurrence of an RFC 5545 rule starting at req.start.

    Occurrences that clash or break a rule are listed; with skip_clashes the
    rest is booked, otherwise nothing is. With skip_holidays public holidays are
    left out (and listed); with workdays make-up workdays are added.
    """
    with store.write():  # the resident, the resource and every clash read where the series is written
        prep = _prepare(store, req)
        full = plan_series(store, req, rule, now, skip_holidays, workdays)
        on_holiday = [p for p in full if p["holiday"]]
        plan = [p for p in full if not p["holiday"]]
        stopped = [p for p in plan if p["clashes"] or (p["breaches"] and not req.override)]
        if req.override and any(p["breaches"] for p in plan):
            _rule_gate(actor, req, [b for p in plan for b in p["breaches"]])
        if stopped and not skip_clashes:
            dates = "、".join(p["start"].strftime("%m-%d") for p in stopped[:10])
            raise DeskError("clash" if any(p["clashes"] for p in stopped) else "rule", "series_problems",
                            field="repeat", n=len(stopped), dates=dates,
                            details=[_skipped_json(p) for p in stopped])
        todo = [p for p in plan if p not in stopped]
        if not todo:
            raise DeskError("clash", "series_all_skipped", field="repeat",
                            details=[_skipped_json(p) for p in stopped])
        series_id = inserted_id(store.sql(
            "INSERT INTO series(resource_id, household_id, resident_id, plate, rrule, first_start, minutes, "
            "created_at, created_by) VALUES (:resource_id, :household_id, :resident_id, :plate, :rrule, "
            ":first_start, :minutes, :created_at, :created_by) RETURNING id",
            resource_id=prep.resource.id, household_id=prep.resident.household_id,
            resident_id=prep.resident.id, plate=prep.plate, rrule=rule,
            first_start=clock.to_text(req.start), minutes=clock.minutes(req.start, req.end),
            created_at=clock.to_stamp(now), created_by=actor.name))
        made = [_insert(store, actor, prep, req, p["start"], p["end"], series_id, p["breaches"], now=now) for p in todo]
    return SeriesResult(series_id, made,
                        [_skipped_json(p) for p in sorted(stopped + on_holiday, key=lambda p: p["start"])])


def cancel(store: Store, actor: Actor, booking_id: int, following: bool = False,
           reason: str | None = None, *, now: datetime) -> list[Booking]:
    """Cancel a booking (or it and the later bookings of its series). The record stays.

    The status is checked under the write lock: a scan that checks the booking in
    at the same moment either happens first (and the cancel is refused) or after.
    """
    with store.write():
        first = get(store, booking_id)
        if first.status != "booked":
            raise DeskError("state", "booking_cannot_cancel", id=booking_id,
                            status=tr(f"status_{first.status}"))
        if following and first.series_id:
            ids = [r[0] for r in store.sql(
                "SELECT id FROM booking WHERE series_id = :series_id AND start_at >= :start AND status = 'booked' "
                "ORDER BY start_at", series_id=first.series_id, start=clock.to_text(first.start))]
        else:
            ids = [booking_id]
        stamp = clock.to_stamp(now)
        for bid in ids:
            store.sql(
                "UPDATE booking SET status = 'cancelled', cancelled_at = :stamp, cancelled_by = :name "
                "WHERE id = :bid AND status = 'booked'", stamp=stamp, name=actor.name, bid=bid)
            audit.record(store, actor, "cancel", "booking", bid, before={"status": "booked"},
                         after={"status": "cancelled"}, reason=reason, at=now)
    return [get(store, i) for i in ids]


def on_date(store: Store, day: date, include_cancelled: bool = True) -> list[Booking]:
    """Every booking that touches `day` (overnight ones on both dates), by resource and time."""
    start, end = clock.day_bounds(day)
    sql = _SELECT + " WHERE b.start_at >= :reach AND b.start_at < :end AND b.end_at > :start"
    if not include_cancelled:
        sql += " AND b.status <> 'cancelled'"
    sql += " ORDER BY r.kind = 'room', r.sort, b.start_at"
    rows = store.sql(sql, reach=_lower_bound(store, start), end=clock.to_text(end), start=clock.to_text(start))
    return [_to_booking(r) for r in rows]


def busy_resource_ids(store: Store, start: datetime, end: datetime) -> set[int]:
    rows = store.sql(
        "SELECT DISTINCT resource_id FROM booking WHERE start_at >= :reach AND start_at < :end AND end_at > :start "
        f"AND status IN {ACTIVE!r}", reach=_lower_bound(store, start), end=clock.to_text(end),
        start=clock.to_text(start))
    return {r[0] for r in rows}


def free(store: Store, start: datetime, end: datetime, kind: str | None = None) -> list[Resource]:
    """Enabled resources with no active booking and no closure anywhere in [start, end)."""
    if end <= start:
        raise invalid("booking_order", field="end")
    busy = busy_resource_ids(store, start, end)
    closed_scopes = {r[0] for r in store.sql(
        "SELECT DISTINCT scope FROM closure WHERE start_at < :end AND until > :start",
        end=clock.to_text(end), start=clock.to_text(start))}
    out = []
    for res in all_resources(store, kind, include_disabled=False):
        if res.id in busy:
            continue
        if closed_scopes & {"*", f"kind:{res.kind}", f"res:{res.code}"} and overlapping(store, res, start, end):
            continue
        out.append(res)
    return out


def overstaying(store: Store, now: datetime) -> dict[str, Booking]:
    """Spaces whose car is still there after its booking ended (checked in, not out), by code."""
    rows = store.sql(_SELECT + " WHERE b.status = 'checked_in' AND b.end_at <= :now ORDER BY b.end_at",
                     now=clock.to_text(now)).fetchall()
    return {b.resource: b for b in map(_to_booking, rows)}


def first_ordinary_free(store: Store, start: datetime, end: datetime, now: datetime) -> Resource | None:
    """The space a new booking defaults to: the first free ordinary one for [start, end). Never an
    accessible, EV-charging or visitor space (they are kept for those who need them, chosen by
    hand), nor one whose overstaying car is still in it."""
    taken = overstaying(store, now)
    for res in free(store, start, end, "parking"):
        if not (res.accessible or res.ev or res.visitor) and res.code not in taken:
            return res
    return None


def suggest(store: Store, wanted: Resource, start: datetime, end: datetime, limit: int = 3) -> list[Resource]:
    """Free resources of the same kind nearest to the one wanted (same zone first, then by code)."""
    def distance(res: Resource) -> tuple[int, int]:
        digits_a = int("".join(c for c in res.code if c.isdigit()) or 0)
        digits_b = int("".join(c for c in wanted.code if c.isdigit()) or 0)
        return (res.zone != wanted.zone, abs(digits_a - digits_b))
    candidates = [r for r in free(store, start, end, wanted.kind) if r.id != wanted.id]
    return sorted(candidates, key=distance)[:limit]
