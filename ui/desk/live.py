"""Live refresh: what other desks and programs wrote reaches this desk's views, and whether the
store can be reached reaches its status bar.

The store's watch (booking/store/watch.py: the file's `data_version` on SQLite, the server's
notices on PostgreSQL) is polled here on the window's thread every `INTERVAL_MS`, and at once
when the watch wakes it from its own thread (a queued signal). What it heard is announced through
the one change path, `desk.notify(changes, origin=self)`: each view refreshes itself as after a
write of this desk, keeping its selection and scroll as it does then. This desk's own writes were
announced by `desk.run`; the watch leaves them out, so no view reads itself twice.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from booking.store.errors import DeskError
from ui.desk.session import Desk

#: how often the store is asked: half a second keeps "within a second" with room to draw
INTERVAL_MS = 500


class LiveRefresh(QObject):
    """Polls the desk's store watch and announces what it heard."""

    #: the store can't be reached (the DeskError saying why) or can again (None)
    reach_changed = Signal(object)
    _woken = Signal()

    def __init__(self, desk: Desk, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.desk = desk
        self.gone: DeskError | None = None
        self._stopped = False
        self.watch = desk.store.watch()
        self._woken.connect(self.poll, Qt.ConnectionType.QueuedConnection)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self.watch.start(self._wake)

    def _wake(self) -> None:
        """From the watch's thread: poll soon, on the window's thread."""
        if not self._stopped:
            self._woken.emit()

    def poll(self) -> None:
        if self._stopped:
            return
        for notice in self.watch.poll():
            if notice.gone is not None:
                self.gone = notice.gone
                self.reach_changed.emit(notice.gone)
            if notice.back:
                self.gone = None
                self.reach_changed.emit(None)
            if notice.changes:
                self.desk.notify(notice.changes, self)

    def stop(self) -> None:
        self._stopped = True
        self.timer.stop()
        self.watch.stop()
