"""Who changed what, when: an append-only log (the store's triggers forbid edits)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking.store import clock, i18n
from booking.store.i18n import Message, tr
from booking.store.connection import Store, fold_case


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
    store.append(  # nothing of it is read back: on a server it goes with the write's next message
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


#: the columns a search looks in: everything an entry says but its time
SEARCHED = ("actor", "action", "entity", "entity_id", "reason", "before", "after")


def search_terms(text: str | None) -> str:
    """What a search looks for: the typed text with its runs of spaces made one, ends trimmed."""
    return " ".join((text or "").split())


def _matching(store: Store, text: str, codes: tuple[str, ...] = ()) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (and its binds) of entries that mention `text`, or whose action or record
    is one of `codes` (the codes whose words, as the window shows them, contain the text).

    The same answer on both engines: case is folded for A-Z only (SQLite's LIKE folds A-Z, PostgreSQL's
    LIKE folds nothing: `Store.folded_like`, with the text lowered here), and what the clerk
    typed is looked for as typed: `%`, `_` and `\\` are escaped, never wildcards. Chinese text is
    compared character for character (the JSON of before and after keeps it unescaped)."""
    escaped = fold_case(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    clause = " OR ".join(store.folded_like(column, "pattern") for column in SEARCHED)
    params: dict[str, Any] = {"pattern": f"%{escaped}%"}
    if codes:
        clause += " OR action IN :codes OR entity IN :codes"
        params["codes"] = tuple(codes)
    return f"({clause})", params


def search(store: Store, text: str | None = None, *, before_id: int | None = None, limit: int = 200,
           codes: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """A page of the log, newest first: entries older than `before_id` (paging by id, the log's
    order, so a million entries open at once), only those mentioning `text` if one is given (see
    `_matching`). Each row: id, at, actor, action, entity, entity_id, reason, before, after,
    reason_key, reason_params, as stored."""
    where: list[str] = []
    params: dict[str, Any] = {"limit": limit}
    if before_id is not None:
        where.append("id < :before_id")
        params["before_id"] = before_id
    terms = search_terms(text)
    if terms:
        clause, found = _matching(store, terms, codes)
        where.append(clause)
        params.update(found)
    sql = ("SELECT id, at, actor, action, entity, entity_id, reason, before, after, reason_key, reason_params "
           "FROM audit")
    if where:
        sql += " WHERE " + " AND ".join(where)
    return store.sql(sql + " ORDER BY id DESC LIMIT :limit", **params).fetchall()


def entries(store: Store, entity: str | None = None, entity_id: Any = None,
            limit: int = 200, find: str | None = None) -> list[dict[str, Any]]:
    """The newest entries first, optionally for one entity, optionally only those mentioning `find`
    (as `search` finds them)."""
    where: list[str] = []
    params: dict[str, Any] = {"limit": limit}
    if entity:
        where.append("entity = :entity")
        params["entity"] = entity
    if entity_id is not None:
        where.append("entity_id = :entity_id")
        params["entity_id"] = str(entity_id)
    if search_terms(find):
        clause, found = _matching(store, search_terms(find))
        where.append(clause)
        params.update(found)
    sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY id DESC LIMIT :limit"
    rows = store.sql(sql, **params)
    out = []
    for row in rows.mappings():
        for key in ("before", "after"):
            if row[key]:
                row[key] = json.loads(row[key])
        row["reason"] = stored_text(row["reason_key"], row["reason"], row.pop("reason_params", None)) or None
        out.append(row)
    return out
