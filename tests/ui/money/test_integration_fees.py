"""Fees reachable from the desk window: pay from the booking's details, see it in the ledger and the
shift report, print its receipt, refund a cancellation by the rules, the month's statement (admin
only) and time-bank credits."""
from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import QDate, QSettings

from booking.money import credits, ledger
from booking.schedule import bookings
from booking.schedule.bookings import Request
from tests.ui.integration_window import Answers, at, make_window
from ui.desk.session import Desk
from ui.money.money_views import CreditHistoryModel, CreditsView, StatementModel, StatementView


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def room(store, admin, resident, now):
    """Two hours of the 200 m² room on Friday: ¥40."""
    return bookings.book(store, admin, Request("R04", at("2026-11-27 14:00"), at("2026-11-27 16:00"), resident.id), now)


def pay_from_details(qtbot, window, booking_id):
    details = window.open_details(booking_id)
    details.pay_button.click()
    payment = details.payment_dialog
    qtbot.waitUntil(payment.isVisible)
    payment.submit()
    return details, payment


def test_a_payment_taken_from_the_details_dialog_is_in_the_ledger(qtbot, store, clerk, now, settings, room):
    window = make_window(qtbot, Desk(store, clerk, fixed_now=now), settings)
    details = window.open_details(room.id)
    assert "应收 ¥40.00" in details.charge_line.text() and "待付 ¥40.00" in details.charge_line.text()
    details, payment = pay_from_details(qtbot, window, room.id)
    (entry,) = ledger.for_booking(store, room.id)
    assert (entry.amount_fen, entry.method, entry.clerk) == (4000, "cash", clerk.name)
    assert "已付 ¥40.00" in details.charge_line.text() and "待付 ¥0.00" in details.charge_line.text()
    assert not details.pay_button.isEnabled() and details.pay_button.toolTip() == "没有待付金额。"
    assert entry.receipt_no in details.message.text()


def test_the_receipt_opens_after_payment_and_saves_as_a_pdf(qtbot, store, admin, now, settings, room, tmp_path):
    window = make_window(qtbot, Desk(store, admin, fixed_now=now), settings)
    details, _ = pay_from_details(qtbot, window, room.id)
    receipt = details.receipt_dialog
    assert receipt is not None and receipt.isVisible()
    (entry,) = ledger.for_booking(store, room.id)
    assert entry.receipt_no in receipt.windowTitle()
    saved = receipt.save_pdf(tmp_path / "receipt.pdf")
    text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True, check=True).stdout
    assert entry.receipt_no in text and "肆拾元整" in text and "张*丰" in text and "张三丰" not in text


def test_the_shift_report_from_the_menu_shows_the_payment_and_the_cash_to_hand_over(qtbot, store, clerk, now,
                                                                                     settings, room):
    window = make_window(qtbot, Desk(store, clerk, fixed_now=now), settings)
    pay_from_details(qtbot, window, room.id)
    window.act_shift.trigger()
    report = window.tool_windows["shift"].view
    assert report.report is not None and report.report.cash_fen == 4000
    assert "应交现金 ¥40.00" in report.totals.text()
    assert report.entries_model.rowCount() == 1


def test_a_cancelled_booking_is_refunded_by_the_rules_after_confirming(qtbot, store, clerk, now, settings, room):
    answers = Answers(True, True)  # cancel the booking; refund it
    window = make_window(qtbot, Desk(store, clerk, fixed_now=now), settings, answers)
    details, _ = pay_from_details(qtbot, window, room.id)
    assert not details.refund_button.isEnabled()
    assert details.cancel_booking()
    assert details.refund_button.isEnabled() and "100%" in details.refund_button.toolTip()
    assert details.refund()
    assert "¥40.00" in answers.asked[-1]
    assert ledger.net_paid(store, room.id) == 0
    assert not details.refund_button.isEnabled()


def test_the_statement_is_disabled_for_a_clerk_with_the_reason(qtbot, store, clerk, now, settings):
    window = make_window(qtbot, Desk(store, clerk, fixed_now=now), settings)
    assert not window.act_statement.isEnabled()
    assert "管理员" in window.act_statement.toolTip()
    assert window.open_statement() is None


def test_a_clerk_cannot_close_a_month(qtbot, store, clerk, now):
    view = StatementView(Desk(store, clerk, fixed_now=now), confirm=Answers(True))
    qtbot.addWidget(view)
    view.month_edit.setDate(QDate(2026, 10, 1))
    assert not view.close_button.isEnabled() and "管理员" in view.close_button.toolTip()
    assert not view.close_month()
    assert not ledger.is_closed(store, "2026-10")
    assert view.message.text() == "只有管理员可以结账。"


def test_an_admin_closes_a_finished_month_after_confirming(qtbot, store, admin, now, settings):
    answers = Answers(True)
    window = make_window(qtbot, Desk(store, admin, fixed_now=now), settings, answers)
    window.act_statement.trigger()
    view = window.tool_windows["statement"].view
    view.month_edit.setDate(QDate(2026, 10, 1))
    assert view.close_month()
    assert ledger.is_closed(store, "2026-10") and "2026-10" in answers.asked[0]
    assert "已结账" in view.state.text() and not view.close_button.isEnabled()


def test_the_statement_shows_the_welfare_fund_and_exports_csv(qtbot, store, admin, now, room, tmp_path):
    ledger.pay(store, admin, room.id, 4000, "wechat", now)
    view = StatementView(Desk(store, admin, fixed_now=now), confirm=Answers())
    qtbot.addWidget(view)
    assert "¥40.00" in view.fund.text()
    path = view.export_csv(str(tmp_path / "ledger.csv"))
    assert path is not None and "¥" not in path.read_text(encoding="utf-8-sig")
    assert "40.00" in path.read_text(encoding="utf-8-sig")


def test_the_statement_model_is_a_proper_model(qtmodeltester, store, admin, now, room):
    ledger.pay(store, admin, room.id, 4000, "cash", now)
    model = StatementModel()
    model.set_statement(ledger.statement(store, "2026-11"))
    qtmodeltester.check(model)
    assert model.index(model.rowCount() - 1, len(StatementModel.COLUMNS) - 1).data() == "¥40.00"


def test_the_time_bank_adds_hours_and_redeems_them_for_a_booking(qtbot, store, admin, now, room, settings):
    window = make_window(qtbot, Desk(store, admin, fixed_now=now), settings)
    window.act_credits.trigger()
    view: CreditsView = window.tool_windows["credits"].view
    view.find_edit.setText("5678")
    assert view.chosen is not None and view.chosen.name == "张三丰"
    view.hours_edit.setText("2")
    view.team_edit.setText("红袖标巡逻队")
    view.activity_edit.setText("夜间巡逻")
    view.approved_edit.setText("王队长")
    assert view.add_hours() is not None
    assert "余额 2 小时" in view.balance.text()
    view.booking_spin.setValue(room.id)
    result = view.redeem()
    assert result is not None and result.value_fen == 2000  # 2 h at ¥10 an hour
    assert ledger.account(store, room.id, now).due_fen == 2000
    assert credits.balance(store, view.chosen.id) == 0 and view.history.rowCount() == 2


def test_hours_the_time_bank_refuses_are_refused_beside_the_hours(qtbot, store, admin, now, resident):
    view = CreditsView(Desk(store, admin, fixed_now=now))
    qtbot.addWidget(view)
    view.choose(resident)
    view.hours_edit.setText("2")
    view.team_edit.setText("红袖标巡逻队")
    view.activity_edit.setText("夜间巡逻")
    assert view.add_hours() is None
    assert view.add_messages.messages["approved_by"].isVisibleTo(view)
    assert not view.add_messages.messages["hours"].isVisibleTo(view)
    view.approved_edit.setText("王队长")
    view.hours_edit.setText("两小时")
    assert view.add_hours() is None
    assert view.add_messages.messages["hours"].isVisibleTo(view) and view.add_messages.messages["hours"].text()
    assert credits.balance(store, resident.id) == 0


def test_a_clerk_may_redeem_but_not_add_hours(qtbot, store, clerk, now, resident):
    view = CreditsView(Desk(store, clerk, fixed_now=now))
    qtbot.addWidget(view)
    view.choose(resident)
    assert not view.add_box.isEnabled() and "管理员" in view.add_box.toolTip()
    assert view.redeem_box.isEnabled()


def test_the_credit_history_model_is_a_proper_model(qtmodeltester, store, admin, now, resident):
    credits.earn(store, admin, resident.id, 90, "志愿服务队", "助老", "王队长", now)
    model = CreditHistoryModel()
    model.set_history(credits.history(store, resident.id))
    qtmodeltester.check(model)
    assert model.index(0, 2).data() == "1.5"


def test_the_new_menus_and_the_charge_follow_a_switch_to_english(qtbot, store, admin, now, settings, room):
    from booking.store import i18n
    desk = Desk(store, admin, fixed_now=now)
    window = make_window(qtbot, desk, settings)
    details = window.open_details(room.id)
    i18n.set_language("en")
    desk.language_changed.emit("en")
    assert window.menu_money.title() == "Mone&y" and window.menu_reports.title() == "&Reports"
    assert window.act_waitlist.text() == "&Waitlist…"
    assert details.pay_button.text() == "&Take payment…" and "charge ¥40.00" in details.charge_line.text()
