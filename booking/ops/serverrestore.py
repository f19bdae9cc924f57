"""Restore of a backup onto a store on the PostgreSQL server, with the promises of the file's.

The chosen file is checked first on a private copy (intact, a Linli store, not newer; brought to
this program's migrations, the restore recorded in its audit log, a new restore generation), as
the file's restore does (booking/ops/restore.py). Then, under the store's write lock and in one
transaction (booking/store/postgres/transfer.py), the server's current data is written to a Linli
SQLite file kept aside in the backups folder (so the restore can be undone) and replaced by the
backup's, table by table, checked before the commit. The rule of the file's restore holds: every
booking confirmed to anyone is, afterwards, either in the store or in the kept-aside file. Another
desk reads the old store or the new one, never half of it; its next write notices the new
generation, says so and saves nothing (`store_restored`). Only the tables' owner may restore (the
triggers that keep the audit log append-only are switched off for the copy, inside the
transaction); a desk signed in with the desks' role is told so, and nothing changes.
"""
from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path

from booking.ops.backup import backup_dir
from booking.ops.outcomes import Restored, Stage, StageProgress
from booking.ops.restore import _prepare_restored, _private_checked_copy
from booking.ops.serverbackup import server_of, told_as, write_file
from booking.ops.storefile import discard, os_text, remove_quietly, restore_work_folder
from booking.store import connection as stores
from booking.store.audit import Actor
from booking.store.connection import Store
from booking.store.errors import DeskError
from booking.store.location import StoreServer


#: a restore's stages after the check of the file (outcomes.Stage), and the copies' phases each is made of
RESTORE_STAGES = ("keep", "clear", "restore", "verify")
_KEEP_PHASES = {"copy": "keep"}  # the kept-aside file's own check is a read of a local file: not told
_FILL_PHASES = {"clear": "clear", "copy": "restore", "check": "verify"}


def restore_server(from_path: str | Path, store: Store, now: datetime, actor: Actor | None = None,
                   folder: Path | None = None, progress: StageProgress | None = None) -> Restored:
    """Replace the server store's data with the backup at `from_path`, keeping the current data aside.

    The kept-aside file goes into `folder` (default: the backups folder). Refuses (DeskError,
    nothing changed) what the file's restore refuses, a role that does not own the store's tables,
    and a wait for another desk's write lock longer than any other write's. See the module's doc.
    `progress` hears of each stage, and of each table in each (outcomes.Stage: "file", then
    RESTORE_STAGES); what it answers changes nothing, and nothing is committed before the last check.
    """
    from booking.store.postgres import copy, migrate, transfer

    server = server_of(store)
    source = Path(from_path)
    if not source.is_file():
        raise DeskError("not_found", "restore_no_file", path=str(source))
    where = folder if folder is not None else backup_dir()
    work = restore_work_folder(where)
    try:
        checked = work / "checked.sqlite3"
        if progress is not None:
            progress(Stage("file", "", 0, 0, 0, 0))
        try:
            contents = _private_checked_copy(source, checked)
        except OSError as exc:
            raise DeskError("store", "restore_cannot_copy", path=str(source), detail=os_text(exc)) from exc
        _prepare_restored(checked, actor, now, source)
        if not transfer.owns_every_table(server):
            raise DeskError("forbidden", "restore_server_owner", url=server.path)
        aside = _aside_name(where, server.server, now)
        lite = sqlite3.connect(stores.sqlite_uri(checked, mode="ro"), uri=True)
        try:
            lite.execute("BEGIN")  # one read of the checked copy for the copy and its check
            with transfer.replacing(server, transfer.tables_of(server)) as conn:
                if migrate.pending(conn):  # the same schema as the checked copy: this program's
                    migrate.apply_pending(conn, now)
                try:
                    write_file(conn, aside, server.path,  # everything committed until now, kept
                               told_as(progress, RESTORE_STAGES, _KEEP_PHASES, first=1))
                except DeskError as exc:
                    raise DeskError("store", "restore_cannot_keep", detail=exc.message()) from exc
                try:
                    copy.fill_server(lite, conn, told_as(progress, RESTORE_STAGES, _FILL_PHASES, first=1))
                except DeskError as exc:
                    raise _restore_refusal(exc) from exc
        except BaseException as exc:
            if not (isinstance(exc, DeskError) and exc.key == "restore_server_commit"):
                discard(aside)  # rolled back: the server still holds exactly what the file held
            raise
        finally:
            lite.close()
    except DeskError:
        raise
    except Exception as exc:  # the server went away mid-way: its transaction is rolled back
        from booking.store.postgres.store import server_error

        raise DeskError("store", "restore_server_failed", detail=server_error(exc, server.path).message()) from exc
    finally:
        remove_quietly(work)
    server.reopen()  # this desk made the restore: it takes the new generation without being told
    bookings = server.sql("SELECT count(*) FROM booking").scalar()
    return Restored(str(source), server.path, str(aside), server.applied_migrations(), bookings, contents.bookings)


def _restore_refusal(exc: DeskError) -> DeskError:
    """copy.py's refusal in a restore's words: nothing was restored, the server's data is unchanged."""
    key = {"copy_store_refused": "restore_server_refused", "copy_store_mismatch": "restore_server_mismatch",
           "copy_store_schema": "restore_server_schema"}.get(exc.key)
    return DeskError("store", key, **exc.params) if key else exc


def _aside_name(folder: Path, server: StoreServer, now: datetime) -> Path:
    """`<database>[.<schema>].before-restore-YYYYmmdd-HHMMSS.sqlite3`, never an automatic backup's name."""
    label = re.sub(r"[^\w.-]", "_", server.database + (f".{server.schema}" if server.schema else ""))
    stamp = now.strftime("%Y%m%d-%H%M%S")
    aside = folder / f"{label}.before-restore-{stamp}.sqlite3"
    n = 2
    while aside.exists():
        aside = folder / f"{label}.before-restore-{stamp}-{n}.sqlite3"
        n += 1
    return aside
