"""The window's screen of `copy-store`: this PC's store file copied to the community's server.

The work is booking/store/postgres/copy.py's (`copy_file_to`, the command's own): the file is
first opened as every command opens it (migrated to this version, so both schemas are this
version's), then copied in one transaction, each table checked by its row count and checksum,
and a database that is not empty is refused before anything is written. It runs on a worker
thread with its own connections, table by table on a progress bar; the report is shown table by
table in plain words. Only an admin copies, after a question whose default is No.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QProgressBar, QPushButton,
                               QVBoxLayout, QWidget)

from booking.ops import setup
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.location import StoreServer
from ui.desk.fonts import ui_font
from ui.desk.session import Desk
from ui.widgets.confirm import ask
from ui.widgets.fieldmessages import ERROR_CSS

if TYPE_CHECKING:
    from booking.store.postgres.copy import Step


class CopyWorker(QThread):
    """The copy on its own thread: the file opened (and migrated), then copied and checked."""

    progressed = Signal(str, int, int)  # the table being copied, how many before it, how many in all
    succeeded = Signal(object)          # the copy's report (as `copy-store --json` prints it)
    failed = Signal(object)             # the DeskError

    def __init__(self, desk: Desk, source: Path, target: StoreServer, parent: Any = None) -> None:
        super().__init__(parent)
        self.source, self.target = source, target
        self.now = desk.now()

    def run(self) -> None:
        from booking.store.postgres import copy  # psycopg and SQLAlchemy's dialect: only for a copy

        try:
            # as the command: the file must exist and be at this version before it is copied
            setup.open_ready(self.source, now=self.now, create=False).close()
            result = copy.copy_file_to(self.source, self.target, self.target.password, self.now, self._told)
        except DeskError as exc:
            self.failed.emit(exc)
        except Exception as exc:  # noqa: BLE001 -- a thread must report, not die silently
            self.failed.emit(DeskError("internal", "store_error", detail=f"{type(exc).__name__}: {exc}"))
        else:
            self.succeeded.emit({"copied": True, "from": str(self.source), "to": self.target.shown(), **result})

    def _told(self, step: Step) -> None:  # the bar follows the tables copied
        if step.phase == "copy":
            self.progressed.emit(step.table, step.done, step.count)


def report_lines(result: dict[str, Any]) -> list[str]:
    """The copy's report in plain words: the total, then each table's rows."""
    lines = [tr("cli_copy_store_done", rows=result["rows"], tables=len(result["tables"]), url=result["to"])]
    lines += [tr("ust_copy_table", table=name, rows=entry["rows"]) for name, entry in result["tables"].items()]
    return lines


class CopyStoreDialog(QDialog):
    """From this PC's file to the server: what, where, a question (No by default), progress, the report."""

    copied = Signal(object)  # the report, once the copy was checked and committed

    def __init__(self, desk: Desk, source: Path, target: StoreServer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.source, self.target = desk, source, target
        self.result_data: dict[str, Any] | None = None
        self.error: DeskError | None = None
        self.worker: CopyWorker | None = None
        self.setWindowTitle(tr("ust_copy_title"))
        self.setFont(ui_font(11))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        # read-only text, not a wrapped label: a long file path can't wrap at a word, and this scrolls
        self.what = QPlainTextEdit(tr("ust_copy_what", source=str(source), url=target.shown()), self)
        self.what.setReadOnly(True)
        self.what.setFrameShape(QPlainTextEdit.Shape.NoFrame)
        self.what.setMinimumHeight(self.what.fontMetrics().lineSpacing() * 8)
        layout.addWidget(self.what)
        self.progress = QProgressBar(self)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.report = QPlainTextEdit(self)
        self.report.setReadOnly(True)
        self.report.hide()
        layout.addWidget(self.report)
        buttons = QDialogButtonBox(self)
        self.start_button = QPushButton(tr("ust_copy_start"), self)
        buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton(tr("ust_close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.start_button.clicked.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def start(self) -> bool:
        """Ask, then copy on the worker thread; False if the admin said No or is not an admin."""
        if not self.desk.actor.is_admin:
            self._failed(DeskError("forbidden", "cli_admin_only"))
            return False
        if not ask(self, tr("ust_copy_title"), tr("ust_copy_question", source=str(self.source),
                                                   url=self.target.shown())):
            return False
        self.start_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.error, self.result_data = None, None
        self.status.setStyleSheet("")
        self.status.setText(tr("ust_copy_opening"))
        self.progress.setRange(0, 0)
        self.progress.show()
        self.worker = CopyWorker(self.desk, self.source, self.target, self)
        self.worker.progressed.connect(self._progressed)
        self.worker.succeeded.connect(self._succeeded)
        self.worker.failed.connect(self._failed)
        self.worker.finished.connect(self._finished)
        self.worker.start()
        return True

    def wait(self, timeout_ms: int = 120_000) -> bool:
        return self.worker.wait(timeout_ms) if self.worker is not None else True

    def _progressed(self, table: str, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.status.setText(tr("ust_copy_table_now", table=table, done=done + 1, total=total))

    def _succeeded(self, result: dict[str, Any]) -> None:
        self.result_data = result
        self.progress.setValue(self.progress.maximum())
        lines = report_lines(result)
        self.status.setText(lines[0])
        self.report.setPlainText("\n".join(lines[1:]))
        self.report.show()
        self.copied.emit(result)

    def _failed(self, error: DeskError) -> None:
        self.error = error
        self.progress.hide()
        self.status.setStyleSheet(ERROR_CSS)
        self.status.setText(error.message())

    def _finished(self) -> None:
        self.close_button.setEnabled(True)
        self.start_button.setEnabled(self.result_data is None)

    def reject(self) -> None:
        if self.worker is not None and self.worker.isRunning():
            return  # the copy is one transaction: it ends by itself, committed or rolled back
        super().reject()
