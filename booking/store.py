"""Opening the one SQLite file that holds everything, safely.

Every write that belongs together runs in `store.write()`: a transaction that
takes SQLite's write lock up front (BEGIN IMMEDIATE). A deferred BEGIN (what
sqlite-utils' `atomic()` issues) lets two processes read, then fails one of
them with "database is locked" when both try to write, without waiting; taking
the lock first makes a second desk wait its turn (busy timeout) and then see
the first desk's booking in its own clash check.
"""
from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from booking import schema
from booking.errors import DeskError
from booking.i18n import define

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 15.0

define(
    store_not_database=("“{path}”不是本程序的数据文件（或已损坏），未作任何改动。请选择正确的文件，或从备份恢复。",
                        "“{path}” is not a Linli Desk store (or it is damaged); nothing was changed. "
                        "Choose the right file or restore a backup."),
    store_newer=("该数据文件由更新版本的邻里服务台创建（{names}），本版本无法安全打开。请升级程序。",
                 "This store was written by a newer version of Linli Desk ({names}); this version "
                 "cannot open it safely. Please upgrade the program."),
    store_cannot_create=("无法在“{path}”创建数据文件：{detail}。请检查文件夹权限或磁盘空间，或用 --db 选择其他位置。",
                         "Cannot create the store at “{path}”: {detail}. Check the folder's permissions "
                         "or free space, or choose another place with --db."),
    store_busy=("数据文件正被其他程序占用，请稍后再试。", "The store is busy in another program; try again in a moment."),
    store_readonly=("数据文件是只读的，无法保存更改：{path}。", "The store is read-only; changes cannot be saved: {path}."),
    store_full=("磁盘已满，更改未保存。请清理磁盘后重试。", "The disk is full; the change was not saved. Free some space and retry."),
    store_io=("无法写入数据文件（磁盘已满或出错），更改未保存。请检查磁盘空间后重试。",
              "The store could not be written (the disk is full or failing); the change was not saved. "
              "Check the disk's free space and retry."),
    store_error=("数据文件出错：{detail}。未保存任何更改。", "Store error: {detail}. Nothing was saved."),
)


@dataclass
class Store:
    """An open store. `db` is the sqlite-utils Database over one connection."""

    db: Database
    path: str

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        """One write transaction holding the write lock from its first statement."""
        if self.conn.in_transaction:  # nested: a savepoint inside the outer write
            with self.db.atomic():
                yield self.db
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise translate_sqlite_error(exc, self.path) from exc
        try:
            yield self.db
        except sqlite3.OperationalError as exc:
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
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.write():
            self.conn.execute(
                "INSERT INTO setting(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def close(self) -> None:
        self.db.close()


def translate_sqlite_error(exc: sqlite3.Error, path: str) -> DeskError:
    """A sqlite3 error as a message the user can act on."""
    text = str(exc).lower()
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


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == SQLITE_HEADER


def open_store(path: str | Path, *, migrate: bool = True) -> Store:
    """Open (creating if needed) and migrate the store at `path`; ':memory:' for tests.

    A file that is not a SQLite database, or that a newer version wrote, is
    refused with a DeskError and left untouched.
    """
    name = str(path)
    if name != ":memory:":
        file = Path(path)
        if file.exists() and file.stat().st_size > 0 and not _looks_like_sqlite(file):
            raise DeskError("store", "store_not_database", path=name)
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DeskError("store", "store_cannot_create", path=name, detail=exc.strerror or str(exc)) from exc
    try:
        conn = sqlite3.connect(name, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise DeskError("store", "store_cannot_create", path=name, detail=str(exc)) from exc
    try:
        db = Database(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        if name != ":memory:":
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                with db.ensure_autocommit_on():
                    conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a booking the desk confirmed survives a power cut.
        conn.execute("PRAGMA synchronous = FULL")
        store = Store(db=db, path=name)
        _check_version(store)
        if migrate and schema.MIGRATIONS.pending(db):
            with store.write():
                if schema.MIGRATIONS.pending(db):  # another process may have just done it
                    schema.MIGRATIONS.apply(db)
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
