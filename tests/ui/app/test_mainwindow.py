"""The desk window: a walk-in booked from the keyboard alone, details with cancel (confirmed),
new times and history, the pass after saving, day changes, shortcuts, remembered settings."""
from __future__ import annotations

from datetime import date, datetime, timedelta


import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from booking.checkin import passes, scanning
from booking.schedule import bookings
from booking.store import audit
from booking.schedule.bookings import Request
from ui.desk.session import Desk
from ui.bookings.details import DetailsDialog, HistoryModel
from ui.bookings.pass_dialog import PassDialog
from tests.ui.integration_window import Answers, at, make_window

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)

TODAY = date(2026, 11, 24)


@pytest.fixture
def desk(store, admin, now):
    return Desk(store, admin, fixed_now=now)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, desk, settings):
    return make_window(qtbot, desk, settings)


@pytest.fixture
def tonight_p001(store, admin, resident, now):
    return bookings.book(store, admin, Request("P001", at("2026-11-24 19:00"), at("2026-11-25 07:30"),
                                               resident.id), now)


def count_bookings(store) -> int:
    return store.conn.execute("SELECT count(*) FROM booking").fetchone()[0]


# --- booking ---------------------------------------------------------------------------------------

def test_a_walk_in_is_booked_with_the_keyboard_only(qtbot, window, store, resident):
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.booking_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert QApplication.focusWidget() is dialog.find_edit
    qtbot.keyClicks(dialog.find_edit, "5678")
    qtbot.keyClick(dialog.find_edit, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.find_edit, Qt.Key.Key_Return)
    assert dialog.resident() == resident
    focused = QApplication.focusWidget()
    assert focused is dialog.resource_box
    qtbot.keyClick(focused, Qt.Key.Key_Tab)  # on to the plate
    assert QApplication.focusWidget() is not dialog.resource_box
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)  # tonight
    # A button's mnemonic "animates" the click: it lands a moment later.
    qtbot.waitUntil(lambda: (dialog.start(), dialog.end()) == (at("2026-11-24 19:00"), at("2026-11-25 07:30")))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: count_bookings(store) == 1)
    (booking,) = bookings.on_date(store, TODAY)
    assert (booking.resource, booking.resident_id, booking.plate, booking.start, booking.end) == (
        "P003", resident.id, "川A12345", at("2026-11-24 19:00"), at("2026-11-25 07:30"))  # P001-2: accessible
    assert not dialog.isVisible()
    assert window.pass_dialog is not None and window.pass_dialog.isVisible()
    assert window.pass_dialog.text == passes.pass_text(store, booking.id)


def test_the_board_shows_a_booking_as_soon_as_it_is_saved(qtbot, window, store, resident):
    dialog = window.new_booking("P004", at("2026-11-24 14:00"), at("2026-11-24 16:00"))
    dialog.find_edit.setText("5678")
    dialog.pick_current()
    dialog.accept()
    model = window.board.model
    row = next(n for n in range(model.rowCount()) if model.index(n, 0).data(model.CodeRole) == "P004")
    assert model.index(row, 1 + 15).data() == "川A12345"


def test_a_clash_from_another_desk_at_save_time_keeps_the_dialog_open(qtbot, window, store, admin, resident,
                                                                     neighbour, now):
    dialog = window.new_booking("P001", at("2026-11-24 19:00"), at("2026-11-25 07:30"))
    dialog.find_edit.setText("5678")
    dialog.pick_current()
    dialog.run_check()
    plan = dialog.plan()
    bookings.book(store, admin, Request("P001", at("2026-11-24 18:00"), at("2026-11-24 20:00"), neighbour.id), now)
    assert window.save_booking(dialog, plan) == []
    assert dialog.isVisible() and "5栋1单元302" in dialog.check_label.text()
    assert count_bookings(store) == 1


def test_a_repeating_booking_skips_the_clashing_date(qtbot, window, store, admin, resident, neighbour, now):
    taken = bookings.book(store, admin, Request("P001", at("2026-11-26 19:00"), at("2026-11-27 07:30"),
                                                neighbour.id), now)
    dialog = window.new_booking("P001")
    dialog.find_edit.setText("5678")
    dialog.pick_current()
    dialog.choose_week_nights()
    dialog.run_check()
    assert not dialog.save_button.isEnabled()
    dialog.skip_box.setChecked(True)
    dialog.accept()
    starts = sorted(r[0] for r in store.conn.execute(
        "SELECT start_at FROM booking WHERE resident_id = ? AND series_id IS NOT NULL", (resident.id,)))
    assert starts == ["2026-11-24 19:00", "2026-11-25 19:00", "2026-11-27 19:00", "2026-11-28 19:00",
                      "2026-11-29 19:00"]
    assert bookings.get(store, taken.id).status == "booked"
    shown = window.pass_dialog
    assert shown is not None and shown.which.count() == 5  # one pass per booking of the series
    assert not any("11-26 19:00" in shown.which.itemText(i) for i in range(5))


# --- details ---------------------------------------------------------------------------------------

def test_the_history_model_passes_the_model_tester(qtmodeltester, store, tonight_p001, admin):
    model = HistoryModel()
    bookings.cancel(store, admin, tonight_p001.id, reason="来电取消", now=NOW)
    model.load(store, tonight_p001.id)
    qtmodeltester.check(model)
    assert model.index(0, 2).data() == "取消" and model.index(0, 3).data() == "来电取消"


def test_a_click_on_a_block_opens_the_booking(qtbot, window, tonight_p001):
    window.board.refresh()
    window.board.booking_clicked.emit(tonight_p001.id)
    details = window.details_dialog
    assert details is not None and details.isVisible()
    assert details.info_labels["id"][1].text() == str(tonight_p001.id)
    assert details.info_labels["resident"][1].text() == "张*丰"  # masked
    assert details.info_labels["phone"][1].text() == "138****5678"


def test_cancel_asks_first_and_a_no_keeps_the_booking(qtbot, desk, settings, store, tonight_p001):
    answers = Answers(False)
    window = make_window(qtbot, desk, settings, answers)
    details = window.open_details(tonight_p001.id)
    details.cancel_button.click()
    assert len(answers.asked) == 1 and str(tonight_p001.id) in answers.asked[0]
    assert bookings.get(store, tonight_p001.id).status == "booked"


def test_cancel_after_a_yes_cancels_and_the_board_forgets_it(qtbot, desk, settings, store, tonight_p001):
    window = make_window(qtbot, desk, settings, Answers(True))
    window.board.refresh()
    details = window.open_details(tonight_p001.id)
    details.cancel_button.click()
    assert bookings.get(store, tonight_p001.id).status == "cancelled"
    assert "已取消" in details.heading.text()
    assert not details.cancel_button.isEnabled()
    model = window.board.model
    row = next(n for n in range(model.rowCount()) if model.index(n, 0).data(model.CodeRole) == "P001")
    assert model.blocks(row) == ()


def test_cancel_with_a_real_message_box(qtbot, store, desk, tonight_p001):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox
    from ui.bookings.details import ask_yes_no
    details = DetailsDialog(desk, tonight_p001.id, confirm=ask_yes_no(None))
    qtbot.addWidget(details)

    def answer_yes() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(QMessageBox.StandardButton.Yes).click()
        else:
            QTimer.singleShot(50, answer_yes)

    QTimer.singleShot(50, answer_yes)
    assert details.cancel_booking()
    assert bookings.get(store, tonight_p001.id).status == "cancelled"


def test_a_series_cancel_asks_whether_the_later_ones_go_too(qtbot, desk, settings, store, admin, resident, now):
    series = bookings.book_series(store, admin, Request("P003", at("2026-11-24 19:00"), at("2026-11-25 07:30"),
                                                        resident.id), "FREQ=DAILY;COUNT=3", now)
    window = make_window(qtbot, desk, settings, Answers(True, True))
    window.open_details(series.bookings[0].id).cancel_button.click()
    assert [bookings.get(store, b.id).status for b in series.bookings] == ["cancelled"] * 3


def test_new_times_are_checked_and_saved_in_place(qtbot, window, store, tonight_p001):
    details = window.open_details(tonight_p001.id)
    details.end_edit.setDateTime(details.end_edit.dateTime().addSecs(3600))
    assert details.check_times() and details.edit_save.isEnabled()
    assert details.save_times()
    moved = bookings.get(store, tonight_p001.id)
    assert moved.end == at("2026-11-25 08:30") and moved.id == tonight_p001.id
    assert audit.entries(store, "booking", moved.id)[0]["action"] == "reschedule"


def test_new_times_that_clash_are_refused_before_saving(qtbot, window, store, admin, neighbour, now, tonight_p001):
    other = bookings.book(store, admin, Request("P001", at("2026-11-25 08:00"), at("2026-11-25 10:00"),
                                                neighbour.id), now)
    details = window.open_details(tonight_p001.id)
    details.end_edit.setDateTime(details.end_edit.dateTime().addSecs(3600))
    assert not details.check_times()
    assert str(other.id) in details.edit_check.text()
    assert not details.edit_save.isEnabled()
    assert bookings.get(store, tonight_p001.id).end == at("2026-11-25 07:30")


def test_the_history_shows_scans(qtbot, window, store, admin, resident, now):
    b = bookings.book(store, admin, Request("P002", now, now + timedelta(hours=2), resident.id), now)
    scanning.scan(store, admin, passes.pass_text(store, b.id), now=now)
    details = window.open_details(b.id)
    texts = [details.history.index(r, 2).data() for r in range(details.history.rowCount())]
    assert any("扫码通过" in t for t in texts) and "签到" in texts


def test_reissue_asks_first_then_shows_the_new_pass(qtbot, desk, settings, store, tonight_p001):
    window = make_window(qtbot, desk, settings, Answers(True))
    old = passes.pass_text(store, tonight_p001.id)
    window.open_details(tonight_p001.id).reissue_button.click()
    assert window.pass_dialog is not None
    assert window.pass_dialog.text != old and window.pass_dialog.text == passes.pass_text(store, tonight_p001.id)


def test_checking_in_by_hand_asks_a_reason_and_records_it(qtbot, desk, settings, store, tonight_p001):
    window = make_window(qtbot, desk, settings, Answers(True))
    details = window.open_details(tonight_p001.id)
    details.ask_reason = lambda title, prompt: "通行证忘带，核对了身份证"
    details.manual_button.click()
    assert bookings.get(store, tonight_p001.id).status == "checked_in"
    assert "通行证忘带" in store.conn.execute("SELECT reason FROM scan WHERE booking_id = ?",
                                             (tonight_p001.id,)).fetchone()[0]


def test_checking_in_by_hand_without_a_reason_changes_nothing(qtbot, desk, settings, store, tonight_p001):
    window = make_window(qtbot, desk, settings, Answers(True))
    details = window.open_details(tonight_p001.id)
    details.ask_reason = lambda title, prompt: None
    details.manual_button.click()
    assert bookings.get(store, tonight_p001.id).status == "booked"


def decode(image) -> str:
    """What a real QR decoder reads in `image`."""
    import zxingcpp
    found = zxingcpp.read_barcodes(image)
    return found[0].text if found else ""


def test_the_pass_view_shows_a_qr_code_that_reads_as_the_pass(qtbot, desk, store, tonight_p001):
    view = PassDialog(desk, [tonight_p001.id])
    qtbot.addWidget(view)
    assert decode(view.qr.pixmap().toImage()) == passes.pass_text(store, tonight_p001.id)


def test_the_pass_view_copies_the_words_and_the_image(qtbot, desk, store, tonight_p001):
    from booking.checkin import passcode
    view = PassDialog(desk, [tonight_p001.id])
    qtbot.addWidget(view)
    view.copy()
    text = QApplication.clipboard().text()
    assert passcode.grouped(passes.pass_text(store, tonight_p001.id)) in text and "P001" in text
    assert decode(QApplication.clipboard().image()) == passes.pass_text(store, tonight_p001.id)


def test_the_pass_view_saves_the_phone_image(qtbot, desk, store, tonight_p001, tmp_path):
    from PySide6.QtGui import QImage
    view = PassDialog(desk, [tonight_p001.id])
    qtbot.addWidget(view)
    saved = view.save_image(str(tmp_path / "pass.png"))
    assert saved and decode(QImage(saved)) == passes.pass_text(store, tonight_p001.id)


# --- the day, shortcuts, settings -------------------------------------------------------------------

def test_alt_arrows_change_the_day_and_ctrl_t_comes_back(qtbot, window):
    board = window.board
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert board.day() == TODAY + timedelta(days=1)
    assert "25" in board.date_label.text()
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert board.day() == TODAY - timedelta(days=1)
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert board.day() == TODAY


def test_the_calendar_goes_to_the_chosen_day(qtbot, window):
    window.act_calendar.trigger()
    dialog = window.calendar_dialog
    from PySide6.QtCore import QDate
    dialog.calendar.setSelectedDate(QDate(2026, 12, 31))
    dialog.accept()
    assert window.board.day() == date(2026, 12, 31)


def test_ctrl_f_puts_the_cursor_in_the_find_box(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.board.find_edit


def test_every_frequent_action_has_its_shortcut_in_the_menus(window):
    expected = {window.act_today: "Ctrl+T", window.act_previous: "Alt+Left", window.act_next: "Alt+Right",
                window.act_calendar: "Ctrl+G", window.act_new: "Ctrl+N", window.act_find: "Ctrl+F",
                window.act_print: "Ctrl+P", window.act_quit: "Ctrl+Q", window.act_help: "F1"}
    in_menus = {a for m in (window.menu_file, window.menu_booking, window.menu_view, window.menu_help)
                for a in m.actions()}
    for action, keys in expected.items():
        assert action.shortcut().toString() == keys
        assert action in in_menus


def test_f1_lists_the_shortcuts(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.help_dialog is not None and window.help_dialog.isVisible()
    rows = dict((keys, text) for text, keys in window.shortcut_rows())
    assert rows["Ctrl+N"] == "新建预约" and rows["Alt+Left"] == "前一天" and rows["F1"] == "快捷键"


def test_geometry_and_view_are_remembered(qtbot, desk, settings):
    first = make_window(qtbot, desk, settings)
    first.resize(760, 540)  # inside the offscreen screen (800 x 600), which clamps a restored geometry
    first.board.kind_box.setCurrentIndex(first.board.kind_box.findData("room"))
    first.board.cancelled_box.setChecked(True)
    first.close()
    second = make_window(qtbot, desk, settings)
    assert (second.width(), second.height()) == (760, 540)
    assert second.board.kind_box.currentData() == "room"
    assert second.board.cancelled_box.isChecked() and second.act_cancelled.isChecked()


def test_the_minute_sweep_marks_no_shows_and_frees_the_space(qtbot, store, admin, resident, settings):
    start = at("2026-11-24 08:00")
    b = bookings.book(store, admin, Request("P008", start, start + timedelta(hours=2), resident.id),
                      start - timedelta(hours=1))
    desk = Desk(store, admin, fixed_now=at("2026-11-24 10:00"))
    window = make_window(qtbot, desk, settings)
    window.minute()
    assert bookings.get(store, b.id).status == "no_show"
    assert "未到场" in window.statusBar().currentMessage()


def test_the_window_follows_the_language(qtbot, window):
    from booking.store import i18n
    i18n.set_language("en")
    try:
        window.desk.language_changed.emit("en")
        assert window.menu_view.title() == "&View"
        assert window.act_new.text() == "&New booking…"
    finally:
        i18n.set_language("zh")
        window.desk.language_changed.emit("zh")
    assert window.menu_view.title() == "查看(&V)"


def test_the_slip_painted_for_the_printer_reads_as_the_pass(qtbot, desk, store, tonight_p001):
    from PySide6.QtGui import QImage
    view = PassDialog(desk, [tonight_p001.id])
    qtbot.addWidget(view)
    page = QImage(1240, 1754, QImage.Format.Format_RGB32)  # A4 at 150 dpi, as a printer page
    page.setDotsPerMeterX(5906)
    page.setDotsPerMeterY(5906)
    page.fill(0xFFFFFF)
    assert view.paint_slip_on(page)
    assert decode(page) == passes.pass_text(store, tonight_p001.id)


def test_ctrl_p_previews_the_sheet_of_the_day_on_the_board(qtbot, window, tonight_p001):
    window.board.go_next()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    preview = window.print_preview
    assert preview is not None and preview.isVisible()
    assert "2026-11-25" in preview.windowTitle()
    preview.close()
