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


def open_ready(path: str | Path, *, create: bool = True) -> Store:
    """Open, migrate and seed the store at `path`.

    `create=False` refuses a missing store (DeskError "not_found" naming the path): every
    command but `init` opens that way, so a task running as another account, or a mistyped
    --db, never makes a new, empty store with a new pass key.
    """
    store = open_store(path, create=create)
    try:
        return prepare(store)
    except BaseException:
        store.close()
        raise
