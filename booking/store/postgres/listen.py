"""The server's notices to a desk (LISTEN/NOTIFY), and whether the server can be reached.

Every write names the tables it changed in a NOTIFY on the store's channel (store.py), which
the server delivers at COMMIT to every connection listening. A window listens on a connection
of its own, on a plain thread (`ServerWatch`; Qt stays in ui/): it waits for notices at most
`PING_S` at a time and then asks the server a `SELECT 1`, so a server that went away is noticed
within seconds even when nobody writes (libpq's keepalives bound the wait on a dead network).
What the thread hears it queues and `wake`s the window, which `poll`s on its own thread:

- a notice from another connection becomes the Changes of its tables (its own were announced
  by the window that wrote them, so no view reads itself twice);
- a lost listening connection marks the store gone (`ServerStore.mark_gone`): every write is
  refused at once with the reason, not after a wait on the network. The thread connects again
  every few seconds (`RETRY_S`);
- once the server answers again (the listening connection is back) the window's poll makes the
  store's own new connection (`ServerStore.reconnect`, quick then), and tells the window it is
  back, with every kind of change: what was written meanwhile was not heard.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
import zlib
from collections.abc import Callable
from typing import Any, Protocol

import psycopg

from booking.store import clock
from booking.store.changes import ANY_WRITE, NOTHING, of_tables
from booking.store.errors import DeskError
from booking.store.watch import Notice, Watch

log = logging.getLogger("linli.store.listen")

CHANNEL = "linli_changes"
#: how long the listening thread waits for a notice before it asks the server whether it is there
PING_S = 2.0
#: the waits between tries to reach the server again, the last repeated
RETRY_S = (2.0, 3.0, 5.0)


def channel_for(schema: str | None) -> str:
    """The store's channel: the database's, or a compound's own (schemas share a database's channels).
    The schema was checked against [a-z_][a-z0-9_]*; a name past PostgreSQL's 63 bytes is shortened."""
    if not schema:
        return CHANNEL
    name = f"{CHANNEL}_{schema}"
    return name if len(name) <= 63 else f"{CHANNEL}_{zlib.crc32(schema.encode('ascii')):08x}"


class Listened(Protocol):
    """What the watch needs of the store it listens for (store.py's ServerStore)."""

    channel: str
    backend_pid: int
    gone: DeskError | None

    def mark_gone(self, reason: str) -> None: ...

    def reconnect(self) -> None: ...

    def listening_connection(self) -> psycopg.Connection[Any]: ...


class ServerWatch(Watch):
    """Listens on a connection of its own for the store's notices (see the module's doc)."""

    def __init__(self, store: Listened, connect: Callable[[], psycopg.Connection[Any]] | None = None) -> None:
        self.store = store
        self._connect = connect or store.listening_connection
        self._heard: queue.SimpleQueue[tuple[str, int, str]] = queue.SimpleQueue()
        self._stopped = threading.Event()
        self._listening = threading.Event()  # the listening connection is up: the server answers
        self._wake: Callable[[], None] = lambda: None
        self._thread = threading.Thread(target=self._run, name="linli-store-listen", daemon=True)
        self._told_gone = False
        self._tries = 0
        self._next_try = 0.0

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    def start(self, wake: Callable[[], None]) -> None:
        self._wake = wake
        self._thread.start()

    def stop(self) -> None:
        """Stop listening; the thread ends within `PING_S` and closes its connection."""
        self._stopped.set()
        self._listening.clear()  # nothing heard from now on says the server answers

    def wait_listening(self, seconds: float) -> bool:
        """Wait until the thread listens (a test, or a bench, before the first write)."""
        return self._listening.wait(seconds)

    # -- the listening thread ------------------------------------------------------------------

    def _run(self) -> None:
        tries = 0
        while not self._stopped.is_set():
            try:
                conn = self._connect()
            except psycopg.Error as exc:
                self._lost(exc)
            else:
                try:
                    conn.execute(f"LISTEN {self.store.channel}")
                    if self._stopped.is_set():
                        break
                    self._listening.set()
                    self._tell("listening", 0, "")
                    tries = 0
                    while not self._stopped.is_set():
                        for notice in conn.notifies(timeout=PING_S):
                            self._tell("notice", notice.pid, notice.payload)
                            if self._stopped.is_set():
                                break
                        conn.execute("SELECT 1")  # still there?
                except psycopg.Error as exc:
                    self._lost(exc)
                finally:
                    try:
                        conn.close()
                    except psycopg.Error:
                        pass
            if clock.pause(self._stopped, RETRY_S[min(tries, len(RETRY_S) - 1)]):
                break
            tries += 1

    def _lost(self, exc: psycopg.Error) -> None:
        if self._stopped.is_set():
            return
        self._listening.clear()
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        log.warning("the store's server can't be reached: %s", reason)
        self._tell("lost", 0, reason)

    def _tell(self, what: str, pid: int, text: str) -> None:
        self._heard.put((what, pid, text))
        try:
            self._wake()
        except RuntimeError:  # the window that asked is gone; its poll never comes
            pass

    # -- the window's thread -------------------------------------------------------------------

    def poll(self) -> list[Notice]:
        changes = NOTHING
        while True:
            try:
                what, pid, text = self._heard.get_nowait()
            except queue.Empty:
                break
            if what == "notice" and pid != self.store.backend_pid:
                changes = changes | of_tables(name for name in text.split(",") if name)
            elif what == "lost":
                self.store.mark_gone(text)
        out = [Notice(changes=changes)] if changes else []
        store = self.store
        if store.gone is not None and not self._told_gone:
            self._told_gone = True
            out.append(Notice(gone=store.gone))
        if store.gone is not None and self.listening and time.monotonic() >= self._next_try:
            try:
                store.reconnect()
            except DeskError:
                self._next_try = time.monotonic() + RETRY_S[min(self._tries, len(RETRY_S) - 1)]
                self._tries += 1
        if store.gone is None and self._told_gone:
            self._told_gone = False
            self._tries = 0
            self._next_try = 0.0
            # what came meanwhile was not heard: every view reads itself again, once
            out = [notice for notice in out if notice.gone is not None] + [Notice(changes=ANY_WRITE, back=True)]
        return out
