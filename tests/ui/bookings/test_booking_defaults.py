"""New bookings default to an ordinary space, and a space whose car has not left is never "free"
(issue 12: fast keyboard bookings used up P001, an accessible space; "可以预约" was shown for a space
with an overstaying car still in it)."""
from __future__ import annotations

from datetime import datetime

import pytest

from booking.checkin import passes, scanning
from booking.places import inventory
from booking.schedule import bookings
from booking.schedule.bookings import Request
from ui.desk.session import Desk
from test_booking_dialog import checked, open_dialog, pick


@pytest.fixture
def desk(store, admin, now):
    return Desk(store, admin, fixed_now=now)


def test_a_new_booking_defaults_to_the_first_free_ordinary_space(qtbot, desk, store):
    dialog = open_dialog(qtbot, desk)
    chosen = dialog.resource()
    assert chosen.kind == "parking" and not (chosen.accessible or chosen.ev or chosen.visitor)
    ordinary = [r.code for r in inventory.all_resources(store, "parking")
                if not (r.accessible or r.ev or r.visitor)]
    assert chosen.code == ordinary[0]


def test_the_default_skips_an_ordinary_space_taken_then(qtbot, desk, store, admin, resident, now):
    first = next(r.code for r in inventory.all_resources(store, "parking") if not (r.accessible or r.ev or r.visitor))
    dialog_times = (datetime(2026, 11, 24, 10, 0), datetime(2026, 11, 24, 12, 0))
    bookings.book(store, admin, Request(first, *dialog_times, resident.id), now)
    dialog = open_dialog(qtbot, desk, start=dialog_times[0], end=dialog_times[1])
    assert dialog.resource().code != first and not dialog.resource().accessible


def test_a_space_whose_car_is_still_there_is_not_called_free(qtbot, desk, store, admin, resident, now):
    early = bookings.book(store, admin, Request("P020", datetime(2026, 11, 24, 8, 0), datetime(2026, 11, 24, 9, 30),
                                                resident.id, plate="川A12345"), datetime(2026, 11, 24, 7, 0))
    scanning.scan(store, admin, passes.pass_text(store, early.id), now=datetime(2026, 11, 24, 8, 5))
    dialog = open_dialog(qtbot, desk, resource="P020", start=datetime(2026, 11, 24, 10, 0),
                         end=datetime(2026, 11, 24, 12, 0))
    pick(qtbot, dialog, "5678")
    checked(qtbot, dialog)
    text = dialog.check_label.text()
    assert "可以预约" not in text and "还没有离开" in text and "川A12345" in text


def test_a_new_time_moves_the_default_to_a_space_free_then(qtbot, desk, store, admin, resident, now):
    dialog = open_dialog(qtbot, desk)
    first = dialog.resource().code
    bookings.book(store, admin, Request(first, datetime(2026, 11, 24, 19, 0), datetime(2026, 11, 25, 7, 30),
                                        resident.id), now)
    dialog.choose_tonight()
    assert dialog.resource().code != first and not dialog.resource().accessible


def test_a_space_the_clerk_chose_stays_when_the_time_changes(qtbot, desk, store):
    dialog = open_dialog(qtbot, desk, resource="P001")
    dialog.choose_tonight()
    assert dialog.resource().code == "P001"
