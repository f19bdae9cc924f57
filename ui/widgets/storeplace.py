"""Where an open store is, for the work that opens a connection of its own (a worker thread's
long work, the export, the gate server): its file, or its server.

A store on the community's server (booking/store/postgres/store.py) keeps the checked location it
was opened with, password included (never shown), so a second connection reaches the same server,
database and compound as the window's own; a store file is reached by its path as before.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from booking.store.connection import Store, open_store
from booking.store.location import StoreServer


def place_of(store: Any) -> str | StoreServer:
    """The file path of `store`, or the server it is on."""
    server = getattr(store, "server", None)
    return server if isinstance(server, StoreServer) else str(store.path)


def on_server(store: Any) -> bool:
    """Whether `store` is on the community's server rather than a file on this PC."""
    return isinstance(place_of(store), StoreServer)


def open_again(place: str | Path | StoreServer, *, migrate: bool = True) -> Store:
    """A second connection to the store at `place` (for another thread: connections are not shared)."""
    if isinstance(place, StoreServer):
        # imported only for a server store: psycopg and SQLAlchemy's dialect are slow to import
        from booking.store.postgres.store import open_server_store
        return open_server_store(place, now=None, migrate_it=False, create=False)  # opens only: no now
    return open_store(place, migrate=migrate)
