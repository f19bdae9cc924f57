"""What a no-show costs a household, as the convention says (data, not code).

A no-show rule reads "at least `no_shows` no-shows within `within_days` days
→ no new bookings for `ban_days` days after the last of them"; kind '*'
counts every booking, 'parking' or 'room' only that kind. A no-show counts
from its booked start. `restriction_for` gives the breach to show when a
booking is made (the booking core treats it like any rule breach: an admin
may book anyway with a reason). An admin may also lift a restriction for a
household with a reason: no-shows before the lifting no longer count.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from booking.store import audit, clock
from booking.store.audit import Actor
from booking.store.errors import DeskError, invalid, not_found
from booking.policy.breach import Breach
from booking.store.connection import Read, Rows, Store
from booking.store.rowids import inserted_id

RULE = "no_show_limit"
NO_SHOW_KINDS = ("*", "parking", "room")


@dataclass(frozen=True)
class NoShowRule:
    id: int
    kind: str
    no_shows: int
    within_days: int
    ban_days: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def no_show_rules(store: Store, kind: str | None = None) -> list[NoShowRule]:
    """The convention's no-show rules (those that apply to `kind` if given)."""
    rows = store.sql("SELECT id, kind, no_shows, within_days, ban_days FROM no_show_rule ORDER BY id")
    return [NoShowRule(*r) for r in rows if kind is None or r[1] in ("*", kind)]


def set_no_show_rule(store: Store, actor: Actor, kind: str, no_shows: int, within_days: int,
                     ban_days: int, *, now: datetime) -> list[NoShowRule]:
    """Set the rule for `kind` (no_shows 0 removes it) (admin)."""
    if not actor.is_admin:
        raise DeskError("forbidden", "noshow_admin_only")
    if kind not in NO_SHOW_KINDS or no_shows < 0 or no_shows and (within_days <= 0 or ban_days <= 0):
        raise invalid("noshow_rule_bad", field="rule")
    with store.write():
        before = [r.to_json() for r in no_show_rules(store) if r.kind == kind]
        store.sql("DELETE FROM no_show_rule WHERE kind = :kind", kind=kind)
        if no_shows:
            store.sql("INSERT INTO no_show_rule(kind, no_shows, within_days, ban_days) VALUES (:kind, :no_shows, "
                      ":within_days, :ban_days)",
                      kind=kind, no_shows=no_shows, within_days=within_days, ban_days=ban_days)
        audit.record(store, actor, "set", "no_show_rule", kind, before=before or None,
                     after={"no_shows": no_shows, "within_days": within_days, "ban_days": ban_days}
                     if no_shows else None, at=now)
    return no_show_rules(store)


def _door(store: Store, household_id: int) -> str:
    row = store.sql("SELECT door FROM household WHERE id = :household_id", household_id=household_id).fetchone()
    if row is None:
        raise not_found("noshow_household_not_found", id=household_id)
    return str(row[0])


def restriction_for(store: Store, household_id: int, now: datetime, kind: str | None = None) -> Breach | None:
    """The no-show restriction the household is under at `now`, or None.

    With `kind`, only the rules for that kind (and '*') apply. The breach's
    params: door, count, days (the rule's window), until ('YYYY-MM-DD HH:MM').
    """
    return store.read(restriction_read(store, household_id, now, kind))


def restriction_read(store: Store, household_id: int, now: datetime, kind: str | None = None) -> Read[Breach | None]:
    """`restriction_for` as a `Read`, to ask with others at once (`Store.read_all`).

    One statement: the household's no-shows since its last lifting (found by the same statement), as far
    back as the longest-reaching rule looks, each with its resource's kind; the rules that apply come
    with the answer (`no_show_rules`, a read of their own only if there are no-shows to count). The
    statement reads one table and subqueries, no join: the server plans it in under half the time."""
    applies = "" if kind is None else " WHERE kind IN ('*', :kind)"
    reach = store.minutes_before(":now", f"(SELECT max(within_days + ban_days) * 1440 FROM no_show_rule{applies})")
    sql = ("SELECT b.start_at, (SELECT kind FROM resource r WHERE r.id = b.resource_id) FROM booking b "
           "WHERE b.household_id = :household_id AND b.status = 'no_show' AND b.start_at <= :now "
           f"AND b.start_at > {reach} AND b.start_at > coalesce((SELECT max(at) FROM restriction_lift "
           "WHERE household_id = :household_id AND at <= :now), '') ORDER BY b.start_at")

    def answer(rows: Rows) -> Breach | None:
        found = rows.fetchall()
        if not found:  # nothing to count: no rule can restrict (and none is read)
            return None
        starts: dict[NoShowRule, list[datetime]] = {}
        for rule in no_show_rules(store, kind):
            lower = clock.to_text(now - timedelta(days=rule.within_days + rule.ban_days))
            starts[rule] = [clock.from_text(at) for at, of_kind in found
                            if at > lower and (rule.kind == "*" or of_kind == rule.kind)]
        return _restriction(store, household_id, now, starts)
    return Read(sql, {"household_id": household_id, "now": clock.to_text(now), "kind": kind}, answer)


def _restriction(store: Store, household_id: int, now: datetime,
                 starts: dict[NoShowRule, list[datetime]]) -> Breach | None:
    """The breach of the rule that restricts longest, each rule with the no-shows it counts, in order."""
    found: tuple[datetime, int, NoShowRule] | None = None
    for rule, counted in starts.items():
        for index, last in enumerate(counted):
            window_start = last - timedelta(days=rule.within_days)
            count = sum(1 for s in counted[:index + 1] if s > window_start)
            until = last + timedelta(days=rule.ban_days)
            if count >= rule.no_shows and until > now and (found is None or until > found[0]):
                found = (until, count, rule)
    if found is None:
        return None
    until, count, rule = found
    return Breach(RULE, "noshow_breach", {"door": _door(store, household_id), "count": count,
                                          "days": rule.within_days, "until": clock.to_text(until)})


def lift(store: Store, actor: Actor, household_id: int, reason: str, now: datetime) -> dict[str, Any]:
    """Lift a household's no-show restriction (admin, with a reason): earlier no-shows stop counting."""
    if not actor.is_admin:
        raise DeskError("forbidden", "noshow_admin_only")
    if not (reason or "").strip():
        raise invalid("noshow_reason_required", field="reason")
    door = _door(store, household_id)
    with store.write():
        before = restriction_for(store, household_id, now)
        lift_id = inserted_id(store.sql(
            "INSERT INTO restriction_lift(household_id, at, reason, lifted_by) VALUES (:household_id, :now, :reason, "
            ":name) RETURNING id",
            household_id=household_id, now=clock.to_text(now), reason=reason.strip(), name=actor.name))
        audit.record(store, actor, "lift", "restriction", household_id,
                     before=before.params if before else None, after=None, reason=reason.strip(), at=now)
    return {"lift": lift_id, "household": door, "lifted": before.params if before else None}


def restricted(store: Store, now: datetime) -> list[dict[str, Any]]:
    """The households under a no-show restriction at `now`: household id, door, count, days, until."""
    rules = no_show_rules(store)
    if not rules:
        return []
    reach = max(r.within_days + r.ban_days for r in rules)
    rows = store.sql(
        "SELECT DISTINCT household_id FROM booking WHERE status = 'no_show' AND start_at > :p1 AND start_at <= :now",
        p1=clock.to_text(now - timedelta(days=reach)), now=clock.to_text(now)).fetchall()
    out = []
    for (household_id,) in rows:
        breach = restriction_for(store, household_id, now)
        if breach is not None:
            out.append({"household_id": household_id, **breach.params})
    return sorted(out, key=lambda r: r["door"])
