"""An admin's office work on a fresh store, from the desk window's 管理 menu only (issue 13).

A new installation (the seeded inventory, the first admin, nothing else); each task is reached
through the menu as the admin reaches it, worked with the mouse and keyboard's widgets, its
questions answered, and its result read back from the store: closures once and weekly with the
bookings they meet listed, the calendar of a year the package does not know, spaces and rooms,
stations, a tariff with its preview, the no-show rule and a lifted restriction, the pass key
retired, the time-bank rate and the waitlist's offer time.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QDateTime, QSettings, QTime
from PySide6.QtWidgets import QMessageBox

from booking.checkin import passes, scanning
from booking.checkin.sweep import sweep
from booking.money import credits, fees
from booking.ops import setup
from booking.people import clerks, residents
from booking.places import closures, holidays, inventory, stations
from booking.policy import restrictions, rules
from booking.schedule import bookings, waitlist
from tests.conftest import NOW
from tests.ui.modal import Modal, form, yes
from ui.app.mainwindow import MainWindow
from ui.desk.session import Desk
from ui.office.resources_view import ResourceDialog, RuleDialog
from ui.office.closures import ClosureDialog, HitsDialog, HolidayYearDialog
from ui.office.settings import LiftDialog, NoShowRuleDialog, StationDialog, TariffDialog

BOSS, PASSWORD = "王主任", "admin-pass-1"


@pytest.fixture
def office(qtbot, tmp_path: Path):
    """(the desk window of a new installation, signed in as its first admin, its store)."""
    store = setup.open_ready(tmp_path / "new.sqlite3", now=NOW)
    boss = clerks.create_first_admin(store, BOSS, PASSWORD, now=NOW)
    window = MainWindow(Desk(store, boss, fixed_now=NOW), QSettings(str(tmp_path / "w.ini"),
                                                                     QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    yield window, store
    store.close()


def manage(window: MainWindow, name: str) -> Any:
    """Open 管理 › `name` from the menu bar's Manage menu, as the admin clicks it; the view."""
    menu = window.admin_menu
    assert menu.menu in [a.menu() for a in window.menuBar().actions()]
    action = menu.actions[name]
    assert action.isEnabled()
    action.trigger()
    return menu.windows[name].view


def _qdt(moment: datetime) -> QDateTime:
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute))


def test_an_admin_closes_a_room_once_and_weekly_and_sees_the_bookings_it_meets(office):
    window, store = office
    who = residents.add(store, window.desk.actor, "张三丰", "3栋2单元501", "13812345678", now=NOW)
    met = bookings.book(store, window.desk.actor, bookings.Request("R06", datetime(2026, 12, 12, 9),
                                                                   datetime(2026, 12, 12, 11), who.id), NOW)
    view = manage(window, "closures")

    def once(dialog: ClosureDialog) -> None:
        dialog.fields["scope"].setCurrentIndex(dialog.fields["scope"].findData("kind:room"))
        dialog.start_edit.setDateTime(_qdt(datetime(2026, 12, 1, 13)))
        dialog.end_edit.setDateTime(_qdt(datetime(2026, 12, 1, 17)))
        dialog.fields["reason"].setText("消毒")

    with Modal(form(ClosureDialog, once)):
        view.add_button.click()

    def weekly(dialog: ClosureDialog) -> None:
        dialog.fields["scope"].setCurrentIndex(dialog.fields["scope"].findData("res:R06"))
        dialog.set_pattern("weekly")
        dialog.start_edit.setDateTime(_qdt(datetime(2026, 12, 5, 8)))
        dialog.end_edit.setDateTime(_qdt(datetime(2026, 12, 5, 12)))
        for code, box in dialog.day_boxes.items():
            box.setChecked(code == "SA")
        dialog.until_edit.setDate(QDate(2027, 1, 30))
        dialog.fields["reason"].setText("周六早市")

    listed: list[str] = []

    def list_them(box: QMessageBox) -> Any:
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
        assert "1 个已有预约" in box.text()
        return next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.ActionRole).click

    def read_list(dialog: HitsDialog) -> Any:
        listed.extend(dialog.model.stringList())
        return dialog.accept

    with Modal(form(ClosureDialog, weekly), list_them, read_list, yes()):
        view.add_button.click()
    assert listed == [f"2026-12-12 09:00–11:00  R06  3栋2单元501  预约 {met.id}"]
    saved = {c["reason"]: c for c in closures.all_closures(store)}
    assert saved["消毒"]["rrule"] is None and saved["周六早市"]["rrule"] == "FREQ=WEEKLY;BYDAY=SA;UNTIL=20270130T235959"
    assert [view.model.row(r)["uio_col_repeat"] for r in range(view.model.rowCount())].count("不重复") == 1
    assert bookings.get(store, met.id).status == "booked"  # named, not cancelled: the residents are told


def test_an_admin_enters_the_holidays_of_a_year_the_package_does_not_know(office):
    window, store = office
    view = manage(window, "holidays")
    view.year_spin.setValue(2027)
    assert "2027 年的节假日安排还没有" in view.source_label.text() and view.model.rowCount() == 0

    def notice(dialog: HolidayYearDialog) -> None:
        dialog.fields["days_off"].setPlainText("2027-01-01\n2027-02-06..2027-02-13")
        dialog.fields["workdays"].setPlainText("2027-02-20")

    with Modal(form(HolidayYearDialog, notice)):
        view.enter_button.click()
    assert holidays.source(store, 2027) == "admin" and "管理员录入" in view.source_label.text()
    assert holidays.day(store, date(2027, 2, 20)).text() == "调休上班日"
    assert view.model.rowCount() == 10 and view.clear_button.isEnabled()


def test_an_admin_adds_renames_describes_and_disables_spaces_and_rooms(office):
    window, store = office
    view = manage(window, "resources")

    def new_space(dialog: ResourceDialog) -> None:
        dialog.text_field("code").setText("P111")
        dialog.text_field("name_zh").setText("临时车位")
        dialog.feature_boxes["ev"].setChecked(True)

    with Modal(form(ResourceDialog, new_space)):
        view.add_button.click()
    view._select_code("R04")

    def describe(dialog: ResourceDialog) -> None:
        dialog.text_field("name_zh").setText("社区服务中心")
        dialog.text_field("zone").setText("服务楼二层")
        dialog.text_field("capacity").setText("60")
        dialog.text_field("area_m2").setText("200")
        dialog.feature_boxes["accessible"].setChecked(True)

    with Modal(form(ResourceDialog, describe)):
        view.edit_button.click()
    view._select_code("P111")
    with Modal(yes()):
        view.toggle_button.click()
    added, room = inventory.get(store, "P111"), inventory.get(store, "R04")
    assert (added.kind, added.ev, added.enabled) == ("parking", True, False)
    assert (room.name_zh, room.zone, room.capacity, room.area_m2, room.accessible) == ("社区服务中心", "服务楼二层", 60,
                                                                                     200.0, True)

    def stricter(dialog: RuleDialog) -> None:
        dialog.scope_field.setCurrentIndex(dialog.scope_field.findData("kind:room"))
        dialog.name_field.setCurrentIndex(dialog.name_field.findData("max_days_ahead"))
        dialog.value_field.setText("60")

    view.rule_table.clearSelection()
    with Modal(form(RuleDialog, stricter)):
        view.rule_button.click()
    assert rules.effective(store, inventory.get(store, "R04"))["max_days_ahead"] == 60


def test_an_admin_sets_up_a_scan_station_and_a_gate_and_removes_one(office):
    window, store = office
    view = manage(window, "stations")

    def plaza(dialog: StationDialog) -> None:
        dialog.fields["name"].setText("广场门口")
        dialog.fields["resources"].setText("R06，R07")
        dialog.fields["mode"].setCurrentIndex(dialog.fields["mode"].findData("in"))

    def gate(dialog: StationDialog) -> None:
        dialog.fields["name"].setText("北门道闸")
        dialog.kind_boxes["parking"].setChecked(True)
        dialog.fields["gate"].setCurrentIndex(dialog.fields["gate"].findData("vzenith"))
        dialog.fields["camera"].setText("VZ-IN-01")
        dialog.fields["camera_address"].setText("192.168.1.20")

    for fill in (plaza, gate):
        with Modal(form(StationDialog, fill)):
            view.add_button.click()
    made = {s.name: s for s in stations.all_stations(store)}
    assert (made["广场门口"].resources, made["广场门口"].mode) == (("R06", "R07"), "in")
    gate_station = made["北门道闸"]
    assert (gate_station.kinds, gate_station.gate, gate_station.camera) == (("parking",), "vzenith", "VZ-IN-01")
    row = next(r for r in range(view.model.rowCount()) if view.model.row(r)["name"] == "广场门口")
    view.table.selectRow(row)
    with Modal(yes()):
        view.remove_button.click()
    assert [s.name for s in stations.all_stations(store)] == ["desk", "北门道闸"]


def test_an_admin_changes_a_tariff_after_previewing_a_sample_night(office):
    window, store = office
    view = manage(window, "tariffs")
    row = next(r for r in range(view.model.rowCount())
               if (view.model.row(r)["tariff"].scope, view.model.row(r)["tariff"].payer) == ("kind:parking", "visitor"))
    view.table.selectRow(row)
    previews: list[str] = []

    def cheaper_nights(dialog: TariffDialog) -> None:
        dialog.band_rows[-1].rate.setText("0.50")
        dialog.fields["cap"].setText("10")
        dialog.sample_start.setDateTime(_qdt(datetime(2026, 11, 24, 19)))
        dialog.sample_end.setDateTime(_qdt(datetime(2026, 11, 25, 7, 30)))
        previews.append(dialog.preview.text())

    with Modal(form(TariffDialog, cheaper_nights), yes()):
        view.edit_button.click()
    assert "按此标准收费：¥6.00" in previews[0]  # 12 hours at ¥0.50 after the free half hour
    saved = fees.tariff_for_scope(store, "kind:parking", "visitor")
    assert (saved.bands[-1].rate_fen, saved.daily_cap_fen) == (50, 1000)


def test_an_admin_changes_the_no_show_rule_and_lifts_a_households_restriction(office):
    window, store = office
    who = residents.add(store, window.desk.actor, "张三丰", "3栋2单元501", "13812345678", now=NOW)
    for day in (18, 20, 22):  # booked, never came: the minute's sweep marks them
        start = datetime(2026, 11, day, 9)
        bookings.book(store, window.desk.actor, bookings.Request("R02", start, start + timedelta(hours=1), who.id),
                      datetime(2026, 11, 15, 9))
    sweep(store, NOW)
    view = manage(window, "noshow")

    def rooms_rule(dialog: NoShowRuleDialog) -> None:
        dialog.fields["kind"].setCurrentIndex(dialog.fields["kind"].findData("room"))
        for name, value in (("no_shows", 2), ("within_days", 30), ("ban_days", 14)):
            dialog.fields[name].setValue(value)

    view.rule_table.clearSelection()
    with Modal(form(NoShowRuleDialog, rooms_rule)):
        view.rule_button.click()
    assert any((r.kind, r.no_shows, r.ban_days) == ("room", 2, 14) for r in restrictions.no_show_rules(store))
    assert [view.restricted.row(r)["door"] for r in range(view.restricted.rowCount())] == ["3栋2单元501"]
    view.restricted_table.selectRow(0)
    with Modal(form(LiftDialog, lambda dialog: dialog.fields["reason"].setText("住院，情况特殊"))):
        view.lift_button.click()
    assert restrictions.restricted(store, NOW) == [] and view.restricted.rowCount() == 0


def test_an_admin_retires_the_pass_key_knowing_that_printed_passes_stop_working(office):
    window, store = office
    who = residents.add(store, window.desk.actor, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    night = bookings.book(store, window.desk.actor, bookings.Request("P001", datetime(2026, 11, 24, 19),
                                                                     datetime(2026, 11, 25, 7), who.id), NOW)
    printed = passes.pass_text(store, night.id)
    view = manage(window, "keys")
    assert "以前发出的所有通行证在每个扫码点都会被拒绝" in view.retire_note.text()
    view.retire_box.setChecked(True)
    asked: list[str] = []
    with Modal(yes(asked)):
        view.rotate_button.click()
    assert "以前发出的所有通行证都将失效，居民需要重新领取" in asked[0]
    assert "第 2 号密钥" in view.key_done.text()
    assert not scanning.verify(printed, store, datetime(2026, 11, 24, 19, 5)).ok


def test_an_admin_sets_the_time_bank_rate_and_the_waitlist_offer_time_in_their_units(office):
    window, store = office
    view = manage(window, "keys")
    view.rate_edit.setText("12.5")
    view.rate_save.click()
    view.offer_spin.setValue(45)
    view.offer_save.click()
    assert (credits.rate(store), waitlist.offer_minutes(store)) == (1250, 45)
    assert view.rate_edit.text() == "12.50"
    view.rate_edit.setText("十块")
    view.rate_save.click()
    assert view.rate_messages.messages["rate"].isVisibleTo(view) and credits.rate(store) == 1250
