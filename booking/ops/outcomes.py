"""What a backup, an adoption and a restore report back, typed; `to_json()` is each command's
--json answer (the dicts these functions returned before, keys in the same order).

Kept apart from backup.py and restore.py, which hold how the copies are made: these are only
what the window and the command line read afterwards.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Backup:
    """A checked copy written: where, its size, that it is intact, what it holds, how long it took."""

    path: str
    bytes: int
    integrity: str
    migrations: list[str]
    bookings: int
    ms: int

    def to_json(self) -> dict[str, Any]:
        return {"backup": self.path, "bytes": self.bytes, "integrity": self.integrity,
                "migrations": self.migrations, "bookings": self.bookings, "ms": self.ms}


@dataclass(frozen=True)
class DailyBackup:
    """Today's automatic backup: the daily and monthly copies made (None: not made), the old ones
    removed; `skipped` says why none was made ("already_today"; "not_owner": a desk on a server store
    signed in with the desks' role, backup.desk_daily_backup), `ms` how long a made one took."""

    folder: str
    daily: str | None
    monthly: str | None
    removed: list[str]
    skipped: str | None = None
    ms: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"folder": self.folder, "daily": self.daily, "monthly": self.monthly,
                               "removed": self.removed}
        if self.skipped is not None:
            out["skipped"] = self.skipped
        else:
            out["ms"] = self.ms
        return out


@dataclass(frozen=True)
class Adopted:
    """An earlier per-user store copied to the per-machine place."""

    moved_from: str
    store: str
    bookings: int

    def to_json(self) -> dict[str, Any]:
        return {"moved_from": self.moved_from, "store": self.store, "bookings": self.bookings}


@dataclass(frozen=True)
class BackupFile:
    """What a backup file holds, for "restore this one?": when it was taken, its size, its contents."""

    path: str
    taken: str
    bytes: int
    bookings: int
    migrations: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "taken": self.taken, "bytes": self.bytes, "bookings": self.bookings,
                "migrations": self.migrations}


@dataclass(frozen=True)
class Restored:
    """A restore done: from which file, over which store, where the data before it was kept aside
    (None: there was no store), and what the store holds now and the backup held."""

    restored_from: str
    store: str
    kept_aside: str | None
    migrations: list[str]
    bookings: int
    backup_bookings: int

    def to_json(self) -> dict[str, Any]:
        return {"restored_from": self.restored_from, "store": self.store, "kept_aside": self.kept_aside,
                "migrations": self.migrations, "bookings": self.bookings, "backup_bookings": self.backup_bookings}


@dataclass(frozen=True)
class Stage:
    """How far a backup or a restore of a server store is, told as it goes (its progress dialog).

    `stage`: what it does now. A restore: "file" (checking the chosen file on a private copy),
    "keep" (the current data written to the kept-aside file), "clear" (the current rows deleted),
    "restore" (the backup's rows copied in), "verify" (each table compared with the backup), in that
    order. A backup: "backup" (the rows written to the file), "verify". `table` the table it is at
    ("" when none), `number` which table of the stage's `count` (from 1; 0 of 0 when none), and `done`
    of `total` steps of the whole work, for a bar (`total` 0 while it is not known yet).
    """

    stage: str
    table: str
    number: int
    count: int
    done: int
    total: int


#: told each Stage as it is reached; the work runs on, whatever it answers (one transaction: no cancel)
StageProgress = Callable[[Stage], object]
