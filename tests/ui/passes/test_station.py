"""The self-service scan station: very large answers that go back to the prompt by themselves."""
from __future__ import annotations

from datetime import datetime, timedelta


import pytest
import qrcode
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QLineEdit

from booking.checkin import passes
from booking.places import stations
from booking.schedule import bookings
from ui.desk import language
from ui.passes.camera import CameraReader, Debounce, decode
from ui.desk.session import Desk
from ui.passes.station import ScanStation, StationChooser, pick_screen

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


@pytest.fixture
def desk(store, clerk, now):
    return Desk(store, clerk, fixed_now=now)


@pytest.fixture
def gate(store, admin):
    return stations.add(store, admin, "停车场入口", kinds=["parking"], now=NOW)


def book(store, admin, resident, now, code: str, plate: str | None = "川A12345") -> str:
    request = bookings.Request(resource=code, start=now + timedelta(hours=1), end=now + timedelta(hours=3),
                               resident_id=resident.id, plate=plate)
    return passes.pass_text(store, bookings.book(store, admin, request, now).id)


@pytest.fixture
def parking_pass(store, admin, resident, now):
    return book(store, admin, resident, now, "P001")


@pytest.fixture
def station(qtbot, desk, gate):
    window = ScanStation(desk, gate.name, reset_seconds=0.3, sound=False)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_station_starts_at_the_prompt_in_both_languages(station):
    assert station.banner.property("verdict") == "idle"
    assert station.banner.headline.text() == "请扫描通行证"
    assert station.banner.reason.text() == "Please scan your pass"


def test_the_station_shows_its_name_and_what_it_takes(station):
    assert station.footer.text() == "扫码点：停车场入口　·　接受：车位"


def test_a_scanned_pass_fills_the_screen_and_goes_back_to_the_prompt(qtbot, station, desk, parking_pass, now):
    desk.set_now(now + timedelta(minutes=45))
    station.scan(parking_pass)
    assert station.banner.property("verdict") == "ok" and station.banner.headline.text() == "已签到"
    assert station.banner.headline.font().pointSizeF() >= 60
    qtbot.waitUntil(lambda: station.banner.property("verdict") == "idle", timeout=3000)
    assert station.banner.headline.text() == "请扫描通行证"


def test_a_room_pass_is_refused_at_the_car_park(qtbot, station, store, admin, resident, now, desk):
    room_pass = book(store, admin, resident, now + timedelta(days=1), "R01", plate=None)
    desk.set_now(now + timedelta(days=1, minutes=45))
    station.scan(room_pass)
    assert station.banner.property("verdict") == "refused"
    assert "只接受车位通行证" in station.banner.reason.text()


def test_the_scanner_types_into_the_hidden_field(qtbot, station, desk, parking_pass, now):
    desk.set_now(now + timedelta(minutes=45))
    qtbot.waitUntil(station.field.hasFocus)
    qtbot.keyClicks(station.field, parking_pass)
    qtbot.keyClick(station.field, Qt.Key.Key_Return)
    assert station.banner.headline.text() == "已签到"


def test_nothing_on_the_station_can_be_edited_but_the_scan_field(station):
    editable = [w for w in station.findChildren(QLineEdit)]
    assert editable == [station.field]
    assert station.field.width() <= 1 and station.field.height() <= 1


def test_the_language_switch_changes_the_prompt(station, desk):
    language.apply("en", desk)
    assert station.banner.headline.text() == "Please scan your pass"
    assert station.banner.reason.text() == "请扫描通行证"


def test_without_a_camera_the_banner_says_so_and_the_scanner_still_works(qtbot, desk, gate, parking_pass, now):
    window = ScanStation(desk, gate.name, reset_seconds=0.2, use_camera=True, sound=False)
    qtbot.addWidget(window)
    assert window.banner.property("verdict") == "problem"
    assert "摄像头" in window.banner.reason.text() and "扫码枪" in window.banner.reason.text()
    desk.set_now(now + timedelta(minutes=45))
    window.scan(parking_pass)
    assert window.banner.headline.text() == "已签到"
    qtbot.waitUntil(lambda: window.banner.property("verdict") == "idle", timeout=3000)
    assert "摄像头" in window.banner.reason.text()  # the prompt keeps telling why there is no camera


def qr_image(text: str, box: int = 6) -> QImage:
    code = qrcode.QRCode(border=4, box_size=box)
    code.add_data(text)
    code.make()
    matrix = code.get_matrix()
    image = QImage(len(matrix) * box, len(matrix) * box, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.fillRect(x * box, y * box, box, box, QColor("black"))
    painter.end()
    return image


def test_a_camera_frame_with_a_pass_decodes_to_the_pass(parking_pass):
    frame = QImage(1920, 1080, QImage.Format.Format_RGB32)
    frame.fill(QColor("#808080"))
    painter = QPainter(frame)
    painter.drawImage(700, 300, qr_image(parking_pass))
    painter.end()
    assert decode(frame) == [parking_pass]


def test_a_camera_frame_is_scanned_once_while_the_pass_is_held_up(qtbot, parking_pass):
    reader = CameraReader(hold=30)
    seen: list[str] = []
    reader.decoded.connect(seen.append)
    for _ in range(3):
        reader.submit(qr_image(parking_pass))
        qtbot.waitUntil(lambda: not reader._busy, timeout=3000)
    assert seen == [parking_pass]
    reader.stop()


def test_a_pass_shown_again_after_a_pause_is_reported_again():
    debounce = Debounce(hold=3)
    assert [debounce.accept("1", t) for t in (0.0, 1.0, 2.0, 5.5)] == [True, False, False, True]


def test_the_chooser_remembers_the_station_and_settings(qtbot, desk, gate):
    chooser = StationChooser(desk)
    qtbot.addWidget(chooser)
    chooser.station.setCurrentIndex(chooser.station.findData(gate.name))
    chooser.reset.setValue(9)
    chooser.input.setCurrentIndex(chooser.input.findData("camera"))
    chooser.accept()
    again = StationChooser(desk)
    qtbot.addWidget(again)
    assert (again.station.currentData(), again.reset.value(), again.input.currentData()) == (gate.name, 9, "camera")


def test_one_screen_means_the_station_opens_on_it():
    assert pick_screen() is not None and pick_screen("no such screen") is pick_screen()
