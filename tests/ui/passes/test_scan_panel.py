"""The scan panel: a scanned pass gives a big green or red answer, and the field stays ready."""
from __future__ import annotations

from datetime import datetime, timedelta


import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget

from booking.store.changes import Changes
from booking.checkin import passes
from booking.schedule import bookings
from ui.desk import language
from ui.desk.session import Desk
from ui.passes.scan_panel import GREEN, RED, RecentScansModel, ScanPanel

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


@pytest.fixture
def desk(store, clerk, now):
    return Desk(store, clerk, fixed_now=now)


@pytest.fixture
def booked(store, admin, resident, now):
    """P001 for 张三丰 from now for two hours."""
    return bookings.book(store, admin, bookings.Request(resource="P001", start=now, end=now + timedelta(hours=2),
                                                        resident_id=resident.id, plate="川A12345"), now)


@pytest.fixture
def pass_text(store, booked):
    return passes.pass_text(store, booked.id)


@pytest.fixture
def panel(qtbot, desk):
    host = QWidget()
    layout = QVBoxLayout(host)
    host.other = QPushButton("other", host)
    layout.addWidget(host.other)
    shown = ScanPanel(desk, sound=False)
    layout.addWidget(shown)
    qtbot.addWidget(host)
    host.resize(700, 700)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    return shown


def banner_colour(panel: ScanPanel) -> QColor:
    image = panel.banner.grab().toImage()
    return image.pixelColor(image.width() // 2, 3)


def scan_by_keyboard(qtbot, panel: ScanPanel, text: str) -> None:
    qtbot.keyClicks(panel.field, text)
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)


def test_a_valid_pass_checks_in_with_a_green_banner(qtbot, panel, pass_text):
    scan_by_keyboard(qtbot, panel, pass_text)
    assert panel.banner.property("verdict") == "ok"
    assert panel.banner.headline.text() == "已签到"
    assert banner_colour(panel) == QColor(GREEN)


def test_the_banner_names_the_resident_masked_with_door_plate_and_space(qtbot, panel, pass_text):
    scan_by_keyboard(qtbot, panel, pass_text)
    assert panel.banner.who.text() == "张*丰  ·  3栋2单元501  ·  川A12345"
    assert panel.banner.what.text() == "共享车位 P001  ·  10:00 – 12:00"
    assert "张三丰" not in panel.banner.accessibleName()


def test_the_next_scan_checks_out(qtbot, panel, desk, pass_text, now):
    panel.scan(pass_text)
    desk.set_now(now + timedelta(minutes=50))
    panel.scan(pass_text)
    assert panel.banner.headline.text() == "已签退" and panel.banner.property("verdict") == "ok"
    assert not panel.banner.reason.isVisible()  # a plain yes: the headline says it


def test_a_late_check_out_says_how_late(qtbot, panel, desk, pass_text, now):
    panel.scan(pass_text)
    desk.set_now(now + timedelta(hours=2, minutes=25))
    panel.scan(pass_text)
    assert panel.banner.headline.text() == "已签退" and "超时 25 分钟" in panel.banner.reason.text()


def test_an_altered_pass_is_refused_with_a_red_banner_and_the_reason(qtbot, panel, pass_text):
    altered = pass_text[:20] + str((int(pass_text[20]) + 1) % 10) + pass_text[21:]
    scan_by_keyboard(qtbot, panel, altered)
    assert panel.banner.property("verdict") == "refused"
    assert panel.banner.headline.text() == "不能通过"
    assert "无法读取" in panel.banner.reason.text()  # the check digit catches a one-digit change
    assert banner_colour(panel) == QColor(RED)


def test_a_cancelled_pass_is_refused_saying_so(qtbot, panel, store, admin, booked, pass_text):
    bookings.cancel(store, admin, booked.id, now=NOW)
    panel.scan(pass_text)
    assert panel.banner.property("verdict") == "refused"
    assert "已取消" in panel.banner.reason.text()


def test_a_repeat_within_seconds_is_not_toggled(qtbot, panel, pass_text):
    panel.scan(pass_text)
    panel.scan(pass_text)  # the desk's clock is fixed: the same second
    assert panel.banner.property("verdict") == "repeat"
    assert panel.banner.headline.text() == "重复扫描"


def test_focus_returns_to_the_scan_field_after_a_scan(qtbot, panel, pass_text):
    panel.window().other.setFocus()
    qtbot.waitUntil(lambda: panel.window().other.hasFocus())
    panel.scan(pass_text)
    qtbot.waitUntil(panel.field.hasFocus)


def test_focus_returns_to_the_scan_field_when_the_window_is_activated(qtbot, panel):
    panel.window().other.setFocus()
    qtbot.waitUntil(lambda: panel.window().other.hasFocus())
    QApplication.sendEvent(panel.window(), QEvent(QEvent.Type.WindowActivate))
    qtbot.waitUntil(panel.field.hasFocus)


def test_activation_does_not_take_the_keyboard_from_a_field_being_typed_in(qtbot, panel):
    search = QLineEdit(panel.window())
    panel.window().layout().addWidget(search)
    search.show()
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    QApplication.sendEvent(panel.window(), QEvent(QEvent.Type.WindowActivate))
    assert search.hasFocus()


def test_the_scan_field_has_the_input_method_off(qtbot, panel):
    qtbot.waitUntil(panel.field.hasFocus)
    assert not panel.field.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert panel.field.inputMethodHints() & Qt.InputMethodHint.ImhDigitsOnly


def test_full_width_digits_from_an_input_method_are_accepted(qtbot, panel, pass_text):
    panel.scan(pass_text.translate(str.maketrans("0123456789", "０１２３４５６７８９")))
    assert panel.banner.headline.text() == "已签到"


def test_a_scan_announces_scan_and_booking(qtbot, panel, desk, pass_text):
    with qtbot.waitSignal(desk.changed) as announced:
        panel.scan(pass_text)
    assert announced.args == [Changes(scans=True, bookings=True), panel]  # the verdict says what it changed


def test_the_last_scans_are_listed_newest_first(qtbot, panel, desk, pass_text, now):
    panel.scan("12345")
    desk.set_now(now + timedelta(minutes=1))
    panel.scan(pass_text)
    model = panel.model
    assert model.rowCount() == 2
    assert model.index(0, 1).data() == "✔ 签到" and model.index(0, 2).data() == "P001"
    assert model.index(1, 1).data() == "✘ 拒绝"


def test_the_recent_scans_model_is_a_proper_model(qtmodeltester, store, admin, pass_text, now):
    from booking.checkin import scanning
    scanning.scan(store, admin, pass_text, "desk", now=now)
    scanning.scan(store, admin, "forged", "desk", now=now + timedelta(minutes=1))
    qtmodeltester.check(RecentScansModel(store))


def test_the_language_switch_retranslates_the_banner(qtbot, panel, desk, pass_text):
    panel.scan(pass_text)
    language.apply("en", desk)
    assert panel.banner.headline.text() == "Checked in"
    assert "Parking" in panel.banner.what.text() or "P001" in panel.banner.what.text()
    assert panel.title.text() == "Scan"
