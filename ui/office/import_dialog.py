"""Importing residents from a CSV file: a dry run shown row by row, then the import.

The dialog decides nothing: booking.people.imports checks the file (on a worker
thread, so a big file never freezes the desk) and the dialog lists each
mistake with its line, field and message. "导入 N 位" imports the rows without
mistakes in one transaction, again on a worker with a progress bar and Cancel;
a cancelled import leaves the store as it was.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QLabel, QVBoxLayout, QWidget)

from booking.people import imports
from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.store.i18n import tr
from ui.desk.fonts import ui_font
from ui.widgets.longwork import LongWork
from ui.widgets.storeplace import place_of
from ui.desk.session import Desk
from ui.widgets.tables import TableModel, read_only_view


class CheckModel(TableModel):
    """The mistakes a dry run found: line, field, message and the cell as written."""

    COLUMNS = ("uimp_col_line", "uimp_col_field", "uimp_col_message", "uimp_col_value")
    RIGHT = frozenset({0})
    TIPS = False

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[dict[str, Any]] = []

    def set_entries(self, entries: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def row_total(self) -> int:
        return len(self.entries)

    def cell(self, number: int, column: str) -> Any:
        entry = self.entries[number]
        if column == "uimp_col_line":
            return entry["line"]
        if column == "uimp_col_field":
            return tr(f"imp_field_{entry['field']}")
        if column == "uimp_col_message":
            return entry["error"]
        return entry.get("value", "")

    def shown(self, value: Any, column: str) -> Any:
        """The line number stays a number, as the view shows one."""
        return value if column == "uimp_col_line" else super().shown(value, column)


def choose_file(parent: QWidget | None) -> str | None:
    """The CSV the clerk picks, or None."""
    path, _filter = QFileDialog.getOpenFileName(parent, tr("uimp_choose"), "", tr("uimp_filter"))
    return path or None


class ImportDialog(QDialog):
    """Check a CSV file, show what it holds and its mistakes, then import it on request.

    `checked(report)` / `imported(report)` are emitted when each step is over; a
    refusal (an unreadable file, a cancel) is shown in the dialog's message line.
    """

    checked = Signal(object)
    imported = Signal(object)
    stopped = Signal(object)  # the DeskError that ended a step (cancel included)

    def __init__(self, desk: Desk, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.path = path
        self.file_name = Path(path).name
        self.report: imports.Report | None = None
        self.done_report: imports.Report | None = None  # not `result`: that is QDialog.result()
        self.work: LongWork | None = None
        self.setWindowTitle(tr("uimp_title"))
        self.setFont(ui_font(11))
        self.resize(820, 520)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # a file name is shown as written
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        self.model = CheckModel(self)
        self.table = read_only_view(self.model, self, fit=False, single=False, striped=True)
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(tr("uimp_import_n", n=0), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.close_button = self.buttons.addButton(tr("uimp_close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)

    # --- the two steps, each on a worker --------------------------------------------------------

    def start_check(self) -> LongWork:
        """The dry run of the file (writes nothing)."""
        self.summary.setText(tr("uimp_checking", file=self.file_name))
        return self._run(lambda store, progress: imports.check(store, self.path, progress),
                         tr("uimp_checking", file=self.file_name), self._checked)

    def start_import(self) -> LongWork | None:
        """Import the rows without mistakes (they were shown in the table) in one transaction."""
        if self.report is None or (self.work is not None and self.work.running):
            return None
        self.import_button.setEnabled(False)
        actor = self.desk.actor
        return self._run(lambda store, progress: imports.apply(store, actor, self.path, skip_invalid=True,
                                                               progress=progress, now=self.desk.now()),
                         tr("uimp_importing", file=self.file_name), self._imported)

    def _run(self, work: Any, label: str, then: Any) -> LongWork:
        self.message.hide()
        self.work = LongWork(place_of(self.desk.store), work, label, self)
        self.work.succeeded.connect(then)
        self.work.failed.connect(self._stopped)
        self.work.start()
        return self.work

    def _checked(self, report: imports.Report) -> None:
        self.report = report
        self.model.set_entries(report.invalid)
        self.table.horizontalHeader().setResizeContentsPrecision(100)  # judged on the first rows: lists are long
        self.table.resizeColumnsToContents()
        text = tr("uimp_summary", file=self.file_name, rows=report.rows, added=report.added, exists=report.exists,
                  plates=report.plates, bad=report.invalid_rows)
        self.summary.setText(text if report.invalid else text + " " + tr("uimp_all_good"))
        self.import_button.setText(tr("uimp_import_n", n=report.added) if report.added
                                   else tr("uimp_import_plates"))
        self.import_button.setEnabled(bool(report.added or report.plates))
        if self.import_button.isEnabled():
            self.import_button.setDefault(True)
            self.import_button.setFocus()
        self.checked.emit(report)

    def _imported(self, report: imports.Report) -> None:
        self.done_report = report
        self.summary.setText(tr("uimp_done", added=report.added, exists=report.exists, plates=report.plates,
                                bad=report.invalid_rows))
        self.import_button.setEnabled(False)
        self.close_button.setDefault(True)
        self.desk.notify(Changes(residents=True), self)  # written on the worker
        self.imported.emit(report)

    def _stopped(self, error: DeskError) -> None:
        self.message.setText(error.message())
        self.message.show()
        if self.report is not None and self.done_report is None:  # a cancelled import may be tried again
            self.import_button.setEnabled(bool(self.report.added or self.report.plates))
        self.stopped.emit(error)

    def reject(self) -> None:
        if self.work is not None and self.work.running:  # never leave a worker behind the dialog
            self.work.cancel()
            self.work.wait()
        super().reject()
