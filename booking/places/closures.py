"""Closures and holidays: times when a resource, a kind or everything takes no bookings.

A closure is one window, or a window repeated by an RFC 5545 rule (dateutil's
rrule), e.g. the plaza closed every Saturday 08:00–12:00 for the market, or one
that follows the calendar: closed on every public holiday (booking/places/holidays.py)
from its start on.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from dateutil.rrule import rrulestr

from booking.places import holidays
from booking.places.scopes import parse_scope
from booking.store import audit, clock
from booking.store.audit import Actor
from booking.store.connection import Read, Store, insert_sql
from booking.store.errors import DeskError, invalid, not_found
from booking.store.rowids import inserted_id

if TYPE_CHECKING:
    from booking.places.inventory import Resource


@dataclass(frozen=True)
class Closed:
    id: int
    scope: str
    start: datetime
    end: datetime
    reason: str


def parse_rrule(text: str, dtstart: datetime, *, max_count: int = 1000) -> list[datetime]:
    """The occurrences of an RFC 5545 rule from dtstart (which is the first candidate).

    The rule may be given with or without 'RRULE:'; it must end (UNTIL or
    COUNT), and yields at most max_count occurrences.
    """
    rule_text = (text or "").strip()
    if rule_text.upper().startswith("RRULE:"):
        rule_text = rule_text[6:]
    upper = rule_text.upper()
    if "UNTIL=" not in upper and "COUNT=" not in upper:
        raise invalid("rrule_unbounded", field="repeat")
    try:
        rule = rrulestr(rule_text, dtstart=dtstart)
        occurrences = []
        for moment in rule:
            occurrences.append(moment.replace(tzinfo=None) if moment.tzinfo else moment)
            if len(occurrences) >= max_count:
                break
    except (ValueError, TypeError, OverflowError) as exc:
        raise invalid("rrule_bad", field="repeat", detail=str(exc)) from exc
    return occurrences


def check(store: Store, actor: Actor, scope: str, start: datetime, end: datetime, reason: str,
          rrule: str | None) -> tuple[str, str, str | None]:
    """The cleaned scope and reason and the end of the last repeat (None for one window), or the
    DeskError on the field: what every new or changed closure must pass (admin)."""
    if not actor.is_admin:
        raise DeskError("forbidden", "rule_admin_only")
    scope = parse_scope(store, scope)
    reason = " ".join((reason or "").split())
    if not reason:
        raise invalid("closure_reason_required", field="reason")
    if end <= start:
        raise invalid("closure_order", field="end")
    until = None
    if rrule:
        occurrences = parse_rrule(rrule, start)
        until = clock.to_text(occurrences[-1] + (end - start)) if occurrences else clock.to_text(end)
    return scope, reason, until


def insert(store: Store, actor: Actor, row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Store a checked closure row (created at `now`) with its audit entry; returns it with its id."""
    row = {**row, "created_at": clock.to_stamp(now)}
    with store.write():
        closure_id = inserted_id(store.sql(insert_sql("closure", row, returning="id"), **row))
        audit.record(store, actor, "add", "closure", closure_id, after=row, at=now)
    return {"id": closure_id, **row}


def add(store: Store, actor: Actor, scope: str, start: datetime, end: datetime, reason: str,
        rrule: str | None = None, *, now: datetime) -> dict[str, Any]:
    """Close a scope ('*', 'kind:room', 'res:R06') for a window, optionally repeating (admin)."""
    scope, reason, until = check(store, actor, scope, start, end, reason, rrule)
    return insert(store, actor, {"scope": scope, "start_at": clock.to_text(start), "end_at": clock.to_text(end),
                                 "rrule": rrule or None, "until": until or clock.to_text(end), "reason": reason}, now)


def remove(store: Store, actor: Actor, closure_id: int, *, now: datetime) -> None:
    if not actor.is_admin:
        raise DeskError("forbidden", "rule_admin_only")
    with store.write():
        row = store.sql("SELECT scope, start_at, end_at, rrule, reason FROM closure WHERE id = :closure_id",
                        closure_id=closure_id).fetchone()
        if row is None:
            raise not_found("closure_not_found", id=closure_id)
        store.sql("DELETE FROM closure WHERE id = :closure_id", closure_id=closure_id)
        audit.record(store, actor, "remove", "closure", closure_id, before=list(row), at=now)


def all_closures(store: Store) -> list[dict[str, Any]]:
    return store.sql("SELECT * FROM closure ORDER BY start_at").mappings()


def overlapping(store: Store, resource: Resource, start: datetime, end: datetime) -> list[Closed]:
    """Closure windows of this resource (or its kind, or everything) that meet [start, end)."""
    return store.read(overlapping_read(store, resource, start, end))


def overlapping_read(store: Store, resource: Resource, start: datetime, end: datetime) -> Read[list[Closed]]:
    """`overlapping` as a `Read`, to ask with others at once (`Store.read_all`)."""
    scopes = (f"res:{resource.code}", f"kind:{resource.kind}", "*")
    return Read("SELECT id, scope, start_at, end_at, rrule, reason, holidays FROM closure "
                "WHERE scope IN :scopes AND start_at < :end AND until > :start",
                {"scopes": scopes, "end": clock.to_text(end), "start": clock.to_text(start)},
                lambda rows: _windows(store, rows.fetchall(), start, end))


def _windows(store: Store, rows: list[Any], start: datetime, end: datetime) -> list[Closed]:
    """The closure rows' windows that meet [start, end) (a holiday closure's read from the calendar)."""
    out: list[Closed] = []
    for cid, scope, s_text, e_text, rule_text, reason, on_holidays in rows:
        first, last = clock.from_text(s_text), clock.from_text(e_text)
        length = last - first
        if on_holidays:
            out += [Closed(cid, scope, a, b, reason) for a, b in holiday_windows(store, max(first, start), end)]
            continue
        if not rule_text:
            out.append(Closed(cid, scope, first, last, reason))
            continue
        rule = rrulestr(rule_text.removeprefix("RRULE:"), dtstart=first)
        for occ in rule.between(start - length, end, inc=True):
            occ = occ.replace(tzinfo=None)
            if occ < end and occ + length > start:
                out.append(Closed(cid, scope, occ, occ + length, reason))
    return out


def holiday_windows(store: Store, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The whole public-holiday days that meet [start, end)."""
    if end <= start:
        return []
    last = (end - timedelta(microseconds=1)).date()
    return [(datetime.combine(d.day, datetime.min.time()), datetime.combine(d.day + timedelta(days=1),
                                                                             datetime.min.time()))
            for d in holidays.special_days(store, start.date(), last) if d.kind == holidays.HOLIDAY]

