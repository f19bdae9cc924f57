"""Moving a SQLite store onto an empty PostgreSQL database, verified, in one transaction.

Every table is copied as it is, ids included, with the pass keys, so passes already printed stay
valid and every reference still points where it did; the identity sequences are then moved past
the highest id, so the server gives the next booking the number SQLite would have. Nothing is
computed again on the way: the store's own triggers (a new booking's pass nonce, the time-bank
balance, the longest booking) are switched off for the copy inside the transaction, since their
results are copied too, and a booking made before pass nonces keeps none. The constraints stay on:
a row the server's rules refuse stops the copy, naming its table. Before the commit, each table
is read back from the server and compared with the file by its row count and a SHA-256 over its
rows in key order; on any difference, or any error, the transaction is rolled back and the
database is left empty, as it was. A database that is not empty is refused before anything is written.
"""
from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Sequence
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

#: told before each table is copied: (its name, how many tables were copied before it, how many there are)
Progress = Callable[[str, int, int], None]


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
    hears of each table before it is copied (the check of them all comes after the last).
    """
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as lite:
        lite.execute("BEGIN")  # one snapshot of the file for the copy and the check alike
        tables = _tables_in_order(lite)
        with conn.begin():
            _refuse_non_empty(conn)
            applied = migrate.apply_pending(conn, now)
            _same_columns(lite, conn, tables)
            for table in tables:
                conn.exec_driver_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
                conn.exec_driver_sql(f'DELETE FROM "{table}"')  # the defaults 0005 seeded: the file has its own
            for done, table in enumerate(tables):
                if progress is not None:
                    progress(table, done, len(tables))
                _copy_table(lite, conn, table)
            for table in tables:
                conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
            sequences = _move_sequences(conn, tables)
            report = {}
            for table in tables:
                source_sum = _checksum(_rows(lite, table))
                target_sum = _checksum(_pg_rows(conn, table))
                if source_sum != target_sum:
                    raise DeskError("store", "copy_store_mismatch", table=table, source=source_sum[0],
                                    target=target_sum[0])
                report[table] = {"rows": source_sum[0], "sha256": source_sum[1]}
        lite.rollback()
    return {"tables": report, "sequences": sequences, "migrations": applied,
            "rows": sum(entry["rows"] for entry in report.values())}


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
    return conn.exec_driver_sql(f'SELECT {cols} FROM "{table}" ORDER BY {order}')


def _checksum(rows: Iterable[Sequence[Any]]) -> tuple[int, str]:
    """The row count and a SHA-256 over the rows' Python values: repr tells 1, 1.0, '1' and b'1' apart."""
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        count += 1
        digest.update(repr(tuple(row)).encode("utf-8"))
        digest.update(b"\n")
    return count, digest.hexdigest()
