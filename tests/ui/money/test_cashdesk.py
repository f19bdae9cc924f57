"""The cash desk: the payment dialog and the shift report, over the real ledger."""
from __future__ import annotations

from datetime import datetime

import pytest

from booking.store.changes import Changes
from booking.money import fees, ledger
from booking.schedule import bookings
from booking.store import i18n
from ui.money.cashdesk import ChargeModel, PaymentDialog, PaymentsModel, ShiftModel, ShiftReportView
from ui.desk.session import Desk


@pytest.fixture
def desk(store, clerk, now):
    return Desk(store, clerk, fixed_now=now)


@pytest.fixture
def room(store, admin, resident, now):
    """A ¥40 booking of the 200 m² room."""
    return bookings.book(store, admin, bookings.Request("R04", datetime(2026, 11, 27, 14, 0),
                                                        datetime(2026, 11, 27, 16, 0), resident.id), now)


def test_the_charge_model_is_a_proper_model(qtmodeltester, store, room):
    model = ChargeModel(fees.estimate(store, room))
    qtmodeltester.check(model)
    assert model.rowCount() == 1 and model.index(0, 2).data() == "¥40.00"


def test_the_payments_model_is_a_proper_model(qtmodeltester, store, clerk, room, now):
    ledger.pay(store, clerk, room.id, 1250, "cash", now)
    model = PaymentsModel(ledger.for_booking(store, room.id))
    qtmodeltester.check(model)
    assert model.index(0, 4).data() == "现金" and model.index(0, 5).data() == "¥12.50"


def test_the_shift_model_is_a_proper_model(qtmodeltester, store, clerk, room, now):
    ledger.pay(store, clerk, room.id, 1000, "cash", now)
    ledger.pay(store, clerk, room.id, 500, "alipay", now)
    model = ShiftModel(ledger.shift_report(store, datetime(2026, 11, 24), datetime(2026, 11, 25)))
    qtmodeltester.check(model)
    assert [model.index(r, 1).data() for r in range(2)] == ["现金", "支付宝"]


def test_the_payment_dialog_offers_what_is_due_and_records_it(qtbot, desk, store, room):
    dialog = PaymentDialog(desk, room.id)
    qtbot.addWidget(dialog)
    assert dialog.amount.text() == "40.00" and "¥40.00" in dialog.totals.text()
    with qtbot.waitSignal(desk.changed) as changed:
        dialog.submit()
    assert changed.args == [Changes(payments=True), dialog]
    assert dialog.paid is not None and dialog.paid.amount_fen == 4000
    assert ledger.account(store, room.id, desk.now()).due_fen == 0


def test_a_bad_amount_is_refused_beside_the_amount(qtbot, desk, store, room):
    dialog = PaymentDialog(desk, room.id)
    qtbot.addWidget(dialog)
    dialog.amount.setText("12.345")
    dialog.submit()
    assert dialog.paid is None and "两位小数" in dialog.messages["amount"].text()
    assert ledger.net_paid(store, room.id) == 0


def test_waiving_without_a_reason_is_refused_beside_the_reason(qtbot, desk, room):
    dialog = PaymentDialog(desk, room.id)
    qtbot.addWidget(dialog)
    dialog.method.setCurrentIndex(dialog.method.findData("waived"))
    dialog.submit()
    assert dialog.paid is None and dialog.messages["reason"].text() == "请填写原因。"


def test_the_dialog_switches_language(qtbot, desk, room):
    dialog = PaymentDialog(desk, room.id)
    qtbot.addWidget(dialog)
    i18n.set_language("en")
    desk.language_changed.emit("en")
    assert dialog.pay_button.text() == "Take payment" and dialog.method.itemText(0) == "cash"


def test_the_shift_report_shows_the_cash_to_hand_over_and_follows_new_payments(qtbot, desk, store, clerk, room):
    view = ShiftReportView(desk)
    qtbot.addWidget(view)
    assert view.shift_model.rowCount() == 0
    ledger.pay(store, clerk, room.id, 1500, "cash", desk.now())
    desk.notify(Changes(payments=True))
    assert "¥15.00" in view.totals.text() and view.entries_model.rowCount() == 1
