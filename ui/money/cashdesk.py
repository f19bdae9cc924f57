"""The cash desk: a payment dialog for a booking and the shift report for hand-over.

Qt only: the charge, the ledger and their refusals come from booking.money.fees and
booking.money.ledger. The dialog shows what is due, takes an amount, a method and a
reason, and shows a refusal next to the field it concerns; the report view is
two read-only models over `ledger.shift_report`. Writes announce "payment" on
the desk's one signal, so every view that shows money refreshes itself.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime, Qt
from PySide6.QtWidgets import (QComboBox, QDateTimeEdit, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget)

from booking.money import fees, ledger
from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.store.i18n import tr
from ui.widgets.dates import py_datetime, qt_datetime
from ui.widgets.fieldmessages import ERROR_CSS, FieldMessages
from ui.desk.fonts import ui_font
from ui.desk.session import Desk, follow
from ui.widgets.tables import TextTable, read_only_view


class ChargeModel(TextTable):
    """The lines of a charge: what, minutes, amount."""

    COLUMNS = ("uif_col_item", "uif_col_minutes", "uif_col_amount")
    RIGHT = frozenset({1, 2})

    def __init__(self, charge: fees.Charge | None = None) -> None:
        super().__init__()
        self._items: list[fees.ChargeItem] = []
        if charge:
            self.set_charge(charge)

    def set_charge(self, charge: fees.Charge) -> None:
        self._items = list(charge.items)
        self._set(self._texts())

    def _texts(self) -> list[tuple[str, ...]]:
        return [(item.text(), str(item.minutes) if item.minutes else "", fees.money(item.fen)) for item in self._items]

    def refresh_texts(self) -> None:
        self._rows = self._texts()


class PaymentsModel(TextTable):
    """Ledger entries (a booking's, or a shift's)."""

    COLUMNS = ("uif_col_receipt", "uif_col_at", "uif_col_clerk", "uif_col_entry", "uif_col_method",
               "uif_col_amount", "uif_col_reason")
    RIGHT = frozenset({5})

    def __init__(self, payments: list[ledger.Payment] | None = None) -> None:
        super().__init__()
        self._payments: list[ledger.Payment] = []
        self.set_payments(list(payments or []))

    def set_payments(self, payments: list[ledger.Payment]) -> None:
        self._payments = list(payments)
        self._set(self._texts())

    def payment(self, row: int) -> ledger.Payment:
        return self._payments[row]

    def _texts(self) -> list[tuple[str, ...]]:
        return [(p.receipt_no, p.at, p.clerk, tr(f"ledger_entry_{p.entry}"), tr(f"ledger_method_{p.method}"),
                 fees.money(p.amount_fen), p.reason or "") for p in self._payments]

    def refresh_texts(self) -> None:
        self._rows = self._texts()


class ShiftModel(TextTable):
    """One row per clerk and method used in the shift: count, in, out, net."""

    COLUMNS = ("uif_col_clerk", "uif_col_method", "uif_col_count", "uif_col_in", "uif_col_out", "uif_col_net")
    RIGHT = frozenset({2, 3, 4, 5})

    def __init__(self, report: ledger.ShiftReport | None = None) -> None:
        super().__init__()
        self._lines: list[tuple[str, str, ledger.MethodLine]] = []
        if report is not None:
            self.set_report(report)

    def set_report(self, report: ledger.ShiftReport) -> None:
        self._lines = [(c.clerk, method, line) for c in report.clerks
                       for method, line in c.methods.items() if line.count]
        self._set(self._texts())

    def _texts(self) -> list[tuple[str, ...]]:
        return [(clerk, tr(f"ledger_method_{method}"), str(line.count), fees.money(line.in_fen),
                 fees.money(line.out_fen), fees.money(line.net_fen)) for clerk, method, line in self._lines]

    def refresh_texts(self) -> None:
        self._rows = self._texts()


class PaymentDialog(QDialog):
    """Take a payment for one booking: what is due, amount, method, reason; refusals beside the field."""

    FIELDS = ("amount", "method", "reason")

    def __init__(self, desk: Desk, booking_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.booking_id = booking_id
        self.paid: ledger.Payment | None = None
        self.setFont(ui_font(11))
        self.setMinimumWidth(520)
        self.state = QLabel(self)
        self.charge_model = ChargeModel()
        self.charge_view = read_only_view(self.charge_model, self, 0, single=False)
        self.charge_view.setMinimumHeight(160)
        self.totals = QLabel(self)
        self.totals.setFont(ui_font(13, True))
        self.amount = QLineEdit(self)
        self.method = QComboBox(self)
        for method in ledger.PAYABLE_METHODS:
            self.method.addItem("", method)
        self.reason = QLineEdit(self)
        form = QFormLayout()
        self.field_messages = FieldMessages(self, form)
        for name, widget in (("amount", self.amount), ("method", self.method), ("reason", self.reason)):
            self.field_messages.add(name, widget)
        self.labels, self.messages = self.field_messages.labels, self.field_messages.messages
        self.general = self.field_messages.general
        self.done_line = QLabel(self)
        self.buttons = QDialogButtonBox(self)
        self.pay_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.pay_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        shown: QWidget
        for shown in (self.state, self.charge_view, self.totals):
            layout.addWidget(shown)
        layout.addLayout(form)
        for shown in (self.general, self.done_line, self.buttons):
            layout.addWidget(shown)
        follow(desk.language_changed, self, self.retranslate)
        self.refresh()
        self.retranslate()
        self.amount.selectAll()
        self.amount.setFocus()

    def refresh(self) -> None:
        """Show the charge as it stands now and put what is due in the amount field."""
        self.account = ledger.account(self.desk.store, self.booking_id, self.desk.now())
        self.charge_model.set_charge(self.account.charge)
        self.amount.setText(fees.yuan_text(self.account.due_fen) if self.account.due_fen else "")
        self._show_totals()

    def _show_totals(self) -> None:
        charge = self.account.charge
        self.state.setText(tr("uif_charge_state", state=tr(f"fee_state_{charge.state}"),
                              start=charge.start.strftime("%Y-%m-%d %H:%M"), end=charge.end.strftime("%Y-%m-%d %H:%M")))
        self.totals.setText(tr("uif_total", total=fees.money(charge.total_fen), paid=fees.money(self.account.paid_fen),
                               due=fees.money(self.account.due_fen)))

    def retranslate(self, *_: Any) -> None:
        self.setWindowTitle(tr("uif_pay_title", id=self.booking_id))
        self.labels["amount"].setText(tr("uif_amount"))
        self.labels["method"].setText(tr("uif_method"))
        self.labels["reason"].setText(tr("uif_reason"))
        for i in range(self.method.count()):
            self.method.setItemText(i, tr(f"ledger_method_{self.method.itemData(i)}"))
        self.pay_button.setText(tr("uif_pay"))
        self.close_button.setText(tr("uif_close"))
        self.charge_model.retranslate()
        self._show_totals()

    def show_error(self, exc: DeskError) -> None:
        """The refusal next to the field it names, or under the form."""
        self.field_messages.show_error(exc)

    def submit(self) -> None:
        """Record the payment through the ledger; stay open with the reason if it is refused."""
        try:
            amount = fees.parse_yuan(self.amount.text())
            self.paid = self.desk.run(lambda: ledger.pay(self.desk.store, self.desk.actor, self.booking_id, amount,
                                                         self.method.currentData(), self.desk.now(),
                                                         self.reason.text() or None), Changes(payments=True), self)
        except DeskError as exc:
            self.show_error(exc)
            return
        self.done_line.setText(tr("uif_paid_receipt", amount=fees.money(self.paid.amount_fen),
                                  number=self.paid.receipt_no))
        self.accept()


class AmountDialog(QDialog):
    """An amount in yuan and a reason for one ledger action (a refund of a chosen amount, a correction).

    The dialog decides nothing: it reads the amount exactly (booking.money.fees.parse_yuan) and hands
    amount and reason to `act`, which asks the domain (and may ask for a confirmation first, answering
    None when declined). A DeskError is shown beside the field it names, or under the form; on
    success `outcome` holds what `act` returned and the dialog closes.
    """

    def __init__(self, desk: Desk, texts: Callable[[], dict[str, str]], act: Callable[[int, str], Any],
                 allow_negative: bool = False, allow_zero: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.texts = texts  # title, summary, amount (its label), button: remade on a language switch
        self.act = act
        self.allow_negative = allow_negative
        self.allow_zero = allow_zero  # let `act` say why 0 is wrong in its own words (a correction of 0)
        self.outcome: Any = None
        self.setFont(ui_font(11))
        self.setMinimumWidth(520)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # a reason typed as "<b>..." shows as typed
        self.summary.setWordWrap(True)
        self.amount = QLineEdit(self)
        self.reason = QLineEdit(self)
        form = QFormLayout()
        self.field_messages = FieldMessages(self, form)
        for name, widget in (("amount", self.amount), ("reason", self.reason)):
            self.field_messages.add(name, widget)
        self.labels, self.messages = self.field_messages.labels, self.field_messages.messages
        self.general = self.field_messages.general
        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        follow(desk.language_changed, self, self.retranslate)
        self.retranslate()
        self.amount.setFocus()

    def retranslate(self, *_: Any) -> None:
        texts = self.texts()
        self.setWindowTitle(texts["title"])
        self.summary.setText(texts["summary"])
        self.labels["amount"].setText(texts["amount"])
        self.labels["reason"].setText(tr("uil_amount_reason"))
        self.ok_button.setText(texts["button"])
        self.close_button.setText(tr("uif_close"))

    def show_error(self, exc: DeskError | None) -> None:
        """The refusal next to the field it names, or under the form (None clears them)."""
        self.field_messages.show_error(exc)

    def submit(self) -> Any:
        """Read the amount and hand it on; stay open with the refusal, or when the confirmation says no."""
        try:
            amount = fees.parse_yuan(self.amount.text(), allow_negative=self.allow_negative,
                                     allow_zero=self.allow_zero)
            done = self.act(amount, self.reason.text().strip())
        except DeskError as exc:
            self.show_error(exc)
            return None
        self.show_error(None)
        if done is None:
            return None
        self.outcome = done
        self.accept()
        return done


class ShiftReportView(QWidget):
    """The shift's takings per clerk and method, the cash to hand over, and the entries."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setFont(ui_font(11))
        now = desk.now()
        self.title = QLabel(self)
        self.title.setFont(ui_font(14, True))
        self.from_label, self.to_label, self.clerk_label = QLabel(self), QLabel(self), QLabel(self)
        self.start = QDateTimeEdit(QDateTime(QDate(now.year, now.month, now.day), QTime(0, 0)), self)
        self.end = QDateTimeEdit(qt_datetime(now + timedelta(minutes=1)), self)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
        self.clerk = QLineEdit(desk.actor.name, self)
        self.refresh_button = QPushButton(self)
        self.refresh_button.clicked.connect(self.refresh)
        self.shift_model = ShiftModel()
        self.entries_model = PaymentsModel()
        self.totals = QLabel(self)
        self.totals.setFont(ui_font(14, True))
        self.message = QLabel(self)
        self.message.setStyleSheet(ERROR_CSS)
        self.message.hide()
        bar = QHBoxLayout()
        for widget in (self.from_label, self.start, self.to_label, self.end, self.clerk_label, self.clerk,
                       self.refresh_button):
            bar.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(read_only_view(self.shift_model, self, 5, single=False))
        layout.addWidget(self.totals)
        layout.addWidget(read_only_view(self.entries_model, self, 6, single=False), 1)
        follow(desk.changed, self, self.on_changes)
        follow(desk.language_changed, self, self.retranslate)
        self.report: ledger.ShiftReport | None = None
        self.retranslate()
        self.refresh()

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.payments:
            # A payment just taken belongs in the report even if the window was opened earlier.
            now = self.desk.now() + timedelta(minutes=1)
            if py_datetime(self.end.dateTime()) < now:
                self.end.setDateTime(qt_datetime(now))
            self.refresh()

    def refresh(self) -> None:
        start = py_datetime(self.start.dateTime()).replace(second=0, microsecond=0)
        end = py_datetime(self.end.dateTime()).replace(second=0, microsecond=0)
        if end <= start:
            self.message.setText(tr("booking_order"))
            self.message.show()
            return
        self.message.hide()
        self.report = ledger.shift_report(self.desk.store, start, end, self.clerk.text().strip() or None)
        self.shift_model.set_report(self.report)
        self.entries_model.set_payments(self.report.entries)
        self._show_totals()

    def _show_totals(self) -> None:
        if self.report is not None:
            self.totals.setText(tr("uif_shift_totals", cash=fees.money(self.report.cash_fen),
                                   income=fees.money(self.report.income_fen)))

    def retranslate(self, *_: Any) -> None:
        self.title.setText(tr("uif_shift_title"))
        self.from_label.setText(tr("uif_from"))
        self.to_label.setText(tr("uif_to"))
        self.clerk_label.setText(tr("uif_clerk_filter"))
        self.refresh_button.setText(tr("uif_refresh"))
        self.shift_model.retranslate()
        self.entries_model.retranslate()
        self._show_totals()
