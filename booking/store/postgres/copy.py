"""Copying a store between a SQLite file and a PostgreSQL database, both ways, verified.

`copy_store` moves a SQLite store onto an empty database in one transaction; `fill_server` (the
restore of a backup onto a server store) and `fill_file` (a backup of a server store, which is a
Linli SQLite file) are its two halves, the one table walk and checksum serving all three.

Every table is copied as it is, ids included, with the pass keys, so passes already printed stay
valid and every reference still points where it did; the identity sequences are then moved past
the highest id, so the server gives the next booking the number SQLite would have. Nothing is
computed again on the way: the store's own triggers (a new booking's pass nonce, the time-bank
balance, the longest booking) are switched off for the copy inside the transaction, since their
results are copied too, and a booking made before pass nonces keeps none. The constraints stay on:
a row the server's rules refuse stops the copy, naming its table. Before the commit, each table
is read back and compared with its source by its row count and a SHA-256 over its rows in key
order; on any difference, or any error, the transaction is rolled back and the target is left as
it was. copy-store refuses a database that is not empty before anything is written.
"""
from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy import Connection, text

from booking.store.errors import DeskError
from booking.store.location import StoreServer, redacted
from booking.store.postgres import migrate
from booking.store.postgres.engine import engine_for


SQLITE_MIGRATIONS = "_sqlite_migrations"

@dataclass(frozen=True)
class Step:
    """Where a copy is, told before each table of each of its phases.

    `phase`: "clear" (onto the server: the table's current rows deleted, the tables in reverse
    order), "copy" (its rows copied), "check" (read back and compared with its source); `table` the
    table's name; `done` how many tables of this phase came before it; `count` how many there are.
    """

    phase: str
    table: str
    done: int
    count: int


#: told each Step of a copy as it is reached (a backup's or a restore's progress dialog, copy-store's screen)
Progress = Callable[[Step], None]


def copy_file_to(source: Path, target: StoreServer, password: str | None, now: datetime,
                 progress: Progress | None = None) -> dict[str, Any]:
    """`copy_store` from the file `source` to the server `target` (`password`: None for the URL's own,
    or libpq's ways); a district's compound schema is made first if it is new. A server that can't
    be reached, or refuses the sign-in, is DeskError 'store' copy_store_connect, naming the URL."""
    engine = engine_for(target, password, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            if target.schema:  # a district's compound: its own schema, made here if new
                conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{target.schema}"')
                conn.commit()
            return copy_store(source, conn, now, progress)
    except sa.exc.OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
        raise DeskError("store", "copy_store_connect", url=target.shown(), reason=redacted(reason)) from None
    finally:
        engine.dispose()


def copy_store(source: Path, conn: Connection, now: datetime, progress: Progress | None = None) -> dict[str, Any]:
    """Copy the SQLite store `source` into the empty database `conn` is on; returns what was copied.

    `conn` must have no transaction open. `now` stamps the server's migration records. `progress`
    hears of each table before it is cleared (nothing to clear: a new store), copied and checked (`Step`).
    """
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as lite:
        lite.execute("BEGIN")  # one snapshot of the file for the copy and the check alike
        with conn.begin():
            _refuse_non_empty(conn)
            applied = migrate.apply_pending(conn, now)
            filled = fill_server(lite, conn, progress)
        lite.rollback()
    return {**filled, "migrations": applied}


def fill_server(lite: sqlite3.Connection, conn: Connection, progress: Progress | None = None) -> dict[str, Any]:
    """Inside `conn`'s transaction: every table of the server store becomes `lite`'s, checked.

    The server must have the same tables and columns as `lite` (the same migrations). Each
    table's rows are deleted and `lite`'s copied in with its triggers off (their results are
    copied too), the sequences moved past the highest id, and each table read back and compared
    with `lite` by row count and checksum: DeskError on any difference, for the caller's rollback.
    DELETE, not TRUNCATE: other desks keep reading the old rows until the commit, where TRUNCATE's
    lock would stop their every read. Needs the tables' owner (to switch their triggers off).
    `progress` hears of each table before it is cleared, copied and checked (`Step`).
    """
    tables = _tables_in_order(lite)
    _same_columns(lite, conn, tables)
    tell = _teller(progress, len(tables))
    for table in tables:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
    for done, table in enumerate(reversed(tables)):  # rows that point to others first; the foreign keys stay checked
        tell("clear", table, done)
        conn.exec_driver_sql(f'DELETE FROM "{table}"')
    for done, table in enumerate(tables):
        tell("copy", table, done)
        _copy_table(lite, conn, table)
    for table in tables:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
    sequences = _move_sequences(conn, tables)
    report = {}
    for done, table in enumerate(tables):
        tell("check", table, done)
        source_sum = _checksum(_rows(lite, table))
        target_sum = _checksum(_pg_rows(conn, table))
        if source_sum != target_sum:
            raise DeskError("store", "copy_store_mismatch", table=table, source=source_sum[0], target=target_sum[0])
        report[table] = {"rows": source_sum[0], "sha256": source_sum[1]}
    return {"tables": report, "sequences": sequences, "rows": sum(entry["rows"] for entry in report.values())}


def fill_file(conn: Connection, lite: sqlite3.Connection, progress: Progress | None = None) -> dict[str, Any]:
    """The other way: every table of `lite` (a SQLite store of the server's migrations) becomes the server's.

    Run it inside one transaction of `conn` (REPEATABLE READ: one snapshot for the copy and the
    check). `lite` is in autocommit; its triggers are dropped for the copy and made again after
    it, in one transaction of its own, as its rows already hold what they computed. Each table is
    read from the server once, in key order, hashed on the way into the file, then read back from
    the file and compared by row count and checksum: DeskError on any difference. `progress` hears
    of each table before it is copied and checked (`Step`: "copy", "check").
    """
    tables = _tables_in_order(lite)
    _same_columns(lite, conn, tables)
    tell = _teller(progress, len(tables))
    server_applied = migrate.applied(conn)
    file_applied = [r[0] for r in lite.execute(
        f"SELECT name FROM [{SQLITE_MIGRATIONS}] WHERE migration_set = 'linli' ORDER BY rowid")]
    if server_applied != file_applied:
        raise DeskError("store", "copy_store_schema", detail=", ".join(sorted(set(server_applied) ^ set(file_applied))))
    lite.execute("BEGIN")
    try:
        # the triggers (and, for speed, the indexes: built once at the end, not row by row)
        later = lite.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'index') "
                             "AND sql IS NOT NULL ORDER BY rowid").fetchall()
        for kind, name, _sql in later:
            lite.execute(f'DROP {kind.upper()} "{name}"')
        for table in reversed(tables):
            lite.execute(f'DELETE FROM "{table}"')  # the defaults the migrations seeded: the server has its own
        sums = {}
        for done, table in enumerate(tables):
            tell("copy", table, done)
            columns = _columns(lite, table)
            hashed = _Hashed(_pg_rows(conn, table))
            lite.executemany(f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) '
                             f'VALUES ({", ".join("?" for _ in columns)})', hashed)
            sums[table] = hashed.result()
        for _kind, _name, sql in later:
            lite.execute(sql)
        for name, at in conn.execute(text(f"SELECT name, applied_at FROM {migrate.RECORD_TABLE}")):
            lite.execute(f"UPDATE [{SQLITE_MIGRATIONS}] SET applied_at = ? WHERE migration_set = 'linli' "
                         "AND name = ?", (at, name))  # when the server applied each, not when this file was made
        lite.execute("COMMIT")
    except BaseException:
        lite.execute("ROLLBACK")
        raise
    report = {}
    for done, table in enumerate(tables):
        tell("check", table, done)
        found = _checksum(_rows(lite, table))
        if found != sums[table]:
            raise DeskError("store", "copy_store_mismatch", table=table, source=sums[table][0], target=found[0])
        report[table] = {"rows": found[0], "sha256": found[1]}
    return {"tables": report, "rows": sum(entry["rows"] for entry in report.values())}


def _teller(progress: Progress | None, count: int) -> Callable[[str, str, int], None]:
    """`tell(phase, table, done)`: the Step to `progress`, if there is one to tell."""
    def tell(phase: str, table: str, done: int) -> None:
        if progress is not None:
            progress(Step(phase, table, done, count))
    return tell


class _Hashed:
    """The rows of an iterable, passed on as they are while their `_checksum` is taken."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self._rows = rows
        self._digest = hashlib.sha256()
        self._count = 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self._rows:
            self._count += 1
            self._digest.update(repr(tuple(row)).encode("utf-8"))
            self._digest.update(b"\n")
            yield row

    def result(self) -> tuple[int, str]:
        return self._count, self._digest.hexdigest()


def _tables_in_order(lite: sqlite3.Connection) -> list[str]:
    """The store's tables, each after the tables its foreign keys point to."""
    names = [r[0] for r in lite.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ? "
        "ORDER BY name", (SQLITE_MIGRATIONS,))]
    needs = {name: {r[2] for r in lite.execute(f"PRAGMA foreign_key_list('{name}')")} - {name} for name in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [name for name in names if name not in ordered and needs[name] <= set(ordered)]
        if not ready:
            raise RuntimeError(f"foreign keys in a cycle: {sorted(set(names) - set(ordered))}")
        ordered.extend(ready)
    return ordered


def _refuse_non_empty(conn: Connection) -> None:
    found = list(conn.execute(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') ORDER BY 1")).scalars())
    if found:
        raise DeskError("store", "copy_store_not_empty", count=len(found), example=found[0])


def _columns(lite: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in lite.execute(f"PRAGMA table_info('{table}')")]


def _key(lite: sqlite3.Connection, table: str) -> list[str]:
    """The columns rows are ordered by for the check: the primary key, else every column."""
    info = lite.execute(f"PRAGMA table_info('{table}')").fetchall()
    key = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
    return key or [r[1] for r in info]


def _same_columns(lite: sqlite3.Connection, conn: Connection, tables: Sequence[str]) -> None:
    server = set(conn.execute(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r'")).scalars()) - {migrate.RECORD_TABLE}
    if server != set(tables):
        raise DeskError("store", "copy_store_schema", detail=", ".join(sorted(server ^ set(tables))))
    for table in tables:
        found = list(conn.execute(text(
            "SELECT attname FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) AND attnum > 0 "
            "AND NOT attisdropped ORDER BY attnum"), {"t": f'"{table}"'}).scalars())
        if found != _columns(lite, table):
            raise DeskError("store", "copy_store_schema", detail=table)


def _copy_table(lite: sqlite3.Connection, conn: Connection, table: str) -> None:
    columns = _columns(lite, table)
    names = ", ".join(f'"{c}"' for c in columns)
    raw = conn.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    try:
        with raw.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in lite.execute(f'SELECT {names} FROM "{table}"'):
                copy.write_row(row)
    except psycopg.errors.IntegrityError as exc:
        raise DeskError("store", "copy_store_refused", table=table,
                        reason=f"{exc.sqlstate} {exc.diag.constraint_name or exc.diag.message_primary}") from None


def _move_sequences(conn: Connection, tables: Iterable[str]) -> dict[str, int]:
    """Each identity sequence set so the next id is the highest copied + 1, as SQLite gives; by table."""
    moved = {}
    for table in tables:
        for column, sequence in conn.execute(text(
                "SELECT a.attname, pg_get_serial_sequence(:quoted, a.attname) FROM pg_attribute a "
                "WHERE a.attrelid = CAST(:quoted AS regclass) AND a.attidentity <> ''"), {"quoted": f'"{table}"'}):
            highest = conn.execute(text(f'SELECT max("{column}") FROM "{table}"')).scalar()
            conn.execute(text("SELECT setval(CAST(:seq AS regclass), :value, :called)"),
                         {"seq": sequence, "value": highest or 1, "called": highest is not None})
            moved[table] = (highest or 0) + 1
    return moved


def _rows(lite: sqlite3.Connection, table: str) -> Iterable[Sequence[Any]]:
    names = ", ".join(f'"{c}"' for c in _columns(lite, table))
    order = ", ".join(f'"{c}"' for c in _key(lite, table))
    return lite.execute(f'SELECT {names} FROM "{table}" ORDER BY {order}')


def _pg_rows(conn: Connection, table: str) -> Iterable[Sequence[Any]]:
    names = list(conn.execute(text(
        "SELECT attname FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum"), {"t": f'"{table}"'}).scalars())
    key = list(conn.execute(text(
        "SELECT a.attname FROM pg_index i JOIN unnest(i.indkey) WITH ORDINALITY k(attnum, n) ON true "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "WHERE i.indrelid = CAST(:t AS regclass) AND i.indisprimary ORDER BY k.n"), {"t": f'"{table}"'}).scalars())
    order = ", ".join(f'"{c}" NULLS FIRST' for c in (key or names))  # SQLite sorts NULL first
    cols = ", ".join(f'"{c}"' for c in names)
    return _streamed(conn, f'SELECT {cols} FROM "{table}" ORDER BY {order}')


def _streamed(conn: Connection, query: str) -> Iterator[Sequence[Any]]:
    """The rows of `query` a few thousand at a time (a server-side cursor: every caller is inside a
    transaction), so a ten-year table never sits whole in memory; psycopg's own rows, SQLite's values."""
    raw = conn.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    with raw.cursor(name="linli_copy_rows") as cursor:
        cursor.itersize = 5000
        cursor.execute(query)
        yield from cursor


def _checksum(rows: Iterable[Sequence[Any]]) -> tuple[int, str]:
    """The row count and a SHA-256 over the rows' Python values: repr tells 1, 1.0, '1' and b'1' apart."""
    hashed = _Hashed(rows)
    for _row in hashed:
        pass
    return hashed.result()
