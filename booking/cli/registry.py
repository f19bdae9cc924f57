"""What every headless command is given and how it says what it is.

A command is a function from its Context (the open store, the clock, who is acting) to a dict,
the answer --json prints. `@command("resident add", formatter)` marks it and
`@parser_section` marks the function that adds its arguments; nothing is registered anywhere
when a module is imported: booking/cli/table.py lists the modules whose marked functions make
the command table, and booking/cli/main.py runs a command from it.
"""
from __future__ import annotations

import argparse
import getpass
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from booking.checkin.sweep import sweep
from booking.ops import setup
from booking.people import clerks
from booking.store import clock, location
from booking.store.audit import Actor
from booking.store.connection import Store
from booking.store.errors import DeskError
from booking.store.i18n import tr


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: the sub-commands `nested` gave this parser (None for a command without them)
        self.commands: Commands | None = None

    def error(self, message: str) -> NoReturn:  # never print argparse's English and exit by itself
        raise UsageError(message)


#: Where a command finds the password it signs in with (`--user NAME`).
SIGN_IN_ENV = "LINLI_PASSWORD"
#: Where a command finds the store server's password when the URL has none (or libpq's PGPASSFILE).
DB_PASSWORD_ENV = "LINLI_DB_PASSWORD"


def env_password(name: str) -> str | None:
    """The password handed to a command in the environment variable `name`, or None if unset or empty.

    Passwords reach the commands this way (LINLI_PASSWORD, LINLI_NEW_PASSWORD,
    LINLI_CAMERA_PASSWORD ...) rather than as arguments a shell history keeps.
    """
    return os.environ.get(name) or None


class Commands:
    """One level of sub-commands: argparse's sub-parsers, with each command's parser by name, so
    that help and the tests find a command's parser without reading argparse's private fields."""

    def __init__(self, parser: _Parser, dest: str, required: bool = False) -> None:
        self._subparsers = parser.add_subparsers(dest=dest, parser_class=_Parser, required=required)
        self.parsers: dict[str, _Parser] = {}
        parser.commands = self

    def add(self, name: str, help_text: str) -> _Parser:
        parser = self._subparsers.add_parser(name, help=help_text)
        _common(parser, top=False)
        self.parsers[name] = parser
        return parser


@dataclass
class Context:
    """What every command gets: the open store, the clock, who is acting."""

    args: argparse.Namespace
    #: where the store is (--db, LINLI_DB or the data folder's file): a file, or the community's server
    where: location.Location
    now: datetime
    #: `now` with its seconds, for scan records (repeats are told apart by seconds); the same reading
    moment: datetime | None = None
    #: the real time when the command started (the same one reading of the clock), for the audit's
    #: note that a fixed clock (--now) was used
    real_moment: datetime | None = None
    _store: Store | None = None
    _actor: Actor | None = None

    @property
    def store_path(self) -> Path:
        """The store file, for the commands that work on the file itself (store-check, copy-store);
        on a server store they are refused, naming the command."""
        if isinstance(self.where, location.StoreServer):
            raise DeskError("store", "store_server_command", command=_command_name(self.args), url=self.where.shown())
        return self.where.path

    @property
    def store_target(self) -> Path | location.StoreServer:
        """Where the store is, as `setup.open_ready` takes it, for work that opens a store of its own
        (the gate server's worker): the file, or the server with the password the command was given."""
        if isinstance(self.where, location.StoreServer):
            password = env_password(DB_PASSWORD_ENV)
            return replace(self.where, password=password) if password else self.where
        return self.where.path

    @property
    def store(self) -> Store:
        if self._store is None:
            # Only `init` makes a store; every other command refuses a missing one, naming the path
            # (on a server: a database that holds no store yet).
            self._store = setup.open_ready(self.store_target, now=self.now, create=_command_name(self.args) == "init")
            if self.args.now and not self.actor.is_admin:  # before any command reads or writes by that clock
                raise DeskError("forbidden", "cli_now_admin_only")
        return self._store

    def swept_store(self) -> Store:
        """The store after marking due no-shows, for commands that read or take free time."""
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
            store = self._store if self._store is not None else self.store
            if not clerks.count(store):
                actor = Actor(self.args.user or _os_user(), "admin", proven=False)
            elif self.args.user and (password := env_password(SIGN_IN_ENV)):
                actor = clerks.authenticate(store, self.args.user, password, now=self.now)
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


@dataclass(frozen=True)
class Command:
    """One command of the table: its full name ('resident add'), handler and plain-text formatter."""

    name: str
    handler: Handler
    formatter: Formatter | None = None


def command(name: str, formatter: Formatter | None = None) -> Callable[[Handler], Handler]:
    """Mark the handler of a command (name may be 'resident add' for a sub-command)."""
    def mark(func: Handler) -> Handler:
        func.cli_command = Command(name, func, formatter)  # type: ignore[attr-defined]
        return func
    return mark


def parser_section(func: Callable[[Any], None]) -> Callable[[Any], None]:
    """Mark a function that adds sub-parsers (it gets the Commands of the program)."""
    func.cli_parsers = True  # type: ignore[attr-defined]
    return func


def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", metavar="PATH", default=default,
                        help="store file, or a postgresql:// server URL (default: LINLI_DB, else the app-data folder)")
    parser.add_argument("--now", metavar="YYYY-MM-DD HH:MM", default=default,
                        help="fix the clock (an admin's act; the audit log notes it)")
    parser.add_argument("--json", action="store_true", default=False if top else argparse.SUPPRESS)
    parser.add_argument("--lang", choices=["zh", "en"], default=default)
    parser.add_argument("--user", metavar="NAME", default=default,
                        help="sign in as NAME with the password in LINLI_PASSWORD (audit log)")


def add(sub: Commands, name: str, help_text: str) -> argparse.ArgumentParser:
    return sub.add(name, help_text)


def nested(parser: argparse.ArgumentParser, dest: str) -> Commands:
    """The sub-commands of a command ('resident add', 'resident find'...), one of which is required."""
    assert isinstance(parser, _Parser)
    return Commands(parser, dest, required=True)


def _command_name(args: argparse.Namespace) -> str:
    name = args.command
    action = getattr(args, "action", None)
    return f"{name} {action}" if action else name


def _os_user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name on some service accounts
        return "cli"


def _plain(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=1, default=str)
