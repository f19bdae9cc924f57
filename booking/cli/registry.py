"""The headless commands: every desk action, scriptable, with --json output.

`python app.py [--db PATH] [--now "YYYY-MM-DD HH:MM"] COMMAND ... [--json]`.
With --json the answer is one JSON object on stdout; a refusal exits 1 with
{"error": ..., "code": ...}; wrong usage exits 2. Commands that draw (a pass
image or slip, the daily sheet) are registered by ui/ and load Qt only then;
everything here runs without Qt.
"""
from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from booking.ops import setup
from booking.people import residents
from booking.places import closures, inventory
from booking.policy import rules
from booking.schedule import bookings
from booking.store import audit, clock, i18n, schema
from booking.store.audit import Actor
from booking.store.errors import DeskError
from booking.store.i18n import define, tr
from booking.store.paths import default_store
from booking.store.connection import Store
from booking.store.validation import parse_date, parse_minute

define(
    cli_usage=("命令用法有误：{detail}。用 --help 查看说明。", "Wrong usage: {detail}. See --help."),
    cli_help=("邻里服务台：车位和场地预约、通行证、扫码签到。不带命令时打开窗口。",
              "Linli Desk: book parking spaces and rooms, issue passes, scan them. Without a command it opens the window."),
    cli_done=("完成。", "Done."),
    cli_nothing=("（无）", "(none)"),
    cli_now_admin_only=("只有管理员可以用 --now 固定时钟。请用 --user 姓名 以管理员身份登录（密码放在环境变量 "
                        "LINLI_PASSWORD 中），或不带 --now 运行。",
                        "Only an admin can fix the clock with --now. Sign in as an admin with --user NAME (the "
                        "password in the LINLI_PASSWORD environment variable), or run without --now."),
    cli_unproven=("{who}（未验证）", "{who} (not signed in)"),
    cli_admin_only=("只有管理员可以使用“{command}”命令。请用 --user 姓名 以管理员身份登录（密码放在环境变量 LINLI_PASSWORD 中）。",
                    "Only an admin can use the “{command}” command. Sign in as an admin with --user NAME "
                    "(the password in the LINLI_PASSWORD environment variable)."),
)


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # never print argparse's English and exit by itself
        raise UsageError(message)


@dataclass
class Context:
    """What every command gets: the open store, the clock, who is acting."""

    args: argparse.Namespace
    store_path: Path
    now: datetime
    #: `now` with its seconds, for scan records (repeats are told apart by seconds); the same reading
    moment: datetime | None = None
    #: the real time when the command started (the same one reading of the clock), for the audit's
    #: note that a fixed clock (--now) was used
    real_moment: datetime | None = None
    _store: Store | None = None
    _actor: Actor | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            # Only `init` makes a store; every other command refuses a missing one, naming the path.
            self._store = setup.open_ready(self.store_path, now=self.now,
                                           create=_command_name(self.args) == "init")
            if self.args.now and not self.actor.is_admin:  # before any command reads or writes by that clock
                raise DeskError("forbidden", "cli_now_admin_only")
        return self._store

    def swept_store(self) -> Store:
        """The store after marking due no-shows, for commands that read or take free time."""
        from booking.checkin.sweep import sweep  # here, not at the top: sweep is built on this module's peers
        # never ahead of the real clock: an admin's --now in the future marks no real booking a no-show
        real = self.real_moment.replace(second=0) if self.real_moment is not None else self.now
        sweep(self.store, min(self.now, real))
        return self.store

    @property
    def actor(self) -> Actor:
        """Who acts: the account the command proved, or an anonymous clerk; never a name merely claimed.

        A store without clerk accounts (a new installation) has nobody to prove and trusts its
        command line as admin. Once accounts exist, `--user NAME` acts as NAME only when signed
        in with the password in the LINLI_PASSWORD environment variable (a wrong one is refused);
        without a password the command acts as an anonymous clerk, "cli:<OS user> (not signed in)"
        in the audit log, so a clerk cannot reach admin actions or another's account from here.
        """
        if self._actor is None:
            from booking.people import clerks  # the accounts module sits on top of this one's peers
            store = self._store if self._store is not None else self.store
            if not clerks.count(store):
                actor = Actor(self.args.user or _os_user(), "admin", proven=False)
            elif self.args.user and os.environ.get("LINLI_PASSWORD"):
                actor = clerks.authenticate(store, self.args.user, os.environ["LINLI_PASSWORD"], now=self.now)
            else:
                actor = Actor(tr("cli_unproven", who=_os_user()), "clerk", proven=False)
            if self.args.now and self.real_moment is not None:
                actor = replace(actor, fixed_clock=clock.to_stamp(self.real_moment))
            self._actor = actor
        return self._actor

    def require_admin(self) -> Actor:
        """The acting admin, or DeskError 'forbidden' naming the command (as the window greys it out)."""
        if not self.actor.is_admin:
            raise DeskError("forbidden", "cli_admin_only", command=_command_name(self.args))
        return self.actor

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


Handler = Callable[[Context], dict[str, Any]]
Formatter = Callable[[dict[str, Any]], str]
_handlers: dict[str, Handler] = {}
_formatters: dict[str, Formatter] = {}
_builders: list[Callable[[Any], None]] = []


def command(name: str, formatter: Formatter | None = None) -> Callable[[Handler], Handler]:
    """Register the handler of a command (name may be 'resident add' for a sub-command)."""
    def wrap(func: Handler) -> Handler:
        _handlers[name] = func
        if formatter:
            _formatters[name] = formatter
        return func
    return wrap


def parser_section(func: Callable[[Any], None]) -> Callable[[Any], None]:
    """Register a function that adds sub-parsers (it gets the subparsers object)."""
    _builders.append(func)
    return func


def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", metavar="PATH", default=default, help="store file (default: the app-data folder)")
    parser.add_argument("--now", metavar="YYYY-MM-DD HH:MM", default=default,
                        help="fix the clock (an admin's act; the audit log notes it)")
    parser.add_argument("--json", action="store_true", default=False if top else argparse.SUPPRESS)
    parser.add_argument("--lang", choices=["zh", "en"], default=default)
    parser.add_argument("--user", metavar="NAME", default=default,
                        help="sign in as NAME with the password in LINLI_PASSWORD (audit log)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="app.py", description=tr("cli_help"))
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.common = lambda p: _common(p, top=False)  # type: ignore[attr-defined]
    for build in _builders:
        build(sub)
    return parser


def add(sub: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text)
    sub.common(parser)
    return parser


def nested(parser: argparse.ArgumentParser, dest: str) -> Any:
    inner = parser.add_subparsers(dest=dest, parser_class=_Parser, required=True)
    inner.common = lambda p: _common(p, top=False)
    return inner


def wants_window(argv: list[str]) -> bool:
    """True when no command is named (only global options such as --db): open the window."""
    if any(a in ("-h", "--help") for a in argv):
        return False
    try:
        return build_parser().parse_args(argv).command is None
    except UsageError:
        return False


def _command_name(args: argparse.Namespace) -> str:
    name = args.command
    action = getattr(args, "action", None)
    return f"{name} {action}" if action else name


def run(argv: list[str], out: Any = None) -> int:
    """Run one headless command; returns the exit code. Its result goes to the log too, so a
    command nobody watches (the 07:00 task, run by the windowed program that has no console)
    leaves a trace of what it did."""
    outcome: dict[str, Any] = {"name": "?", "answer": None}
    code = _run(argv, out or sys.stdout, outcome)
    _log_result(outcome["name"], code, outcome["answer"])
    return code


def _run(argv: list[str], out: Any, outcome: dict[str, Any]) -> int:
    i18n.set_language(_peek(argv, "--lang") or i18n.default_language())
    as_json = "--json" in argv
    if as_json and any(a in ("-h", "--help") for a in argv):
        outcome["name"] = "help"
        return _help_json([a for a in argv if a not in ("-h", "--help", "--json")], out)
    try:
        args = build_parser().parse_args(argv)
        _check_numbers(args)
    except UsageError as exc:
        return _fail(DeskError("usage", "cli_usage", detail=str(exc)), as_json, out, 2, outcome)
    i18n.set_language(args.lang or i18n.default_language())
    try:
        real = clock.moment()  # the command's one reading of the clock
        moment = parse_minute(args.now, "now") if args.now else real
    except DeskError as exc:
        return _fail(exc, args.json, out, 2, outcome)
    ctx = Context(args=args, store_path=Path(args.db) if args.db else default_store(),
                  now=moment.replace(second=0), moment=moment, real_moment=real)
    name = outcome["name"] = _command_name(args)
    if name not in _handlers:
        return _fail(DeskError("usage", "cli_usage", detail=name or "?"), args.json, out, 2, outcome)
    try:
        result = _handlers[name](ctx)
    except DeskError as exc:
        return _fail(exc, args.json, out, 1, outcome)
    except Exception as exc:  # a bug: say so plainly, keep the details for the log
        logging.getLogger("linli").exception("command %s failed", name)
        return _fail(DeskError("store" if isinstance(exc, sqlite3.Error) else "internal", "err_internal",
                               detail=f"{type(exc).__name__}: {exc}"), args.json, out, 3, outcome)
    finally:
        ctx.close()
    outcome["answer"] = result
    if args.json:
        out.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
    else:
        formatter = _formatters.get(name)
        out.write((formatter(result) if formatter else _plain(result)) + "\n")
    return 0


# Never written to the log: a pass's text is as good as the pass, a password is a password, and a
# resident's name, phone, door and plate are shown only where the task needs them.
_SECRET_KEYS = frozenset({"payload", "text", "grouped", "pass_text", "password", "secret", "key", "token"})
_PERSONAL_KEYS = frozenset({"name", "display", "resident", "resident_name", "phone", "mobile", "door", "plate",
                            "plates"})
_LOG_RESULT_CHARS = 300


def _log_result(name: str, code: int, answer: Any) -> None:
    """One line per command: its name, exit code and a short result (no secrets, no personal data)."""
    short = json.dumps(_short(answer), ensure_ascii=False, default=str)
    if len(short) > _LOG_RESULT_CHARS:
        short = short[:_LOG_RESULT_CHARS - 1] + "…"
    logging.getLogger("linli.command").log(logging.INFO if code in (0, 1) else logging.WARNING,
                                           "command %s exit %d: %s", name, code, short)


def _short(value: Any, depth: int = 0) -> Any:
    """The answer with lists of records counted and nested records cut short, for the log."""
    if isinstance(value, dict):
        if depth >= 2:
            return "{…}"
        return {k: _short(v, depth + 1) for k, v in value.items() if k not in _SECRET_KEYS | _PERSONAL_KEYS}
    if isinstance(value, (list, tuple)):
        if depth >= 2 or any(isinstance(item, (dict, list, tuple)) for item in value):
            return f"[{len(value)}]"
        return list(value)
    return value


def _check_numbers(args: argparse.Namespace) -> None:
    """A whole number the store cannot hold (beyond 64 bits) is wrong usage, not a crash deeper down."""
    for name, value in vars(args).items():
        if type(value) is int and not -2**63 <= value < 2**63:
            raise UsageError(f"{name}: {value} is too large")


def _help_json(argv: list[str], out: Any) -> int:
    """--help with --json: the usage text of the command named (or of the program) as one JSON object."""
    parser = build_parser()
    target: argparse.ArgumentParser = parser
    words = [a for a in argv if not a.startswith("-")]
    for word in words:  # option values (a path, a time) are passed over; command names lead down
        actions = [a for a in target._actions if isinstance(a, argparse._SubParsersAction)]
        if actions and word in actions[0].choices:
            target = actions[0].choices[word]
    out.write(json.dumps({"help": target.format_help()}, ensure_ascii=False) + "\n")
    return 0


def _peek(argv: list[str], flag: str) -> str | None:
    for i, item in enumerate(argv):
        if item == flag and i + 1 < len(argv):
            return argv[i + 1]
        if item.startswith(flag + "="):
            return item.split("=", 1)[1]
    return None


def _os_user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name on some service accounts
        return "cli"


def _fail(exc: DeskError, as_json: bool, out: Any, code: int, outcome: dict[str, Any] | None = None) -> int:
    if outcome is not None:
        outcome["answer"] = exc.to_json()
    if as_json:
        out.write(json.dumps(exc.to_json(), ensure_ascii=False, default=str) + "\n")
    else:
        sys.stderr.write(exc.message() + "\n")
    return code


def _plain(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=1, default=str)


def commands() -> list[str]:
    return sorted(_handlers)


# --- the commands ---------------------------------------------------------------------------

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
    return {"store": store.path, "resources": store.conn.execute("SELECT count(*) FROM resource").fetchone()[0],
            "migrations": [m.name for m in schema.MIGRATIONS.applied(store.db)]}


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
    return {"entries": audit.entries(ctx.store, a.entity, a.id, a.limit)}


@command("demo")
def _demo(ctx: Context) -> dict[str, Any]:
    from booking.ops import demo
    ctx.require_admin()  # it adds 400 made-up households and their history to the store it is given
    return demo.fill(ctx.store, years=ctx.args.years, now=ctx.now, seed=ctx.args.seed,
                     progress=None if ctx.args.json else _progress)


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\r{done * 100 // max(total, 1):3d}%")
    if done >= total:
        sys.stderr.write("\n")


from booking.cli import scan_commands  # noqa: E402,F401  (registers scan, reissue, sweep, station, key)
from booking.cli import clerk_commands  # noqa: E402,F401  (registers clerk add, list, passwd, disable, enable)
from booking.cli import backup_commands  # noqa: E402,F401  (registers backup, restore, store-check)
from booking.cli import fee_commands  # noqa: E402,F401  (charge, pay, refund, ledger, shift-report, credits, waitlist, ...)
from booking.cli import report_commands  # noqa: E402,F401  (registers report, export)
from booking.cli import import_commands  # noqa: E402,F401  (registers import residents)
from booking.cli import resident_edit_commands  # noqa: E402,F401  (resident edit, unplate, leave, return)
from booking.cli import gate_commands  # noqa: E402,F401  (gate serve, password, events, let-in, whitelist, sync)
from booking.cli import office_commands  # noqa: E402,F401  (holiday, closure edit/holidays, resource edit, ...)
