"""The spaces, rooms and rules view (admin only): the inventory with its filter, adding and
changing a space or room, disabling one, and changing a rule of the residents' convention
(ResourcesRulesView, ResourceDialog, RuleDialog).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QSplitter, QVBoxLayout, QWidget

from booking.places import inventory
from booking.policy import rules
from booking.store.i18n import define, tr
from ui.office.admin_models import ResourcesModel, RulesModel, value_input
from ui.widgets.tables import read_only_view
from ui.office.common import ask_no_default, sorted_filtered
from ui.office.base import REFUSED, FieldForm, _selected_row, _View, fit_columns, show_toggle, table_width

define(
    uis_edit_rule=("修改规则(&U)…", "Change a r&ule…"),
    uis_rule_title=("修改规则", "Change a rule"),
    uis_field_scope=("范围", "Scope"),
    uis_field_rule=("规则", "Rule"),
    uis_field_value=("值", "Value"),
    uis_field_unit=("单位", "Unit"),
    uis_unit_minutes=("分钟", "minutes"),
    uis_unit_hours=("小时", "hours"),
    uis_unit_days=("天", "days"),
    uis_unit_fixed_days=("天", "days"),
    uis_unit_fixed_count=("个（次数）", "(a count)"),
    uis_unit_fixed_hours=("时段，如 19:00-07:30", "times of day, e.g. 19:00-07:30"),
    uis_rule_much_stricter=("“{rule}”将从 {old} 改为 {new}，比现在严格很多。确定要改吗？",
                            "“{rule}” goes from {old} to {new}: much stricter than now. Change it?"),
    uis_rule_value_hint=("分钟、天数或次数填整数；时段写 19:00-07:30；写 off 取消本范围的规则。",
                         "Minutes, days or counts as whole numbers; hours as 19:00-07:30; 'off' removes "
                         "the rule at this scope."),
    uis_add_resource=("添加(&N)…", "&New…"),
    uis_edit_resource=("修改(&M)…", "&Modify…"),
    uis_resource_title_new=("添加车位或场地", "New space or room"),
    uis_resource_title_edit=("修改 {code}", "Edit {code}"),
    uis_field_code=("编号", "Code"),
    uis_field_kind=("类型", "Kind"),
    uis_field_name_zh=("中文名称", "Chinese name"),
    uis_field_name_en=("英文名称", "English name"),
    uis_field_zone=("区域", "Zone"),
    uis_field_features=("特点", "Features"),
    uis_field_capacity=("容纳人数", "Capacity (people)"),
    uis_field_area=("面积（平方米）", "Area (m²)"),
    uis_filter_resources=("编号、名称或区域", "Code, name or zone"),
    uis_filter_all_kinds=("全部类型", "Every kind"),
    uis_disable_title=("停用车位或场地", "Disable a space or room"),
    uis_disable_confirm=("确定停用 {code} {name} 吗？\n已有的预约保留，之后不能再预约；以后可以重新启用。",
                         "Disable {code} {name}?\nExisting bookings stay; no new ones can be made; it can be "
                         "enabled again."),
)


#: the units a rule kept in minutes is shown and typed in: "最长预约 1 天" is typed as 2 days, not 2 minutes
MINUTE_UNITS = (("uis_unit_minutes", 1), ("uis_unit_hours", 60), ("uis_unit_days", 1440))
#: a change to at most this share of the rule's value asks first (a tenth: 1 day → 2 hours)
MUCH_STRICTER = 0.1


def minutes_in_unit(minutes: int) -> tuple[int, int]:
    """(number, minutes per unit) in the largest unit that holds `minutes` whole: 1440 -> (1, 1440)."""
    for _key, factor in reversed(MINUTE_UNITS):
        if minutes and minutes % factor == 0:
            return minutes // factor, factor
    return minutes, 1


class RuleDialog(FieldForm):
    """Set one rule at one scope; the domain checks the scope and the value. Every rule is shown
    and typed in its own unit (minutes, hours or days; days; a count; a time-of-day range), and a
    change that makes a rule much stricter asks first."""

    def __init__(self, desk: Any, rule: dict[str, Any] | None = None, parent: QWidget | None = None,
                 confirm: Callable[[str, str], bool] | None = None) -> None:
        super().__init__(tr("uis_rule_title"), parent)
        self.desk = desk
        self.rule = rule
        self.confirm = confirm or ask_no_default(self)
        self.saved: dict[str, Any] | None = None
        scope = QComboBox(self)
        scope.setEditable(True)  # res:CODE for one resource
        for value, key in (("*", "uis_scope_all"), ("kind:parking", "uis_scope_parking"),
                           ("kind:room", "uis_scope_room")):
            scope.addItem(f"{value}  ({tr(key)})", value)
        name = QComboBox(self)
        for rule_name in rules.RULES:
            name.addItem(tr(f"rule_{rule_name}"), rule_name)
        unit = QComboBox(self)
        for key, factor in MINUTE_UNITS:
            unit.addItem(tr(key), factor)
        self.add_field("scope", tr("uis_field_scope"), scope)
        self.add_field("name", tr("uis_field_rule"), name)
        self.add_field("value", tr("uis_field_value"), QLineEdit(self))
        self.add_field("unit", tr("uis_field_unit"), unit)
        self.note.setText(tr("uis_rule_value_hint"))
        self.note.show()
        if rule is not None:
            index = scope.findData(rule["scope"])
            if index >= 0:
                scope.setCurrentIndex(index)
            else:
                scope.setEditText(rule["scope"])
            name.setCurrentIndex(max(name.findData(rule["name"]), 0))
            value = rule["value"]
            if rules.RULES.get(rule["name"]) == "minutes" and isinstance(value, int):
                number, factor = minutes_in_unit(value)
                self.value_field.setText(str(number))
                unit.setCurrentIndex(max(unit.findData(factor), 0))
            else:
                self.value_field.setText(value_input(rule["name"], value))
        name.currentIndexChanged.connect(lambda _i: self._show_unit())
        self._show_unit()

    @property
    def unit_field(self) -> QComboBox:
        return self.fields["unit"]  # type: ignore[return-value]

    def _kind(self) -> str:
        return rules.RULES.get(self.name_field.currentData(), "count")

    def _show_unit(self) -> None:
        """The unit beside the value: a choice for a rule in minutes, the fixed unit otherwise."""
        kind = self._kind()
        self.unit_field.setEnabled(kind == "minutes")
        if kind != "minutes":
            self.unit_field.setEditable(True)
            self.unit_field.setEditText(tr(f"uis_unit_fixed_{kind}"))
        else:
            self.unit_field.setEditable(False)

    def _typed_minutes(self) -> str:
        """What goes to the domain: the number in minutes for a rule kept in minutes."""
        text = self.value_field.text().strip()
        if self._kind() == "minutes" and text.isdigit():
            return str(int(text) * int(self.unit_field.currentData() or 1))
        return text

    def _much_stricter(self, typed: str) -> bool:
        if self.rule is None or self.rule["name"] != self.name_field.currentData() or not typed.isdigit():
            return False
        old = self.rule["value"]
        if not isinstance(old, int) or old <= 0:
            return False
        new = int(typed)
        # for the most a household may book or how far ahead, smaller is stricter; for notice, larger is
        stricter = new > old / MUCH_STRICTER if self.name_field.currentData() == "min_notice_minutes" \
            else new <= old * MUCH_STRICTER
        return stricter

    @property
    def scope_field(self) -> QComboBox:
        return self.fields["scope"]  # type: ignore[return-value]

    @property
    def name_field(self) -> QComboBox:
        return self.fields["name"]  # type: ignore[return-value]

    @property
    def value_field(self) -> QLineEdit:
        return self.fields["value"]  # type: ignore[return-value]

    def scope(self) -> str:
        text = self.scope_field.currentText()
        data = self.scope_field.currentData()
        index = self.scope_field.currentIndex()
        return data if index >= 0 and text == self.scope_field.itemText(index) else text.strip()

    def save_changes(self) -> bool | None:
        typed = self._typed_minutes()
        if self._much_stricter(typed):
            name = self.name_field.currentText()
            assert self.rule is not None  # only a change to an existing rule is much stricter
            old, new = self._shown(self.rule["value"]), self._shown(int(typed))
            if not self.confirm(tr("uis_rule_title"), tr("uis_rule_much_stricter", rule=name, old=old, new=new)):
                return False
        self.saved = rules.set_rule(self.desk.store, self.desk.actor, self.scope(), self.name_field.currentData(),
                                    typed, now=self.desk.now())
        self.desk.announce("rule")
        return None

    def _shown(self, value: int) -> str:
        return rules.duration_text(value) if self._kind() == "minutes" else str(value)


class ResourceDialog(FieldForm):
    """A new space or room, or a change to one's names and attributes (its code and kind stay)."""

    def __init__(self, desk: Any, resource: inventory.Resource | None = None, parent: QWidget | None = None) -> None:
        super().__init__(tr("uis_resource_title_new") if resource is None
                         else tr("uis_resource_title_edit", code=resource.code), parent)
        self.desk = desk
        self.resource = resource
        self.saved: inventory.Resource | None = None
        if resource is None:
            self.add_field("code", tr("uis_field_code"), QLineEdit(self)).setPlaceholderText("P111")
            kind = QComboBox(self)
            for code in inventory.KINDS:
                kind.addItem(tr(f"kind_{code}"), code)
            self.add_field("kind", tr("uis_field_kind"), kind)
        for name, key in (("name_zh", "uis_field_name_zh"), ("name_en", "uis_field_name_en"),
                          ("zone", "uis_field_zone")):
            self.add_field(name, tr(key), QLineEdit(self))
        features = QWidget(self)
        row = QHBoxLayout(features)
        row.setContentsMargins(0, 0, 0, 0)
        self.feature_boxes = {name: QCheckBox(tr(f"uis_feature_{name}"), features)
                              for name in ("ev", "accessible", "visitor")}
        for box in self.feature_boxes.values():
            row.addWidget(box)
        row.addStretch(1)
        self.add_field("features", tr("uis_field_features"), features)
        self.add_field("capacity", tr("uis_field_capacity"), QLineEdit(self))
        self.add_field("area_m2", tr("uis_field_area"), QLineEdit(self))
        if resource is not None:
            value: str | int | float | None
            for name, value in (("name_zh", resource.name_zh), ("name_en", resource.name_en),
                                ("zone", resource.zone or ""), ("capacity", resource.capacity),
                                ("area_m2", resource.area_m2)):
                self.text_field(name).setText("" if value is None else f"{value:g}" if isinstance(value, float)
                                              else str(value))
            for name, box in self.feature_boxes.items():
                box.setChecked(bool(getattr(resource, name)))

    def text_field(self, name: str) -> QLineEdit:
        widget = self.fields[name]
        assert isinstance(widget, QLineEdit)
        return widget

    def save_changes(self) -> None:
        store, actor, now = self.desk.store, self.desk.actor, self.desk.now()
        flags = {name: box.isChecked() for name, box in self.feature_boxes.items()}
        attributes: dict[str, Any] = dict(zone=self.text_field("zone").text(),
                                          capacity=self.text_field("capacity").text(),
                                          area_m2=self.text_field("area_m2").text(), **flags)
        if self.resource is None:
            found = inventory.update_check(**attributes)
            self.saved = inventory.add(store, actor, self.text_field("code").text(),
                                       self.fields["kind"].currentData(),  # type: ignore[attr-defined]
                                       self.text_field("name_zh").text(), self.text_field("name_en").text() or None,
                                       found["zone"], bool(found["ev"]), bool(found["accessible"]),
                                       bool(found["visitor"]), found["capacity"], found["area_m2"], now=now)
            self.desk.announce("resource")
            return
        else:
            code = self.resource.code
            if (self.text_field("name_zh").text(), self.text_field("name_en").text()) != \
                    (self.resource.name_zh, self.resource.name_en):
                inventory.rename(store, actor, code, self.text_field("name_zh").text(),
                                 self.text_field("name_en").text(), now=now)
        self.saved = inventory.update(store, actor, code, now, **attributes)
        self.desk.announce("resource")


class ResourcesRulesView(_View):
    """Spaces and rooms (add, edit, disable or enable; sorted and filtered) and the rules of the
    convention (change)."""

    VIEW_KEY = "uis_view_resources"
    TEXTS = {"rule_button": "uis_edit_rule", "add_button": "uis_add_resource", "edit_button": "uis_edit_resource"}

    def build(self) -> None:
        self.confirm = ask_no_default(self)
        self.resources = ResourcesModel(self.desk.store, self)
        self.resource_proxy = sorted_filtered(self.resources, self)
        self.rules = RulesModel(self.desk.store, self)
        self.resource_table = read_only_view(self.resource_proxy, self, fit=False, striped=True)
        self.resource_table.setSortingEnabled(True)
        self.resource_table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the inventory's own order first
        self.resource_table.doubleClicked.connect(lambda _index: self.edit_resource())
        self.filter_box = QLineEdit(self)
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self.resource_proxy.setFilterFixedString)
        self.kind_filter = QComboBox(self)
        # its items change with the language: never narrower than the longest ("Every kind")
        self.kind_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.kind_filter.currentIndexChanged.connect(lambda _i: self._filter_kind())
        self.rule_table = read_only_view(self.rules, self, fit=False, striped=True)
        self.rule_table.doubleClicked.connect(lambda _index: self.edit_rule())
        self.error = self._message()
        self.add_button, self.edit_button = self.button(self.add_resource), self.button(self.edit_resource)
        self.toggle_button = self.button(self.toggle_resource)
        self.resource_table.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        self.rule_button = self.button(self.edit_rule)
        left, right = QWidget(self), QWidget(self)
        left_layout, right_layout = QVBoxLayout(left), QVBoxLayout(right)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_box, 1)
        filters.addWidget(self.kind_filter)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.resource_table, 1)
        self.button_row(self.add_button, self.edit_button, self.toggle_button, layout=left_layout)
        right_layout.addWidget(self.rule_table, 1)
        right_layout.addWidget(self.rule_button, 0, Qt.AlignmentFlag.AlignLeft)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(splitter, 1)
        fit_columns(self.resource_table, -1)  # a community's 120-odd: the rooms' long names come after 110 spaces
        fit_columns(self.rule_table)
        # the spaces' columns whole; the rules beside them take what the window has left, and give it up first
        self._spaces_margins = left_layout.contentsMargins()
        self.splitter = splitter
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self.refused and not getattr(self, "_split", False):
            self._split = True  # once, after the window has its size on this screen (ui/fit.py)
            QTimer.singleShot(0, self, self._split_for_spaces)

    def _split_for_spaces(self) -> None:
        fit_columns(self.resource_table, -1)  # again, in the style the window is drawn in (the theme's padding)
        margins = self._spaces_margins
        total = sum(self.splitter.sizes())
        left = min(table_width(self.resource_table) + margins.left() + margins.right(), total * 3 // 4)
        self.splitter.setSizes([left, total - left])

    def _filter_kind(self) -> None:
        kind = self.kind_filter.currentData()
        self.resource_proxy.setFilterKeyColumn(1 if kind else -1)
        self.resource_proxy.setFilterFixedString(tr(f"kind_{kind}") if kind else self.filter_box.text())

    def _selected_resource(self) -> inventory.Resource | None:
        rows = self.resource_table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.resources.resource(self.resource_proxy.mapToSource(rows[0]).row())

    def _select_code(self, code: str) -> None:
        for number in range(self.resources.rowCount()):
            if self.resources.resource(number).code == code:
                index = self.resource_proxy.mapFromSource(self.resources.index(number, 0))
                if index.isValid():
                    self.resource_table.selectRow(index.row())
                return

    def update_buttons(self) -> None:
        res = self._selected_resource()
        show_toggle(self.toggle_button, res is None or res.enabled, res is not None)
        self.edit_button.setEnabled(res is not None)

    def add_resource(self) -> inventory.Resource | None:
        return ResourceDialog(self.desk, None, self).saved_on_accept()

    def edit_resource(self) -> inventory.Resource | None:
        res = self._selected_resource()
        if res is None:
            return None
        return ResourceDialog(self.desk, res, self).saved_on_accept()

    def toggle_resource(self) -> inventory.Resource | None:
        """Disable the selected resource (no new bookings, history kept; asked first) or enable it again."""
        res = self._selected_resource()
        if res is None:
            return None
        if res.enabled and not self.confirm(tr("uis_disable_title"),
                                            tr("uis_disable_confirm", code=res.code, name=res.name)):
            return None
        changed = self.attempt(lambda: inventory.set_enabled(self.desk.store, self.desk.actor, res.code,
                                                             not res.enabled, now=self.desk.now()), "resource")
        if changed is REFUSED:
            return None
        self._select_code(res.code)
        return changed

    def edit_rule(self) -> dict[str, Any] | None:
        row = _selected_row(self.rule_table)
        return RuleDialog(self.desk, self.rules.rule(row) if row is not None else None, self).saved_on_accept()

    def on_changed(self, what: set[str]) -> None:
        if "resource" in what:
            self.resources.refresh()
            self.update_buttons()
        if what & {"rule", "resource"}:
            self.rules.refresh()

    def retranslate(self, _language: str = "") -> None:
        super().retranslate()
        self.filter_box.setPlaceholderText(tr("uis_filter_resources"))
        current = self.kind_filter.currentData()
        self.kind_filter.blockSignals(True)
        self.kind_filter.clear()
        self.kind_filter.addItem(tr("uis_filter_all_kinds"), None)
        for value in inventory.KINDS:
            self.kind_filter.addItem(tr(f"kind_{value}"), value)
        self.kind_filter.setCurrentIndex(max(self.kind_filter.findData(current), 0))
        self.kind_filter.blockSignals(False)
        self.update_buttons()
        self.resources.retranslate()
        self.rules.retranslate()
