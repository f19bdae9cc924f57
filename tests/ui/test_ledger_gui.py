"""Ledger corrections in the window: an admin refunds a chosen amount with a reason from the booking's
details, and corrects an entry of the monthly statement as a new entry (confirmed); the domain refuses
what is wrong (more than was paid) and the refusal stands beside the amount; a clerk can do neither."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from booking import bookings, ledger
from booking.bookings import Request
from integration_window import Answers, at, make_window
from ui.desk import Desk


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
    window = make_window(qtbot, Desk(store, admin, fixed_now=now), settings)
    details, dialog = open_refund(qtbot, window, room.id)
    assert "已付 ¥40.00" in dialog.summary.text()
    dialog.amount.setText("１５.５０元")  # typed on a Chinese keyboard: read exactly as 1550 fen
    dialog.reason.setText("空调故障，退部分场地费")
    dialog.submit()
    refund = ledger.for_booking(store, room.id)[-1]
    assert (refund.entry, refund.method, refund.amount_fen, refund.reason) == ("refund", "cash", -1550,
                                                                               "空调故障，退部分场地费")
    assert not dialog.isVisible()
    assert "已付 ¥24.50" in details.charge_line.text() and "待付 ¥15.50" in details.charge_line.text()
    assert refund.receipt_no in details.message.text()


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
