"""Backup of a store on the PostgreSQL server, with the promises of the file's.

A backup of a server store is a Linli SQLite file: the schema of this program's SQLite
migrations, every table's rows (ids, pass keys and nonces, settings) read in one REPEATABLE
READ snapshot, each table compared with the server by row count and checksum, checked by
`integrity_check` and as a Linli store, written under a temporary name and only then renamed
into place. Any desk opens or restores it anywhere, and a pass issued on the server verifies
on it. The result (outcomes.Backup, its JSON) is the file backup's. The restore is booking/ops/serverrestore.py.
"""
from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING

from booking.ops.outcomes import Backup, Stage, StageProgress
from booking.ops.storefile import Contents, discard, fsync, fsync_folder, linli_contents, os_text, partial_beside
from booking.store import connection as stores
from booking.store.connection import Store
from booking.store.errors import DeskError
from booking.store.location import StoreServer

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from booking.store.postgres.copy import Progress, Step
    from booking.store.postgres.store import ServerStore


def on_server(store: Store) -> bool:
    """Whether `store` is the community's server store (not a file)."""
    return isinstance(getattr(store, "server", None), StoreServer)


def owns_store(store: Store) -> bool:
    """Whether the server store's connection is signed in as the owner of its tables (who may restore)."""
    from booking.store.postgres import transfer

    return transfer.owns_every_table(server_of(store))


def label(store: Store) -> str:
    """`<host>_<database>[.<schema>]` of a server store, in the characters a file name may hold everywhere."""
    server = server_of(store).server
    return re.sub(r"[^\w.-]", "_", f"{server.host}_{server.database}" + (f".{server.schema}" if server.schema else ""))


# --- backup -------------------------------------------------------------------------------------

#: a backup's stages (outcomes.Stage), and the copy's phases each is made of
BACKUP_STAGES = ("backup", "verify")
_BACKUP_PHASES = {"copy": "backup", "check": "verify"}


def backup_server(store: Store, to_path: str | Path, progress: StageProgress | None = None) -> Backup:
    """Write a checked Linli SQLite backup of the server store to `to_path` (see the module's doc).

    `progress` hears of each table as it is written and as it is checked (outcomes.Stage)."""
    from booking.store.postgres import transfer

    started = time.perf_counter()
    target = Path(to_path)
    server = server_of(store)
    with transfer.snapshot(server) as conn:
        contents = write_file(conn, target, server.path, told_as(progress, BACKUP_STAGES, _BACKUP_PHASES))
    return Backup(str(target), target.stat().st_size, "ok", contents.migrations, contents.bookings,
                  round((time.perf_counter() - started) * 1000))


def told_as(progress: StageProgress | None, stages: tuple[str, ...], phases: dict[str, str],
            first: int = 0) -> Progress | None:
    """A copy's Steps (booking/store/postgres/copy.py) told to `progress` as the Stages of the whole work.

    `stages` in the order they come, each one pass over every table; `phases` maps a copy's phase to
    its stage (a phase not in it is not told); `first` the steps before them (a restore's check of the
    file). A Stage's `done` counts the steps before it, so the bar moves on as each table begins."""
    if progress is None:
        return None

    def told(step: Step) -> None:
        stage = phases.get(step.phase)
        if stage is not None:
            before = first + stages.index(stage) * step.count + step.done
            progress(Stage(stage, step.table, step.done + 1, step.count, before, first + len(stages) * step.count))
    return told


def write_file(conn: Connection, target: Path, shown: str, progress: Progress | None = None) -> Contents:
    """The server's data as `conn`'s transaction sees it, as a checked Linli SQLite file at `target`.

    Until the file is whole, compared with the server table by table, intact and a Linli store,
    `target` is not touched: a refusal leaves every file as it was. `progress` hears of each table
    (copy.Step: "copy", then "check").
    """
    from sqlalchemy import exc as sa_exc

    from booking.store.postgres import copy
    from booking.store.postgres.store import server_error

    partial = partial_beside(target)
    try:
        lite = sqlite3.connect(str(partial), isolation_level=None)
        try:
            _empty_schema(lite)
            try:
                copy.fill_file(conn, lite, progress)
            except DeskError as exc:
                if exc.key == "copy_store_mismatch":
                    raise DeskError("store", "backup_server_mismatch", **exc.params) from exc
                if exc.key == "copy_store_schema":
                    raise DeskError("store", "backup_server_schema", url=shown, **exc.params) from exc
                raise
            problems = [row[0] for row in lite.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise DeskError("store", "backup_copy_damaged", detail="; ".join(problems[:3]))
            contents = linli_contents(lite, partial)
        finally:
            lite.close()
        fsync(partial)
        os.replace(partial, target)
        fsync_folder(target.parent)
        return contents
    except sqlite3.Error as exc:
        raise DeskError("store", "backup_cannot_write", path=str(target), detail=str(exc)) from exc
    except OSError as exc:
        raise DeskError("store", "backup_cannot_write", path=str(target), detail=os_text(exc)) from exc
    except sa_exc.DBAPIError as exc:  # the server's read failed (it went away, or refused it)
        raise DeskError("store", "backup_server_failed", detail=server_error(exc, shown).message()) from exc
    finally:
        discard(partial)


def _empty_schema(lite: sqlite3.Connection) -> None:
    """This program's SQLite schema, made by its own migrations (in memory, then copied into `lite`)."""
    made = stores.open_store(":memory:")
    try:
        made.conn.backup(lite)
    finally:
        made.close()
    lite.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, to be carried away


def server_of(store: Store) -> ServerStore:
    """`store` as the server store it is."""
    from booking.store.postgres.store import ServerStore

    assert isinstance(store, ServerStore), "a server store"
    return store
