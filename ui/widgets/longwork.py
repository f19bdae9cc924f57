"""Long work (imports, demo data) on a worker thread, with a progress dialog that can cancel it.

The window's thread only moves the progress bar; the work runs on a QThread so
the desk never freezes. A SQLite connection belongs to the thread that opened
it, so the worker opens its OWN connection to the same store (file or server,
ui/widgets/storeplace.py) and closes it when done; the window keeps its own. The work is a plain function
`work(store, progress) -> result` from booking/, where `progress(done, total)`
answers False once the clerk has pressed Cancel: the domain then stops
(rolling back, or keeping whole chunks, as that function documents).
`progress(done, total, words)` also puts `words` (what the work is doing now, in
the clerk's language) in the dialog; a `total` of 0 keeps the bar busy, its end
not known yet.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.connection import ENGINE_ERRORS, Store, translate_sqlite_error
from booking.store.location import StoreServer
from ui.widgets.storeplace import open_again

log = logging.getLogger("linli.longwork")
SHOW_AFTER_MS = 300  # a quick job finishes before a dialog flashes up

class Progress(Protocol):
    """What the work is given: told how far it is (and, if it likes, what it does now); False means Cancel."""

    def __call__(self, done: int, total: int, words: str = "") -> bool: ...


Work = Callable[[Store, Progress], Any]


class _Runner(QThread):
    """Runs the work with a connection of its own; reports progress by a queued signal."""

    progressed = Signal(int, int, str)

    def __init__(self, store_path: str | StoreServer, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store_path = store_path
        self.work = work
        self.stop = threading.Event()
        self.result: Any = None
        self.error: DeskError | None = None

    def _progress(self, done: int, total: int, words: str = "") -> bool:
        self.progressed.emit(done, total, words)
        return not self.stop.is_set()

    def run(self) -> None:
        store: Store | None = None
        try:
            if self.store_path == ":memory:":  # a second connection would open another, empty store
                raise DeskError("store", "ulong_no_file")
            store = open_again(self.store_path)
            self.result = self.work(store, self._progress)
        except DeskError as exc:
            self.error = exc
        except ENGINE_ERRORS as exc:
            self.error = translate_sqlite_error(exc, str(self.store_path))
        except Exception as exc:  # a bug: the window says so and keeps running
            log.exception("long work failed")
            self.error = DeskError("internal", "err_internal", detail=f"{type(exc).__name__}: {exc}")
        finally:
            if store is not None:
                store.close()


class LongWork(QObject):
    """One piece of long work: `start()` it; it emits `succeeded(result)` or `failed(DeskError)`.

    A progress dialog (window-modal over `parent`) shows how far it is and has a
    Cancel button; `cancelled` tells whether it was pressed.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()
    #: what the dialog shows after each progress report: its words, its bar's value and maximum
    shown = Signal(str, int, int)

    def __init__(self, store_path: str | StoreServer, work: Work, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cancelled = False
        self.runner = _Runner(store_path, work, self)
        self.runner.progressed.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self.runner.finished.connect(self._finish, Qt.ConnectionType.QueuedConnection)
        self.dialog = QProgressDialog(label, tr("ulong_cancel"), 0, 0, parent)
        self.dialog.setWindowTitle(label)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumWidth(420)  # room for a file name beside the words
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        app = QCoreApplication.instance()
        if app is not None:  # quitting mid-work: stop the worker first (a running QThread must not be destroyed)
            app.aboutToQuit.connect(self._stop_for_quit)

    @property
    def running(self) -> bool:
        return self.runner.isRunning()

    def start(self) -> None:
        self.dialog.setValue(0)  # starts the dialog's show-after timer
        self.runner.start()

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report (what it does then is the domain's choice)."""
        if self.runner.isRunning() and not self.runner.stop.is_set():
            self.cancelled = True
            self.runner.stop.set()
            self.dialog.setLabelText(tr("ulong_cancelling"))

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the worker has ended (for closing a window while it runs)."""
        return self.runner.wait(timeout_ms)

    def _stop_for_quit(self) -> None:
        self.cancel()
        self.wait()

    def _show_progress(self, done: int, total: int, words: str) -> None:
        if words and not self.cancelled:  # "cancelling…" stays until the work has stopped
            self.dialog.setLabelText(words)
        if total > 0 and self.dialog.maximum() != total:  # 0: the end is not known yet, the bar stays busy
            self.dialog.setMaximum(total)
        value = min(done, total) if total > 0 else self.dialog.value()
        self.shown.emit(self.dialog.labelText(), value, self.dialog.maximum())
        if total > 0:  # last: a window-modal dialog's setValue runs the event loop, so the next report comes in it
            self.dialog.setValue(value)

    def _finish(self) -> None:
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.reset()
        self.dialog.hide()
        if self.runner.error is not None:
            self.failed.emit(self.runner.error)
        else:
            self.succeeded.emit(self.runner.result)
        self.finished.emit()
