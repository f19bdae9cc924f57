"""Live refresh: another program's booking shows on this window's board without a restart (SQLite's
data_version, PostgreSQL's notices); the window's own writes are not read twice; and when the server
goes away the window says so, refuses writes with the reason, and comes back by itself."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from booking.checkin import scanning
from booking.ops import setup
from booking.places import inventory
from booking.people import residents
from booking.schedule import bookings
from booking.schedule.bookings import Request
from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.store.postgres.store import ServerStore
from tests.conftest import ADMIN, NOW, server_location
from tests.ui.integration_window import at, make_window
from ui.desk.live import LiveRefresh
from ui.desk.session import Desk
from ui.passes.scan_panel import ScanPanel

ROOT = Path(__file__).resolve().parents[3]
BOUND_MS = 3000  # a bound on waiting, not a measure of speed (bench/ measures that)


def plate_on_board(window, code: str, hour: int) -> str | None:
    model = window.board.model
    row = next(n for n in range(model.rowCount()) if model.index(n, 0).data(model.CodeRole) == code)
    return model.index(row, 1 + hour).data()


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


def test_a_booking_by_another_program_on_this_pc_shows_on_the_board(qtbot, store, store_path, resident, settings):
    window = make_window(qtbot, Desk(store, ADMIN, fixed_now=NOW), settings)
    assert plate_on_board(window, "P004", 15) in (None, "")
    done = subprocess.run(
        [sys.executable, "app.py", "--db", str(store_path), "--now", "2026-11-24 10:00", "book", "--resource",
         "P004", "--start", "2026-11-24 14:00", "--end", "2026-11-24 16:00", "--resident", str(resident.id),
         "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)
    qtbot.waitUntil(lambda: plate_on_board(window, "P004", 15) == "川A12345", timeout=BOUND_MS)


def test_the_windows_own_booking_is_not_read_again_as_another_programs(qtbot, store, resident, settings):
    desk = Desk(store, ADMIN, fixed_now=NOW)
    window = make_window(qtbot, desk, settings)
    heard: list[object] = []
    desk.changed.connect(lambda _changes, origin: heard.append(origin))
    desk.run(lambda: bookings.book(store, ADMIN, Request("P004", at("2026-11-24 14:00"), at("2026-11-24 16:00"),
                                                         resident.id), NOW), Changes(bookings=True), window)
    qtbot.wait(1200)  # two of the watch's polls
    assert heard == [window]


# --- the clerk's place in a list read again ------------------------------------------------------

FORGED = "123456789012"  # not a pass: refused, and recorded like any scan


def scan_ids(panel: ScanPanel) -> list[int]:
    return [panel.model.row(n)["id"] for n in range(panel.model.rowCount())]


def chosen_scans(panel: ScanPanel) -> set[int]:
    return {panel.model.row(index.row())["id"] for index in panel.table.selectionModel().selectedRows()}


def top_scan(panel: ScanPanel) -> int:
    return panel.model.row(panel.table.rowAt(0))["id"]


def choose_scan(panel: ScanPanel, number: int) -> int:
    """Click the scan in row `number` (as the clerk would, a whole row); its id."""
    index = panel.model.index(number, 2)
    panel.table.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                                 | QItemSelectionModel.SelectionFlag.Rows)
    return panel.model.row(number)["id"]


@pytest.fixture
def short_panel(qtbot, store):
    """A scan panel with live refresh, short enough that its list of 14 scans scrolls."""
    for _ in range(14):
        scanning.scan(store, ADMIN, FORGED, now=NOW)
    desk = Desk(store, ADMIN, fixed_now=NOW)
    host = QWidget()
    layout = QVBoxLayout(host)
    panel = ScanPanel(desk, sound=False)
    layout.addWidget(panel)
    host.live = LiveRefresh(desk, host)
    qtbot.addWidget(host)
    host.resize(520, 460)
    host.show()
    qtbot.waitExposed(host)
    yield panel
    host.live.stop()


def test_a_scan_at_another_program_keeps_the_chosen_scan_and_the_scroll(qtbot, short_panel, store_path):
    panel = short_panel
    bar = panel.table.verticalScrollBar()
    assert bar.maximum() > 0, "the list must scroll for this test"
    bar.setValue(bar.maximum())
    top = top_scan(panel)
    chosen = choose_scan(panel, panel.model.rowCount() - 2)
    before = scan_ids(panel)
    other = setup.open_ready(store_path, now=NOW)  # another program on the same file
    try:
        scanning.scan(other, ADMIN, FORGED, now=NOW)
    finally:
        other.close()
    qtbot.waitUntil(lambda: scan_ids(panel) != before, timeout=BOUND_MS)
    assert scan_ids(panel)[1:] == before  # the new scan on top: every row moved down one
    assert chosen_scans(panel) == {chosen}
    assert panel.model.row(panel.table.currentIndex().row())["id"] == chosen
    assert top_scan(panel) == top  # the rows in sight are the ones the clerk was reading


def test_a_list_at_its_top_shows_the_new_scan(qtbot, short_panel, store_path):
    panel = short_panel
    assert panel.table.verticalScrollBar().value() == 0
    before = scan_ids(panel)
    other = setup.open_ready(store_path, now=NOW)
    try:
        scanning.scan(other, ADMIN, FORGED, now=NOW)
    finally:
        other.close()
    qtbot.waitUntil(lambda: scan_ids(panel) != before, timeout=BOUND_MS)
    assert top_scan(panel) == scan_ids(panel)[0] != before[0]
    assert panel.table.verticalScrollBar().value() == 0


def test_a_space_renamed_by_another_program_keeps_the_boards_selection(qtbot, store, store_path, settings):
    window = make_window(qtbot, Desk(store, ADMIN, fixed_now=NOW), settings)
    view = window.board.view
    chosen = view.model().index(5, 12)
    code = chosen.data(window.board.model.CodeRole)
    view.setCurrentIndex(chosen)
    other = setup.open_ready(store_path, now=NOW)
    try:
        inventory.rename(other, ADMIN, code, name_zh="共享车位（改）", now=NOW)
    finally:
        other.close()
    qtbot.waitUntil(lambda: "改" in view.model().index(5, 0).data(Qt.ItemDataRole.ToolTipRole), timeout=BOUND_MS)
    assert view.currentIndex().data(window.board.model.CodeRole) == code
    assert (view.currentIndex().row(), view.currentIndex().column()) == (5, 12)
    assert [i.row() for i in view.selectionModel().selectedIndexes()] == [5]


# --- on the server -----------------------------------------------------------------------------

@pytest.fixture
def database(pg_server, pg_template_store):
    name = pg_server.create(template=pg_template_store)
    yield pg_server.database_url(name)
    pg_server.drop(name)


@pytest.fixture
def server_desks(database):
    opened: list[ServerStore] = []

    def open_desk() -> ServerStore:
        store = setup.open_ready(server_location(database), now=NOW)
        assert isinstance(store, ServerStore)
        opened.append(store)
        return store

    yield open_desk
    for store in opened:
        store.close()


def listening(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.live.watch.listening, timeout=BOUND_MS)


def test_a_booking_at_another_desk_on_the_server_shows_on_the_board(qtbot, server_desks, settings):
    mine, other = server_desks(), server_desks()
    window = make_window(qtbot, Desk(mine, ADMIN, fixed_now=NOW), settings)
    listening(qtbot, window)
    resident = residents.add(other, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    bookings.book(other, ADMIN, Request("P004", at("2026-11-24 14:00"), at("2026-11-24 16:00"), resident.id), NOW)
    qtbot.waitUntil(lambda: plate_on_board(window, "P004", 15) == "川A12345", timeout=BOUND_MS)


def test_the_board_keeps_its_selection_when_another_desk_writes(qtbot, server_desks, settings):
    mine, other = server_desks(), server_desks()
    window = make_window(qtbot, Desk(mine, ADMIN, fixed_now=NOW), settings)
    listening(qtbot, window)
    view = window.board.view
    chosen = view.model().index(3, 10)
    view.setCurrentIndex(chosen)
    resident = residents.add(other, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    bookings.book(other, ADMIN, Request("P004", at("2026-11-24 14:00"), at("2026-11-24 16:00"), resident.id), NOW)
    qtbot.waitUntil(lambda: plate_on_board(window, "P004", 15) == "川A12345", timeout=BOUND_MS)
    assert view.currentIndex() == chosen


def test_the_server_gone_is_said_writes_are_refused_and_the_desk_comes_back(qtbot, server_desks, settings,
                                                                          database):
    mine, other = server_desks(), server_desks()
    desk = Desk(mine, ADMIN, fixed_now=NOW)
    window = make_window(qtbot, desk, settings)
    listening(qtbot, window)
    resident = residents.add(other, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    engine = sa.create_engine(database, poolclass=sa.NullPool)
    with engine.connect() as conn:  # the desk's own connection ends, as a restart or a dropped network ends it
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": mine.backend_pid})
    engine.dispose()
    request = Request("P004", at("2026-11-24 14:00"), at("2026-11-24 16:00"), resident.id)
    with pytest.raises(DeskError) as refused:
        desk.run(lambda: bookings.book(mine, ADMIN, request, NOW), Changes(bookings=True), window)
    assert refused.value.key == "store_server_gone"
    assert "没有保存" in refused.value.message("zh")
    assert other.sql("SELECT count(*) FROM booking").scalar() == 0  # nothing half-done
    assert plate_on_board(window, "P004", 15) in (None, "")  # the board keeps what it showed
    qtbot.waitUntil(lambda: "已重新连上" in window.statusBar().currentMessage(), timeout=BOUND_MS)
    assert window.reach_label.isHidden()
    booking = desk.run(lambda: bookings.book(mine, ADMIN, request, NOW), Changes(bookings=True), window)
    assert other.sql("SELECT status FROM booking WHERE id = :id", id=booking.id).scalar() == "booked"


def test_while_the_server_is_gone_the_status_bar_says_so(qtbot, server_desks, settings):
    mine = server_desks()
    window = make_window(qtbot, Desk(mine, ADMIN, fixed_now=NOW), settings)
    mine.mark_gone("the network dropped")
    window.live.watch.stop()  # it would reconnect at once: the server is there
    window.live.poll()
    assert window.reach_label.isVisible()
    assert "连不上数据服务器" in window.reach_label.text() and "10:00" in window.reach_label.text()
    assert "the network dropped" in window.reach_label.toolTip()


def test_a_scan_at_another_desk_on_the_server_keeps_the_chosen_scan(qtbot, server_desks, settings):
    mine, other = server_desks(), server_desks()
    for _ in range(3):
        scanning.scan(other, ADMIN, FORGED, now=NOW)
    window = make_window(qtbot, Desk(mine, ADMIN, fixed_now=NOW), settings)
    listening(qtbot, window)
    panel = window.scan_panel
    chosen = choose_scan(panel, 1)
    before = scan_ids(panel)
    scanning.scan(other, ADMIN, FORGED, now=NOW)
    qtbot.waitUntil(lambda: scan_ids(panel) != before, timeout=BOUND_MS)
    assert chosen_scans(panel) == {chosen}
    assert panel.table.currentIndex().row() == 2  # the same scan, one row lower


def test_the_server_back_keeps_the_boards_selection(qtbot, server_desks, settings, database):
    mine = server_desks()
    window = make_window(qtbot, Desk(mine, ADMIN, fixed_now=NOW), settings)
    listening(qtbot, window)
    view = window.board.view
    chosen = view.model().index(4, 9)
    view.setCurrentIndex(chosen)
    code = chosen.data(window.board.model.CodeRole)
    engine = sa.create_engine(database, poolclass=sa.NullPool)
    with engine.connect() as conn:  # back after this, the desk reads every kind again, the spaces too
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": mine.backend_pid})
    engine.dispose()
    with pytest.raises(DeskError):  # the write that finds the server gone
        mine.sql("SELECT 1")
    qtbot.waitUntil(lambda: "已重新连上" in window.statusBar().currentMessage(), timeout=BOUND_MS)
    assert view.currentIndex().data(window.board.model.CodeRole) == code
    assert (view.currentIndex().row(), view.currentIndex().column()) == (4, 9)
