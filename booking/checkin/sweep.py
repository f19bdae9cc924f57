"""No-shows and overstays, found without an external scheduler.

A booking still not checked in when its check-in closes (the grace time after
its start, or its end if that comes first: `scanning.checkin_window`) becomes a
no-show. The record stays; the resource is free again, because the clash
check counts only active bookings. A checked-in booking past its end is
reported as overstaying; the minutes over are recorded when it checks out.

The window runs `sweep` at start and every minute, the headless commands
before they scan. Only bookings still waiting ('booked') or inside
('checked_in') are ever read, through partial indexes that hold just those
(migration 0003_scans): the sweep costs the same on a ten-year store as on a
new one, and a booking that no earlier sweep saw (the program was closed for
a month) is still found by the next one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking.checkin import scanning
from booking.policy import rules
from booking.store import audit, clock
from booking.store.audit import SYSTEM, Actor
from booking.store.changes import Changes
from booking.store.i18n import Message
from booking.places.inventory import get_by_id
from booking.store.connection import Store


def due_no_shows(store: Store, now: datetime) -> list[tuple[int, datetime]]:
    """(booking id, check-in deadline) of every booking whose check-in has closed by `now`."""
    # `status = 'booked'` must stay a literal for SQLite to use the partial index.
    rows = store.sql(
        "SELECT id, resource_id, start_at, end_at FROM booking WHERE status = 'booked' AND start_at <= :now "
        "ORDER BY start_at", now=clock.to_text(now)).fetchall()
    values: dict[int, dict[str, Any]] = {}  # the rules of each resource met, read once per sweep
    due = []
    for booking_id, resource_id, start, end in rows:
        if resource_id not in values:
            values[resource_id] = rules.effective(store, get_by_id(store, resource_id))
        _, closes = scanning.window_for(clock.from_text(start), clock.from_text(end), values[resource_id])
        if closes <= now:
            due.append((booking_id, closes))
    return due


def overstays(store: Store, now: datetime) -> list[dict[str, Any]]:
    """Checked-in bookings past their end at `now`, longest over first."""
    rows = store.sql(
        "SELECT b.id, r.code, h.door, b.plate, b.end_at, b.checked_in_at FROM booking b "
        "JOIN resource r ON r.id = b.resource_id JOIN household h ON h.id = b.household_id "
        "WHERE b.status = 'checked_in' AND b.end_at < :now ORDER BY b.end_at", now=clock.to_text(now))
    out = []
    for booking_id, code, door, plate, end, checked_in_at in rows:
        over = clock.minutes(clock.from_text(end), now)
        if over > 0:
            out.append({"id": booking_id, "resource": code, "household": door, "plate": plate, "end": end,
                        "checked_in_at": checked_in_at, "minutes_over": over})
    return out


@dataclass(frozen=True)
class Sweep:
    """What one sweep did: the bookings it marked no-show, and the ones overstaying now."""

    no_shows: list[int]  # booking ids, marked in this sweep
    overstays: list[dict[str, Any]]  # as `overstays` lists them, longest over first

    @property
    def changes(self) -> Changes:
        return Changes(bookings=bool(self.no_shows))

    def to_json(self) -> dict[str, Any]:
        return {"no_shows": self.no_shows, "overstays": self.overstays}


def sweep(store: Store, now: datetime, actor: Actor = SYSTEM) -> Sweep:
    """Mark due no-shows (one transaction, audited) and list overstays.

    Writes nothing when nothing is due, so running it every minute costs one indexed read.
    """
    marked: list[int] = []
    if due_no_shows(store, now):
        with store.write():
            # Again under the write lock: another desk may have checked one in meanwhile.
            for booking_id, closes in due_no_shows(store, now):
                changed = store.sql(
                    "UPDATE booking SET status = 'no_show' WHERE id = :booking_id AND status = 'booked'",
                    booking_id=booking_id).rowcount
                if changed:
                    marked.append(booking_id)
                    audit.record(store, actor, "no_show", "booking", booking_id,
                                 before={"status": "booked"}, after={"status": "no_show"},
                                 reason=Message("sweep_no_show_reason", {"deadline": clock.to_text(closes)}), at=now)
    return Sweep(marked, overstays(store, now))
