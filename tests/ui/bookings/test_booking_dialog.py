"""The booking dialog: find or register the resident, quick times, repeats, and every clash or
rule breach shown before saving."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt

from booking.people import residents
from booking.schedule import bookings
from booking.schedule.bookings import Request
from ui.bookings.booking_dialog import BookingDialog, OccurrenceModel
from ui.desk.session import Desk


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


@pytest.fixture
def desk(store, admin, now):
    return Desk(store, admin, fixed_now=now)


@pytest.fixture
def clerk_desk(store, clerk, now):
    return Desk(store, clerk, fixed_now=now)


def open_dialog(qtbot, desk, **kw) -> BookingDialog:
    dialog = BookingDialog(desk, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def checked(qtbot, dialog: BookingDialog) -> None:
    """Let the debounced live check run."""
    qtbot.waitUntil(lambda: not dialog.check_pending(), timeout=2000)


def pick(qtbot, dialog: BookingDialog, text: str) -> None:
    dialog.find_edit.setText(text)
    dialog.pick_current()
    dialog.run_check()


# --- the plain parts --------------------------------------------------------------------------

def test_the_occurrence_model_passes_the_model_tester(qtmodeltester, store, resident, neighbour, admin, now):
    bookings.book(store, admin, Request("P001", at("2026-11-25 19:00"), at("2026-11-26 07:30"), neighbour.id), now)
    plan = bookings.plan_series(store, Request("P001", at("2026-11-24 19:00"), at("2026-11-25 07:30"), resident.id),
                                "FREQ=DAILY;COUNT=3", now)
    model = OccurrenceModel()
    model.set_items([p for p in plan if p["clashes"]])
    qtmodeltester.check(model)
    assert "11-25" in model.index(0).data()


# --- finding and registering ----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["13812345678", "5678", "3-2-501", "川A12345", "三丰"])
def test_a_resident_is_found_as_the_clerk_types(qtbot, desk, resident, text):
    dialog = open_dialog(qtbot, desk)
    qtbot.keyClicks(dialog.find_edit, "x")  # typing goes through the live search
    dialog.find_edit.setText(text)
    assert dialog.results_model.rowCount() == 1
    assert dialog.results_model.resident(0).id == resident.id


def test_arrow_keys_move_through_the_results_and_enter_picks(qtbot, desk, resident, neighbour):
    dialog = open_dialog(qtbot, desk)
    dialog.find_edit.setText("川A")
    assert dialog.results_model.rowCount() == 2
    qtbot.keyClick(dialog.find_edit, Qt.Key.Key_Down)
    second = dialog.results_model.resident(1)
    qtbot.keyClick(dialog.find_edit, Qt.Key.Key_Return)
    assert dialog.resident() == second
    assert dialog.plate_box.currentText() == second.plates[0]


def test_registering_inline_shows_the_problem_next_to_the_field(qtbot, desk):
    dialog = open_dialog(qtbot, desk)
    dialog.register_button.setChecked(True)
    dialog.reg_name.setText("王五")
    dialog.reg_door.setText("7-2-101")
    dialog.reg_phone.setText("1370000")
    dialog.reg_do.click()
    assert dialog.reg_errors["phone"].isVisible()
    assert "11" in dialog.reg_errors["phone"].text()
    assert dialog.resident() is None


def test_registering_inline_chooses_the_new_resident(qtbot, desk, store):
    dialog = open_dialog(qtbot, desk)
    dialog.register_button.setChecked(True)
    dialog.reg_name.setText("王五")
    dialog.reg_door.setText("7-2-101")
    dialog.reg_phone.setText("13700001111")
    dialog.reg_plate.setText("川A54321")
    dialog.reg_do.click()
    chosen = dialog.resident()
    assert chosen is not None and chosen.door == "7栋2单元101" and chosen.plates == ("川A54321",)
    assert residents.find(store, "13700001111")[0].id == chosen.id
    assert not dialog.register_form.isVisible()


# --- checks before saving --------------------------------------------------------------------------

def test_save_waits_for_a_resident(qtbot, desk):
    dialog = open_dialog(qtbot, desk, resource="P001")
    checked(qtbot, dialog)
    assert not dialog.save_button.isEnabled()
    assert "居民" in dialog.check_label.text()


def test_a_free_booking_can_be_saved(qtbot, desk, resident):
    dialog = open_dialog(qtbot, desk, resource="P001", start=at("2026-11-24 19:00"), end=at("2026-11-25 07:30"))
    pick(qtbot, dialog, "5678")
    assert dialog.save_button.isEnabled()
    assert "可以预约" in dialog.check_label.text()
    with qtbot.waitSignal(dialog.submitted) as sent:
        dialog.accept()
    plan = sent.args[0]
    assert (plan.request.resource, plan.request.start, plan.request.end, plan.request.resident_id, plan.rule) == (
        "P001", at("2026-11-24 19:00"), at("2026-11-25 07:30"), resident.id, None)


def test_a_clash_is_shown_before_saving_naming_the_booking(qtbot, desk, store, admin, resident, neighbour, now):
    other = bookings.book(store, admin, Request("P001", at("2026-11-24 18:00"), at("2026-11-24 22:00"),
                                                neighbour.id), now)
    dialog = open_dialog(qtbot, desk, resource="P001", start=at("2026-11-24 19:00"), end=at("2026-11-25 07:30"))
    pick(qtbot, dialog, "5678")
    text = dialog.check_label.text()
    assert str(other.id) in text and "5栋1单元302" in text
    assert not dialog.save_button.isEnabled()
    with qtbot.assertNotEmitted(dialog.submitted):
        dialog.accept()
    assert dialog.errors["start"].isVisible()


def test_the_nearest_free_space_is_one_click_away(qtbot, desk, store, admin, resident, neighbour, now):
    bookings.book(store, admin, Request("P010", at("2026-11-24 18:00"), at("2026-11-24 22:00"), neighbour.id), now)
    dialog = open_dialog(qtbot, desk, resource="P010", start=at("2026-11-24 19:00"), end=at("2026-11-25 07:30"))
    pick(qtbot, dialog, "5678")
    button = dialog.suggest_buttons[0]
    assert button.isVisible() and button.property("code") in ("P009", "P011")
    button.click()
    checked(qtbot, dialog)
    assert dialog.resource().code == button.property("code")
    assert dialog.save_button.isEnabled()


def test_a_rule_breach_is_shown_before_saving(qtbot, clerk_desk, resident):
    dialog = open_dialog(qtbot, clerk_desk, resource="R06", start=at("2026-11-24 14:00"),
                         end=at("2026-11-24 16:00"))
    pick(qtbot, dialog, "5678")
    assert "最短提前时间" in dialog.check_label.text()
    assert not dialog.save_button.isEnabled()
    assert not dialog.override_edit.isVisible()  # a clerk cannot override


def test_an_admin_may_override_a_rule_with_a_reason(qtbot, desk, resident):
    dialog = open_dialog(qtbot, desk, resource="R06", start=at("2026-11-24 14:00"), end=at("2026-11-24 16:00"))
    pick(qtbot, dialog, "5678")
    assert dialog.override_edit.isVisible() and not dialog.save_button.isEnabled()
    dialog.override_edit.setText("社区紧急会议")
    dialog.run_check()
    assert dialog.save_button.isEnabled()
    assert dialog.plan().request.override == "社区紧急会议"


def test_a_wrong_plate_is_shown_next_to_the_plate(qtbot, desk, resident):
    dialog = open_dialog(qtbot, desk, resource="P001", start=at("2026-11-24 19:00"), end=at("2026-11-25 07:30"))
    pick(qtbot, dialog, "5678")
    dialog.plate_box.setEditText("川AIO123")
    dialog.run_check()
    assert dialog.errors["plate"].isVisible()
    assert not dialog.save_button.isEnabled()


def test_the_check_runs_by_itself_shortly_after_a_change(qtbot, desk, store, admin, resident, neighbour, now):
    bookings.book(store, admin, Request("P002", at("2026-11-24 18:00"), at("2026-11-24 22:00"), neighbour.id), now)
    dialog = open_dialog(qtbot, desk, resource="P001", start=at("2026-11-24 19:00"), end=at("2026-11-25 07:30"))
    pick(qtbot, dialog, "5678")
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.checked, timeout=2000):
        dialog.select_resource("P002")
    assert not dialog.save_button.isEnabled()


# --- quick times and repeats ----------------------------------------------------------------------

def test_quick_choices_set_the_times(qtbot, desk):
    dialog = open_dialog(qtbot, desk)
    dialog.choose_tonight()
    assert (dialog.start(), dialog.end()) == (at("2026-11-24 19:00"), at("2026-11-25 07:30"))
    dialog.choose_next_hours()
    assert (dialog.start(), dialog.end()) == (at("2026-11-24 10:00"), at("2026-11-24 12:00"))
    dialog.choose_all_day()
    assert (dialog.start(), dialog.end()) == (at("2026-11-24 10:00"), at("2026-11-25 00:00"))


def test_the_rest_of_this_weeks_nights_is_a_daily_series_to_sunday(qtbot, desk):
    dialog = open_dialog(qtbot, desk)
    dialog.choose_week_nights()
    assert (dialog.start(), dialog.end()) == (at("2026-11-24 19:00"), at("2026-11-25 07:30"))
    assert dialog.rule() == "FREQ=DAILY;UNTIL=20261129T235959"


def test_a_repeating_booking_lists_the_clashing_dates_and_can_skip_them(qtbot, desk, store, admin, resident,
                                                                        neighbour, now):
    taken = bookings.book(store, admin, Request("P001", at("2026-11-26 19:00"), at("2026-11-27 07:30"),
                                                neighbour.id), now)
    dialog = open_dialog(qtbot, desk, resource="P001")
    pick(qtbot, dialog, "5678")
    dialog.choose_week_nights()
    dialog.run_check()
    assert dialog.occurrences.rowCount() == 1
    assert "11-26" in dialog.occurrences.index(0).data() and str(taken.id) in dialog.occurrences.index(0).data()
    assert not dialog.save_button.isEnabled()
    dialog.skip_box.setChecked(True)
    dialog.run_check()
    assert dialog.save_button.isEnabled()
    assert dialog.skipped_dates() == [at("2026-11-26 19:00")]
    plan = dialog.plan()
    assert plan.rule == "FREQ=DAILY;UNTIL=20261129T235959" and plan.skip_clashes


def test_weekly_on_chosen_days_for_n_times(qtbot, desk, resident):
    dialog = open_dialog(qtbot, desk, resource="R01", start=at("2026-11-24 14:00"), end=at("2026-11-24 16:00"))
    pick(qtbot, dialog, "5678")
    dialog.repeat_box.setCurrentIndex(dialog.repeat_box.findData("weekly"))
    assert dialog.day_boxes[1].isChecked()  # the start's weekday, Tuesday
    dialog.day_boxes[3].setChecked(True)
    dialog.count_radio.setChecked(True)
    dialog.count_spin.setValue(4)
    assert dialog.rule() == "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4"
    dialog.run_check()
    assert "4" in dialog.check_label.text() and dialog.save_button.isEnabled()


def test_a_refusal_from_the_window_keeps_everything_typed(qtbot, desk, resident):
    from booking.store.errors import DeskError
    dialog = open_dialog(qtbot, desk, resource="P001", start=at("2026-11-24 19:00"), end=at("2026-11-25 07:30"))
    pick(qtbot, dialog, "5678")
    dialog.show_error(DeskError("store", "store_busy"))
    assert dialog.isVisible() and dialog.resident() == resident and dialog.resource().code == "P001"
    assert "占用" in dialog.check_label.text()
    assert not dialog.save_button.isEnabled()


def test_the_dialog_speaks_english_after_a_switch(qtbot, desk):
    from booking.store import i18n
    dialog = open_dialog(qtbot, desk)
    i18n.set_language("en")
    try:
        desk.language_changed.emit("en")
        assert dialog.windowTitle() == "New booking"
        assert dialog.save_button.text() == "Save booking"
    finally:
        i18n.set_language("zh")
        desk.language_changed.emit("zh")
    assert dialog.windowTitle() == "新建预约"


def _spring_weeknights(qtbot, desk) -> BookingDialog:
    desk.set_now(at("2026-02-01 09:00"))
    dialog = open_dialog(qtbot, desk, resource="R01", start=at("2026-02-09 14:00"), end=at("2026-02-09 16:00"))
    pick(qtbot, dialog, "5678")
    dialog.repeat_box.setCurrentIndex(dialog.repeat_box.findData("weeknights"))
    dialog.until_radio.setChecked(True)
    dialog.until_edit.setDate(date(2026, 3, 1))
    return dialog


def test_a_series_can_skip_the_spring_festival_and_lists_the_dates_left_out(qtbot, desk, resident):
    dialog = _spring_weeknights(qtbot, desk)
    assert dialog.calendar_row.isVisibleTo(dialog)
    dialog.holiday_box.setChecked(True)
    dialog.run_check()
    listed = [dialog.occurrences.index(r).data() for r in range(dialog.occurrences.rowCount())]
    assert len(listed) == 6 and all("春节（放假）" in line for line in listed)
    assert "02-16" in listed[0] and dialog.save_button.isEnabled()
    assert at("2026-02-23 14:00") in dialog.skipped_dates()
    plan = dialog.plan()
    assert plan.skip_holidays and not plan.workdays


def test_a_series_can_include_the_make_up_workdays_14_and_28_february(qtbot, desk, resident):
    dialog = _spring_weeknights(qtbot, desk)
    dialog.holiday_box.setChecked(True)
    dialog.workday_box.setChecked(True)
    dialog.run_check()
    starts = [p["start"] for p in dialog._plan if not p["holiday"]]
    assert at("2026-02-14 14:00") in starts and at("2026-02-28 14:00") in starts
    assert dialog.plan().workdays


def test_a_series_in_a_year_without_a_holiday_schedule_says_so(qtbot, desk, resident):
    desk.set_now(at("2030-12-20 09:00"))
    dialog = open_dialog(qtbot, desk, resource="R01", start=at("2031-01-06 14:00"), end=at("2031-01-06 16:00"))
    pick(qtbot, dialog, "5678")
    dialog.repeat_box.setCurrentIndex(dialog.repeat_box.findData("weekly"))
    dialog.run_check()
    assert dialog.calendar_note.isVisibleTo(dialog) and "2031 年的节假日安排还没有" in dialog.calendar_note.text()
    dialog.holiday_box.setChecked(True)
    dialog.run_check()
    assert "2031" in dialog.errors["repeat"].text() and not dialog.save_button.isEnabled()
