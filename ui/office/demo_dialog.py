"""Demo data from the window (admin only): made-up residents and years of bookings.

It writes into the store the desk has open, so the dialog says so with the
file's path and the Generate button stays off until the admin ticks that they
understand. The work runs on a worker thread with a progress bar and Cancel;
demo.fill writes in chunks of days, each its own transaction, so a cancel
keeps whole chunks and the store stays consistent.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel,
                               QVBoxLayout, QWidget)

from booking.ops import demo
from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.store.i18n import tr
from ui.widgets import fit
from ui.desk.fonts import ui_font
from ui.widgets.longwork import LongWork
from ui.widgets.storeplace import place_of
from ui.desk.session import Desk


def demo_refusal(desk: Desk) -> str | None:
    """Why this actor may not generate demo data, or None for an admin."""
    return None if desk.actor.is_admin else tr("udemo_admin_only")


class DemoDialog(QDialog):
    """Years, a plain warning naming the store, a tick to confirm, then the work with progress."""

    finished_work = Signal(object)  # the result of demo.fill (its "cancelled" says whether it stopped)
    stopped = Signal(object)  # a DeskError

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.work: LongWork | None = None
        self.filled: dict[str, Any] | None = None  # not `result`: that is QDialog.result()
        self.setWindowTitle(tr("udemo_title"))
        self.setFont(ui_font(11))
        self.setMinimumWidth(520)
        self.years = QDoubleSpinBox(self)
        self.years.setRange(0.1, demo.MAX_YEARS)
        self.years.setDecimals(1)
        self.years.setSingleStep(0.5)
        self.years.setValue(1.0)
        self.warning = QLabel(tr("udemo_warning", path=desk.store.path), self)
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.confirm = QCheckBox(tr("udemo_confirm"), self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(self)
        self.start_button = self.buttons.addButton(tr("udemo_start"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(tr("udemo_close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.start_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)
        refusal = demo_refusal(desk)
        self.confirm.toggled.connect(lambda on: self.start_button.setEnabled(on and refusal is None))
        self.start_button.setEnabled(False)
        if refusal:
            self._say(refusal, error=True)
            self.confirm.setEnabled(False)
            self.years.setEnabled(False)
        form = QFormLayout()
        form.addRow(tr("udemo_years"), self.years)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addLayout(form)
        layout.addWidget(self.confirm)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b3261e;" if error else "")
        self.message.setText(text)
        self.message.show()
        if self.isVisible():
            fit.grow(self)  # the result's sentence whole, not cut off at the dialog's old height

    def start(self) -> LongWork | None:
        """Run demo.fill on a worker (admin only, and only once confirmed)."""
        refusal = demo_refusal(self.desk)
        if refusal or not self.confirm.isChecked() or (self.work is not None and self.work.running):
            if refusal:
                self._say(refusal, error=True)
            return None
        years, now = self.years.value(), self.desk.now()
        self.start_button.setEnabled(False)
        self.message.hide()
        self.work = LongWork(place_of(self.desk.store),
                             lambda store, progress: demo.fill(store, years=years, now=now, progress=progress),
                             tr("udemo_running"), self)
        self.work.succeeded.connect(self._done)
        self.work.failed.connect(self._failed)
        self.work.start()
        return self.work

    def _done(self, result: dict[str, Any]) -> None:
        self.filled = result
        key = "udemo_stopped" if result.get("cancelled") else "udemo_done"
        self._say(tr(key, bookings=result["bookings"], days=result["days"], first=result["from"]))
        self.confirm.setChecked(False)  # another run needs another tick
        self.desk.notify(Changes(bookings=True, residents=True), self)  # written on the worker
        self.finished_work.emit(result)

    def _failed(self, error: DeskError) -> None:
        self._say(error.message(), error=True)
        self.start_button.setEnabled(self.confirm.isChecked())
        self.stopped.emit(error)

    def reject(self) -> None:
        if self.work is not None and self.work.running:
            self.work.cancel()
            self.work.wait(120_000)  # one chunk of days at most
        super().reject()
