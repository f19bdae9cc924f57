"""Backups, restore and the start-up check of the store, without Qt.

Copies are made with SQLite's online backup API, never by copying the file:
the store runs in WAL mode, so the newest bookings may still sit in the -wal
file, and a byte copy taken while the desk writes can be torn. Each copy is
written under a temporary name, checked with `PRAGMA integrity_check` and only
then renamed into place, so a half-written backup never replaces a good one.

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

import contextlib
import errno
import logging
import os
import re
import shutil
import sqlite3
import stat
import struct
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from booking.ops import setup
from booking.store import audit, i18n, schema
from booking.store import connection as stores
from booking.store.audit import Actor
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.paths import data_dir
from booking.store.connection import BUSY_TIMEOUT_S, GENERATION_KEY, Store, known_migrations

try:
    import fcntl  # POSIX only: asking who holds a lock, in the start-up check
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("linli.backup")

PREFIX = "linli-desk"
KEEP_DAILY = 14
KEEP_MONTHLY = 12
#: below this much free space the desk cannot promise to save a booking (WAL, journal, backups)
MIN_FREE_BYTES = 20 * 1024 * 1024
_DAILY = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d{{2}})-(\d{{2}})\.sqlite3$")
_MONTHLY = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d{{2}})\.sqlite3$")
#: problems where restoring a backup is the cure (for the others it would not help)
RESTORABLE = ("not_database", "damaged")


class StoreProblem(DeskError):
    """The store cannot be used as it is; says why and whether a good backup can replace it."""

    def __init__(self, problem: str, path: Path, backup: Path | None = None,
                 detail: tuple[str, dict[str, Any]] | None = None, **params: Any) -> None:
        self.problem = problem
        self.backup = backup
        self.detail = detail  # a message key and its parameters, rendered in the asked language
        details = {"problem": problem, "path": str(path),
                   "backup": str(backup) if backup else None,
                   "backup_taken": _taken(backup) if backup else None}
        super().__init__("store", f"startup_{problem}", details=details, path=str(path),
                         folder=str(path.parent), **params)

    def message(self, language: str | None = None) -> str:
        params = dict(self.params)
        if self.detail is not None:
            params["detail"] = tr(self.detail[0], language, **self.detail[1])
        text = tr(self.key, language, **params)
        if self.problem not in RESTORABLE:
            return text
        space = "" if (language or i18n.language()) == "zh" else " "  # Chinese needs no space after 。
        if self.backup is None:
            return text + space + tr("startup_no_backup", language)
        return text + space + tr("startup_offer_backup", language, taken=_taken(self.backup), file=self.backup.name)


@dataclass(frozen=True)
class _Contents:
    """What a checked store file holds."""

    migrations: list[str]
    bookings: int
    newest_booking: int = 0
    newest_audit: int = 0


def backup_dir() -> Path:
    """Where the automatic daily and monthly backups are kept."""
    return data_dir() / "backups"


# --- making a backup ----------------------------------------------------------------------------

def backup(source: Store | str | Path, to_path: str | Path) -> dict[str, Any]:
    """Copy the store (an open Store or a path) to `to_path` and prove the copy intact.

    The copy is a single self-contained file (rollback journal, not WAL), so it
    can be carried on a USB stick. Returns what was written.
    """
    started = time.perf_counter()
    target = Path(to_path)
    store_path = Path(source.path if isinstance(source, Store) else source)
    if _same_file(store_path, target):
        raise DeskError("usage", "backup_same_file", path=str(target))
    conn, owned = _source_connection(source)
    try:
        contents = _write_checked_copy(conn, target, store_path)
    finally:
        if owned:
            conn.close()
            stores.untrack(store_path)
    return {"backup": str(target), "bytes": target.stat().st_size, "integrity": "ok",
            "migrations": contents.migrations, "bookings": contents.bookings,
            "ms": round((time.perf_counter() - started) * 1000)}


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


def _write_checked_copy(conn: sqlite3.Connection, target: Path, source: Path) -> _Contents:
    """Backup-API copy of `conn` to a temporary file beside `target`, checked, then renamed over it.

    Until the copy is whole, intact and a Linli store, `target` is not touched: a refusal
    leaves every file as it was.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        os.close(handle)
    except OSError as exc:
        raise DeskError("store", "backup_cannot_write", path=str(target), detail=_os_text(exc)) from exc
    partial = Path(name)
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
                contents = _linli_contents(copy, source)
            except DeskError as exc:
                if exc.key in ("restore_not_linli",):
                    raise DeskError("store", "backup_not_linli", path=str(source)) from exc
                raise
        finally:
            copy.close()
        _fsync(partial)
        os.replace(partial, target)
        _fsync_folder(target.parent)
        return contents
    except sqlite3.Error as exc:
        raise _sqlite_problem(exc, target) from exc
    except OSError as exc:
        raise DeskError("store", "backup_cannot_write", path=str(target), detail=_os_text(exc)) from exc
    finally:
        _discard(partial)


def _sqlite_problem(exc: sqlite3.Error, target: Path) -> DeskError:
    text = str(exc).lower()
    if "malformed" in text or "not a database" in text or "disk image" in text:
        return DeskError("store", "backup_copy_damaged", detail=str(exc))
    return DeskError("store", "backup_cannot_write", path=str(target), detail=str(exc))


def adopt(source: str | Path, target: str | Path) -> dict[str, Any]:
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
    return {"moved_from": str(source), "store": str(target), "bookings": made["bookings"]}


# --- the automatic daily backup -----------------------------------------------------------------

def auto_backup(store: Store | str | Path, folder: str | Path | None = None, *,
                today: date) -> dict[str, Any]:
    """Today's backup, if there is none yet; keeps 14 daily and 12 monthly copies.

    The first backup of a month is also kept as that month's copy
    (linli-desk-2026-11.sqlite3). Only files named like ours are ever deleted.
    """
    where = Path(folder) if folder is not None else backup_dir()
    day = today  # the desk's own day, as on its board
    daily = where / f"{PREFIX}-{day:%Y-%m-%d}.sqlite3"
    monthly = where / f"{PREFIX}-{day:%Y-%m}.sqlite3"
    result: dict[str, Any] = {"folder": str(where), "daily": None, "monthly": None, "removed": []}
    if daily.exists():
        result["skipped"] = "already_today"
        return result
    made = backup(store, daily)
    result["daily"] = made["backup"]
    result["ms"] = made["ms"]
    if not monthly.exists():
        _copy_file(daily, monthly)
        result["monthly"] = str(monthly)
    result["removed"] = [str(p) for p in _prune(where)]
    return result


def _copy_file(source: Path, target: Path) -> None:
    """Copy a closed, checked backup file; the copy appears under its name only when complete."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        shutil.copyfile(source, partial)
        shutil.copystat(source, partial)  # the copy says when the backup was taken, not copied
        _fsync(partial)
        os.replace(partial, target)
    except OSError as exc:
        raise DeskError("store", "backup_cannot_write", path=str(target), detail=_os_text(exc)) from exc
    finally:
        partial.unlink(missing_ok=True)


def _prune(folder: Path) -> list[Path]:
    removed: list[Path] = []
    # Ages of files on disk, compared with their mtimes (which the OS stamps from its clock):
    # nothing the program stores, so not the desk's one clock (booking/store/clock.py).
    day_ago = time.time() - 86400
    for partial in folder.glob(f".{PREFIX}-*.partial"):  # left by a desk switched off mid-backup
        with contextlib.suppress(OSError):
            if partial.stat().st_mtime < day_ago:
                partial.unlink()
    for pattern, keep in ((_DAILY, KEEP_DAILY), (_MONTHLY, KEEP_MONTHLY)):
        found = sorted((p for p in folder.iterdir() if pattern.match(p.name)), key=lambda p: p.name, reverse=True)
        for old in found[keep:]:
            try:
                old.unlink()
                removed.append(old)
            except OSError:  # in use by a copy tool: try again tomorrow
                pass
    return removed


def backups(folder: str | Path | None = None) -> list[Path]:
    """The automatic backups in `folder`, newest first (monthly copies after the daily ones of a day)."""
    where = Path(folder) if folder is not None else backup_dir()
    if not where.is_dir():
        return []
    found = [p for p in where.iterdir() if _DAILY.match(p.name) or _MONTHLY.match(p.name)]
    return sorted(found, key=lambda p: (p.stat().st_mtime, _DAILY.match(p.name) is not None), reverse=True)


def describe_backup(path: str | Path) -> dict[str, Any]:
    """What a backup file holds, for "restore this one?"; DeskError if it could not be restored."""
    file = Path(path)
    if not file.is_file():
        raise DeskError("not_found", "restore_no_file", path=str(file))
    contents = _check_file(file, quick=True)
    return {"path": str(file), "taken": _taken(file), "bytes": file.stat().st_size,
            "bookings": contents.bookings, "migrations": contents.migrations}


def newest_good_backup(folder: str | Path | None = None,
                       at_least: dict[str, int] | None = None) -> Path | None:
    """The newest automatic backup that is intact and is a Linli store this program can open.

    With `at_least` (the newest booking and audit ids still readable in the store), a
    backup that holds less than that is never offered: restoring it would lose data.
    """
    for candidate in backups(folder):
        try:
            contents = _check_file(candidate, quick=True)
        except DeskError:
            continue
        if at_least and (contents.newest_booking < at_least.get("booking", 0)
                         or contents.newest_audit < at_least.get("audit", 0)):
            return None  # the newest intact backup is older than the data: offer none
        return candidate
    return None


# --- restore ------------------------------------------------------------------------------------

def restore(from_path: str | Path, store_path: str | Path, now: datetime,
            actor: Actor | None = None, *, busy_timeout: float = BUSY_TIMEOUT_S) -> dict[str, Any]:
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
    if _same_file(source, store):
        raise DeskError("usage", "restore_same_file", path=str(source))
    _check_restorable_target(store)
    work = _work_folder(store.parent)
    try:
        checked = work / "checked.sqlite3"
        try:
            contents = _private_checked_copy(source, checked)
        except OSError as exc:
            raise DeskError("store", "restore_cannot_copy", path=str(source), detail=_os_text(exc)) from exc
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
        _remove_quietly(work)
    after = _contents_of(store)
    kept = str(aside) if aside else None
    return {"restored_from": str(source), "store": str(store), "kept_aside": kept,
            "migrations": after.migrations, "bookings": after.bookings, "backup_bookings": contents.bookings}


def aside_of(store: Path) -> str:
    """The newest kept-aside copy of `store`, for a message after a failed restore."""
    found = sorted(store.parent.glob(f"{store.name}.before-restore-*"), key=lambda p: p.name)
    return str(found[-1]) if found else ""


def _check_restorable_target(store: Path) -> None:
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeskError("store", "restore_readonly", path=str(store)) from exc
    folder_problem = _folder_write_problem(store.parent)
    if folder_problem or (store.exists() and _file_is_read_only(store)):
        raise DeskError("store", "restore_readonly", path=str(store))


def _work_folder(where: Path) -> Path:
    """A private `.linli-restore-*` folder beside the store (a kill leaves it; `clean_leftovers` removes it)."""
    try:
        return Path(tempfile.mkdtemp(prefix=".linli-restore-", dir=where))
    except OSError as exc:
        raise DeskError("store", "restore_readonly", path=str(where)) from exc


def _private_checked_copy(source: Path, copy: Path) -> _Contents:
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
            contents = _linli_contents(conn, source)
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
    verdict = _sqlite_verdict(store, busy_timeout)
    if verdict is None or verdict[0] == "newer":  # intact (a newer one is copied aside all the same)
        return True
    if verdict[0] == "locked":
        raise DeskError("store", "restore_busy", seconds=_seconds(busy_timeout))
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
                raise DeskError("store", "restore_busy", seconds=_seconds(busy_timeout)) from exc
            raise
        try:
            aside = _aside_name(store, now)
            # A second connection reads the copy (SQLite's backup cannot read from a connection
            # in a write transaction); it sees exactly what is committed, and nothing else can
            # commit while `live` holds the write lock.
            reader = sqlite3.connect(str(store), timeout=busy_timeout)
            stores.track(store)
            try:
                _write_checked_copy(reader, aside, store)
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
        _fsync(aside)
        for suffix in ("-wal", "-shm"):
            side = store.with_name(store.name + suffix)
            if side.is_file():
                shutil.copyfile(side, aside.with_name(aside.name + suffix))
    except OSError as exc:
        for leftover in (aside, aside.with_name(aside.name + "-wal"), aside.with_name(aside.name + "-shm")):
            _discard(leftover)
        raise DeskError("store", "restore_cannot_keep", detail=_os_text(exc)) from exc
    return aside


def _replace_file(checked: Path, store: Path, aside: Path | None) -> None:
    """Put the checked copy in the damaged store's place (its -wal and -shm belong to the damaged data)."""
    for suffix in ("-wal", "-shm"):
        store.with_name(store.name + suffix).unlink(missing_ok=True)
    _fsync(checked)
    os.replace(checked, store)
    _fsync_folder(store.parent)


def clean_leftovers(store_path: str | Path, now: datetime, older_than_s: float = 3600) -> list[str]:
    """Remove what a killed backup or restore left: `.linli-restore-*` folders, `.*.partial` copies.

    Only those older than `older_than_s` before `now`, so a backup or restore another
    desk is running at this moment keeps its files. Errors are logged, never raised: a
    folder the antivirus still holds is tried again at the next start.
    """
    removed: list[str] = []
    limit = now.timestamp() - older_than_s
    for folder in {Path(store_path).parent, backup_dir()}:
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


# --- the start-up check -------------------------------------------------------------------------

def startup_check(path: str | Path, backups_folder: str | Path | None = None, *,
                  min_free_bytes: int = MIN_FREE_BYTES, busy_timeout: float = 2.0,
                  damage: bool = True) -> dict[str, Any]:
    """Check that the store can be opened and written; raise StoreProblem if not.

    Changes no byte of any file and checkpoints nothing: SQLite checks a private
    copy of the store and its -wal (or, while this process has the store open, a
    read-only connection to it). A missing store is fine (the first start makes it)
    as long as its folder can be written. A damaged store is offered only a backup
    that is not older than what SQLite can still read of it.

    With `damage=False` (the window's start, which checks the whole file once it has
    opened the store: `store.DamageCheck`) the whole-file check is left out, and the
    store is first looked at where it lies, through an immutable read-only connection,
    instead of copied: milliseconds on any store. What that look doubts is judged
    again on the private copy, and a problem found there the full way, so a refusal
    says exactly what it says with `damage`.
    """
    started = time.perf_counter()
    file = Path(path)
    problem = _diagnose(file, min_free_bytes, busy_timeout, damage)
    if problem is not None:
        raise _store_problem(file, problem, backups_folder)
    return {"store": str(file), "ok": True, "exists": file.exists(),
            "bytes": file.stat().st_size if file.exists() else 0,
            "ms": round((time.perf_counter() - started) * 1000)}


def whole_file_problem(path: str | Path, error: DeskError,
                       backups_folder: str | Path | None = None) -> StoreProblem:
    """The start-up check's StoreProblem (and the backup it may offer) for the refusal of a
    whole-file check the window ran after it opened (`store.DamageCheck`), so the clerk reads
    what the start-up check would have said. Reads only, beside the window's own connection."""
    file = Path(path)
    try:
        conn = stores.connect_read_only(file)
    except sqlite3.Error:
        conn = None
    try:
        problem = _kind_of(error, conn)
    finally:
        if conn is not None:
            conn.close()
    return _store_problem(file, problem, backups_folder)


def _store_problem(file: Path, problem: tuple[str, dict[str, Any]],
                   backups_folder: str | Path | None) -> StoreProblem:
    kind, params = problem
    detail = params.pop("detail", None)
    newest = params.pop("newest", None)
    if isinstance(detail, str):  # SQLite's or the system's own words
        detail = ("startup_detail_text", {"text": detail})
    backup_file = newest_good_backup(backups_folder, newest) if kind in RESTORABLE else None
    return StoreProblem(kind, file, backup_file, detail, **params)


def _diagnose(file: Path, min_free_bytes: int, busy_timeout: float,
              damage: bool = True) -> tuple[str, dict[str, Any]] | None:
    folder = file.parent
    if not file.exists():
        if folder.exists():
            problem = _folder_write_problem(folder)
            if problem:
                return problem
        return None
    if file.stat().st_size == 0:
        return None  # an empty file is a new store; SQLite makes it one
    problem = _sqlite_verdict(file, busy_timeout, damage)
    if problem:
        return problem
    if _file_is_read_only(file):
        return "readonly", {}
    problem = _folder_write_problem(folder)
    if problem:
        return problem
    free = shutil.disk_usage(folder).free
    if free < min_free_bytes:
        return "full", {"free": _size_text(free)}
    return None


def _sqlite_verdict(file: Path, busy_timeout: float, damage: bool = True) -> tuple[str, dict[str, Any]] | None:
    """What SQLite says of the store and its -wal, read where no byte can change."""
    if stores.open_in_this_process(file):
        # Plain reads of the file would drop this process's locks; a read-only connection
        # beside our own open one changes nothing that is not already in use.
        try:
            conn = stores.connect_read_only(file, timeout=busy_timeout)
        except sqlite3.Error as exc:
            return _classify(exc)
        try:
            return _verdict(conn, file, damage)
        finally:
            conn.close()
    if fcntl is not None and sys.platform.startswith("linux") and _held_exclusively(file):
        return "locked", {}
    if not damage and _sound_where_it_lies(file):
        return None
    work = _work_folder_for_check(file.parent)
    try:
        copy = work / file.name
        try:
            shutil.copyfile(file, copy)
            wal = file.with_name(file.name + "-wal")
            if wal.is_file():
                shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        except PermissionError as exc:
            # Windows answers a file another program holds exclusively with a sharing violation
            if getattr(exc, "winerror", None) in (32, 33):
                return "locked", {}
            return "unreadable", {"detail": _os_text(exc)}
        except OSError as exc:
            return "unreadable", {"detail": _os_text(exc)}
        try:
            conn = sqlite3.connect(str(copy))
        except sqlite3.Error as exc:
            return "unreadable", {"detail": str(exc)}
        try:
            return _verdict(conn, file, damage)
        finally:
            conn.close()
    finally:
        _remove_quietly(work)


def _sound_where_it_lies(file: Path) -> bool:
    """The quick verdict on a store no connection of this process has open, read where it lies
    through an immutable read-only connection: no lock taken, nothing created or changed beside
    it, the -wal left unread. False for any doubt, which the caller judges again the full way.

    What sits only in a -wal (a desk cut off before its checkpoint, or another program's
    latest writes) is not seen here; the open that follows reads it (`store.open_store`'s
    checks on a read-only connection, then the whole-file check), so nothing is written to
    a store they refuse.
    """
    try:
        conn = stores.connect_read_only(file, timeout=0, immutable=True)
    except sqlite3.Error:
        return False
    try:
        stores.inspect_quickly(conn, file)
        return True
    except (DeskError, sqlite3.Error):
        return False
    finally:
        conn.close()


def _work_folder_for_check(beside: Path) -> Path:
    """A private folder for the check's copy: beside the store, else the system's temporary folder."""
    try:
        return Path(tempfile.mkdtemp(prefix=".linli-restore-check-", dir=beside))
    except OSError:
        return Path(tempfile.mkdtemp(prefix="linli-check-"))


def _held_exclusively(file: Path) -> bool:
    """Linux: does another process hold SQLite's exclusive lock on the file (BEGIN EXCLUSIVE)?

    Asks the system (F_GETLK) about SQLite's lock bytes without taking any lock. Called
    only while this process has no connection to the file, so closing the descriptor
    cannot drop a lock of ours; it refuses to look otherwise.
    """
    if stores.open_in_this_process(file):
        return False  # our own connection: closing a descriptor of the file would drop its locks
    try:
        handle = os.open(file, os.O_RDONLY)
    except OSError:
        return False
    try:
        shared_first = 0x40000000 + 2  # SQLite's PENDING byte + 2: the SHARED range
        probe = struct.pack("hhllhh", fcntl.F_RDLCK, 0, shared_first, 510, 0, 0)
        answer = fcntl.fcntl(handle, fcntl.F_GETLK, probe)
        return bool(struct.unpack("hhllhh", answer)[0] != fcntl.F_UNLCK)
    except OSError:
        return False
    finally:
        os.close(handle)


def _verdict(conn: sqlite3.Connection, file: Path, damage: bool = True) -> tuple[str, dict[str, Any]] | None:
    """The store check's problem from `inspect`'s answer on `conn`, with what is still readable.

    Without `damage` a problem is judged again with the whole-file check, so it reads as before.
    """
    try:
        if damage:
            stores.inspect(conn, file)
        else:
            stores.inspect_quickly(conn, file)
        return None
    except DeskError as exc:
        if not damage:
            return _verdict(conn, file, damage=True)
        return _kind_of(exc, conn)


def _kind_of(exc: DeskError, conn: sqlite3.Connection | None) -> tuple[str, dict[str, Any]]:
    """The start-up check's kind of problem for `inspect`'s refusal `exc` of the file behind `conn`."""
    if exc.key == "store_not_database" or exc.key == "store_foreign":
        return "not_database", {}
    if exc.key == "store_newer":
        return "newer", {"names": exc.params.get("names", "")}
    if exc.key == "store_damaged":
        return "damaged", {"detail": exc.params.get("detail", ""),
                           "newest": _newest_ids(conn) if conn is not None else None}
    if exc.key == "store_busy":
        return "locked", {}
    return "unreadable", {"detail": exc.message()}


def _newest_ids(conn: sqlite3.Connection) -> dict[str, int] | None:
    """The newest booking and audit ids SQLite can still read in a damaged store, if any."""
    found: dict[str, int] = {}
    for table in ("booking", "audit"):
        with contextlib.suppress(sqlite3.Error):
            row = conn.execute(f"SELECT max(id) FROM [{table}]").fetchone()
            if row and row[0] is not None:
                found[table] = int(row[0])
    return found or None


def _classify(exc: sqlite3.Error) -> tuple[str, dict[str, Any]]:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "locked", {}
    if "not a database" in text:
        return "not_database", {}
    if "malformed" in text or "disk image" in text or "corrupt" in text:
        return "damaged", {"detail": str(exc)}
    if "readonly" in text or "read-only" in text:
        return "readonly", {}
    if "full" in text:
        return "full", {"free": "0"}
    return "unreadable", {"detail": str(exc)}


# --- checking a file ----------------------------------------------------------------------------

def _check_file(path: Path, quick: bool = False) -> _Contents:
    """Raise DeskError unless `path` is an intact Linli store this program can open. Read-only."""
    try:
        conn = stores.connect_read_only(path)
        try:
            check = "quick_check" if quick else "integrity_check"
            problems = [row[0] for row in conn.execute(f"PRAGMA {check}")]
            if problems != ["ok"]:
                raise DeskError("store", "restore_damaged", path=str(path), detail="; ".join(problems[:3]))
            return _linli_contents(conn, path)
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


def _linli_contents(conn: sqlite3.Connection, path: Path) -> _Contents:
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
    return _Contents(applied, count, newest_booking or 0, newest or 0)


def _contents_of(path: Path) -> _Contents:
    conn = stores.connect_read_only(path)
    try:
        return _linli_contents(conn, path)
    finally:
        conn.close()


# --- small file helpers -------------------------------------------------------------------------

def _discard(path: Path) -> None:
    """Delete a temporary file; a failure (the antivirus still reading it) is logged, never raised."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not remove the temporary file %s: %s", path, exc)


def _remove_quietly(folder: Path) -> None:
    """Delete a temporary folder; a failure must not turn a finished backup or restore into an error.

    What stays behind is removed at a later start (`clean_leftovers`).
    """
    try:
        shutil.rmtree(folder)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("could not remove the temporary folder %s: %s", folder, exc)


def _seconds(timeout: float) -> str:
    return f"{timeout:g}"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _file_is_read_only(path: Path) -> bool:
    """True for a file marked read-only (Windows' attribute shows as no write bit) or not writable by us."""
    mode = path.stat().st_mode
    return not (mode & stat.S_IWUSR) or not os.access(path, os.W_OK)


def _folder_write_problem(folder: Path) -> tuple[str, dict[str, Any]] | None:
    """Try to make a file in `folder`: SQLite needs to, for its -wal and -shm files."""
    try:
        handle, name = tempfile.mkstemp(prefix=".linli-write-test-", dir=folder)
        os.close(handle)
        os.unlink(name)
        return None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            return "full", {"free": _size_text(shutil.disk_usage(folder).free)}
        return "readonly_folder", {"detail": _os_text(exc)}


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    """Make a rename survive a power cut (POSIX; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _taken(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def _os_text(exc: OSError) -> str:
    return exc.strerror or str(exc)
