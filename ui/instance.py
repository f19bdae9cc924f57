"""One desk window per store.

Two windows on one store would not double-book (the store's write lock sees
to that), but a clerk who double-clicks the icon twice would work in two
windows that each think they show the truth. So the first start of a store
listens on a local socket (a named pipe on Windows) named after a hash of the
store's absolute path; a second start on the same store finds it, asks it to
bring its window forward, and stops with a clear message. Another store (for
example a test copy opened with --db) gets its own name and its own window.

Starts that race each other (two double-clicks) are serialised by a lock file
in the temporary folder, and a socket left behind by a crashed desk is
recognised because nobody answers on it.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QDir, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QMessageBox, QWidget

from booking.i18n import define, tr

RAISE = b"raise\n"
CONNECT_MS = 500

define(
    instance_running_title=("邻里服务台已在运行", "Linli Desk is already running"),
    instance_running=("这个数据文件已经在另一个邻里服务台窗口中打开：{path}\n已把那个窗口切换到前面，请在那里继续工作。",
                      "This store is already open in another Linli Desk window: {path}\n"
                      "That window has been brought to the front; please carry on there."),
)


def server_name(store_path: str | Path) -> str:
    """The socket name for a store: the same for every spelling of its path."""
    where = os.path.normcase(str(Path(store_path).resolve()))
    return "linli-desk-" + hashlib.sha256(where.encode("utf-8")).hexdigest()[:24]


class SingleInstance(QObject):
    """Claims a store for this process; tells the first process when another start wants it."""

    #: another start of the same store asked this one to come forward
    raise_requested = Signal()

    def __init__(self, store_path: str | Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store_path = Path(store_path)
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
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if socket.canReadLine() and bytes(socket.readLine().data()) == RAISE:
            self.raise_requested.emit()

    def _forget(self, socket: QLocalSocket) -> None:
        if socket.bytesAvailable():
            self._read(socket)
        if socket in self._sockets:
            self._sockets.remove(socket)
        socket.deleteLater()


def bring_forward(window: QWidget) -> None:
    """Show `window` on top (Windows may only flash its taskbar button; the second start says so too)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def claim_or_explain(store_path: str | Path, parent: QWidget | None = None) -> SingleInstance | None:
    """For the start of the window: the claim, or None after telling the user the store is open elsewhere."""
    instance = SingleInstance(store_path)
    if instance.claim():
        return instance
    QMessageBox.information(parent, tr("instance_running_title"), already_running_text(store_path))
    return None


def already_running_text(store_path: str | Path) -> str:
    return tr("instance_running", path=str(store_path))
