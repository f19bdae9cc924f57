"""Changing a booking's times in place, with the same checks as booking it.

Cancelling and booking again would lose the booking's number (printed on its
pass and in the audit log) and, between the two writes, could hand its slot to
another desk. So the check and the update happen in one write transaction, and
the store's trigger still refuses an overlap that slipped past the check.

A booking that is not yet checked in may move both ends. One already checked in
has started: only its end may move (to extend or shorten the stay).
"""
from __future__ import annotations

from datetime import datetime

from booking.schedule import bookings
from booking.store import audit, clock
from booking.store.audit import Actor
from booking.schedule.bookings import Booking, Check, Request
from booking.store.errors import DeskError, invalid
from booking.store.i18n import tr
from booking.places.inventory import get as get_resource
from booking.store.connection import IntegrityError, Store, refusal


def _request(booking: Booking, start: datetime, end: datetime, override: str | None) -> Request:
    return Request(resource=booking.resource, start=start, end=end, resident_id=booking.resident_id,
                   plate=booking.plate, visitor=booking.visitor, purpose=booking.purpose, override=override)


def _guard(booking: Booking, start: datetime) -> None:
    if booking.status == "checked_in":
        if start != booking.start:
            raise invalid("reschedule_started", field="start", id=booking.id)
    elif booking.status != "booked":
        raise DeskError("state", "reschedule_state", id=booking.id, status=tr(f"status_{booking.status}"))


def _started_filter(booking: Booking, check: Check) -> Check:
    # A checked-in booking began in the past on purpose: the notice rule no longer applies to it.
    if booking.status == "checked_in":
        check.breaches = [b for b in check.breaches if b.rule != "min_notice_minutes"]
    return check


def check(store: Store, booking_id: int, start: datetime, end: datetime, now: datetime) -> Check:
    """What moving the booking to [start, end) would meet, without writing (live feedback)."""
    booking = bookings.get(store, booking_id)
    _guard(booking, start)
    result = bookings.check(store, _request(booking, start, end, None), now, exclude=(booking.id,))
    return _started_filter(booking, result)


def reschedule(store: Store, actor: Actor, booking_id: int, start: datetime, end: datetime,
               now: datetime, override: str | None = None) -> Booking:
    """Move a booking to [start, end): refused on a clash, on a rule breach (unless an
    admin overrides with a reason) and for bookings that are over or cancelled."""
    with store.write():
        booking = bookings.get(store, booking_id)
        _guard(booking, start)
        req = _request(booking, start, end, override)
        found = _started_filter(booking, bookings.check(store, req, now, exclude=(booking.id,)))
        resource = get_resource(store, booking.resource)
        if found.clashes:
            raise bookings._clash_error(resource, found.clashes)
        bookings._rule_gate(actor, req, found.breaches)
        try:
            store.sql("UPDATE booking SET start_at = :start, end_at = :end WHERE id = :booking_id",
                      start=clock.to_text(start), end=clock.to_text(end), booking_id=booking.id)
        except IntegrityError as exc:
            if "booking_clash" in refusal(exc):  # the store's trigger: never double-book
                raise bookings._clash_error(
                    resource, bookings.clashes(store, resource, start, end, (booking.id,))) from exc
            raise
        audit.record(store, actor, "reschedule", "booking", booking.id,
                     before={"start": clock.to_text(booking.start), "end": clock.to_text(booking.end)},
                     after={"start": clock.to_text(start), "end": clock.to_text(end),
                            "overridden": [b.rule for b in found.breaches] or None},
                     reason=override if found.breaches else None, at=now)
    return bookings.get(store, booking_id)
