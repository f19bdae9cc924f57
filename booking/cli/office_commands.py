"""Headless commands of the office that came with its window screens: the holiday calendar,
closures that follow it and editing a closure, a resource's attributes, the no-show rule and
the list of restricted households. Their parsers sit beside their families' in core_commands.py and
fee_commands.py, except `holiday`, which is new here.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from booking.cli import registry as cli
from booking.places import holidays, inventory
from booking.policy import restrictions
from booking.schedule import closure_admin
from booking.store.errors import invalid
from booking.store.validation import parse_minute


@cli.parser_section
def _parsers(sub: Any) -> None:
    p = cli.add(sub, "holiday", "China's public holidays and make-up workdays, by year")
    inner = cli.nested(p, "action")
    cli.add(inner, "show", "a year's schedule and where it comes from").add_argument("year", type=int)
    s = cli.add(inner, "set", "enter a year's schedule (admin); it overrides the package for that year")
    s.add_argument("year", type=int)
    s.add_argument("--off", required=True, help="days off, e.g. 2027-02-06..2027-02-13,2027-04-05")
    s.add_argument("--work", default="", help="make-up workdays on weekends, e.g. 2027-02-20")
    cli.add(inner, "clear", "remove an entered schedule (admin)").add_argument("year", type=int)


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise invalid("officecli_date_bad", field=field) from None


@cli.command("holiday show")
def _holiday_show(ctx: cli.Context) -> dict[str, Any]:
    return holidays.schedule(ctx.store, ctx.args.year)


@cli.command("holiday set")
def _holiday_set(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    return holidays.set_year(ctx.store, ctx.actor, a.year, a.off, a.work, ctx.now)


@cli.command("holiday clear")
def _holiday_clear(ctx: cli.Context) -> dict[str, Any]:
    return holidays.clear_year(ctx.store, ctx.actor, ctx.args.year, ctx.now)


@cli.command("closure holidays")
def _closure_holidays(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    return {"closure": closure_admin.add_on_holidays(ctx.store, ctx.actor, a.scope, a.reason,
                                                     _date(a.since, "since"), ctx.now)}


@cli.command("closure edit")
def _closure_edit(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    return {"closure": closure_admin.edit(ctx.store, ctx.actor, a.id, a.scope, parse_minute(a.start, "start"),
                                          parse_minute(a.end, "end"), a.reason, a.repeat, ctx.now)}


@cli.command("resource edit")
def _resource_edit(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    given: dict[str, Any] = {}
    if a.zone is not None:
        given["zone"] = a.zone
    for flag in ("ev", "accessible", "visitor"):
        if getattr(a, flag) is not None:
            given[flag] = getattr(a, flag) == "yes"
    if a.capacity is not None:
        given["capacity"] = a.capacity
    if a.area is not None:
        given["area_m2"] = a.area
    return {"resource": inventory.update(ctx.store, ctx.actor, a.code, ctx.now, **given).to_json()}


@cli.command("restriction rule")
def _restriction_rule(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    found = restrictions.set_no_show_rule(ctx.store, ctx.actor, a.kind, a.no_shows, a.within_days, a.ban_days,
                                          now=ctx.now)
    return {"rules": [r.to_json() for r in found]}


@cli.command("restriction list")
def _restriction_list(ctx: cli.Context) -> dict[str, Any]:
    return {"households": restrictions.restricted(ctx.swept_store(), ctx.now)}
