"""Headless commands for the store's place: `copy-store` moves a store file onto a PostgreSQL server.

The copy is the domain of booking/store/postgres/copy.py; here it is only given the file the
command names (--db, LINLI_DB or the data folder's) and the server `--to` names, as an admin.
The server's password comes from the URL or from LINLI_DB_PASSWORD, never from an argument a
shell history would keep.
"""
from __future__ import annotations

from typing import Any

from booking.cli import registry as cli
from booking.store import location
from booking.store.errors import DeskError
from booking.store.i18n import tr


#: Where copy-store finds the server's password when the URL has none.
PASSWORD_ENV = cli.DB_PASSWORD_ENV


@cli.parser_section
def _parsers(sub: Any) -> None:
    p = cli.add(sub, "copy-store", "copy the store file into an empty PostgreSQL database, checked table by table")
    p.add_argument("--to", metavar="URL", required=True,
                   help=f"postgresql://USER@HOST:PORT/DATABASE?sslmode=verify-full (password: {PASSWORD_ENV})")


def _fmt_copy(result: dict[str, Any]) -> str:
    return tr("cli_copy_store_done", rows=result["rows"], tables=len(result["tables"]), url=result["to"])


@cli.command("copy-store", _fmt_copy)
def _copy_store(ctx: cli.Context) -> dict[str, Any]:
    target = location.parse(ctx.args.to)
    if not isinstance(target, location.StoreServer):
        raise DeskError("invalid", "copy_store_to_server", field="to")
    ctx.require_admin()  # opens the file first: it is migrated to this version, so both schemas are this version's
    # Imported here, not at the top: SQLAlchemy and psycopg take a third of a second to import, which
    # every other command (the 07:00 task, each scan from a script) would pay for nothing.
    from booking.store.postgres import copy

    result = copy.copy_file_to(ctx.store_path, target, cli.env_password(PASSWORD_ENV), ctx.now)
    return {"copied": True, "from": str(ctx.store_path), "to": target.shown(), **result}
