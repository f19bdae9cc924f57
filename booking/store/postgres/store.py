"""A store on a PostgreSQL server: the same `Store` the domain talks to, over psycopg 3.

The domain's statements run through `Store.sql` as on SQLite (SQLAlchemy's psycopg dialect compiles
them; the driver's cursor runs them). What differs lives here:

- the connection is one psycopg connection in autocommit, held for the store's life; `write()`
  alone issues BEGIN, takes the store's write lock (`pg_advisory_xact_lock`, the key migrate.py
  takes, booking/store/postgres/locking.py says why) and COMMITs or ROLLs BACK; nested, a savepoint;
- inside a write, each statement that changes rows runs under a savepoint of its own: a refusal by
  the server's guards (a trigger, the exclusion constraint) then fails that statement only, as it
  does on SQLite, and the domain can still read (the clash it names) in the same transaction;
- a refusal is raised as `IntegrityError` whose `refusal()` text is SQLite's (refusals.py:
  23P01 on booking_no_overlap reads 'booking_clash'), so the domain asks one question of either;
- waiting for another desk's write lock is bounded (`lock_timeout`, as SQLite's busy timeout),
  and a wait that ran out is the same "store busy" message;
- a `sum` of integers, which the server widens to numeric, is read back as an int, as SQLite gives;
- `change_mark()` is the server's current snapshot (`pg_current_snapshot()`): it moves whenever
  any transaction that wrote began or ended, so a commit by any desk is never missed.
"""
from __future__ import annotations

import contextlib
import re
import zlib
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

import psycopg
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import StaticPool
from sqlite_utils import Database

from booking.store.connection import BUSY_TIMEOUT_S, GENERATION_KEY, Rows, Store
from booking.store.errors import DeskError
from booking.store.location import StoreServer
from booking.store.postgres import migrate, refusals
from booking.store.postgres.engine import engine_for
from booking.store.postgres.locking import WRITE_LOCK

#: statements that change rows: run under a savepoint of their own inside a write
_CHANGES = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


class Refused(Exception):
    """The `orig` of an IntegrityError the server's guards raised: its text is SQLite's refusal."""

    def __init__(self, text: str, server: psycopg.Error) -> None:
        super().__init__(text)
        self.server = server
        self.db = cast(Database, None)  # no sqlite-utils Database: everything goes through sql()


class _SQLiteNumbers(psycopg.adapt.Loader):
    """`numeric` as SQLite gives such a value: an int when it is whole (a `sum` of integers, which
    the server widens to numeric), else a float (an `avg`). No column of the store is numeric."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode("ascii"))
        return int(value) if value == value.to_integral_value() else float(value)


class ServerStore(Store):
    """An open store on a PostgreSQL server (see the module's doc)."""

    def __init__(self, server: StoreServer, engine: sa.Engine) -> None:  # noqa: D107 - not the dataclass's
        self.server = server
        self.db = cast(Database, None)  # no sqlite-utils Database: everything goes through sql()
        self.path = server.shown()
        self.identity = None
        self.generation = None
        self._generation_read = False  # set once the store's restore generation was read (after migrating)
        self.on_reopen = []
        self.damage_check = None
        self.background = False
        self._engine = engine
        self._depth = 0
        self._sa = engine.connect()
        self.raw.adapters.register_loader("numeric", _SQLiteNumbers)

    # what SQLite's Store reads through its file: nothing here
    @property
    def conn(self) -> Any:
        raise AttributeError("a server store has no sqlite3 connection: use store.sql")

    @property
    def raw(self) -> psycopg.Connection[Any]:
        assert self._sa is not None, "the store is closed"
        found = self._sa.connection.driver_connection
        assert isinstance(found, psycopg.Connection)
        return found

    def _bind(self) -> None:  # the connection is made in __init__
        pass

    def applied_migrations(self) -> list[str]:
        assert self._sa is not None, "the store is closed"
        return migrate.applied(self._sa)

    def joined(self, column: str) -> str:
        return f"string_agg({column}, ',')"

    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def _run(self, statement: str) -> None:
        try:
            self.raw.execute(statement)
        except psycopg.Error as exc:
            raise server_error(exc, self.path) from exc

    def sql(self, statement: str, /, **params: Any) -> Rows:
        guarded = self._depth > 0 and _CHANGES.match(statement) is not None
        if guarded:
            self.raw.execute("SAVEPOINT linli_statement")
        try:
            rows = super().sql(statement, **params)
        except sa_exc.DBAPIError as exc:
            if guarded:
                self.raw.execute("ROLLBACK TO SAVEPOINT linli_statement")
                self.raw.execute("RELEASE SAVEPOINT linli_statement")
            text = refusals.refusal(exc)
            if text is not None and isinstance(exc.orig, psycopg.Error):
                raise sa_exc.IntegrityError(exc.statement, exc.params, Refused(text, exc.orig)) from exc
            if isinstance(exc, sa_exc.IntegrityError):
                raise
            raise server_error(exc, self.path) from exc
        if guarded:
            self.raw.execute("RELEASE SAVEPOINT linli_statement")
        return rows

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        """One write transaction holding the store's write lock from its first statement."""
        if self._depth > 0:  # nested: a savepoint inside the outer write
            name = f"linli_write_{self._depth}"
            self._run(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield cast(Database, None)
            except BaseException:
                self._run(f"ROLLBACK TO SAVEPOINT {name}")
                raise
            finally:
                self._depth -= 1
            self._run(f"RELEASE SAVEPOINT {name}")
            return
        self._run("BEGIN")
        try:
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        except psycopg.Error as exc:
            self._rollback()
            raise server_error(exc, self.path) from exc
        # Under the write lock, so no restore can come between this check and the commit: a desk
        # whose store was restored underneath it never confirms on the strength of data that is gone.
        if self._generation_read and self.replaced():
            self._rollback()
            self.reopen()
            raise DeskError("store", "store_restored")
        self._depth = 1
        try:
            yield cast(Database, None)  # nothing reads it: the domain writes through store.sql
        except BaseException:
            self._depth = 0
            self._rollback()
            raise
        self._depth = 0
        try:
            self.raw.execute("COMMIT")
        except psycopg.Error as exc:
            self._rollback()
            raise server_error(exc, self.path) from exc

    def _rollback(self) -> None:
        with contextlib.suppress(psycopg.Error):
            self.raw.execute("ROLLBACK")

    @contextlib.contextmanager
    def patience(self, seconds: float) -> Iterator[None]:
        """Wait at most `seconds` for another desk's write lock inside this block."""
        self._run(f"SET lock_timeout = {int(seconds * 1000)}")
        self.background = True
        try:
            yield
        finally:
            self._run(f"SET lock_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self.background = False

    def change_mark(self) -> tuple[int, int]:
        """The server's snapshot (xmin:xmax:in-progress): it moves when any writing transaction starts or ends."""
        row = self.raw.execute("SELECT pg_current_snapshot()::text").fetchone()
        snapshot = str(row[0]) if row else ""
        return len(snapshot), zlib.crc32(snapshot.encode("ascii"))

    def _current_generation(self) -> str | None:
        try:
            return cast("str | None", self.sql("SELECT value FROM setting WHERE key = :key",
                                               key=GENERATION_KEY).scalar())
        except DeskError:
            return self.generation  # the server went away: not a restore

    def replaced(self) -> bool:
        """True if a restore replaced the store's data since this desk looked (its new generation)."""
        return self._current_generation() != self.generation

    def notice_restore(self) -> bool:
        """Take a restore another desk made (the same connection: nothing to reopen); True if one did."""
        if self._sa is None or not self._generation_read or self.in_transaction() or not self.replaced():
            return False
        self.reopen()
        return True

    def reopen(self) -> None:
        self.generation = self._current_generation()
        for listener in list(self.on_reopen):
            listener()

    def disconnect(self) -> None:
        pass

    def close(self) -> None:
        if self._sa is not None:
            with contextlib.suppress(Exception):
                self._sa.close()
            self._sa = None
        self._engine.dispose()


def server_error(exc: BaseException, shown: str) -> DeskError:
    """An error of the server or of the way to it, in the user's words."""
    found = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
    state = getattr(found, "sqlstate", None)
    if state in ("55P03", "40P01", "40001"):  # lock_timeout ran out, a deadlock, a serialization failure
        return DeskError("store", "store_busy")
    if state == "25006":  # read_only_sql_transaction: a standby, or a read-only role
        return DeskError("store", "store_readonly", path=shown)
    if isinstance(found, psycopg.OperationalError):
        reason = str(found).strip().splitlines()[0] if str(found).strip() else type(found).__name__
        return DeskError("store", "pg_store_unreachable", url=shown, reason=reason)
    return DeskError("store", "store_error", detail=str(found))


def open_server_store(server: StoreServer, *, now: datetime, password: str | None = None,
                      migrate_it: bool = True, create: bool = True) -> ServerStore:
    """Connect to the store on `server` and apply its pending migrations (under the write lock).

    With `create=False` (every command but `init`) a database that holds no store yet is refused
    (DeskError 'not_found' naming the URL), as a missing file is: a mistyped database name never
    becomes a new, empty store with a new pass key.

    The compound's schema (`?schema=`) is the connection's search_path; it is made if it is new.
    A server that can't be reached, or refuses the sign-in, is DeskError 'store' naming the URL.
    """
    engine = engine_for(server, password, poolclass=StaticPool, isolation_level="AUTOCOMMIT",
                        pool_reset_on_return=None)
    try:
        store = ServerStore(server, engine)
    except sa_exc.DBAPIError as exc:
        engine.dispose()
        raise server_error(exc, server.shown()) from None
    try:
        store._run(f"SET lock_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        assert store._sa is not None
        if create and server.schema:  # checked against [a-z_][a-z0-9_]* when the URL was read
            store._run(f'CREATE SCHEMA IF NOT EXISTS "{server.schema}"')
        found = store.sql("SELECT current_schema()").scalar()  # the first schema of the path that exists
        if (server.schema and found != server.schema) or (not create and not migrate.applied(store._sa)):
            raise DeskError("not_found", "pg_store_missing", url=server.shown())
        if migrate_it:
            if migrate.pending(store._sa):
                with store.write():  # the write lock: two desks starting together never both migrate
                    migrate.apply_pending(store._sa, now)
            store.generation = store._current_generation()  # a restore writes a new one (Store.write)
            store._generation_read = True
        return store
    except sa_exc.DBAPIError as exc:
        store.close()
        raise server_error(exc, server.shown()) from None
    except BaseException:
        store.close()
        raise
