"""A pass scanned while the keyboard focus is elsewhere is still a scan (ui/passes/scancatcher.py).

A USB scanner types the pass's digits at 5–60 ms a key, then Enter, into whatever has the
focus. These tests type it the same way (5 ms a key) into the find box, a filter and an open
dialog, and slowly by hand."""
from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from booking.checkin import passes
from booking.schedule import bookings
from ui.desk.session import Desk
from tests.ui.integration_window import make_window

SCANNER_MS = 5  # a scanner's pace between keys
HAND_MS = 160   # a quick clerk typing digits


@pytest.fixture
def desk(store, admin, now):
    return Desk(store, admin, fixed_now=now)


@pytest.fixture
def window(qtbot, desk, tmp_path):
    return make_window(qtbot, desk, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def booked(store, admin, resident, now):
    return bookings.book(store, admin, bookings.Request(resource="P003", start=now, end=now + timedelta(hours=2),
                                                        resident_id=resident.id, plate="川A12345"), now)


@pytest.fixture
def pass_text(store, booked):
    return passes.pass_text(store, booked.id)


def burst(qtbot, widget, text: str, delay: int = SCANNER_MS) -> None:
    qtbot.keyClicks(widget, text, delay=delay)
    qtbot.keyClick(widget, Qt.Key.Key_Return, delay=delay)


def status(store, booking_id: int) -> str:
    return bookings.get(store, booking_id).status


def test_a_pass_scanned_into_the_find_box_checks_in_and_leaves_the_find_box_as_it_was(
        qtbot, window, store, booked, pass_text):
    find = window.board.find_edit
    find.setText("P00")
    find.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is find)
    shown_before = window.board.proxy.rowCount()
    burst(qtbot, find, pass_text)
    assert status(store, booked.id) == "checked_in"
    assert find.text() == "P00"
    assert window.board.proxy.rowCount() == shown_before
    assert window.scan_panel.banner.headline.text() == "已签到"
    assert QApplication.focusWidget() is find  # the clerk's cursor stays where it was


def test_a_pass_scanned_while_a_filter_has_the_focus_checks_in(qtbot, window, store, booked, pass_text):
    kind = window.board.kind_box
    index = kind.currentIndex()
    kind.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is kind)
    burst(qtbot, kind, pass_text)
    assert status(store, booked.id) == "checked_in"
    assert kind.currentIndex() == index


def test_a_pass_scanned_into_an_open_dialog_is_answered_and_never_left_as_digits(
        qtbot, window, store, booked, pass_text):
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.booking_dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.find_edit)
    burst(qtbot, dialog.find_edit, pass_text)
    assert status(store, booked.id) == "checked_in"
    assert dialog.find_edit.text() == ""
    assert dialog.isVisible()
    assert window.scan_panel.banner.headline.text() == "已签到"


def test_digits_typed_by_hand_into_the_find_box_stay_there(qtbot, window, store, booked, pass_text):
    find = window.board.find_edit
    find.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is find)
    qtbot.keyClicks(find, "5678", delay=HAND_MS)
    qtbot.waitUntil(lambda: find.text() == "5678")
    assert status(store, booked.id) == "booked"


def test_a_short_number_typed_fast_is_given_back_in_order(qtbot, window, store, booked):
    find = window.board.find_edit
    find.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is find)
    qtbot.keyClicks(find, "13812345678", delay=SCANNER_MS)
    qtbot.keyClick(find, Qt.Key.Key_Return)
    assert find.text() == "13812345678"
    assert status(store, booked.id) == "booked"


def test_a_pass_typed_by_hand_into_the_scan_field_still_scans(qtbot, window, store, booked, pass_text):
    field = window.scan_panel.field
    field.setFocus()
    qtbot.keyClicks(field, pass_text, delay=20)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert status(store, booked.id) == "checked_in"
