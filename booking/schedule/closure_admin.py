"""The admin's work on closures beyond add and remove: one that follows the holiday calendar,
editing one, and which existing bookings a closure would meet before it is saved.

Apart from booking/places/closures.py because it reads bookings, which are built on closures.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from booking.store import audit, clock
from booking.store.audit import Actor
from booking.schedule.bookings import Booking, get as get_booking
from booking.places.closures import check, holiday_windows, insert, parse_rrule
from booking.store.errors import not_found
from booking.places.scopes import parse_scope
from booking.store.connection import Store, update_sql

FOREVER = "9999-12-31 23:59"


def add_on_holidays(store: Store, actor: Actor, scope: str, reason: str, since: date,
                    now: datetime) -> dict[str, Any]:
    """Close a scope on every public holiday from `since` on (admin): the calendar decides the days."""
    start = datetime.combine(since, datetime.min.time())
    scope, reason, _until = check(store, actor, scope, start, start + timedelta(days=1), reason, None)
    return insert(store, actor, {"scope": scope, "start_at": clock.to_text(start),
                                 "end_at": clock.to_text(start + timedelta(days=1)), "rrule": None,
                                 "until": FOREVER, "reason": reason, "holidays": 1}, now)


def get(store: Store, closure_id: int) -> dict[str, Any]:
    rows = store.sql("SELECT * FROM closure WHERE id = :closure_id", closure_id=closure_id).mappings()
    if not rows:
        raise not_found("closure_not_found", id=closure_id)
    return rows[0]


def edit(store: Store, actor: Actor, closure_id: int, scope: str, start: datetime, end: datetime, reason: str,
         rrule: str | None, now: datetime) -> dict[str, Any]:
    """Change a one-off or repeating closure (admin); one that follows the calendar keeps doing so."""
    before = get(store, closure_id)
    if before.get("holidays"):
        start = datetime.combine(start.date(), datetime.min.time())
        end, rrule = start + timedelta(days=1), None
    scope, reason, until = check(store, actor, scope, start, end, reason, rrule)
    after = {"scope": scope, "start_at": clock.to_text(start), "end_at": clock.to_text(end),
             "rrule": rrule or None, "reason": reason,
             "until": FOREVER if before.get("holidays") else until or clock.to_text(end)}
    with store.write():
        store.sql(update_sql("closure", after), **after, id=closure_id)
        audit.record(store, actor, "edit", "closure", closure_id,
                     before={k: before[k] for k in after}, after=after, at=now)
    return get(store, closure_id)


def hits(store: Store, scope: str, start: datetime, end: datetime, rrule: str | None = None,
         on_holidays: bool = False, exclude: int | None = None, limit: int = 500) -> list[Any]:
    """The active bookings, from `start` on, that a closure of this shape would meet (for the admin's
    look before saving). `exclude` is a closure being edited (its own row is not consulted anyway)."""
    scope = parse_scope(store, scope)
    if on_holidays:
        windows = None
        horizon = FOREVER
    else:
        length = end - start
        starts = parse_rrule(rrule, start) if rrule else [start]
        windows = [(s, s + length) for s in starts]
        horizon = clock.to_text(windows[-1][1]) if windows else clock.to_text(end)
    sql = ("SELECT b.id, b.start_at, b.end_at FROM booking b JOIN resource r ON r.id = b.resource_id "
           "WHERE b.status IN ('booked', 'checked_in') AND b.end_at > :start AND b.start_at < :horizon")
    if scope.startswith("res:"):
        sql += " AND r.code = :name"
    elif scope.startswith("kind:"):
        sql += " AND r.kind = :name"
    found: list[Booking] = []
    for booking_id, s_text, e_text in store.sql(sql + " ORDER BY b.start_at", start=clock.to_text(start),
                                                horizon=horizon, name=scope.partition(":")[2]):
        b_start, b_end = clock.from_text(s_text), clock.from_text(e_text)
        if windows is None:
            met = bool(holiday_windows(store, max(b_start, start), b_end))
        else:
            met = any(a < b_end and b > b_start for a, b in windows)
        if met:
            found.append(get_booking(store, booking_id))
            if len(found) >= limit:
                break
    return found
