"""The two transactions a backup and a restore of a server store run on the store's own connection.

- `snapshot`: REPEATABLE READ, READ ONLY. Every table is read in one consistent snapshot, so a
  backup is the store as it was at one moment, whatever other desks commit meanwhile; it takes no
  lock, so the desks go on booking while it runs.
- `replacing`: the store's write lock (its compound's own, locking.py) first, then REPEATABLE READ.
  The lock is taken as a session lock *before* the transaction begins: a REPEATABLE READ snapshot is
  taken by the transaction's first statement, and taking the lock that way would fix a snapshot from
  before the wait, missing what the desk holding the lock then committed. After it, every desk's write
  waits (for at most its lock timeout, then "store busy"), so what the restore keeps aside and replaces
  is exactly what is committed; the tables are also locked against writes, so even a writer that
  skipped the lock could not slip a row in between. Desks still read the old rows until the commit,
  then the new ones.
  The lock goes with the commit, the rollback, or the connection.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg
from sqlalchemy import Connection

from booking.store.connection import BUSY_TIMEOUT_S
from booking.store.errors import DeskError
from booking.store.postgres.store import ServerStore


def connection(store: ServerStore) -> Connection:
    """The SQLAlchemy Connection the store's statements run on (for copy.py's table walk)."""
    assert store._sa is not None, "the store is closed"
    return store._sa


@contextlib.contextmanager
def snapshot(store: ServerStore) -> Iterator[Connection]:
    """One REPEATABLE READ, READ ONLY transaction; always rolled back (it changes nothing)."""
    if store.in_transaction():
        raise RuntimeError("a snapshot needs the store's connection outside any transaction")
    store._run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        yield connection(store)
    finally:
        store._rollback()


def owns_every_table(store: ServerStore) -> bool:
    """Whether the signed-in role may switch the store's triggers off (it owns, or is in the owner's role)."""
    return bool(store.sql(
        "SELECT coalesce(bool_and(pg_has_role(current_user, c.relowner, 'USAGE')), false) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'"
    ).scalar())


@contextlib.contextmanager
def replacing(store: ServerStore, tables: list[str]) -> Iterator[Connection]:
    """The write lock, then one REPEATABLE READ transaction with `tables` locked against writes.

    Commits when the block ends normally, rolls back on any exception. A wait for another desk's
    lock longer than the store's lock timeout is DeskError 'restore_busy' (nothing changed).
    """
    if store.in_transaction():
        raise RuntimeError("a restore needs the store's connection outside any transaction")
    try:
        store.raw.execute("SELECT pg_advisory_lock(%s)", (store.write_lock,))
    except psycopg.Error as exc:
        _refused(exc, store)
    try:
        try:
            store.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            if tables:  # LOCK TABLE takes no snapshot: the first statement after it does
                names = ", ".join(f'"{t}"' for t in tables)
                store.raw.execute(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
        except psycopg.Error as exc:
            store._rollback()
            _refused(exc, store)
        try:
            yield connection(store)
        except BaseException:
            store._rollback()
            raise
        try:
            store.raw.execute("COMMIT")
        except psycopg.Error as exc:
            store._rollback()
            raise DeskError("store", "restore_server_commit", detail=_first_line(exc)) from exc
    finally:
        with contextlib.suppress(psycopg.Error):
            store.raw.execute("SELECT pg_advisory_unlock(%s)", (store.write_lock,))


def _refused(exc: psycopg.Error, store: ServerStore) -> None:
    found = store._error(exc)  # a lost connection also marks the store gone
    if found.key == "store_busy":
        raise DeskError("store", "restore_busy", seconds=f"{BUSY_TIMEOUT_S:g}") from exc
    raise found from exc


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def tables_of(store: ServerStore) -> list[str]:
    """The store's tables in its own schema (the migration record too)."""
    return [row[0] for row in store.sql(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY 1")]
