"""A store ready for the desk: opened, migrated, and seeded on first start."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from booking.checkin import passes
from booking.places import inventory
from booking.policy import rules
from booking.store.connection import Store, open_store
from booking.store.location import StoreServer


def prepare(store: Store, *, now: datetime) -> Store:
    """Seed what a new store needs (idempotent: seeds only what is missing)."""
    inventory.seed(store, now=now)
    rules.seed(store, now=now)
    passes.ensure_key(store, now=now)
    return store


def open_ready(path: str | Path | StoreServer, *, now: datetime, create: bool = True, full_check: bool = True,
               password: str | None = None) -> Store:
    """Open, migrate and seed the store at `path`.

    `create=False` refuses a missing store (DeskError "not_found" naming the path): every
    command but `init` opens that way, so a task running as another account, or a mistyped
    --db, never makes a new, empty store with a new pass key. `full_check=False` (the
    window) leaves the whole-file damage check owed (`store.open_store`).
    """
    if isinstance(path, StoreServer):  # the community's server: imported only then (psycopg is slow to import)
        from booking.store.postgres.store import open_server_store
        store: Store = open_server_store(path, now=now, password=password, create=create)
    else:
        store = open_store(path, create=create, full_check=full_check)
    try:
        return prepare(store, now=now)
    except BaseException:
        store.close()
        raise
