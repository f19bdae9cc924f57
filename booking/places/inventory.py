"""Spaces and rooms: the seeded inventory and the admin's changes to it.

A resource's code (P001, R03) never changes once made: passes, rules and
history refer to it. Its names can be changed, and it can be disabled, which
stops new bookings and keeps its history.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from booking.store import audit, clock
from booking.store.audit import Actor
from booking.store.errors import DeskError, invalid, not_found
from booking.store.i18n import language
from booking.store.paths import resource_path
from booking.store.connection import Read, Rows, Store, insert_sql, update_sql
from booking.store.validation import parse_whole

KINDS = ("parking", "room")
CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")


@dataclass(frozen=True)
class Resource:
    id: int
    code: str
    kind: str
    name_zh: str
    name_en: str
    zone: str | None
    ev: bool
    accessible: bool
    visitor: bool
    capacity: int | None
    area_m2: float | None
    enabled: bool

    @property
    def name(self) -> str:
        return self.name_en if language() == "en" else self.name_zh

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["name"] = self.name
        return out


_COLUMNS = "id, code, kind, name_zh, name_en, zone, ev, accessible, visitor, capacity, area_m2, enabled"


def _row_to_resource(row: tuple[Any, ...]) -> Resource:
    (id_, code, kind, name_zh, name_en, zone, ev, acc, vis, cap, area, enabled) = row
    return Resource(id_, code, kind, name_zh, name_en, zone, bool(ev), bool(acc), bool(vis),
                    cap, area, bool(enabled))


def seed(store: Store, *, now: datetime) -> int:
    """Load the community's inventory into an empty store; returns how many were added."""
    if store.sql("SELECT count(*) FROM resource").fetchone()[0]:
        return 0
    data = json.loads(resource_path("inventory.json").read_text(encoding="utf-8"))
    stamp = clock.to_stamp(now)
    with store.write():
        for order, item in enumerate(data["resources"]):
            row = {
                "code": item["code"], "kind": item["kind"], "name_zh": item["name_zh"],
                "name_en": item["name_en"], "zone": item.get("zone"),
                "ev": int(bool(item.get("ev"))), "accessible": int(bool(item.get("accessible"))),
                "visitor": int(bool(item.get("visitor"))), "capacity": item.get("capacity"),
                "area_m2": item.get("area_m2"), "enabled": 1, "longest_minutes": 0,
                "sort": order, "created_at": stamp,
            }
            store.sql(insert_sql("resource", row), **row)
        audit.record(store, audit.SYSTEM, "seed", "resource", None,
                     after={"count": len(data["resources"])}, at=now)
    return len(data["resources"])


def all_resources(store: Store, kind: str | None = None, include_disabled: bool = True) -> list[Resource]:
    sql = f"SELECT {_COLUMNS} FROM resource"
    where = []
    if kind:
        where.append("kind = :kind")
    if not include_disabled:
        where.append("enabled = 1")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY kind = 'room', sort, code"
    return [_row_to_resource(r) for r in store.sql(sql, kind=kind)]


def get(store: Store, code: str) -> Resource:
    return store.read(get_read(code))


def get_read(code: str) -> Read[Resource]:
    """`get` as a `Read`, to ask with others at once (`Store.read_all`)."""
    def answer(rows: Rows) -> Resource:
        row = rows.fetchone()
        if row is None:
            raise not_found("res_not_found", code=code)
        return _row_to_resource(row)
    return Read(f"SELECT {_COLUMNS} FROM resource WHERE code = :code", {"code": (code or "").strip().upper()}, answer)


def get_by_id(store: Store, resource_id: int) -> Resource:
    row = store.sql(f"SELECT {_COLUMNS} FROM resource WHERE id = :resource_id", resource_id=resource_id).fetchone()
    if row is None:
        raise not_found("res_not_found", code=str(resource_id))
    return _row_to_resource(row)


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise DeskError("forbidden", "res_admin_only")


def _check_name(name: str | None, field: str) -> str:
    text = " ".join((name or "").split())
    if not 1 <= len(text) <= 40:
        raise invalid("res_name_bad", field=field)
    return text


def add(store: Store, actor: Actor, code: str, kind: str, name_zh: str, name_en: str | None = None,
        zone: str | None = None, ev: bool = False, accessible: bool = False, visitor: bool = False,
        capacity: int | None = None, area_m2: float | None = None, *, now: datetime) -> Resource:
    """Add a space or room (admin)."""
    _require_admin(actor)
    code = (code or "").strip().upper()
    if not CODE_RE.match(code):
        raise invalid("res_code_bad", field="code")
    if kind not in KINDS:
        raise invalid("res_kind_bad", field="kind")
    name_zh = _check_name(name_zh, "name_zh")
    name_en = _check_name(name_en or name_zh, "name_en")
    with store.write():
        if store.sql("SELECT 1 FROM resource WHERE code = :code", code=code).fetchone():
            raise invalid("res_code_taken", field="code", code=code)
        sort = store.sql("SELECT coalesce(max(sort), 0) + 1 FROM resource").fetchone()[0]
        row = {"code": code, "kind": kind, "name_zh": name_zh, "name_en": name_en, "zone": zone,
               "ev": int(ev), "accessible": int(accessible), "visitor": int(visitor),
               "capacity": capacity, "area_m2": area_m2, "enabled": 1, "longest_minutes": 0,
               "sort": sort, "created_at": clock.to_stamp(now)}
        store.sql(insert_sql("resource", row), **row)
        audit.record(store, actor, "add", "resource", code, after=row, at=now)
    return get(store, code)


def rename(store: Store, actor: Actor, code: str, name_zh: str | None = None,
           name_en: str | None = None, *, now: datetime) -> Resource:
    """Change a resource's Chinese and/or English name (admin)."""
    _require_admin(actor)
    before = get(store, code)
    new_zh = _check_name(name_zh, "name_zh") if name_zh is not None else before.name_zh
    new_en = _check_name(name_en, "name_en") if name_en is not None else before.name_en
    with store.write():
        store.sql("UPDATE resource SET name_zh = :new_zh, name_en = :new_en WHERE id = :before_id",
                  new_zh=new_zh, new_en=new_en, before_id=before.id)
        audit.record(store, actor, "rename", "resource", before.code,
                     before={"name_zh": before.name_zh, "name_en": before.name_en},
                     after={"name_zh": new_zh, "name_en": new_en}, at=now)
    return get(store, code)


def set_enabled(store: Store, actor: Actor, code: str, enabled: bool, *, now: datetime) -> Resource:
    """Disable (no new bookings, history kept) or enable again (admin)."""
    _require_admin(actor)
    before = get(store, code)
    with store.write():
        store.sql("UPDATE resource SET enabled = :enabled WHERE id = :before_id", enabled=int(enabled),
                  before_id=before.id)
        audit.record(store, actor, "enable" if enabled else "disable", "resource", before.code,
                     before={"enabled": before.enabled}, after={"enabled": enabled}, at=now)
    return get(store, code)


_UNSET: Any = object()


def update_check(*, zone: Any = _UNSET, ev: bool | None = None, accessible: bool | None = None,
                 visitor: bool | None = None, capacity: Any = _UNSET, area_m2: Any = _UNSET) -> dict[str, Any]:
    """The column changes these attributes make, or DeskError on the field refused (nothing written)."""
    changes: dict[str, Any] = {}
    if zone is not _UNSET:
        text = " ".join((zone or "").split()) or None
        if text and len(text) > 20:
            raise invalid("res_zone_bad", field="zone")
        changes["zone"] = text
    for name, value in (("ev", ev), ("accessible", accessible), ("visitor", visitor)):
        if value is not None:
            changes[name] = int(bool(value))
    if capacity is not _UNSET:
        text = str(capacity if capacity is not None else "").strip()
        changes["capacity"] = parse_whole(text, "capacity", "res_capacity_bad", low=1, high=100000) if text else None
    if area_m2 is not _UNSET:
        text = str(area_m2 if area_m2 is not None else "").strip()
        try:
            area = float(text) if text else None
        except ValueError:
            raise invalid("res_area_bad", field="area_m2") from None
        if area is not None and not 0 <= area <= 1_000_000:
            raise invalid("res_area_bad", field="area_m2")
        changes["area_m2"] = area
    return changes


def update(store: Store, actor: Actor, code: str, now: Any, **attributes: Any) -> Resource:
    """Change a resource's zone, ev, accessible, visitor, capacity or area_m2 (admin); what is not
    given stays. None (or an empty text) clears zone, capacity and area."""
    _require_admin(actor)
    before = get(store, code)
    changes = update_check(**attributes)
    changes = {k: v for k, v in changes.items() if v != getattr(before, k) and not (
        k in ("ev", "accessible", "visitor") and bool(v) == getattr(before, k))}
    if not changes:
        return before
    old = before.to_json()
    with store.write():
        store.sql(update_sql("resource", changes), **changes, id=before.id)
        audit.record(store, actor, "edit", "resource", before.code,
                     before={k: old[k] for k in changes}, after=changes, at=now)
    return get(store, code)
