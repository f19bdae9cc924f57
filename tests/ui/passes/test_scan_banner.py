"""The scan banner (issue 12): check-in and check-out told apart at a glance, the time of the
verdict, back to the prompt after a few seconds, and text that shrinks to its box instead of
overlapping or widening the window."""
from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QVBoxLayout, QWidget

from booking.checkin import passes
from booking.schedule import bookings
from ui.desk.session import Desk
from ui.passes.scan_panel import BLUE, GREEN, RESET_MS, ScanPanel
from test_scan_panel import banner_colour


@pytest.fixture
def desk(store, clerk, now):
    return Desk(store, clerk, fixed_now=now)


@pytest.fixture
def pass_text(store, admin, resident, now):
    booked = bookings.book(store, admin, bookings.Request(resource="P001", start=now, end=now + timedelta(hours=2),
                                                          resident_id=resident.id, plate="川A12345"), now)
    return passes.pass_text(store, booked.id)


def host_panel(qtbot, desk, width: int, height: int) -> tuple[QWidget, ScanPanel]:
    host = QWidget()
    panel = ScanPanel(desk, sound=False)
    QVBoxLayout(host).addWidget(panel)
    qtbot.addWidget(host)
    host.resize(width, height)
    host.show()
    qtbot.waitExposed(host)
    return host, panel


def test_check_in_and_check_out_differ_in_word_mark_and_colour(qtbot, desk, pass_text, now):
    _host, panel = host_panel(qtbot, desk, 600, 700)
    panel.scan(pass_text)
    check_in = (panel.banner.headline.text(), panel.banner.mark.text(), banner_colour(panel).name())
    desk.set_now(now + timedelta(minutes=30))
    panel.scan(pass_text)
    check_out = (panel.banner.headline.text(), panel.banner.mark.text(), banner_colour(panel).name())
    assert check_in == ("已签到", "→", GREEN)
    assert check_out == ("已签退", "←", BLUE)


def test_the_banner_shows_the_time_of_its_verdict(qtbot, desk, pass_text):
    _host, panel = host_panel(qtbot, desk, 600, 700)
    panel.scan(pass_text)
    assert panel.banner.time.isVisible() and "10:00:00" in panel.banner.time.text()


def test_the_banner_goes_back_to_the_prompt_after_a_few_seconds(qtbot, desk, pass_text):
    _host, panel = host_panel(qtbot, desk, 600, 700)
    panel.scan(pass_text)
    assert panel.reset_timer.isActive() and panel.reset_timer.interval() == RESET_MS
    panel.reset_timer.timeout.emit()
    assert panel.banner.headline.text() == "请扫描通行证" and panel.banner.verdict == "idle"


def test_a_long_refusal_in_a_small_banner_shrinks_and_never_overlaps_or_widens(qtbot, desk):
    host, panel = host_panel(qtbot, desk, 260, 420)
    panel.scan("1" * 45)  # unreadable: the domain's long sentence
    qtbot.wait(20)
    banner = panel.banner
    shown = [label for label in (banner.headline, banner.reason, banner.who, banner.what, banner.time)
             if label.isVisible()]
    for upper, lower in zip(shown, shown[1:]):
        assert upper.geometry().bottom() < lower.geometry().top()
    for label in shown:
        assert label.height() >= label.heightForWidth(label.width()) - 1  # every wrapped line shown
    assert host.width() == 260 and banner.minimumSizeHint().width() < 200


def test_a_repeat_is_called_the_same_in_the_banner_and_in_the_history(qtbot, desk, store, pass_text):
    from ui.bookings.details import HistoryModel
    _host, panel = host_panel(qtbot, desk, 600, 700)
    panel.scan(pass_text)
    verdict = panel.scan(pass_text)  # the same second: a repeat
    history = HistoryModel()
    history.load(store, verdict.booking.id)
    said = [history.data(history.index(row, 2)) for row in range(history.rowCount())]
    assert panel.banner.headline.text() in said
