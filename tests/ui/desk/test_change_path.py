"""One path for changes: a write runs once through `desk.run`, its typed Changes are announced once,
each view decides whether it cares, and the board is read again exactly once (or not at all).

The board's model reads its day in `set_day` and says so with `day_loaded`; counting that signal on
the real window counts how often the board was read again."""
from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from booking.checkin import passes
from booking.schedule import bookings
from booking.store.changes import Changes
from ui.desk.session import Desk
from ui.office.settings import KeysSettingsView
from tests.ui.integration_window import Answers, at, make_window

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def desk(store, admin, now):
    return Desk(store, admin, fixed_now=now)


@pytest.fixture
def window(qtbot, desk, tmp_path):
    return make_window(qtbot, desk, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def booked(store, admin, resident, now):
    return bookings.book(store, admin, bookings.Request(resource="P001", start=now, end=now + timedelta(hours=2),
                                                        resident_id=resident.id, plate="川A12345"), now)


def count_board_reads(window) -> list[object]:
    reads: list[object] = []
    window.board.model.day_loaded.connect(reads.append)
    return reads


def heard_on(desk) -> list[tuple[Changes, object]]:
    heard: list[tuple[Changes, object]] = []
    desk.changed.connect(lambda changes, origin: heard.append((changes, origin)))
    return heard


def test_a_scan_reads_the_board_again_exactly_once(qtbot, window, desk, store, booked):
    reads, heard = count_board_reads(window), heard_on(desk)
    verdict = window.scan_panel.scan(passes.pass_text(store, booked.id))
    assert verdict is not None and verdict.ok
    assert heard == [(Changes(scans=True, bookings=True), window.scan_panel)]  # announced once, by the panel
    assert len(reads) == 1
    assert bookings.get(store, booked.id).status == "checked_in"


def test_a_refused_scan_changes_no_booking_and_leaves_the_board_alone(qtbot, window, desk):
    reads, heard = count_board_reads(window), heard_on(desk)
    verdict = window.scan_panel.scan("12345")
    assert verdict is not None and not verdict.ok
    assert heard == [(Changes(scans=True), window.scan_panel)]
    assert reads == []
    assert window.scan_panel.model.rowCount() == 1  # the recent scans did read themselves again


def test_a_booking_made_in_the_dialog_reads_the_board_again_once(qtbot, window, desk, store, resident):
    dialog = window.new_booking("P004", at("2026-11-24 14:00"), at("2026-11-24 16:00"))
    dialog.find_edit.setText("5678")
    dialog.pick_current()
    reads, heard = count_board_reads(window), heard_on(desk)
    dialog.accept()
    assert len(bookings.on_date(store, at("2026-11-24 00:00").date())) == 1
    assert heard == [(Changes(bookings=True), window)]
    assert len(reads) == 1


def test_a_setting_saved_in_the_office_does_not_touch_the_board(qtbot, window, desk):
    view = KeysSettingsView(desk)
    qtbot.addWidget(view)
    reads, heard = count_board_reads(window), heard_on(desk)
    view.offer_spin.setValue(45)
    assert view.save_offer() == 45
    assert heard == [(Changes(settings=True), view)]
    assert reads == []


def test_a_refused_write_announces_nothing(qtbot, window, desk):
    view = KeysSettingsView(desk)
    qtbot.addWidget(view)
    heard = heard_on(desk)
    view.offer_spin.setValue(5000)
    assert view.save_offer() is None
    assert heard == []


def test_a_write_whose_result_says_nothing_must_name_its_changes(desk):
    with pytest.raises(TypeError, match="does not say what changed"):
        desk.run(lambda: 42)


def test_the_old_words_api_is_gone(desk):
    assert not hasattr(Desk, "announce")
    with pytest.raises(TypeError):
        desk.notify("booking")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Changes(bookings="booking")  # type: ignore[arg-type]


def test_no_window_announces_by_word():
    """Nothing in ui/ calls `announce(...)` or emits `changed` by hand: writes go through desk.run."""
    found = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                called = node.func
                if called.attr == "announce" or (called.attr == "emit" and isinstance(called.value, ast.Attribute)
                                                 and called.value.attr == "changed"
                                                 and path.name != "session.py"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


@pytest.fixture
def answering_window(qtbot, desk, tmp_path):
    return make_window(qtbot, desk, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
                       confirm=Answers(True))


def test_the_details_dialog_reads_itself_once_after_its_own_cancel(qtbot, answering_window, desk, store, booked):
    details = answering_window.open_details(booked.id)
    history_reads: list[object] = []
    details.history.modelReset.connect(lambda: history_reads.append(True))
    board_reads, heard = count_board_reads(answering_window), heard_on(desk)
    assert details.cancel_booking()
    assert bookings.get(store, booked.id).status == "cancelled"
    assert heard == [(Changes(bookings=True), details)]
    assert len(history_reads) == 1 and len(board_reads) == 1
