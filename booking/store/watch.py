"""Noticing what other programs wrote to the store, and whether it can be reached (live refresh).

A desk shows what another desk, the self-service station or a command wrote within a second,
without a restart. The window polls its store's `watch()` every half second on its own thread
(ui/desk/live.py) and announces what it hears through the one change path (`desk.notify`), so
each view refreshes itself as after its own write. A watch may also `wake` the window at once
(the server's notices arrive on a thread of their own: booking/store/postgres/listen.py).

On SQLite, `PRAGMA data_version` moves when another connection committed (never for this
connection's own commits, which the window announced itself: no view reads itself twice). It
says *that* the file changed, not *what*: the store's own logs say that. Every change the desk
shows is audited (the audit log's `entity` is the table), and scans and gate events have their
own append-only tables, so the new rows of those three since the last look name the kinds,
read through their primary keys in microseconds. A commit that left none of them (the gate
server's whitelist bookkeeping, the one unaudited write) is told as `UNLOGGED`. A change-log
table with triggers on every table would say the same at a cost on every row written; the logs
are there already.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from booking.store.changes import NOTHING, Changes, of_tables
from booking.store.errors import DeskError

#: what a commit that wrote no audit entry, scan or gate event may have changed: the gate
#: server's bookkeeping of what it told the cameras (gate_whitelist, gate_open)
UNLOGGED = Changes(gates=True)


@dataclass(frozen=True)
class Notice:
    """What a watch heard: another program's changes, the store gone, or the store back."""

    changes: Changes = NOTHING
    #: the store can't be reached any more: why, in the clerk's words (every write is refused so)
    gone: DeskError | None = None
    #: reached again after `gone`: what was written meanwhile is unknown, so `changes` is every kind
    back: bool = False


class Watch:
    """A store that nobody else can write (`:memory:`): nothing to notice."""

    def start(self, wake: Callable[[], None]) -> None:
        """Begin watching; `wake()` (from any thread) asks for a `poll()` soon."""

    def poll(self) -> list[Notice]:
        """What happened since the last poll; called on the thread that uses the store."""
        return []

    def stop(self) -> None:
        """Stop watching (the window is closing)."""


class SQLiteWatch(Watch):
    """Another connection's commits to the file, by `PRAGMA data_version`, told by the logs' new rows."""

    #: the logs whose new rows name what changed: (table, the name its new rows stand for, or
    #: None: each row's own `entity`)
    LOGS = (("audit", None), ("scan", "scan"), ("gate_event", "gate_event"))

    def __init__(self, connection: Callable[[], sqlite3.Connection]) -> None:
        """`connection()` gives the store's connection as it is now (a restore reopens it)."""
        self._connection = connection
        self._version: int | None = None
        self._own = 0
        self._last: dict[str, int] = {}

    def _conn(self) -> sqlite3.Connection | None:
        """The store's connection, or None while it is closed (a restore) or inside a write."""
        try:
            conn = self._connection()
            if conn.in_transaction:
                return None
            return conn
        except (sqlite3.ProgrammingError, AttributeError):
            return None

    def _tops(self, conn: sqlite3.Connection) -> dict[str, int]:
        return {table: int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])
                for table, _ in self.LOGS}

    def start(self, wake: Callable[[], None]) -> None:
        conn = self._conn()
        if conn is not None:
            self._version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            self._own = conn.total_changes
            self._last = self._tops(conn)

    def poll(self) -> list[Notice]:
        conn = self._conn()
        if conn is None:
            return []
        try:
            version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            own = conn.total_changes
            if version == self._version:
                if own != self._own:  # this desk wrote: its own log rows are not news
                    self._own, self._last = own, self._tops(conn)
                return []
            first = self._version is None
            self._version, self._own = version, own
            names: set[str] = set()
            for table, name in self.LOGS:
                last = self._last.get(table, 0)
                if name is None:
                    names.update(row[0] for row in conn.execute(
                        f"SELECT DISTINCT entity FROM {table} WHERE id > ?", (last,)))
                top = int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])
                if name is not None and top > last:
                    names.add(name)
                self._last[table] = top  # a restored, older file has lower ids: start from its own
        except sqlite3.Error:  # busy or closing: the next poll looks again
            return []
        if first:
            return []
        return [Notice(changes=of_tables(names) if names else UNLOGGED)]
