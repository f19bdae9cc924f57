"""Households (by building-unit-door), their residents and their vehicles."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal, overload

from booking.store import audit, clock
from booking.store.audit import Actor
from booking.store.errors import DeskError, invalid, not_found
from booking.store.i18n import tr
from booking.store.schema import ACTIVE
from booking.store.connection import Read, Rows, Store, fold_case
from booking.store.validation import (mask_name, mask_phone, normalize_door, normalize_name, normalize_phone,
                                      normalize_plate, split_door)
from booking.store.rowids import inserted_id


@dataclass(frozen=True)
class Resident:
    id: int
    name: str
    phone: str
    household_id: int
    door: str
    plates: tuple[str, ...]
    active: bool = True  # False once the resident has moved away (history kept)

    def to_json(self, masked: bool = False) -> dict[str, Any]:
        out = asdict(self)
        out["plates"] = list(self.plates)
        if masked:
            out["name"] = mask_name(self.name)
            out["phone"] = mask_phone(self.phone)
        return out


@overload
def household_for(store: Store, door: str, create: Literal[True] = True, *, now: datetime) -> int: ...
@overload
def household_for(store: Store, door: str, create: bool, *, now: datetime) -> int | None: ...


def household_for(store: Store, door: str, create: bool = True, *, now: datetime) -> int | None:
    """The id of the household at `door`, made if needed (inside the caller's write)."""
    door = normalize_door(door)
    row = store.sql("SELECT id FROM household WHERE door = :door", door=door).fetchone()
    if row:
        return int(row[0])
    if not create:
        return None
    return inserted_id(store.sql(_NEW_HOUSEHOLD, **_household_row(door, now)))


_NEW_HOUSEHOLD = ("INSERT INTO household(door, building, unit, room, created_at) "
                  "VALUES (:door, :building, :unit, :room, :created_at) RETURNING id")
_NEW_RESIDENT = ("INSERT INTO resident(household_id, name, phone, phone_tail, active, created_at) "
                 "VALUES (:household_id, :name, :phone, :phone_tail, 1, :created_at) RETURNING id")
_NEW_VEHICLE = ("INSERT INTO vehicle(plate, household_id, resident_id, created_at) "
                "VALUES (:plate, :household_id, :resident_id, :created_at)")


def _household_row(door: str, now: datetime) -> dict[str, Any]:
    building, unit, room = split_door(door)
    return {"door": door, "building": building, "unit": unit, "room": room, "created_at": clock.to_stamp(now)}


def _resident_row(household_id: int, name: str, phone: str, now: datetime) -> dict[str, Any]:
    return {"household_id": household_id, "name": name, "phone": phone, "phone_tail": phone[-4:],
            "created_at": clock.to_stamp(now)}


def insert_households(store: Store, doors: Sequence[str], *, now: datetime) -> list[int]:
    """Insert a household for each of `doors` (canonical, not registered yet) as one batch; their ids, in order.

    For an import (booking/people/imports.py): one batch instead of a statement a household, which on
    the server is a round trip each. Inside the caller's write, which audits."""
    return _ids(store.sql_many(_NEW_HOUSEHOLD, [_household_row(door, now) for door in doors]), len(doors))


def insert_residents(store: Store, people: Sequence[tuple[int, str, str]], *, now: datetime) -> list[int]:
    """Insert each (household id, name, phone) of `people`, already normalized, as one batch; their ids, in order."""
    rows = [_resident_row(household_id, name, phone, now) for household_id, name, phone in people]
    return _ids(store.sql_many(_NEW_RESIDENT, rows), len(rows))


def insert_vehicles(store: Store, plates: Sequence[tuple[str, int, int | None]], *, now: datetime) -> None:
    """Register each (plate, household id, resident id) of `plates`, checked as free, as one batch."""
    stamp = clock.to_stamp(now)
    store.sql_many(_NEW_VEHICLE, [{"plate": plate, "household_id": household_id, "resident_id": resident_id,
                                   "created_at": stamp} for plate, household_id, resident_id in plates])


def _ids(rows: list[Any], expected: int) -> list[int]:
    if len(rows) != expected:  # each statement of the batch inserts one row and returns its id
        raise RuntimeError(f"{expected} rows inserted, {len(rows)} ids returned")
    return [int(row[0]) for row in rows]


def find_existing(store: Store, door: str, phone: str) -> int | None:
    """The id of the resident with this canonical `phone` at this canonical `door`, if registered."""
    row = store.sql(
        "SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id "
        "WHERE r.phone = :phone AND h.door = :door ORDER BY r.id LIMIT 1", phone=phone, door=door).fetchone()
    return row[0] if row else None


def insert_resident(store: Store, household_id: int, name: str, phone: str, *, now: datetime) -> int:
    """Insert one resident from already normalized values (inside the caller's write, which audits)."""
    return inserted_id(store.sql(_NEW_RESIDENT, **_resident_row(household_id, name, phone, now)))


def _register_plate(store: Store, plate: str, household_id: int, resident_id: int | None, *, now: datetime) -> None:
    row = store.sql(
        "SELECT v.household_id, h.door FROM vehicle v JOIN household h ON h.id = v.household_id "
        "WHERE v.plate = :plate", plate=plate).fetchone()
    if row is None:
        store.sql(_NEW_VEHICLE, plate=plate, household_id=household_id, resident_id=resident_id,
                  created_at=clock.to_stamp(now))
    elif row[0] != household_id:
        raise invalid("plate_other_household", field="plate", plate=plate, door=row[1])


def add(store: Store, actor: Actor, name: str, door: str, phone: str,
        plate: str | None = None, *, now: datetime) -> Resident:
    """Register a resident of a household (made if new), with an optional vehicle."""
    name = normalize_name(name)
    phone = normalize_phone(phone)
    door_text = normalize_door(door)
    plate_text = normalize_plate(plate) if plate else None
    with store.write():
        household_id = household_for(store, door_text, now=now)
        resident_id = insert_resident(store, household_id, name, phone, now=now)
        if plate_text:
            _register_plate(store, plate_text, household_id, resident_id, now=now)
        audit.record(store, actor, "add", "resident", resident_id,
                     after={"name": name, "phone": mask_phone(phone), "door": door_text,
                            "plate": plate_text}, at=now)
    return get(store, resident_id)


def add_vehicle(store: Store, actor: Actor, resident_id: int, plate: str, *, now: datetime) -> Resident:
    """Register a plate to a resident's household."""
    resident = get(store, resident_id)
    plate_text = normalize_plate(plate)
    with store.write():
        _register_plate(store, plate_text, resident.household_id, resident.id, now=now)
        audit.record(store, actor, "add", "vehicle", plate_text, after={"resident": resident.id}, at=now)
    return get(store, resident_id)


def _select(store: Store) -> str:
    """The resident's columns with the household's plates joined by commas (the engine's own aggregate)."""
    return ("SELECT r.id, r.name, r.phone, r.household_id, h.door, "
            f"(SELECT {store.joined('plate')} FROM vehicle v WHERE v.household_id = r.household_id), r.active "
            "FROM resident r JOIN household h ON h.id = r.household_id")


def _to_resident(row: tuple[Any, ...]) -> Resident:
    plates = tuple(sorted(row[5].split(","))) if row[5] else ()
    return Resident(row[0], row[1], row[2], row[3], row[4], plates, bool(row[6]))


def get(store: Store, resident_id: int) -> Resident:
    return store.read(get_read(store, resident_id))


def get_read(store: Store, resident_id: int) -> Read[Resident]:
    """`get` as a `Read`, to ask with others at once (`Store.read_all`)."""
    def answer(rows: Rows) -> Resident:
        row = rows.fetchone()
        if row is None:
            raise not_found("resident_not_found", id=resident_id)
        return _to_resident(row)
    return Read(_select(store) + " WHERE r.id = :resident_id", {"resident_id": resident_id}, answer)


def find(store: Store, text: str, limit: int = 50, include_moved: bool = False) -> list[Resident]:
    """Residents matching a phone (full or last 4), a plate, a door or part of a name
    (only those still living here unless `include_moved`)."""
    query = " ".join((text or "").split())
    if not query:
        raise invalid("find_empty", field="find")
    clauses: list[str] = []
    params: dict[str, Any] = {}
    digits = re.sub(r"[\s\-]", "", query)
    try:
        phone = normalize_phone(query)
        clauses.append("r.phone = :phone")
        params["phone"] = phone
    except DeskError:
        pass
    if re.fullmatch(r"\d{4}", digits):
        clauses.append("r.phone_tail = :phone_tail")
        params["phone_tail"] = digits
    try:
        plate = normalize_plate(query)
        clauses.append("r.household_id IN (SELECT household_id FROM vehicle WHERE plate = :plate)")
        params["plate"] = plate
    except DeskError:
        pass
    try:
        door = normalize_door(query)
        clauses.append("h.door = :door")
        params["door"] = door
    except DeskError:
        pass
    if not re.fullmatch(r"[\d\s\-]+", query):
        like = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # A-Z in either case on both engines: the server's LIKE folds no case (Store.folded_like)
        clauses.append(store.folded_like("r.name", "name_like"))
        params["name_like"] = f"%{fold_case(like)}%"
        clauses.append("r.household_id IN (SELECT household_id FROM vehicle WHERE plate LIKE :plate_like ESCAPE '\\')")
        params["plate_like"] = f"%{like.upper()}%"
    if not clauses:
        return []
    living = "" if include_moved else "r.active = 1 AND "
    sql = _select(store) + " WHERE " + living + "(" + " OR ".join(clauses) + ") ORDER BY h.door, r.name LIMIT :limit"
    return [_to_resident(r) for r in store.sql(sql, **params, limit=limit)]


# --- corrections, moves, sold cars, moving away -------------------------------------------------
# Bookings keep the household and resident they were made for: history reads as it happened.

def update(store: Store, actor: Actor, resident_id: int, name: str | None = None, phone: str | None = None,
           door: str | None = None, *, now: datetime) -> Resident:
    """Correct a resident's name or mobile number, or move them to another door.

    Only the values given are changed; each is checked as when registering. A new door
    makes (or joins) its household, and the plates this resident registered move along
    with them (a typo in the door, or the family's car going with its owner). Nothing
    changed writes nothing.
    """
    if name is None and phone is None and door is None:
        raise invalid("resedit_nothing")
    new_name = normalize_name(name) if name is not None else None
    new_phone = normalize_phone(phone) if phone is not None else None
    new_door = normalize_door(door) if door is not None else None
    with store.write():
        old = get(store, resident_id)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        if new_name is not None and new_name != old.name:
            before["name"], after["name"] = old.name, new_name
        if new_phone is not None and new_phone != old.phone:
            before["phone"], after["phone"] = mask_phone(old.phone), mask_phone(new_phone)
        if new_door is not None and new_door != old.door:
            before["door"], after["door"] = old.door, new_door
        if not after:
            return old
        household_id = (household_for(store, new_door, now=now) if new_door is not None and "door" in after
                        else old.household_id)
        phone_now = new_phone if new_phone is not None else old.phone
        if "phone" in after or "door" in after:
            twin = store.sql(
                "SELECT id FROM resident WHERE household_id = :household_id AND phone = :phone_now AND id != :old_id "
                "AND active = 1 "
                "ORDER BY id LIMIT 1", household_id=household_id, phone_now=phone_now, old_id=old.id).fetchone()
            if twin:
                raise invalid("resedit_phone_taken", field="phone", door=new_door or old.door, id=twin[0])
        store.sql(
            "UPDATE resident SET name = :name, phone = :phone_now, phone_tail = :phone_tail, "
            "household_id = :household_id WHERE id = :old_id",
            name=after.get("name", old.name), phone_now=phone_now, phone_tail=phone_now[-4:],
            household_id=household_id, old_id=old.id)
        if "door" in after:
            moved = [row[0] for row in store.sql(
                "SELECT plate FROM vehicle WHERE resident_id = :old_id AND household_id = :household_id ORDER BY plate",
                old_id=old.id, household_id=old.household_id)]
            store.sql("UPDATE vehicle SET household_id = :household_id "
                      "WHERE resident_id = :old_id AND household_id = :old_household_id",
                      household_id=household_id, old_id=old.id, old_household_id=old.household_id)
            if moved:
                after["plates"] = moved
        audit.record(store, actor, "set", "resident", old.id, before=before, after=after, at=now)
    return get(store, resident_id)


def _busy_text(rows: list[tuple[Any, ...]]) -> str:
    """Bookings in progress named for a refusal: the first three, and how many in all."""
    items = "；".join(tr("resedit_booking_item", id=r[0], code=r[1], start=r[2], end=r[3]) for r in rows[:3])
    return items + ("，" + tr("resedit_more", n=len(rows)) if len(rows) > 3 else "")


def _busy(store: Store, column: str, value: Any) -> list[tuple[Any, ...]]:
    """Booked or checked-in bookings whose `column` is `value` (each status through its partial index)."""
    parts = " UNION ALL ".join(
        f"SELECT b.id, r.code, b.start_at, b.end_at FROM booking b JOIN resource r ON r.id = b.resource_id "
        f"WHERE b.status = '{status}' AND b.{column} = :value" for status in ACTIVE)
    # Sorted here: an ORDER BY over the union makes SQLite walk the whole start_at index instead.
    return sorted(store.sql(parts, value=value), key=lambda r: (r[2], r[0]))


def remove_plate(store: Store, actor: Actor, plate: str, *, now: datetime) -> dict[str, Any]:
    """Take a plate off its household (the car was sold); refused while it has a booking in progress.

    Past bookings keep the plate they were made with.
    """
    plate_text = normalize_plate(plate)
    with store.write():
        row = store.sql(
            "SELECT v.household_id, v.resident_id, h.door FROM vehicle v JOIN household h ON h.id = v.household_id "
            "WHERE v.plate = :plate_text", plate_text=plate_text).fetchone()
        if row is None:
            raise DeskError("not_found", "resedit_plate_not_found", field="plate", plate=plate_text)
        busy = _busy(store, "plate", plate_text)
        if busy:
            raise DeskError("state", "resedit_plate_busy", field="plate", plate=plate_text,
                            bookings=_busy_text(busy), details=[r[0] for r in busy])
        store.sql("DELETE FROM vehicle WHERE plate = :plate_text", plate_text=plate_text)
        audit.record(store, actor, "remove", "vehicle", plate_text,
                     before={"door": row[2], "resident": row[1]}, at=now)
    return {"plate": plate_text, "door": row[2], "household_id": row[0]}


def set_active(store: Store, actor: Actor, resident_id: int, active: bool, *, now: datetime) -> Resident:
    """Mark a resident as moved away (not found for new bookings; history kept) or back again.

    Refused while the resident has a booking in progress (booked or checked in).
    """
    with store.write():
        resident = get(store, resident_id)
        if resident.active == active:
            return resident
        if not active:
            busy = _busy(store, "resident_id", resident.id)
            if busy:
                raise DeskError("state", "resedit_resident_busy", id=resident.id, door=resident.door,
                                bookings=_busy_text(busy), details=[r[0] for r in busy])
        store.sql("UPDATE resident SET active = :active WHERE id = :resident_id", active=int(active),
                  resident_id=resident.id)
        audit.record(store, actor, "enable" if active else "disable", "resident", resident.id,
                     before={"active": resident.active}, after={"active": active}, at=now)
    return get(store, resident_id)
