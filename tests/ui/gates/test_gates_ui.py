"""The gates in the window: cars arrive live from the server's thread, with the photo and the clerk's choices."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSettings, Qt
from PySide6.QtGui import QColor, QImage

from booking.gatehouse import gates
from booking.places import stations
from booking.schedule import bookings
from booking.store import audit
from booking.schedule.bookings import Request
from tests.ui.integration_window import make_window
from tests.booking.gatehouse.gate_sim import Vzenith
from ui.desk.session import Desk
from ui.gates.panel import GateEventsModel, GateHost, GatePanel
from ui.passes.scan_panel import ScanPanel

IN_TIME = datetime(2026, 11, 24, 18, 45)
NOW = datetime(2026, 11, 24, 10, 0)  # when the office set things up


def jpeg() -> bytes:
    image = QImage(64, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPG")
    return bytes(data.data())


@pytest.fixture
def desk(store, admin):
    return Desk(store, admin, fixed_now=IN_TIME)


@pytest.fixture
def tonight(store, admin, resident, now):
    return bookings.book(store, admin, Request("P001", datetime(2026, 11, 24, 19, 0), datetime(2026, 11, 25, 7, 30),
                                               resident.id), now)


@pytest.fixture
def gate(store, admin):
    return stations.add(store, admin, "东门入口", gate="vzenith", camera="VZ-IN-01", camera_address="127.0.0.1",
                        mode="in", now=NOW)


@pytest.fixture
def host(desk, gate):
    served = GateHost(desk)
    address = served.start("127.0.0.1:0", lambda: IN_TIME)
    yield served, Vzenith("http://" + address, "VZ-IN-01")
    served.stop()


@pytest.fixture
def panel(qtbot, desk, gate):
    answers: list[str] = []
    widget = GatePanel(desk, ask_reason=lambda prompt: answers.pop(0) if answers else None)
    widget.answers = answers
    qtbot.addWidget(widget)
    widget.resize(500, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_events_model_passes_qt_checks(qtmodeltester, store, desk, gate, tonight):
    gates.handle(store, gate, gates.PlateRead("VZ-IN-01", "1", "川B99999", IN_TIME), IN_TIME)
    qtmodeltester.check(GateEventsModel(store))


def test_a_car_read_by_the_camera_appears_live_with_its_photo(qtbot, panel, host, tonight):
    _, camera = host
    assert camera.plate("川A12345", IN_TIME, image=jpeg()).json["Response_AlarmInfoPlate"]["info"] == "ok"
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert panel.model.index(0, 2).data() == "川A12345"
    assert panel.model.index(0, 3).data() == "开闸"
    assert not panel.photo.pixmap().isNull()


def test_the_scan_list_of_the_desk_shows_the_gate_decision(qtbot, store, desk, host, tonight):
    scans = ScanPanel(desk, sound=False)
    qtbot.addWidget(scans)
    _, camera = host
    camera.plate("川B99999", IN_TIME)
    qtbot.waitUntil(lambda: scans.model.rowCount() == 1)


def test_f8_lets_a_refused_car_in_with_the_reason_audited(qtbot, store, desk, panel, gate, tonight):
    desk.set_now(datetime(2026, 11, 24, 17, 0))
    gates.handle(store, gate, gates.PlateRead("VZ-IN-01", "1", "川A12345", desk.now()), desk.now())
    panel.refresh()
    panel.answers.extend(["", "住户提前回家，已核实"])  # an empty reason is asked again
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_F8)
    assert bookings.get(store, tonight.id).status == "checked_in"
    entry = [e for e in audit.entries(store, "gate_event") if e["action"] == "let_in"][0]
    assert entry["reason"] == "住户提前回家，已核实"


def test_f9_asks_for_a_visitor_space_for_the_refused_plate(qtbot, store, panel, gate):
    gates.handle(store, gate, gates.PlateRead("VZ-IN-01", "1", "川B99999", IN_TIME), IN_TIME)
    panel.refresh()
    with qtbot.waitSignal(panel.book_visitor_requested) as asked:
        panel.table.setFocus()
        qtbot.keyClick(panel.table, Qt.Key.Key_F9)
    assert asked.args == ["川B99999"]


def test_an_opened_car_offers_no_let_in(store, panel, gate, tonight):
    gates.handle(store, gate, gates.PlateRead("VZ-IN-01", "1", "川A12345", IN_TIME), IN_TIME)
    panel.refresh()
    assert not panel.let_in_button.isEnabled() and panel.let_in() is None


def test_the_window_shows_the_gates_and_books_a_visitor_from_them(qtbot, tmp_path, store, desk, gate):
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = make_window(qtbot, desk, settings)
    assert window.gates is not None and window.gates.dock.widget() is window.gates.panel
    dialog = window.gates.book_visitor("川B99999")
    assert dialog.visitor_box.isChecked() and dialog.plate_box.currentText() == "川B99999"
    dialog.reject()


def test_a_vzenith_gate_is_set_up_in_the_window_with_the_ip_it_is_bound_to(qtbot, store, desk):
    from ui.office.settings import StationDialog
    dialog = StationDialog(desk)
    qtbot.addWidget(dialog)
    dialog.fields["name"].setText("东门出口")
    dialog.fields["mode"].setCurrentIndex(dialog.fields["mode"].findData("out"))
    dialog.fields["gate"].setCurrentIndex(dialog.fields["gate"].findData("vzenith"))
    dialog.fields["camera"].setText("VZ-OUT-01")
    dialog.submit()  # no address: refused next to the address field
    assert dialog.messages["camera_address"].text().startswith("臻识相机需要填写它的固定 IP 地址")
    assert stations.find(store, "东门出口") is None
    dialog.fields["camera_address"].setText("192.168.1.21")
    dialog.submit()
    gate = stations.get(store, "东门出口")
    assert (gate.gate, gate.camera, gate.camera_address, gate.mode) == ("vzenith", "VZ-OUT-01", "192.168.1.21", "out")
