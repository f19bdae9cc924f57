"""Backups of the store, without Qt: a checked copy, the automatic daily ones, which to offer.

Copies are made with SQLite's online backup API, never by copying the file:
the store runs in WAL mode, so the newest bookings may still sit in the -wal
file, and a byte copy taken while the desk writes can be torn. Each copy is
written under a temporary name, checked with `PRAGMA integrity_check` and only
then renamed into place, so a half-written backup never replaces a good one.

Nothing here reads a store file with plain `open()` while this process has a
SQLite connection to it (`store.open_in_this_process`): closing that descriptor
would drop every POSIX lock of the process (SQLite's "How To Corrupt" 2.2).
"""
from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import sqlite3
import time
from datetime import date
from pathlib import Path

from booking.ops import serverbackup
from booking.store import connection as stores
from booking.store.errors import DeskError
from booking.store.paths import data_dir
from booking.store.connection import BUSY_TIMEOUT_S, Store
from booking.ops.outcomes import Adopted, Backup, BackupFile, DailyBackup, StageProgress
from booking.ops.storefile import (Contents, check_file, discard, fsync, fsync_folder, linli_contents, os_text,
                                   partial_beside, same_file, taken)

PREFIX = "linli-desk"
#: the automatic copies of a store on the server: `linli-server-<host>_<database>[.<schema>]-…`
SERVER_PREFIX = "linli-server"
KEEP_DAILY = 14
KEEP_MONTHLY = 12
_DAILY = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d{{2}})-(\d{{2}})\.sqlite3$")
_MONTHLY = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d{{2}})\.sqlite3$")


def backup_dir() -> Path:
    """Where the automatic daily and monthly backups are kept."""
    return data_dir() / "backups"

# --- making a backup ----------------------------------------------------------------------------

def backup(source: Store | str | Path, to_path: str | Path, progress: StageProgress | None = None) -> Backup:
    """Copy the store (an open Store or a path) to `to_path` and prove the copy intact.

    The copy is a single self-contained file (rollback journal, not WAL), so it
    can be carried on a USB stick. Returns what was written. A store on the server is
    backed up to the same kind of file (booking/ops/serverbackup.py), telling `progress` of
    each table (outcomes.Stage); the file's own backup, a second or so, tells nothing.
    """
    if isinstance(source, Store) and serverbackup.on_server(source):
        return serverbackup.backup_server(source, to_path, progress)
    started = time.perf_counter()
    target = Path(to_path)
    store_path = Path(source.path if isinstance(source, Store) else source)
    if same_file(store_path, target):
        raise DeskError("usage", "backup_same_file", path=str(target))
    conn, owned = _source_connection(source)
    try:
        contents = write_checked_copy(conn, target, store_path)
    finally:
        if owned:
            conn.close()
            stores.untrack(store_path)
    return Backup(str(target), target.stat().st_size, "ok", contents.migrations, contents.bookings,
                  round((time.perf_counter() - started) * 1000))


def _source_connection(source: Store | str | Path) -> tuple[sqlite3.Connection, bool]:
    if isinstance(source, Store):
        return source.conn, False
    path = Path(source)
    if not path.is_file():
        raise DeskError("not_found", "backup_no_store", path=str(path))
    # SQLite's answer, not the header read with open(): the window may have this file open
    probe = stores.connect_read_only(path)
    try:
        stores.inspect(probe, path, damage=False)  # the copy's integrity_check looks for damage
    finally:
        probe.close()
    stores.track(path)
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S), True


def write_checked_copy(conn: sqlite3.Connection, target: Path, source: Path) -> Contents:
    """Backup-API copy of `conn` to a temporary file beside `target`, checked, then renamed over it.

    Until the copy is whole, intact and a Linli store, `target` is not touched: a refusal
    leaves every file as it was.
    """
    partial = partial_beside(target)
    try:
        copy = sqlite3.connect(str(partial))
        try:
            conn.backup(copy)
            # one self-contained file: no -wal beside it to forget when it is carried away
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise DeskError("store", "backup_copy_damaged", detail="; ".join(problems[:3]))
            try:
                contents = linli_contents(copy, source)
            except DeskError as exc:
                if exc.key in ("restore_not_linli",):
                    raise DeskError("store", "backup_not_linli", path=str(source)) from exc
                raise
        finally:
            copy.close()
        fsync(partial)
        os.replace(partial, target)
        fsync_folder(target.parent)
        return contents
    except sqlite3.Error as exc:
        raise _sqlite_problem(exc, target) from exc
    except OSError as exc:
        raise DeskError("store", "backup_cannot_write", path=str(target), detail=os_text(exc)) from exc
    finally:
        discard(partial)


def _sqlite_problem(exc: sqlite3.Error, target: Path) -> DeskError:
    text = str(exc).lower()
    if "malformed" in text or "not a database" in text or "disk image" in text:
        return DeskError("store", "backup_copy_damaged", detail=str(exc))
    return DeskError("store", "backup_cannot_write", path=str(target), detail=str(exc))


def adopt(source: str | Path, target: str | Path) -> Adopted:
    """Copy an earlier per-user store to the per-machine place (once: refused if one is there).

    A checked backup-API copy, so the earlier store is left exactly as it was (kept as a
    fallback until the admin deletes it).
    """
    source, target = Path(source), Path(target)
    if target.exists():
        raise DeskError("usage", "adopt_exists", path=str(target))
    if not source.is_file():
        raise DeskError("not_found", "adopt_none", path=str(source))
    made = backup(source, target)
    stores.open_store(target, create=False).close()  # back to WAL, as every store
    return Adopted(str(source), str(target), made.bookings)


# --- the automatic daily backup -----------------------------------------------------------------

def auto_backup(store: Store | str | Path, folder: str | Path | None = None, *,
                today: date) -> DailyBackup:
    """Today's backup, if there is none yet; keeps 14 daily and 12 monthly copies.

    The first backup of a month is also kept as that month's copy
    (linli-desk-2026-11.sqlite3). Only files named like ours are ever deleted. A store on the
    server has names of its own (`daily_prefix`), so its copies and a store file's never count
    as each other's day nor push each other out of the 14 and 12.
    """
    where = Path(folder) if folder is not None else backup_dir()
    prefix = daily_prefix(store)
    day = today  # the desk's own day, as on its board
    daily = where / f"{prefix}-{day:%Y-%m-%d}.sqlite3"
    monthly = where / f"{prefix}-{day:%Y-%m}.sqlite3"
    if daily.exists():
        return DailyBackup(str(where), None, None, [], skipped="already_today")
    made = backup(store, daily)
    month_copy = None
    if not monthly.exists():
        _copy_file(daily, monthly)
        month_copy = str(monthly)
    return DailyBackup(str(where), made.path, month_copy, [str(p) for p in _prune(where, prefix)], ms=made.ms)


def desk_daily_backup(store: Store | str | Path, folder: str | Path | None = None, *,
                      today: date) -> DailyBackup:
    """The daily backup a desk takes by itself when it starts (`auto_backup`), with the rule for a
    store on the server: only a desk signed in to the server as the store's owner takes it
    (skipped "not_owner" for the desks' role). A server store is shared by every desk of the
    community (of a district's compound): a copy on each desk's PC every day would put the whole
    store, pass keys included, on every PC, and every desk's start would read it all from the
    server; the owner's PC is the one that restores, so its copies are where they are needed
    (docs/shared-store.md, "6. Backups"). Any desk may still take one itself (`backup`).
    """
    if isinstance(store, Store) and serverbackup.on_server(store) and not serverbackup.owns_store(store):
        where = Path(folder) if folder is not None else backup_dir()
        return DailyBackup(str(where), None, None, [], skipped="not_owner")
    return auto_backup(store, folder, today=today)


def daily_prefix(store: Store | str | Path) -> str:
    """How the automatic copies of `store` are named: `linli-desk` for the store file, and for a store
    on the server `linli-server-<host>_<database>[.<schema>]`, so each server store has its own."""
    if isinstance(store, Store) and serverbackup.on_server(store):
        return f"{SERVER_PREFIX}-{serverbackup.label(store)}"
    return PREFIX


def _patterns(prefix: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The daily and the monthly copies' names of `prefix`: the two rules of KEEP_DAILY and KEEP_MONTHLY."""
    if prefix == PREFIX:
        return _DAILY, _MONTHLY
    named = re.escape(prefix)
    return (re.compile(rf"^{named}-(\d{{4}})-(\d{{2}})-(\d{{2}})\.sqlite3$"),
            re.compile(rf"^{named}-(\d{{4}})-(\d{{2}})\.sqlite3$"))


def _copy_file(source: Path, target: Path) -> None:
    """Copy a closed, checked backup file; the copy appears under its name only when complete."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        shutil.copyfile(source, partial)
        shutil.copystat(source, partial)  # the copy says when the backup was taken, not copied
        fsync(partial)
        os.replace(partial, target)
    except OSError as exc:
        raise DeskError("store", "backup_cannot_write", path=str(target), detail=os_text(exc)) from exc
    finally:
        partial.unlink(missing_ok=True)


def _prune(folder: Path, prefix: str = PREFIX) -> list[Path]:
    removed: list[Path] = []
    # Ages of files on disk, compared with their mtimes (which the OS stamps from its clock):
    # nothing the program stores, so not the desk's one clock (booking/store/clock.py).
    day_ago = time.time() - 86400
    for partial in folder.glob(f".{glob.escape(prefix)}-*.partial"):  # left by a desk switched off mid-backup
        with contextlib.suppress(OSError):
            if partial.stat().st_mtime < day_ago:
                partial.unlink()
    daily, monthly = _patterns(prefix)
    for pattern, keep in ((daily, KEEP_DAILY), (monthly, KEEP_MONTHLY)):
        found = sorted((p for p in folder.iterdir() if pattern.match(p.name)), key=lambda p: p.name, reverse=True)
        for old in found[keep:]:
            try:
                old.unlink()
                removed.append(old)
            except OSError:  # in use by a copy tool: try again tomorrow
                pass
    return removed


def backups(folder: str | Path | None = None) -> list[Path]:
    """The automatic backups of the store file in `folder`, newest first (monthly copies after the
    daily ones of a day); never a server store's, which is not what the file's start-up check offers."""
    where = Path(folder) if folder is not None else backup_dir()
    if not where.is_dir():
        return []
    found = [p for p in where.iterdir() if _DAILY.match(p.name) or _MONTHLY.match(p.name)]
    return sorted(found, key=lambda p: (p.stat().st_mtime, _DAILY.match(p.name) is not None), reverse=True)


def describe_backup(path: str | Path) -> BackupFile:
    """What a backup file holds, for "restore this one?"; DeskError if it could not be restored."""
    file = Path(path)
    if not file.is_file():
        raise DeskError("not_found", "restore_no_file", path=str(file))
    contents = check_file(file, quick=True)
    return BackupFile(str(file), taken(file), file.stat().st_size, contents.bookings, contents.migrations)


def newest_good_backup(folder: str | Path | None = None,
                       at_least: dict[str, int] | None = None) -> Path | None:
    """The newest automatic backup that is intact and is a Linli store this program can open.

    With `at_least` (the newest booking and audit ids still readable in the store), a
    backup that holds less than that is never offered: restoring it would lose data.
    """
    for candidate in backups(folder):
        try:
            contents = check_file(candidate, quick=True)
        except DeskError:
            continue
        if at_least and (contents.newest_booking < at_least.get("booking", 0)
                         or contents.newest_audit < at_least.get("audit", 0)):
            return None  # the newest intact backup is older than the data: offer none
        return candidate
    return None
