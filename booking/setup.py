"""A store ready for the desk: opened, migrated, and seeded on first start."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from booking import inventory, passes, rules
from booking.store import Store, open_store


def prepare(store: Store, *, now: datetime) -> Store:
    """Seed what a new store needs (idempotent: seeds only what is missing)."""
    inventory.seed(store, now=now)
    rules.seed(store, now=now)
    passes.ensure_key(store, now=now)
    return store


def open_ready(path: str | Path, *, now: datetime) -> Store:
    """Open, migrate and seed the store at `path`."""
    store = open_store(path)
    try:
        return prepare(store, now=now)
    except BaseException:
        store.close()
        raise
