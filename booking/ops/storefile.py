"""Checking a store file, and the small file helpers that backup, restore and the start-up check share.

`check_file` and `linli_contents` say whether a file is an intact Linli store this program can
open (and what it holds); the rest are the careful file calls (fsync, temporary files and
folders removed without raising, a folder's write test) and the texts of sizes, times and
system errors. Reads only, except the temporary files it is asked to remove.
"""
from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
import stat
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from booking.store import schema
from booking.store import connection as stores
from booking.store.errors import DeskError
from booking.store.connection import known_migrations

log = logging.getLogger("linli.backup")


@dataclass(frozen=True)
class Contents:
    """What a checked store file holds."""

    migrations: list[str]
    bookings: int
    newest_booking: int = 0
    newest_audit: int = 0


# --- checking a file ----------------------------------------------------------------------------

def check_file(path: Path, quick: bool = False) -> Contents:
    """Raise DeskError unless `path` is an intact Linli store this program can open. Read-only."""
    try:
        conn = stores.connect_read_only(path)
        try:
            check = "quick_check" if quick else "integrity_check"
            problems = [row[0] for row in conn.execute(f"PRAGMA {check}")]
            if problems != ["ok"]:
                raise DeskError("store", "restore_damaged", path=str(path), detail="; ".join(problems[:3]))
            return linli_contents(conn, path)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc).lower():
            raise DeskError("store", "restore_not_database", path=str(path)) from exc
        raise DeskError("store", "restore_damaged", path=str(path), detail=str(exc)) from exc
    except sqlite3.Error as exc:
        raise DeskError("store", "restore_damaged", path=str(path), detail=str(exc)) from exc


def _applied_migrations(conn: sqlite3.Connection) -> list[str]:
    table = schema.MIGRATIONS.migrations_table
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
        return []
    return [row[0] for row in conn.execute(
        f"SELECT name FROM [{table}] WHERE migration_set = ? ORDER BY rowid", (schema.MIGRATIONS.name,))]


def linli_contents(conn: sqlite3.Connection, path: Path) -> Contents:
    applied = _applied_migrations(conn)
    if not applied:
        raise DeskError("store", "restore_not_linli", path=str(path))
    unknown = [name for name in applied if name not in known_migrations()]
    if unknown:
        raise DeskError("store", "restore_newer", path=str(path), names=", ".join(unknown))
    has_bookings = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'booking'").fetchone()
    count = conn.execute("SELECT count(*) FROM booking").fetchone()[0] if has_bookings else 0
    newest = conn.execute("SELECT max(id) FROM audit").fetchone()[0] if conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'").fetchone() else None
    newest_booking = conn.execute("SELECT max(id) FROM booking").fetchone()[0] if has_bookings else None
    return Contents(applied, count, newest_booking or 0, newest or 0)


def contents_of(path: Path) -> Contents:
    conn = stores.connect_read_only(path)
    try:
        return linli_contents(conn, path)
    finally:
        conn.close()


# --- small file helpers -------------------------------------------------------------------------

def discard(path: Path) -> None:
    """Delete a temporary file; a failure (the antivirus still reading it) is logged, never raised."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not remove the temporary file %s: %s", path, exc)


def remove_quietly(folder: Path) -> None:
    """Delete a temporary folder; a failure must not turn a finished backup or restore into an error.

    What stays behind is removed at a later start (`clean_leftovers`).
    """
    try:
        shutil.rmtree(folder)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("could not remove the temporary folder %s: %s", folder, exc)


def seconds(timeout: float) -> str:
    return f"{timeout:g}"


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def file_is_read_only(path: Path) -> bool:
    """True for a file marked read-only (Windows' attribute shows as no write bit) or not writable by us."""
    mode = path.stat().st_mode
    return not (mode & stat.S_IWUSR) or not os.access(path, os.W_OK)


def folder_write_problem(folder: Path) -> tuple[str, dict[str, Any]] | None:
    """Try to make a file in `folder`: SQLite needs to, for its -wal and -shm files."""
    try:
        handle, name = tempfile.mkstemp(prefix=".linli-write-test-", dir=folder)
        os.close(handle)
        os.unlink(name)
        return None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            return "full", {"free": size_text(shutil.disk_usage(folder).free)}
        return "readonly_folder", {"detail": os_text(exc)}


def fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def fsync_folder(folder: Path) -> None:
    """Make a rename survive a power cut (POSIX; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def taken(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")


def size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def os_text(exc: OSError) -> str:
    return exc.strerror or str(exc)


def partial_beside(target: Path) -> Path:
    """A new empty `.NAME.*.partial` file beside `target` (its folder made if need be), to be
    renamed over it once whole; DeskError "backup_cannot_write" if the folder can't take it."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        os.close(handle)
    except OSError as exc:
        raise DeskError("store", "backup_cannot_write", path=str(target), detail=os_text(exc)) from exc
    return Path(name)


def restore_work_folder(where: Path) -> Path:
    """A private `.linli-restore-*` folder in `where` (a kill leaves it; `clean_leftovers` removes it)."""
    try:
        where.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".linli-restore-", dir=where))
    except OSError as exc:
        raise DeskError("store", "restore_readonly", path=str(where)) from exc
