"""Opening the one SQLite file that holds everything, safely.

Every write that belongs together runs in `store.write()`: a transaction that
takes SQLite's write lock up front (BEGIN IMMEDIATE). A deferred BEGIN (what
sqlite-utils' `atomic()` issues) lets two processes read, then fails one of
them with "database is locked" when both try to write, without waiting; taking
the lock first makes a second desk wait its turn (busy timeout) and then see
the first desk's booking in its own clash check.

Before a file is opened, SQLite is asked whether it is a store this program may
write (`inspect`): a SQLite file, our migrations, not newer, and not damaged. The
commands check the whole file first (`PRAGMA quick_check`: about a second on ten
years of history). The window opens after the checks that cost the same on any
store and runs the whole-file check on a worker thread (`DamageCheck`): no write
reaches the file before it has passed, and none after it found damage.
"""
from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, Generic, TypeVar

from sqlalchemy import bindparam, create_engine, exc as sa_exc, text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.pool import StaticPool
from sqlite_utils import Database

from booking.store import schema
from booking.store.errors import DeskError
from booking.store.watch import SQLiteWatch, Watch

SQLITE_HEADER = b"SQLite format 3\x00"
#: What the domain catches when the store's own rules refuse a statement (a trigger's RAISE, a
#: CHECK, a UNIQUE key): SQLAlchemy's, the same class on every engine; `refusal(exc)` is its text.
IntegrityError = sa_exc.IntegrityError
#: Every error the engine itself raises, through the seam (SQLAlchemy's) or through code that still
#: talks to sqlite3 (the migrations, backup and restore): `translate_sqlite_error` reads either.
ENGINE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, sa_exc.DBAPIError)
BUSY_TIMEOUT_S = 15.0

#: a setting a restore changes, so every desk that has the store open notices (see Store.write)
GENERATION_KEY = "store_generation"


class DamageCheck:
    """The whole-file check a store opened with `full_check=False` still owes, run on a worker thread.

    `PRAGMA quick_check` through a read-only connection of its own, started once the
    store's own connection has the file open in WAL mode, so it reads one consistent
    snapshot while other desks write. Until it has answered, `Store.write` waits for it
    as it waits for another program's lock; once it found a problem, every write is
    refused with it. `when_answered` tells the window.
    """

    #: how long the check waits between tries while another program holds the store locked
    RETRY_S = 5.0

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.problem: DeskError | None = None
        self.seconds: float | None = None  # how long the check took, once answered
        self._answered = threading.Event()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._listeners: list[Callable[[DeskError | None], None]] = []
        # A daemon: it only reads, through its own read-only connection, so the program's
        # exit may cut it short without losing anything.
        self._thread = threading.Thread(target=self._run, name="linli-store-check", daemon=True)

    @property
    def answered(self) -> bool:
        return self._answered.is_set()

    def start(self) -> DamageCheck:
        self._thread.start()
        return self

    def stop(self) -> None:
        """No more tries (the store is closing); a check under way finishes on its own connection."""
        self._stopped.set()

    def wait(self, seconds: float | None = None) -> bool:
        """Wait at most `seconds` for the answer; True once there is one."""
        return self._answered.wait(seconds)

    def allow_write(self, seconds: float) -> None:
        """Return if a write may go ahead; DeskError if the store is damaged or still unchecked after `seconds`."""
        if not self._answered.wait(seconds):
            raise DeskError("store", "store_checking")
        if self.problem is not None:
            raise self.problem

    def when_answered(self, listener: Callable[[DeskError | None], None]) -> None:
        """Call `listener(problem)` once answered (None: sound): on the check's thread, or at once if done."""
        with self._lock:
            if not self._answered.is_set():
                self._listeners.append(listener)
                return
        listener(self.problem)

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            while True:
                try:
                    _check_before_opening(self.path)
                    problem: DeskError | None = None
                except DeskError as exc:
                    if exc.key == "store_busy" and not self._stopped.wait(self.RETRY_S):
                        continue  # another program holds it locked: its answer is still owed
                    problem = exc
                break
        except BaseException as exc:  # a fault of the check itself: refuse writes, and show it
            self._answer(DeskError("store", "store_error", detail=str(exc)), started)
            raise
        self._answer(problem, started)

    def _answer(self, problem: DeskError | None, started: float) -> None:
        with self._lock:
            self.problem = problem
            self.seconds = time.perf_counter() - started
            self._answered.set()
            listeners, self._listeners = self._listeners, []
        for listener in listeners:
            listener(problem)


@dataclass
class Store:
    """An open store. `db` is the sqlite-utils Database over one connection."""

    db: Database
    path: str
    #: which file was opened, and its restore generation: a change of either means a restore
    #: replaced the data underneath this connection
    identity: tuple[int, int] | None = None
    generation: str | None = None
    #: called after the store was reopened because of a restore (the window refreshes its views)
    on_reopen: list[Callable[[], None]] = field(default_factory=list)
    #: the whole-file check still owed (opened with `full_check=False`); None once not owed
    damage_check: DamageCheck | None = None
    #: inside `patience`: background work that tries again later rather than wait
    background: bool = False
    #: the SQLAlchemy Connection over `conn` that `sql` runs on (bound by `_bind`)
    _sa: Connection | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._bind()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def _bind(self) -> None:
        """Put the SQLAlchemy Connection `sql` uses over this store's very sqlite3 connection.

        One connection, so what the domain runs through `sql` and what still runs through
        sqlite3 or sqlite-utils (the migrations, backup, restore) share one transaction. The
        driver is in autocommit (`isolation_level=None`: it never opens a transaction of its
        own) and SQLAlchemy is never asked to begin, commit or roll back, nor to reset the
        connection when it is returned: `write()` alone issues BEGIN IMMEDIATE, COMMIT and
        ROLLBACK, as before. Bound before any transaction is open (the engine's first connect
        rolls back).
        """
        raw = self.db.conn
        engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool,
                               isolation_level="AUTOCOMMIT", pool_reset_on_return=None)
        self._sa = engine.connect()

    def sql(self, statement: str, /, **params: Any) -> Rows:
        """Run one SQL statement of the domain, with named binds (`:id`), and give its result.

        The one way the domain talks to the store. The statement is plain SQL both engines
        read (no SQLite date functions, `RETURNING id` for a new row's id); a list or tuple
        bound value is expanded for `IN :ids`. The rows are plain tuples (`Rows`). A refusal
        by the store's rules raises `IntegrityError`, any other error of the engine another
        of SQLAlchemy's DBAPIError classes, as SQLAlchemy's own execution would.

        The text() is compiled by the engine's SQLAlchemy dialect once (`_prepare`) and run on
        the DBAPI cursor of the connection SQLAlchemy holds. SQLAlchemy's per-execution work
        (result metadata, events) is left out: it cost about 40 µs a statement, a millisecond
        on each booking's two dozen statements.
        """
        sql, values = self._compiled(statement, params)
        assert self._sa is not None, "the store is closed"
        dialect = self._sa.dialect
        try:
            cursor = self._execute(sql, values)
        except dialect.loaded_dbapi.Error as exc:
            raise sa_exc.DBAPIError.instance(sql, values, exc, dialect.loaded_dbapi.Error, dialect=dialect) from exc
        return Rows(cursor)

    def read_all(self, *reads: Read[Any]) -> list[Any]:
        """Several reads that need nothing of one another, each's answer in order (`Read.answer` of
        its rows). SQLite runs them one after the other; a server store sends them in one message, so
        that they cost one round trip (booking/store/postgres/store.py)."""
        return [read.answer(self.sql(read.statement, **read.params)) for read in reads]

    def read(self, one: Read[T]) -> T:
        """One `Read`, answered."""
        answer: T = self.read_all(one)[0]
        return answer

    def append(self, statement: str, /, **params: Any) -> None:
        """Run a change whose answer the caller never reads (an INSERT appending a record: an audit
        entry, a scan) as part of the open write.

        SQLite runs it at once, as `sql` would. A server store sends it with the write's next
        message, at the latest with its COMMIT, so that it costs no round trip of its own
        (booking/store/postgres/store.py). Either way it is the write's: should the store refuse
        it, the whole write is refused, never half of it."""
        self.sql(statement, **params)

    def _compiled(self, statement: str, params: dict[str, Any]) -> tuple[str, Any]:
        """`statement` as the engine's driver takes it, with its values in the driver's order."""
        assert self._sa is not None, "the store is closed"
        shape = tuple((k, len(v)) for k, v in params.items() if isinstance(v, (list, tuple)))
        prepared = _prepare(self._sa.dialect, statement, shape)
        if shape:
            params = _expanded(params)
        return prepared.sql, params if prepared.order is None else [params[name] for name in prepared.order]

    def sql_many(self, statement: str, rows: Sequence[Mapping[str, Any]], /) -> list[Any]:
        """Run one statement of the domain once for each of `rows` (its named binds), as one batch.

        What an import of thousands of rows needs: on the server the batch travels pipelined
        (psycopg's executemany), not as a round trip a row; here, on the file, each row is a call
        into SQLite in this process anyway. Returns the rows the statements gave back (`RETURNING
        id`), in the order of `rows`, as plain tuples (empty for a statement that returns none).
        Inside a write, a refusal by the store's rules fails the whole batch (`IntegrityError`, as
        `sql` raises it), none of its rows kept, and the write may go on or roll back, as after a
        refused `sql` (outside a write, each row is a statement of its own). No list-valued binds
        (`IN :ids`): each row is one statement's values.
        """
        assert self._sa is not None, "the store is closed"
        if not rows:
            return []
        dialect = self._sa.dialect
        prepared = _prepare(dialect, statement, ())
        values: list[Any] = [dict(row) if prepared.order is None else [row[name] for name in prepared.order]
                             for row in rows]
        try:
            return self._execute_many(prepared.sql, values)
        except dialect.loaded_dbapi.Error as exc:
            raise sa_exc.DBAPIError.instance(prepared.sql, values, exc, dialect.loaded_dbapi.Error,
                                             dialect=dialect) from exc

    def _execute_many(self, sql: str, values: list[Any]) -> list[Any]:
        """Run one compiled statement for each of `values` on one cursor; the rows they return, in order
        (a server store pipelines them under one savepoint: booking/store/postgres/store.py)."""
        assert self._sa is not None, "the store is closed"
        cursor = self._sa.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        guarded = self.conn.in_transaction  # inside a write: the batch is undone whole, as one statement is
        found: list[Any] = []
        try:
            if guarded:
                cursor.execute("SAVEPOINT linli_batch")
            try:
                for one in values:
                    cursor.execute(sql, one)
                    found.extend(cursor.fetchall())
            except BaseException:
                if guarded:
                    cursor.execute("ROLLBACK TO SAVEPOINT linli_batch")
                    cursor.execute("RELEASE SAVEPOINT linli_batch")
                raise
            if guarded:
                cursor.execute("RELEASE SAVEPOINT linli_batch")
        finally:
            cursor.close()
        return found

    def _execute(self, sql: str, values: Any) -> DBAPICursor:
        """Run one compiled statement on a cursor of the driver's connection (a server store
        sends its savepoint with it: booking/store/postgres/store.py)."""
        assert self._sa is not None, "the store is closed"
        cursor = self._sa.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(sql, values)
        return cursor

    def _configure(self) -> None:
        self.conn.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                with self.db.ensure_autocommit_on():
                    self.conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a booking the desk confirmed survives a power cut.
        self.conn.execute("PRAGMA synchronous = FULL")

    def _current_generation(self) -> str | None:
        try:
            return self.setting(GENERATION_KEY)
        except (sqlite3.OperationalError, sa_exc.OperationalError):  # before the first migration: no setting table
            return None

    def _remember_identity(self) -> None:
        self.identity = None if self.path == ":memory:" else file_identity(self.path)
        self.generation = self._current_generation()

    def replaced(self) -> bool:
        """True if a restore replaced the file or its data since this connection looked."""
        if self.path == ":memory:":
            return False
        return file_identity(self.path) != self.identity or self._current_generation() != self.generation

    def reopen(self) -> None:
        """Connect again to whatever file is at the path now (after a restore), and tell the listeners."""
        if self.path != ":memory:" and file_identity(self.path) != self.identity:
            old = self.db
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
            self.db = Database(conn)
            self._bind()
            self._configure()
            if self.identity is not None:  # a disconnected Store is no longer counted
                with contextlib.suppress(sqlite3.Error):
                    old.close()
                untrack(self.path)
            track(self.path)
        self._remember_identity()
        # A restore only ever puts a file in place that passed integrity_check (a superset of
        # quick_check) on its private copy: a damage found in the data before it is gone with it.
        self.damage_check = None
        for listener in list(self.on_reopen):
            listener()

    def notice_restore(self) -> bool:
        """Reopen if a restore happened underneath; True if it did (the caller tells the clerk)."""
        if self.identity is None or self.conn.in_transaction or not self.replaced():
            return False  # closed (the window is going), mid-write, or nothing happened
        self.reopen()
        return True

    def disconnect(self) -> None:
        """Close the connection but keep the Store; `reopen()` connects again (a restore in between)."""
        if self.identity is not None:
            self.db.close()
            untrack(self.path)
        self.identity = None

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        """One write transaction holding the write lock from its first statement."""
        if self.conn.in_transaction:  # nested: a savepoint inside the outer write
            with self.db.atomic():
                yield self.db
            return
        if self.damage_check is not None:  # the window's whole-file check: waited for, then obeyed
            # Background work (in `patience`) tries again later, and the window runs it again
            # once the check passed: it does not wait. A clerk's write waits as for a lock.
            self.damage_check.allow_write(0.0 if self.background else BUSY_TIMEOUT_S)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise translate_sqlite_error(exc, self.path) from exc
        # Under the write lock, so no restore can come between this check and the commit: a
        # desk whose store was restored underneath it never confirms into a replaced file or
        # on the strength of data that is gone. It reopens and says so; nothing was saved.
        if self.identity is not None and self.replaced():
            self.db.rollback()
            self.reopen()
            raise DeskError("store", "store_restored")
        try:
            yield self.db
        except (sqlite3.OperationalError, sa_exc.OperationalError) as exc:
            # The disk filled up or the file turned read-only mid-write: the user's words, not
            # SQLite's; the rollback means nothing of this change was kept, as the message says.
            self.db.rollback()
            raise translate_sqlite_error(exc, self.path) from exc
        except BaseException:
            self.db.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.db.rollback()
            raise translate_sqlite_error(exc, self.path) from exc

    @contextlib.contextmanager
    def patience(self, seconds: float) -> Iterator[None]:
        """Wait at most `seconds` for another program's lock inside this block.

        Background work that can simply try again next minute (the no-show sweep
        in the window) must not freeze the window for the full busy timeout.
        """
        self.conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
        self.background = True
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self.background = False

    def change_mark(self) -> tuple[int, int]:
        """A value that moves whenever any connection committed a change to the store (SQLite:
        `PRAGMA data_version` for the others' commits, `total_changes` for this one's)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0]), self.conn.total_changes

    def watch(self) -> Watch:
        """What tells this desk of other programs' writes (booking/store/watch.py): the file's
        `data_version`; nothing for a store in memory, which no other program can reach."""
        return Watch() if self.path == ":memory:" else SQLiteWatch(lambda: self.conn)

    def applied_migrations(self) -> list[str]:
        """The names of the migrations recorded in the store, in the order they were applied."""
        return [m.name for m in schema.MIGRATIONS.applied(self.db)]

    def joined(self, column: str) -> str:
        """SQL for the values of `column` joined by commas, in a group or a subquery (SQLite's
        `group_concat`; the server's is `string_agg`). `column` is the program's own name."""
        return f"group_concat({column}, ',')"

    def minutes_before(self, moment: str, minutes: str) -> str:
        """SQL for the stored-time text (YYYY-MM-DD HH:MM) `minutes` before `moment`: both SQL
        expressions of the program's own (`moment` a stored time, `minutes` a whole number or NULL,
        read as 0). What `validation.reach_back` computes on this side, where the store can answer it
        in the same statement that reads the number, saving a query."""
        return f"strftime('%Y-%m-%d %H:%M', {moment}, '-' || coalesce({minutes}, 0) || ' minutes')"

    def folded_like(self, column: str, bind: str) -> str:
        """SQL true where `column` matches the LIKE pattern `:bind` (lowered by `fold_case`, escaped with
        a backslash) with A-Z folded. SQLite's LIKE folds A-Z itself, and lower() would cost it
        three times as long over the whole audit log; the server's LIKE folds nothing, and its
        lower() folds A-Z only under the columns' "C" collation: both answer alike."""
        return f"{column} LIKE :{bind} ESCAPE '\\'"

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.sql("SELECT value FROM setting WHERE key = :key", key=key).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.write():
            self.sql(
                "INSERT INTO setting(key, value) VALUES (:key, :value) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", key=key, value=value)

    def close(self) -> None:
        if self.damage_check is not None:
            self.damage_check.stop()
        if self.identity is not None:
            untrack(self.path)
            self.identity = None
        if self._sa is not None:
            self._sa.close()
        self.db.close()


T = TypeVar("T")


@dataclass(frozen=True)
class Read(Generic[T]):
    """A read to ask the store, and what to make of its rows: a module's query kept beside its reading
    of the answer, so that `Store.read_all` can ask several modules' questions at once."""

    statement: str
    params: dict[str, Any]
    answer: Callable[[Rows], T]


class Fetched:
    """A statement's rows already received, read as a driver's cursor is (`Rows` wraps it): what a
    server store's `read_all` has for each of the reads it sent in one message."""

    def __init__(self, rows: list[Any], description: Any, rowcount: int) -> None:
        self._rows = rows
        self._at = 0
        self.description = description
        self.rowcount = rowcount

    def fetchone(self) -> Any:
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchmany(self, size: int) -> list[Any]:
        found = self._rows[self._at:self._at + size]
        self._at += len(found)
        return found

    def fetchall(self) -> list[Any]:
        return self.fetchmany(len(self._rows))

    def close(self) -> None:
        self._at = len(self._rows)


class Rows:
    """What one statement gave back, as the domain reads it: each row a plain tuple, as the
    driver gave it (so rows compare, serialise and unpack as before), or a dict (`mappings`)."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: DBAPICursor | Fetched) -> None:
        self._cursor = cursor

    def __iter__(self) -> Iterator[Any]:
        while rows := self._cursor.fetchmany(256):  # as it is read: an export may be a year of bookings
            yield from rows

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    def scalar(self) -> Any:
        """The first column of the first row (None without one); the rest is discarded."""
        row = self._cursor.fetchone()
        self._cursor.close()
        return None if row is None else row[0]

    def scalar_one(self) -> Any:
        """The first column of the one row there must be (an INSERT's `RETURNING id`), all read."""
        rows = self._cursor.fetchall()
        self._cursor.close()
        if len(rows) != 1:
            raise sa_exc.NoResultFound("no row") if not rows else sa_exc.MultipleResultsFound("more than one row")
        return rows[0][0]

    def mappings(self) -> list[dict[str, Any]]:
        """Every row as a dict of column name to value."""
        names = [column[0] for column in self._cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in self._cursor.fetchall()]

    @property
    def rowcount(self) -> int:
        """How many rows an UPDATE or DELETE changed."""
        return int(self._cursor.rowcount)


@dataclass(frozen=True)
class _Prepared:
    """A domain statement as the engine's dialect compiled it."""

    sql: str
    #: the binds in the driver's positional order (sqlite3's `?`), or None: by name (psycopg's)
    order: tuple[str, ...] | None


#: compiled statements by (dialect class, paramstyle, text, lengths of the expanded lists)
_PREPARED: dict[tuple[type, str, str, tuple[tuple[str, int], ...]], _Prepared] = {}


def _prepare(dialect: Dialect, sql: str, shape: tuple[tuple[str, int], ...]) -> _Prepared:
    """`sql` as SQLAlchemy's compiler writes it for `dialect`, made once per text and list lengths.

    A list or tuple value of `shape` (name, length) is an expanding bind, `IN :ids`, rendered
    as that many placeholders (`ids_1`, `ids_2`, ... in `order`; see `_expanded`)."""
    key = (type(dialect), dialect.paramstyle, sql, shape)
    found = _PREPARED.get(key)
    if found is None:
        statement = text(sql)
        lengths = {name: length for name, length in shape if name in statement._bindparams}
        if lengths:  # rendered with stand-in values (the compiler wants one for every bind), never sent
            statement = statement.bindparams(*(
                bindparam(name, value=[None] * lengths[name], expanding=True) if name in lengths
                else bindparam(name, value=None) for name in statement._bindparams))
        compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        found = _Prepared(compiled.string, tuple(compiled.positiontup or ()) if compiled.positional else None)
        if len(_PREPARED) > 4096:  # the domain's statements are a few hundred; never grow without end
            _PREPARED.clear()
        _PREPARED[key] = found
    return found


def _expanded(params: dict[str, Any]) -> dict[str, Any]:
    """`params` with each list or tuple value also under the names SQLAlchemy gave its items."""
    out = dict(params)
    for name, value in params.items():
        if isinstance(value, (list, tuple)):
            out.update({f"{name}_{index}": item for index, item in enumerate(value, 1)})
    return out


def insert_sql(table: str, columns: Iterable[str], returning: str | None = None) -> str:
    """`INSERT INTO table(a, b) VALUES (:a, :b)` for a row given as a dict of column to value,
    with `RETURNING returning` to get its new id back. The columns are the program's own names."""
    names = list(columns)
    sql = f"INSERT INTO {table}({', '.join(names)}) VALUES ({', '.join(':' + name for name in names)})"
    return sql + (f" RETURNING {returning}" if returning else "")


def update_sql(table: str, columns: Iterable[str], where: str = "id = :id") -> str:
    """`UPDATE table SET a = :a, b = :b WHERE id = :id` for the changed columns of one row."""
    return f"UPDATE {table} SET {', '.join(f'{name} = :{name}' for name in columns)} WHERE {where}"


def refusal(exc: BaseException) -> str:
    """The engine's own words for why it refused a statement (without the SQL SQLAlchemy adds)."""
    return str(exc.orig) if isinstance(exc, sa_exc.DBAPIError) else str(exc)


def translate_sqlite_error(exc: BaseException, path: str) -> DeskError:
    """A sqlite3 error (bare, or as SQLAlchemy raised it) as a message the user can act on."""
    text = refusal(exc).lower()
    if "locked" in text or "busy" in text:
        return DeskError("store", "store_busy")
    if "readonly" in text or "read-only" in text:
        return DeskError("store", "store_readonly", path=path)
    if "full" in text:
        return DeskError("store", "store_full")
    if "disk i/o error" in text:  # what a write the system refuses (no room, a failing disk) gives on Linux
        return DeskError("store", "store_io")
    if "not a database" in text or "malformed" in text or "disk image" in text:
        return DeskError("store", "store_not_database", path=path)
    return DeskError("store", "store_error", detail=str(exc))


#: what `Store.folded_like` folds: A-Z to a-z, as SQLite's LIKE does and as PostgreSQL's lower() does under
#: the columns' "C" collation; other letters (É, Ａ) are matched as typed on both engines alike
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold_case(text: str) -> str:
    """`text` with A-Z lowered, as `Store.folded_like` wants its pattern: other letters as they are."""
    return text.translate(_ASCII_LOWER)


def sqlite_uri(path: str | PurePath, windows: bool | None = None, **params: str) -> str:
    """A `file:` URI SQLite accepts for `path`, with query `params` (e.g. mode="ro").

    A pure function of the path's text and the platform (tested for both). SQLite's URI
    rules (sqlite.org/uri.html) allow only an empty authority, so a Windows network path
    `\\\\nas\\share\\x.bak` must become `file:////nas/share/x.bak` (empty authority, the path
    `//nas/share/x.bak`, which Windows opens as UNC) and never `file://nas/...` as
    `Path.as_uri()` writes it; a drive path `Z:\\x.bak` becomes `file:///Z:/x.bak`.
    The characters SQLite would read as URI syntax (`%`, `?`, `#`) are escaped.
    """
    windows = (sys.platform == "win32") if windows is None else windows
    text = str(path)
    if windows:
        text = text.replace("\\", "/")
        if text.startswith("//?/UNC/"):  # the long form of a network path, as resolve() may give it
            text = "//" + text[len("//?/UNC/"):]
        elif text.startswith("//?/"):  # the long form of a drive path
            text = text[len("//?/"):]
        if not text.startswith("/"):
            text = "/" + text  # "Z:/x.bak" -> "/Z:/x.bak"; SQLite drops the slash before a drive letter
    quoted = text.replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"file://{quoted}" + (f"?{query}" if query else "")


def connect_read_only(path: str | Path, timeout: float = BUSY_TIMEOUT_S, *,
                      immutable: bool | None = None) -> sqlite3.Connection:
    """A connection that cannot write the database (`mode=ro`), through SQLite only.

    Without a -wal beside the file nobody has it open in WAL mode and all its data is in
    the file, so it is read as immutable: a read-only connection would otherwise leave a
    new -wal and -shm beside a file that may not even be ours. `immutable=True` reads it
    so even beside a -wal (the caller knows the -wal holds nothing).
    """
    absolute = Path(os.path.abspath(path))
    if immutable or (immutable is None and not absolute.with_name(absolute.name + "-wal").exists()):
        uri = sqlite_uri(absolute, mode="ro", immutable="1")
    else:
        uri = sqlite_uri(absolute, mode="ro")
    return sqlite3.connect(uri, uri=True, timeout=timeout)


def inspect(conn: sqlite3.Connection, path: str | Path, *, damage: bool = True) -> None:
    """SQLite's own answers on whether the file behind `conn` is a store this program may open.

    The one check every command, the window and `store-check` share. Raises DeskError
    (code "store"): not a SQLite file, another program's database (tables but no Linli
    migrations), written by a newer version, or damaged (`PRAGMA quick_check`). An empty
    database (no tables yet) passes: `init` or the first start makes it a store. Reads only.
    """
    with _sqlite_answers(path):
        _inspect(conn, str(path), damage)


def inspect_quickly(conn: sqlite3.Connection, path: str | Path) -> None:
    """`inspect` without the whole-file check, at the same cost on any store (`DamageCheck` owes it).

    SQLite itself refuses a file shorter than its header's page count (cut short by a copy
    or a power cut) at the first read; beyond the structure, the first and last rows of
    every table and the first entry of every index are read: their root pages and the pages
    at each end, where the newest rows are.
    """
    with _sqlite_answers(path):
        if _inspect(conn, str(path), damage=False) is not None:
            _read_the_ends(conn)


@contextlib.contextmanager
def _sqlite_answers(path: str | Path) -> Iterator[None]:
    """SQLite's errors while inspecting `path` as the DeskError the user reads."""
    name = str(path)
    try:
        yield
    except sqlite3.DatabaseError as exc:
        text = str(exc).lower()
        if "not a database" in text:
            raise DeskError("store", "store_not_database", path=name) from exc
        if "malformed" in text or "disk image" in text or "corrupt" in text:
            raise DeskError("store", "store_damaged", path=name, detail=str(exc)) from exc
        raise translate_sqlite_error(exc, name) from exc


def _inspect(conn: sqlite3.Connection, name: str, damage: bool) -> list[str] | None:
    """The checks of `inspect`; the store's applied migrations, or None for an empty database."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if damage:
        _quick_check(conn, name)
    if not tables:
        return None
    table = schema.MIGRATIONS.migrations_table
    applied = [] if table not in tables else [row[0] for row in conn.execute(
        f"SELECT name FROM [{table}] WHERE migration_set = ? ORDER BY rowid", (schema.MIGRATIONS.name,))]
    if not applied:
        raise DeskError("store", "store_foreign", path=name)
    unknown = [n for n in applied if n not in known_migrations()]
    if unknown:
        raise DeskError("store", "store_newer", names=", ".join(unknown))
    return applied


def _quick_check(conn: sqlite3.Connection, name: str) -> None:
    problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise DeskError("store", "store_damaged", path=name, detail="; ".join(problems[:3]))


_PARTIAL = re.compile(r"\bWHERE\b(.*)$", re.IGNORECASE | re.DOTALL)


def _read_the_ends(conn: sqlite3.Connection) -> None:
    """Read the first and last row of every table and the first entry of every index.

    A few pages of each b-tree, whatever its size: a garbled root page, or a file cut
    short where the newest rows were, raises SQLite's "malformed" here.
    """
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        conn.execute(f"SELECT * FROM [{table}] LIMIT 1").fetchall()
        with contextlib.suppress(sqlite3.OperationalError):  # only a WITHOUT ROWID table has no rowid
            conn.execute(f"SELECT * FROM [{table}] ORDER BY rowid DESC LIMIT 1").fetchall()
    indexes = conn.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'").fetchall()
    for index, table, sql in indexes:
        partial = _PARTIAL.search(sql or "")  # a partial index is used only under its own condition
        where = f" WHERE {partial.group(1)}" if partial else ""
        try:
            conn.execute(f"SELECT 1 FROM [{table}] INDEXED BY [{index}]{where} LIMIT 1").fetchall()
        except sqlite3.OperationalError as exc:
            if "no query solution" not in str(exc):  # the planner cannot use it so: nothing to read
                raise


def _check_before_opening(file: Path, *, damage: bool = True) -> None:
    """Refuse, without changing a byte, a file that is not ours (see `inspect`; `inspect_quickly`
    without `damage`).

    Through a read-only SQLite connection, never `open()`: reading the file outside SQLite
    while this process has it open would drop this process's POSIX locks (SQLite's "How To
    Corrupt", section 2.2), and the window may have it open while a restore or backup runs.
    """
    try:
        probe = connect_read_only(file)
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, str(file)) from exc
    try:
        if damage:
            inspect(probe, file)
        else:
            inspect_quickly(probe, file)
    finally:
        probe.close()


#: store files this process has open through SQLite (normalised path -> open connections).
#: While a file is listed, nothing in this process may open it outside SQLite: closing any
#: other descriptor of it would drop this process's POSIX locks (SQLite "How To Corrupt" 2.2).
_OPEN_HERE: dict[str, int] = {}


def _key(path: str | Path) -> str:
    return os.path.normcase(os.path.abspath(path))


def track(path: str | Path) -> None:
    """Note that this process opened a connection to the store file at `path`."""
    if str(path) != ":memory:":
        _OPEN_HERE[_key(path)] = _OPEN_HERE.get(_key(path), 0) + 1


def untrack(path: str | Path) -> None:
    if str(path) == ":memory:":
        return
    left = _OPEN_HERE.get(_key(path), 0) - 1
    if left > 0:
        _OPEN_HERE[_key(path)] = left
    else:
        _OPEN_HERE.pop(_key(path), None)


def open_in_this_process(path: str | Path) -> bool:
    """True while a connection of this process (a Store, a backup's or restore's) has the file open."""
    return _key(path) in _OPEN_HERE


_SIDECARS = ("-wal", "-shm", "-journal")


def refuse_store_file(path: str | Path, field: str = "path", *, writing: bool) -> None:
    """Refuse a file a clerk chose to read (an import) or write (an export, a PDF, a PNG) when it is
    a store or the -wal/-shm/-journal beside one. Written over, it would be lost; opened outside
    SQLite while this process has it open, closing it would drop this process's locks.

    A store this process has open is recognised by its path or its file identity; for writing,
    any other existing SQLite file too (a backup, another desk's store), by its header, read
    only because no connection of this process has that file open."""
    target = Path(path)
    bases = [target] + [target.with_name(target.name[:-len(s)]) for s in _SIDECARS if target.name.endswith(s)]
    open_identities = {file_identity(key) for key in _OPEN_HERE} - {None}
    for base in bases:
        if open_in_this_process(base) or (file_identity(base) is not None and file_identity(base) in open_identities):
            raise DeskError("invalid", "store_file_chosen", field=field, path=str(target))
    if writing and target.is_file():
        try:
            with open(target, "rb") as stream:  # not open through SQLite here: checked just above
                header = stream.read(len(SQLITE_HEADER))
        except OSError:
            return  # the write itself will say why it cannot
        if header == SQLITE_HEADER:
            raise DeskError("invalid", "store_file_chosen", field=field, path=str(target))


def file_identity(path: str | Path) -> tuple[int, int] | None:
    """Which file is at `path` now (device, inode / file index), or None; `stat`, never `open`."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def open_store(path: str | Path, *, migrate: bool = True, create: bool = True,
               full_check: bool = True) -> Store:
    """Open and migrate the store at `path`; ':memory:' for tests.

    With `create=False` (every command but `init`) a missing file is refused with
    DeskError "not_found" naming the path. A file that is not a SQLite database,
    another program's database, a damaged store, or one a newer version wrote is
    refused with a DeskError and left untouched (`inspect`).

    With `full_check=False` (the window) only the checks that cost the same on any store
    run before it opens (`inspect_quickly`); the whole-file check then runs on a worker
    thread (`Store.damage_check`), and until it has passed no write goes ahead: not the
    migrations, not the seeding, not the clerk's first booking.
    """
    name = str(path)
    owed = False  # a new or empty file has nothing in it to check
    if name != ":memory:":
        file = Path(path)
        if not file.exists():
            if not create:
                raise DeskError("not_found", "store_missing", path=name)
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DeskError("store", "store_cannot_create", path=name,
                                detail=exc.strerror or str(exc)) from exc
        elif file.is_dir():
            raise DeskError("store", "store_not_database", path=name)
        elif file.stat().st_size > 0:
            _check_before_opening(file, damage=full_check)
            owed = not full_check
    try:
        conn = sqlite3.connect(name, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise DeskError("store", "store_cannot_create", path=name, detail=str(exc)) from exc
    try:
        store = Store(db=Database(conn), path=name)
        if owed:
            store.damage_check = DamageCheck(name)
        store._configure()
        _check_version(store)  # a first read: the file is open in WAL mode, its -wal and -shm beside it
        if store.damage_check is not None:
            store.damage_check.start()
        if migrate and schema.MIGRATIONS.pending(store.db):
            with store.write():
                if schema.MIGRATIONS.pending(store.db):  # another process may have just done it
                    schema.MIGRATIONS.apply(store.db)
        store._remember_identity()
        track(name)
        return store
    except sqlite3.Error as exc:
        conn.close()
        raise translate_sqlite_error(exc, name) from exc
    except BaseException:
        conn.close()
        raise


def _check_version(store: Store) -> None:
    known = {m.name for m in schema.MIGRATIONS._migrations}
    unknown = [m.name for m in schema.MIGRATIONS.applied(store.db) if m.name not in known]
    if unknown:
        raise DeskError("store", "store_newer", names=", ".join(unknown))


def known_migrations() -> list[str]:
    return [m.name for m in schema.MIGRATIONS._migrations]
