"""Headless commands for clerk accounts: `clerk add|list|passwd|disable|enable`.

A password is never an argument the shell keeps in its history unless the
caller insists (--password): it is read from LINLI_NEW_PASSWORD, or asked for
twice without echo when a person is at the terminal.
"""
from __future__ import annotations

import getpass
import sys
from typing import Any

from booking.cli import registry as cli
from booking.people import clerks
from booking.store.errors import DeskError
from booking.store.i18n import tr

PASSWORD_ENV = "LINLI_NEW_PASSWORD"
OLD_PASSWORD_ENV = "LINLI_OLD_PASSWORD"


@cli.parser_section
def _parsers(sub: Any) -> None:
    p = cli.add(sub, "clerk", "clerk accounts (admin)")
    inner = cli.nested(p, "action")
    a = cli.add(inner, "add", "add an account; password from --password or LINLI_NEW_PASSWORD")
    a.add_argument("name")
    a.add_argument("--role", choices=list(clerks.ROLES), default="clerk")
    a.add_argument("--display", metavar="NAME", help="name shown in the window (default: NAME)")
    a.add_argument("--password")
    cli.add(inner, "list", "every account")
    w = cli.add(inner, "passwd", "set an account's password")
    w.add_argument("name")
    w.add_argument("--password")
    w.add_argument("--old-password", help="the account's old password (default: LINLI_OLD_PASSWORD, or the "
                                          "LINLI_PASSWORD the command signed in with); not needed by an admin")
    for verb in ("disable", "enable"):
        cli.add(inner, verb, f"{verb} an account").add_argument("name")


def _new_password(ctx: cli.Context) -> str:
    if ctx.args.password:
        return str(ctx.args.password)
    if password := cli.env_password(PASSWORD_ENV):
        return password
    if sys.stdin is None:  # the windowed program (LinliDesk.exe) has no console to ask in
        raise DeskError("usage", "clerk_cli_no_console", field="password")
    if sys.stdin.isatty() and not ctx.args.json:
        first = getpass.getpass(tr("clerk_cli_prompt"))
        if getpass.getpass(tr("clerk_cli_again")) != first:
            raise DeskError("invalid", "clerk_cli_mismatch", field="password")
        return first
    raise DeskError("usage", "clerk_cli_password_needed", field="password")


def _old_password(ctx: cli.Context) -> str | None:
    """The old password of one's own account; signing in with it (LINLI_PASSWORD) has just proved it."""
    if ctx.args.old_password:
        return str(ctx.args.old_password)
    if password := cli.env_password(OLD_PASSWORD_ENV):
        return password
    if ctx.actor.proven and ctx.args.user:
        return cli.env_password(cli.SIGN_IN_ENV)
    return None


def _fmt_clerks(result: dict[str, Any]) -> str:
    return "\n".join(f"{c['name']}  {c['role_text']}{'' if c['active'] else '  [停用]'}"
                     for c in result["clerks"]) or tr("cli_nothing")


@cli.command("clerk add")
def _add(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    clerk = clerks.add(ctx.store, ctx.actor, a.name, a.role, _new_password(ctx), a.display, now=ctx.now)
    return {"clerk": clerk.to_json()}


@cli.command("clerk list", _fmt_clerks)
def _list(ctx: cli.Context) -> dict[str, Any]:
    ctx.require_admin()  # as the window's account view: names and roles help nobody but an admin
    return {"clerks": [c.to_json() for c in clerks.all_clerks(ctx.store)]}


@cli.command("clerk passwd")
def _passwd(ctx: cli.Context) -> dict[str, Any]:
    clerk = clerks.set_password(ctx.store, ctx.actor, ctx.args.name, _new_password(ctx), _old_password(ctx),
                                now=ctx.now)
    return {"clerk": clerk.to_json()}


@cli.command("clerk disable")
def _disable(ctx: cli.Context) -> dict[str, Any]:
    return {"clerk": clerks.set_active(ctx.store, ctx.actor, ctx.args.name, False, now=ctx.now).to_json()}


@cli.command("clerk enable")
def _enable(ctx: cli.Context) -> dict[str, Any]:
    return {"clerk": clerks.set_active(ctx.store, ctx.actor, ctx.args.name, True, now=ctx.now).to_json()}
