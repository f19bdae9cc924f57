"""Trying a store server before the desk uses it: what the window's 测试连接 button and a failed
start say, in plain words.

`probe` connects once (psycopg, a short timeout), reads the server's version and whether the
database holds a Linli store, and answers a `Probe` whose `message()` is one sentence in the
user's language: connected, PostgreSQL 16.4, the store is ready (or empty, or needs its updates,
or holds other tables) — or why it could not connect: the password, the host and port, the
database, TLS. libpq says why a connection failed only in words (a failed connection has no
SQLSTATE), so the reason is read from its text; a reason not recognised is shown as the server
said it. A password is never part of what it shows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import psycopg

from booking.store.i18n import tr
from booking.store.location import StoreServer, redacted
from booking.store.postgres import migrate
from booking.store.postgres.engine import APPLICATION_NAME

#: seconds a probe waits for the server (when the URL sets no connect_timeout)
TIMEOUT_S = 5
#: the oldest server the store's schema is written for (issue 15)
OLDEST_MAJOR = 15

# What libpq (or the server) says, and the kind of failure it is: the first that matches wins.
_FAILURE_TEXTS = (
    ("password_needed", r"no password supplied|password is required"),
    ("wrong_password", r"password authentication failed|authentication failed"),
    ("no_database", r"database \S+ does not exist"),
    ("no_user", r"role \S+ does not exist"),
    ("tls_unsupported", r"server does not support SSL"),
    ("tls_certificate", r"certificate verify failed|root certificate file|certificate|SSL error"),
    ("tls_required", r"no pg_hba\.conf entry.*no encryption|SSL off"),
    ("not_allowed", r"no pg_hba\.conf entry|not permitted|permission denied for database"),
    ("unreachable", r"connection refused|timeout expired|timed out|could not translate host name|"
                    r"failed to resolve host|name or service not known|no route to host|network is unreachable|"
                    r"server closed the connection unexpectedly|could not connect|connection reset"),
)
_FAILURES = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _FAILURE_TEXTS)

#: the message of each outcome (a literal key each, so the catalogs' check finds it)
MESSAGES = {
    "ready": "probe_ready",
    "needs_update": "probe_needs_update",
    "empty": "probe_empty",
    "foreign": "probe_foreign",
    "newer": "probe_newer",
    "old_server": "probe_old_server",
    "password_needed": "probe_password_needed",
    "wrong_password": "probe_wrong_password",
    "no_database": "probe_no_database",
    "no_user": "probe_no_user",
    "tls_unsupported": "probe_tls_unsupported",
    "tls_certificate": "probe_tls_certificate",
    "tls_required": "probe_tls_required",
    "not_allowed": "probe_not_allowed",
    "unreachable": "probe_unreachable",
    "other": "probe_other",
}


@dataclass(frozen=True)
class Probe:
    """What one try of the server found. `connected` and `kind` say the outcome; `usable` whether
    the desk can open the store as it is (ready, or with updates it makes at its start)."""

    kind: str
    server: StoreServer
    version: str = ""
    tables: int = 0
    applied: int = 0
    pending: int = 0
    unknown: tuple[str, ...] = ()
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def connected(self) -> bool:
        return self.kind in ("ready", "needs_update", "empty", "foreign", "newer", "old_server")

    @property
    def usable(self) -> bool:
        return self.kind in ("ready", "needs_update")

    @property
    def empty(self) -> bool:
        """An empty database (or a compound's schema not made yet): where copy-store may copy a file."""
        return self.kind == "empty"

    def message(self) -> str:
        s = self.server
        return tr(MESSAGES[self.kind], version=self.version, host=s.host, port=s.port, database=s.database,
                  user=s.user, schema=s.schema or "public", tables=self.tables, migrations=self.applied,
                  count=self.pending, names=", ".join(self.unknown), reason=self.reason, url=s.shown())

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "connected": self.connected, "usable": self.usable, "version": self.version,
                "tables": self.tables, "applied": self.applied, "pending": self.pending,
                "unknown": list(self.unknown), "reason": self.reason, "url": self.server.shown(),
                "message": self.message()}


def conninfo(server: StoreServer, password: str | None, timeout_s: int = TIMEOUT_S) -> dict[str, Any]:
    """psycopg.connect's keywords for `server` (the schema is ours: it is not libpq's)."""
    options = {k: v for k, v in server.options if k != "schema"}
    options.setdefault("connect_timeout", str(timeout_s))
    options.setdefault("application_name", APPLICATION_NAME)
    args: dict[str, Any] = dict(host=server.host, port=server.port, user=server.user, dbname=server.database,
                                **options)
    if password or server.password:
        args["password"] = password or server.password
    return args


def failure_kind(reason: str) -> str:
    """The kind of a failed connection, from what libpq said (see _FAILURES)."""
    for kind, pattern in _FAILURES:
        if pattern.search(reason):
            return kind
    return "other"


def reason_of(exc: BaseException) -> str:
    """The line of a connection error that says why, without libpq's 'connection failed: ... failed:'."""
    text = str(exc).strip()
    line = next((part.strip() for part in text.splitlines() if part.strip()), type(exc).__name__)
    line = re.sub(r"^connection failed:\s*", "", line)
    line = re.sub(r'^connection to server at "[^"]*"(?: \([^)]*\))?, port \d+ failed:\s*', "", line)
    line = re.sub(r"^(FATAL|ERROR):\s*", "", line)
    return redacted(line)


def failed(server: StoreServer, exc: BaseException) -> Probe:
    """The Probe of a connection that failed with `exc`."""
    reason = reason_of(exc)
    return Probe(failure_kind(str(exc)), server, reason=reason)


def probe(server: StoreServer, password: str | None = None, timeout_s: int = TIMEOUT_S) -> Probe:
    """Connect to `server` once and say what is there (never raises for a server's refusal)."""
    try:
        conn = psycopg.connect(**conninfo(server, password, timeout_s), autocommit=True)
    except psycopg.Error as exc:
        return failed(server, exc)
    try:
        return _look(conn, server)
    except psycopg.Error as exc:
        return failed(server, exc)
    finally:
        conn.close()


def _look(conn: psycopg.Connection[Any], server: StoreServer) -> Probe:
    number = conn.info.server_version  # 160004 for 16.4
    version = f"{number // 10000}.{number % 10000}"
    schema = server.schema or "public"
    row = conn.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')", (schema,)).fetchone()
    tables = int(row[0]) if row else 0
    if number // 10000 < OLDEST_MAJOR:
        return Probe("old_server", server, version=version, tables=tables)
    record = conn.execute("SELECT to_regclass(quote_ident(%s) || '.' || %s)", (schema, migrate.RECORD_TABLE)).fetchone()
    if not record or record[0] is None:
        return Probe("empty" if tables == 0 else "foreign", server, version=version, tables=tables)
    names = [r[0] for r in conn.execute(
        f'SELECT name FROM "{schema}".{migrate.RECORD_TABLE} ORDER BY applied_order').fetchall()]
    unknown = tuple(name for name in names if name not in migrate.NAMES)
    if unknown:
        return Probe("newer", server, version=version, tables=tables, applied=len(names), unknown=unknown)
    pending = sum(1 for name in migrate.NAMES if name not in names)
    return Probe("needs_update" if pending else "ready", server, version=version, tables=tables,
                 applied=len(names), pending=pending)
