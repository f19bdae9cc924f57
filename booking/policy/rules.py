"""The residents' convention as data: who may book what, when, for how long.

Rules are name → value pairs at a scope: '*' (everything), 'kind:parking' or
'kind:room', or 'res:CODE' (one resource). The most specific scope wins. The
admin edits them; the defaults come from resources/rules.json on first start.
`breaches()` lists every rule a proposed booking would break, each with a
message naming the rule.
"""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any

from booking.places import closures
from booking.store import audit, clock
from booking.store.audit import Actor
from booking.store.errors import DeskError, invalid
from booking.store.i18n import Message, tr
from booking.places.inventory import Resource
from booking.places.scopes import parse_scope
from booking.policy.breach import Breach
from booking.policy.restrictions import restriction_read
from booking.store.paths import resource_path
from booking.store.schema import ACTIVE
from booking.store.connection import Read, Rows, Store
from booking.store.validation import parse_whole

# name: (kind of value, label key)
RULES: dict[str, str] = {
    "max_duration_minutes": "minutes",
    "max_days_ahead": "days",
    "min_notice_minutes": "minutes",
    "max_active_per_household": "count",
    "residents_only_hours": "hours",
    "grace_minutes": "minutes",
    "checkin_early_minutes": "minutes",
}


def duration_text(minutes: int) -> str:
    return duration_message(minutes).text()


def duration_message(minutes: int) -> Message:
    """A length of time in its largest whole unit: '2 天', '3 小时', '90 分钟', as a message."""
    if minutes % 1440 == 0 and minutes >= 1440:
        return Message("unit_days", {"n": minutes // 1440})
    if minutes % 60 == 0 and minutes >= 60:
        return Message("unit_hours", {"n": minutes // 60})
    return Message("unit_minutes", {"n": minutes})


def seed(store: Store, *, now: datetime) -> int:
    """Write the default convention into a store that has no rules yet."""
    if store.sql("SELECT count(*) FROM rule").fetchone()[0]:
        return 0
    data = json.loads(resource_path("rules.json").read_text(encoding="utf-8"))["rules"]
    count = 0
    with store.write():
        for scope, values in data.items():
            for name, value in values.items():
                store.sql("INSERT INTO rule(scope, name, value, updated_at) VALUES (:scope, :name, :value, :now_stamp)",
                          scope=scope, name=name, value=json.dumps(value), now_stamp=clock.to_stamp(now))
                count += 1
        audit.record(store, audit.SYSTEM, "seed", "rule", None, after={"count": count}, at=now)
    return count


def scopes_for(resource: Resource) -> list[str]:
    """From most to least specific."""
    return scopes_of(resource.code, resource.kind)


def scopes_of(code: str, kind: str) -> list[str]:
    """The scopes of the resource `code` of `kind`, from most to least specific."""
    return [f"res:{code}", f"kind:{kind}", "*"]


def effective(store: Store, resource: Resource) -> dict[str, Any]:
    """Every rule's value for this resource (None where no scope sets it)."""
    return effective_of(store, resource.code, resource.kind)


def effective_of(store: Store, code: str, kind: str) -> dict[str, Any]:
    """`effective` for the resource `code` of `kind`, as a booking names it: no read of the resource."""
    return store.read(effective_read(code, kind))


def effective_read(code: str, kind: str) -> Read[dict[str, Any]]:
    """`effective_of` as a `Read`, to ask with others at once (`Store.read_all`)."""
    scopes = scopes_of(code, kind)

    def answer(rows: Rows) -> dict[str, Any]:
        by_scope = {(s, n): json.loads(v) for s, n, v in rows.fetchall()}
        return {name: next((by_scope[(s, name)] for s in scopes if (s, name) in by_scope), None) for name in RULES}
    return Read("SELECT scope, name, value FROM rule WHERE scope IN :scopes", {"scopes": scopes}, answer)


def all_rules(store: Store) -> list[dict[str, Any]]:
    rows = store.sql("SELECT scope, name, value, updated_at FROM rule ORDER BY scope, name")
    return [{"scope": s, "name": n, "label": tr(f"rule_{n}"), "value": json.loads(v), "updated_at": u}
            for s, n, v, u in rows]


def parse_value(name: str, text: Any) -> Any:
    """A rule value from what the admin typed; None means 'remove at this scope'."""
    if name not in RULES:
        raise invalid("rule_unknown", field="name", name=name, names=", ".join(RULES))
    raw = str(text).strip()
    if raw.lower() in ("off", "none", "-"):
        return None
    if RULES[name] == "hours":
        try:
            start, end = raw.replace("–", "-").split("-")
            return {"from": _hhmm(start), "to": _hhmm(end)}
        except ValueError:
            raise invalid("rule_value_bad", field="value", name=name, hint=tr("rule_hint_hours")) from None
    return parse_whole(raw, "value", "rule_value_bad", name=name, hint=tr("rule_hint_number"))


def _hhmm(text: str) -> str:
    moment = datetime.strptime(text.strip(), "%H:%M")
    return moment.strftime("%H:%M")


def set_rule(store: Store, actor: Actor, scope: str, name: str, value: Any, *, now: datetime) -> dict[str, Any]:
    """Set (or with value 'off', remove) one rule at one scope (admin)."""
    if not actor.is_admin:
        raise DeskError("forbidden", "rule_admin_only")
    scope = parse_scope(store, scope)
    parsed = parse_value(name, value)
    with store.write():
        row = store.sql("SELECT value FROM rule WHERE scope = :scope AND name = :name", scope=scope,
                        name=name).fetchone()
        before = json.loads(row[0]) if row else None
        if parsed is None:
            store.sql("DELETE FROM rule WHERE scope = :scope AND name = :name", scope=scope, name=name)
        else:
            store.sql(
                "INSERT INTO rule(scope, name, value, updated_at) VALUES (:scope, :name, :parsed, :now_stamp) "
                "ON CONFLICT(scope, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                scope=scope, name=name, parsed=json.dumps(parsed), now_stamp=clock.to_stamp(now))
        audit.record(store, actor, "set", "rule", f"{scope}/{name}", before=before, after=parsed, at=now)
    return {"scope": scope, "name": name, "value": parsed}


def _window_hits_daily_hours(start: datetime, end: datetime, hours: dict[str, str]) -> bool:
    """Does [start, end) meet the daily window from hours['from'] to hours['to'] (may cross midnight)?"""
    t_from = time.fromisoformat(hours["from"])
    t_to = time.fromisoformat(hours["to"])
    day = start.date() - timedelta(days=1)
    while datetime.combine(day, time()) < end:
        w_start = datetime.combine(day, t_from)
        w_end = datetime.combine(day + timedelta(days=1) if t_to <= t_from else day, t_to)
        if w_start < end and w_end > start:
            return True
        day += timedelta(days=1)
    return False


def household_active_count(store: Store, household_id: int, kind: str, start: datetime, end: datetime,
                           exclude: tuple[int, ...] = ()) -> int:
    """The household's active bookings of `kind` that meet [start, end)."""
    return store.read(household_count_read(store, household_id, kind, start, end, exclude))


def household_count_read(store: Store, household_id: int, kind: str, start: datetime, end: datetime,
                         exclude: tuple[int, ...] = ()) -> Read[int]:
    """`household_active_count` as a `Read`. Only bookings starting within the kind's longest booking
    before `start` can reach it: the store works that bound out in the same statement (one query, not
    two; see `Store.minutes_before`)."""
    lower = store.minutes_before(":start", "(SELECT max(longest_minutes) FROM resource WHERE kind = :kind)")
    sql = (  # the kind by a subquery, not a join: the server plans it in two thirds of the time
        f"SELECT count(*) FROM booking b WHERE b.household_id = :household_id AND b.start_at >= {lower} "
        f"AND b.start_at < :end AND b.end_at > :start AND b.status IN {ACTIVE!r} "
        "AND (SELECT kind FROM resource r WHERE r.id = b.resource_id) = :kind"
    )
    if exclude:
        sql += " AND b.id NOT IN :exclude"
    return Read(sql, {"household_id": household_id, "kind": kind, "end": clock.to_text(end),
                      "start": clock.to_text(start), "exclude": exclude}, lambda rows: int(rows.fetchone()[0]))


def breaches(store: Store, resource: Resource, household_id: int, door: str, start: datetime,
             end: datetime, visitor: bool, now: datetime, exclude: tuple[int, ...] = (),
             planned: int = 0) -> list[Breach]:
    """Every rule the booking would break. `planned` counts the household's
    bookings of the same request already accepted (for a series, 0).

    What it reads is asked at once (`Store.read_all`: on a server, one message): the rules, the
    household's count, its no-shows and the closures."""
    values, active, restricted, closed_windows = store.read_all(
        effective_read(resource.code, resource.kind),
        household_count_read(store, household_id, resource.kind, start, end, exclude),
        restriction_read(store, household_id, now, kind=resource.kind),
        closures.overlapping_read(store, resource, start, end))
    out: list[Breach] = []
    length = clock.minutes(start, end)
    limit = values["max_duration_minutes"]
    if limit is not None and length > limit:
        out.append(Breach("max_duration_minutes", "breach_max_duration",
                          {"limit": duration_text(limit), "actual": duration_text(length)}))
    ahead = (start.date() - now.date()).days
    limit = values["max_days_ahead"]
    if limit is not None and ahead > limit:
        out.append(Breach("max_days_ahead", "breach_max_days_ahead", {"limit": limit, "actual": ahead}))
    notice = values["min_notice_minutes"] or 0
    if start < now:
        out.append(Breach("min_notice_minutes", "breach_past", {}))
    elif start < now + timedelta(minutes=notice):
        out.append(Breach("min_notice_minutes", "breach_min_notice", {"limit": duration_text(notice)}))
    limit = values["max_active_per_household"]
    if limit is not None:
        count = active + planned
        if count >= limit:
            out.append(Breach("max_active_per_household", "breach_max_active",
                              {"door": door, "actual": count, "limit": limit,
                               "kind": tr(f"kind_{resource.kind}")}))
    hours = values["residents_only_hours"]
    if hours and visitor and not resource.visitor and _window_hits_daily_hours(start, end, hours):
        out.append(Breach("residents_only_hours", "breach_residents_only",
                          {"from_": hours["from"], "to": hours["to"]}))
    if restricted is not None:
        out.append(restricted)
    for closed in closed_windows:
        out.append(Breach("closure", "breach_closure",
                          {"reason": closed.reason, "start": clock.to_text(closed.start),
                           "end": clock.to_text(closed.end)}))
    return out
