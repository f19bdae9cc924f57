"""Headless commands for fees, the ledger, time-bank credits, the waitlist and no-show restrictions.

`charge`, `pay`, `refund`, `ledger`, `shift-report`, `credits add|redeem|show|rate`,
`waitlist add|list|process|accept|withdraw`, `tariff list|set`, `restriction show|lift`;
each answers one JSON object with --json. Amounts are typed in yuan ("12.50")
and read exactly into fen; every JSON amount comes both as `*_fen` (an integer)
and as yuan text.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from booking.cli import registry as cli
from booking.money import credits, fees, ledger
from booking.people import residents
from booking.policy import restrictions
from booking.schedule import waitlist
from booking.store import clock
from booking.store.errors import DeskError, invalid
from booking.store.i18n import tr
from booking.places.inventory import KINDS
from booking.store.validation import parse_minute, parse_whole


@cli.parser_section
def _parsers(sub: Any) -> None:
    c = cli.add(sub, "charge", "what a booking costs (estimate, or settled after check-out) and what is paid")
    c.add_argument("id", type=int)
    c.add_argument("--exempt", choices=[*fees.EXEMPT_PURPOSES, "none"],
                   help="flag the booking as a volunteer team's or a public-welfare activity's (free)")
    c.add_argument("--note")

    p = cli.add(sub, "pay", "record a payment taken at the desk")
    p.add_argument("id", type=int)
    p.add_argument("--amount", required=True, metavar="YUAN")
    p.add_argument("--method", required=True, choices=list(ledger.PAYABLE_METHODS))
    p.add_argument("--reason", help="required for waived")

    r = cli.add(sub, "refund", "refund a cancelled booking by the rules, or a given amount with a reason")
    r.add_argument("id", type=int)
    r.add_argument("--amount", metavar="YUAN")
    r.add_argument("--reason")

    g = cli.add(sub, "ledger", "the month's statement and welfare-fund amount; close it (admin); CSV; corrections")
    g.add_argument("--month", metavar="YYYY-MM", help="default: the current month")
    g.add_argument("--close", action="store_true", help="close the month for good (admin)")
    g.add_argument("--csv", metavar="FILE", help="write the month's entries as CSV (UTF-8 with BOM)")
    g.add_argument("--correct", type=int, metavar="ENTRY_ID", help="add a correction to an entry, this month")
    g.add_argument("--amount", metavar="YUAN", help="the correction, e.g. -2.00")
    g.add_argument("--reason")
    g.add_argument("--receipt", type=int, metavar="ENTRY_ID", help="an entry's receipt, to reprint")

    s = cli.add(sub, "shift-report", "cash and takings per clerk for a shift hand-over")
    s.add_argument("--clerk", metavar="NAME")
    s.add_argument("--from", dest="start", metavar="YYYY-MM-DD HH:MM", help="default: today 00:00")
    s.add_argument("--to", dest="end", metavar="YYYY-MM-DD HH:MM", help="exclusive; default: the current minute")

    k = cli.add(sub, "credits", "time-bank (香城时间交易所) volunteer hours")
    inner = cli.nested(k, "action")
    a = cli.add(inner, "add", "record volunteer hours")
    a.add_argument("--resident", type=int, required=True)
    a.add_argument("--hours", required=True)
    a.add_argument("--team", required=True)
    a.add_argument("--activity", required=True)
    a.add_argument("--approved-by", required=True)
    d = cli.add(inner, "redeem", "pay for a booking with hours")
    d.add_argument("--resident", type=int, required=True)
    d.add_argument("--booking", type=int, required=True)
    d.add_argument("--hours", help="default: as many as cover what is due")
    w = cli.add(inner, "show", "balance and history")
    w.add_argument("--resident", type=int, required=True)
    t = cli.add(inner, "rate", "what one hour is worth; set it with a yuan amount (admin)")
    t.add_argument("yuan", nargs="?")

    q = cli.add(sub, "waitlist", "households waiting for a space or room")
    inner = cli.nested(q, "action")
    a = cli.add(inner, "add", "join the waitlist (only when nothing fitting is free)")
    a.add_argument("--resident", type=int, required=True)
    a.add_argument("--start", required=True)
    a.add_argument("--end", required=True)
    a.add_argument("--kind", choices=KINDS)
    a.add_argument("--resource", metavar="CODE")
    a.add_argument("--plate")
    a.add_argument("--visitor", action="store_true")
    a.add_argument("--purpose")
    ls = cli.add(inner, "list", "open entries in order, and whom to call")
    ls.add_argument("--all", action="store_true", help="also closed entries")
    cli.add(inner, "process", "expire old offers and offer what is free, in order")
    for verb, help_text in (("accept", "book the offer"), ("withdraw", "stop waiting")):
        cli.add(inner, verb, help_text).add_argument("id", type=int)
    o = cli.add(inner, "offer-time", "how long an offer holds, in minutes; set it (admin)")
    o.add_argument("minutes", nargs="?")

    f = cli.add(sub, "tariff", "fees per kind or resource and time band (admin)")
    inner = cli.nested(f, "action")
    cli.add(inner, "list", "every tariff")
    ts = cli.add(inner, "set", "set the tariff of a payer at a scope")
    ts.add_argument("scope", help="kind:parking, kind:room or res:CODE")
    ts.add_argument("payer", choices=list(fees.PAYERS))
    ts.add_argument("--bands", required=True, help="e.g. 07:30-19:00=3.00,19:00-07:30=0 (yuan per unit)")
    ts.add_argument("--free", default="0", help="free minutes at the start")
    ts.add_argument("--unit", default="60", help="billing unit in minutes (per started unit)")
    ts.add_argument("--cap", default="none", help="cap per 24 hours in yuan, or none")
    ts.add_argument("--exempt", default="", help="free purposes: volunteer,welfare")

    x = cli.add(sub, "restriction", "no-show restrictions of the convention")
    inner = cli.nested(x, "action")
    for verb, help_text in (("show", "a household's restriction and the rules"),
                            ("lift", "lift a household's restriction (admin, with a reason)")):
        v = cli.add(inner, verb, help_text)
        v.add_argument("--door")
        v.add_argument("--resident", type=int)
        if verb == "lift":
            v.add_argument("--reason", required=True)
    nr = cli.add(inner, "rule", "set the no-show rule of a kind (admin); --no-shows 0 removes it")
    nr.add_argument("kind", choices=["*", "parking", "room"])
    nr.add_argument("--no-shows", type=int, required=True)
    nr.add_argument("--within-days", type=int, default=0)
    nr.add_argument("--ban-days", type=int, default=0)
    cli.add(inner, "list", "the households under a no-show restriction now")


def _fmt_charge(result: dict[str, Any]) -> str:
    lines = [f"{tr('fee_state_' + result['state'])}  {result['start']} – {result['end']}"]
    lines += [f"  {item['text']}  {item['yuan']}" for item in result["items"]]
    lines.append("  " + tr("feecli_line_total", total=result["total"], paid=result["paid"], due=result["due"]))
    return "\n".join(lines)


def _fmt_shift(result: dict[str, Any]) -> str:
    lines = [f"{result['from']} – {result['to']}"]
    for c in result["clerks"]:
        lines.append("  " + tr("feecli_line_clerk", clerk=c["clerk"], cash=c["cash"], income=c["income"]))
    lines.append("  = " + tr("feecli_line_clerk", clerk="", cash=result["cash"], income=result["income"]))
    return "\n".join(lines)


def _account(ctx: cli.Context, booking_id: int) -> dict[str, Any]:
    out = ledger.account(ctx.store, booking_id, ctx.now).to_json()
    out["payments"] = [p.to_json() for p in ledger.for_booking(ctx.store, booking_id)]
    return out


@cli.command("charge", _fmt_charge)
def _charge(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    if a.exempt:
        fees.set_exempt(ctx.store, ctx.actor, a.id, None if a.exempt == "none" else a.exempt, a.note, now=ctx.now)
    return _account(ctx, a.id)


@cli.command("pay")
def _pay(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    paid = ledger.pay(ctx.store, ctx.actor, a.id, fees.parse_yuan(a.amount), a.method, ctx.now, a.reason)
    return {"payment": paid.to_json(), "receipt": ledger.receipt(ctx.store, paid.id).to_json(),
            "account": _account(ctx, a.id)}


@cli.command("refund")
def _refund(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    amount = fees.parse_yuan(a.amount) if a.amount is not None else None
    done = ledger.refund(ctx.store, ctx.actor, a.id, ctx.now, amount, a.reason)
    return {"refunds": [p.to_json() for p in done], "refunded_fen": -sum(p.amount_fen for p in done),
            "refunded": fees.yuan_text(-sum(p.amount_fen for p in done)), "account": _account(ctx, a.id)}


@cli.command("ledger")
def _ledger(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    month = ledger.parse_month(a.month) if a.month else clock.to_text(ctx.now)[:7]
    out: dict[str, Any] = {}
    if a.receipt is not None:
        return {"receipt": ledger.receipt(ctx.store, a.receipt).to_json()}
    if a.correct is not None:
        if a.amount is None or not a.reason:
            raise DeskError("usage", "feecli_correct_needs")
        fix = ledger.correct(ctx.store, ctx.actor, a.correct, fees.parse_yuan(a.amount, allow_negative=True),
                             a.reason, ctx.now)
        out["correction"] = fix.to_json()
        month = fix.at[:7]
    if a.close:
        ledger.close_month(ctx.store, ctx.actor, month, ctx.now)
    out.update(ledger.statement(ctx.store, month).to_json())
    if a.csv:
        out["csv"] = ledger.export_csv(ctx.store, month, a.csv, actor=ctx.actor).to_json()
    return out


@cli.command("shift-report", _fmt_shift)
def _shift_report(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    start = parse_minute(a.start, "from") if a.start else datetime(ctx.now.year, ctx.now.month, ctx.now.day)
    end = parse_minute(a.end, "to") if a.end else ctx.now + timedelta(minutes=1)
    if end <= start:
        raise invalid("booking_order", field="to")
    return ledger.shift_report(ctx.store, start, end, a.clerk).to_json()


@cli.command("credits add")
def _credits_add(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    return credits.earn(ctx.store, ctx.actor, a.resident, credits.parse_hours(a.hours), a.team, a.activity,
                        a.approved_by, ctx.now).to_json()


@cli.command("credits redeem")
def _credits_redeem(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    minutes = credits.parse_hours(a.hours) if a.hours else None
    out = credits.redeem(ctx.store, ctx.actor, a.resident, a.booking, ctx.now, minutes).to_json()
    out["account"] = _account(ctx, a.booking)
    return out


@cli.command("credits show")
def _credits_show(ctx: cli.Context) -> dict[str, Any]:
    return credits.summary(ctx.store, ctx.args.resident).to_json()


@cli.command("credits rate")
def _credits_rate(ctx: cli.Context) -> dict[str, Any]:
    if ctx.args.yuan is not None:
        credits.set_rate(ctx.store, ctx.actor, ctx.args.yuan, now=ctx.now)
    fen = credits.rate(ctx.store)
    return {"rate_fen": fen, "rate": fees.yuan_text(fen)}


@cli.command("waitlist add")
def _waitlist_add(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    entry = waitlist.join(ctx.store, ctx.actor, a.resident, parse_minute(a.start, "start"),
                          parse_minute(a.end, "end"), ctx.now, kind=a.kind, resource=a.resource, plate=a.plate,
                          visitor=a.visitor, purpose=a.purpose)
    return {"entry": entry.to_json()}


@cli.command("waitlist list")
def _waitlist_list(ctx: cli.Context) -> dict[str, Any]:
    statuses = ("waiting", "offered", "booked", "expired", "lapsed", "withdrawn") if ctx.args.all else waitlist.OPEN
    return {"entries": [e.to_json() for e in waitlist.entries(ctx.store, statuses)],
            "calls": [c.to_json() for c in waitlist.to_call(ctx.store, ctx.now)]}


@cli.command("waitlist process")
def _waitlist_process(ctx: cli.Context) -> dict[str, Any]:
    return waitlist.process(ctx.store, ctx.now, ctx.actor).to_json()


@cli.command("waitlist accept")
def _waitlist_accept(ctx: cli.Context) -> dict[str, Any]:
    entry, booking = waitlist.accept(ctx.store, ctx.actor, ctx.args.id, ctx.now)
    return {"entry": entry.to_json(), "booking": booking.to_json()}


@cli.command("waitlist withdraw")
def _waitlist_withdraw(ctx: cli.Context) -> dict[str, Any]:
    return {"entry": waitlist.withdraw(ctx.store, ctx.actor, ctx.args.id, now=ctx.now).to_json()}


@cli.command("waitlist offer-time")
def _waitlist_offer_time(ctx: cli.Context) -> dict[str, Any]:
    text = ctx.args.minutes
    if text is not None:
        minutes = parse_whole(text, "minutes", "feecli_offer_minutes_bad")
        waitlist.set_offer_minutes(ctx.store, ctx.actor, minutes, now=ctx.now)
    return {"minutes": waitlist.offer_minutes(ctx.store)}


@cli.command("tariff list")
def _tariff_list(ctx: cli.Context) -> dict[str, Any]:
    return {"tariffs": [t.to_json() for t in fees.all_tariffs(ctx.store)]}


@cli.command("tariff set")
def _tariff_set(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    cap_text = (a.cap or "none").strip().lower()
    try:
        cap = None if cap_text in ("none", "off", "-") else fees.parse_yuan(a.cap, "cap", allow_zero=True)
    except DeskError:
        raise invalid("feecli_cap_bad", field="cap") from None
    exempt = tuple(p.strip() for p in (a.exempt or "").split(",") if p.strip())
    tariff = fees.set_tariff(ctx.store, ctx.actor, a.scope, a.payer, a.bands, a.free, a.unit, cap, exempt, now=ctx.now)
    return {"tariff": tariff.to_json()}


def _household(ctx: cli.Context) -> tuple[int, str]:
    a = ctx.args
    if a.resident is not None:
        person = residents.get(ctx.store, a.resident)
        return person.household_id, person.door
    if a.door:
        household_id = residents.household_for(ctx.store, a.door, create=False, now=ctx.now)
        if household_id is None:
            raise DeskError("not_found", "feecli_door_unknown", field="door", door=a.door)
        door = ctx.store.sql("SELECT door FROM household WHERE id = :household_id",
                             household_id=household_id).fetchone()[0]
        return household_id, door
    raise DeskError("usage", "feecli_household_needed")


@cli.command("restriction show")
def _restriction_show(ctx: cli.Context) -> dict[str, Any]:
    household_id, door = _household(ctx)
    breach = restrictions.restriction_for(ctx.store, household_id, ctx.now)
    return {"household": door, "restricted": breach is not None,
            "restriction": dict(breach.to_json(), **breach.params) if breach else None,
            "rules": [r.to_json() for r in restrictions.no_show_rules(ctx.store)]}


@cli.command("restriction lift")
def _restriction_lift(ctx: cli.Context) -> dict[str, Any]:
    household_id, _ = _household(ctx)
    return restrictions.lift(ctx.store, ctx.actor, household_id, ctx.args.reason, ctx.now)
