"""One booking: its status, times and history (scans included), and what the desk can do with it:
cancel (after a confirmation), reissue its pass, check it in or out by hand, move its times.

Changes go through the domain (bookings.cancel, passes.reissue, reschedule)
and are announced on the desk; the confirmation is a plain callable the window
owns (a message box in the program, a decision in a test).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, QTimer, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateTimeEdit, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QMessageBox,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from booking.checkin import passcode, passes, passinfo, scanning
from booking.money import fees, ledger
from booking.schedule import bookings, reschedule
from booking.store import audit, clock
from booking.schedule.bookings import Booking
from booking.store.errors import DeskError
from booking.store.i18n import define, language, tr
from booking.policy.rules import duration_text
from booking.store.validation import mask_name, mask_phone
from ui.passes import passimage, slip
from ui.board.day_board import COLOURS, status_text
from ui.bookings.booking_dialog import QT_FORMAT, from_qt, length_text, to_qt
from ui.money.cashdesk import AmountDialog, PaymentDialog
from ui.desk.session import Desk
from ui.widgets.documents import in_documents
from ui.desk.fonts import mono_font, ui_font
from ui.money.money_views import admin_only
from ui.money.receipt import ReceiptDialog

define(
    ui_detail_title=("预约 {id}", "Booking {id}"),
    ui_detail_heading=("{code} {name} — {status}", "{code} {name} — {status}"),
    ui_detail_id=("预约号：", "Booking:"),
    ui_detail_resident=("居民：", "Resident:"),
    ui_detail_door=("门牌：", "Door:"),
    ui_detail_phone=("手机：", "Mobile:"),
    ui_detail_plate=("车牌：", "Plate:"),
    ui_detail_purpose=("用途：", "Purpose:"),
    ui_detail_time=("时间：", "Time:"),
    ui_detail_in=("签到：", "Checked in:"),
    ui_detail_out=("签退：", "Checked out:"),
    ui_detail_over=("超时：", "Overstay:"),
    ui_detail_series=("重复系列：", "Series:"),
    ui_detail_series_text=("系列 {id}", "series {id}"),
    ui_detail_visitor=("（访客）", " (visitor)"),
    ui_detail_none=("—", "—"),
    ui_detail_history=("记录（含扫码）", "History (scans included)"),
    ui_detail_col_at=("时间", "When"),
    ui_detail_col_who=("操作人 / 扫码点", "Who / where"),
    ui_detail_col_what=("事件", "What"),
    ui_detail_col_note=("说明", "Details"),
    ui_detail_scan_ok=("扫码通过", "scan accepted"),
    ui_detail_scan_did=("{what}（{action}）", "{what} ({action})"),
    ui_detail_time_span=("{start} – {end}（{length}）", "{start} – {end} ({length})"),
    ui_detail_scan_repeat=("重复扫描", "Scanned again"),
    ui_detail_scan_refused=("扫码拒绝", "scan refused"),
    ui_detail_cancel=("取消预约(&C)…", "&Cancel booking…"),
    ui_detail_reissue=("补发通行证(&R)…", "&Reissue pass…"),
    ui_detail_show_pass=("通行证(&P)", "&Pass"),
    ui_detail_manual=("手动签到/签退(&I)…", "Check &in/out by hand…"),
    ui_detail_manual_reason=("手动{action}的理由（将记入日志）：", "Reason to {action} by hand (kept in the log):"),
    ui_detail_edit=("修改时间", "Change the times"),
    ui_detail_edit_save=("保存新时间(&S)", "&Save new times"),
    ui_detail_edit_started=("已签到：只能修改结束时间。", "Checked in: only the end can change."),
    ui_detail_edit_ok=("✓ 可以改为 {start} – {end}", "✓ Can move to {start} – {end}"),
    ui_detail_confirm_cancel_title=("取消预约", "Cancel the booking"),
    ui_detail_confirm_cancel=("确定取消预约 {id}（{code}，{start} – {end}，{door}）吗？\n"
                              "取消后记录保留，车位/场地释放。",
                              "Cancel booking {id} ({code}, {start} – {end}, {door})?\n"
                              "The record is kept and the space or room is freed."),
    ui_detail_confirm_series=("同时取消该系列此后的全部预约？\n选“否”只取消这一次。",
                              "Also cancel the later bookings of this series?\n“No” cancels only this one."),
    ui_detail_confirm_reissue_title=("补发通行证", "Reissue the pass"),
    ui_detail_confirm_reissue=("补发后，预约 {id} 的旧通行证全部失效。继续吗？",
                               "After reissuing, every older pass of booking {id} stops working. Go on?"),
    ui_detail_done_cancel=("已取消预约 {id}。", "Booking {id} cancelled."),
    ui_detail_done_move=("预约 {id} 已改为 {start} – {end}。", "Booking {id} moved to {start} – {end}."),
    ui_action_book=("预约", "booked"),
    ui_action_cancel=("取消", "cancelled"),
    ui_action_reschedule=("改时间", "times changed"),
    ui_action_reissue=("补发通行证", "pass reissued"),
    ui_action_check_in=("签到", "checked in"),
    ui_action_check_out=("签退", "checked out"),
    ui_action_no_show=("未到场", "no-show"),
    ui_passview_title=("通行证 — 预约 {id}", "Pass — booking {id}"),
    ui_passview_which=("预约：", "Booking:"),
    ui_passview_print=("打印小票(&P)…", "&Print slip…"),
    ui_passview_save=("保存图片(&S)…", "&Save image…"),
    ui_passview_copy=("复制(&C)", "&Copy"),
    ui_passview_copied=("已复制通行证图片和号码。", "Pass image and number copied."),
    ui_passview_saved=("已保存：{path}", "Saved: {path}"),
    ui_passview_print_failed=("打印机无法开始打印，请检查打印机。", "The printer could not start; please check it."),
    ui_passview_hint=("居民出示此二维码或号码即可签到、签退。",
                      "The resident shows this QR code or number to check in and out."),
    ui_passview_file_filter=("PNG 图片 (*.png)", "PNG image (*.png)"),
)

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


def _bare_name(b: Any) -> str:
    """A resource's name without its code, which the heading already gives: '共享车位', not '共享车位 P008'."""
    return " ".join(b.resource_name.replace(b.resource, " ").split()) or b.resource_name


def action_text(action: str) -> str:
    key = "ui_action_" + action.replace("-", "_")
    text = tr(key)
    return action if text == key else text


class HistoryModel(QAbstractTableModel):
    """The booking's audit entries and scans, newest first."""

    COLUMNS = ("ui_detail_col_at", "ui_detail_col_who", "ui_detail_col_what", "ui_detail_col_note")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str, bool]] = []

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
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(self.COLUMNS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = row[index.column()]
            if index.column() == 2 and language() == "en" and isinstance(text, str):  # "Booked", "Scan accepted"
                return text[:1].upper() + text[1:]
            return text
        if role == Qt.ItemDataRole.ForegroundRole and not row[4]:
            from PySide6.QtGui import QColor
            return QColor("#b3261e")
        return None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class DetailsDialog(QDialog):
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
        self.history_view = QTableView()
        self.history_view.setModel(self.history)
        self.history_view.verticalHeader().hide()
        self.history_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_view.setWordWrap(True)
        header = self.history_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
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
        desk.changed.connect(self._changed)
        desk.language_changed.connect(self.retranslate)

    # --- showing -------------------------------------------------------------------------------

    def _changed(self, what: set[str]) -> None:
        if what & {"booking", "scan", "payment"}:
            self.load()

    def load(self) -> None:
        """Read the booking and its history again."""
        b = self.booking = bookings.get(self.desk.store, self.booking_id)
        look = "overstay" if b.status == "checked_in" and b.end < self.desk.now() else b.status
        fill, _ = COLOURS.get(look, COLOURS["booked"])
        colour = "#555555" if look in ("cancelled", "no_show", "completed") else fill
        self.heading.setText(f"<span style='color:{colour}'>"
                             + _escape(tr("ui_detail_heading", code=b.resource, name=_bare_name(b),
                                          status=status_text(look))) + "</span>")
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

        open_ = b.status in ("booked", "checked_in")
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
            bookings.cancel(self.desk.store, self.desk.actor, b.id, following=following, now=self.desk.now())
        except DeskError as exc:
            self._say(exc.message(), error=True)
            return False
        self.desk.announce("booking")
        self.load()
        self._say(tr("ui_detail_done_cancel", id=b.id))
        return True

    # --- the pass --------------------------------------------------------------------------------

    def reissue_pass(self) -> bool:
        if not self.confirm(tr("ui_detail_confirm_reissue_title"), tr("ui_detail_confirm_reissue", id=self.booking_id)):
            return False
        try:
            passes.reissue(self.desk.store, self.desk.actor, self.booking_id, now=self.desk.now())
        except DeskError as exc:
            self._say(exc.message(), error=True)
            return False
        self.desk.announce("booking", "pass")
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
            scanning.manual(self.desk.store, self.desk.actor, self.booking_id, reason=reason, now=self.desk.now())
        except DeskError as exc:
            self._say(exc.message(), error=True)
            return
        self.desk.announce("booking", "scan")
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
                                "<br>".join(("" if ok else "✗ ") + _escape(s) for s in lines) + "</span>")
        self.edit_save.setEnabled(ok)

    def save_times(self) -> bool:
        if not self.check_times():
            return False
        start, end = self._times()
        try:
            reschedule.reschedule(self.desk.store, self.desk.actor, self.booking_id, start, end, self.desk.now())
        except DeskError as exc:
            self._edit_result(False, [exc.message()])
            return False
        self.desk.announce("booking")
        self.load()
        self._say(tr("ui_detail_done_move", id=self.booking_id, start=f"{start:%m-%d %H:%M}", end=f"{end:%m-%d %H:%M}"))
        return True

    def hideEvent(self, event: Any) -> None:
        self._edit_timer.stop()
        super().hideEvent(event)

    def _say(self, text: str, error: bool = False) -> None:
        colour = "#b3261e" if error else "#1b7f3b"
        self.message.setText(f"<span style='color:{colour}'>{_escape(text)}</span>")

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


# --- the pass view ------------------------------------------------------------------------------

def qr_image(text: str, side: int) -> QImage:
    """The pass's QR code about `side` pixels across (whole pixels a module)."""
    return passimage.qr_image(text, max(4, side // passimage.module_count(text)))


class PassDialog(QDialog):
    """The pass of a booking just made (or reissued): QR code on screen, its number, and
    Print slip / Save image / Copy. For a series each booking has its own pass: choose it."""

    def __init__(self, desk: Desk, booking_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.booking_ids = list(booking_ids)
        self.which = QComboBox()
        self.which_label = QLabel()
        self.which_label.setBuddy(self.which)
        for bid in self.booking_ids:
            b = bookings.get(desk.store, bid)
            self.which.addItem(f"{b.id}  {b.resource}  {b.start:%m-%d %H:%M} – {b.end:%m-%d %H:%M}", bid)
        self.summary = QLabel()
        self.summary.setFont(ui_font(self.font().pointSizeF() * 1.2, bold=True))
        self.summary.setWordWrap(True)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number = QLabel()
        self.number.setFont(mono_font(self.font().pointSizeF() * 1.3))
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.print_button = QPushButton()
        self.save_button = QPushButton()
        self.copy_button = QPushButton()
        for button in (self.print_button, self.save_button, self.copy_button):
            button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_slip)
        self.save_button.clicked.connect(self.save_image)
        self.copy_button.clicked.connect(self.copy)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        for button in (self.print_button, self.save_button, self.copy_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        which = QHBoxLayout()
        which.addWidget(self.which_label)
        which.addWidget(self.which, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(which)
        layout.addWidget(self.summary)
        layout.addWidget(self.qr, 1)
        layout.addWidget(self.number)
        layout.addWidget(self.hint)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self.which_label.setVisible(len(self.booking_ids) > 1)
        self.which.setVisible(len(self.booking_ids) > 1)
        self.which.currentIndexChanged.connect(self.load)
        self.text = ""
        self.info: Any = None
        self.image: QImage | None = None
        self.retranslate()
        desk.language_changed.connect(self.retranslate)

    def booking_id(self) -> int:
        return int(self.which.currentData())

    def _pass_info(self) -> Any:
        return passinfo.pass_info(self.desk.store, self.booking_id(), self.desk.now())

    def load(self) -> None:
        bid = self.booking_id()
        b = bookings.get(self.desk.store, bid)
        self.text = passes.pass_text(self.desk.store, bid)
        self.info = self._pass_info()
        self.summary.setText(f"{b.resource} {_bare_name(b)}\n{b.start:%Y-%m-%d %H:%M} – {b.end:%Y-%m-%d %H:%M}\n"
                             f"{mask_name(b.resident_name)}  {b.door}  {b.plate or ''}".rstrip())
        self.number.setText(passcode.grouped(self.text))
        self.image = qr_image(self.text, self.fontMetrics().height() * 14)
        self.qr.setPixmap(QPixmap.fromImage(self.image))
        self.save_button.setEnabled(self.info is not None)
        self.print_button.setEnabled(self.info is not None)
        self.setWindowTitle(tr("ui_passview_title", id=bid))

    def copy(self) -> None:
        """The pass's words and number as text, and the phone image, on the clipboard."""
        data = QMimeData()
        data.setText("\n".join(self.info.lines()) if self.info is not None else self.text)
        if self.info is not None:
            data.setImageData(passimage.phone_image(self.info))
        QGuiApplication.clipboard().setMimeData(data)
        self.status.setText(tr("ui_passview_copied"))

    def save_image(self, path: str | None = None) -> str | None:
        """Save the phone image of the pass as PNG (asks where, unless told)."""
        if self.info is None:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.save_button.text().replace("&", ""),
                                                  in_documents(f"pass-{self.booking_id()}.png"),
                                                  tr("ui_passview_file_filter"))
        if not path:
            return None
        try:
            saved = passimage.save_png(passimage.phone_image(self.info), path)
        except DeskError as exc:
            self.status.setText(exc.message())
            return None
        self.status.setText(tr("ui_passview_saved", path=str(saved)))
        return str(saved)

    def print_slip(self) -> None:
        """Qt's print dialog, then the A6 slip on the chosen printer."""
        if self.info is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.paint_slip_on(printer)

    def paint_slip_on(self, device: Any) -> bool:
        """The A6 slip at the top left of a printer page (or any paint device): a quarter of the desk's A4."""
        from PySide6.QtGui import QPainter
        painter = QPainter()
        if self.info is None or not painter.begin(device):
            self.status.setText(tr("ui_passview_print_failed"))
            return False
        try:
            slip.paint_slip(painter, slip.slip_rect(device), self.info)
        finally:
            painter.end()
        return True

    def retranslate(self) -> None:
        self.which_label.setText(tr("ui_passview_which"))
        self.print_button.setText(tr("ui_passview_print"))
        self.save_button.setText(tr("ui_passview_save"))
        self.copy_button.setText(tr("ui_passview_copy"))
        self.hint.setText(tr("ui_passview_hint"))
        self.load()


def ask_yes_no(parent: QWidget | None) -> Callable[[str, str], bool]:
    """The program's confirmation: a message box whose safe answer (No) is the default."""
    def confirm(title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
    return confirm
