"""Headless commands for backups: `backup`, `restore` and `store-check`.

They work on the store's file, not through `ctx.store`, so they run even when
the store cannot be opened: that is when a restore is needed most.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from booking.cli import registry as cli
from booking.ops import backup, restore, serverrestore, startup
from booking.store import location, paths
from booking.store.connection import Store
from booking.store.audit import Actor
from booking.store.errors import DeskError
from booking.store.i18n import tr


@cli.parser_section
def _parsers(sub: Any) -> None:
    p = cli.add(sub, "backup", "copy the store to a file (checked), or make today's automatic backup")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", metavar="FILE", help="the backup file to write")
    where.add_argument("--daily", action="store_true",
                       help="today's backup in the app-data folder backups/ (keeps 14 daily, 12 monthly)")
    p = cli.add(sub, "restore", "replace the store's data with a backup; the current file is kept aside")
    p.add_argument("--from", dest="source", metavar="FILE", required=True)
    p = cli.add(sub, "store-adopt", "copy an earlier version's per-user store (%%APPDATA%%) to the "
                "per-machine store folder (%%ProgramData%%), once")  # argparse formats help with %
    p.add_argument("--from", dest="source", metavar="FILE",
                   help="the store to copy (default: the per-user store of an earlier version)")
    cli.add(sub, "store-check", "check that the store can be opened and written (changes nothing)")


def _fmt_backup(result: dict[str, Any]) -> str:
    if result.get("skipped"):
        return tr("cli_backup_skipped", folder=result["folder"])
    path = result.get("backup") or result.get("daily")
    size = round(Path(path).stat().st_size / 1024) if path and Path(path).exists() else "?"
    return tr("cli_backup_done", path=path, size=size)


@cli.command("backup", _fmt_backup)
def _backup(ctx: cli.Context) -> dict[str, Any]:
    # On the server: the store opened as every command opens it, backed up to a Linli SQLite file
    source: Store | Path = ctx.store if _on_server(ctx) else ctx.store_path
    # what a killed backup or restore left behind
    restore.clean_leftovers(None if _on_server(ctx) else ctx.store_path, ctx.now)
    if ctx.args.daily:
        return backup.auto_backup(source, backup.backup_dir(), today=ctx.now.date()).to_json()
    return backup.backup(source, Path(ctx.args.to)).to_json()


@cli.command("restore", lambda r: tr("cli_restore_done", path=r["restored_from"], aside=r["kept_aside"] or "-"))
def _restore(ctx: cli.Context) -> dict[str, Any]:
    if _on_server(ctx):
        restore.clean_leftovers(None, ctx.now)
        actor = _restorer(ctx)
        return serverrestore.restore_server(Path(ctx.args.source), ctx.store, ctx.now, actor=actor).to_json()
    return restore.restore(Path(ctx.args.source), ctx.store_path, ctx.now, actor=_restorer(ctx)).to_json()


def _on_server(ctx: cli.Context) -> bool:
    return isinstance(ctx.where, location.StoreServer)


def _restorer(ctx: cli.Context) -> Actor | None:
    """Who restores. A store that opens may be rolled back only by an admin, as in the window;
    one that cannot be opened at all (damaged, not a store, too new) by whoever is at the desk:
    that is when a restore is needed most, and the damaged file is kept aside."""
    try:
        return ctx.require_admin()
    except DeskError as exc:
        if exc.code == "store" and exc.key != "store_busy":
            return None
        raise


@cli.command("store-adopt", lambda r: tr("cli_adopt_done", path=r["moved_from"], store=r["store"]))
def _store_adopt(ctx: cli.Context) -> dict[str, Any]:
    source = Path(ctx.args.source) if ctx.args.source else paths.earlier_user_store()
    if source is None:
        raise DeskError("not_found", "adopt_none", path=str(paths.user_data_dir_for(
            sys.platform, os.environ, str(Path.home())) or "-"))
    return backup.adopt(source, ctx.store_path).to_json()


@cli.command("store-check", lambda r: tr("cli_store_ok", path=r["store"]))
def _store_check(ctx: cli.Context) -> dict[str, Any]:
    # Changes nothing (not even leftovers): it judges a private copy by SQLite's answers.
    return startup.startup_check(ctx.store_path, backup.backup_dir())
