"""The day board: rows of spaces and rooms, the day's bookings as blocks, filters, clicks."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt

from booking.schedule import bookings
from booking.schedule.bookings import Request
from ui.board.day_board import DayBoard
from ui.board.model import BoardModel

TODAY = date(2026, 11, 24)


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


@pytest.fixture
def tonight_p001(store, admin, resident, now):
    return bookings.book(store, admin, Request("P001", at("2026-11-24 19:00"), at("2026-11-25 07:30"),
                                               resident.id), now)


@pytest.fixture
def board(qtbot, store, now):
    shown = DayBoard(store, lambda: now)
    qtbot.addWidget(shown)
    shown.resize(1400, 800)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def row_of(model: BoardModel, code: str) -> int:
    return next(n for n in range(model.rowCount()) if model.index(n, 0).data(BoardModel.CodeRole) == code)


def proxy_row_of(board: DayBoard, code: str) -> int:
    proxy = board.proxy
    return next(n for n in range(proxy.rowCount()) if proxy.index(n, 0).data(BoardModel.CodeRole) == code)


def shown_codes(board: DayBoard) -> list[str]:
    proxy = board.proxy
    return [proxy.index(n, 0).data(BoardModel.CodeRole) for n in range(proxy.rowCount())
            if proxy.index(n, 0).data(BoardModel.RowKindRole) == "resource"]


def test_the_board_model_passes_the_model_tester(qtmodeltester, store, now, tonight_p001):
    qtmodeltester.check(BoardModel(store, lambda: now))


def test_the_filter_proxy_passes_the_model_tester(qtmodeltester, board, tonight_p001):
    board.refresh()
    board.find_edit.setText("12345")
    qtmodeltester.check(board.proxy)


def test_rows_are_the_110_spaces_then_the_rooms_under_headings(store, now):
    model = BoardModel(store, lambda: now)
    kinds = [model.index(n, 0).data(BoardModel.RowKindRole) for n in range(model.rowCount())]
    codes = [model.index(n, 0).data(BoardModel.CodeRole) for n in range(model.rowCount())]
    assert kinds[0] == "group" and kinds[111] == "group"
    assert codes[1:111] == [f"P{n:03d}" for n in range(1, 111)]
    assert codes[112] == "R01"
    assert model.columnCount() == 25
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in (1, 24)] == ["00", "23"]


def test_a_row_shows_the_zone_and_flags(store, now):
    model = BoardModel(store, lambda: now)
    assert model.index(row_of(model, "P001"), 0).data() == "P001  A区  无障碍"


def test_an_overnight_booking_is_a_block_to_midnight_then_from_midnight(store, now, tonight_p001):
    model = BoardModel(store, lambda: now)
    row = row_of(model, "P001")
    (block,) = model.blocks(row)
    assert (block.start, block.end, block.goes_on, block.from_before) == (19 * 60, 24 * 60, True, False)
    assert model.index(row, 1 + 20).data() == "川A12345"
    model.set_day(TODAY + timedelta(days=1))
    (block,) = model.blocks(row)
    assert (block.start, block.end, block.goes_on, block.from_before) == (0, 7 * 60 + 30, False, True)


def test_changing_day_reads_the_store_once(store, now, tonight_p001):
    model = BoardModel(store, lambda: now)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        model.set_day(TODAY + timedelta(days=3))
    finally:
        store.conn.set_trace_callback(None)
    assert len([s for s in statements if "FROM booking" in s]) == 1


def test_cancelled_bookings_are_hidden_until_asked_for(store, admin, now, tonight_p001):
    bookings.cancel(store, admin, tonight_p001.id, now=now)
    model = BoardModel(store, lambda: now)
    row = row_of(model, "P001")
    assert model.blocks(row) == ()
    model.set_show_cancelled(True)
    assert [b.look for b in model.blocks(row)] == ["cancelled"]


def test_a_checked_in_booking_past_its_end_looks_overstayed(store, admin, resident, now):
    b = bookings.book(store, admin, Request("P002", at("2026-11-24 10:00"), at("2026-11-24 12:00"), resident.id), now)
    store.conn.execute("UPDATE booking SET status = 'checked_in' WHERE id = ?", (b.id,))
    model = BoardModel(store, lambda: at("2026-11-24 12:30"))
    assert [x.look for x in model.blocks(row_of(model, "P002"))] == ["overstay"]


def test_filter_by_kind_and_zone(board):
    board.kind_box.setCurrentIndex(board.kind_box.findData("room"))
    assert shown_codes(board) == [f"R0{n}" for n in range(1, 8)]
    board.kind_box.setCurrentIndex(board.kind_box.findData(None))
    board.zone_box.setCurrentIndex(board.zone_box.findData("A"))
    codes = shown_codes(board)
    assert codes and all(c.startswith("P") for c in codes) and "P110" not in codes


def test_filter_free_or_taken_at_an_hour(board, tonight_p001):
    board.refresh()
    board.hour_box.setCurrentIndex(board.hour_box.findData(20))
    board.state_box.setCurrentIndex(board.state_box.findData("taken"))
    assert shown_codes(board) == ["P001"]
    board.state_box.setCurrentIndex(board.state_box.findData("free"))
    assert "P001" not in shown_codes(board) and len(shown_codes(board)) == 116
    board.hour_box.setCurrentIndex(board.hour_box.findData(10))
    assert "P001" in shown_codes(board)


@pytest.mark.parametrize("text", ["川A12345", "a12345", "5678", "3栋2单元501", "3-2-501"])
def test_find_by_plate_phone_tail_or_door(board, tonight_p001, text):
    board.refresh()
    board.find_edit.setText(text)
    assert shown_codes(board) == ["P001"]


def test_find_keeps_only_the_heading_of_groups_that_show_something(board, tonight_p001):
    board.refresh()
    board.find_edit.setText("5678")
    kinds = [board.proxy.index(n, 0).data(BoardModel.RowKindRole) for n in range(board.proxy.rowCount())]
    assert kinds == ["group", "resource"]


def test_a_new_booking_elsewhere_appears_after_refresh(board, store, admin, neighbour, now):
    bookings.book(store, admin, Request("P003", at("2026-11-24 14:00"), at("2026-11-24 16:00"), neighbour.id), now)
    board.refresh()
    assert board.model.index(row_of(board.model, "P003"), 1 + 15).data() == "川AD12345"


def test_day_navigation(board):
    board.go_next()
    assert board.day() == TODAY + timedelta(days=1)
    board.go_previous()
    board.go_previous()
    assert board.day() == TODAY - timedelta(days=1)
    board.go_today()
    assert board.day() == TODAY
    assert "2026" in board.date_label.text() and "11" in board.date_label.text()


def cell_point(board: DayBoard, code: str, hour: int, minute: int = 30) -> QPoint:
    index = board.proxy.index(proxy_row_of(board, code), 1 + hour)
    board.view.scrollTo(index)
    rect = board.view.visualRect(index)
    return QPoint(rect.x() + rect.width() * minute // 60, rect.center().y())


def test_a_click_on_a_block_opens_its_booking(qtbot, board, tonight_p001):
    board.refresh()
    with qtbot.waitSignal(board.booking_clicked) as signal:
        qtbot.mouseClick(board.view.viewport(), Qt.MouseButton.LeftButton, pos=cell_point(board, "P001", 21))
    assert signal.args == [tonight_p001.id]


def test_a_double_click_on_a_free_cell_starts_a_booking_there(qtbot, board):
    with qtbot.waitSignal(board.new_booking_requested) as signal:
        qtbot.mouseDClick(board.view.viewport(), Qt.MouseButton.LeftButton, pos=cell_point(board, "P005", 15))
    assert signal.args == ["P005", at("2026-11-24 15:00"), at("2026-11-24 16:00")]


def test_a_double_click_beside_a_block_starts_where_the_block_ends(qtbot, board, store, admin, resident, now):
    bookings.book(store, admin, Request("P006", at("2026-11-24 15:00"), at("2026-11-24 15:30"), resident.id), now)
    board.refresh()
    with qtbot.waitSignal(board.new_booking_requested) as signal:
        qtbot.mouseDClick(board.view.viewport(), Qt.MouseButton.LeftButton, pos=cell_point(board, "P006", 15, 45))
    assert signal.args == ["P006", at("2026-11-24 15:30"), at("2026-11-24 16:00")]


def test_a_drag_across_free_hours_starts_a_booking_for_them(qtbot, board):
    start, end = cell_point(board, "P007", 13), cell_point(board, "P007", 16)
    viewport = board.view.viewport()
    with qtbot.waitSignal(board.new_booking_requested) as signal:
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(viewport, end)
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    assert signal.args == ["P007", at("2026-11-24 13:00"), at("2026-11-24 17:00")]


def test_enter_on_a_booked_cell_opens_it_and_on_a_free_cell_books_it(qtbot, board, tonight_p001):
    board.refresh()
    board.view.setCurrentIndex(board.proxy.index(proxy_row_of(board, "P001"), 1 + 20))
    with qtbot.waitSignal(board.booking_clicked) as opened:
        qtbot.keyClick(board.view, Qt.Key.Key_Return)
    assert opened.args == [tonight_p001.id]
    board.view.setCurrentIndex(board.proxy.index(proxy_row_of(board, "P001"), 1 + 11))
    with qtbot.waitSignal(board.new_booking_requested) as asked:
        qtbot.keyClick(board.view, Qt.Key.Key_Return)
    assert asked.args == ["P001", at("2026-11-24 11:00"), at("2026-11-24 12:00")]


def test_the_board_shows_every_resource_in_english_too(board):
    from booking.store import i18n
    i18n.set_language("en")
    try:
        board.retranslate()
        assert board.model.index(row_of(board.model, "P001"), 0).data() == "P001  zone A  accessible"
        assert board.cancelled_box.text() == "Show cancelled"
    finally:
        i18n.set_language("zh")


def test_a_purpose_that_looks_like_markup_shows_as_typed_in_the_tooltip():
    from PySide6.QtGui import QTextDocument
    from ui.board.model import plain_tip
    doc = QTextDocument()
    doc.setHtml(plain_tip("R01 居民议事\n<b>不加粗</b> & <script>"))
    assert doc.toPlainText() == "R01 居民议事\n<b>不加粗</b> & <script>"


def test_escape_clears_the_find_box(qtbot, store, now):
    from PySide6.QtCore import Qt
    from ui.board.day_board import DayBoard
    board = DayBoard(store, lambda: now)
    qtbot.addWidget(board)
    board.show()
    qtbot.waitExposed(board)
    board.focus_find()
    qtbot.keyClicks(board.find_edit, "P01")
    qtbot.keyClick(board.find_edit, Qt.Key.Key_Escape)
    assert board.find_edit.text() == ""


def test_the_board_says_when_the_day_is_a_public_holiday_or_a_make_up_workday(board):
    from datetime import date
    board.set_day(date(2026, 2, 16))
    assert "春节（放假）" in board.date_label.text()
    board.set_day(date(2026, 2, 14))
    assert "春节（调休上班）" in board.date_label.text()
    board.set_day(date(2026, 3, 3))
    assert "春节" not in board.date_label.text()
