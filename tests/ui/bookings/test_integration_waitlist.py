"""The waitlist reachable from the desk window: join it from the booking dialog when every space is
taken, a cancellation is offered on the minute's tick, the status bar says whom to call, and the
waitlist view books the accepted offer or withdraws the household."""
from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QSettings

from booking.places import inventory
from booking.schedule import bookings, waitlist
from booking.schedule.bookings import Request
from tests.ui.integration_window import Answers, at, make_window
from ui.desk.session import Desk
from ui.bookings.waitlist import WaitlistModel, WaitlistView

TONIGHT = (at("2026-11-24 19:00"), at("2026-11-25 07:30"))


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def desk(store, clerk, now):
    return Desk(store, clerk, fixed_now=now)


@pytest.fixture
def full_tonight(store, admin, resident, neighbour, now):
    """Only P001 is open for parking (the rest disabled), and the neighbour has it tonight; 张三丰 asks."""
    with store.write():
        for space in inventory.all_resources(store, "parking"):
            if space.code != "P001":
                inventory.set_enabled(store, admin, space.code, False, now=now)
    return bookings.book(store, admin, Request("P001", *TONIGHT, neighbour.id), now)


def ask_tonight(qtbot, window, code="P001"):
    """The booking dialog for tonight with 张三丰 chosen and the live check done."""
    dialog = window.new_booking(code, *TONIGHT)
    dialog.find_edit.setText("5678")
    dialog.pick_current()
    with qtbot.waitSignal(dialog.checked):
        pass
    return dialog


def test_the_booking_dialog_offers_the_waitlist_when_every_space_is_taken(qtbot, desk, settings, full_tonight):
    window = make_window(qtbot, desk, settings)
    dialog = ask_tonight(qtbot, window)
    button = window.join_waitlist.button
    assert button.isVisible() and button.text() == "加入候补(&W)"
    assert not dialog.save_button.isEnabled()


def test_the_waitlist_is_not_offered_while_a_space_is_free(qtbot, desk, settings, store, resident):
    window = make_window(qtbot, desk, settings)
    ask_tonight(qtbot, window)
    assert not window.join_waitlist.button.isVisible()


def test_joining_from_the_booking_dialog_puts_the_household_on_the_waitlist(qtbot, desk, settings, store,
                                                                           full_tonight):
    window = make_window(qtbot, desk, settings)
    dialog = ask_tonight(qtbot, window)
    window.join_waitlist.button.click()
    (entry,) = waitlist.entries(store)
    assert (entry.door, entry.kind, entry.resource, entry.start, entry.end) == (
        "3栋2单元501", "parking", None, *TONIGHT)
    assert entry.plate == "川A12345"
    assert not dialog.isVisible()
    assert "登记号 %d" % entry.id in window.statusBar().currentMessage()


def test_a_cancellation_is_offered_on_the_minute_and_the_status_bar_says_whom_to_call(
        qtbot, desk, settings, store, now, full_tonight):
    window = make_window(qtbot, desk, settings, Answers(True))  # yes, cancel the neighbour's booking
    ask_tonight(qtbot, window)
    window.join_waitlist.button.click()
    assert window.waitlist_button.isHidden()
    assert window.open_details(full_tonight.id).cancel_booking()
    desk.set_now(now + timedelta(minutes=1))
    window.sweep_timer.timeout.emit()  # the minute's tick
    assert not window.waitlist_button.isHidden()
    assert window.waitlist_button.text() == "候补：1 户待联系"
    assert "13812345678" in window.waitlist_button.toolTip()
    message = window.statusBar().currentMessage()
    assert "13812345678" in message and "3栋2单元501" in message and "P001" in message


def test_the_waitlist_view_books_an_accepted_offer_and_shows_its_pass(qtbot, desk, settings, store, admin, now,
                                                                    full_tonight):
    window = make_window(qtbot, desk, settings)
    ask_tonight(qtbot, window)
    window.join_waitlist.button.click()
    bookings.cancel(store, admin, full_tonight.id, now=now)
    window.minute()
    window.act_waitlist.trigger()
    view: WaitlistView = window.tool_windows["waitlist"].view
    assert view.model.rowCount() == 1
    assert view.model.index(0, 4).data() == "13812345678"  # offered: the full number, to dial
    assert "13812345678" in view.calls.text()
    view.view.selectRow(0)
    booking = view.accept_offer()
    assert booking is not None and (booking.resource, booking.door) == ("P001", "3栋2单元501")
    assert window.pass_dialog is not None and window.pass_dialog.booking_id() == booking.id
    assert view.model.rowCount() == 0 and window.waitlist_button.isHidden()


def test_a_waiting_household_is_masked_and_can_be_withdrawn_after_confirming(qtbot, store, clerk, resident, now,
                                                                            full_tonight):
    entry = waitlist.join(store, clerk, resident.id, *TONIGHT, now, kind="parking")
    answers = Answers(True)
    view = WaitlistView(Desk(store, clerk, fixed_now=now), answers)
    qtbot.addWidget(view)
    assert view.model.index(0, 4).data() == "138****5678"
    view.view.selectRow(0)
    assert not view.accept_button.isEnabled()
    assert view.withdraw()
    assert waitlist.get(store, entry.id).status == "withdrawn" and view.model.rowCount() == 0
    assert "3栋2单元501" in answers.asked[0]


def test_a_taken_room_is_waited_for_itself(qtbot, desk, settings, store, admin, resident, neighbour, now):
    bookings.book(store, admin, Request("R04", at("2026-11-27 14:00"), at("2026-11-27 16:00"), neighbour.id), now)
    window = make_window(qtbot, desk, settings)
    dialog = window.new_booking("R04", at("2026-11-27 14:00"), at("2026-11-27 16:00"))
    dialog.find_edit.setText("5678")
    dialog.pick_current()
    with qtbot.waitSignal(dialog.checked):
        pass
    window.join_waitlist.button.click()
    (entry,) = waitlist.entries(store)
    assert (entry.kind, entry.resource) == ("room", "R04")


def test_the_waitlist_model_is_a_proper_model(qtmodeltester, store, clerk, resident, neighbour, admin, now,
                                              full_tonight):
    waitlist.join(store, clerk, resident.id, *TONIGHT, now, kind="parking")
    bookings.cancel(store, admin, full_tonight.id, now=now)
    waitlist.process(store, now)
    model = WaitlistModel()
    model.load(store)
    qtmodeltester.check(model)
    assert model.index(0, 1).data() == "待确认"
