"""The scan list, a booking's history and the audit view show what was recorded in one language in
the language in use (issue 12, "Mixed languages"): record at a Chinese desk, read at an English one,
and the reverse."""
from __future__ import annotations

from datetime import datetime

import pytest

from booking.checkin import passes, scanning
from booking.schedule import bookings
from booking.schedule.bookings import Request
from booking.store.i18n import set_language
from ui.office.admin_models import AuditModel
from ui.bookings.details import HistoryModel
from ui.passes.scan_panel import RecentScansModel

NOW = datetime(2026, 11, 24, 10, 0)
IN_ZH = "签到成功：P001 川A12345，19:00–11月25日 07:30。"
IN_EN = "Checked in: P001 川A12345, 19:00–11/25 07:30."


@pytest.fixture
def checked_in(store, admin, resident):
    booked = bookings.book(store, admin, Request("P001", datetime(2026, 11, 24, 19, 0),
                                                 datetime(2026, 11, 25, 7, 30), resident.id), NOW)
    return booked, passes.pass_text(store, booked.id)


def record(store, admin, checked_in, language: str) -> int:
    booked, text = checked_in
    set_language(language)
    scanning.scan(store, admin, text, "desk", now=datetime(2026, 11, 24, 18, 45))
    return booked.id


def column(model, name: str) -> list[str]:
    at = model.COLUMNS.index(name)
    return [model.index(row, at).data() for row in range(model.rowCount())]


@pytest.mark.parametrize(("recorded", "shown", "expected"), [("zh", "en", IN_EN), ("en", "zh", IN_ZH)])
def test_the_scan_list_shows_a_reason_in_the_language_in_use(qapp, store, admin, checked_in, recorded, shown,
                                                             expected):
    record(store, admin, checked_in, recorded)
    set_language(shown)
    model = RecentScansModel(store, now=lambda: NOW)
    assert column(model, "uis_scan_col_reason") == [expected]


@pytest.mark.parametrize(("recorded", "shown", "expected"), [("zh", "en", IN_EN), ("en", "zh", IN_ZH)])
def test_the_history_shows_the_scan_and_the_check_in_in_the_language_in_use(qapp, store, admin, checked_in,
                                                                           recorded, shown, expected):
    booking_id = record(store, admin, checked_in, recorded)
    set_language(shown)
    model = HistoryModel()
    model.load(store, booking_id)
    notes = [model.index(row, 3).data() for row in range(model.rowCount())]
    assert notes.count(expected) == 2  # the scan, and the check-in it made in the audit log


@pytest.mark.parametrize(("recorded", "shown", "expected"), [("zh", "en", IN_EN), ("en", "zh", IN_ZH)])
def test_the_audit_view_shows_the_check_in_in_the_language_in_use(qapp, store, admin, checked_in, recorded,
                                                                  shown, expected):
    record(store, admin, checked_in, recorded)
    set_language(shown)
    assert column(AuditModel(store), "uis_col_reason")[0] == expected
