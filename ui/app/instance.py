"""One desk window per store.

Two windows on one store would not double-book (the store's write lock sees
to that), but a clerk who double-clicks the icon twice would work in two
windows that each think they show the truth. So the first start of a store
listens on a local socket (a named pipe on Windows) named after a hash of the
store's absolute path (for a store on the community's server: its URL without the
password); a second start on the same store finds it, asks it to
bring its window forward, and stops with a clear message. Another store (for
example a test copy opened with --db) gets its own name and its own window. On a
server the claim is this PC's only: another PC's desk on the same server is the point
of a shared store.

Starts that race each other (two double-clicks) are serialised by a lock file
in the temporary folder, and a socket left behind by a crashed desk is
recognised because nobody answers on it.

Windows lets only the process the user is working with put a window in front;
the first desk, in the background, would only flash its taskbar button. The
second start is that process (the clerk just double-clicked it), so the first
desk tells it its process id on connecting, and the second passes its right on
with AllowSetForegroundWindow before asking it to come forward.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDir, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QMessageBox, QWidget

from booking.store.i18n import tr
from booking.store.location import StoreServer

RAISE = b"raise\n"
PID = b"pid "  # the first desk's greeting: b"pid 1234\n"
CONNECT_MS = 500
ASFW_ANY = -1  # AllowSetForegroundWindow: any process (when the first desk did not say which)


#: what a desk claims: its store file, or the server store it is on
Claimed = str | Path | StoreServer


def store_key(store: Claimed) -> str:
    """What names a store for the claim: its absolute path, or its server's URL without the password."""
    if isinstance(store, StoreServer):
        return "server " + store.shown()  # shown() never holds the password; its port is always written
    return os.path.normcase(str(Path(store).resolve()))


def server_name(store_path: Claimed) -> str:
    """The socket name for a store: the same for every spelling of its path."""
    return "linli-desk-" + hashlib.sha256(store_key(store_path).encode("utf-8")).hexdigest()[:24]


class SingleInstance(QObject):
    """Claims a store for this process; tells the first process when another start wants it."""

    #: another start of the same store asked this one to come forward
    raise_requested = Signal()

    def __init__(self, store_path: Claimed, parent: QObject | None = None,
                 grant_foreground: Callable[[int | None], Any] | None = None) -> None:
        super().__init__(parent)
        # passes the right to come to the front to the first desk (a test gives a recorder)
        self.grant_foreground = grant_foreground or allow_foreground
        self.store_path = store_path if isinstance(store_path, StoreServer) else Path(store_path)
        self.name = server_name(store_path)
        self._server: QLocalServer | None = None
        self._sockets: list[QLocalSocket] = []

    def claim(self) -> bool:
        """True if this process now owns the store; False if another desk has it (it was asked to come forward)."""
        guard = QLockFile(QDir(QDir.tempPath()).filePath(self.name + ".lock"))
        guard.setStaleLockTime(10_000)
        guard.tryLock(3000)  # if it cannot be had, carry on: better two windows than none
        try:
            if self._ask_running_desk():
                return False
            server = QLocalServer(self)
            server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
            if not server.listen(self.name):
                QLocalServer.removeServer(self.name)  # left behind by a desk that crashed
                if not server.listen(self.name):
                    return True  # no socket to be had: still start, the write lock keeps bookings safe
            server.newConnection.connect(self._take_connections)
            self._server = server
            return True
        finally:
            if guard.isLocked():
                guard.unlock()

    def release(self) -> None:
        """Stop answering (the window is closing)."""
        if self._server is not None:
            self._server.close()
            self._server = None

    def watch(self, window: QWidget) -> None:
        """Bring `window` forward whenever another start of this store asks for it."""
        self.raise_requested.connect(lambda: bring_forward(window))

    def _ask_running_desk(self) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_MS):
            return False
        self.grant_foreground(_read_pid(socket))  # before asking: the right to come to the front
        socket.write(RAISE)
        socket.waitForBytesWritten(CONNECT_MS)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(CONNECT_MS)
        return True

    def _take_connections(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._sockets.append(socket)
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))
            if socket.bytesAvailable() or socket.waitForReadyRead(0):
                self._read(socket)  # an older start that asked without waiting for the greeting
            else:
                socket.write(PID + str(os.getpid()).encode("ascii") + b"\n")
                socket.flush()

    def _read(self, socket: QLocalSocket) -> None:
        if socket.canReadLine() and bytes(socket.readLine().data()) == RAISE:
            self.raise_requested.emit()

    def _forget(self, socket: QLocalSocket) -> None:
        if socket.bytesAvailable():
            self._read(socket)
        if socket in self._sockets:
            self._sockets.remove(socket)
        socket.deleteLater()


def _read_pid(socket: QLocalSocket) -> int | None:
    """The process id the first desk greets with (None if it said nothing in time)."""
    if not socket.canReadLine() and not socket.waitForReadyRead(CONNECT_MS):
        return None
    line = bytes(socket.readLine().data()).strip()
    if line.startswith(PID.strip()) and line[len(PID):].isdigit():
        return int(line[len(PID):])
    return None


def allow_foreground(pid: int | None, user32: Any = None) -> bool:
    """Windows: let process `pid` (any process if None) bring its window to the front.

    Only the foreground process may grant this, which the second start of the desk is.
    Elsewhere nothing needs granting. `user32` is for tests: the object with
    AllowSetForegroundWindow (ctypes.windll.user32 on Windows).
    """
    if user32 is None:
        if sys.platform != "win32":
            return False
        user32 = ctypes.windll.user32  # type: ignore[attr-defined]  # windll exists on Windows only
    return bool(user32.AllowSetForegroundWindow(ASFW_ANY if pid is None else pid))


def bring_forward(window: QWidget) -> None:
    """Show `window` on top (the second start has allowed it: see allow_foreground)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def claim_or_explain(store_path: Claimed, parent: QWidget | None = None) -> SingleInstance | None:
    """For the start of the window: the claim, or None after telling the user the store is open elsewhere."""
    instance = SingleInstance(store_path)
    if instance.claim():
        return instance
    QMessageBox.information(parent, tr("instance_running_title"), already_running_text(store_path))
    return None


def already_running_text(store_path: Claimed) -> str:
    if isinstance(store_path, StoreServer):
        return tr("instance_running_server", url=store_path.shown())
    return tr("instance_running", path=str(store_path))
