"""Restore of the store from a backup, without Qt, and the removal of what a killed backup or restore left.

A restore never overwrites anything without a copy: the chosen file is checked
first (a SQLite file, intact, a Linli store no newer than this program) on a
private copy, so the chosen file itself is never touched; the copy is migrated
and given a new restore generation; then, under the store's write lock, the
current data is kept aside as `linli-desk.sqlite3.before-restore-YYYYmmdd-HHMMSS`
and replaced in one transaction (see `restore`). Desks that have the store open
notice the new generation at their next write and reopen.

Nothing here reads a store file with plain `open()` while this process has a
SQLite connection to it (`store.open_in_this_process`): closing that descriptor
would drop every POSIX lock of the process (SQLite's "How To Corrupt" 2.2).
"""
from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import uuid
from datetime import datetime
from pathlib import Path

from booking.ops import setup
from booking.ops.backup import backup_dir, write_checked_copy
from booking.ops.outcomes import Restored
from booking.ops.startup import sqlite_verdict
from booking.ops.storefile import (Contents, contents_of, discard, file_is_read_only, folder_write_problem, fsync,
                                   fsync_folder, linli_contents, os_text, remove_quietly, restore_work_folder,
                                   same_file, seconds)
from booking.store import audit
from booking.store import connection as stores
from booking.store.audit import Actor
from booking.store.errors import DeskError
from booking.store.connection import BUSY_TIMEOUT_S, GENERATION_KEY

log = logging.getLogger("linli.backup")


# --- restore ------------------------------------------------------------------------------------

def restore(from_path: str | Path, store_path: str | Path, now: datetime,
            actor: Actor | None = None, *, busy_timeout: float = BUSY_TIMEOUT_S) -> Restored:
    """Replace the store's data with the backup at `from_path`, keeping the current data aside.

    With an `actor`, the restored store's audit log records who restored what.

    Refuses (DeskError, nothing changed) a file that is missing, not SQLite,
    damaged, another program's database, or written by a newer version, and
    a store it could not first copy aside. Waits for another program's write
    lock no longer than `busy_timeout`, as every other write does.

    An intact store is restored inside one write transaction on the store
    itself: under the write lock the current data is copied aside (backup API)
    and replaced, table by table, by the backup's. A booking another desk
    confirms is therefore either committed before (it is in the kept-aside
    copy) or after (it is in the restored store); the file stays the same, and
    the new restore generation makes every desk that has it open notice, say so
    and reopen at its next write (Store.write). A damaged or foreign file, whose
    data SQLite cannot read, is kept aside byte for byte and replaced by the
    checked copy; desks notice the new file by its identity.
    """
    source, store = Path(from_path), Path(store_path)
    moment = now
    if not source.is_file():
        raise DeskError("not_found", "restore_no_file", path=str(source))
    if same_file(source, store):
        raise DeskError("usage", "restore_same_file", path=str(source))
    _check_restorable_target(store)
    work = restore_work_folder(store.parent)
    try:
        checked = work / "checked.sqlite3"
        try:
            contents = _private_checked_copy(source, checked)
        except OSError as exc:
            raise DeskError("store", "restore_cannot_copy", path=str(source), detail=os_text(exc)) from exc
        _prepare_restored(checked, actor, moment, source)
        healthy = store.exists() and _readable_store(store, busy_timeout)
        try:
            if healthy:
                aside: Path | None = _swap_under_lock(checked, store, moment, busy_timeout)
            else:
                aside = _keep_aside_bytes(store, moment) if store.exists() else None
                _replace_file(checked, store, aside)
        except (OSError, sqlite3.Error) as exc:
            raise DeskError("store", "restore_failed", detail=str(exc), aside=str(aside_of(store)) or "-") from exc
    finally:
        remove_quietly(work)
    after = contents_of(store)
    kept = str(aside) if aside else None
    return Restored(str(source), str(store), kept, after.migrations, after.bookings, contents.bookings)


def aside_of(store: Path) -> str:
    """The newest kept-aside copy of `store`, for a message after a failed restore."""
    found = sorted(store.parent.glob(f"{store.name}.before-restore-*"), key=lambda p: p.name)
    return str(found[-1]) if found else ""


def _check_restorable_target(store: Path) -> None:
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeskError("store", "restore_readonly", path=str(store)) from exc
    folder_problem = folder_write_problem(store.parent)
    if folder_problem or (store.exists() and file_is_read_only(store)):
        raise DeskError("store", "restore_readonly", path=str(store))


def _private_checked_copy(source: Path, copy: Path) -> Contents:
    """Copy the chosen file (and its -wal, if any) and check the copy; the chosen file is never opened by SQLite."""
    shutil.copyfile(source, copy)
    wal = source.with_name(source.name + "-wal")
    if wal.is_file():
        shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
    try:
        conn = sqlite3.connect(str(copy))
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise DeskError("store", "restore_damaged", path=str(source), detail="; ".join(problems[:3]))
            contents = linli_contents(conn, source)
            conn.execute("PRAGMA journal_mode = DELETE")  # folds a copied -wal into the file
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc).lower():
            raise DeskError("store", "restore_not_database", path=str(source)) from exc
        raise DeskError("store", "restore_damaged", path=str(source), detail=str(exc)) from exc
    return contents


def _prepare_restored(checked: Path, actor: Actor | None, now: datetime, source: Path) -> None:
    """Bring the private copy up to this program's schema, record the restore, give it a new generation.

    All of it before the swap, so the store never shows an old schema or an unrecorded restore.
    """
    opened = setup.open_ready(checked, now=now)
    try:
        with opened.write():
            if actor is not None:
                audit.record(opened, actor, "restore", "store", None, after={"from": str(source)}, at=now)
            opened.conn.execute(
                "INSERT INTO setting(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (GENERATION_KEY, uuid.uuid4().hex))
        opened.conn.execute("PRAGMA journal_mode = DELETE")  # one file, ATTACHed below
    finally:
        opened.close()


def _readable_store(store: Path, busy_timeout: float) -> bool:
    """Whether SQLite can read the store's data (then it is restored in place, under the write lock).

    The start-up check's own verdict, so a look at a damaged file leaves nothing beside it.
    """
    verdict = sqlite_verdict(store, busy_timeout)
    if verdict is None or verdict[0] == "newer":  # intact (a newer one is copied aside all the same)
        return True
    if verdict[0] == "locked":
        raise DeskError("store", "restore_busy", seconds=seconds(busy_timeout))
    return False


def _aside_name(store: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    aside = store.with_name(f"{store.name}.before-restore-{stamp}")
    n = 2
    while aside.exists():
        aside = store.with_name(f"{store.name}.before-restore-{stamp}-{n}")
        n += 1
    return aside


def _swap_under_lock(checked: Path, store: Path, now: datetime, busy_timeout: float) -> Path:
    """Under the store's write lock: copy the current data aside, then replace it with `checked`'s."""
    live = sqlite3.connect(str(store), timeout=busy_timeout, isolation_level=None)
    stores.track(store)
    try:
        live.execute("PRAGMA foreign_keys = OFF")  # tables are dropped and refilled in any order
        live.execute("ATTACH DATABASE ? AS restored", (str(checked),))
        try:
            live.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if stores.translate_sqlite_error(exc, str(store)).key == "store_busy":
                raise DeskError("store", "restore_busy", seconds=seconds(busy_timeout)) from exc
            raise
        try:
            aside = _aside_name(store, now)
            # A second connection reads the copy (SQLite's backup cannot read from a connection
            # in a write transaction); it sees exactly what is committed, and nothing else can
            # commit while `live` holds the write lock.
            reader = sqlite3.connect(str(store), timeout=busy_timeout)
            stores.track(store)
            try:
                write_checked_copy(reader, aside, store)
            except DeskError as exc:
                raise DeskError("store", "restore_cannot_keep", detail=exc.message()) from exc
            finally:
                reader.close()
                stores.untrack(store)
            _replace_contents(live)
            live.execute("COMMIT")
        except BaseException:
            if live.in_transaction:
                live.execute("ROLLBACK")
            raise
        return aside
    finally:
        live.close()
        stores.untrack(store)


def _replace_contents(live: sqlite3.Connection) -> None:
    """Inside `live`'s write transaction: main's tables, indexes, views and triggers become `restored`'s."""
    for kind, name in live.execute(
            "SELECT type, name FROM main.sqlite_master WHERE type IN ('view', 'trigger', 'table') "
            "AND name NOT LIKE 'sqlite_%' ORDER BY type = 'table'").fetchall():
        if live.execute("SELECT 1 FROM main.sqlite_master WHERE name = ?", (name,)).fetchone():
            live.execute(f"DROP {kind.upper()} main.[{name}]")
    objects = live.execute("SELECT type, name, sql FROM restored.sqlite_master WHERE sql IS NOT NULL "
                           "AND name NOT LIKE 'sqlite_%' ORDER BY rowid").fetchall()
    for kind, name, sql in objects:
        if kind == "table":
            live.execute(sql)  # unqualified: made in main
            live.execute(f"INSERT INTO main.[{name}] SELECT * FROM restored.[{name}]")
    if live.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
        live.execute("DELETE FROM main.sqlite_sequence")
        if live.execute("SELECT 1 FROM restored.sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
            live.execute("INSERT INTO main.sqlite_sequence SELECT * FROM restored.sqlite_sequence")
    for kind, _name, sql in objects:  # triggers last: the rows above were checked when first written
        if kind != "table":
            live.execute(sql)
    version = live.execute("PRAGMA restored.user_version").fetchone()[0]
    live.execute(f"PRAGMA main.user_version = {int(version)}")


def _keep_aside_bytes(store: Path, now: datetime) -> Path:
    """A store SQLite cannot read: keep its bytes exactly as they are, with its -wal and -shm.

    Read with plain file calls, so only when this process has no connection to it
    (the window closes its own first; see ui/backups.restore_from).
    """
    if stores.open_in_this_process(store):
        raise DeskError("store", "restore_cannot_keep", detail=str(store))
    aside = _aside_name(store, now)
    try:
        shutil.copyfile(store, aside)
        fsync(aside)
        for suffix in ("-wal", "-shm"):
            side = store.with_name(store.name + suffix)
            if side.is_file():
                shutil.copyfile(side, aside.with_name(aside.name + suffix))
    except OSError as exc:
        for leftover in (aside, aside.with_name(aside.name + "-wal"), aside.with_name(aside.name + "-shm")):
            discard(leftover)
        raise DeskError("store", "restore_cannot_keep", detail=os_text(exc)) from exc
    return aside


def _replace_file(checked: Path, store: Path, aside: Path | None) -> None:
    """Put the checked copy in the damaged store's place (its -wal and -shm belong to the damaged data)."""
    for suffix in ("-wal", "-shm"):
        store.with_name(store.name + suffix).unlink(missing_ok=True)
    fsync(checked)
    os.replace(checked, store)
    fsync_folder(store.parent)


def clean_leftovers(store_path: str | Path | None, now: datetime, older_than_s: float = 3600) -> list[str]:
    """Remove what a killed backup or restore left: `.linli-restore-*` folders, `.*.partial` copies.

    Only those older than `older_than_s` before `now`, so a backup or restore another
    desk is running at this moment keeps its files (`store_path` None, a store on the server:
    only the backups folder). Errors are logged, never raised: a
    folder the antivirus still holds is tried again at the next start.
    """
    removed: list[str] = []
    limit = now.timestamp() - older_than_s
    for folder in {Path(store_path).parent if store_path is not None else backup_dir(), backup_dir()}:
        if not folder.is_dir():
            continue
        for leftover in [*folder.glob(".linli-restore-*"), *folder.glob(".*.partial")]:
            try:
                if leftover.stat().st_mtime >= limit:
                    continue
                if leftover.is_dir():
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()
                removed.append(str(leftover))
            except OSError as exc:
                log.warning("could not remove the leftover %s: %s", leftover, exc)
    return removed
