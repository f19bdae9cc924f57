"""Unexpected errors: logged, shown in a dialog, and the desk keeps running.

PySide6 hands an exception raised in a slot or an event handler to
`sys.excepthook` and then goes on with the event loop, so one hook is enough
to turn "the program vanished" into "the program said what went wrong and
where the details are". Errors in worker threads (the daily backup) come
through `threading.excepthook` and are shown on the window's thread.

The dialog is non-modal and there is only ever one: an error that repeats
(say, in a paint handler) adds to its count instead of piling up windows,
and nothing waits for the user to click, so tests never hang on it.
"""
from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from booking.store import logs
from booking.store.errors import DeskError
from booking.store.i18n import tr

log = logging.getLogger("linli.errors")

Shower = Callable[[str, str, str], None]


def describe(error: BaseException) -> str:
    """What happened, in words for the clerk: a DeskError says it itself."""
    if isinstance(error, DeskError):
        return error.message()
    return tr("error_unexpected", kind=type(error).__name__, text=str(error) or "-")


class ErrorReporter(QObject):
    """Installs the hooks; shows each unexpected error (by default in one non-modal dialog)."""

    _report = Signal(str, str)  # what happened, the traceback; crosses threads queued

    def __init__(self, log_file: Path | None = None, show: Shower | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file if log_file is not None else logs.log_file()
        self._show = show or self._show_dialog
        self.dialog: QMessageBox | None = None
        self._repeats = 0
        self._previous_hooks: tuple | None = None
        # Queued: the dialog opens after the failing slot or paint handler has unwound.
        self._report.connect(self._on_report, Qt.ConnectionType.QueuedConnection)

    def install(self) -> ErrorReporter:
        if self._previous_hooks is None:
            self._previous_hooks = (sys.excepthook, threading.excepthook)
            sys.excepthook = self.excepthook
            threading.excepthook = self._thread_excepthook
        return self

    def uninstall(self) -> None:
        if self._previous_hooks is not None:
            sys.excepthook, threading.excepthook = self._previous_hooks
            self._previous_hooks = None

    def excepthook(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, (KeyboardInterrupt, SystemExit)):
            sys.__excepthook__(kind, error, tb)
            return
        log.critical("unexpected error", exc_info=(kind, error, tb))
        details = "".join(traceback.format_exception(kind, error, tb))
        if QApplication.instance() is None:  # no window to show it in: say it where it can be seen
            sys.__excepthook__(kind, error, tb)
            return
        self._report.emit(describe(error), details)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def _on_report(self, what: str, details: str) -> None:
        self._show(tr("error_title"), what, details)

    def _advice(self) -> str:
        if self.log_file is None:
            return tr("error_no_log")
        return tr("error_keeps_running", log=str(self.log_file))

    def _show_dialog(self, title: str, what: str, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self._repeats += 1
            self.dialog.setInformativeText(self._advice() + "\n" + tr("error_repeated", n=self._repeats))
            return
        self._repeats = 0
        box = QMessageBox(QMessageBox.Icon.Critical, title, what, QMessageBox.StandardButton.Ok,
                          QApplication.activeWindow())
        box.setInformativeText(self._advice())
        box.setDetailedText(details)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(self._forget_dialog)
        self.dialog = box
        box.show()  # never exec(): the desk goes on while the dialog is open

    def _forget_dialog(self) -> None:
        self.dialog = None


_installed: ErrorReporter | None = None


def install(log_file: Path | None = None) -> ErrorReporter:
    """Install the error dialog for the whole program (once); returns the reporter."""
    global _installed
    if _installed is None:
        _installed = ErrorReporter(log_file).install()
    return _installed
