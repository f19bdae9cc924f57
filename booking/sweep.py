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

from datetime import datetime
from typing import Any

from booking import audit, bookings, clock, scanning
from booking.audit import SYSTEM, Actor
from booking.i18n import define, tr
from booking.store import Store

define(
    sweep_no_show_reason=("{deadline} 前未签到，按未到场处理，车位/场地已释放。",
                          "Not checked in by {deadline}: a no-show; the space or room is free again."),
)


def due_no_shows(store: Store, now: datetime) -> list[tuple[int, datetime]]:
    """(booking id, check-in deadline) of every booking whose check-in has closed by `now`."""
    # `status = 'booked'` must stay a literal for SQLite to use the partial index.
    rows = store.conn.execute(
        "SELECT id FROM booking WHERE status = 'booked' AND start_at <= ? ORDER BY start_at",
        (clock.to_text(now),)).fetchall()
    due = []
    for (booking_id,) in rows:
        booking = bookings.get(store, booking_id)
        _, closes = scanning.checkin_window(store, booking)
        if closes <= now:
            due.append((booking_id, closes))
    return due


def overstays(store: Store, now: datetime) -> list[dict[str, Any]]:
    """Checked-in bookings past their end at `now`, longest over first."""
    rows = store.conn.execute(
        "SELECT id FROM booking WHERE status = 'checked_in' AND end_at < ? ORDER BY end_at",
        (clock.to_text(now),)).fetchall()
    out = []
    for (booking_id,) in rows:
        booking = bookings.get(store, booking_id)
        over = scanning.overstay_minutes(booking, now)
        if over:
            out.append({"id": booking.id, "resource": booking.resource, "household": booking.door,
                        "plate": booking.plate, "end": clock.to_text(booking.end),
                        "checked_in_at": booking.checked_in_at, "minutes_over": over})
    return out


def sweep(store: Store, now: datetime, actor: Actor = SYSTEM) -> dict[str, Any]:
    """Mark due no-shows (one transaction, audited) and list overstays.

    Returns {"no_shows": [booking ids], "overstays": [{id, resource, household,
    plate, end, checked_in_at, minutes_over}]}. Writes nothing when nothing is
    due, so running it every minute costs one indexed read.
    """
    marked: list[int] = []
    if due_no_shows(store, now):
        with store.write():
            # Again under the write lock: another desk may have checked one in meanwhile.
            for booking_id, closes in due_no_shows(store, now):
                changed = store.conn.execute(
                    "UPDATE booking SET status = 'no_show' WHERE id = ? AND status = 'booked'",
                    (booking_id,)).rowcount
                if changed:
                    marked.append(booking_id)
                    audit.record(store, actor, "no_show", "booking", booking_id,
                                 before={"status": "booked"}, after={"status": "no_show"},
                                 reason=tr("sweep_no_show_reason", deadline=clock.to_text(closes)))
    return {"no_shows": marked, "overstays": overstays(store, now)}
