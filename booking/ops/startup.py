"""The start-up check of the store, without Qt: can it be opened and written, and if not, why not
and which good backup could replace it (`StoreProblem`).

It changes no byte of any file: SQLite judges a private copy of the store and its -wal, or,
while this process has the store open, a read-only connection beside it.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import struct
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from booking.ops.backup import newest_good_backup
from booking.ops.storefile import file_is_read_only, folder_write_problem, os_text, remove_quietly, size_text, taken
from booking.store import i18n
from booking.store import connection as stores
from booking.store.errors import DeskError
from booking.store.i18n import define, tr

try:
    import fcntl  # POSIX only: asking who holds a lock, in the start-up check
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

#: below this much free space the desk cannot promise to save a booking (WAL, journal, backups)
MIN_FREE_BYTES = 20 * 1024 * 1024
#: problems where restoring a backup is the cure (for the others it would not help)
RESTORABLE = ("not_database", "damaged")

define(
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
    startup_readonly_folder=("数据文件所在的文件夹“{folder}”不可写（{detail}），新的预约无法保存。"
                             "请检查文件夹权限，或用 --db 换一个位置。",
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
                   "backup_taken": taken(backup) if backup else None}
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
        return text + space + tr("startup_offer_backup", language, taken=taken(self.backup), file=self.backup.name)


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
            problem = folder_write_problem(folder)
            if problem:
                return problem
        return None
    if file.stat().st_size == 0:
        return None  # an empty file is a new store; SQLite makes it one
    problem = sqlite_verdict(file, busy_timeout, damage)
    if problem:
        return problem
    if file_is_read_only(file):
        return "readonly", {}
    problem = folder_write_problem(folder)
    if problem:
        return problem
    free = shutil.disk_usage(folder).free
    if free < min_free_bytes:
        return "full", {"free": size_text(free)}
    return None


def sqlite_verdict(file: Path, busy_timeout: float, damage: bool = True) -> tuple[str, dict[str, Any]] | None:
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
            return "unreadable", {"detail": os_text(exc)}
        except OSError as exc:
            return "unreadable", {"detail": os_text(exc)}
        try:
            conn = sqlite3.connect(str(copy))
        except sqlite3.Error as exc:
            return "unreadable", {"detail": str(exc)}
        try:
            return _verdict(conn, file, damage)
        finally:
            conn.close()
    finally:
        remove_quietly(work)


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


define(
    startup_detail_text=("{text}", "{text}"),
)


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
