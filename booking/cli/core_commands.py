"""The core commands: the store, spaces and rooms, residents, bookings, rules, closures, the
audit log and demo data. Their parsers also hold `resident edit|unplate|leave|return` (handled
in resident_edit_commands) and `closure edit|holidays` (in office_commands): argparse builds
each command family once.
"""
from __future__ import annotations

import sys
from typing import Any

from booking.cli.registry import Context, add, command, nested, parser_section
from booking.ops import demo
from booking.people import residents
from booking.places import closures, inventory
from booking.policy import rules
from booking.schedule import bookings
from booking.store import audit
from booking.store.i18n import tr
from booking.store.validation import parse_date, parse_minute


@parser_section
def _core_parsers(sub: Any) -> None:
    add(sub, "init", "create or migrate the store and seed it (idempotent)")
    p = add(sub, "resources", "list spaces and rooms")
    p.add_argument("--kind", choices=inventory.KINDS)

    p = add(sub, "resource", "add, rename, disable or enable a space or room (admin)")
    inner = nested(p, "action")
    a = add(inner, "add", "add a space or room")
    a.add_argument("code")
    a.add_argument("--kind", required=True, choices=inventory.KINDS)
    a.add_argument("--name-zh", required=True)
    a.add_argument("--name-en")
    a.add_argument("--zone")
    a.add_argument("--ev", action="store_true")
    a.add_argument("--accessible", action="store_true")
    a.add_argument("--visitor", action="store_true")
    a.add_argument("--capacity", type=int)
    a.add_argument("--area", type=float)
    r = add(inner, "rename", "change a resource's names")
    r.add_argument("code")
    r.add_argument("--name-zh")
    r.add_argument("--name-en")
    e = add(inner, "edit", "change a resource's zone, EV, accessible, visitor, capacity or area")
    e.add_argument("code")
    e.add_argument("--zone", help="empty text clears it")
    for flag in ("ev", "accessible", "visitor"):
        e.add_argument(f"--{flag}", choices=["yes", "no"])
    e.add_argument("--capacity", help="people; empty text clears it")
    e.add_argument("--area", help="m²; empty text clears it")
    for verb in ("disable", "enable"):
        add(inner, verb, f"{verb} a resource").add_argument("code")

    p = add(sub, "resident", "register, find or correct residents")
    inner = nested(p, "action")
    a = add(inner, "add", "register a resident")
    a.add_argument("--name", required=True)
    a.add_argument("--door", required=True, help="building-unit-door, e.g. 3栋2单元501")
    a.add_argument("--phone", required=True)
    a.add_argument("--plate")
    f = add(inner, "find", "find by phone, last 4 digits, plate, door or name")
    f.add_argument("text")
    v = add(inner, "plate", "register a plate to a resident's household")
    v.add_argument("id", type=int)
    v.add_argument("plate")
    e = add(inner, "edit", "correct a resident's name or mobile, or move them to another door")
    e.add_argument("id", type=int)
    e.add_argument("--name")
    e.add_argument("--phone")
    e.add_argument("--door", help="building-unit-door; the resident's own plates move along")
    add(inner, "unplate", "take a plate off its household (car sold)").add_argument("plate")
    add(inner, "leave", "mark a resident as moved away (history kept)").add_argument("id", type=int)
    add(inner, "return", "mark a resident who moved away as living here again").add_argument("id", type=int)

    for name, help_text in (("book", "book a space or room"), ("check", "check a booking without saving")):
        b = add(sub, name, help_text)
        b.add_argument("--resource", required=True)
        b.add_argument("--start", required=True)
        b.add_argument("--end", required=True)
        b.add_argument("--resident", required=True, type=int)
        b.add_argument("--plate")
        b.add_argument("--visitor", action="store_true", help="the car or guest is a visitor's")
        b.add_argument("--purpose")
        b.add_argument("--override", metavar="REASON", help="admin: book despite rule breaches")
        if name == "book":
            b.add_argument("--repeat", metavar="RRULE", help="e.g. FREQ=WEEKLY;BYDAY=TU;UNTIL=20270131")
            b.add_argument("--skip-clashes", action="store_true")
            b.add_argument("--skip-holidays", action="store_true", help="leave out public holidays (listed)")
            b.add_argument("--workdays", action="store_true",
                           help="also book the make-up workdays (调休上班日) within the series")

    c = add(sub, "cancel", "cancel a booking")
    c.add_argument("id", type=int)
    c.add_argument("--following", action="store_true", help="also the later bookings of its series")
    c.add_argument("--reason")
    s = add(sub, "show", "one booking with its history")
    s.add_argument("id", type=int)
    ls = add(sub, "list", "bookings touching a date")
    ls.add_argument("--date", required=True)
    ls.add_argument("--active", action="store_true", help="hide cancelled bookings")
    fr = add(sub, "free", "resources free for a whole window")
    fr.add_argument("--start", required=True)
    fr.add_argument("--end", required=True)
    fr.add_argument("--kind", choices=inventory.KINDS)

    p = add(sub, "rule", "the residents' convention (admin)")
    inner = nested(p, "action")
    add(inner, "list", "every rule")
    st = add(inner, "set", "set a rule at a scope ('off' removes it)")
    st.add_argument("scope", help="*, kind:parking, kind:room or res:CODE")
    st.add_argument("name", choices=list(rules.RULES))
    st.add_argument("value")

    p = add(sub, "closure", "closures and holidays (admin)")
    inner = nested(p, "action")
    ca = add(inner, "add", "close a scope for a window")
    ca.add_argument("--scope", required=True)
    ca.add_argument("--start", required=True)
    ca.add_argument("--end", required=True)
    ca.add_argument("--reason", required=True)
    ca.add_argument("--repeat", metavar="RRULE")
    ch = add(inner, "holidays", "close a scope on every public holiday from a date on")
    ch.add_argument("--scope", required=True)
    ch.add_argument("--reason", required=True)
    ch.add_argument("--since", required=True, metavar="YYYY-MM-DD")
    ce = add(inner, "edit", "change a closure")
    ce.add_argument("id", type=int)
    ce.add_argument("--scope", required=True)
    ce.add_argument("--start", required=True)
    ce.add_argument("--end", required=True)
    ce.add_argument("--reason", required=True)
    ce.add_argument("--repeat", metavar="RRULE")
    add(inner, "list", "every closure")
    cr = add(inner, "remove", "remove a closure")
    cr.add_argument("id", type=int)

    au = add(sub, "audit", "the audit log, newest first")
    au.add_argument("--entity")
    au.add_argument("--id")
    au.add_argument("--limit", type=int, default=50)
    au.add_argument("--find", metavar="TEXT", help="only entries mentioning TEXT, found as the window's search finds")

    dm = add(sub, "demo", "fill a store with realistic history")
    dm.add_argument("--years", type=float, default=1.0)
    dm.add_argument("--seed", type=int, default=20201022)


def _fmt_resources(result: dict[str, Any]) -> str:
    return "\n".join(f"{r['code']:6} {r['kind']:8} {r['name']}{'' if r['enabled'] else '  [停用]'}"
                     for r in result["resources"]) or tr("cli_nothing")


def _fmt_residents(result: dict[str, Any]) -> str:
    return "\n".join(f"{r['id']:6}  {r['name']}  {r['phone']}  {r['door']}  {' '.join(r['plates'])}"
                     for r in result["residents"]) or tr("cli_nothing")


def _fmt_bookings(result: dict[str, Any]) -> str:
    lines = [f"{b['id']:8}  {b['resource']:5} {b['start']} – {b['end']}  {b['status']}"
             f"{'  ' + b['plate'] if b.get('plate') else ''}" for b in result["bookings"]]
    for item in result.get("skipped", []):
        lines.append(f"   跳过 skipped  {item['start']} – {item['end']}")
    return "\n".join(lines) or tr("cli_nothing")


@command("init")
def _init(ctx: Context) -> dict[str, Any]:
    store = ctx.store
    return {"store": store.path, "resources": store.sql("SELECT count(*) FROM resource").fetchone()[0],
            "migrations": store.applied_migrations()}


@command("resources", _fmt_resources)
def _resources(ctx: Context) -> dict[str, Any]:
    return {"resources": [r.to_json() for r in inventory.all_resources(ctx.store, ctx.args.kind)]}


@command("resource add")
def _resource_add(ctx: Context) -> dict[str, Any]:
    a = ctx.args
    res = inventory.add(ctx.store, ctx.actor, a.code, a.kind, a.name_zh, a.name_en, a.zone, a.ev,
                        a.accessible, a.visitor, a.capacity, a.area, now=ctx.now)
    return {"resource": res.to_json()}


@command("resource rename")
def _resource_rename(ctx: Context) -> dict[str, Any]:
    a = ctx.args
    return {"resource": inventory.rename(ctx.store, ctx.actor, a.code, a.name_zh, a.name_en, now=ctx.now).to_json()}


@command("resource disable")
def _resource_disable(ctx: Context) -> dict[str, Any]:
    return {"resource": inventory.set_enabled(ctx.store, ctx.actor, ctx.args.code, False, now=ctx.now).to_json()}


@command("resource enable")
def _resource_enable(ctx: Context) -> dict[str, Any]:
    return {"resource": inventory.set_enabled(ctx.store, ctx.actor, ctx.args.code, True, now=ctx.now).to_json()}


@command("resident add")
def _resident_add(ctx: Context) -> dict[str, Any]:
    a = ctx.args
    resident = residents.add(ctx.store, ctx.actor, a.name, a.door, a.phone, a.plate, now=ctx.now)
    return {"id": resident.id, "resident": resident.to_json(masked=True)}


@command("resident find", _fmt_residents)
def _resident_find(ctx: Context) -> dict[str, Any]:
    found = residents.find(ctx.store, ctx.args.text)
    return {"residents": [r.to_json(masked=True) for r in found]}


@command("resident plate")
def _resident_plate(ctx: Context) -> dict[str, Any]:
    resident = residents.add_vehicle(ctx.store, ctx.actor, ctx.args.id, ctx.args.plate, now=ctx.now)
    return {"resident": resident.to_json(masked=True)}


def _request(ctx: Context) -> bookings.Request:
    a = ctx.args
    return bookings.Request(resource=a.resource, start=parse_minute(a.start, "start"),
                            end=parse_minute(a.end, "end"), resident_id=a.resident, plate=a.plate,
                            visitor=a.visitor, purpose=a.purpose, override=a.override)


@command("book", _fmt_bookings)
def _book(ctx: Context) -> dict[str, Any]:
    ctx.swept_store()
    req = _request(ctx)
    if ctx.args.repeat:
        result = bookings.book_series(ctx.store, ctx.actor, req, ctx.args.repeat, ctx.now,
                                      skip_clashes=ctx.args.skip_clashes, skip_holidays=ctx.args.skip_holidays,
                                      workdays=ctx.args.workdays)
        return result.to_json()
    booking = bookings.book(ctx.store, ctx.actor, req, ctx.now)
    return bookings.SeriesResult(None, [booking], []).to_json()


@command("check")
def _check(ctx: Context) -> dict[str, Any]:
    return bookings.check(ctx.swept_store(), _request(ctx), ctx.now).to_json()


@command("cancel", _fmt_bookings)
def _cancel(ctx: Context) -> dict[str, Any]:
    done = bookings.cancel(ctx.store, ctx.actor, ctx.args.id, ctx.args.following, ctx.args.reason, now=ctx.now)
    return {"bookings": [b.to_json() for b in done]}


@command("show")
def _show(ctx: Context) -> dict[str, Any]:
    booking = bookings.get(ctx.swept_store(), ctx.args.id)
    return {"booking": booking.to_json(),
            "history": audit.entries(ctx.store, "booking", booking.id)}


@command("list", _fmt_bookings)
def _list(ctx: Context) -> dict[str, Any]:
    day = parse_date(ctx.args.date, "date")
    found = bookings.on_date(ctx.swept_store(), day, include_cancelled=not ctx.args.active)
    return {"date": day.isoformat(), "bookings": [b.to_json() for b in found]}


@command("free", _fmt_resources)
def _free(ctx: Context) -> dict[str, Any]:
    a = ctx.args
    found = bookings.free(ctx.swept_store(), parse_minute(a.start, "start"), parse_minute(a.end, "end"), a.kind)
    return {"resources": [r.to_json() for r in found]}


@command("rule list")
def _rule_list(ctx: Context) -> dict[str, Any]:
    return {"rules": rules.all_rules(ctx.store)}


@command("rule set")
def _rule_set(ctx: Context) -> dict[str, Any]:
    a = ctx.args
    return {"rule": rules.set_rule(ctx.store, ctx.actor, a.scope, a.name, a.value, now=ctx.now)}


@command("closure add")
def _closure_add(ctx: Context) -> dict[str, Any]:
    a = ctx.args
    return {"closure": closures.add(ctx.store, ctx.actor, a.scope, parse_minute(a.start, "start"),
                                    parse_minute(a.end, "end"), a.reason, a.repeat, now=ctx.now)}


@command("closure list")
def _closure_list(ctx: Context) -> dict[str, Any]:
    return {"closures": closures.all_closures(ctx.store)}


@command("closure remove")
def _closure_remove(ctx: Context) -> dict[str, Any]:
    closures.remove(ctx.store, ctx.actor, ctx.args.id, now=ctx.now)
    return {"removed": ctx.args.id}


@command("audit")
def _audit(ctx: Context) -> dict[str, Any]:
    ctx.require_admin()  # the window's audit log is an admin view; a clerk sees a booking's history with 'show'
    a = ctx.args
    return {"entries": audit.entries(ctx.store, a.entity, a.id, a.limit, find=a.find)}


@command("demo")
def _demo(ctx: Context) -> dict[str, Any]:
    ctx.require_admin()  # it adds 400 made-up households and their history to the store it is given
    return demo.fill(ctx.store, years=ctx.args.years, now=ctx.now, seed=ctx.args.seed,
                     progress=None if ctx.args.json else _progress)


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\r{done * 100 // max(total, 1):3d}%")
    if done >= total:
        sys.stderr.write("\n")
