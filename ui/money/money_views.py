"""The office's money views: the monthly statement for the welfare fund, and time-bank credits.

Qt only: the statement, closing a month, the ledger's CSV and every credit
entry come from booking.money.ledger and booking.money.credits, which refuse what the
rules forbid. Here the admin-only actions are disabled for a clerk with a
tooltip that says why; confirmations and file names are plain callables so a
test can answer them.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QListView, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from booking.money import credits, fees, ledger
from booking.people import residents
from booking.store.changes import Changes
from booking.store.errors import DeskError, invalid
from booking.store.i18n import tr
from booking.money.ledger import METHODS
from booking.people.residents import Resident
from ui.people.residents import ResidentModel
from ui.money.cashdesk import AmountDialog, PaymentsModel
from ui.widgets.tables import TextTable, read_only_view
from ui.widgets.dates import month_picker
from ui.widgets.documents import in_documents
from ui.widgets.fieldmessages import FieldMessages
from ui.desk.fonts import ui_font
from ui.desk.session import Desk, follow

Index = QModelIndex | QPersistentModelIndex
ERROR = "#b3261e"
OK = "#1b7f3b"
PAID = Changes(payments=True)
#: the statement shows the month's entries, and what the clerk signed in may do with them
STATEMENT_SHOWS = Changes(payments=True, signed_in=True)
CREDITS_SHOW = Changes(payments=True, credits=True, signed_in=True)


def signed_money(fen: int) -> str:
    """'+¥2.00' or '-¥2.00': a correction's direction is the point of it."""
    return ("+" if fen > 0 else "") + fees.money(fen)


def admin_only(desk: Desk, what_key: str) -> str | None:
    """Why this actor may not do `what`, or None for an admin."""
    return None if desk.actor.is_admin else tr("uig_admin_only", what=tr(what_key))


class StatementModel(TextTable):
    """The month by resource kind (and a total row): entries, payments, refunds, by method, income."""

    COLUMNS = ("uig_col_kind", "uig_col_entries", "uig_col_payments", "uig_col_refunds", "uig_col_corrections",
               *(f"ledger_method_{m}" for m in METHODS), "uig_col_income")
    RIGHT = frozenset(range(1, len(COLUMNS)))

    def set_statement(self, statement: ledger.Statement) -> None:
        def row(name: str, sums: ledger.Sums) -> tuple[str, ...]:
            return (name, str(sums.entries), fees.money(sums.payments_fen), fees.money(sums.refunds_fen),
                    fees.money(sums.corrections_fen), *(fees.money(sums.by_method[m]) for m in METHODS),
                    fees.money(sums.income_fen))
        self._set([row(k.name, k) for k in statement.kinds] + [row(tr("uig_total"), statement.total)])


class StatementView(QWidget):
    """A month's takings for the welfare fund; close it (admin, confirmed); export its entries as CSV."""

    def __init__(self, desk: Desk, confirm: Callable[[str, str], bool],
                 ask_path: Callable[[str], str | None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.confirm = confirm
        self.ask_path = ask_path or self._ask_path
        self.statement: ledger.Statement | None = None
        self.title = QLabel(self)
        self.title.setFont(ui_font(14, True))
        self.month_label = QLabel(self)
        self.month_edit = month_picker(self, desk.now().date())
        self.month_label.setBuddy(self.month_edit)
        self.refresh_button = QPushButton(self)
        self.close_button = QPushButton(self)
        self.csv_button = QPushButton(self)
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button.clicked.connect(self.close_month)
        self.csv_button.clicked.connect(lambda: self.export_csv())
        self.month_edit.dateChanged.connect(lambda _d: self.refresh())
        self.model = StatementModel(self)
        self.entries_model = PaymentsModel()
        self.entries_model.setParent(self)
        self.fund = QLabel(self)
        self.fund.setFont(ui_font(13, True))
        self.state = QLabel(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.entries_box = QGroupBox(self)
        self.entries_view = read_only_view(self.entries_model, self, 6)
        self.entries_view.selectionModel().selectionChanged.connect(lambda *_: self.update_permissions())
        self.entries_view.doubleClicked.connect(lambda _i: self.correct_entry())
        self.correct_button = QPushButton(self)
        self.correct_button.clicked.connect(lambda: self.correct_entry())
        self.correct_dialog: AmountDialog | None = None
        entries_bar = QHBoxLayout()
        entries_bar.addStretch(1)
        entries_bar.addWidget(self.correct_button)
        entries_layout = QVBoxLayout(self.entries_box)
        entries_layout.addWidget(self.entries_view)
        entries_layout.addLayout(entries_bar)
        bar = QHBoxLayout()
        for widget in (self.month_label, self.month_edit, self.refresh_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.csv_button)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        statement_view = read_only_view(self.model, self)
        statement_view.setMinimumHeight(statement_view.fontMetrics().height() * 7)
        statement_view.setMaximumHeight(statement_view.fontMetrics().height() * 11)  # a few kinds and the total
        layout.addWidget(statement_view)
        layout.addWidget(self.fund)
        layout.addWidget(self.state)
        layout.addWidget(self.entries_box, 1)
        layout.addWidget(self.message)
        follow(desk.changed, self,
               lambda changes, _origin: self.refresh() if changes.touches(STATEMENT_SHOWS) else None)
        follow(desk.language_changed, self, self.retranslate)
        self.retranslate()

    def month(self) -> str:
        return f"{self.month_edit.date().toPython():%Y-%m}"

    def refresh(self) -> None:
        self.statement = s = ledger.statement(self.desk.store, self.month())
        self.model.set_statement(s)
        self.entries_model.set_payments(ledger.entries(self.desk.store, s.month))
        self.fund.setText(tr("uig_stmt_fund", fund=fees.money(s.fund_fen), percent=s.fund_percent,
                             income=fees.money(s.total.income_fen)))
        self.state.setText(tr("uig_stmt_closed", at=s.closed_at, by=s.closed_by) if s.closed
                           else tr("uig_stmt_open"))
        self.update_permissions()

    def update_permissions(self) -> None:
        refusal = admin_only(self.desk, "uig_stmt_close_what")
        self.close_button.setEnabled(refusal is None and not (self.statement and self.statement.closed))
        self.close_button.setToolTip(refusal or "")
        refusal = admin_only(self.desk, "uig_stmt_csv_what")
        self.csv_button.setEnabled(refusal is None)
        self.csv_button.setToolTip(refusal or "")
        refusal = admin_only(self.desk, "uil_correct_what")
        chosen = self.chosen_entry()
        self.correct_button.setEnabled(refusal is None and chosen is not None)
        self.correct_button.setToolTip(refusal or (tr("uil_correct_tip") if chosen else tr("uil_correct_pick")))

    def chosen_entry(self) -> ledger.Payment | None:
        rows = self.entries_view.selectionModel().selectedRows()
        return self.entries_model.payment(rows[0].row()) if rows else None

    def correct_entry(self) -> AmountDialog | None:
        """Ask for the correction of the chosen entry (amount, may be negative, and reason), confirm it,
        and record it through the ledger: a new entry dated now, so in the current month even when
        the entry corrected is in a closed one."""
        original = self.chosen_entry()
        if original is None or admin_only(self.desk, "uil_correct_what"):
            return None
        into = f"{self.desk.now():%Y-%m}"  # the ledger dates every entry now (ledger._insert)

        def texts() -> dict[str, str]:
            summary = tr("uil_correct_summary", at=original.at, entry=tr(f"ledger_entry_{original.entry}"),
                         method=tr(f"ledger_method_{original.method}"), amount=fees.money(original.amount_fen),
                         reason=original.reason or "", month=into)
            if ledger.is_closed(self.desk.store, original.at[:7]):
                summary += "\n" + tr("uil_correct_closed", closed=original.at[:7], month=into)
            return {"title": tr("uil_correct_title", number=original.receipt_no), "summary": summary,
                    "amount": tr("uil_correct_label"), "button": tr("uil_correct_button")}

        def act(amount_fen: int, reason: str) -> ledger.Payment | None:
            if admin_only(self.desk, "uil_correct_what"):  # the desk may have passed to a clerk meanwhile
                raise DeskError("forbidden", "uig_admin_only", what=tr("uil_correct_what"))
            # The ledger refuses these too; asking first keeps the confirmation for what it will record.
            if not reason:
                raise invalid("ledger_reason_required", field="reason")
            if amount_fen == 0:
                raise invalid("ledger_correct_zero", field="amount")
            question = tr("uil_correct_confirm", number=original.receipt_no, amount=fees.money(original.amount_fen),
                          change=signed_money(amount_fen), month=into, reason=reason)
            if not self.confirm(tr("uil_correct_confirm_title"), question):
                return None
            return self.desk.run(lambda: ledger.correct(self.desk.store, self.desk.actor, original.id, amount_fen,
                                                        reason, self.desk.now()), PAID, self)

        dialog = AmountDialog(self.desk, texts, act, allow_negative=True, allow_zero=True, parent=self)
        dialog.accepted.connect(lambda: self._corrected(dialog.outcome))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.correct_dialog = dialog
        dialog.open()
        return dialog

    def _corrected(self, fix: ledger.Payment | None) -> None:
        """Show the month the correction went into, with the new entry chosen."""
        if fix is None:
            return
        if fix.at[:7] != self.month():
            self.month_edit.setDate(QDate(int(fix.at[:4]), int(fix.at[5:7]), 1))  # refreshes
        for row in range(self.entries_model.rowCount()):
            if self.entries_model.payment(row).id == fix.id:
                self.entries_view.selectRow(row)
                self.entries_view.scrollTo(self.entries_model.index(row, 0))
        self._say(tr("uil_correct_done", change=signed_money(fix.amount_fen), number=fix.receipt_no, month=fix.at[:7]))

    def close_month(self) -> bool:
        """Close the month shown after the admin confirms; the ledger refuses a clerk or an open month."""
        s = self.statement
        if s is None:
            return False
        question = tr("uig_stmt_confirm", month=s.month, income=fees.money(s.total.income_fen),
                      fund=fees.money(s.fund_fen))
        if not self.confirm(tr("uig_stmt_confirm_title"), question):
            return False
        try:  # the statement reads itself again when the closing is announced
            self.desk.run(lambda: ledger.close_month(self.desk.store, self.desk.actor, s.month, self.desk.now()),
                          PAID, self)
        except DeskError as exc:
            self._say(exc.message(), error=True)
            return False
        self._say(tr("uig_stmt_done", month=s.month))
        return True

    def _ask_path(self, name: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, tr("uig_stmt_csv").replace("(&X)", "").rstrip("…"),
                                              in_documents(name), tr("uig_stmt_csv_filter"))
        return path or None

    def export_csv(self, path: str | None = None) -> Path | None:
        """The month's entries as CSV (asks where, unless told); a refusal is shown, not raised."""
        if admin_only(self.desk, "uig_stmt_csv_what"):
            return None
        path = path or self.ask_path(f"ledger-{self.month()}.csv")
        if not path:
            return None
        try:
            result = ledger.export_csv(self.desk.store, self.month(), path, actor=self.desk.actor)
        except DeskError as exc:
            self._say(exc.message(), error=True)
            return None
        self._say(tr("uig_stmt_csv_done", rows=result.rows, path=result.path))
        return Path(result.path)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {ERROR if error else OK};")
        self.message.setText(text)

    def retranslate(self, *_: Any) -> None:
        self.setWindowTitle(tr("uig_stmt_title"))
        self.title.setText(tr("uig_stmt_title"))
        self.month_label.setText(tr("uig_stmt_month"))
        self.refresh_button.setText(tr("uig_stmt_refresh"))
        self.close_button.setText(tr("uig_stmt_close"))
        self.csv_button.setText(tr("uig_stmt_csv"))
        self.entries_box.setTitle(tr("uig_stmt_entries"))
        self.correct_button.setText(tr("uil_correct"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(StatementModel.COLUMNS) - 1)
        self.entries_model.retranslate()
        self.refresh()


# --- time-bank credits ----------------------------------------------------------------------------

class CreditHistoryModel(TextTable):
    """A resident's time-bank entries, newest first, each with the balance after it."""

    COLUMNS = ("uig_credit_col_at", "uig_credit_col_entry", "uig_credit_col_hours", "uig_credit_col_balance",
               "uig_credit_col_detail")
    RIGHT = frozenset({2, 3})

    def set_history(self, history: list[dict[str, Any]]) -> None:
        self._set([(h["at"], h["entry_text"], h["hours"], h["balance"],
                    " / ".join(p for p in (h["team"], h["activity"], h["approved_by"]) if p))
                   for h in reversed(history)])


class CreditsView(QWidget):
    """Find a resident; see the balance and history; add hours (admin); redeem for a booking."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.chosen: Resident | None = None
        self.title = QLabel(self)
        self.title.setFont(ui_font(14, True))
        self.find_label = QLabel(self)
        self.find_edit = QLineEdit(self)
        self.find_edit.setClearButtonEnabled(True)
        self.find_label.setBuddy(self.find_edit)
        self.found = ResidentModel(self)
        self.found_view = QListView(self)
        self.found_view.setModel(self.found)
        self.found_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.found_view.setMaximumHeight(self.fontMetrics().height() * 6)
        self.find_edit.textChanged.connect(self.search)
        self.found_view.activated.connect(lambda index: self.choose(self.found.resident(index.row())))
        self.found_view.clicked.connect(lambda index: self.choose(self.found.resident(index.row())))
        self.balance = QLabel(self)
        self.balance.setFont(ui_font(12, True))
        self.balance.setWordWrap(True)
        self.history = CreditHistoryModel(self)

        self.add_box = QGroupBox(self)
        self.hours_edit, self.team_edit = QLineEdit(self), QLineEdit(self)
        self.activity_edit, self.approved_edit = QLineEdit(self), QLineEdit(self)
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(self.add_hours)
        add_form = QFormLayout(self.add_box)
        # each refusal of the time bank stands under the field it names (hours, team, activity, approved_by)
        self.add_messages = FieldMessages(self.add_box, add_form)
        for name, edit in (("hours", self.hours_edit), ("team", self.team_edit), ("activity", self.activity_edit),
                           ("approved_by", self.approved_edit)):
            self.add_messages.add(name, edit)
        add_form.addRow(self.add_messages.general)
        add_form.addRow("", self.add_button)

        self.redeem_box = QGroupBox(self)
        self.booking_spin = QSpinBox(self)
        self.booking_spin.setRange(0, 2_000_000_000)
        self.booking_spin.setSpecialValueText("—")
        self.redeem_hours = QLineEdit(self)
        self.redeem_button = QPushButton(self)
        self.redeem_button.clicked.connect(self.redeem)
        redeem_form = QFormLayout(self.redeem_box)
        self.redeem_messages = FieldMessages(self.redeem_box, redeem_form)
        self.redeem_messages.add("booking", self.booking_spin)
        self.redeem_messages.add("hours", self.redeem_hours)
        redeem_form.addRow(self.redeem_messages.general)
        redeem_form.addRow("", self.redeem_button)

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        find_row = QHBoxLayout()
        find_row.addWidget(self.find_label)
        find_row.addWidget(self.find_edit, 1)
        boxes = QHBoxLayout()
        boxes.addWidget(self.add_box)
        boxes.addWidget(self.redeem_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(find_row)
        layout.addWidget(self.found_view)
        layout.addWidget(self.balance)
        layout.addWidget(read_only_view(self.history, self, 4), 1)
        layout.addLayout(boxes)
        layout.addWidget(self.message)
        follow(desk.changed, self,
               lambda changes, _origin: self.show_resident() if changes.touches(CREDITS_SHOW) else None)
        follow(desk.language_changed, self, self.retranslate)
        self.retranslate()

    def search(self, text: str) -> None:
        found: list[Resident] = []
        if text.strip():
            try:
                found = residents.find(self.desk.store, text)
            except DeskError:
                found = []
        self.found.set_residents(found)
        if len(found) == 1:
            self.choose(found[0])

    def choose(self, resident: Resident) -> None:
        self.chosen = resident
        self.message.clear()
        self.show_resident()

    def show_resident(self) -> None:
        r = self.chosen
        if r is None:
            self.balance.setText(tr("uig_credit_none"))
            self.history.set_history([])
        else:
            s = credits.summary(self.desk.store, r.id)
            self.balance.setText(tr("uig_credit_balance", name=r.name, door=r.door, hours=s.balance,
                                    worth=fees.money(s.worth_fen), rate=fees.money(s.rate_fen)))
            self.history.set_history(s.history)
        self.update_permissions()

    def update_permissions(self) -> None:
        refusal = admin_only(self.desk, "uig_credit_add_what")
        self.add_box.setEnabled(refusal is None and self.chosen is not None)
        self.add_box.setToolTip(refusal or "")
        self.redeem_box.setEnabled(self.chosen is not None)

    def add_hours(self) -> credits.Earned | None:
        """Record the hours a team leader approved (admin)."""
        if self.chosen is None or admin_only(self.desk, "uig_credit_add_what"):
            return None
        try:
            minutes = credits.parse_hours(self.hours_edit.text())
            chosen = self.chosen
            result = self.desk.run(lambda: credits.earn(self.desk.store, self.desk.actor, chosen.id, minutes,
                                                        self.team_edit.text(), self.activity_edit.text(),
                                                        self.approved_edit.text(), self.desk.now()),
                                   origin=self)
        except DeskError as exc:
            self.add_messages.show_error(exc)
            self.message.clear()
            return None
        self.add_messages.show_error(None)
        self.hours_edit.clear()
        self.activity_edit.clear()
        self._say(tr("uig_credit_added", hours=result.hours, balance=result.balance))
        return result

    def redeem(self) -> credits.Redeemed | None:
        """Pay what is due for one of the household's bookings with the resident's hours."""
        if self.chosen is None:
            return None
        try:
            minutes = credits.parse_hours(self.redeem_hours.text()) if self.redeem_hours.text().strip() else None
            chosen = self.chosen
            result = self.desk.run(lambda: credits.redeem(self.desk.store, self.desk.actor, chosen.id,
                                                          self.booking_spin.value(), self.desk.now(), minutes),
                                   origin=self)
        except DeskError as exc:
            self.redeem_messages.show_error(exc)
            self.message.clear()
            return None
        self.redeem_messages.show_error(None)
        self.redeem_hours.clear()
        self._say(tr("uig_credit_redeemed", hours=result.hours, value=fees.money(result.value_fen),
                     number=result.payment.receipt_no, balance=result.balance))
        return result

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {ERROR if error else OK};")
        self.message.setText(text)

    def retranslate(self, *_: Any) -> None:
        self.setWindowTitle(tr("uig_credit_title"))
        self.title.setText(tr("uig_credit_title"))
        self.find_label.setText(tr("uig_credit_find"))
        self.find_edit.setPlaceholderText(tr("uig_credit_find_hint"))
        self.add_box.setTitle(tr("uig_credit_add_box"))
        for name, key in (("hours", "uig_credit_hours"), ("team", "uig_credit_team"),
                          ("activity", "uig_credit_activity"), ("approved_by", "uig_credit_approved")):
            self.add_messages.labels[name].setText(tr(key))
        self.add_button.setText(tr("uig_credit_add"))
        self.redeem_box.setTitle(tr("uig_credit_redeem_box"))
        self.redeem_messages.labels["booking"].setText(tr("uig_credit_booking"))
        self.redeem_messages.labels["hours"].setText(tr("uig_credit_redeem_hours"))
        self.redeem_button.setText(tr("uig_credit_redeem"))
        self.history.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(CreditHistoryModel.COLUMNS) - 1)
        self.show_resident()
