"""Who changed what, when: an append-only log (the store's triggers forbid edits)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking.store import clock, i18n
from booking.store.i18n import Message, tr
from booking.store.connection import Store


@dataclass(frozen=True)
class Actor:
    """The person (or scheduled job) on whose behalf a change is made.

    `proven` says the actor proved who they are (a password at sign-in, or the program itself);
    an actor the command line merely names is not, and no "own account" check trusts its name.
    `fixed_clock` is the real time at which a fixed clock (--now) was set for this actor's
    operations: every audit entry they make then says so.
    """

    name: str
    role: str = "clerk"  # 'clerk' or 'admin'
    proven: bool = True
    fixed_clock: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


SYSTEM = Actor("系统", "admin")


#: the names the program itself acts under: the scheduled jobs' "系统", and migration 0008's "system"
_PROGRAM = (SYSTEM.name, "system")


def actor_text(name: str | None) -> str:
    """A stored actor's name as shown: the program's own ("系统") in the language in use."""
    return tr("audit_system_actor") if name in _PROGRAM else (name or "")


def stored_text(key: str | None, text: str | None, params_json: str | None = None) -> str:
    """A reason stored with its key and parameters (a scan's, an audit entry's), in the language in
    use; an older row without parameters as booking.store.i18n.stored_text says."""
    return i18n.stored_text(key, params_json, text)


def record(
    store: Store,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: Any,
    before: Any = None,
    after: Any = None,
    reason: str | Message | None = None,
    *,
    at: datetime,
) -> None:
    """Append one entry; call inside the write transaction of the change itself.

    `at` is the `now` the operation was given (one clock for everything the program
    stores): required, so no entry can be stamped by the wall clock behind the caller.
    A `reason` given as a Message is kept with its key and parameters, and read in the
    language in use; a clerk's own words (a str) are kept as they are.
    """
    reason = _with_clock_note(actor, reason)
    message = reason if isinstance(reason, Message) else None
    store.sql(
        "INSERT INTO audit(at, actor, action, entity, entity_id, before, after, reason, reason_key, reason_params) "
        "VALUES (:at, :actor, :action, :entity, :entity_id, :before, :after, :reason, :reason_key, :reason_params)",
        at=clock.to_stamp(at), actor=actor.name, action=action, entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=None if before is None else json.dumps(before, ensure_ascii=False, default=str),
        after=None if after is None else json.dumps(after, ensure_ascii=False, default=str),
        reason=message.text() if message else reason,
        reason_key=message.key if message else None,
        reason_params=message.params_json() if message else None,
    )


def _with_clock_note(actor: Actor, reason: str | Message | None) -> str | Message | None:
    if actor.fixed_clock is None:
        return reason
    note = Message("audit_fixed_clock", {"real": actor.fixed_clock})
    return Message("audit_with_clock", {"reason": reason, "note": note}) if reason else note


def entries(store: Store, entity: str | None = None, entity_id: Any = None,
            limit: int = 200) -> list[dict[str, Any]]:
    """The newest entries first, optionally for one entity."""
    where: list[str] = []
    if entity:
        where.append("entity = :entity")
    if entity_id is not None:
        where.append("entity_id = :entity_id")
    sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY id DESC LIMIT :limit"
    rows = store.sql(sql, entity=entity, entity_id=None if entity_id is None else str(entity_id), limit=limit)
    out = []
    for row in rows.mappings():
        for key in ("before", "after"):
            if row[key]:
                row[key] = json.loads(row[key])
        row["reason"] = stored_text(row["reason_key"], row["reason"], row.pop("reason_params", None)) or None
        out.append(row)
    return out
