"""A store on a PostgreSQL server: the same `Store` the domain talks to, over psycopg 3.

The domain's statements run through `Store.sql` as on SQLite (SQLAlchemy's psycopg dialect compiles
them; the driver's cursor runs them). What differs lives here:

- the connection is one psycopg connection in autocommit, held for the store's life; `write()`
  alone issues BEGIN, takes the store's write lock (`pg_advisory_xact_lock`, the key migrate.py
  takes, booking/store/postgres/locking.py says why) and COMMITs or ROLLs BACK; nested, a savepoint;
- inside a write, each statement that changes rows runs under a savepoint of its own: a refusal by
  the server's guards (a trigger, the exclusion constraint) then fails that statement only, as it
  does on SQLite, and the domain can still read (the clash it names) in the same transaction;
- each network round trip costs a booking or a scan more than the server's work on most of its
  statements (issue 15's targets), so what needs no answer of its own travels with what does: the
  savepoint, the statement and the release go as one simple query (bound on this side, psycopg's
  ClientCursor: the protocol's parameters allow one statement a message); BEGIN with the write lock;
  the notice with the COMMIT; a nested write's SAVEPOINT with the next statement, its RELEASE with
  the next one that changes rows (or the COMMIT). A failed statement stops the rest of its
  message, as its own failure would have. Reads keep server-side binding, prepared after
  `prepare_threshold` uses;
- a batch (`sql_many`, an import's thousands of rows) goes as psycopg's executemany, pipelined: its
  statements are sent without waiting for each answer, under one savepoint, so 10,000 rows are a
  few hundred round trips instead of 50,000 (docs/shared-store.md, "Importing residents");
- a refusal is raised as `IntegrityError` whose `refusal()` text is SQLite's (refusals.py:
  23P01 on booking_no_overlap reads 'booking_clash'), so the domain asks one question of either;
- waiting for another desk's write lock is bounded (`lock_timeout`, as SQLite's busy timeout),
  and a wait that ran out is the same "store busy" message;
- a `sum` of integers, which the server widens to numeric, is read back as an int, as SQLite gives;
- `change_mark()` is the server's current snapshot (`pg_current_snapshot()`): it moves whenever
  any transaction that wrote began or ended, so a commit by any desk is never missed;
- a write tells every other desk what it changed: the tables its statements wrote are named in a
  `NOTIFY` on the store's channel (`pg_notify`, in the transaction: delivered at COMMIT, never for
  a rollback), which each window hears on a listening connection of its own (listen.py);
- the server going away (a restart, the network) is noticed by the driver (the connection is
  broken): every later statement and write is refused at once, without waiting on the network,
  with "the server cannot be reached; nothing was saved" (`gone`), until `reconnect()` opened a
  new connection. A write cut off before COMMIT was rolled back by the server with the session;
  only a COMMIT whose answer never came is told as "may have been saved".
"""
from __future__ import annotations

import contextlib
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

import psycopg
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import StaticPool
from sqlite_utils import Database

from booking.store.connection import BUSY_TIMEOUT_S, GENERATION_KEY, Fetched, Read, Rows, Store
from booking.store.errors import DeskError
from booking.store.location import StoreServer
from booking.store.postgres import migrate, refusals
from booking.store.postgres.engine import engine_for, liveness
from booking.store.postgres.listen import ServerWatch, channel_for
from booking.store.postgres.locking import write_lock_key
from booking.store.watch import Watch

#: statements that change rows: run under a savepoint of their own inside a write
_CHANGES = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
#: a statement that gives rows back: its batch's results are read (`_execute_many`)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
#: the table such a statement writes (read, never rewritten: it is named in the write's notice)
_TABLE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z_][A-Za-z0-9_]*)', re.IGNORECASE)
#: SQLSTATE classes of a connection the server ended or never made: 08 connection exception,
#: 57P01-03 an administrator's or a crash's shutdown, or a server still starting
_GONE_STATES = ("08", "57P01", "57P02", "57P03")


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
        self.write_lock = write_lock_key(server.schema)  # the compound's own (locking.py); set again once open
        #: why the server can't be reached, since a statement found the connection broken (or the
        #: window's watch heard it); None while connected
        self.gone: DeskError | None = None
        #: the tables the open write's statements wrote: named in its notice to the other desks
        self._written: set[str] = set()
        #: nested writes' SAVEPOINTs and RELEASEs not sent yet: they go with the next statement (`_execute`)
        self._pending: list[str] = []
        #: the channel this store's notices go on (a compound's schema has its own)
        self.channel = channel_for(server.schema)
        self._sa = engine.connect()
        self._connected()

    def _connected(self) -> None:
        """What every new connection needs: SQLite's numbers, and the bounded wait for the lock."""
        self.raw.adapters.register_loader("numeric", _SQLiteNumbers)
        #: the server process of this store's connection: its own notices are not news to it
        self.backend_pid = self.raw.info.backend_pid

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

    def minutes_before(self, moment: str, minutes: str) -> str:
        return (f"to_char(linli_minute({moment}) - make_interval(mins => coalesce({minutes}, 0)::int), "
                "'YYYY-MM-DD HH24:MI')")

    def folded_like(self, column: str, bind: str) -> str:
        return f"lower({column}) LIKE :{bind} ESCAPE '\\'"

    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def _run(self, statement: str) -> None:
        self._reachable()
        try:
            self.raw.execute("; ".join([*self._take_pending(), statement]), prepare=False)
        except psycopg.Error as exc:
            raise self._error(exc) from exc

    def _reachable(self) -> None:
        """Refuse at once, without touching the network, while the server is known to be gone."""
        if self.gone is not None:
            raise self.gone
        if self._sa is None:
            raise AssertionError("the store is closed")

    def _lost(self, exc: BaseException) -> bool:
        """Whether `exc` means the connection is gone (not a refusal the server answered with)."""
        found = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
        if not isinstance(found, psycopg.Error):
            return False
        state = found.sqlstate or ""
        if state.startswith(_GONE_STATES):
            return True
        try:
            return self.raw.broken or self.raw.closed
        except AssertionError:
            return True

    def _error(self, exc: BaseException, *, committing: bool = False) -> DeskError:
        """`exc` in the user's words; a lost connection marks the store gone until `reconnect()`."""
        if not self._lost(exc):
            return server_error(exc, self.path)
        found = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
        self.mark_gone(str(found).strip().splitlines()[0] if str(found).strip() else type(found).__name__)
        self._depth = 0
        self._written = set()
        self._pending = []
        if committing:  # the COMMIT went out and no answer came: the server may have kept it
            return DeskError("store", "store_server_gone_commit", url=self.path)
        assert self.gone is not None
        return self.gone

    def mark_gone(self, reason: str) -> None:
        """The server can't be reached (a statement found out, or the window's watch heard it)."""
        if self.gone is None:
            self.gone = DeskError("store", "store_server_gone", url=self.path, reason=reason)

    def reconnect(self) -> None:
        """Open a new connection in place of the broken one; DeskError "store_server_gone" while
        the server still can't be reached. The views should then read everything again."""
        old, self._sa = self._sa, None
        if old is not None:
            with contextlib.suppress(Exception):
                old.close()
        self._engine.dispose()  # the pool's one connection is the broken one: a new pool, a new connection
        self._depth = 0
        self._written = set()
        self._pending = []
        try:
            self._sa = self._engine.connect()
            self._connected()
            self.raw.execute(f"SET lock_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        except (sa_exc.DBAPIError, psycopg.Error) as exc:
            if self._sa is not None:
                with contextlib.suppress(Exception):
                    self._sa.close()
            self._sa = None
            self.gone = None
            self.mark_gone(str(getattr(exc, "orig", exc)).strip().splitlines()[0] or type(exc).__name__)
            assert self.gone is not None
            raise self.gone from None
        self.gone = None

    def watch(self) -> Watch:
        """The window's ears on the server: its notices, and whether it can be reached (listen.py)."""
        return ServerWatch(self)

    def listening_connection(self) -> psycopg.Connection[Any]:
        """A connection of its own for LISTEN (autocommit), to the same server as this store."""
        url = self._engine.url
        options = {key: value for key, value in url.query.items() if isinstance(value, str)}
        kwargs: dict[str, Any] = {**liveness(self.server), **options}
        return psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=url.username,
                               password=url.password, autocommit=True, **kwargs)

    def _guarded(self, statement: str) -> bool:
        """Whether `statement` runs under a savepoint of its own: it changes rows, inside a write."""
        return self._depth > 0 and _CHANGES.match(statement) is not None

    def _execute(self, sql: str, values: Any) -> Any:
        guarded = self._guarded(sql)
        if not guarded and all(part.startswith("RELEASE") for part in self._pending):
            # a read: server-side binding, prepared once used often. A RELEASE waiting may wait on
            # past it (a read changes nothing a savepoint keeps); a SAVEPOINT may not, so that a
            # failed read inside a nested write is still rolled back to it, nor an appended change,
            # so that the read sees it
            return super()._execute(sql, values)
        # one round trip: what is pending, the savepoint, the statement, the release; bound on this
        # side, each part by itself (an appended change is already), sent as one simple query
        before = [*self._take_pending(), *(["SAVEPOINT linli_statement"] if guarded else [])]
        cursor = psycopg.ClientCursor(self.raw)
        cursor.execute("; ".join([*before, cursor.mogrify(sql, values),
                                  *(["RELEASE SAVEPOINT linli_statement"] if guarded else [])]))
        for _ in before:
            cursor.nextset()  # to the statement's own result (its rows, its rowcount)
        return cursor

    def read_all(self, *reads: Read[Any]) -> list[Any]:
        """The reads in one message: bound on this side, sent as one simple query (with what waits to
        go first), each statement's rows taken as they came; then each read answered, in order (an
        answer may read again)."""
        if len(reads) < 2:
            return super().read_all(*reads)
        self._reachable()
        cursor = psycopg.ClientCursor(self.raw)
        parts = [cursor.mogrify(*self._compiled(read.statement, read.params)) for read in reads]
        before = self._take_pending()
        try:
            cursor.execute("; ".join([*before, *parts]))
            for _ in before:
                cursor.nextset()
            results: list[Rows] = []
            for index in range(len(reads)):
                if index:
                    cursor.nextset()
                rows = cursor.fetchall() if cursor.description is not None else []
                results.append(Rows(Fetched(rows, cursor.description, cursor.rowcount)))
        except psycopg.Error as exc:
            if self._lost(exc):
                raise self._error(exc) from exc
            raise server_error(exc, self.path) from exc
        return [read.answer(rows) for read, rows in zip(reads, results, strict=True)]

    def append(self, statement: str, /, **params: Any) -> None:
        """Inside a write, `statement` goes with the write's next message (at the latest its COMMIT)
        instead of in a round trip of its own: the caller reads nothing of it. It has no savepoint
        of its own: should the server refuse it, the message it went in fails, and with it the write.
        Outside a write it runs at once."""
        if self._depth == 0 or _CHANGES.match(statement) is None:
            self.sql(statement, **params)
            return
        self._reachable()
        self._note_written(statement)
        sql, values = self._compiled(statement, params)
        self._pending.append(psycopg.ClientCursor(self.raw).mogrify(sql, values))

    def _execute_many(self, sql: str, values: list[Any]) -> list[Any]:
        """The batch as psycopg's executemany sends it: pipelined, one round trip for all its rows (not one
        a row), under one savepoint inside a write, so a refused row fails the batch and only the batch."""
        guarded = self._guarded(sql)
        before = [*self._take_pending(), *(["SAVEPOINT linli_statement"] if guarded else [])]
        if before:
            self.raw.execute("; ".join(before), prepare=False)
        returning = _RETURNING.search(sql) is not None
        found: list[Any] = []
        with self.raw.cursor() as cursor:
            cursor.executemany(sql, values, returning=returning)
            while returning:
                found.extend(cursor.fetchall())
                if not cursor.nextset():
                    break
        if guarded:
            self.raw.execute("RELEASE SAVEPOINT linli_statement", prepare=False)
        return found

    def _take_pending(self) -> list[str]:
        """What waits to go first in the next message that changes rows (or the next statement at
        all while a SAVEPOINT or an appended change waits): the nested writes' SAVEPOINTs and
        RELEASEs, and the changes `append` took, each a complete statement bound on this side."""
        pending, self._pending = self._pending, []
        return pending

    def sql(self, statement: str, /, **params: Any) -> Rows:
        self._reachable()
        guarded = self._guarded(statement)
        try:
            if guarded:
                self._note_written(statement)
            try:
                return super().sql(statement, **params)  # with its savepoint: _execute
            except sa_exc.DBAPIError as exc:
                failed = self._failed(exc, guarded)
                if failed is exc:
                    raise
                raise failed from exc
        except psycopg.Error as exc:  # the savepoints themselves: only a lost connection fails them
            raise self._error(exc) from exc

    def sql_many(self, statement: str, rows: Sequence[Mapping[str, Any]], /) -> list[Any]:
        self._reachable()
        guarded = self._guarded(statement)
        try:
            if guarded:
                self._note_written(statement)
            try:
                return super().sql_many(statement, rows)  # pipelined, under one savepoint: _execute_many
            except sa_exc.DBAPIError as exc:
                failed = self._failed(exc, guarded)
                if failed is exc:
                    raise
                raise failed from exc
        except psycopg.Error as exc:
            raise self._error(exc) from exc

    def _note_written(self, statement: str) -> None:
        table = _TABLE.match(statement)
        if table is not None:
            self._written.add(table.group(1).lower())

    def _failed(self, exc: sa_exc.DBAPIError, guarded: bool) -> Exception:
        """What a statement (or a batch) the server failed raises: the store gone, SQLite's refusal as an
        IntegrityError, or the server's error in the user's words. A guarded statement's savepoint is
        rolled back first, so the write goes on as after a refusal on SQLite."""
        if self._lost(exc):
            return self._error(exc)
        if guarded:
            try:
                self.raw.execute("ROLLBACK TO SAVEPOINT linli_statement")
                self.raw.execute("RELEASE SAVEPOINT linli_statement")
            except psycopg.Error as failed:
                if self._lost(failed):
                    return self._error(failed)
                # no savepoint to go back to: a change `append` queued ahead of it failed,
                # and the whole write with it (the server refuses all else until ROLLBACK)
        refused = _refused(exc)
        if refused is not None:
            return refused
        return server_error(exc, self.path)

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        """One write transaction holding the store's write lock from its first statement."""
        if self._depth > 0:  # nested: a savepoint inside the outer write
            # Its SAVEPOINT and RELEASE answer nothing and fail only with the connection: they go
            # with the next statement (`_execute`), not in round trips of their own.
            name = f"linli_write_{self._depth}"
            begun = f"SAVEPOINT {name}"
            self._pending.append(begun)
            self._depth += 1
            try:
                yield cast(Database, None)
            except BaseException:
                if begun in self._pending:  # nothing was sent since: nothing to roll back
                    del self._pending[self._pending.index(begun):]
                else:  # what waits came after the savepoint went out: it is undone unsent
                    self._pending = []
                    self._run(f"ROLLBACK TO SAVEPOINT {name}")
                raise
            finally:
                self._depth -= 1
            if begun in self._pending:  # no statement sent inside: the savepoint never needs sending
                self._pending.remove(begun)  # (what it appended stays, as the outer write's)
            else:
                self._pending.append(f"RELEASE SAVEPOINT {name}")
            return
        self._reachable()
        begin = f"BEGIN; SELECT pg_advisory_xact_lock({int(self.write_lock)})"  # the program's own int
        restored = False
        try:  # one round trip: BEGIN, the write lock and (once migrated) the store's restore generation
            if self._generation_read:
                cursor = psycopg.ClientCursor(self.raw)
                cursor.execute(begin + "; SELECT value FROM setting WHERE key = %s", (GENERATION_KEY,))
                cursor.nextset()
                cursor.nextset()
                row = cursor.fetchone()
                restored = (row[0] if row else None) != self.generation
            else:
                self.raw.execute(begin, prepare=False)
        except psycopg.Error as exc:
            self._rollback()
            raise self._error(exc) from exc
        # Under the write lock, so no restore can come between this check and the commit: a desk
        # whose store was restored underneath it never confirms on the strength of data that is gone.
        if restored:
            self._rollback()
            self.reopen()
            raise DeskError("store", "store_restored")
        self._depth = 1
        self._written = set()
        try:
            yield cast(Database, None)  # nothing reads it: the domain writes through store.sql
        except BaseException:
            self._depth = 0
            self._rollback()
            raise
        self._depth = 0
        try:
            self._commit(self._written)
        except psycopg.Error as exc:
            self._rollback()
            refused = None if self._lost(exc) else _refused(exc)
            if refused is not None:  # a change `append` queued, refused as `sql` would have been
                raise refused from exc
            raise self._error(exc, committing=True) from exc

    def _commit(self, tables: Iterable[str]) -> None:
        """COMMIT, telling the other desks which tables this write changed: the notice goes in the
        same round trip, before the COMMIT (the server delivers it then; a failed one stops the COMMIT)."""
        names = ",".join(sorted(tables))
        first = self._take_pending()  # a nested write's RELEASE
        if names:
            cursor = psycopg.ClientCursor(self.raw)
            notify = cursor.mogrify("SELECT pg_notify(%s, %s)", (self.channel, names))
            cursor.execute("; ".join([*first, notify, "COMMIT"]))
        else:
            self.raw.execute("; ".join([*first, "COMMIT"]), prepare=False)

    def _rollback(self) -> None:
        self._pending = []
        if self.gone is not None or self._sa is None:
            return  # the server rolled it back with the session
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
            self.background = False
            if self.gone is None:  # else a new connection starts with the usual wait (reconnect)
                with contextlib.suppress(DeskError):
                    self._run(f"SET lock_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

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


def _refused(exc: BaseException) -> sa_exc.IntegrityError | None:
    """The IntegrityError the domain sees for a refusal by the store's guards, as SQLite's store raises
    it (SQLite's refusal text, where the guard has one), or None: `exc` is no refusal."""
    text = refusals.refusal(exc)
    found = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
    if text is not None and isinstance(found, psycopg.Error):
        statement = exc.statement if isinstance(exc, sa_exc.DBAPIError) else None
        params = exc.params if isinstance(exc, sa_exc.DBAPIError) else None
        return sa_exc.IntegrityError(statement, params, Refused(text, found))
    if isinstance(exc, sa_exc.IntegrityError):
        return exc
    if isinstance(found, psycopg.IntegrityError):
        return sa_exc.IntegrityError(None, None, found)
    return None


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


def open_server_store(server: StoreServer, *, now: datetime | None, password: str | None = None,
                      migrate_it: bool = True, create: bool = True) -> ServerStore:
    """Connect to the store on `server` and apply its pending migrations (under the write lock).

    With `create=False` (every command but `init`) a database that holds no store yet is refused
    (DeskError 'not_found' naming the URL), as a missing file is: a mistyped database name never
    becomes a new, empty store with a new pass key.

    The compound's schema (`?schema=`) is the connection's search_path; it is made if it is new, and
    its write lock is the compound's own (locking.py). Pending migrations need the owner's role: a
    desk's role, which may not change the schema, is told so (DeskError 'store', naming them).
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
        found = store.sql("SELECT current_schema()").scalar()  # the first schema of the path this role may use
        if server.schema and found != server.schema:  # checked against [a-z_][a-z0-9_]* when the URL was read
            if store.sql("SELECT to_regnamespace(:schema) IS NOT NULL", schema=server.schema).scalar():
                raise DeskError("store", "pg_store_schema_denied", url=server.shown(), user=server.user,
                                schema=server.schema)  # another compound's: this role has no USAGE on it
            if create:  # only when new: a desk's role may use its compound's schema but not make one
                try:
                    store._run(f'CREATE SCHEMA IF NOT EXISTS "{server.schema}"')
                except DeskError:
                    if not store.sql("SELECT has_database_privilege(current_database(), 'CREATE')").scalar():
                        raise DeskError("not_found", "pg_store_missing", url=server.shown()) from None
                    raise
                found = store.sql("SELECT current_schema()").scalar()
        if (server.schema and found != server.schema) or (not create and not migrate.applied(store._sa)):
            raise DeskError("not_found", "pg_store_missing", url=server.shown())
        store.write_lock = write_lock_key(found)  # the schema the store is in, as migrate's lock finds it
        todo = migrate.pending(store._sa) if migrate_it else []
        if todo:
            if now is None:  # a second connection never migrates; the first one is given its now
                raise ValueError("migrating a server store needs the operation's now")
            try:
                with store.write():  # the write lock: two desks starting together never both migrate
                    migrate.apply_pending(store._sa, now)
            except sa_exc.ProgrammingError as exc:  # 42501: a desk's role, which may not change the schema
                if getattr(exc.orig, "sqlstate", None) != "42501":
                    raise
                raise DeskError("store", "pg_store_migrate_denied", url=server.shown(), user=server.user,
                                names=", ".join(todo)) from None
        if migrate_it:  # the store's tables are all there now
            store.generation = store._current_generation()  # a restore writes a new one (Store.write)
            store._generation_read = True
        return store
    except sa_exc.DBAPIError as exc:
        store.close()
        raise server_error(exc, server.shown()) from None
    except BaseException:
        store.close()
        raise
