"""The PostgreSQL store's schema, only as ordered migrations recorded in the database.

The migrations have the names of SQLite's (booking/store/schema.py), 0001_core ... 0014: each is
a script in resources/postgres/ (and 0005 seeds the tariff defaults from resources/tariffs.json,
as SQLite's does). A shipped script is never edited: a change is a new one appended to NAMES.
`migrate` applies the pending ones in one transaction, under the store's write lock so that two
desks starting together never both migrate, and refuses a store that has migrations this program
does not know (a newer version wrote it).
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, text

from booking.store import clock
from booking.store.errors import DeskError
from booking.store.paths import resource_path
from booking.store.postgres.locking import take_write_lock
from booking.store.schema import DEFAULTS_STAMP


#: Every migration, in order; the script of each is resources/postgres/NAME.sql.
NAMES = (
    "0001_core", "0002_passes_scans", "0003_scans", "0004_clerks", "0005_fees_ledger", "0006_gates",
    "0007_holidays", "0008_booking_dates_in_range", "0009_booking_pass_nonce", "0010_gate_camera_address",
    "0011_message_params", "0012_gate_event_params", "0013_foreign_key_indexes",
    "0014_longest_only_when_longer",
)
#: Where the applied migrations are recorded (SQLite's is sqlite-utils' _sqlite_migrations).
RECORD_TABLE = "_linli_migrations"


def script(name: str) -> str:
    """The SQL of one migration."""
    return resource_path("postgres", f"{name}.sql").read_text(encoding="utf-8")


def applied(conn: Connection) -> list[str]:
    """The names of the migrations recorded in the store, in the order they were applied."""
    # in the connection's own schema only: a compound's new schema must not find the record of the
    # store in `public`, which is on the search_path after it (for btree_gist)
    if conn.execute(text("SELECT to_regclass(quote_ident(current_schema()) || '.' || :t)"),
                    {"t": RECORD_TABLE}).scalar() is None:
        return []
    return list(conn.execute(text(f"SELECT name FROM {RECORD_TABLE} ORDER BY applied_order")).scalars())


def pending(conn: Connection) -> list[str]:
    """The migrations still to apply; DeskError 'store' if the store knows some this program does not."""
    done = applied(conn)
    unknown = [name for name in done if name not in NAMES]
    if unknown:
        raise DeskError("store", "pg_store_newer", names=", ".join(unknown))
    return [name for name in NAMES if name not in done]


def migrate(conn: Connection, now: datetime) -> list[str]:
    """Apply the pending migrations in one transaction; returns their names. `now` stamps the record.

    `conn` must have no transaction open (the migrations are a transaction of their own).
    """
    with conn.begin():
        return apply_pending(conn, now)


def apply_pending(conn: Connection, now: datetime) -> list[str]:
    """`migrate` inside the caller's transaction (copy-store migrates and copies in one)."""
    take_write_lock(conn)  # a second desk starting at the same moment waits, then finds nothing to do
    todo = pending(conn)
    if not todo:  # before any DDL: a desk's role, which may not make a table, waited for the owner's migration
        return todo
    conn.execute(text(
        f"CREATE TABLE IF NOT EXISTS {RECORD_TABLE} ("
        "  name text COLLATE \"C\" PRIMARY KEY,"
        "  applied_order integer NOT NULL UNIQUE,"
        "  applied_at text COLLATE \"C\" NOT NULL)"))
    for name in todo:
        # exec_driver_sql: the script goes to the server as it is, several statements at once
        conn.exec_driver_sql(script(name))
        after = _AFTER.get(name)
        if after is not None:
            after(conn)
        conn.execute(text(f"INSERT INTO {RECORD_TABLE} (name, applied_order, applied_at) "
                          f"VALUES (:name, (SELECT count(*) + 1 FROM {RECORD_TABLE}), :at)"),
                     {"name": name, "at": clock.to_stamp(now)})
    return todo


def _seed_fees(conn: Connection) -> None:
    """0005's defaults from resources/tariffs.json, as SQLite's 0005_fees_ledger seeds them."""
    defaults = json.loads(resource_path("tariffs.json").read_text(encoding="utf-8"))
    for tariff in defaults["tariffs"]:
        tariff_id = conn.execute(text(
            "INSERT INTO tariff (scope, payer, free_minutes, unit_minutes, daily_cap_fen, exempt, updated_at) "
            "VALUES (:scope, :payer, :free, :unit, :cap, :exempt, :stamp) RETURNING id"),
            {"scope": tariff["scope"], "payer": tariff["payer"], "free": tariff["free_minutes"],
             "unit": tariff["unit_minutes"], "cap": tariff["daily_cap_fen"], "exempt": ",".join(tariff["exempt"]),
             "stamp": DEFAULTS_STAMP}).scalar_one()
        for band in tariff["bands"]:
            conn.execute(text("INSERT INTO tariff_band (tariff_id, band_from, band_to, rate_fen) "
                              "VALUES (:tariff, :band_from, :band_to, :rate)"),
                         {"tariff": tariff_id, "band_from": band["from"], "band_to": band["to"],
                          "rate": band["rate_fen"]})
    for rule in defaults["no_show"]["rules"]:
        conn.execute(text("INSERT INTO no_show_rule (kind, no_shows, within_days, ban_days) "
                          "VALUES (:kind, :no_shows, :within_days, :ban_days)"), rule)
    settings = dict(defaults["settings"])
    settings["fee.refund_steps"] = json.dumps(defaults["refunds"]["steps"])
    for key, value in settings.items():
        conn.execute(text("INSERT INTO setting (key, value) VALUES (:key, :value) ON CONFLICT DO NOTHING"),
                     {"key": key, "value": value})


#: What a migration does after its script, in Python (only data the script cannot hold).
_AFTER: dict[str, Callable[[Connection], None]] = {"0005_fees_ledger": _seed_fees}
