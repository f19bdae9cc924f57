"""The office's usage reports in the window: the monthly summary as a readable page, and the
export of a date range's bookings as CSV and/or Excel.

The summary is booking.reporting.reports' data laid out as HTML. The export runs
booking.reporting.exports on a worker thread with its own connection to the store (a
SQLite connection belongs to the thread that opened it), behind a progress
dialog whose Cancel stops it between rows: a year of bookings to Excel takes
over half a minute. Names and phones are masked unless an admin unticks it
and gives a reason; booking.reporting.exports records that choice in the audit log.
"""
from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QStandardPaths, QThread, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QGridLayout, QHBoxLayout,
                               QLabel, QLineEdit, QProgressDialog, QPushButton, QTextBrowser, QVBoxLayout, QWidget)

from booking.reporting import exports, reports
from booking.store.audit import Actor
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.location import StoreServer
from ui.widgets.dates import month_picker, py_date
from ui.widgets.documents import in_documents
from ui.widgets.fieldmessages import error_label
from ui.widgets.storeplace import open_again, place_of
from ui.desk.fonts import family_css
from ui.desk.session import Desk, follow


def _e(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(headers: list[str], rows: list[list[Any]], right: set[int]) -> str:
    if not rows:
        return f"<p>{_e(tr('uig_sum_none'))}</p>"
    head = "".join(f"<th align={'right' if i in right else 'left'}>{_e(h)}</th>" for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f"<td align={'right' if i in right else 'left'}>{_e(v)}</td>"
                                    for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f"<table cellspacing=0 cellpadding=4 border=1 style='border-color:#cccccc'><tr>{head}</tr>{body}</table>"


def summary_html(s: dict[str, Any]) -> str:
    """booking.reporting.reports.monthly_summary's data as a page a person reads."""
    kinds = {"parking": tr("report_kind_parking"), "room": tr("report_kind_room")}
    zones = _table([tr("uig_sum_col_kind"), tr("uig_sum_col_zone"), tr("uig_sum_col_count"),
                    tr("uig_sum_col_bookings"), tr("uig_sum_col_pct")],
                   [[kinds.get(z["kind"], z["kind"]), z["zone"] or "—", z["resources"], z["bookings"],
                     f"{z['occupancy_pct']}%"] for z in s["occupancy"]["zones"]], {2, 3, 4})
    busiest = _table([tr("uig_sum_col_hour"), tr("uig_sum_col_pct")],
                     [[f"{h['hour']:02d}:00–{(h['hour'] + 1) % 24:02d}:00", f"{h['occupancy_pct']}%"]
                      for h in s["busiest_hours"]], {1})
    repeated = ("<ul>" + "".join(
        f"<li>{_e(tr('uig_sum_repeated_line', household=r['household'], n=r['no_shows']))}</li>"
        for r in s["repeated_no_shows"]) + "</ul>") if s["repeated_no_shows"] \
        else f"<p>{_e(tr('uig_sum_repeated_none'))}</p>"
    rooms = s["rooms"]
    by_room = _table([tr("uig_sum_col_room"), tr("uig_sum_col_bookings"), tr("uig_sum_col_hours")],
                     [[f"{r['code']} {r['name']}", r["bookings"], r["hours"]] for r in rooms["by_room"]], {1, 2})
    by_organiser = _table([tr("uig_sum_col_household"), tr("uig_sum_col_name"), tr("uig_sum_col_bookings"),
                           tr("uig_sum_col_hours")],
                          [[r["household"], r["name"], r["bookings"], r["hours"]] for r in rooms["by_organiser"]],
                          {2, 3})
    by_purpose = _table([tr("uig_sum_col_purpose"), tr("uig_sum_col_bookings"), tr("uig_sum_col_hours")],
                        [[r["purpose"], r["bookings"], r["hours"]] for r in rooms["by_purpose"]], {1, 2})
    n = s["no_shows"]
    return f"""<html><head><style>body {{ font-family: {family_css()}; }} h1 {{ font-size: 16pt; }}
    h2 {{ font-size: 13pt; margin-top: 14px; }} h3 {{ font-size: 11pt; }}</style></head>
    <body><h1>{_e(tr('uig_sum_heading', month=s['month'], first=s['from'], last=s['to'], days=s['days']))}</h1>
    <p>{_e(tr('uig_sum_bookings', **s['bookings']))}</p>
    <h2>{_e(tr('uig_sum_occupancy'))}</h2>
    <p>{_e(tr('uig_sum_occupancy_line', parking=s['occupancy']['parking_pct'], room=s['occupancy']['room_pct'],
                                       hours=s['occupancy']['room_hours']))}</p>{zones}
    <h2>{_e(tr('uig_sum_busiest'))}</h2>{busiest}
    <h2>{_e(tr('uig_sum_no_shows'))}</h2>
    <p>{_e(tr('uig_sum_no_show_line', total=n['total'], rate=n['rate_pct'], parking=n['parking']['rate_pct'],
                                     room=n['room']['rate_pct']))}</p>
    <h3>{_e(tr('uig_sum_repeated'))}</h3>{repeated}
    <h2>{_e(tr('uig_sum_rooms'))}</h2>
    <h3>{_e(tr('uig_sum_by_room'))}</h3>{by_room}
    <h3>{_e(tr('uig_sum_by_organiser'))}</h3>{by_organiser}
    <h3>{_e(tr('uig_sum_by_purpose'))}</h3>{by_purpose}
    </body></html>"""


class SummaryDialog(QDialog):
    """The monthly summary for a chosen month, as a page (names masked)."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.summary: dict[str, Any] = {}
        self.month_label = QLabel(self)
        self.month_edit = month_picker(self, desk.now().date())
        self.month_label.setBuddy(self.month_edit)
        self.page = QTextBrowser(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        bar = QHBoxLayout()
        bar.addWidget(self.month_label)
        bar.addWidget(self.month_edit)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.page, 1)
        layout.addWidget(buttons)
        self.month_edit.dateChanged.connect(lambda _d: self.refresh())
        follow(desk.language_changed, self, self.retranslate)
        metrics = self.fontMetrics()
        self.resize(metrics.horizontalAdvance("M") * 60, metrics.height() * 40)
        self.retranslate()

    def refresh(self) -> None:
        d = self.month_edit.date()
        self.summary = reports.monthly_summary(self.desk.store, date(d.year(), d.month(), 1))
        self.page.setHtml(summary_html(self.summary))

    def retranslate(self, *_: Any) -> None:
        self.setWindowTitle(tr("uig_sum_title"))
        self.month_label.setText(tr("uig_sum_month"))
        self.refresh()


class ExportWorker(QThread):
    """booking.reporting.exports.export_bookings on its own thread and its own connection to the store."""

    progressed = Signal(int, int)
    succeeded = Signal(object)   # the Export written
    failed = Signal(object)      # the DeskError

    def __init__(self, store_path: str | StoreServer, actor: Actor, first: date, last: date, csv_path: str | None,
                 xlsx_path: str | None, masked: bool, reason: str | None, parent: Any = None, *,
                 now: datetime) -> None:
        super().__init__(parent)
        self.args: dict[str, Any] = dict(first=first, last=last, csv_path=csv_path, xlsx_path=xlsx_path, masked=masked,
                         reason=reason, now=now)
        self.store_path = store_path
        self.actor = actor
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self._cancelled.is_set()

    def run(self) -> None:
        try:
            store = open_again(self.store_path, migrate=False)
        except DeskError as exc:
            self.failed.emit(exc)
            return
        try:
            result = exports.export_bookings(store, self.actor, progress=self._progress, **self.args)
        except DeskError as exc:
            self.failed.emit(exc)
        except Exception as exc:  # noqa: BLE001 -- a thread must report, not die silently
            self.failed.emit(DeskError("internal", "store_error", detail=str(exc)))
        else:
            self.succeeded.emit(result)
        finally:
            store.close()


class ExportDialog(QDialog):
    """Choose the days, the files and masking; export with a progress bar that can cancel."""

    finished_export = Signal(object)  # the Export written, or None when cancelled or refused

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.result_data: exports.Export | None = None
        self.error: DeskError | None = None
        self.worker: ExportWorker | None = None
        self.progress: QProgressDialog | None = None
        today = desk.now().date()
        self.from_label, self.to_label = QLabel(self), QLabel(self)
        self.from_edit, self.to_edit = QDateEdit(self), QDateEdit(self)
        for edit, day in ((self.from_edit, today.replace(day=1)), (self.to_edit, today)):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setCalendarPopup(True)
            edit.setDate(QDate(day.year, day.month, day.day))
        self.csv_box, self.xlsx_box = QCheckBox(self), QCheckBox(self)
        self.csv_box.setChecked(True)
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        self.folder = Path(documents) if documents and Path(documents).is_dir() else Path.home()
        self.csv_path, self.xlsx_path = QLineEdit(self), QLineEdit(self)
        self.csv_choose, self.xlsx_choose = QPushButton(self), QPushButton(self)
        self._suggest_names()
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(lambda _d: self._suggest_names())
        self.csv_choose.clicked.connect(lambda: self._choose("csv"))
        self.xlsx_choose.clicked.connect(lambda: self._choose("xlsx"))
        self.masked_box = QCheckBox(self)
        self.masked_box.setChecked(True)
        self.reason_label = QLabel(self)
        self.reason_edit = QLineEdit(self)
        self.masked_box.toggled.connect(self._masking_changed)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.go_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.go_button.setDefault(True)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        # A refusal stands on the line under the field it names (the dates, a file, the reason).
        self.field_errors = {name: error_label(self) for name in ("to", "csv", "xlsx", "reason")}
        grid = QGridLayout()
        grid.addWidget(self.from_label, 0, 0)
        grid.addWidget(self.from_edit, 0, 1)
        grid.addWidget(self.to_label, 0, 2)
        grid.addWidget(self.to_edit, 0, 3)
        grid.addWidget(self.field_errors["to"], 1, 1, 1, 3)
        grid.addWidget(self.csv_box, 2, 0)
        grid.addWidget(self.csv_path, 2, 1, 1, 3)
        grid.addWidget(self.csv_choose, 2, 4)
        grid.addWidget(self.field_errors["csv"], 3, 1, 1, 3)
        grid.addWidget(self.xlsx_box, 4, 0)
        grid.addWidget(self.xlsx_path, 4, 1, 1, 3)
        grid.addWidget(self.xlsx_choose, 4, 4)
        grid.addWidget(self.field_errors["xlsx"], 5, 1, 1, 3)
        grid.addWidget(self.masked_box, 6, 0, 1, 5)
        reason = QHBoxLayout()
        reason.addWidget(self.reason_label)
        reason.addWidget(self.reason_edit, 1)
        grid.addLayout(reason, 7, 0, 1, 5)
        grid.addWidget(self.field_errors["reason"], 8, 1, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        follow(desk.language_changed, self, self.retranslate)
        follow(desk.changed, self, lambda changes, _origin: self.update_permissions() if changes.signed_in else None)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 50)
        self.retranslate()
        self._masking_changed(True)

    def _masking_changed(self, masked: bool) -> None:
        self.reason_label.setEnabled(not masked)
        self.reason_edit.setEnabled(not masked)

    def update_permissions(self) -> None:
        admin = self.desk.actor.is_admin
        if not admin:
            self.masked_box.setChecked(True)
        self.masked_box.setEnabled(admin)
        self.masked_box.setToolTip("" if admin else tr("uig_exp_masked_admin"))

    def _name(self, kind: str) -> str:
        first, last = py_date(self.from_edit.date()), py_date(self.to_edit.date())
        return f"bookings-{first:%Y%m%d}-{last:%Y%m%d}.{kind}"

    def _suggest_names(self) -> None:
        """File names in the documents folder that follow the dates, until the clerk chooses others."""
        for kind, edit in (("csv", self.csv_path), ("xlsx", self.xlsx_path)):
            if not edit.text() or edit.property("suggested") == edit.text():
                edit.setText(str(self.folder / self._name(kind)))
                edit.setProperty("suggested", edit.text())

    def _choose(self, kind: str) -> None:
        current = (self.csv_path if kind == "csv" else self.xlsx_path).text()
        path, _ = QFileDialog.getSaveFileName(self, tr(f"uig_exp_{kind}"), current or in_documents(self._name(kind)),
                                              tr(f"uig_exp_{kind}_filter"))
        if path:
            (self.csv_path if kind == "csv" else self.xlsx_path).setText(path)
            (self.csv_box if kind == "csv" else self.xlsx_box).setChecked(True)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {'#b3261e' if error else '#1b7f3b'};")
        self.message.setText(text)

    def start_export(self) -> ExportWorker | None:
        """Check what was asked, then export on a worker thread behind a cancellable progress dialog."""
        if self.worker is not None:
            return None
        csv_path = self.csv_path.text().strip() if self.csv_box.isChecked() else ""
        xlsx_path = self.xlsx_path.text().strip() if self.xlsx_box.isChecked() else ""
        self._show_error(None)
        if not csv_path and not xlsx_path:
            self._say(tr("uig_exp_no_file"), error=True)
            return None
        masked = self.masked_box.isChecked() or not self.desk.actor.is_admin
        reason = self.reason_edit.text().strip() or None
        first, last = py_date(self.from_edit.date()), py_date(self.to_edit.date())
        try:  # what the export would refuse, beside its field, before a worker starts
            exports.check_export(self.desk.actor, first, last, csv_path or None, xlsx_path or None, masked, reason)
        except DeskError as exc:
            self._show_error(exc)
            return None
        self.result_data, self.error = None, None
        worker = ExportWorker(place_of(self.desk.store), self.desk.actor, first, last, csv_path or None,
                              xlsx_path or None, masked, reason, self, now=self.desk.now())
        progress = QProgressDialog(tr("uig_exp_working", done=0, total="…"), tr("uig_exp_cancel"), 0, 0, self)
        progress.setWindowTitle(tr("uig_exp_title"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)  # a small export is done before a progress bar would flash up
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(worker.cancel)
        worker.progressed.connect(self._progressed)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        worker.finished.connect(self._worker_done)
        self.worker, self.progress = worker, progress
        self.go_button.setEnabled(False)
        worker.start()
        return worker

    def _progressed(self, done: int, total: int) -> None:
        if self.progress is not None and not self.progress.wasCanceled():
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(min(done, max(total, 1)))
            self.progress.setLabelText(tr("uig_exp_working", done=done, total=total))

    def _succeeded(self, result: exports.Export) -> None:
        self.result_data = result
        self._say(tr("uig_exp_done", rows=result.rows, files="、".join(result.files)))

    def _failed(self, exc: DeskError) -> None:
        self.error = exc
        self._show_error(exc)

    def _show_error(self, exc: DeskError | None) -> None:
        """The refusal under the field it names (the focus goes there), or under the form; None clears."""
        field = exc.field if exc is not None and exc.field in self.field_errors else None
        for name, label in self.field_errors.items():
            label.setText(exc.message() if exc is not None and name == field else "")
            label.setVisible(name == field)
        self.message.clear()
        if exc is None:
            return
        if field is None:
            self._say(exc.message(), error=True)
        else:
            fields = {"to": self.to_edit, "csv": self.csv_path, "xlsx": self.xlsx_path, "reason": self.reason_edit}
            fields[field].setFocus()

    def _worker_done(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
        worker = self.worker
        self.worker, self.progress = None, None
        self.go_button.setEnabled(True)
        if worker is not None:
            worker.deleteLater()
        self.finished_export.emit(self.result_data)

    def reject(self) -> None:
        if self.worker is not None:  # closing while exporting: stop it, the file is not kept
            self.worker.cancel()
            self.worker.wait()
        super().reject()

    def retranslate(self, *_: Any) -> None:
        self.setWindowTitle(tr("uig_exp_title"))
        self.from_label.setText(tr("uig_exp_from"))
        self.to_label.setText(tr("uig_exp_to"))
        self.csv_box.setText(tr("uig_exp_csv"))
        self.xlsx_box.setText(tr("uig_exp_xlsx"))
        self.csv_choose.setText(tr("uig_exp_choose"))
        self.xlsx_choose.setText(tr("uig_exp_choose"))
        self.masked_box.setText(tr("uig_exp_masked"))
        self.reason_label.setText(tr("uig_exp_reason"))
        self.go_button.setText(tr("uig_exp_go"))
        self.update_permissions()
