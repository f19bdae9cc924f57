"""A store ready for the desk: opened, migrated, and seeded on first start."""
from __future__ import annotations

from pathlib import Path

from booking import inventory, passes, rules
from booking.store import Store, open_store


def prepare(store: Store) -> Store:
    """Seed what a new store needs (idempotent: seeds only what is missing)."""
    inventory.seed(store)
    rules.seed(store)
    passes.ensure_key(store)
    return store


def open_ready(path: str | Path) -> Store:
    """Open, migrate and seed the store at `path`."""
    store = open_store(path)
    try:
        return prepare(store)
    except BaseException:
        store.close()
        raise
