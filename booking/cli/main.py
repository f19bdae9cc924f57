"""Running one headless command: parse the command line, give the command its Context, answer.

`python app.py [--db PATH] [--now "YYYY-MM-DD HH:MM"] COMMAND ... [--json]`.
With --json the answer is one JSON object on stdout; a refusal exits 1 with
{"error": ..., "code": ...}; wrong usage exits 2. The commands are the ones
booking/cli/table.py lists; the ones that draw load Qt only when they draw.
"""
from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import sys
from typing import Any

from booking.cli import table
from booking.cli.registry import Commands, Context, UsageError, _command_name, _common, _Parser, _plain
from booking.store import clock, i18n, location
from booking.store.connection import ENGINE_ERRORS
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.validation import parse_minute


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command in the table (it imports nothing to find them), in the language set.

    Made once per language and catalog: its help texts are the catalog's, and parsing changes
    nothing in it. Making it costs about 40 ms (some 800 arguments), which every in-process run
    (the window's scheduled commands, the tests' thousands) would otherwise pay again.
    """
    code = i18n.language()
    return _parser_in(code, id(i18n.catalog(code)))


@functools.cache
def _parser_in(code: str, catalog: int) -> argparse.ArgumentParser:
    parser = _Parser(prog="app.py", description=tr("cli_help"))
    _common(parser, top=True)
    sub = Commands(parser, "command")
    for section in table.parser_sections():
        section(sub)
    return parser


def commands() -> list[str]:
    """Every command's full name ('resident add'), drawing commands included."""
    return table.names()


def command_parsers() -> dict[str, argparse.ArgumentParser]:
    """Every command's own parser by its full name ('resident add'), as build_parser makes them."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(parser: _Parser, prefix: list[str]) -> None:
        if parser.commands is None:
            found[" ".join(prefix)] = parser
            return
        for name, child in parser.commands.parsers.items():
            walk(child, prefix + [name])

    top = build_parser()
    assert isinstance(top, _Parser) and top.commands is not None
    for name, child in top.commands.parsers.items():
        walk(child, [name])
    return found


def wants_window(argv: list[str]) -> bool:
    """True when no command is named (only global options such as --db): open the window."""
    if any(a in ("-h", "--help") for a in argv):
        return False
    try:
        return build_parser().parse_args(argv).command is None
    except UsageError:
        return False


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
        where = location.resolve(args.db, os.environ)  # --db, else LINLI_DB, else the data folder's file
    except DeskError as exc:
        return _fail(exc, args.json, out, 2, outcome)
    name = outcome["name"] = _command_name(args)
    ctx = Context(args=args, where=where, now=moment.replace(second=0), moment=moment, real_moment=real)
    try:
        found = table.find(name)  # a drawing command's handler is imported from ui/ here
        if found is None:
            return _fail(DeskError("usage", "cli_usage", detail=name or "?"), args.json, out, 2, outcome)
        result = found.handler(ctx)
    except DeskError as exc:
        return _fail(exc, args.json, out, 1, outcome)
    except Exception as exc:  # a bug: say so plainly, keep the details for the log
        logging.getLogger("linli").exception("command %s failed", name)
        return _fail(DeskError("store" if isinstance(exc, ENGINE_ERRORS) else "internal", "err_internal",
                               detail=f"{type(exc).__name__}: {exc}"), args.json, out, 3, outcome)
    finally:
        ctx.close()
    outcome["answer"] = result
    if args.json:
        out.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
    else:
        out.write((found.formatter(result) if found.formatter else _plain(result)) + "\n")
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
    target = build_parser()
    words = [a for a in argv if not a.startswith("-")]
    for word in words:  # option values (a path, a time) are passed over; command names lead down
        if isinstance(target, _Parser) and target.commands is not None and word in target.commands.parsers:
            target = target.commands.parsers[word]
    out.write(json.dumps({"help": target.format_help()}, ensure_ascii=False) + "\n")
    return 0


def _peek(argv: list[str], flag: str) -> str | None:
    for i, item in enumerate(argv):
        if item == flag and i + 1 < len(argv):
            return argv[i + 1]
        if item.startswith(flag + "="):
            return item.split("=", 1)[1]
    return None


def _fail(exc: DeskError, as_json: bool, out: Any, code: int, outcome: dict[str, Any] | None = None) -> int:
    if outcome is not None:
        outcome["answer"] = exc.to_json()
    if as_json:
        out.write(json.dumps(exc.to_json(), ensure_ascii=False, default=str) + "\n")
    else:
        sys.stderr.write(exc.message() + "\n")
    return code

