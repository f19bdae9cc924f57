"""The gate list, the scan list and a booking's history show a gate event's reason in the language in
use: recorded at a Chinese desk, read at an English one, and the reverse, also when the clerk switches
with the list open (issue 12)."""
from __future__ import annotations

from datetime import datetime

import pytest

from booking.gatehouse import gates
from booking.places import stations
from booking.schedule import bookings
from booking.schedule.bookings import Request
from booking.store.i18n import set_language
from tests.booking.gatehouse.gate_sim import Vzenith
from ui.desk import language
from ui.bookings.details import HistoryModel
from ui.desk.session import Desk
from ui.gates.panel import GateHost, GatePanel
from ui.passes.scan_panel import RecentScansModel

NOW = datetime(2026, 11, 24, 10, 0)
EARLY = datetime(2026, 11, 24, 17, 0)        # tonight's entry opens at 18:30
REFUSED = {"zh": "川A12345 太早了：18:30 起可入场（预约 19:00 开始）。",
           "en": "川A12345 is too early: entry opens at 18:30 (the booking starts 19:00)."}
REASON = 4  # the reason's column


@pytest.fixture
def desk(store, admin):
    return Desk(store, admin, fixed_now=EARLY)


@pytest.fixture
def tonight(store, admin, resident):
    return bookings.book(store, admin, Request("P001", datetime(2026, 11, 24, 19, 0), datetime(2026, 11, 25, 7, 30),
                                               resident.id), NOW)


@pytest.fixture
def gate(store, admin):
    return stations.add(store, admin, "东门入口", gate="vzenith", camera="VZ-IN-01", camera_address="127.0.0.1",
                        mode="in", now=NOW)


def shown_panel(qtbot, desk) -> GatePanel:
    panel = GatePanel(desk, ask_reason=lambda prompt: None)
    qtbot.addWidget(panel)
    panel.resize(500, 600)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def refuse_early(store, gate) -> None:
    gates.handle(store, gate, gates.PlateRead("VZ-IN-01", "1", "川A12345", EARLY), EARLY)


def shown(panel: GatePanel) -> tuple[str, str]:
    """The chosen event's reason in the list, and the first line of the details under the photo."""
    return panel.model.index(0, REASON).data(), panel.detail.text().splitlines()[0]


@pytest.mark.parametrize(("recorded", "switched"), [("zh", "en"), ("en", "zh")])
def test_a_refusal_is_shown_in_the_language_the_clerk_switches_to(qtbot, store, desk, gate, tonight, recorded,
                                                                  switched):
    language.apply(recorded, desk, remember=False)
    refuse_early(store, gate)
    panel = shown_panel(qtbot, desk)
    assert shown(panel) == (REFUSED[recorded], REFUSED[recorded])
    language.apply(switched, desk, remember=False)
    assert shown(panel) == (REFUSED[switched], REFUSED[switched])


@pytest.mark.parametrize(("recorded", "opened_in"), [("zh", "en"), ("en", "zh")])
def test_a_refusal_recorded_in_one_language_opens_in_the_other(qtbot, store, desk, gate, tonight, recorded,
                                                               opened_in):
    set_language(recorded)
    refuse_early(store, gate)
    language.apply(opened_in, desk, remember=False)
    assert shown(shown_panel(qtbot, desk)) == (REFUSED[opened_in], REFUSED[opened_in])


def test_a_car_refused_live_at_an_english_desk_reads_in_chinese_after_the_switch(qtbot, store, desk, gate, tonight):
    language.apply("en", desk, remember=False)
    panel = shown_panel(qtbot, desk)
    host = GateHost(desk)
    address = host.start("127.0.0.1:0", lambda: EARLY)
    try:
        answer = Vzenith("http://" + address, "VZ-IN-01").plate("川A12345", EARLY).json
        assert answer["Response_AlarmInfoPlate"]["info"] == "no"
        qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    finally:
        host.stop()
    assert shown(panel) == (REFUSED["en"], REFUSED["en"])
    language.apply("zh", desk, remember=False)
    assert shown(panel) == (REFUSED["zh"], REFUSED["zh"])


@pytest.mark.parametrize(("recorded", "opened_in"), [("zh", "en"), ("en", "zh")])
def test_the_desks_scan_list_shows_the_gates_refusal_in_the_language_in_use(qapp, store, gate, tonight, recorded,
                                                                            opened_in):
    set_language(recorded)
    refuse_early(store, gate)
    set_language(opened_in)
    model = RecentScansModel(store, now=lambda: EARLY)
    at = model.COLUMNS.index("uis_scan_col_reason")
    assert [model.index(row, at).data() for row in range(model.rowCount())] == [REFUSED[opened_in]]


def test_a_bookings_history_shows_the_gates_check_in_in_the_language_in_use(qapp, store, gate, tonight):
    set_language("zh")
    moment = datetime(2026, 11, 24, 18, 45)
    gates.handle(store, gate, gates.PlateRead("VZ-IN-01", "2", "川A12345", moment), moment)
    set_language("en")
    model = HistoryModel()
    model.load(store, tonight.id)
    notes = [model.index(row, 3).data() for row in range(model.rowCount())]
    assert notes.count("Gate opened, entry: P001 川A12345, 19:00–11/25 07:30.") == 2  # the scan and the check-in
