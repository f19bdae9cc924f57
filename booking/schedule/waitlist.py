"""The waitlist: households waiting for a space or room when none is free.

A household joins for a kind ('parking', 'room') or for one resource, for a
window, only when nothing that fits is free then (otherwise the clerk books
it). When something frees up (a cancellation, a no-show), `process` offers it
to the first household in joining order whose window it fits and whose
booking the convention allows, and the clerk sees whom to call. An offer
holds the resource against other waiting households until it expires
(setting `fee.waitlist_offer_minutes`); then it passes to the next one. The
offer does not hold it against a walk-in: accepting books through
`bookings.book`, which checks clashes and rules as for any booking.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from booking.people import residents
from booking.schedule import bookings
from booking.store import audit, clock
from booking.store.audit import SYSTEM, Actor
from booking.store.changes import Changes
from booking.store.errors import DeskError, invalid, not_found
from booking.store.i18n import tr
from booking.places.inventory import KINDS, Resource, get as get_resource
from booking.policy.rules import breaches
from booking.store.connection import Store
from booking.store.validation import mask_name, mask_phone, normalize_plate
from booking.store.rowids import inserted_id

OFFER_KEY = "fee.waitlist_offer_minutes"
OPEN = ("waiting", "offered")


@dataclass(frozen=True)
class Call:
    """A household to phone about its offer: the full number (the clerk must dial it), what is held, until when."""

    entry: int
    household: str  # the door
    resident: str
    phone: str
    resource: str | None  # the resource offered
    start: str
    end: str
    expires: str | None

    def to_json(self) -> dict[str, Any]:
        return {"entry": self.entry, "household": self.household, "resident": self.resident, "phone": self.phone,
                "resource": self.resource, "start": self.start, "end": self.end, "expires": self.expires}


@dataclass(frozen=True)
class Entry:
    id: int
    household_id: int
    door: str
    resident_id: int
    resident_name: str
    phone: str
    kind: str
    resource: str | None
    start: datetime
    end: datetime
    plate: str | None
    visitor: bool
    purpose: str | None
    status: str
    offer: str | None            # the resource offered
    offered_at: str | None
    offer_expires_at: str | None
    booking_id: int | None
    joined_at: str

    def to_json(self, masked: bool = True) -> dict[str, Any]:
        return {"id": self.id, "household": self.door,
                "resident": mask_name(self.resident_name) if masked else self.resident_name,
                "phone": mask_phone(self.phone) if masked else self.phone,
                "kind": self.kind, "resource": self.resource, "start": clock.to_text(self.start),
                "end": clock.to_text(self.end), "plate": self.plate, "visitor": self.visitor,
                "purpose": self.purpose, "status": self.status, "status_text": tr(f"wait_status_{self.status}"),
                "offer": self.offer, "offered_at": self.offered_at, "offer_expires_at": self.offer_expires_at,
                "booking": self.booking_id, "joined_at": self.joined_at}

    def call(self) -> Call:
        """What the clerk needs to phone the household about its offer (the full number: they must dial it)."""
        return Call(self.id, self.door, self.resident_name, self.phone, self.offer, clock.to_text(self.start),
                    clock.to_text(self.end), self.offer_expires_at)


_SELECT = (
    "SELECT w.id, w.household_id, h.door, w.resident_id, p.name, p.phone, "
    "coalesce(w.kind, r.kind), r.code, w.start_at, w.end_at, w.plate, w.visitor, w.purpose, w.status, "
    "o.code, w.offered_at, w.offer_expires_at, w.booking_id, w.joined_at "
    "FROM waitlist w JOIN household h ON h.id = w.household_id JOIN resident p ON p.id = w.resident_id "
    "LEFT JOIN resource r ON r.id = w.resource_id LEFT JOIN resource o ON o.id = w.offer_resource_id"
)


def _to_entry(row: tuple[Any, ...]) -> Entry:
    return Entry(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], clock.from_text(row[8]),
                 clock.from_text(row[9]), row[10], bool(row[11]), row[12], row[13], row[14], row[15], row[16],
                 row[17], row[18])


def get(store: Store, entry_id: int) -> Entry:
    row = store.sql(_SELECT + " WHERE w.id = :entry_id", entry_id=entry_id).fetchone()
    if row is None:
        raise not_found("wait_not_found", id=entry_id)
    return _to_entry(row)


def entries(store: Store, statuses: tuple[str, ...] = OPEN) -> list[Entry]:
    """Entries in the given states, in waiting order."""
    rows = store.sql(_SELECT + " WHERE w.status IN :statuses ORDER BY w.joined_at, w.id", statuses=statuses)
    return [_to_entry(r) for r in rows]


def offer_minutes(store: Store) -> int:
    return int(store.setting(OFFER_KEY, "30") or 30)


def set_offer_minutes(store: Store, actor: Actor, minutes: int, *, now: datetime) -> int:
    if not actor.is_admin:
        raise DeskError("forbidden", "wait_admin_only")
    if not 1 <= minutes <= 1440:
        raise invalid("wait_minutes_bad", field="minutes")
    with store.write():
        before = offer_minutes(store)
        store.sql("INSERT INTO setting(key, value) VALUES (:key, :minutes) "
                  "ON CONFLICT(key) DO UPDATE SET value = excluded.value", key=OFFER_KEY, minutes=str(minutes))
        audit.record(store, actor, "set", "setting", OFFER_KEY, before=before, after=minutes, at=now)
    return minutes


def _held(store: Store, start: datetime, end: datetime, now: datetime, exclude: int | None) -> set[int]:
    """Resources under an open offer to another entry for an overlapping window."""
    rows = store.sql(
        "SELECT offer_resource_id FROM waitlist WHERE status = 'offered' AND offer_expires_at > :now "
        "AND start_at < :end AND end_at > :start AND id IS DISTINCT FROM :exclude",
        now=clock.to_text(now), end=clock.to_text(end), start=clock.to_text(start), exclude=exclude)
    return {r[0] for r in rows}


def _candidates(store: Store, kind: str, resource_id: int | None, household_id: int, door: str,
                start: datetime, end: datetime, visitor: bool, now: datetime,
                exclude: int | None = None) -> list[Resource]:
    """Free resources the household could book for the window, in inventory order."""
    held = _held(store, start, end, now, exclude)
    out = []
    for res in bookings.free(store, start, end, kind):
        if res.id in held or resource_id is not None and res.id != resource_id:
            continue
        if breaches(store, res, household_id, door, start, end, visitor, now):
            continue
        out.append(res)
    return out


def join(store: Store, actor: Actor, resident_id: int, start: datetime, end: datetime, now: datetime,
         kind: str | None = None, resource: str | None = None, plate: str | None = None,
         visitor: bool = False, purpose: str | None = None) -> Entry:
    """Put the resident's household on the waitlist (refused if something fitting is free now)."""
    if end <= start:
        raise invalid("booking_order", field="end")
    if start <= now:
        raise invalid("wait_past", field="start")
    resident = residents.get(store, resident_id)
    wanted = get_resource(store, resource) if resource else None
    kind = wanted.kind if wanted else kind
    if kind not in KINDS:
        raise invalid("wait_kind_or_resource", field="resource")
    plate = normalize_plate(plate) if plate else None
    with store.write():
        free_now = _candidates(store, kind, wanted.id if wanted else None, resident.household_id, resident.door,
                               start, end, visitor, now)
        if free_now:
            raise DeskError("state", "wait_free_now", field="start",
                            codes="、".join(r.code for r in free_now[:5]), details=[r.code for r in free_now])
        same = store.sql(
            "SELECT id FROM waitlist WHERE household_id = :household_id AND status IN ('waiting', 'offered') "
            "AND coalesce(resource_id, 0) = :resource_id AND coalesce(kind, '') = :kind "
            "AND start_at < :end AND end_at > :start",
            household_id=resident.household_id, resource_id=wanted.id if wanted else 0, kind="" if wanted else kind,
            end=clock.to_text(end), start=clock.to_text(start)).fetchone()
        if same:
            raise DeskError("state", "wait_already", door=resident.door, id=same[0])
        entry_id = inserted_id(store.sql(
            "INSERT INTO waitlist(household_id, resident_id, kind, resource_id, start_at, end_at, plate, visitor, "
            "purpose, status, joined_at, created_by) VALUES (:household_id, :resident_id, :kind, :resource_id, "
            ":start, :end, :plate, :visitor, :purpose, 'waiting', :now, :name) RETURNING id",
            household_id=resident.household_id, resident_id=resident.id, kind=None if wanted else kind,
            resource_id=wanted.id if wanted else None,
            start=clock.to_text(start), end=clock.to_text(end), plate=plate, visitor=int(visitor), purpose=purpose,
            now=clock.to_text(now),
            name=actor.name))
        audit.record(store, actor, "join", "waitlist", entry_id,
                     after={"household": resident.door, "kind": kind, "resource": resource,
                            "start": clock.to_text(start), "end": clock.to_text(end)}, at=now)
    return get(store, entry_id)


def _set_status(store: Store, actor: Actor, entry: Entry, status: str, *, now: datetime, **columns: Any) -> None:
    sets = ", ".join(["status = :status"] + [f"{c} = :{c}" for c in columns])
    store.sql(f"UPDATE waitlist SET {sets} WHERE id = :entry_id", status=status, **columns, entry_id=entry.id)
    audit.record(store, actor, status, "waitlist", entry.id, before={"status": entry.status},
                 after={"status": status, **columns}, at=now)


@dataclass(frozen=True)
class Processed:
    """What one run of `process` did (entry ids) and whom the clerk should call (Entry.call)."""

    expired: list[int]
    lapsed: list[int]
    offered: list[int]
    calls: list[Call]  # the offers made in this run
    open_offers: list[Call]  # every offer still running (to_call)

    @property
    def changes(self) -> Changes:
        return Changes(waitlist=bool(self.offered or self.expired or self.lapsed))

    def to_json(self) -> dict[str, Any]:
        return {"expired": self.expired, "lapsed": self.lapsed, "offered": self.offered,
                "calls": [c.to_json() for c in self.calls], "open": [c.to_json() for c in self.open_offers]}


def process(store: Store, now: datetime, actor: Actor = SYSTEM) -> Processed:
    """Expire old offers, drop entries whose window has begun, and offer what is free, in order.

    Safe to run as often as liked (the window runs it every minute, after the
    no-show sweep); returns what changed and whom the clerk should call.
    """
    expired, lapsed, offered = [], [], []
    stamp = clock.to_text(now)
    with store.write():
        for entry in entries(store):
            if entry.start <= now:
                _set_status(store, actor, entry, "lapsed", now=now)
                lapsed.append(entry.id)
            elif entry.status == "offered" and entry.offer_expires_at and entry.offer_expires_at <= stamp:
                _set_status(store, actor, entry, "expired", now=now)
                expired.append(entry.id)
        until = clock.to_text(now + timedelta(minutes=offer_minutes(store)))
        for entry in entries(store, ("waiting",)):
            wanted = get_resource(store, entry.resource).id if entry.resource else None
            found = _candidates(store, entry.kind, wanted, entry.household_id, entry.door, entry.start, entry.end,
                                entry.visitor, now, exclude=entry.id)
            if found:
                _set_status(store, actor, entry, "offered", offer_resource_id=found[0].id, offered_at=stamp,
                            offer_expires_at=until, now=now)
                offered.append(entry.id)
    return Processed(expired, lapsed, offered, [get(store, i).call() for i in offered], to_call(store, now))


def to_call(store: Store, now: datetime) -> list[Call]:
    """Open offers still running, oldest first: whom the clerk should phone now."""
    stamp = clock.to_text(now)
    return [e.call() for e in entries(store, ("offered",)) if (e.offer_expires_at or "") > stamp]


def accept(store: Store, actor: Actor, entry_id: int, now: datetime) -> tuple[Entry, bookings.Booking]:
    """The household takes its offer: book it (clash and rule checks as for any booking)."""
    with store.write():
        entry = get(store, entry_id)
        if entry.status != "offered":
            raise DeskError("state", "wait_not_offered", id=entry_id, status=tr(f"wait_status_{entry.status}"))
        if (entry.offer_expires_at or "") <= clock.to_text(now):
            raise DeskError("state", "wait_offer_expired", id=entry_id, at=entry.offer_expires_at)
        assert entry.offer is not None
        booking = bookings.book(store, actor, bookings.Request(
            resource=entry.offer, start=entry.start, end=entry.end, resident_id=entry.resident_id,
            plate=entry.plate, visitor=entry.visitor, purpose=entry.purpose), now)
        _set_status(store, actor, entry, "booked", booking_id=booking.id, now=now)
    return get(store, entry_id), booking


def withdraw(store: Store, actor: Actor, entry_id: int, *, now: datetime) -> Entry:
    """The household no longer waits."""
    with store.write():
        entry = get(store, entry_id)
        if entry.status not in OPEN:
            raise DeskError("state", "wait_cannot_withdraw", id=entry_id, status=tr(f"wait_status_{entry.status}"))
        _set_status(store, actor, entry, "withdrawn", now=now)
    return get(store, entry_id)
