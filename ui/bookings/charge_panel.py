"""The charge part of the booking details dialog: the fee line (estimated, or settled at check-out)
against what was paid, and its buttons: take a payment, refund under the rules, refund a chosen
amount (admin), the receipt.

`ChargePanel` is the base of DetailsDialog (ui/bookings/details.py), which gives it the booking,
the desk, the confirmation, `load` (the whole dialog read again) and `_say` (its message line).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QGroupBox, QHBoxLayout, QLabel, QPushButton

from booking.money import fees, ledger
from booking.schedule.bookings import Booking
from booking.store.errors import DeskError
from booking.store.i18n import define, tr
from ui.money.cashdesk import AmountDialog, PaymentDialog
from ui.desk.session import Desk
from ui.desk.fonts import ui_font
from ui.money.money_views import admin_only
from ui.money.receipt import ReceiptDialog

define(
    uig_fee_box=("费用", "Charge"),
    uig_fee_line=("{state}：应收 {total}　已付 {paid}　待付 {due}",
                  "{state}: charge {total}   paid {paid}   due {due}"),
    uig_fee_over=("　多付 {over}", "   overpaid {over}"),
    uig_fee_pay=("收费(&T)…", "&Take payment…"),
    uig_fee_refund=("退款(&U)…", "Ref&und…"),
    uig_fee_receipt=("收据(&E)…", "Rec&eipt…"),
    uig_fee_nothing_due=("没有待付金额。", "Nothing is due."),
    uig_fee_no_receipt=("还没有收款记录。", "Nothing has been paid yet."),
    uig_fee_refund_open=("预约取消后，按规定退款。", "A refund under the rules follows a cancellation."),
    uig_fee_refund_none=("没有可退的款项。", "Nothing paid can be refunded."),
    uig_fee_refund_title=("退款", "Refund"),
    uig_fee_refund_confirm=("按规定退还 {amount}（开始前 {hours} 小时取消，退 {percent}%）？\n按原付款方式退回。",
                            "Refund {amount} under the rules (cancelled {hours:hour|hours} before the start, "
                            "{percent}% back)?\nIt goes back the way it was paid."),
    uig_fee_refunded=("已退款 {amount}，收据号 {number}。", "Refunded {amount}, receipt {number}."),
    uig_fee_paid=("已收 {amount}，收据号 {number}。", "Took {amount}, receipt {number}."),
)

define(
    uil_refund_amount=("退指定金额(&M)…", "Refund an a&mount…"),
    uil_refund_amount_what=("按金额退款", "refund a chosen amount"),
    uil_refund_amount_tip=("退还已付款项的一部分或全部，需填写原因（管理员）。",
                           "Pay back part or all of what was paid, with a reason (admin)."),
    uil_refund_title=("退款：预约 {id}", "Refund: booking {id}"),
    uil_refund_summary=("应收 {total}，已付 {paid}。\n退款按原付款方式退回，最近的付款先退。",
                        "Charge {total}, paid {paid}.\n"
                        "A refund goes back the way it was paid, the latest payment first."),
    uil_refund_label=("退款金额（元）", "Amount to refund (yuan)"),
    uil_refund_button=("退款", "Refund"),
    uil_refund_confirm=("确定为预约 {id} 退还 {amount} 吗？\n按原付款方式退回，原因记入账目：{reason}",
                        "Refund {amount} for booking {id}?\nIt goes back the way it was paid; the ledger keeps "
                        "the reason: {reason}"),
)


class ChargePanel(QDialog):
    """The booking's charge and what the desk can do about it (DetailsDialog is one)."""

    desk: Desk
    booking_id: int
    booking: Booking
    confirm: Callable[[str, str], bool]

    def load(self) -> None:
        raise NotImplementedError

    def _say(self, text: str, error: bool = False) -> None:
        raise NotImplementedError

    # --- the charge ------------------------------------------------------------------------------

    def _build_charge_box(self) -> None:
        self.charge_box = QGroupBox()
        self.charge_line = QLabel()
        self.charge_line.setFont(ui_font(self.font().pointSizeF() * 1.1, bold=True))
        self.charge_line.setWordWrap(True)
        self.pay_button = QPushButton()
        self.refund_button = QPushButton()
        self.refund_amount_button = QPushButton()
        self.receipt_button = QPushButton()
        buttons = (self.pay_button, self.refund_button, self.refund_amount_button, self.receipt_button)
        for button in buttons:
            button.setAutoDefault(False)
        self.pay_button.clicked.connect(self.take_payment)
        self.refund_button.clicked.connect(self.refund)
        self.refund_amount_button.clicked.connect(lambda: self.refund_amount())
        self.receipt_button.clicked.connect(lambda: self.open_receipt())
        row = QHBoxLayout(self.charge_box)
        row.addWidget(self.charge_line, 1)
        for button in buttons:
            row.addWidget(button)
        self.account: ledger.Account | None = None
        self.payment_dialog: QDialog | None = None
        self.refund_dialog: AmountDialog | None = None
        self.receipt_dialog: QDialog | None = None

    def load_charge(self) -> None:
        """The booking's charge (estimated, or settled at check-out) against what was paid, and which
        of pay / refund / receipt the ledger allows now; a disabled button's tooltip says why."""
        b = self.booking
        try:
            account = self.account = ledger.account(self.desk.store, b.id, self.desk.now())
        except DeskError as exc:  # settling at check-out writes; the store may be busy in another desk
            self.charge_line.setText(exc.message())
            for button in (self.pay_button, self.refund_button, self.refund_amount_button, self.receipt_button):
                button.setEnabled(False)
            return
        line = tr("uig_fee_line", state=tr(f"fee_state_{account.charge.state}"),
                  total=fees.money(account.charge.total_fen), paid=fees.money(account.paid_fen),
                  due=fees.money(account.due_fen))
        line = line[:1].upper() + line[1:]  # "Estimate: charge …" (the state word leads the line)
        if account.over_fen:
            line += tr("uig_fee_over", over=fees.money(account.over_fen))
        self.charge_line.setText(line)
        # The lines of the charge and the ledger's entries, for the resident who asks "what for?"
        entries = [f"{p.receipt_no}  {p.at}  {tr(f'ledger_entry_{p.entry}')} {tr(f'ledger_method_{p.method}')} "
                   f"{fees.money(p.amount_fen)}" for p in ledger.for_booking(self.desk.store, b.id)]
        self.charge_line.setToolTip("\n".join([f"{item.text()}  {fees.money(item.fen)}"
                                               for item in account.charge.items] + entries))
        self.pay_button.setEnabled(account.due_fen > 0)
        self.pay_button.setToolTip("" if account.due_fen > 0 else tr("uig_fee_nothing_due"))
        refund_fen, why = self._refund_allowed()
        self.refund_button.setEnabled(refund_fen > 0)
        self.refund_button.setToolTip(why)
        # Any amount up to what is left of the payments, at any time, but only by an admin; the
        # ledger says how much is left (a waiver is not money to give back).
        refusal = admin_only(self.desk, "uil_refund_amount_what")
        self.refund_amount_button.setEnabled(refusal is None and account.paid_fen > 0)
        self.refund_amount_button.setToolTip(refusal or (tr("uil_refund_amount_tip") if account.paid_fen > 0
                                                         else tr("uig_fee_refund_none")))
        paid_any = bool(entries)
        self.receipt_button.setEnabled(paid_any)
        self.receipt_button.setToolTip("" if paid_any else tr("uig_fee_no_receipt"))

    def _refund_allowed(self) -> tuple[int, str]:
        """(fen the rules give back now, why not or how much) for the refund button."""
        if self.booking.status != "cancelled":
            return 0, tr("uig_fee_refund_open")
        try:
            fen, percent, hours = ledger.policy_refund_fen(self.desk.store, self.booking_id, self.desk.now())
        except DeskError as exc:
            return 0, exc.message()
        if fen > 0:
            return fen, tr("ledger_refund_policy_ok", percent=percent, hours=hours)
        if ledger.net_paid(self.desk.store, self.booking_id) > 0 and percent < 100:
            return 0, tr("ledger_refund_policy", hours=hours, percent=percent)
        return 0, tr("uig_fee_refund_none")

    def take_payment(self) -> QDialog:
        """The cash desk's payment dialog for this booking; after a payment its receipt opens."""
        dialog = PaymentDialog(self.desk, self.booking_id, self)
        dialog.accepted.connect(lambda: self._paid(dialog))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.payment_dialog = dialog
        dialog.open()
        return dialog

    def _paid(self, dialog: Any) -> None:
        paid = dialog.paid
        self.load()
        if paid is not None:
            self._say(tr("uig_fee_paid", amount=fees.money(paid.amount_fen), number=paid.receipt_no))
            self.open_receipt(paid.id)

    def refund(self) -> bool:
        """Give back what the rules allow for a cancelled booking, after the clerk confirms."""
        fen, _ = self._refund_allowed()
        if fen <= 0:
            return False
        _, percent, hours = ledger.policy_refund_fen(self.desk.store, self.booking_id, self.desk.now())
        if not self.confirm(tr("uig_fee_refund_title"), tr("uig_fee_refund_confirm", amount=fees.money(fen),
                                                          hours=hours, percent=percent)):
            return False
        try:
            entries = ledger.refund(self.desk.store, self.desk.actor, self.booking_id, self.desk.now())
        except DeskError as exc:
            self._say(exc.message(), error=True)
            return False
        self.desk.announce("payment")
        self.load()
        self._say(tr("uig_fee_refunded", amount=fees.money(-sum(e.amount_fen for e in entries)),
                     number="、".join(e.receipt_no for e in entries)))
        return True

    def refund_amount(self) -> AmountDialog | None:
        """The admin's refund of a chosen amount with a reason: the ledger refuses more than is left."""
        if admin_only(self.desk, "uil_refund_amount_what"):
            return None

        def texts() -> dict[str, str]:
            account = self.account  # as the fee box last read it (reading again may settle, i.e. write)
            return {"title": tr("uil_refund_title", id=self.booking_id),
                    "summary": tr("uil_refund_summary", total=fees.money(account.charge.total_fen),
                                  paid=fees.money(account.paid_fen)) if account else "",
                    "amount": tr("uil_refund_label"), "button": tr("uil_refund_button")}

        def act(amount_fen: int, reason: str) -> list[ledger.Payment] | None:
            # The desk may have been handed to a clerk while the dialog was open.
            if admin_only(self.desk, "uil_refund_amount_what"):
                raise DeskError("forbidden", "uig_admin_only", what=tr("uil_refund_amount_what"))
            # The ledger's refusals first, beside their field; then the question, No by default: money goes out.
            ledger.check_amount_refund(self.desk.store, self.desk.actor, self.booking_id, amount_fen, reason)
            if not self.confirm(tr("uil_refund_title", id=self.booking_id),
                                tr("uil_refund_confirm", amount=fees.money(amount_fen), id=self.booking_id,
                                   reason=reason)):
                return None
            done = ledger.refund(self.desk.store, self.desk.actor, self.booking_id, self.desk.now(), amount_fen, reason)
            self.desk.announce("payment")
            return done

        dialog = AmountDialog(self.desk, texts, act, parent=self)
        dialog.accepted.connect(lambda: self._refunded(dialog.outcome))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.refund_dialog = dialog
        dialog.open()
        return dialog

    def _refunded(self, entries: list[ledger.Payment] | None) -> None:
        self.load()
        if entries:
            self._say(tr("uig_fee_refunded", amount=fees.money(-sum(e.amount_fen for e in entries)),
                         number="、".join(e.receipt_no for e in entries)))

    def open_receipt(self, payment_id: int | None = None) -> QDialog | None:
        """The receipt of `payment_id`, or of the booking's latest ledger entry."""
        if payment_id is None:
            found = ledger.for_booking(self.desk.store, self.booking_id)
            if not found:
                return None
            payment_id = found[-1].id
        dialog = ReceiptDialog(self.desk, payment_id, self)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.receipt_dialog = dialog
        dialog.open()
        return dialog
