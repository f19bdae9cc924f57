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
from PySide6.QtCore import QSettings

from booking.ops import setup
from booking.people import residents
from booking.schedule import bookings
from booking.schedule.bookings import Request
from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.store.postgres.store import ServerStore
from tests.conftest import ADMIN, NOW, server_location
from tests.ui.integration_window import at, make_window
from ui.desk.session import Desk

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
