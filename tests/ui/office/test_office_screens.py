"""The office screens as an admin (and a clerk) meets them: refusals next to their field, questions
whose default is No, the bookings a closure would hit, the tariff preview, plain words on keys."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QListView

from booking.checkin import passes
from booking.money import fees
from booking.places import closures, holidays, inventory, stations
from booking.schedule import bookings
from booking.store.errors import DeskError
from tests.conftest import ADMIN, NOW
from ui.office.admin import AdminMenu
from ui.office.resources_view import ResourceDialog, ResourcesRulesView
from ui.desk.session import Desk
from ui.office.screens import VIEWS
from ui.office.closures import ClosureDialog, ClosuresView, HolidaysView, repeat_text
from ui.office.common import RowsModel
from ui.office.settings import KeysSettingsView, StationDialog, StationsView, TariffDialog


@pytest.fixture
def desk(store, now):
    return Desk(store, ADMIN, fixed_now=now)


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    return widget


def qdt(moment: datetime) -> QDateTime:
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute))


def test_the_rows_model_is_a_proper_model(qtmodeltester, store):
    model = RowsModel(("a", "b"), lambda: [{"a": 1, "b": "x"}, {"a": 2, "b": "y", "_grey": True}])
    qtmodeltester.check(model)


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_a_clerk_sees_why_each_office_view_is_closed(qtbot, store, clerk, now, name):
    view = shown(qtbot, VIEWS[name][0](Desk(store, clerk, fixed_now=now)))
    assert view.refused and view.refusal.text().startswith("只有管理员可以使用")


def test_the_office_menu_entries_are_greyed_for_a_clerk_with_the_reason(store, clerk, now):
    menu = AdminMenu(Desk(store, clerk, fixed_now=now), None, VIEWS)
    for name in VIEWS:
        assert not menu.actions[name].isEnabled()
        assert menu.actions[name].toolTip().startswith("只有管理员可以使用")


def _closure_form(qtbot, desk, reason="周六集市") -> ClosureDialog:
    dialog = ClosureDialog(desk)
    qtbot.addWidget(dialog)
    dialog.fields["scope"].setCurrentIndex(dialog.fields["scope"].findData("res:R03"))
    dialog.start_edit.setDateTime(qdt(datetime(2026, 12, 5, 8)))
    dialog.end_edit.setDateTime(qdt(datetime(2026, 12, 5, 12)))
    dialog.fields["reason"].setText(reason)
    return dialog


def test_a_closure_without_a_reason_is_refused_next_to_the_reason(qtbot, desk, store):
    dialog = _closure_form(qtbot, desk, reason="")
    dialog.submit()
    assert dialog.messages["reason"].text() == "请填写关闭原因。"
    assert closures.all_closures(store) == []


def test_a_closure_that_ends_before_it_starts_is_refused_next_to_the_end(qtbot, desk):
    dialog = _closure_form(qtbot, desk)
    dialog.end_edit.setDateTime(qdt(datetime(2026, 12, 5, 7)))
    dialog.submit()
    assert dialog.messages["end"].text() == "结束时间必须晚于开始时间。"


def test_a_weekly_closure_is_built_from_chosen_days_not_typed(qtbot, desk):
    dialog = _closure_form(qtbot, desk)
    dialog.set_pattern("weekly")
    assert dialog.fields["days"].isVisibleTo(dialog) and dialog.day_boxes["SA"].isChecked()
    dialog.day_boxes["SU"].setChecked(True)
    dialog.until_edit.setDate(QDate(2027, 1, 31))
    assert dialog.rule() == "FREQ=WEEKLY;BYDAY=SA,SU;UNTIL=20270131T235959"
    dialog.set_pattern("monthly")
    assert not dialog.fields["days"].isVisibleTo(dialog) and dialog.rule().startswith("FREQ=MONTHLY;UNTIL=")
    dialog.set_pattern("yearly")
    assert dialog.rule().startswith("FREQ=YEARLY")


def test_a_closure_that_would_hit_bookings_asks_first_and_no_saves_nothing(qtbot, desk, store, resident, now):
    hit = bookings.book(store, ADMIN, bookings.Request("R03", datetime(2026, 12, 5, 9), datetime(2026, 12, 5, 10),
                                                      resident.id), now)
    dialog = _closure_form(qtbot, desk)
    seen = []
    dialog.ask_hits = lambda found: seen.append([b.id for b in found]) or False
    dialog.submit()
    assert seen == [[hit.id]] and closures.all_closures(store) == []
    assert dialog.result() != dialog.DialogCode.Accepted


def test_a_closure_that_hits_nothing_is_saved_without_a_question(qtbot, desk, store):
    dialog = _closure_form(qtbot, desk)
    dialog.ask_hits = lambda found: pytest.fail("nothing is hit: nothing to ask")
    dialog.submit()
    assert [c["reason"] for c in closures.all_closures(store)] == ["周六集市"]


def test_the_bookings_a_closure_meets_are_listed_each_on_one_whole_line(qtbot, desk, store, resident, now):
    from ui.office.closures import HitsDialog
    hit = bookings.book(store, ADMIN, bookings.Request("P003", datetime(2026, 12, 5, 19), datetime(2026, 12, 6, 7),
                                                      resident.id, plate="川A12345"), now)
    dialog = shown(qtbot, HitsDialog([hit]))
    line = dialog.model.index(0, 0).data()
    assert line == f"2026-12-05 19:00–2026-12-06 07:00  P003  3栋2单元501  预约 {hit.id}"  # the night's end dated
    view = dialog.findChild(QListView)
    assert view.viewport().width() >= view.fontMetrics().horizontalAdvance(line)


def test_the_closures_list_says_repeats_in_words(store):
    assert repeat_text({"rrule": "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270131T235959"}) == "每周一、三，至 2027-01-31"
    assert repeat_text({"rrule": "FREQ=MONTHLY;COUNT=3"}) == "每月，共 3 次"
    assert repeat_text({"holidays": 1}) == "每逢公众假日"


def test_removing_a_closure_asks_and_no_keeps_it(qtbot, desk, store):
    closures.add(store, ADMIN, "*", datetime(2026, 12, 1, 8), datetime(2026, 12, 1, 12), "消毒", now=NOW)
    view = shown(qtbot, ClosuresView(desk))
    asked = []
    view.confirm = lambda title, text: asked.append(text) or False
    view.table.selectRow(0)
    assert view.remove_closure() is None
    assert "消毒" in asked[0] and len(closures.all_closures(store)) == 1


def test_the_calendar_says_plainly_when_it_has_no_schedule_for_a_year(qtbot, desk):
    view = shown(qtbot, HolidaysView(desk))
    view.year_spin.setValue(2031)
    assert "2031 年的节假日安排还没有" in view.source_label.text()
    assert view.model.rowCount() == 0 and not view.clear_button.isEnabled()
    view.year_spin.setValue(2026)
    assert "chinese-calendar" in view.source_label.text()
    rows = [view.model.row(r) for r in range(view.model.rowCount())]
    assert {"uio_col_date": "2026-02-14", "uio_col_weekday": "六", "uio_col_day_kind": "春节（调休上班）"} in rows


def test_a_bad_date_in_a_years_schedule_is_shown_next_to_its_field(qtbot, desk, store):
    from ui.office.closures import HolidayYearDialog
    dialog = HolidayYearDialog(desk, 2027)
    qtbot.addWidget(dialog)
    dialog.fields["days_off"].setPlainText("2027-02-06..2027-02-13")
    dialog.fields["workdays"].setPlainText("2027-02-08")
    dialog.submit()
    assert "2027-02-08" in dialog.messages["workdays"].text()
    assert holidays.source(store, 2027) is None


def test_replacing_a_schedule_the_package_knows_asks_first_and_no_keeps_the_packages(qtbot, desk, store):
    from ui.office.closures import HolidayYearDialog
    dialog = HolidayYearDialog(desk, 2026)
    qtbot.addWidget(dialog)
    asked = []
    dialog.confirm = lambda title, text: asked.append(text) or False
    dialog.fields["days_off"].setPlainText("2026-02-15..2026-02-24")
    dialog.submit()
    assert "软件包里已有国务院公布的 2026 年安排" in asked[0] and dialog.result() != dialog.DialogCode.Accepted
    assert holidays.source(store, 2026) == "package"
    dialog.fields["days_off"].setPlainText("2026-02-31")
    dialog.submit()
    assert len(asked) == 1 and dialog.messages["days_off"].isVisibleTo(dialog)  # a typo is refused, not asked


@pytest.mark.parametrize("make", [lambda desk: ClosureDialog(desk), lambda desk: StationDialog(desk),
                                  lambda desk: ResourceDialog(desk, None)], ids=["closure", "station", "resource"])
def test_a_form_opens_with_the_keyboard_in_its_first_field(qtbot, desk, make):
    dialog = shown(qtbot, make(desk))
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.focusWidget() is not None)
    assert dialog.focusWidget() is next(iter(dialog.fields.values()))


def test_a_station_with_an_unknown_code_is_refused_next_to_the_codes(qtbot, desk, store):
    dialog = StationDialog(desk)
    qtbot.addWidget(dialog)
    dialog.fields["name"].setText("北门")
    dialog.fields["resources"].setText("R99")
    dialog.submit()
    assert "R99" in dialog.messages["resources"].text()
    assert [s.name for s in stations.all_stations(store)] == ["desk"]


def test_the_tariff_form_previews_a_sample_bookings_charge_before_saving(qtbot, desk, store):
    current = fees.tariff_for_scope(store, "kind:parking", "resident")
    dialog = TariffDialog(desk, current)
    qtbot.addWidget(dialog)
    dialog.sample_start.setDateTime(qdt(datetime(2026, 11, 24, 9)))
    dialog.sample_end.setDateTime(qdt(datetime(2026, 11, 24, 12)))
    before = dialog.update_preview()
    expected = sum(i.fen for i in fees.price(current, datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 12)))
    assert fees.money(expected) in before.splitlines()[-1]
    dialog.free_spin.setValue(180)
    assert fees.money(0) in dialog.update_preview().splitlines()[-1]
    assert fees.tariff_for_scope(store, "kind:parking", "resident") == current  # nothing saved by previewing


def test_a_bad_band_rate_is_shown_next_to_the_bands(qtbot, desk):
    dialog = TariffDialog(desk, None)
    qtbot.addWidget(dialog)
    dialog.band_rows[0].rate.setText("三块")
    assert dialog.update_preview() == ""
    assert dialog.messages["bands"].isVisibleTo(dialog)


def test_saving_a_tariff_asks_first_and_no_changes_nothing(qtbot, desk, store):
    current = fees.tariff_for_scope(store, "kind:parking", "resident")
    dialog = TariffDialog(desk, current)
    qtbot.addWidget(dialog)
    dialog.confirm = lambda title, text: False
    dialog.free_spin.setValue(99)
    dialog.submit()
    assert fees.tariff_for_scope(store, "kind:parking", "resident") == current


def test_the_key_screen_says_in_plain_words_what_retiring_means(qtbot, desk, store):
    view = shown(qtbot, KeysSettingsView(desk))
    assert "重新领取" in view.retire_note.text() and "照常可用" in view.retire_note.text()
    asked = []
    view.confirm = lambda title, text: asked.append(text) or False
    view.retire_box.setChecked(True)
    assert view.rotate() is None
    assert "失效" in asked[0] and passes.ensure_key(store, now=NOW) == 1


def test_a_bad_time_bank_rate_is_refused_next_to_it(qtbot, desk):
    view = shown(qtbot, KeysSettingsView(desk))
    view.rate_edit.setText("abc")
    assert view.save_rate() is None
    assert view.rate_messages.messages["rate"].isVisibleTo(view)


def test_an_offer_time_out_of_range_is_refused_next_to_it(qtbot, desk):
    view = shown(qtbot, KeysSettingsView(desk))
    view.offer_spin.setValue(5000)
    assert view.save_offer() is None
    assert view.offer_messages.messages["minutes"].isVisibleTo(view)


def test_the_resources_list_is_filtered_and_sorted(qtbot, desk):
    view = shown(qtbot, ResourcesRulesView(desk))
    view.filter_box.setText("市民广场")
    assert view.resource_proxy.rowCount() == 1
    view.filter_box.setText("")
    view.kind_filter.setCurrentIndex(view.kind_filter.findData("room"))
    assert 0 < view.resource_proxy.rowCount() < 10
    view.resource_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert view.resource_proxy.index(0, 0).data() > view.resource_proxy.index(1, 0).data()


def test_a_bad_capacity_is_refused_next_to_it_and_nothing_is_added(qtbot, desk, store):
    dialog = ResourceDialog(desk, None)
    qtbot.addWidget(dialog)
    dialog.text_field("code").setText("P111")
    dialog.text_field("name_zh").setText("临时车位")
    dialog.text_field("capacity").setText("很多")
    dialog.submit()
    assert dialog.messages["capacity"].text().startswith("容纳人数")
    with pytest.raises(DeskError):
        inventory.get(store, "P111")


def test_a_cameras_fields_are_open_only_for_a_gate_that_uses_them(qtbot, desk):
    dialog = StationDialog(desk)
    qtbot.addWidget(dialog)
    assert not dialog.fields["camera"].isEnabled() and not dialog.fields["camera_user"].isEnabled()
    dialog.fields["gate"].setCurrentIndex(dialog.fields["gate"].findData("vzenith"))
    assert dialog.fields["camera"].isEnabled() and not dialog.fields["camera_user"].isEnabled()
    dialog.fields["gate"].setCurrentIndex(dialog.fields["gate"].findData("hikvision"))
    assert dialog.fields["camera_user"].isEnabled()


def test_the_stations_list_names_the_desk_and_each_gates_camera(qtbot, desk, store):
    stations.add(store, ADMIN, "北门道闸", ["parking"], mode="in", gate="vzenith", camera="VZ-IN-01",
                 camera_address="192.168.1.20", now=NOW)
    view = shown(qtbot, StationsView(desk))
    rows = [view.model.row(r) for r in range(view.model.rowCount())]
    assert [(r["uio_col_station"], r["uio_col_gate"]) for r in rows] == [("服务台（desk）", ""),
                                                                        ("北门道闸", "臻识 · VZ-IN-01 · 192.168.1.20")]


def test_a_rooms_capacity_and_area_are_in_the_list_and_sort_as_numbers(qtbot, desk):
    view = shown(qtbot, ResourcesRulesView(desk))
    view.kind_filter.setCurrentIndex(view.kind_filter.findData("room"))
    area = view.resources.COLUMNS.index("uis_col_area")
    view.resource_table.sortByColumn(area, Qt.SortOrder.DescendingOrder)
    assert [view.resource_proxy.index(r, area).data() for r in range(3)] == ["2100", "250", "200"]


def test_a_gate_station_is_set_up_in_the_window_as_station_add_gate_does(qtbot, desk, store):
    dialog = StationDialog(desk)
    qtbot.addWidget(dialog)
    dialog.fields["name"].setText("西门入口")
    dialog.fields["mode"].setCurrentIndex(dialog.fields["mode"].findData("in"))
    dialog.fields["gate"].setCurrentIndex(dialog.fields["gate"].findData("hikvision"))
    dialog.fields["camera"].setText("127.0.0.1:8099")
    dialog.fields["camera_user"].setText("linli")
    dialog.submit()
    gate = stations.get(store, "西门入口")
    assert (gate.gate, gate.camera, gate.camera_user, gate.mode) == ("hikvision", "127.0.0.1:8099", "linli", "in")


def test_a_hikvision_cameras_password_goes_to_the_keyring_from_the_stations_view(qtbot, desk, store):
    import keyring

    from booking.gatehouse import gate_camera
    from tests.booking.gatehouse.gate_sim import MemoryKeyring
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        gate = stations.add(store, ADMIN, "西门入口", gate="hikvision", camera="127.0.0.1:8099", mode="in", now=NOW)
        view = shown(qtbot, StationsView(desk))
        row = [view.model.row(i)["name"] for i in range(view.model.rowCount())].index("西门入口")
        view.table.selectRow(row)
        assert view.password_button.isEnabled()
        assert view.set_camera_password("camera-secret") is True
        assert gate_camera.has_password(gate)
        assert "camera-secret" in backend.passwords.values()
        assert view.set_camera_password("") is False and view.error.isVisible()  # refused beside the list
    finally:
        keyring.set_keyring(previous)
