"""One booking: its status, times and history (scans included), and what the desk can do with it:
cancel (after a confirmation), reissue its pass, check it in or out by hand, move its times.

Changes go through the domain (bookings.cancel, passes.reissue, reschedule)
and are announced on the desk; the confirmation is a plain callable the window
owns (a message box in the program, a decision in a test).
"""
from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QTimer, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QDateTimeEdit, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QInputDialog,
                               QLabel, QPushButton, QVBoxLayout, QWidget)

from booking.checkin import passes, scanning
from booking.schedule import bookings, reschedule
from booking.store import audit, clock
from booking.schedule.bookings import Booking
from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.schema import ACTIVE, ENDED
from booking.policy.rules import duration_text
from booking.store.validation import mask_name, mask_phone
from ui.board.model import COLOURS, status_text
from ui.bookings.booking_dialog import QT_FORMAT, from_qt, length_text, to_qt
from ui.desk.session import Desk, follow
from ui.desk.fonts import ui_font
from ui.widgets.tables import TableModel, TextTable, read_only_view
from ui.bookings.charge_panel import ChargePanel

#: the details show the booking, its scans and its money
DETAILS_SHOW = Changes(bookings=True, scans=True, payments=True)


def _bare_name(b: Any) -> str:
    """A resource's name without its code, which the heading already gives: '共享车位', not '共享车位 P008'."""
    return " ".join(b.resource_name.replace(b.resource, " ").split()) or b.resource_name


def action_text(action: str) -> str:
    key = "ui_action_" + action.replace("-", "_")
    text = tr(key)
    return action if text == key else text


class HistoryModel(TextTable):
    """The booking's audit entries and scans, newest first; a refused scan in red."""

    COLUMNS = ("ui_detail_col_at", "ui_detail_col_who", "ui_detail_col_what", "ui_detail_col_note")
    WORDS = frozenset({"ui_detail_col_what"})  # "Booked", "Scan accepted"
    TIPS = True
    shown = TableModel.shown  # only the WORDS column starts with a capital, not every English word

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._ok: list[bool] = []

    def load(self, store: Any, booking_id: int) -> None:
        rows: list[tuple[str, str, str, str, bool]] = []
        for e in audit.entries(store, "booking", booking_id):
            note = e.get("reason") or ""
            raw_after = e.get("after")
            after = raw_after if isinstance(raw_after, dict) else {}
            if e["action"] == "reschedule" and isinstance(e.get("before"), dict):
                note = (f"{e['before'].get('start')} – {e['before'].get('end')} → "
                        f"{after.get('start')} – {after.get('end')}" + (f"；{note}" if note else ""))
            rows.append((e["at"], audit.actor_text(e["actor"]), action_text(e["action"]), note, True))
        for at, station, ok, action, reason, actor, reason_key, params in store.sql(
                "SELECT at, station, ok, action, reason, actor, reason_key, reason_params FROM scan "
                "WHERE booking_id = :booking_id ORDER BY id", booking_id=booking_id):
            # a repeat is called what the banner called it ("重复扫描"), not "扫码通过"
            what = tr("ui_detail_scan_repeat" if reason_key == "scan_repeat"
                      else "ui_detail_scan_ok" if ok else "ui_detail_scan_refused")
            if action:
                what = tr("ui_detail_scan_did", what=what, action=action_text(action))
            rows.append((at, f"{station} · {audit.actor_text(actor)}".strip(" ·"), what,
                         audit.stored_text(reason_key, reason, params), bool(ok)))
        rows.sort(key=lambda r: r[0], reverse=True)
        self._ok = [row[4] for row in rows]
        self._set([row[:4] for row in rows])

    def colour(self, number: int) -> QColor | None:
        return None if self._ok[number] else QColor("#b3261e")


class DetailsDialog(ChargePanel):
    """What is known about one booking and what can be done with it."""

    show_pass = Signal(int)

    def __init__(self, desk: Desk, booking_id: int, confirm: Callable[[str, str], bool],
                 ask_reason: Callable[[str, str], str | None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.booking_id = booking_id
        self.confirm = confirm
        self.ask_reason = ask_reason or self._ask_reason
        self.booking: Booking = bookings.get(desk.store, booking_id)
        self.setSizeGripEnabled(True)

        self.heading = QLabel()
        self.heading.setFont(ui_font(self.font().pointSizeF() * 1.35, bold=True))
        self.heading.setWordWrap(True)
        self.info = QFormLayout()
        self.info_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for key in ("id", "resident", "door", "phone", "plate", "purpose", "time", "in", "out", "over", "series"):
            name, value = QLabel(), QLabel()
            value.setTextFormat(Qt.TextFormat.PlainText)  # a purpose typed as "<b>..." is shown as typed
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.info_labels[key] = (name, value)
            self.info.addRow(name, value)

        self._build_charge_box()

        self.history = HistoryModel(self)
        self.history_view = read_only_view(self.history, single=False)
        self.history_view.setWordWrap(True)
        self.history_box = QGroupBox()
        QVBoxLayout(self.history_box).addWidget(self.history_view)

        self.edit_box = QGroupBox()
        self.start_edit = QDateTimeEdit()
        self.end_edit = QDateTimeEdit()
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat(QT_FORMAT)
            edit.setCalendarPopup(True)
        self.edit_check = QLabel()
        self.edit_check.setWordWrap(True)
        self.edit_save = QPushButton()
        self.edit_save.setAutoDefault(False)
        self.edit_save.clicked.connect(self.save_times)
        times = QHBoxLayout()
        times.addWidget(self.start_edit)
        times.addWidget(QLabel("–"))
        times.addWidget(self.end_edit)
        times.addWidget(self.edit_save)
        times.addStretch(1)
        edit_layout = QVBoxLayout(self.edit_box)
        edit_layout.addLayout(times)
        edit_layout.addWidget(self.edit_check)
        self._edit_timer = QTimer(self)
        self._edit_timer.setSingleShot(True)
        self._edit_timer.setInterval(150)
        self._edit_timer.timeout.connect(self.check_times)
        self.start_edit.dateTimeChanged.connect(lambda *_: self._edit_timer.start())
        self.end_edit.dateTimeChanged.connect(lambda *_: self._edit_timer.start())

        self.cancel_button = QPushButton()
        self.reissue_button = QPushButton()
        self.pass_button = QPushButton()
        self.manual_button = QPushButton()
        for button in (self.cancel_button, self.reissue_button, self.pass_button, self.manual_button):
            button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel_booking)
        self.reissue_button.clicked.connect(self.reissue_pass)
        self.pass_button.clicked.connect(lambda: self.show_pass.emit(self.booking_id))
        self.manual_button.clicked.connect(self.manual_check)
        self.close_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_buttons.rejected.connect(self.reject)
        actions = QHBoxLayout()
        for button in (self.pass_button, self.reissue_button, self.manual_button, self.cancel_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.close_buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.info)
        layout.addWidget(self.charge_box)
        layout.addWidget(self.edit_box)
        layout.addWidget(self.history_box, 1)
        layout.addLayout(actions)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        self.retranslate()
        self.load()
        metrics = self.fontMetrics()  # room for the history's four columns, in the font's own units
        self.resize(metrics.horizontalAdvance("M") * 72, metrics.height() * 40)
        follow(desk.changed, self, self.on_changes)
        follow(desk.language_changed, self, self.retranslate)

    # --- showing -------------------------------------------------------------------------------

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.touches(DETAILS_SHOW) and origin is not self:  # its own write reads itself once
            self.load()

    def load(self) -> None:
        """Read the booking and its history again."""
        b = self.booking = bookings.get(self.desk.store, self.booking_id)
        look = "overstay" if b.status == "checked_in" and b.end < self.desk.now() else b.status
        fill, _ = COLOURS.get(look, COLOURS["booked"])
        colour = "#555555" if look in ENDED else fill
        self.heading.setText(f"<span style='color:{colour}'>"
                             + html.escape(tr("ui_detail_heading", code=b.resource, name=_bare_name(b),
                                          status=status_text(look)), quote=False) + "</span>")
        none = tr("ui_detail_none")
        values = {
            "id": str(b.id),
            "resident": mask_name(b.resident_name),
            "door": b.door,
            "phone": mask_phone(b.phone),
            "plate": (b.plate or none) + (tr("ui_detail_visitor") if b.visitor else ""),
            "purpose": b.purpose or none,
            # the length as the booking dialog said it ("2 小时 30 分钟", not "150 分钟")
            "time": tr("ui_detail_time_span", start=f"{b.start:%Y-%m-%d %H:%M}", end=f"{b.end:%Y-%m-%d %H:%M}",
                       length=length_text(clock.minutes(b.start, b.end))),
            "in": b.checked_in_at or none,
            "out": b.checked_out_at or none,
            "over": duration_text(b.overstay_minutes) if b.overstay_minutes else none,
            "series": tr("ui_detail_series_text", id=b.series_id) if b.series_id else none,
        }
        for key, (_, value) in self.info_labels.items():
            value.setText(values[key])
        self.info_labels["plate"][0].setVisible(b.kind == "parking")
        self.info_labels["plate"][1].setVisible(b.kind == "parking")
        self.info_labels["purpose"][0].setVisible(b.kind == "room")
        self.info_labels["purpose"][1].setVisible(b.kind == "room")
        self.history.load(self.desk.store, b.id)
        self.history_view.resizeRowsToContents()
        self.load_charge()

        open_ = b.status in ACTIVE
        self.cancel_button.setEnabled(b.status == "booked")
        self.reissue_button.setEnabled(open_)
        self.pass_button.setEnabled(open_)
        self.manual_button.setEnabled(open_)
        self.edit_box.setEnabled(open_)
        self.start_edit.blockSignals(True)
        self.end_edit.blockSignals(True)
        self.start_edit.setDateTime(to_qt(b.start))
        self.end_edit.setDateTime(to_qt(b.end))
        self.start_edit.blockSignals(False)
        self.end_edit.blockSignals(False)
        self.start_edit.setEnabled(b.status == "booked")
        self.edit_save.setEnabled(False)
        self.edit_check.setText(tr("ui_detail_edit_started") if b.status == "checked_in" else "")

    # --- cancelling ----------------------------------------------------------------------------

    def cancel_booking(self) -> bool:
        """Cancel after the clerk confirms (and for a series, ask whether the later ones go too)."""
        b = self.booking
        question = tr("ui_detail_confirm_cancel", id=b.id, code=b.resource, start=f"{b.start:%m-%d %H:%M}",
                      end=f"{b.end:%m-%d %H:%M}", door=b.door)
        if not self.confirm(tr("ui_detail_confirm_cancel_title"), question):
            return False
        following = bool(b.series_id) and self.confirm(tr("ui_detail_confirm_cancel_title"),
                                                       tr("ui_detail_confirm_series"))
        try:
            self.desk.run(lambda: bookings.cancel(self.desk.store, self.desk.actor, b.id, following=following,
                                                  now=self.desk.now()), Changes(bookings=True), self)
        except DeskError as exc:
            self._say(exc.message(), error=True)
            return False
        self.load()
        self._say(tr("ui_detail_done_cancel", id=b.id))
        return True

    # --- the pass --------------------------------------------------------------------------------

    def reissue_pass(self) -> bool:
        if not self.confirm(tr("ui_detail_confirm_reissue_title"), tr("ui_detail_confirm_reissue", id=self.booking_id)):
            return False
        try:
            self.desk.run(lambda: passes.reissue(self.desk.store, self.desk.actor, self.booking_id,
                                                 now=self.desk.now()), Changes(bookings=True, passes=True), self)
        except DeskError as exc:
            self._say(exc.message(), error=True)
            return False
        self.load()
        self.show_pass.emit(self.booking_id)
        return True

    # --- by hand ---------------------------------------------------------------------------------

    def _ask_reason(self, title: str, prompt: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, prompt)
        return text.strip() if ok and text.strip() else None

    def manual_check(self) -> None:
        action = "check_in" if self.booking.status == "booked" else "check_out"
        reason = self.ask_reason(self.manual_button.text().replace("&", "").rstrip("…"),
                                 tr("ui_detail_manual_reason", action=action_text(action)))
        if not reason:
            return
        try:
            self.desk.run(lambda: scanning.manual(self.desk.store, self.desk.actor, self.booking_id, reason=reason,
                                                  now=self.desk.now()), origin=self)
        except DeskError as exc:
            self._say(exc.message(), error=True)
            return
        self.load()

    # --- new times -------------------------------------------------------------------------------

    def _times(self) -> tuple[datetime, datetime]:
        return from_qt(self.start_edit.dateTime()), from_qt(self.end_edit.dateTime())

    def check_times(self) -> bool:
        """Live check of the new times (same rules as a new booking, the booking itself excluded)."""
        self._edit_timer.stop()
        start, end = self._times()
        if (start, end) == (self.booking.start, self.booking.end):
            self.edit_save.setEnabled(False)
            self.edit_check.setText("")
            return False
        try:
            found = reschedule.check(self.desk.store, self.booking_id, start, end, self.desk.now())
        except DeskError as exc:
            self._edit_result(False, [exc.message()])
            return False
        if found.ok:
            self._edit_result(True, [tr("ui_detail_edit_ok", start=f"{start:%m-%d %H:%M}", end=f"{end:%m-%d %H:%M}")])
            return True
        lines = [tr("booking_clash_item", start=clock.to_text(c.start), end=clock.to_text(c.end), door=c.door, id=c.id)
                 for c in found.clashes]
        if lines:
            lines = [tr("booking_clash", code=self.booking.resource, clashes="；".join(lines))]
        self._edit_result(False, lines + [b.message() for b in found.breaches])
        return False

    def _edit_result(self, ok: bool, lines: list[str]) -> None:
        colour = "#1b7f3b" if ok else "#b3261e"
        self.edit_check.setText(f"<span style='color:{colour}'>" +
                                "<br>".join(("" if ok else "✗ ") + html.escape(s, quote=False) for s in lines)
                                + "</span>")
        self.edit_save.setEnabled(ok)

    def save_times(self) -> bool:
        if not self.check_times():
            return False
        start, end = self._times()
        try:
            self.desk.run(lambda: reschedule.reschedule(self.desk.store, self.desk.actor, self.booking_id, start, end,
                                                        self.desk.now()), Changes(bookings=True), self)
        except DeskError as exc:
            self._edit_result(False, [exc.message()])
            return False
        self.load()
        self._say(tr("ui_detail_done_move", id=self.booking_id, start=f"{start:%m-%d %H:%M}", end=f"{end:%m-%d %H:%M}"))
        return True

    def hideEvent(self, event: Any) -> None:
        self._edit_timer.stop()
        super().hideEvent(event)

    def _say(self, text: str, error: bool = False) -> None:
        colour = "#b3261e" if error else "#1b7f3b"
        self.message.setText(f"<span style='color:{colour}'>{html.escape(text, quote=False)}</span>")

    def retranslate(self) -> None:
        self.setWindowTitle(tr("ui_detail_title", id=self.booking_id))
        for key, (name, _) in self.info_labels.items():
            name.setText(tr(f"ui_detail_{key}"))
        self.history_box.setTitle(tr("ui_detail_history"))
        self.charge_box.setTitle(tr("uig_fee_box"))
        self.pay_button.setText(tr("uig_fee_pay"))
        self.refund_button.setText(tr("uig_fee_refund"))
        self.refund_amount_button.setText(tr("uil_refund_amount"))
        self.receipt_button.setText(tr("uig_fee_receipt"))
        self.edit_box.setTitle(tr("ui_detail_edit"))
        self.edit_save.setText(tr("ui_detail_edit_save"))
        self.cancel_button.setText(tr("ui_detail_cancel"))
        self.reissue_button.setText(tr("ui_detail_reissue"))
        self.pass_button.setText(tr("ui_detail_show_pass"))
        self.manual_button.setText(tr("ui_detail_manual"))
        self.history.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(HistoryModel.COLUMNS) - 1)
        if hasattr(self, "booking") and self.booking is not None and self.history.rowCount() >= 0:
            try:
                self.load()
            except DeskError:
                pass
