"""Backups, restore and the start-up check of the store, without Qt.

Copies are made with SQLite's online backup API, never by copying the file:
the store runs in WAL mode, so the newest bookings may still sit in the -wal
file, and a byte copy taken while the desk writes can be torn. Each copy is
written under a temporary name, checked with `PRAGMA integrity_check` and only
then renamed into place, so a half-written backup never replaces a good one.

A restore never overwrites anything without a copy: the chosen file is checked
first (a SQLite file, intact, a Linli store no newer than this program) on a
private copy, so the chosen file itself is never touched; the current store is
kept aside as `linli-desk.sqlite3.before-restore-YYYYmmdd-HHMMSS`; only then is
the backup written into the store, again through the backup API so a running
desk's -wal file can never be replayed over the restored data.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import sqlite3
import stat
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from booking import audit, i18n, schema
from booking.audit import Actor
from booking.errors import DeskError
from booking.i18n import define, tr
from booking.paths import data_dir
from booking.store import SQLITE_HEADER, Store, known_migrations

PREFIX = "linli-desk"
KEEP_DAILY = 14
KEEP_MONTHLY = 12
#: below this much free space the desk cannot promise to save a booking (WAL, journal, backups)
MIN_FREE_BYTES = 20 * 1024 * 1024
_DAILY = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d{{2}})-(\d{{2}})\.sqlite3$")
_MONTHLY = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d{{2}})\.sqlite3$")
#: problems where restoring a backup is the cure (for the others it would not help)
RESTORABLE = ("not_database", "damaged")

define(
    backup_no_store=("没有找到数据文件“{path}”，无法备份。", "There is no store at “{path}”; nothing to back up."),
    backup_same_file=("备份不能写到数据文件本身：“{path}”。请另选一个文件名。",
                      "A backup cannot be written over the store itself (“{path}”); choose another file name."),
    backup_cannot_write=("无法写入备份“{path}”：{detail}。原有文件未改动。",
                         "Cannot write the backup “{path}”: {detail}. No existing file was changed."),
    backup_copy_damaged=("备份副本没有通过完整性检查（{detail}），已删除该副本。数据文件本身可能有问题，请运行启动检查。",
                         "The backup copy failed its integrity check ({detail}) and was deleted. The store itself "
                         "may be damaged; run the store check."),
    restore_no_file=("没有找到备份文件“{path}”。", "There is no backup file at “{path}”."),
    restore_not_database=("“{path}”不是 SQLite 数据文件，不能用于恢复。当前数据未作任何改动。",
                          "“{path}” is not a SQLite file and cannot be restored. The current data was not changed."),
    restore_damaged=("备份“{path}”已损坏（{detail}），不能用于恢复。当前数据未作任何改动。",
                     "The backup “{path}” is damaged ({detail}) and cannot be restored. "
                     "The current data was not changed."),
    restore_not_linli=("“{path}”是其他程序的 SQLite 文件，不是邻里服务台的数据，不能用于恢复。当前数据未作任何改动。",
                       "“{path}” is another program's SQLite file, not Linli Desk data, and cannot be restored. "
                       "The current data was not changed."),
    restore_newer=("备份“{path}”由更新版本的邻里服务台写成（{names}），本版本不能恢复它。请先升级程序。当前数据未作任何改动。",
                   "The backup “{path}” was written by a newer Linli Desk ({names}); this version cannot restore "
                   "it. Upgrade the program first. The current data was not changed."),
    restore_same_file=("要恢复的文件就是当前数据文件本身：“{path}”。", "The file to restore is the store itself: “{path}”."),
    restore_readonly=("数据文件或其文件夹是只读的，无法恢复：“{path}”。当前数据未作任何改动。",
                      "The store or its folder is read-only, so nothing can be restored: “{path}”. "
                      "The current data was not changed."),
    restore_cannot_keep=("无法先把当前数据另存一份（{detail}），所以没有恢复。当前数据未作任何改动。",
                         "The current data could not be kept aside first ({detail}), so nothing was restored. "
                         "The current data was not changed."),
    restore_cannot_copy=("无法读取或复制备份“{path}”：{detail}。当前数据未作任何改动。",
                         "The backup “{path}” could not be read or copied: {detail}. The current data was not changed."),
    restore_failed=("恢复没有完成（{detail}）。恢复前的数据保存在“{aside}”。",
                    "The restore did not finish ({detail}). The data from before is kept in “{aside}”."),
    startup_not_database=("“{path}”不是邻里服务台的数据文件，或者文件开头已经损坏。程序没有改动这个文件。",
                          "“{path}” is not a Linli Desk store, or its beginning is damaged. The program has not "
                          "changed the file."),
    startup_damaged=("数据文件“{path}”已损坏（{detail}），可能是断电或磁盘故障时被截断或写坏。程序没有改动这个文件。",
                     "The store “{path}” is damaged ({detail}); a power cut or a disk fault may have cut it short "
                     "or garbled it. The program has not changed the file."),
    startup_locked=("数据文件“{path}”正被另一个程序占用（例如另一个邻里服务台、杀毒或备份软件）。请关闭那个程序后重新启动。",
                    "The store “{path}” is held by another program (another Linli Desk, an antivirus or a backup "
                    "tool). Close that program and start again."),
    startup_unreadable=("无法读取数据文件“{path}”：{detail}。请检查文件的权限。",
                        "The store “{path}” cannot be read: {detail}. Check the file's permissions."),
    startup_readonly=("数据文件“{path}”是只读的，新的预约无法保存。请在文件属性中去掉“只读”，或让管理员给予写权限。",
                      "The store “{path}” is read-only, so new bookings cannot be saved. Clear the file's "
                      "read-only attribute or ask the admin for write permission."),
    startup_readonly_folder=("数据文件所在的文件夹“{folder}”不可写（{detail}），新的预约无法保存。请检查文件夹权限，或用 --db 换一个位置。",
                             "The store's folder “{folder}” cannot be written ({detail}), so new bookings cannot be "
                             "saved. Check the folder's permissions or choose another place with --db."),
    startup_full=("“{folder}”所在的磁盘几乎已满（只剩 {free}），新的预约可能无法保存。请先清理磁盘再启动。",
                  "The disk of “{folder}” is nearly full ({free} left), so new bookings may not be saved. "
                  "Free some space, then start again."),
    startup_newer=("数据文件“{path}”由更新版本的邻里服务台写成（{names}），本版本无法安全打开。请升级程序。",
                   "The store “{path}” was written by a newer Linli Desk ({names}); this version cannot open it "
                   "safely. Please upgrade the program."),
    startup_offer_backup=("有一份完好的备份（{taken}，{file}），可以从它恢复；恢复前会把当前文件另存一份。",
                          "A good backup exists ({taken}, {file}); you can restore it. The current file will be kept "
                          "aside first."),
    startup_no_backup=("没有找到可用的备份。请联系管理员。", "No usable backup was found. Please call the admin."),
)


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
        _write_checked_copy(conn, target)
    finally:
        if owned:
            conn.close()
    contents = _contents_of(target)
    return {"backup": str(target), "bytes": target.stat().st_size, "integrity": "ok",
            "migrations": contents.migrations, "bookings": contents.bookings,
            "ms": round((time.perf_counter() - started) * 1000)}


def _source_connection(source: Store | str | Path) -> tuple[sqlite3.Connection, bool]:
    if isinstance(source, Store):
        return source.conn, False
    path = Path(source)
    if not path.is_file():
        raise DeskError("not_found", "backup_no_store", path=str(path))
    if not _has_sqlite_header(path):
        raise DeskError("store", "store_not_database", path=str(path))
    return sqlite3.connect(str(path), timeout=15.0), True


def _write_checked_copy(conn: sqlite3.Connection, target: Path) -> None:
    """Backup-API copy of `conn` to a temporary file beside `target`, checked, then renamed over it."""
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
        finally:
            copy.close()
        if problems != ["ok"]:
            raise DeskError("store", "backup_copy_damaged", detail="; ".join(problems[:3]))
        _fsync(partial)
        os.replace(partial, target)
        _fsync_folder(target.parent)
    except sqlite3.Error as exc:
        raise _sqlite_problem(exc, target) from exc
    except OSError as exc:
        raise DeskError("store", "backup_cannot_write", path=str(target), detail=_os_text(exc)) from exc
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_problem(exc: sqlite3.Error, target: Path) -> DeskError:
    text = str(exc).lower()
    if "malformed" in text or "not a database" in text or "disk image" in text:
        return DeskError("store", "backup_copy_damaged", detail=str(exc))
    return DeskError("store", "backup_cannot_write", path=str(target), detail=str(exc))


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
    # nothing the program stores, so not the desk's one clock (booking/clock.py).
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


def newest_good_backup(folder: str | Path | None = None) -> Path | None:
    """The newest automatic backup that is intact and is a Linli store this program can open."""
    for candidate in backups(folder):
        try:
            _check_file(candidate, quick=True)
        except DeskError:
            continue
        return candidate
    return None


# --- restore ------------------------------------------------------------------------------------

def restore(from_path: str | Path, store_path: str | Path, now: datetime,
            actor: Actor | None = None) -> dict[str, Any]:
    """Replace the store's data with the backup at `from_path`, keeping the current file aside.

    With an `actor`, the restored store's audit log records who restored what.

    Refuses (DeskError, nothing changed) a file that is missing, not SQLite,
    damaged, another program's database, or written by a newer version, and
    a store it could not first copy aside.
    """
    source, store = Path(from_path), Path(store_path)
    if not source.is_file():
        raise DeskError("not_found", "restore_no_file", path=str(source))
    if _same_file(source, store):
        raise DeskError("usage", "restore_same_file", path=str(source))
    if not _has_sqlite_header(source):
        raise DeskError("store", "restore_not_database", path=str(source))
    _check_restorable_target(store)
    with tempfile.TemporaryDirectory(prefix=".linli-restore-", dir=store.parent) as work:
        checked = Path(work) / "checked.sqlite3"
        try:
            contents = _private_checked_copy(source, checked)
        except OSError as exc:
            raise DeskError("store", "restore_cannot_copy", path=str(source), detail=_os_text(exc)) from exc
        aside = _keep_aside(store, now) if store.exists() else None
        try:
            _write_into_store(checked, store, healthy=aside is not None and aside[1])
        except (OSError, sqlite3.Error) as exc:
            raise DeskError("store", "restore_failed", detail=str(exc),
                            aside=str(aside[0]) if aside else "-") from exc
    kept = str(aside[0]) if aside else None
    after = _migrate(store, actor, {"from": str(source), "kept_aside": kept}, now=now)
    return {"restored_from": str(source), "store": str(store),
            "kept_aside": kept,
            "migrations": after.migrations, "bookings": after.bookings, "backup_bookings": contents.bookings}


def _check_restorable_target(store: Path) -> None:
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeskError("store", "restore_readonly", path=str(store)) from exc
    folder_problem = _folder_write_problem(store.parent)
    if folder_problem or (store.exists() and _file_is_read_only(store)):
        raise DeskError("store", "restore_readonly", path=str(store))


def _private_checked_copy(source: Path, copy: Path) -> _Contents:
    """Copy the chosen file (and its -wal, if any) and check the copy; the chosen file is never opened."""
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
    except sqlite3.Error as exc:
        raise DeskError("store", "restore_damaged", path=str(source), detail=str(exc)) from exc
    return contents


def _keep_aside(store: Path, now: datetime) -> tuple[Path, bool]:
    """Copy the current store beside itself; returns the copy and whether the store was a healthy database."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    aside = store.with_name(f"{store.name}.before-restore-{stamp}")
    n = 2
    while aside.exists():
        aside = store.with_name(f"{store.name}.before-restore-{stamp}-{n}")
        n += 1
    conn = _healthy_connection(store)
    if conn is not None:
        try:
            _write_checked_copy(conn, aside)
        except DeskError as exc:
            raise DeskError("store", "restore_cannot_keep", detail=exc.message()) from exc
        finally:
            conn.close()
        return aside, True
    # Damaged: keep its bytes exactly as they are, with its -wal and -shm.
    try:
        shutil.copyfile(store, aside)
        _fsync(aside)
        for suffix in ("-wal", "-shm"):
            side = store.with_name(store.name + suffix)
            if side.is_file():
                shutil.copyfile(side, aside.with_name(aside.name + suffix))
    except OSError as exc:
        for leftover in (aside, aside.with_name(aside.name + "-wal"), aside.with_name(aside.name + "-shm")):
            leftover.unlink(missing_ok=True)
        raise DeskError("store", "restore_cannot_keep", detail=_os_text(exc)) from exc
    return aside, False


def _healthy_connection(store: Path) -> sqlite3.Connection | None:
    """A connection to the store if it is an intact database (busy is not damaged: that raises)."""
    if not _has_sqlite_header(store):
        return None
    conn = sqlite3.connect(str(store), timeout=15.0)
    try:
        if [row[0] for row in conn.execute("PRAGMA quick_check")] == ["ok"]:
            return conn
    except sqlite3.Error as exc:
        if _classify(exc)[0] not in RESTORABLE:
            conn.close()
            raise DeskError("store", "restore_cannot_keep", detail=str(exc)) from exc
    conn.close()
    return None


def _write_into_store(checked: Path, store: Path, healthy: bool) -> None:
    if healthy:
        # Through SQLite, so a desk that has the store open sees the restored data and its
        # -wal file is reset, never replayed over it.
        source = sqlite3.connect(str(checked))
        target = sqlite3.connect(str(store), timeout=15.0)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    # A damaged or missing store (already kept aside as bytes): its -wal and -shm belong to
    # the damaged data and must go with it, or SQLite would replay them over the restore.
    for suffix in ("-wal", "-shm"):
        store.with_name(store.name + suffix).unlink(missing_ok=True)
    _fsync(checked)
    os.replace(checked, store)
    _fsync_folder(store.parent)


def _migrate(store: Path, actor: Actor | None, what: dict[str, Any], *, now: datetime) -> _Contents:
    """Bring an older backup up to this program's schema now, not at the desk's next write."""
    from booking import setup

    opened = setup.open_ready(store, now=now)
    try:
        if actor is not None:
            with opened.write():
                audit.record(opened, actor, "restore", "store", None, after=what, at=now)
        return _linli_contents(opened.conn, store)
    finally:
        opened.close()


# --- the start-up check -------------------------------------------------------------------------

def startup_check(path: str | Path, backups_folder: str | Path | None = None, *,
                  min_free_bytes: int = MIN_FREE_BYTES, busy_timeout: float = 2.0) -> dict[str, Any]:
    """Check quickly that the store can be opened and written; raise StoreProblem if not.

    Changes nothing. A missing store is fine (the first start makes it) as
    long as its folder can be written.
    """
    started = time.perf_counter()
    file = Path(path)
    problem = _diagnose(file, min_free_bytes, busy_timeout)
    if problem is not None:
        kind, params = problem
        detail = params.pop("detail", None)
        if isinstance(detail, str):  # SQLite's or the system's own words
            detail = ("startup_detail_text", {"text": detail})
        backup_file = newest_good_backup(backups_folder) if kind in RESTORABLE else None
        raise StoreProblem(kind, file, backup_file, detail, **params)
    return {"store": str(file), "ok": True, "exists": file.exists(),
            "bytes": file.stat().st_size if file.exists() else 0,
            "ms": round((time.perf_counter() - started) * 1000)}


def _diagnose(file: Path, min_free_bytes: int, busy_timeout: float) -> tuple[str, dict[str, Any]] | None:
    folder = file.parent
    if not file.exists():
        if folder.exists():
            problem = _folder_write_problem(folder)
            if problem:
                return problem
        return None
    try:
        with file.open("rb") as handle:
            head = handle.read(100)
    except PermissionError as exc:
        # Windows answers a file another program holds exclusively with a sharing violation
        if getattr(exc, "winerror", None) in (32, 33):
            return "locked", {}
        return "unreadable", {"detail": _os_text(exc)}
    except OSError as exc:
        return "unreadable", {"detail": _os_text(exc)}
    size = file.stat().st_size
    if size == 0:
        return None  # an empty file is a new store; SQLite makes it one
    if not head.startswith(SQLITE_HEADER):
        return "not_database", {}
    short = _truncation(head, size)
    if short:
        return "damaged", {"detail": short}
    if _file_is_read_only(file):
        return "readonly", {}
    problem = _folder_write_problem(folder)
    if problem:
        return problem
    free = shutil.disk_usage(folder).free
    if free < min_free_bytes:
        return "full", {"free": _size_text(free)}
    return _quick_check(file, busy_timeout)


def _truncation(head: bytes, size: int) -> tuple[str, dict[str, Any]] | None:
    """Why the file is shorter than its own header says, or None."""
    if len(head) < 100:
        return "startup_detail_short", {"size": size}
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "startup_detail_header", {}
    pages = int.from_bytes(head[28:32], "big")
    header_pages_valid = head[24:28] == head[92:96] and pages > 0
    if size % page_size or (header_pages_valid and size < pages * page_size):
        return "startup_detail_truncated", {"size": size, "expected": pages * page_size}
    return None


define(
    startup_detail_text=("{text}", "{text}"),
    startup_detail_short=("只有 {size} 字节", "only {size} bytes"),
    startup_detail_header=("文件头不正确", "the header is wrong"),
    startup_detail_truncated=("文件只有 {size} 字节，应有 {expected} 字节", "{size} bytes where {expected} were written"),
)


def _quick_check(file: Path, busy_timeout: float) -> tuple[str, dict[str, Any]] | None:
    try:
        conn = sqlite3.connect(str(file), timeout=busy_timeout)
    except sqlite3.Error as exc:
        return "unreadable", {"detail": str(exc)}
    try:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            return "damaged", {"detail": "; ".join(problems[:3])}
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return None  # created but never written: the first start fills it
        applied = _applied_migrations(conn)
        if not applied:
            return "not_database", {}
        unknown = [name for name in applied if name not in known_migrations()]
        if unknown:
            return "newer", {"names": ", ".join(unknown)}
        return None
    except sqlite3.Error as exc:
        return _classify(exc)
    finally:
        conn.close()


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
    if not _has_sqlite_header(path):
        raise DeskError("store", "restore_not_database", path=str(path))
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            check = "quick_check" if quick else "integrity_check"
            problems = [row[0] for row in conn.execute(f"PRAGMA {check}")]
            if problems != ["ok"]:
                raise DeskError("store", "restore_damaged", path=str(path), detail="; ".join(problems[:3]))
            return _linli_contents(conn, path)
        finally:
            conn.close()
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
    return _Contents(applied, count)


def _contents_of(path: Path) -> _Contents:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return _linli_contents(conn, path)
    finally:
        conn.close()


# --- small file helpers -------------------------------------------------------------------------

def _has_sqlite_header(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_HEADER
    except OSError:
        return False


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
