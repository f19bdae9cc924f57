"""Ledger corrections in the window: an admin refunds a chosen amount with a reason from the booking's
details, and corrects an entry of the monthly statement as a new entry (confirmed); the domain refuses
what is wrong (more than was paid) and the refusal stands beside the amount; a clerk can do neither."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QSettings

from booking.money import ledger
from booking.schedule import bookings
from booking.schedule.bookings import Request
from tests.ui.integration_window import Answers, at, make_window
from ui.desk.session import Desk
from ui.money.money_views import StatementView


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def room(store, admin, resident, now):
    """Two hours of the 200 m² room on Friday, ¥40, paid in cash."""
    booking = bookings.book(store, admin, Request("R04", at("2026-11-27 14:00"), at("2026-11-27 16:00"),
                                                  resident.id), now)
    ledger.pay(store, admin, booking.id, 4000, "cash", now)
    return booking


def open_refund(qtbot, window, booking_id):
    details = window.open_details(booking_id)
    assert details.refund_amount_button.isEnabled()
    details.refund_amount_button.click()
    dialog = details.refund_dialog
    qtbot.waitUntil(dialog.isVisible)
    return details, dialog


def test_a_partial_refund_with_a_reason_is_a_ledger_entry_and_changes_paid_and_due(qtbot, store, admin, now,
                                                                                   settings, room):
    answers = Answers(True)
    window = make_window(qtbot, Desk(store, admin, fixed_now=now), settings, answers)
    details, dialog = open_refund(qtbot, window, room.id)
    assert "已付 ¥40.00" in dialog.summary.text()
    dialog.amount.setText("１５.５０元")  # typed on a Chinese keyboard: read exactly as 1550 fen
    dialog.reason.setText("空调故障，退部分场地费")
    dialog.submit()
    refund = ledger.for_booking(store, room.id)[-1]
    assert (refund.entry, refund.method, refund.amount_fen, refund.reason) == ("refund", "cash", -1550,
                                                                               "空调故障，退部分场地费")
    assert answers.asked == [f"确定为预约 {room.id} 退还 ¥15.50 吗？\n"
                             "按原付款方式退回，原因记入账目：空调故障，退部分场地费"]
    assert not dialog.isVisible()
    assert "已付 ¥24.50" in details.charge_line.text() and "待付 ¥15.50" in details.charge_line.text()
    assert refund.receipt_no in details.message.text()


def test_a_refund_the_admin_does_not_confirm_pays_nothing_back(qtbot, store, admin, now, settings, room):
    window = make_window(qtbot, Desk(store, admin, fixed_now=now), settings, Answers(False))
    _, dialog = open_refund(qtbot, window, room.id)
    dialog.amount.setText("5")
    dialog.reason.setText("空调故障")
    dialog.submit()
    assert dialog.isVisible() and ledger.net_paid(store, room.id) == 4000


def test_refunding_more_than_was_paid_is_refused_beside_the_amount(qtbot, store, admin, now, settings, room):
    window = make_window(qtbot, Desk(store, admin, fixed_now=now), settings)
    _, dialog = open_refund(qtbot, window, room.id)
    dialog.amount.setText("40.01")
    dialog.reason.setText("多退")
    dialog.submit()
    assert dialog.isVisible() and dialog.messages["amount"].isVisible()
    assert dialog.messages["amount"].text() == "最多可退 ¥40.00。"
    assert ledger.net_paid(store, room.id) == 4000


def test_a_refund_without_a_reason_is_refused_beside_the_reason(qtbot, store, admin, now, settings, room):
    window = make_window(qtbot, Desk(store, admin, fixed_now=now), settings)
    _, dialog = open_refund(qtbot, window, room.id)
    dialog.amount.setText("5")
    dialog.submit()
    assert dialog.messages["reason"].text() == "请填写原因。" and not dialog.messages["amount"].isVisible()
    assert ledger.net_paid(store, room.id) == 4000


def test_a_clerk_cannot_refund_a_chosen_amount(qtbot, store, clerk, now, settings, room):
    window = make_window(qtbot, Desk(store, clerk, fixed_now=now), settings)
    details = window.open_details(room.id)
    assert not details.refund_amount_button.isEnabled()
    assert "管理员" in details.refund_amount_button.toolTip()
    assert details.refund_amount() is None


def open_correction(qtbot, view, row=0):
    view.entries_view.selectRow(row)
    assert view.correct_button.isEnabled()
    view.correct_button.click()
    dialog = view.correct_dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_a_correction_is_a_new_entry_and_changes_the_statement_totals(qtbot, store, admin, now, settings, room):
    answers = Answers(True)
    window = make_window(qtbot, Desk(store, admin, fixed_now=now), settings, answers)
    window.act_statement.trigger()
    view = window.tool_windows["statement"].view
    assert view.statement is not None and view.statement.total.income_fen == 4000 and view.entries_model.rowCount() == 1
    (paid,) = ledger.entries(store, "2026-11")
    dialog = open_correction(qtbot, view)
    dialog.amount.setText("-2")
    dialog.reason.setText("多收2元，退回现金")
    dialog.submit()
    assert paid.receipt_no in answers.asked[0] and "-¥2.00" in answers.asked[0]
    fix = ledger.entries(store, "2026-11")[-1]
    assert (fix.entry, fix.amount_fen, fix.corrects, fix.method) == ("correction", -200, paid.id, "cash")
    assert ledger.get(store, paid.id) == paid  # the original entry stays as it was
    assert view.entries_model.rowCount() == 2 and view.chosen_entry() == fix
    assert view.statement is not None and view.statement.total.income_fen == 3800 and "¥38.00" in view.fund.text()
    assert fix.receipt_no in view.message.text()


def test_declining_the_confirmation_records_no_correction(qtbot, store, admin, now, room):
    view = StatementView(Desk(store, admin, fixed_now=now), confirm=Answers(False))
    qtbot.addWidget(view)
    dialog = open_correction(qtbot, view)
    dialog.amount.setText("5")
    dialog.reason.setText("补收")
    dialog.submit()
    assert dialog.isVisible() and len(ledger.entries(store, "2026-11")) == 1


def test_a_correction_of_nothing_is_refused_beside_the_amount_before_asking(qtbot, store, admin, now, room):
    answers = Answers(True)
    view = StatementView(Desk(store, admin, fixed_now=now), confirm=answers)
    qtbot.addWidget(view)
    dialog = open_correction(qtbot, view)
    dialog.amount.setText("0.00")
    dialog.reason.setText("试一下")
    dialog.submit()
    assert dialog.messages["amount"].text() == "更正金额不能为0。" and answers.asked == []


def test_an_entry_of_a_closed_month_is_corrected_in_the_current_month(qtbot, store, admin, now, resident):
    booking = bookings.book(store, admin, Request("R04", at("2026-11-27 18:00"), at("2026-11-27 19:00"),
                                                  resident.id), at("2026-10-20 09:00"))
    ledger.pay(store, admin, booking.id, 2000, "wechat", at("2026-10-20 09:05"))
    ledger.close_month(store, admin, "2026-10", now)
    view = StatementView(Desk(store, admin, fixed_now=now), confirm=Answers(True))
    qtbot.addWidget(view)
    view.month_edit.setDate(QDate(2026, 10, 1))
    dialog = open_correction(qtbot, view)
    assert "2026-10 已结账" in dialog.summary.text() and "2026-11" in dialog.summary.text()
    dialog.amount.setText("-5")
    dialog.reason.setText("十月多收")
    dialog.submit()
    assert ledger.statement(store, "2026-10").total.income_fen == 2000
    assert ledger.statement(store, "2026-11").total.corrections_fen == -500
    assert view.month() == "2026-11" and view.chosen_entry().entry == "correction"


def test_a_clerk_cannot_correct_an_entry(qtbot, store, clerk, now, room):
    view = StatementView(Desk(store, clerk, fixed_now=now), confirm=Answers(True))
    qtbot.addWidget(view)
    view.entries_view.selectRow(0)
    assert view.chosen_entry() is not None
    assert not view.correct_button.isEnabled() and "管理员" in view.correct_button.toolTip()
    assert view.correct_entry() is None
    assert len(ledger.entries(store, "2026-11")) == 1


def test_the_refund_and_correction_follow_a_switch_to_english(qtbot, store, admin, now, room):
    from booking.store import i18n
    from ui.bookings.details import DetailsDialog
    desk = Desk(store, admin, fixed_now=now)
    details = DetailsDialog(desk, room.id, confirm=Answers())
    view = StatementView(desk, confirm=Answers())
    qtbot.addWidget(details)
    qtbot.addWidget(view)
    dialog = open_correction(qtbot, view)
    i18n.set_language("en")
    desk.language_changed.emit("en")
    assert details.refund_amount_button.text() == "Refund an a&mount…"
    assert view.correct_button.text() == "C&orrect…"
    assert dialog.ok_button.text() == "Record the correction" and "current month, 2026-11" in dialog.summary.text()
