"""Every admin command of app.py has its window counterpart (issue 13).

Every command is either a desk command (listed below, a clerk may run it) or an admin command
with an entry in ui.office.screens.ADMIN_SCREENS; a new command in neither fails the first test. Each
admin command is refused to a clerk on the command line. The office's own screens are then
driven in pytest-qt on one store while the command runs on another store with the same start,
and the stores must end the same, audit log included: each driver opens the screen where the admin
finds it, fills the fields, clicks, and answers the confirmation (whose default must be No). An
admin command that is not driven here fails `test_every_admin_command_is_driven_in_the_window`.
"""
from __future__ import annotations

import inspect
import io
import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import keyring
import pytest
from PySide6.QtCore import QDate, QDateTime, QSettings, QTime
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox

from booking import cli
from booking.checkin import passes
from booking.checkin.sweep import sweep
from booking.money import fees, ledger
from booking.ops import backup, setup
from booking.people import clerks, residents
from booking.places import closures, holidays, inventory, stations
from booking.schedule import bookings
from booking.store.connection import Store
from tests.booking.gatehouse.gate_sim import MemoryKeyring
from tests.conftest import ADMIN, CLERK, NOW, copy_template
from tests.ui.modal import Modal, form, yes
from ui.app.mainwindow import MainWindow
from ui.desk.session import Desk
from ui.money.money_views import CreditsView, StatementView
from ui.office.audit_view import AuditView
from ui.office.clerks_view import ClerkDialog, ClerksView
from ui.office.resources_view import ResourceDialog, ResourcesRulesView, RuleDialog
from ui.office.closures import ClosureDialog, ClosuresView, HolidayYearDialog, HolidaysView
from ui.office.demo_dialog import DemoDialog
from ui.office.screens import ADMIN_SCREENS, VIEWS, menu_path
from ui.office.settings import (KeysSettingsView, LiftDialog, NoShowRuleDialog, NoShowView, StationDialog,
                                StationsView, TariffDialog, TariffsView)
from ui.reports.report_views import ExportDialog

# The commands a clerk may run (some have an admin-only option: those are in ADMIN_SCREENS instead).
DESK_COMMANDS = {
    "backup", "book", "cancel", "charge", "check", "closure list", "credits redeem", "credits show", "free",
    "holiday show", "import residents", "init", "list", "manual", "pay", "reissue", "report", "resident add",
    "resident edit", "resident find", "resident leave", "resident plate", "resident return", "resident unplate",
    "resources", "restriction list", "restriction show", "rule list", "scan", "shift-report", "show",
    "station list", "store-check", "sweep", "tariff list", "waitlist accept", "waitlist add", "waitlist list",
    "waitlist process", "waitlist withdraw",
    # the gates: served by the window itself (View menu) or headless on the booth PC; the cars in
    # the window's gate list, let in by hand there (F8); the whitelists it keeps in step
    "gate serve", "gate events", "gate let-in", "gate whitelist", "gate sync",
    # the drawing commands (ui/desk/offscreen.py): the pass view, the daily sheet, the heat-map
    "pass", "sheet", "heatmap", "self-test",
    # like init: the first start of the window asks the same question (ui.app.backups.offer_adoption)
    "store-adopt",
}
# Admin commands whose screen is still to come, each with the issue that brings it. Keep this short:
# an admin never needs a command prompt, so each entry is a debt.
NO_SCREEN_YET: set[str] = set()
NOW_TEXT = "2026-11-24 10:00"
PASSWORD = "admin-pass-1"


def test_every_command_is_a_desk_command_or_an_admin_command_with_a_screen() -> None:
    commands = set(cli.commands())
    assert not DESK_COMMANDS & set(ADMIN_SCREENS)
    assert NO_SCREEN_YET <= commands and not NO_SCREEN_YET & (DESK_COMMANDS | set(ADMIN_SCREENS))
    assert commands - DESK_COMMANDS - set(ADMIN_SCREENS) - NO_SCREEN_YET == set(), \
        "a new command needs a screen (ui/office/screens.py)"
    assert set(ADMIN_SCREENS) <= commands


def test_every_admin_command_names_its_menu_path() -> None:
    assert menu_path("closure add") == "管理 › 关闭时段 › 添加"
    assert all(menu_path(c).startswith(("管理", "文件", "收费", "报表", "预约详情")) for c in ADMIN_SCREENS)


# --- a clerk is refused every admin command ------------------------------------------------------

CLERK_ARGS: dict[str, list[str]] = {
    "closure add": ["--scope", "*", "--start", "2026-12-01 08:00", "--end", "2026-12-01 12:00", "--reason", "x"],
    "closure edit": ["1", "--scope", "*", "--start", "2026-12-01 08:00", "--end", "2026-12-01 12:00",
                     "--reason", "x"],
    "closure holidays": ["--scope", "*", "--reason", "x", "--since", "2026-01-01"],
    "closure remove": ["1"],
    "holiday set": ["2027", "--off", "2027-02-06"],
    "holiday clear": ["2027"],
    "resource add": ["P111", "--kind", "parking", "--name-zh", "临时"],
    "resource rename": ["P001", "--name-zh", "一号"],
    "resource edit": ["P001", "--zone", "北区"],
    "resource disable": ["P001"],
    "resource enable": ["P001"],
    "rule set": ["*", "max_days_ahead", "30"],
    "station add": ["gate"],
    "station remove": ["gate"],
    "gate password": ["gate"],
    "tariff set": ["kind:parking", "resident", "--bands", "07:30-19:00=3"],
    "restriction rule": ["room", "--no-shows", "2", "--within-days", "30", "--ban-days", "7"],
    "restriction lift": ["--resident", "1", "--reason", "x"],
    "key rotate": [],
    "credits rate": ["25"],
    "waitlist offer-time": ["45"],
    "clerk add": ["小王", "--password", "zhiban-2026"],
    "clerk passwd": ["管理员甲", "--password", "another-pass-2"],
    "clerk disable": ["管理员甲"],
    "clerk enable": ["管理员甲"],
    "clerk list": [],
    "audit": [],
    "demo": ["--years", "0.01"],
    "restore": ["--from", "elsewhere.sqlite3"],
    "refund": ["1", "--amount", "1", "--reason", "x"],
    "ledger": ["--close", "--month", "2026-10"],
    "credits add": ["--resident", "1", "--hours", "2", "--team", "t", "--activity", "a", "--approved-by", "b"],
    "export": ["--from", "2026-11-01", "--to", "2026-11-30", "--unmasked", "--reason", "x", "--csv", "out.csv"],
    "copy-store": ["--to", "postgresql://linli_owner@127.0.0.1:1/linli"],
}


def run(path: Path, *args: str, user: str | None = None) -> tuple[int, Any]:
    argv = ["--db", str(path), "--now", NOW_TEXT, *(["--user", user] if user else []), *args, "--json"]
    out = io.StringIO()
    code = cli.run(argv, out)
    return code, json.loads(out.getvalue())


def test_the_clerk_list_covers_every_admin_command() -> None:
    assert set(CLERK_ARGS) == set(ADMIN_SCREENS)


def test_a_clerk_is_refused_the_ledgers_csv_as_the_window_greys_it(store_path, store, resident) -> None:
    clerks.create_first_admin(store, "管理员甲", PASSWORD, now=NOW)
    code, answer = run(store_path, "ledger", "--month", "2026-11", "--csv", str(store_path.parent / "l.csv"))
    assert (code, answer.get("code")) == (1, "forbidden") and not (store_path.parent / "l.csv").exists()


@pytest.mark.parametrize("command", sorted(CLERK_ARGS))
def test_a_clerk_is_refused_each_admin_command(store: Store, store_path: Path, resident, command: str,
                                              monkeypatch) -> None:
    monkeypatch.chdir(store_path.parent)  # a relative file named in the arguments stays in the test's folder
    bookings.book(store, ADMIN, bookings.Request("P001", datetime(2026, 11, 25, 19), datetime(2026, 11, 26, 7),
                                                 resident.id), NOW)
    closures.add(store, ADMIN, "*", datetime(2026, 12, 1, 8), datetime(2026, 12, 1, 12), "消毒", now=NOW)
    stations.add(store, ADMIN, "gate", ["parking"], now=NOW)
    clerks.create_first_admin(store, "管理员甲", PASSWORD, now=NOW)  # from now on a command without --user is a clerk's
    code, answer = run(store_path, *command.split(), *CLERK_ARGS[command])
    assert (code, answer.get("code")) == (1, "forbidden"), answer


# --- the window does what the command does ---------------------------------------------------------

def _seed(store: Store) -> None:
    """The same start in both stores: a resident with no-shows, a closure, stations (one a Hikvision
    gate), an entered year, a paid room booking this month and one last month, all swept."""
    who = residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    other = residents.add(store, ADMIN, "李四", "5栋1单元302", "13987654321", "川AD12345", now=NOW)
    for day in (18, 20, 22):
        made = bookings.book(store, ADMIN, bookings.Request("R02", datetime(2026, 11, day, 9),
                                                            datetime(2026, 11, day, 10), who.id),
                             datetime(2026, 11, 15, 9))
        with store.write():
            store.conn.execute("UPDATE booking SET status = 'no_show' WHERE id = ?", (made.id,))
    closures.add(store, ADMIN, "res:R01", datetime(2026, 12, 1, 8), datetime(2026, 12, 1, 12), "消毒", now=NOW)
    stations.add(store, ADMIN, "gate", ["parking"], now=NOW)
    stations.add(store, ADMIN, "西门入口", gate="hikvision", camera="192.168.1.64", camera_user="linli", mode="in",
                 now=NOW)
    holidays.set_year(store, ADMIN, 2027, "2027-02-06..2027-02-13", "2027-02-20", NOW)
    passes.ensure_key(store, now=NOW)
    room = bookings.book(store, ADMIN, bookings.Request("R04", datetime(2026, 11, 27, 14), datetime(2026, 11, 27, 16),
                                                        other.id), NOW)
    ledger.pay(store, ADMIN, room.id, 4000, "cash", NOW)
    october = datetime(2026, 10, 12, 9)
    earlier = bookings.book(store, ADMIN, bookings.Request("R04", datetime(2026, 10, 12, 14),
                                                           datetime(2026, 10, 12, 16), other.id), october)
    ledger.pay(store, ADMIN, earlier.id, ledger.account(store, earlier.id, october).due_fen, "wechat", october)
    sweep(store, NOW)  # what the window's minute and a command's swept store would do, done before both


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, template_store: Path) -> Path:
    """The seeded start of `two`, made once per module (migrating and seeding two new stores
    for each test cost about 0.5 s of its setup); each test gets two copies of the closed file."""
    path = tmp_path_factory.mktemp("seeded") / "seeded.sqlite3"
    copy_template(template_store, path)
    with pytest.MonkeyPatch.context() as patch:  # as `_isolated` does for a test: not the user's folder
        patch.setenv("LINLI_DATA_DIR", str(tmp_path_factory.mktemp("appdata")))
        store = setup.open_ready(path, now=NOW)
        _seed(store)
        store.close()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # one file: nothing left in a -wal
    return path


@pytest.fixture
def two(tmp_path: Path, seeded: Path):
    """(path of the command's store, the window's store), both seeded alike."""
    paths = tmp_path / "by-command.sqlite3", tmp_path / "by-window.sqlite3"
    for path in paths:
        copy_template(seeded, path)
    window_store = setup.open_ready(paths[1], now=NOW)
    yield paths[0], window_store
    window_store.close()


def _clean(value: Any) -> Any:
    """Times of the wall clock (created_at, updated_at, ...) left out; everything else compared."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if not (k.endswith("_at") and k not in ("start_at", "end_at"))
                and k not in ("secret", "password_hash")}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _reason(reason: str | None) -> str | None:
    """The reason without the note of a fixed clock: the command runs with --now, and the note
    carries the real time of the run (a wall-clock value, like created_at)."""
    if reason is None:
        return None
    return re.sub(r"(^| · )固定时钟（[^）]*）", "", reason) or None


def _state(store: Store, query: str) -> dict[str, Any]:
    rows = [_clean(dict(r)) for r in store.db.query(query)]
    log = [(e["action"], e["entity"], e["entity_id"], _clean(json.loads(e["before"] or "null")),
            _clean(json.loads(e["after"] or "null")), _reason(e["reason"]))
           for e in store.db.query("SELECT * FROM audit WHERE id > (SELECT max(id) - 5 FROM audit) ORDER BY id")]
    return {"rows": rows, "audit": log}


def _same(command_path: Path, window_store: Store, query: str) -> None:
    by_command = setup.open_ready(command_path, now=NOW)
    try:
        assert _state(window_store, query) == _state(by_command, query)
    finally:
        by_command.close()


def _show(qtbot, view):
    qtbot.addWidget(view)
    view.show()
    return view


def _qdt(text: str) -> QDateTime:
    moment = datetime.strptime(text, "%Y-%m-%d %H:%M")
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute))


def _select(table: Any, model: Any, found: Callable[[int], bool]) -> None:
    """Select the first row of `table` whose source row satisfies `found`."""
    row = next(r for r in range(model.rowCount()) if found(r))
    table.selectRow(row)


# Each driver works the window as the admin would: it opens the view, selects, clicks the button, and
# fills and saves each dialog that opens (Modal), answering the questions Yes.

def drive_closure_add(qtbot, desk: Desk) -> None:
    def fill(dialog: ClosureDialog) -> None:
        dialog.fields["scope"].setCurrentIndex(dialog.fields["scope"].findData("res:R06"))
        dialog.set_pattern("weekly")
        dialog.start_edit.setDateTime(_qdt("2026-12-05 08:00"))
        dialog.end_edit.setDateTime(_qdt("2026-12-05 12:00"))
        for code, box in dialog.day_boxes.items():
            box.setChecked(code == "SA")
        dialog.count_radio.setChecked(True)
        dialog.count_spin.setValue(4)
        dialog.fields["reason"].setText("周六集市")
    view = _show(qtbot, ClosuresView(desk))
    with Modal(form(ClosureDialog, fill)):
        view.add_button.click()


def drive_closure_edit(qtbot, desk: Desk) -> None:
    view = _show(qtbot, ClosuresView(desk))
    view.table.selectRow(0)
    with Modal(form(ClosureDialog, lambda dialog: dialog.fields["reason"].setText("水管维修"))):
        view.edit_button.click()


def drive_closure_holidays(qtbot, desk: Desk) -> None:
    def fill(dialog: ClosureDialog) -> None:
        dialog.fields["scope"].setCurrentIndex(dialog.fields["scope"].findData("kind:room"))
        dialog.set_pattern("holidays")
        dialog.start_edit.setDateTime(_qdt("2026-01-01 00:00"))
        dialog.fields["reason"].setText("节假日闭馆")
    view = _show(qtbot, ClosuresView(desk))
    with Modal(form(ClosureDialog, fill)):
        view.add_button.click()


def drive_closure_remove(qtbot, desk: Desk) -> None:
    view = _show(qtbot, ClosuresView(desk))
    view.table.selectRow(0)
    with Modal(yes()):
        view.remove_button.click()


def drive_holiday_set(qtbot, desk: Desk) -> None:
    def fill(dialog: HolidayYearDialog) -> None:
        dialog.fields["days_off"].setPlainText("2028-01-25..2028-02-01")
        dialog.fields["workdays"].setPlainText("2028-01-23")
    view = _show(qtbot, HolidaysView(desk))
    view.year_spin.setValue(2028)
    with Modal(form(HolidayYearDialog, fill)):
        view.enter_button.click()


def drive_holiday_clear(qtbot, desk: Desk) -> None:
    view = _show(qtbot, HolidaysView(desk))
    view.year_spin.setValue(2027)
    assert view.clear_button.isEnabled()
    with Modal(yes()):
        view.clear_button.click()


def _resources(qtbot, desk: Desk, code: str | None = None) -> ResourcesRulesView:
    view = _show(qtbot, ResourcesRulesView(desk))
    if code is not None:
        view._select_code(code)
        assert view._selected_resource().code == code
    return view


def drive_resource_add(qtbot, desk: Desk) -> None:
    def fill(dialog: ResourceDialog) -> None:
        dialog.text_field("code").setText("P111")
        dialog.text_field("name_zh").setText("临时车位")
        dialog.text_field("zone").setText("北区")
        dialog.feature_boxes["ev"].setChecked(True)
    view = _resources(qtbot, desk)
    with Modal(form(ResourceDialog, fill)):
        view.add_button.click()


def _edit_resource(qtbot, desk: Desk, code: str, **texts: str) -> None:
    def fill(dialog: ResourceDialog) -> None:
        for name, text in texts.items():
            dialog.text_field(name).setText(text)
    view = _resources(qtbot, desk, code)
    with Modal(form(ResourceDialog, fill)):
        view.edit_button.click()


def drive_resource_rename(qtbot, desk: Desk) -> None:
    _edit_resource(qtbot, desk, "R01", name_zh="党群服务站")


def drive_resource_edit(qtbot, desk: Desk) -> None:
    _edit_resource(qtbot, desk, "R01", zone="北区", capacity="30")


def drive_resource_disable(qtbot, desk: Desk) -> None:
    view = _resources(qtbot, desk, "P001")
    with Modal(yes()):
        view.toggle_button.click()


def prepare_resource_enable(store: Store, _tmp: Path) -> None:
    inventory.set_enabled(store, ADMIN, "P002", False, now=NOW)


def drive_resource_enable(qtbot, desk: Desk) -> None:
    view = _resources(qtbot, desk, "P002")
    assert view.toggle_button.text() == "启用(&E)"
    with Modal():  # enabling takes nothing away: no question
        view.toggle_button.click()


def drive_rule_set(qtbot, desk: Desk) -> None:
    def fill(dialog: RuleDialog) -> None:
        dialog.name_field.setCurrentIndex(dialog.name_field.findData("max_days_ahead"))
        dialog.value_field.setText("30")
    view = _resources(qtbot, desk)
    with Modal(form(RuleDialog, fill)):
        view.rule_button.click()


def drive_station_add(qtbot, desk: Desk) -> None:
    def fill(dialog: StationDialog) -> None:
        dialog.fields["name"].setText("北门")
        dialog.kind_boxes["parking"].setChecked(True)
        dialog.fields["resources"].setText("R01")
        dialog.fields["mode"].setCurrentIndex(dialog.fields["mode"].findData("in"))
    view = _show(qtbot, StationsView(desk))
    with Modal(form(StationDialog, fill)):
        view.add_button.click()


def _station(view: StationsView, name: str) -> None:
    _select(view.table, view.model, lambda r: view.model.row(r)["name"] == name)


def drive_station_remove(qtbot, desk: Desk) -> None:
    view = _show(qtbot, StationsView(desk))
    _station(view, "gate")
    with Modal(yes()):
        view.remove_button.click()


def drive_gate_password(qtbot, desk: Desk) -> None:
    def fill(dialog: QInputDialog) -> Callable[[], Any]:
        assert isinstance(dialog, QInputDialog) and dialog.textEchoMode() == QLineEdit.EchoMode.Password
        dialog.setTextValue(CAMERA_PASSWORD)
        return dialog.accept
    view = _show(qtbot, StationsView(desk))
    _station(view, "西门入口")
    with Modal(fill):
        view.password_button.click()


def drive_tariff_set(qtbot, desk: Desk) -> None:
    view = _show(qtbot, TariffsView(desk))
    _select(view.table, view.model, lambda r: (view.model.row(r)["tariff"].scope,
                                               view.model.row(r)["tariff"].payer) == ("kind:parking", "resident"))
    with Modal(form(TariffDialog, lambda dialog: dialog.free_spin.setValue(45)), yes()):
        view.edit_button.click()


def drive_restriction_rule(qtbot, desk: Desk) -> None:
    def fill(dialog: NoShowRuleDialog) -> None:
        dialog.fields["kind"].setCurrentIndex(dialog.fields["kind"].findData("room"))
        for name, value in (("no_shows", 2), ("within_days", 30), ("ban_days", 7)):
            dialog.fields[name].setValue(value)
    view = _show(qtbot, NoShowView(desk))
    view.rule_table.clearSelection()
    with Modal(form(NoShowRuleDialog, fill)):
        view.rule_button.click()


def drive_restriction_lift(qtbot, desk: Desk) -> None:
    view = _show(qtbot, NoShowView(desk))
    assert view.restricted.rowCount() == 1
    view.restricted_table.selectRow(0)
    with Modal(form(LiftDialog, lambda dialog: dialog.fields["reason"].setText("住院，情况特殊"))):
        view.lift_button.click()


def drive_key_rotate(qtbot, desk: Desk) -> None:
    view = _show(qtbot, KeysSettingsView(desk))
    view.retire_box.setChecked(True)
    asked: list[str] = []
    with Modal(yes(asked)):
        view.rotate_button.click()
    assert "以前发出的所有通行证都将失效" in asked[0]


def drive_credits_rate(qtbot, desk: Desk) -> None:
    view = _show(qtbot, KeysSettingsView(desk))
    view.rate_edit.setText("25")
    view.rate_save.click()
    assert view.rate_edit.text() == "25.00"


def drive_offer_time(qtbot, desk: Desk) -> None:
    view = _show(qtbot, KeysSettingsView(desk))
    view.offer_spin.setValue(45)
    view.offer_save.click()


# The earlier admin screens, in the main window as the admin finds them: the File, Money and
# Reports menus, a booking's details, the Manage menu's demo data.

def _window(qtbot, desk: Desk, tmp: Path) -> MainWindow:
    window = MainWindow(desk, QSettings(str(tmp / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    return window


def prepare_restore(store: Store, tmp: Path) -> None:
    """A backup of the seeded store (the first store to get here writes it), then a change it lacks."""
    if not (tmp / "backup.sqlite3").exists():
        backup.backup(store, tmp / "backup.sqlite3")
    residents.add(store, ADMIN, "王五", "7栋1单元101", "13700001111", now=NOW)


def drive_restore(qtbot, desk: Desk, tmp: Path) -> None:
    from ui.app import backups
    window = _window(qtbot, desk, tmp)
    backups.add_menu_actions(window, desk)  # as ui/main.py does

    def choose(dialog: QFileDialog) -> Callable[[], Any]:
        assert isinstance(dialog, QFileDialog), type(dialog).__name__
        dialog.selectFile(str(tmp / "backup.sqlite3"))
        return dialog.accept

    def done(box: QMessageBox) -> Callable[[], Any]:
        assert isinstance(box, QMessageBox) and "已从备份恢复" in box.text()
        return box.accept

    with Modal(choose, yes(), done):
        window.restore_action.trigger()


def drive_refund(qtbot, desk: Desk, tmp: Path) -> None:
    window = _window(qtbot, desk, tmp)
    details = window.open_details(ROOM_BOOKING)
    details.refund_amount_button.click()
    dialog = details.refund_dialog
    dialog.amount.setText("15.50")
    dialog.reason.setText("空调故障，退部分场地费")
    with Modal(yes()):
        dialog.ok_button.click()
    assert dialog.outcome


def _statement(qtbot, desk: Desk, tmp: Path, month: str) -> StatementView:
    window = _window(qtbot, desk, tmp)
    window.act_statement.trigger()
    view: StatementView = window.tool_windows["statement"].view
    view.month_edit.setDate(QDate(int(month[:4]), int(month[5:]), 1))
    return view


def drive_ledger_close(qtbot, desk: Desk, tmp: Path) -> None:
    view = _statement(qtbot, desk, tmp, "2026-10")
    assert view.close_button.isEnabled()
    with Modal(yes()):
        view.close_button.click()
    assert view.statement is not None and view.statement.closed


def _room_payment(store: Store) -> int:
    return ledger.for_booking(store, ROOM_BOOKING)[0].id


def drive_ledger_correct(qtbot, desk: Desk, tmp: Path) -> None:
    view = _statement(qtbot, desk, tmp, "2026-11")
    paid = _room_payment(desk.store)
    _select(view.entries_view, view.entries_model, lambda r: view.entries_model.payment(r).id == paid)
    view.correct_button.click()
    dialog = view.correct_dialog
    dialog.amount.setText("-5")
    dialog.reason.setText("多收了五元")
    with Modal(yes()):
        dialog.ok_button.click()
    assert dialog.outcome is not None


def drive_ledger_csv(qtbot, desk: Desk, tmp: Path) -> None:
    view = _statement(qtbot, desk, tmp, "2026-11")

    def save_as(dialog: QFileDialog) -> Callable[[], Any]:
        assert isinstance(dialog, QFileDialog), type(dialog).__name__
        dialog.selectFile(str(tmp / "ledger.csv"))
        return dialog.accept

    with Modal(save_as):
        view.csv_button.click()
    assert "ledger.csv" in view.message.text()


def drive_credits_add(qtbot, desk: Desk, tmp: Path) -> None:
    window = _window(qtbot, desk, tmp)
    window.act_credits.trigger()
    view: CreditsView = window.tool_windows["credits"].view
    view.find_edit.setText("5678")
    assert view.chosen is not None and view.chosen.name == "张三丰"
    for edit, text in ((view.hours_edit, "2.5"), (view.team_edit, "红袖标巡逻队"), (view.activity_edit, "夜间巡逻"),
                       (view.approved_edit, "王队长")):
        edit.setText(text)
    view.add_button.click()
    assert "2.5" in view.message.text()


def drive_export(qtbot, desk: Desk, tmp: Path) -> None:
    window = _window(qtbot, desk, tmp)
    window.act_export.trigger()
    dialog = window.findChild(ExportDialog)
    dialog.from_edit.setDate(QDate(2026, 11, 1))
    dialog.to_edit.setDate(QDate(2026, 11, 30))
    dialog.csv_path.setText(str(tmp / "export.csv"))
    dialog.masked_box.setChecked(False)
    dialog.reason_edit.setText("派出所协查")
    with qtbot.waitSignal(dialog.finished_export, timeout=60_000) as finished:
        dialog.go_button.click()
    assert finished.args[0] is not None, dialog.message.text()


def drive_demo(qtbot, desk: Desk, tmp: Path) -> None:
    window = _window(qtbot, desk, tmp)
    window.admin_menu.demo_action.trigger()
    dialog = window.findChild(DemoDialog)
    dialog.years.setValue(0.1)
    assert not dialog.start_button.isEnabled()  # until the admin ticks that they understand
    dialog.confirm.setChecked(True)
    with qtbot.waitSignal(dialog.finished_work, timeout=120_000):
        dialog.start_button.click()


ROOM_BOOKING = 4  # the seed's paid room booking (after the three no-shows)
CAMERA_PASSWORD = "camera-secret-1"


def _tariff_args(store_path: Path) -> list[str]:
    opened = setup.open_ready(store_path, now=NOW)
    try:
        t = fees.tariff_for_scope(opened, "kind:parking", "resident")
    finally:
        opened.close()
    bands = ",".join(f"{b['from']}-{b['to']}={b['rate']}" for b in t.to_json()["bands"])
    return ["kind:parking", "resident", "--bands", bands, "--free", "45", "--unit", str(t.unit_minutes),
            "--cap", "none" if t.daily_cap_fen is None else fees.yuan_text(t.daily_cap_fen),
            "--exempt", ",".join(t.exempt)]


def _correct_args(store_path: Path) -> list[str]:
    opened = setup.open_ready(store_path, now=NOW)
    try:
        return [str(_room_payment(opened)), "--amount", "-5", "--reason", "多收了五元"]
    finally:
        opened.close()


LEDGER = "SELECT booking_id, entry, method, amount_fen, reason, corrects, receipt_no FROM payment ORDER BY id"


class Case(NamedTuple):
    """A command's words and arguments (or a function of the command's store path giving them),
    the driver of its window counterpart, the query whose rows must end alike, and what to do to
    both stores first."""
    args: list[str] | Callable[[Path], list[str]]
    drive: Callable[..., None]
    query: str
    prepare: Callable[[Store, Path], None] | None = None
    writes: str | None = None  # the file (in the test's folder) both must write alike


# The key names the command; words after it that start with -- are its fixed options.
CASES: dict[str, Case] = {
    "closure add": Case(["--scope", "res:R06", "--start", "2026-12-05 08:00", "--end", "2026-12-05 12:00",
                         "--reason", "周六集市", "--repeat", "FREQ=WEEKLY;BYDAY=SA;COUNT=4"],
                        drive_closure_add, "SELECT * FROM closure"),
    "closure edit": Case(["1", "--scope", "res:R01", "--start", "2026-12-01 08:00", "--end", "2026-12-01 12:00",
                          "--reason", "水管维修"], drive_closure_edit, "SELECT * FROM closure"),
    "closure holidays": Case(["--scope", "kind:room", "--reason", "节假日闭馆", "--since", "2026-01-01"],
                             drive_closure_holidays, "SELECT * FROM closure"),
    "closure remove": Case(["1"], drive_closure_remove, "SELECT * FROM closure"),
    "holiday set": Case(["2028", "--off", "2028-01-25..2028-02-01", "--work", "2028-01-23"], drive_holiday_set,
                        "SELECT * FROM holiday_year"),
    "holiday clear": Case(["2027"], drive_holiday_clear, "SELECT * FROM holiday_year"),
    "resource add": Case(["P111", "--kind", "parking", "--name-zh", "临时车位", "--zone", "北区", "--ev"],
                         drive_resource_add, "SELECT * FROM resource"),
    "resource rename": Case(["R01", "--name-zh", "党群服务站"], drive_resource_rename, "SELECT * FROM resource"),
    "resource edit": Case(["R01", "--zone", "北区", "--capacity", "30"], drive_resource_edit,
                          "SELECT * FROM resource"),
    "resource disable": Case(["P001"], drive_resource_disable, "SELECT * FROM resource"),
    "resource enable": Case(["P002"], drive_resource_enable, "SELECT * FROM resource", prepare_resource_enable),
    "rule set": Case(["*", "max_days_ahead", "30"], drive_rule_set, "SELECT scope, name, value FROM rule"),
    "station add": Case(["北门", "--kind", "parking", "--resource", "R01", "--mode", "in"], drive_station_add,
                        "SELECT * FROM station"),
    "station remove": Case(["gate"], drive_station_remove, "SELECT * FROM station"),
    "gate password": Case(["西门入口"], drive_gate_password, "SELECT * FROM station"),
    "tariff set": Case(_tariff_args, drive_tariff_set,
                       "SELECT t.scope, t.payer, free_minutes, unit_minutes, daily_cap_fen, exempt, band_from, "
                       "band_to, rate_fen FROM tariff t JOIN tariff_band b ON b.tariff_id = t.id "
                       "ORDER BY t.scope, t.payer, band_from"),
    "restriction rule": Case(["room", "--no-shows", "2", "--within-days", "30", "--ban-days", "7"],
                             drive_restriction_rule, "SELECT kind, no_shows, within_days, ban_days FROM no_show_rule"),
    "restriction lift": Case(["--door", "3栋2单元501", "--reason", "住院，情况特殊"], drive_restriction_lift,
                             "SELECT household_id, at, reason, lifted_by FROM restriction_lift"),
    "key rotate": Case(["--retire-old"], drive_key_rotate,
                       "SELECT kid, retired_at IS NOT NULL AS retired FROM pass_key ORDER BY kid"),
    "credits rate": Case(["25"], drive_credits_rate, "SELECT * FROM setting WHERE key LIKE '%rate%'"),
    "waitlist offer-time": Case(["45"], drive_offer_time, "SELECT * FROM setting WHERE key LIKE '%offer%'"),
    "restore": Case(lambda path: ["--from", str(path.parent / "backup.sqlite3")], drive_restore,
                    "SELECT name, phone, active FROM resident ORDER BY id", prepare_restore),
    "refund": Case([str(ROOM_BOOKING), "--amount", "15.50", "--reason", "空调故障，退部分场地费"], drive_refund,
                   LEDGER),
    "ledger --close": Case(["--month", "2026-10"], drive_ledger_close, "SELECT month, closed_by FROM ledger_month"),
    "ledger --correct": Case(_correct_args, drive_ledger_correct, LEDGER),
    "ledger --csv": Case(lambda path: [str(path.parent / "ledger.csv"), "--month", "2026-11"],
                         drive_ledger_csv, LEDGER, writes="ledger.csv"),
    "credits add": Case(["--resident", "1", "--hours", "2.5", "--team", "红袖标巡逻队", "--activity", "夜间巡逻",
                         "--approved-by", "王队长"], drive_credits_add,
                        "SELECT resident_id, entry, minutes, team, activity, approved_by FROM timebank ORDER BY id"),
    "export": Case(lambda path: ["--from", "2026-11-01", "--to", "2026-11-30", "--csv", str(path.parent / "export.csv"),
                                 "--unmasked", "--reason", "派出所协查"], drive_export, "SELECT count(*) FROM booking",
                   writes="export.csv"),
    "demo": Case(["--years", "0.1"], drive_demo,
                 "SELECT b.resource_id, b.household_id, b.plate, b.start_at, b.end_at, b.status, b.purpose "
                 "FROM booking b ORDER BY b.id"),
}


def command_of(case: str) -> str:
    return " ".join(word for word in case.split() if not word.startswith("--"))


def _drive(drive: Callable[..., None], qtbot, desk: Desk, tmp: Path) -> None:
    """A driver of an earlier screen takes the folder too (the main window's settings, files)."""
    if "tmp" in inspect.signature(drive).parameters:
        drive(qtbot, desk, tmp)
    else:
        drive(qtbot, desk)


@pytest.fixture
def keyrings():
    """Two keyrings in memory: the command's and the window's (a camera's password is kept there)."""
    previous = keyring.get_keyring()
    pair = MemoryKeyring(), MemoryKeyring()
    yield pair
    keyring.set_keyring(previous)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_window_does_what_the_command_does(qtbot, two, case: str, keyrings, tmp_path, monkeypatch) -> None:
    command_path, window_store = two
    args, drive, query, prepare, writes = CASES[case]
    if prepare is not None:
        by_command = setup.open_ready(command_path, now=NOW)
        prepare(by_command, tmp_path)
        by_command.close()
        prepare(window_store, tmp_path)
    monkeypatch.setenv("LINLI_CAMERA_PASSWORD", CAMERA_PASSWORD)  # how `gate password` is given it
    keyring.set_keyring(keyrings[0])
    code, answer = run(command_path, *case.split(), *(args(command_path) if callable(args) else args),
                       user=ADMIN.name)
    assert code == 0, answer
    written = (tmp_path / writes).read_bytes() if writes else None
    if writes:
        (tmp_path / writes).unlink()
    keyring.set_keyring(keyrings[1])
    _drive(drive, qtbot, Desk(window_store, ADMIN, fixed_now=NOW), tmp_path)
    _same(command_path, window_store, query)
    assert keyrings[1].passwords == keyrings[0].passwords
    if writes:
        assert (tmp_path / writes).read_bytes() == written


# --- the clerk accounts: their window (ui/office/clerks_view.py) against the commands ---------------------------

@pytest.fixture
def accounts(two, monkeypatch):
    command_path, window_store = two
    by_command = setup.open_ready(command_path, now=NOW)
    clerks.create_first_admin(by_command, ADMIN.name, PASSWORD, now=NOW)
    by_command.close()
    boss = clerks.create_first_admin(window_store, ADMIN.name, PASSWORD, now=NOW)
    monkeypatch.setenv("LINLI_PASSWORD", PASSWORD)
    return command_path, window_store, Desk(window_store, boss, fixed_now=NOW)


ACCOUNTS = "SELECT name, role, active FROM clerk ORDER BY name"


def _fill_clerk(name: str | None, password: str) -> Callable[[ClerkDialog], None]:
    def fill(dialog: ClerkDialog) -> None:
        if name is not None:
            dialog.fields["name"].setText(name)
        for field in ("password", "again"):
            dialog.fields[field].setText(password)
    return fill


def _clerk_row(view: ClerksView, name: str) -> None:
    _select(view.table, view.model, lambda r: view.model.clerk(r).name == name)


def _new_clerk(qtbot, desk: Desk, name: str) -> ClerksView:
    view = _show(qtbot, ClerksView(desk))
    with Modal(form(ClerkDialog, _fill_clerk(name, "zhiban-2026"))):
        view.add_button.click()
    return view


def test_adding_a_clerk_in_the_window_does_what_clerk_add_does(qtbot, accounts) -> None:
    command_path, window_store, desk = accounts
    assert run(command_path, "clerk", "add", "小王", "--password", "zhiban-2026", user=ADMIN.name)[0] == 0
    _new_clerk(qtbot, desk, "小王")
    _same(command_path, window_store, ACCOUNTS)


def test_a_password_set_in_the_window_signs_in_as_clerk_passwd_does(qtbot, accounts) -> None:
    command_path, window_store, desk = accounts
    for store_args in (("clerk", "add", "小王", "--password", "zhiban-2026"),
                       ("clerk", "passwd", "小王", "--password", "new-pass-2026")):
        assert run(command_path, *store_args, user=ADMIN.name)[0] == 0
    view = _new_clerk(qtbot, desk, "小王")
    _clerk_row(view, "小王")
    with Modal(form(ClerkDialog, _fill_clerk(None, "new-pass-2026"))):
        view.password_button.click()
    assert clerks.authenticate(window_store, "小王", "new-pass-2026", now=NOW).name == "小王"
    by_command = setup.open_ready(command_path, now=NOW)
    assert clerks.authenticate(by_command, "小王", "new-pass-2026", now=NOW).name == "小王"
    by_command.close()
    _same(command_path, window_store, ACCOUNTS)


def test_disabling_and_enabling_a_clerk_in_the_window_does_what_the_commands_do(qtbot, accounts) -> None:
    command_path, window_store, desk = accounts
    assert run(command_path, "clerk", "add", "小王", "--password", "zhiban-2026", user=ADMIN.name)[0] == 0
    assert run(command_path, "clerk", "disable", "小王", user=ADMIN.name)[0] == 0
    view = _new_clerk(qtbot, desk, "小王")
    _clerk_row(view, "小王")
    with Modal(yes()):
        view.toggle_button.click()
    _same(command_path, window_store, ACCOUNTS)
    assert run(command_path, "clerk", "enable", "小王", user=ADMIN.name)[0] == 0
    _clerk_row(view, "小王")
    with Modal():  # enabling takes nothing away: no question
        view.toggle_button.click()
    _same(command_path, window_store, ACCOUNTS)


def test_the_clerks_view_lists_what_clerk_list_answers(qtbot, accounts) -> None:
    command_path, _window_store, desk = accounts
    code, answer = run(command_path, "clerk", "list", user=ADMIN.name)
    view = _show(qtbot, ClerksView(desk))
    assert code == 0
    assert [view.model.clerk(r).name for r in range(view.model.rowCount())] == [c["name"] for c in answer["clerks"]]


def test_the_audit_view_shows_the_entries_the_audit_command_answers(qtbot, two) -> None:
    command_path, window_store = two
    code, answer = run(command_path, "audit", "--limit", "100", user=ADMIN.name)
    view = _show(qtbot, AuditView(Desk(window_store, ADMIN, fixed_now=NOW)))
    assert code == 0 and view.model.rowCount() == len(answer["entries"]) > 10
    for row, entry in enumerate(answer["entries"]):
        shown = " ".join(str(view.model.index(row, c).data()) for c in range(view.model.columnCount()))
        assert str(entry["entity_id"] or "") in shown and entry["actor"] in shown


# --- a clerk finds each of them greyed, with the reason --------------------------------------------

def _credits_add_box(window: MainWindow) -> Any:
    window.act_credits.trigger()
    view: CreditsView = window.tool_windows["credits"].view
    view.find_edit.setText("5678")
    assert view.chosen is not None
    return view.add_box


def _export_masking(window: MainWindow) -> Any:
    window.act_export.trigger()
    return window.findChild(ExportDialog).masked_box


# Where the window does an earlier admin command that is not a view of the Manage menu (ui/office/screens.py's place).
EARLIER_PLACES: dict[str, Callable[[MainWindow], Any]] = {
    "uio_do_demo": lambda window: window.admin_menu.demo_action,
    "uio_do_restore": lambda window: window.restore_action,
    "uio_do_refund": lambda window: window.open_details(ROOM_BOOKING).refund_amount_button,
    "uio_do_ledger": lambda window: window.act_statement,
    "uio_do_credits": _credits_add_box,
    "uio_do_export": _export_masking,
    "ust_title": lambda window: window.admin_menu.store_action,
}


def _place(window: MainWindow, command: str) -> Any:
    _menu, place, _action = ADMIN_SCREENS[command]
    for name, (view_class, _key) in window.admin_menu.views.items():
        if view_class.VIEW_KEY == place:
            return window.admin_menu.actions[name]
    return EARLIER_PLACES[place](window)


@pytest.fixture(scope="module")
def clerks_window(qapp, seeded: Path, tmp_path_factory: pytest.TempPathFactory):
    """One window of a clerk over a copy of the seeded store, shared by the commands' cases below:
    each only looks up its command's place and reads it (building 33 windows cost about 8 s of CPU).
    Looking a place up may open a view or a dialog; none of them changes what a clerk may do."""
    from ui.app import backups
    folder = tmp_path_factory.mktemp("clerks-window")
    copy_template(seeded, folder / "desk.sqlite3")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LINLI_DATA_DIR", str(folder / "appdata"))
        window_store = setup.open_ready(folder / "desk.sqlite3", now=NOW)
        desk = Desk(window_store, CLERK, fixed_now=NOW)
        window = MainWindow(desk, QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat))
        window.show()
        backups.add_menu_actions(window, desk)
        yield window
        for shown in qapp.topLevelWidgets():
            shown.close()
        window.deleteLater()
        qapp.processEvents()
        window_store.close()


@pytest.mark.parametrize("command", sorted(ADMIN_SCREENS))
def test_a_clerk_finds_each_admin_commands_place_greyed_with_the_reason(clerks_window, command) -> None:
    place = _place(clerks_window, command)
    assert not place.isEnabled()
    assert "管理员" in place.toolTip(), place.toolTip()


# These are driven by the tests above (and copy-store by its own, on the server), not by CASES.
ACCOUNT_TESTS = {"clerk add", "clerk passwd", "clerk disable", "clerk enable", "clerk list", "audit", "copy-store"}


def test_every_admin_command_is_driven_in_the_window() -> None:
    driven = {command_of(case) for case in CASES} | ACCOUNT_TESTS
    assert set(ADMIN_SCREENS) - driven == set(), "drive the new command's screen here (CASES)"
    assert driven <= set(ADMIN_SCREENS)


def test_the_office_views_are_in_the_manage_menu(qtbot, store) -> None:
    from ui.office.admin import AdminMenu
    menu = AdminMenu(Desk(store, ADMIN, fixed_now=NOW), None, VIEWS)
    titles = [a.text() for a in menu.menu.actions() if a.text()]
    assert titles.index("关闭时段(&L)…") == titles.index("车位、场地与规则(&P)…") + 1
    for name in VIEWS:
        assert menu.actions[name].isEnabled()


# --- copy-store: the store setting's copy screen (ui/office/store_copy.py) against the command -----------

def _plain(url: Any) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _copy_in_the_window(qtbot, desk: Desk, url: Any, source: Path) -> Any:
    from ui.office.store_copy import CopyStoreDialog
    from ui.office.store_setting import StoreSettingDialog
    setting = StoreSettingDialog(desk, where=QSettings(str(source.parent / "setting.ini"), QSettings.Format.IniFormat),
                                 confirm=lambda *_a: False)
    qtbot.addWidget(setting)
    setting.show()
    setting.file_edit.setText(str(source))
    setting.server_radio.setChecked(True)
    for field, value in (("host", url.host), ("port", str(url.port)), ("database", url.database),
                         ("user", url.username), ("password", url.password)):
        setting.fields[field].setText(value)
    setting.sslmode.setCurrentIndex(setting.sslmode.findData("prefer"))
    assert setting.copy_button.isEnabled()
    setting.copy_button.click()
    copy = setting.copy_dialog
    assert isinstance(copy, CopyStoreDialog)
    asked: list[str] = []
    with Modal(yes(asked)):
        copy.start_button.click()
    assert copy.wait()
    qtbot.waitUntil(lambda: copy.result_data is not None or copy.error is not None)
    assert asked and str(source) in asked[0]
    return copy


def test_copying_the_store_in_the_window_does_what_copy_store_does(qtbot, two, pg_server, pg_empty_url) -> None:
    command_path, window_store = two
    code, answer = run(command_path, "copy-store", "--to", _plain(pg_empty_url), user=ADMIN.name)
    assert code == 0, answer
    other = pg_server.create(template="template0")
    try:
        copy = _copy_in_the_window(qtbot, Desk(window_store, ADMIN, fixed_now=NOW), pg_server.database_url(other),
                                   Path(window_store.path))
        assert copy.error is None, copy.error.message()
        assert copy.result_data["tables"] == answer["tables"] and copy.result_data["rows"] == answer["rows"]
        assert copy.result_data["sequences"] == answer["sequences"]
        shown = copy.report.toPlainText()
        assert f"booking：{answer['tables']['booking']['rows']} 行" in shown
        assert "逐表核对" in copy.status.text()
        assert copy.progress.maximum() == len(answer["tables"])  # the bar followed the tables copied
        assert pg_server.url.password not in copy.status.text() + shown
    finally:
        pg_server.drop(other)


def test_the_window_refuses_to_copy_over_a_database_that_is_not_empty(qtbot, two, pg_url) -> None:
    _command_path, window_store = two
    copy = _copy_in_the_window(qtbot, Desk(window_store, ADMIN, fixed_now=NOW), pg_url, Path(window_store.path))
    assert copy.result_data is None and copy.error is not None
    assert "不是空的" in copy.status.text() and "不会覆盖" in copy.status.text()
