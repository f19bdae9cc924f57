"""Where the store is: a SQLite file on this PC, or a PostgreSQL server the desks share.

`--db` (and, when it is not given, the environment variable LINLI_DB) takes either a file path or
a URL `postgresql://USER@HOST:PORT/DATABASE?sslmode=verify-full`. `resolve` reads them; `parse`
reads one text. A URL is checked here, before anything connects: a wrong one is refused with a
message in the user's language that says what is wrong, and never shows the password (a password
belongs in the operating system's credential store, not in a URL; one given in the URL is used
but shown as ***). Text that starts like a URL is never taken for a file name, so a mistyped URL
can't quietly become a new empty store called "postgresql:...".

A district's server holds one store per compound, each in a schema of its own, named by the option
`schema` (`postgresql://linli_desk@db.guidong.lan/linli?schema=guidong_01`): lower-case letters,
digits and `_`, starting with a letter or `_`, at most 63 characters, not `pg_...` nor
`information_schema` (PostgreSQL's own). Without it the store is the database's own, in `public`.
`server_url` builds such a URL from its parts (the window's store setting), without a password.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from booking.store.errors import DeskError
from booking.store.paths import default_store


#: The environment variable that names the store when --db is not given.
ENV = "LINLI_DB"
SCHEMES = ("postgresql", "postgres")
DEFAULT_PORT = 5432
#: libpq's sslmode values (https://www.postgresql.org/docs/current/libpq-ssl.html)
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
#: The options a store URL may carry: libpq's TLS and connection ones, and `schema`, the compound's
#: schema when one server holds a district's compounds.
OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "connect_timeout", "application_name",
           "schema")
_SCHEMA = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_RESERVED_SCHEMA = re.compile(r"pg_.*|information_schema")  # PostgreSQL's own: CREATE SCHEMA refuses pg_*
_LOOKS_LIKE_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+):")  # two letters at least: C:\ is a drive


@dataclass(frozen=True)
class StoreFile:
    """A SQLite store file on this PC."""

    path: Path

    def shown(self) -> str:
        return str(self.path)


@dataclass(frozen=True)
class StoreServer:
    """A PostgreSQL store on a server. `password` is never part of what is shown or logged."""

    user: str
    host: str
    port: int
    database: str
    options: tuple[tuple[str, str], ...] = ()
    password: str | None = field(default=None, repr=False, compare=False)

    @property
    def schema(self) -> str | None:
        """The compound's schema on a district's server; None: the database's own store (in `public`)."""
        return dict(self.options).get("schema")

    def shown(self) -> str:
        """The URL as the desk shows and logs it: every option, never the password."""
        return self._url(quote(self.user, safe=""), self.options)

    def url(self) -> str:
        """The libpq URL to connect with, password included; `schema` is ours, set on the connection."""
        auth = quote(self.user, safe="")
        if self.password:
            auth += ":" + quote(self.password, safe="")
        return self._url(auth, tuple((k, v) for k, v in self.options if k != "schema"))

    def _url(self, auth: str, options: tuple[tuple[str, str], ...]) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = "&".join(f"{k}={quote(v, safe='/')}" for k, v in options)
        return f"postgresql://{auth}@{host}:{self.port}/{quote(self.database, safe='')}" + (f"?{query}" * bool(query))


Location = StoreFile | StoreServer


def server_url(host: str, port: int | None, database: str, user: str, sslmode: str | None = None,
               schema: str | None = None, *, sslrootcert: str | None = None) -> str:
    """The store URL of these parts, never with a password, checked as `parse` checks a typed one.

    Empty or None parts are left out (port: 5432); a part that is wrong is the same DeskError
    'invalid' a typed URL gets. parse(server_url(...)).shown() is the URL returned.
    """
    host = host.strip()
    bracketed = f"[{host}]" if ":" in host and not host.startswith("[") else host
    options = [(name, value.strip()) for name, value in (("sslmode", sslmode), ("sslrootcert", sslrootcert),
                                                         ("schema", schema)) if value and value.strip()]
    query = "&".join(f"{k}={quote(v, safe='/')}" for k, v in options)
    text = (f"postgresql://{quote(user.strip(), safe='')}@{bracketed}" + (f":{port}" if port else "")
            + f"/{quote(database.strip(), safe='')}" + (f"?{query}" if query else ""))
    found = parse(text)
    assert isinstance(found, StoreServer)
    return found.shown()


def redacted(text: str) -> str:
    """`text` with any password in a URL's user part replaced by ***, for messages and logs.

    The user part ends at the last @ before the query, so a password with an @ or a / typed
    unencoded is hidden whole too.
    """
    scheme, slashes, rest = text.partition("//")
    head = rest.split("?", 1)[0]
    if not slashes or "@" not in head:
        return text
    at = head.rindex("@")
    user, colon, _ = head[:at].partition(":")
    return f"{scheme}//{user}{colon}{'***' if colon else ''}{rest[at:]}"


def parse(text: str) -> Location:
    """The store `text` names: a file path, or a server URL checked in full (DeskError 'invalid' if wrong)."""
    text = text.strip()
    found = _LOOKS_LIKE_URL.match(text)
    if found is None:
        return StoreFile(Path(text))
    return _server(text, found.group(1).lower())


def resolve(db: str | None, env: Mapping[str, str]) -> Location:
    """The store of a command or the window: --db, else LINLI_DB, else the file in the data folder."""
    named = db if db else env.get(ENV, "").strip()
    return parse(named) if named else StoreFile(default_store())


def _server(text: str, scheme: str) -> StoreServer:
    shown = redacted(text)
    if scheme not in SCHEMES:
        raise DeskError("invalid", "store_url_scheme", field="db", url=shown, scheme=scheme)
    if not text[len(scheme) + 1:].startswith("//"):
        raise DeskError("invalid", "store_url_form", field="db", url=shown)
    try:
        parts = urlsplit(text)
    except ValueError:  # a bracketed IPv6 address left open
        raise DeskError("invalid", "store_url_host", field="db", url=shown) from None
    port_text = parts.netloc.rpartition("@")[2].rpartition("]")[2].partition(":")[2]
    try:
        port = parts.port
    except ValueError:  # not a number, or beyond 65535
        raise DeskError("invalid", "store_url_port", field="db", url=shown, port=port_text) from None
    host = parts.hostname or ""
    if not host or "," in parts.netloc:
        raise DeskError("invalid", "store_url_host", field="db", url=shown)
    if port == 0 or (port_text and port is None):
        raise DeskError("invalid", "store_url_port", field="db", url=shown, port=port_text)
    if not parts.username:
        raise DeskError("invalid", "store_url_user", field="db", url=shown)
    database = unquote(parts.path[1:]) if parts.path.startswith("/") else ""
    if not database or "/" in database:
        raise DeskError("invalid", "store_url_database", field="db", url=shown)
    options = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in OPTIONS:
            raise DeskError("invalid", "store_url_param", field="db", url=shown, name=name, known=", ".join(OPTIONS))
        _check_option(shown, name, value)
        options.append((name, value))
    return StoreServer(user=unquote(parts.username), host=host, port=port or DEFAULT_PORT, database=database,
                       options=tuple(options),
                       password=unquote(parts.password) if parts.password is not None else None)


def _check_option(shown: str, name: str, value: str) -> None:
    if name == "sslmode" and value not in SSL_MODES:
        raise DeskError("invalid", "store_url_value", field="db", url=shown, name=name, value=value,
                        known=", ".join(SSL_MODES))
    if name == "connect_timeout" and not (value.isdigit() and 0 < int(value) <= 600):
        raise DeskError("invalid", "store_url_value", field="db", url=shown, name=name, value=value,
                        known="1-600")
    if name == "schema" and (not _SCHEMA.fullmatch(value) or _RESERVED_SCHEMA.fullmatch(value)):
        raise DeskError("invalid", "store_url_schema", field="db", url=shown, value=value)
    if name in ("sslrootcert", "sslcert", "sslkey", "sslcrl", "application_name") and not value:
        raise DeskError("invalid", "store_url_value", field="db", url=shown, name=name, value=value, known="…")
