"""Households (by building-unit-door), their residents and their vehicles."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from booking import audit, clock
from booking.audit import Actor
from booking.errors import DeskError, invalid, not_found
from booking.i18n import define
from booking.store import Store
from booking.validation import (mask_name, mask_phone, normalize_door, normalize_name,
                                normalize_phone, normalize_plate, split_door)

define(
    resident_not_found=("没有编号为 {id} 的居民。", "There is no resident with id {id}."),
    plate_other_household=("车牌 {plate} 已登记在 {door} 名下。", "The plate {plate} is registered to {door}."),
    find_empty=("请输入手机号、尾号4位、门牌、车牌或姓名。",
                "Type a phone number, its last 4 digits, a door, a plate or a name."),
)


@dataclass(frozen=True)
class Resident:
    id: int
    name: str
    phone: str
    household_id: int
    door: str
    plates: tuple[str, ...]

    def to_json(self, masked: bool = False) -> dict[str, Any]:
        out = asdict(self)
        out["plates"] = list(self.plates)
        if masked:
            out["name"] = mask_name(self.name)
            out["phone"] = mask_phone(self.phone)
        return out


def household_for(store: Store, door: str, create: bool = True) -> int | None:
    """The id of the household at `door`, made if needed (inside the caller's write)."""
    door = normalize_door(door)
    row = store.conn.execute("SELECT id FROM household WHERE door = ?", (door,)).fetchone()
    if row:
        return row[0]
    if not create:
        return None
    building, unit, room = split_door(door)
    cur = store.conn.execute(
        "INSERT INTO household(door, building, unit, room, created_at) VALUES (?, ?, ?, ?, ?)",
        (door, building, unit, room, clock.stamp()))
    return cur.lastrowid


def find_existing(store: Store, door: str, phone: str) -> int | None:
    """The id of the resident with this canonical `phone` at this canonical `door`, if registered."""
    row = store.conn.execute(
        "SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id "
        "WHERE r.phone = ? AND h.door = ? ORDER BY r.id LIMIT 1", (phone, door)).fetchone()
    return row[0] if row else None


def insert_resident(store: Store, household_id: int, name: str, phone: str) -> int:
    """Insert one resident from already normalized values (inside the caller's write, which audits)."""
    cur = store.conn.execute(
        "INSERT INTO resident(household_id, name, phone, phone_tail, active, created_at) "
        "VALUES (?, ?, ?, ?, 1, ?)", (household_id, name, phone, phone[-4:], clock.stamp()))
    return cur.lastrowid


def _register_plate(store: Store, plate: str, household_id: int, resident_id: int | None) -> None:
    row = store.conn.execute(
        "SELECT v.household_id, h.door FROM vehicle v JOIN household h ON h.id = v.household_id "
        "WHERE v.plate = ?", (plate,)).fetchone()
    if row is None:
        store.conn.execute(
            "INSERT INTO vehicle(plate, household_id, resident_id, created_at) VALUES (?, ?, ?, ?)",
            (plate, household_id, resident_id, clock.stamp()))
    elif row[0] != household_id:
        raise invalid("plate_other_household", field="plate", plate=plate, door=row[1])


def add(store: Store, actor: Actor, name: str, door: str, phone: str,
        plate: str | None = None) -> Resident:
    """Register a resident of a household (made if new), with an optional vehicle."""
    name = normalize_name(name)
    phone = normalize_phone(phone)
    door_text = normalize_door(door)
    plate_text = normalize_plate(plate) if plate else None
    with store.write():
        household_id = household_for(store, door_text)
        resident_id = insert_resident(store, household_id, name, phone)
        if plate_text:
            _register_plate(store, plate_text, household_id, resident_id)
        audit.record(store, actor, "add", "resident", resident_id,
                     after={"name": name, "phone": mask_phone(phone), "door": door_text,
                            "plate": plate_text})
    return get(store, resident_id)


def add_vehicle(store: Store, actor: Actor, resident_id: int, plate: str) -> Resident:
    """Register a plate to a resident's household."""
    resident = get(store, resident_id)
    plate_text = normalize_plate(plate)
    with store.write():
        _register_plate(store, plate_text, resident.household_id, resident.id)
        audit.record(store, actor, "add", "vehicle", plate_text, after={"resident": resident.id})
    return get(store, resident_id)


_SELECT = (
    "SELECT r.id, r.name, r.phone, r.household_id, h.door, "
    "(SELECT group_concat(plate, ',') FROM vehicle v WHERE v.household_id = r.household_id) "
    "FROM resident r JOIN household h ON h.id = r.household_id"
)


def _to_resident(row: tuple) -> Resident:
    plates = tuple(sorted(row[5].split(","))) if row[5] else ()
    return Resident(row[0], row[1], row[2], row[3], row[4], plates)


def get(store: Store, resident_id: int) -> Resident:
    row = store.conn.execute(_SELECT + " WHERE r.id = ?", (resident_id,)).fetchone()
    if row is None:
        raise not_found("resident_not_found", id=resident_id)
    return _to_resident(row)


def find(store: Store, text: str, limit: int = 50) -> list[Resident]:
    """Residents matching a phone (full or last 4), a plate, a door or part of a name."""
    query = " ".join((text or "").split())
    if not query:
        raise invalid("find_empty", field="find")
    clauses: list[str] = []
    params: list[Any] = []
    digits = re.sub(r"[\s\-]", "", query)
    try:
        phone = normalize_phone(query)
        clauses.append("r.phone = ?")
        params.append(phone)
    except DeskError:
        pass
    if re.fullmatch(r"\d{4}", digits):
        clauses.append("r.phone_tail = ?")
        params.append(digits)
    try:
        plate = normalize_plate(query)
        clauses.append("r.household_id IN (SELECT household_id FROM vehicle WHERE plate = ?)")
        params.append(plate)
    except DeskError:
        pass
    try:
        door = normalize_door(query)
        clauses.append("h.door = ?")
        params.append(door)
    except DeskError:
        pass
    if not re.fullmatch(r"[\d\s\-]+", query):
        like = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append("r.name LIKE ? ESCAPE '\\'")
        params.append(f"%{like}%")
        clauses.append("r.household_id IN (SELECT household_id FROM vehicle WHERE plate LIKE ? ESCAPE '\\')")
        params.append(f"%{like.upper()}%")
    if not clauses:
        return []
    sql = _SELECT + " WHERE r.active = 1 AND (" + " OR ".join(clauses) + ") ORDER BY h.door, r.name LIMIT ?"
    return [_to_resident(r) for r in store.conn.execute(sql, [*params, limit])]
