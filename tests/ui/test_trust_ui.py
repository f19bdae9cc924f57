"""Who acts in the window, and by which clock (issue 11 items 2 and 5)."""
from __future__ import annotations

import importlib
import sys
from datetime import datetime, timedelta

import pytest

import ui.app
from booking.people import clerks
from booking.schedule import bookings
from booking.schedule.bookings import Request
from tests.ui.integration_window import make_window
from ui.desk.session import Desk

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


@pytest.fixture
def settings(tmp_path):
    from PySide6.QtCore import QSettings
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


def test_without_the_sign_in_module_the_window_does_not_start(monkeypatch, store):
    """The old fallback signed in "值班员" as an admin with no password when ui.app.signin failed to import."""
    monkeypatch.setitem(sys.modules, "ui.app.signin", None)  # as if the module were missing or broken
    monkeypatch.delattr(ui.app, "signin", raising=False)
    monkeypatch.delitem(sys.modules, "ui.app.main", raising=False)
    monkeypatch.delattr(ui.app, "main", raising=False)
    with pytest.raises(ImportError):
        main = importlib.import_module("ui.app.main")
        main._sign_in(store)  # reached only by the old scaffolding: it returned Actor("值班员", "admin")


def test_a_clerk_may_not_open_the_window_with_a_fixed_clock(store, admin, clerk):
    from ui.app.main import may_fix_clock
    assert may_fix_clock(store, admin)
    clerks.create_first_admin(store, "王主任", "admin-pass-1", now=NOW)
    assert not may_fix_clock(store, clerk)
    assert may_fix_clock(store, admin)


def test_a_new_store_lets_its_first_user_fix_the_clock(store, clerk):
    from ui.app.main import may_fix_clock
    assert may_fix_clock(store, clerk)  # nobody to ask yet: the first admin is made at the sign-in


def test_a_window_with_a_fixed_clock_ahead_never_sweeps_real_bookings_as_no_shows(qtbot, store, admin, resident,
                                                                                   settings):
    far = datetime(2099, 1, 1, 9, 0)  # later than any real clock this test meets
    booking = bookings.book(store, admin, Request("P001", far + timedelta(hours=1), far + timedelta(hours=3),
                                                  resident.id, plate="川A12345"), far)
    window = make_window(qtbot, Desk(store, admin, fixed_now=far + timedelta(days=1)), settings)
    window.minute()  # the minute's sweep, as the timer runs it
    assert bookings.get(store, booking.id).status == "booked"


def test_a_window_with_a_fixed_clock_behind_still_sweeps_by_that_clock(qtbot, store, admin, resident, settings):
    booking = bookings.book(store, admin, Request("P001", NOW + timedelta(hours=1), NOW + timedelta(hours=3),
                                                  resident.id, plate="川A12345"), NOW)
    window = make_window(qtbot, Desk(store, admin, fixed_now=NOW + timedelta(hours=2)), settings)
    window.minute()
    assert bookings.get(store, booking.id).status == "no_show"


def test_a_clerk_taking_over_a_desk_with_a_fixed_clock_gets_the_real_clock(store, admin, clerk):
    desk = Desk(store, admin, fixed_now=datetime(2099, 1, 1, 9, 0))
    desk.take_over(admin)
    assert desk.now() == datetime(2099, 1, 1, 9, 0) and desk.actor.fixed_clock is not None
    desk.take_over(clerk)
    assert desk.now() < datetime(2099, 1, 1) and desk.actor.fixed_clock is None


def test_an_admins_window_notes_its_fixed_clock_in_the_audit_log(store, admin, resident):
    from booking.store import audit
    desk = Desk(store, admin, fixed_now=NOW)
    desk.take_over(admin)
    bookings.book(store, desk.actor, Request("P001", NOW + timedelta(hours=1), NOW + timedelta(hours=3),
                                             resident.id, plate="川A12345"), desk.now())
    newest = audit.entries(store)[0]
    assert newest["action"] == "book" and "固定时钟" in newest["reason"] and newest["at"] == "2026-11-24 10:00:00"
