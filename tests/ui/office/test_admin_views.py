"""The office views: residents for everyone; resources, rules, clerks and the audit log for admins."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from booking.store.changes import Changes
from booking.people import clerks, residents
from booking.places import inventory
from booking.policy import rules
from ui.desk import language
from ui.office.admin import AdminMenu
from ui.office.audit_view import AuditView
from ui.office.clerks_view import ClerkDialog, ClerksView
from ui.office.residents_view import ResidentDialog, ResidentsView
from ui.office.resources_view import ResourcesRulesView, RuleDialog
from ui.office.admin_models import AuditModel, ClerksModel, ResidentsModel, ResourcesModel, RulesModel
from ui.desk.session import Desk

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


@pytest.fixture
def admin_desk(store, admin, now):
    return Desk(store, admin, fixed_now=now)


@pytest.fixture
def clerk_desk(store, clerk, now):
    return Desk(store, clerk, fixed_now=now)


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    return widget


# --- models -----------------------------------------------------------------------------------

def test_the_residents_model_is_a_proper_model(qtmodeltester, store, resident, neighbour):
    model = ResidentsModel(store)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    model.search("4321")
    assert model.rowCount() == 1 and model.index(0, 0).data() == "李四"


def test_the_resources_model_is_a_proper_model(qtmodeltester, store):
    model = ResourcesModel(store)
    qtmodeltester.check(model)
    assert model.rowCount() == 117 and model.index(0, 0).data() == "P001"


def test_the_rules_model_is_a_proper_model(qtmodeltester, store):
    qtmodeltester.check(RulesModel(store))


def test_the_clerks_model_is_a_proper_model(qtmodeltester, store):
    boss = clerks.create_first_admin(store, "王主任", "admin-pass-1", now=NOW)
    clerks.add(store, boss, "小李", "clerk", "zhiban-2026", now=NOW)
    model = ClerksModel(store)
    qtmodeltester.check(model)
    assert [model.index(r, 2).data() for r in range(2)] == ["管理员", "值班员"]


def test_the_audit_model_is_a_proper_model_that_pages(qtmodeltester, store, admin):
    for number in range(250):  # more than a page
        residents.add(store, admin, f"居民{number}", "3栋2单元501", f"138{number:08d}", now=NOW)
    model = AuditModel(store)
    assert model.rowCount() == 200 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() > 250 and not model.canFetchMore()
    qtmodeltester.check(AuditModel(store))


# --- residents ----------------------------------------------------------------------------------

def test_a_clerk_registers_a_resident_with_a_message_next_to_a_bad_phone(qtbot, clerk_desk, store):
    dialog = shown(qtbot, ResidentDialog(clerk_desk))
    dialog.fields["name"].setText("王五")
    dialog.fields["door"].setText("3-2-501")
    dialog.fields["phone"].setText("12345")
    dialog.save.click()
    assert dialog.isVisible() and dialog.messages["phone"].isVisible()
    assert "手机号" in dialog.messages["phone"].text()
    dialog.fields["phone"].setText("13712345678")
    dialog.save.click()
    assert dialog.saved is not None and dialog.saved.door == "3栋2单元501"


def test_the_residents_view_finds_by_plate_and_refreshes_after_a_change(qtbot, clerk_desk, store, resident):
    view = shown(qtbot, ResidentsView(clerk_desk))
    assert not view.refused
    view.apply_search("川A12345")
    assert view.model.rowCount() == 1 and view.count.text() == "共 1 条"
    view.apply_search("")
    residents.add(store, clerk_desk.actor, "李四", "5栋1单元302", "13987654321", now=NOW)
    clerk_desk.notify(Changes(residents=True))
    assert view.model.rowCount() == 2


# --- admin only ---------------------------------------------------------------------------------

@pytest.mark.parametrize("view_class", [ResourcesRulesView, ClerksView, AuditView])
def test_a_clerk_is_refused_the_admin_views_with_a_clear_message(qtbot, clerk_desk, view_class):
    view = shown(qtbot, view_class(clerk_desk))
    assert view.refused and view.refusal.isVisible()
    assert view.refusal.text().startswith("只有管理员可以使用")


def test_the_admin_menu_disables_admin_views_for_a_clerk(clerk_desk, admin_desk):
    menu = AdminMenu(clerk_desk)
    assert menu.actions["residents"].isEnabled()
    assert not menu.actions["resources"].isEnabled() and not menu.actions["audit"].isEnabled()
    assert "只有管理员" in menu.actions["clerks"].toolTip()
    assert all(action.isEnabled() for action in AdminMenu(admin_desk).actions.values())


def test_a_clerk_who_reaches_a_rule_change_is_refused_by_the_domain(qtbot, clerk_desk, store):
    dialog = shown(qtbot, RuleDialog(clerk_desk))
    dialog.name_field.setCurrentIndex(dialog.name_field.findData("grace_minutes"))
    dialog.value_field.setText("45")
    dialog.save.click()
    assert dialog.isVisible() and dialog.general.text() == "只有管理员可以修改规则和关闭时段。"


def test_an_admin_changes_a_rule_and_a_bad_value_is_shown_next_to_it(qtbot, admin_desk, store):
    dialog = shown(qtbot, RuleDialog(admin_desk))
    dialog.scope_field.setCurrentIndex(dialog.scope_field.findData("kind:parking"))
    dialog.name_field.setCurrentIndex(dialog.name_field.findData("grace_minutes"))
    dialog.value_field.setText("半小时")
    dialog.save.click()
    assert dialog.messages["value"].isVisible() and "0或正整数" in dialog.messages["value"].text()
    dialog.value_field.setText("45")
    dialog.save.click()
    assert dialog.saved == {"scope": "kind:parking", "name": "grace_minutes", "value": 45}
    assert rules.effective(store, inventory.get(store, "P001"))["grace_minutes"] == 45


def test_an_admin_disables_and_enables_a_space(qtbot, admin_desk, store):
    view = shown(qtbot, ResourcesRulesView(admin_desk))
    asked = []
    view.confirm = lambda title, text: asked.append(text) or True
    view.resource_table.selectRow(0)
    assert view.toggle_button.text() == "停用(&D)"
    view.toggle_resource()
    assert asked and "P001" in asked[0]  # disabling is asked first; enabling again is not
    assert not inventory.get(store, "P001").enabled
    state = view.resources.COLUMNS.index("uis_col_state")
    assert view.resources.index(0, state).data() == "停用" and view.toggle_button.text() == "启用(&E)"
    view.toggle_resource()
    assert inventory.get(store, "P001").enabled


def test_an_admin_adds_a_clerk_and_mismatched_passwords_are_caught(qtbot, store):
    boss = clerks.create_first_admin(store, "王主任", "admin-pass-1", now=NOW)
    desk = Desk(store, boss)
    dialog = shown(qtbot, ClerkDialog(desk))
    dialog.fields["name"].setText("小李")
    dialog.fields["password"].setText("zhiban-2026")
    dialog.fields["again"].setText("zhiban-2027")
    dialog.save.click()
    assert dialog.messages["again"].text() == "两次输入的密码不一致。"
    dialog.fields["again"].setText("zhiban-2026")
    dialog.save.click()
    assert dialog.saved is not None and clerks.authenticate(store, "小李", "zhiban-2026", now=NOW).role == "clerk"


def test_the_audit_view_searches_the_log(qtbot, admin_desk, store, resident, neighbour):
    view = shown(qtbot, AuditView(admin_desk))
    view.model.search("李四")
    assert view.model.rowCount() == 1 and view.model.index(0, 2).data() == "添加"


def test_the_audit_search_finds_what_the_log_shows_in_either_language(qtbot, admin_desk, store, resident, neighbour):
    view = shown(qtbot, AuditView(admin_desk))
    view.search.setText("添加")  # as the input method commits it: the action's word as shown; stored 'add'
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    added = view.model.rowCount()
    assert added >= 2 and {view.model.index(n, 2).data() for n in range(added)} == {"添加"}
    language.apply("en", admin_desk)
    view.search.clear()
    qtbot.keyClicks(view.search, "ADD")  # either case
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.model.rowCount() >= added and view.model.index(0, 2).data() == "Added"


def test_the_views_follow_the_language(qtbot, admin_desk):
    view = shown(qtbot, ResourcesRulesView(admin_desk))
    language.apply("en", admin_desk)
    assert view.windowTitle() == "Spaces, rooms and rules"
    assert view.resources.headerData(0, Qt.Orientation.Horizontal) == "Code"
    assert view.resources.index(0, 1).data() == "Parking"


def _edit_rule(qtbot, desk, store, name, answers):
    from ui.office.resources_view import RuleDialog
    current = rules.set_rule(store, desk.actor, "*", name, "1440", now=desk.now())
    asked = []
    dialog = shown(qtbot, RuleDialog(desk, current, confirm=lambda title, text: asked.append(text) or answers.pop(0)))
    return dialog, asked


def test_a_rule_in_minutes_is_shown_and_typed_in_its_unit(qtbot, admin_desk, store):
    dialog, asked = _edit_rule(qtbot, admin_desk, store, "max_duration_minutes", [])
    assert (dialog.value_field.text(), dialog.unit_field.currentText()) == ("1", "天")
    dialog.value_field.setText("2")
    dialog.save.click()
    assert dialog.saved["value"] == 2 * 1440 and asked == []


def test_a_much_stricter_rule_asks_first_and_no_keeps_it(qtbot, admin_desk, store):
    dialog, asked = _edit_rule(qtbot, admin_desk, store, "max_duration_minutes", [False])
    dialog.value_field.setText("2")
    dialog.unit_field.setCurrentIndex(dialog.unit_field.findData(60))  # 2 hours: a twelfth of a day
    dialog.save.click()
    assert len(asked) == 1 and "1 天" in asked[0] and "2 小时" in asked[0]
    assert dialog.isVisible() and dialog.saved is None
    assert store.conn.execute("SELECT value FROM rule WHERE scope = '*' AND name = 'max_duration_minutes'"
                              ).fetchone()[0] == "1440"
