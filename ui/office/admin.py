"""The office views: residents and households, resources and rules, clerk accounts,
and the audit log.

Residents are the clerks' daily work; everything else is for the admin. A
clerk who opens an admin view sees why it is closed instead of its content,
and the menu entries are disabled with the same words in their tooltip; the
domain refuses the change anyway if it is reached another way. Dialogs show
the domain's message next to the field it names and decide nothing themselves.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit, QMenu,
                               QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from booking.people import clerks, residents
from booking.places import inventory
from booking.policy import rules
from booking.store.errors import DeskError
from booking.store.i18n import define, tr
from ui.office.admin_models import (MAX_FOUND, AuditModel, ClerksModel, ResidentsModel, ResourcesModel,
                                    RulesModel, value_input)
from ui.office.demo_dialog import DemoDialog, demo_refusal
from ui.widgets.fieldmessages import ERROR_CSS, FieldMessages, W, error_label
from ui.desk.fonts import ui_font
from ui.office.import_dialog import ImportDialog, choose_file
from ui.office.common import ask_no_default, sorted_filtered
from ui.passes.station import station_action
from ui.desk.session import follow

SEARCH_DELAY_MS = 250

define(
    uis_admin_only=("只有管理员可以使用“{view}”。请用管理员账号登录后再打开。",
                    "Only an admin can use “{view}”. Sign in as an admin to open it."),
    uis_view_residents=("居民与住户", "Residents and households"),
    uis_view_resources=("车位、场地与规则", "Spaces, rooms and rules"),
    uis_view_clerks=("值班员账号", "Clerk accounts"),
    uis_view_audit=("操作记录", "Audit log"),
    uis_menu_residents=("居民与住户(&R)…", "&Residents and households…"),
    uis_menu_resources=("车位、场地与规则(&P)…", "S&paces, rooms and rules…"),
    uis_menu_clerks=("值班员账号(&C)…", "&Clerk accounts…"),
    uis_menu_audit=("操作记录(&A)…", "&Audit log…"),
    uis_menu_office=("管理(&M)", "&Manage"),
    uis_search=("搜索", "Search"),
    uis_search_residents=("手机号、尾号4位、门牌、车牌或姓名", "Phone, its last 4 digits, door, plate or name"),
    uis_search_audit=("操作人、操作、对象、编号或理由", "Who, action, record, id or reason"),
    uis_count=("共 {n} 条", "{n:row|rows}"),
    uis_add_resident=("登记居民(&N)", "&New resident"),
    uis_add_plate=("添加车牌(&L)", "Add a p&late"),
    uis_resident_title_new=("登记居民", "New resident"),
    uis_resident_title_plate=("为 {name}（{door}）添加车牌", "Add a plate for {name} ({door})"),
    uis_field_name=("姓名", "Name"),
    uis_field_door=("门牌", "Door"),
    uis_field_phone=("手机号", "Mobile"),
    uis_field_plate=("车牌（可不填）", "Plate (optional)"),
    uis_field_new_plate=("新车牌", "New plate"),
    uis_save=("保存", "Save"),
    uis_cancel=("取消", "Cancel"),
    uis_disable=("停用(&D)", "&Disable"),
    uis_enable=("启用(&E)", "&Enable"),
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
    uis_add_clerk=("添加账号(&N)…", "&New account…"),
    uis_reset_password=("设置密码(&P)…", "Set &password…"),
    uis_clerk_title=("添加值班员账号", "New clerk account"),
    uis_password_title=("设置“{name}”的密码", "Set the password of “{name}”"),
    uis_field_account=("账号（登录用的姓名）", "Account (the name to sign in with)"),
    uis_field_role=("角色", "Role"),
    uis_field_password=("密码", "Password"),
    uis_field_again=("再输一次", "Password again"),
    uis_clerk_disable_title=("停用账号", "Disable an account"),
    uis_clerk_disable_confirm=("确定停用账号“{name}”吗？\n停用后不能再用它登录；以往的操作记录保留，以后可以重新启用。",
                               "Disable the account “{name}”?\nNobody can sign in with it any more; what it did stays "
                               "in the log, and it can be enabled again."),
    uis_password_mismatch=("两次输入的密码不一致。", "The two passwords differ."),
    uis_edit_resident=("编辑(&E)…", "&Edit…"),
    uis_remove_plate=("移除车牌(&R)…", "&Remove a plate…"),
    uis_move_out=("迁出(&O)…", "Moved &out…"),
    uis_move_back=("恢复(&B)…", "Moved &back…"),
    uis_show_moved=("显示已迁出", "Show those who moved away"),
    uis_moved_away=("（已迁出）", " (moved away)"),
    uis_resident_title_edit=("修改 {name}（{door}）", "Edit {name} ({door})"),
    uis_resident_edit_note=("换门牌时，本人登记的车辆随本人迁到新门牌；以往的预约记录不变。",
                            "On a new door the plates this resident registered move along; past bookings "
                            "keep their door."),
    uis_unplate_title=("移除车牌", "Remove a plate"),
    uis_unplate_choose=("{door} 登记了多辆车，移除哪一个车牌？", "{door} has several cars: which plate goes?"),
    uis_unplate_none=("{door} 没有登记车牌。", "{door} has no plate registered."),
    uis_unplate_confirm=("确定从 {door} 移除车牌 {plate} 吗？\n（如车已卖出）以往的预约记录保留。",
                         "Remove the plate {plate} from {door}?\n(For a car sold.) Past bookings keep it."),
    uis_leave_title=("登记迁出", "Moved away"),
    uis_leave_confirm=("确定登记 {name}（{door}）已迁出吗？\n之后查找不到此人；以往记录保留，可以恢复。",
                       "Mark {name} ({door}) as moved away?\nThey are no longer found; history is kept "
                       "and this can be undone."),
    uis_return_title=("恢复居民", "Moved back"),
    uis_return_confirm=("确定恢复 {name}（{door}）为在住居民吗？", "Mark {name} ({door}) as living here again?"),
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


def admin_refusal(desk: Any, view_key: str) -> str | None:
    """Why this actor may not open an admin view, or None for an admin."""
    if desk.actor.is_admin:
        return None
    return tr("uis_admin_only", view=tr(view_key))


def _table(model: Any, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return view


def fit_columns(view: QTableView, rows: int = 100) -> None:
    """Columns as wide as their content, judged on the first `rows` only (lists can be long; -1: all)."""
    view.horizontalHeader().setResizeContentsPrecision(rows)
    view.resizeColumnsToContents()


def show_toggle(button: QPushButton, active: bool, chosen: bool) -> None:
    """A Disable button for an active row (Enable for a disabled one), greyed until a row is chosen."""
    button.setText(tr("uis_disable" if active else "uis_enable"))
    button.setEnabled(chosen)


def table_width(view: QTableView) -> int:
    """How wide `view` must be to show every column whole (with its vertical scroll bar)."""
    header = view.horizontalHeader()
    sizes = [header.sectionSize(n) for n in range(header.count())]
    if sizes and header.stretchLastSection():  # a stretched last section never gets narrower than the default
        sizes[-1] = max(sizes[-1], header.defaultSectionSize())
    columns = sum(sizes)
    return columns + view.verticalScrollBar().sizeHint().width() + 2 * view.frameWidth()


def _selected_row(view: QTableView) -> int | None:
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    return rows[0].row() if rows else None


class FieldForm(QDialog):
    """A dialog of labelled fields, each with a message line under it for the domain's refusal."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setFont(ui_font(11))
        self.setMinimumWidth(440)
        self.saved: Any = None  # what save_changes stored, for the view that opened the form
        self.form = QFormLayout()
        self.field_messages = FieldMessages(self, self.form)
        self.fields = self.field_messages.fields
        self.messages = self.field_messages.messages
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.hide()
        self.general = self.field_messages.general
        self.buttons = QDialogButtonBox(self)
        self.save = self.buttons.addButton(tr("uis_save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(tr("uis_cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)

    def add_field(self, name: str, label: str, widget: W) -> W:
        return self.field_messages.add(name, widget, label)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        """Open with the keyboard in the first field (QDialog would give it to the Save button)."""
        super().showEvent(event)
        if isinstance(self.focusWidget(), QPushButton) or self.focusWidget() is None:
            first = next((w for w in self.fields.values() if w.isVisibleTo(self) and w.isEnabled()
                          and w.focusPolicy() != Qt.FocusPolicy.NoFocus), None)
            if first is not None:
                first.setFocus(Qt.FocusReason.TabFocusReason)

    def show_error(self, exc: DeskError, aliases: dict[str, str] | None = None) -> None:
        """The refusal next to the field it names (or under the form if it names none)."""
        self.field_messages.show_error(exc, aliases)

    def show_message(self, field: str | None, text: str) -> None:
        self.field_messages.show(field, text)

    def submit(self) -> None:
        try:
            if self.save_changes() is False:  # the admin answered No to a confirmation: stay open
                return
        except DeskError as exc:
            self.show_error(exc)
            return
        self.accept()

    def save_changes(self) -> bool | None:
        """Ask the domain to store the form (DeskError beside its field); False stays open unsaved."""
        raise NotImplementedError

    def saved_on_accept(self) -> Any:
        """Show the form until it is saved or cancelled: what it saved, or None."""
        return self.saved if self.exec() == QDialog.DialogCode.Accepted else None


class ResidentDialog(FieldForm):
    """Register a resident (name, door, phone, optional plate), or add a plate to one."""

    def __init__(self, desk: Any, resident: residents.Resident | None = None, parent: QWidget | None = None) -> None:
        title = (tr("uis_resident_title_new") if resident is None
                 else tr("uis_resident_title_plate", name=resident.name, door=resident.door))
        super().__init__(title, parent)
        self.desk = desk
        self.resident = resident
        self.saved: residents.Resident | None = None
        if resident is None:
            self.add_field("name", tr("uis_field_name"), QLineEdit(self))
            self.add_field("door", tr("uis_field_door"), QLineEdit(self)).setPlaceholderText("3栋2单元501")
            self.add_field("phone", tr("uis_field_phone"), QLineEdit(self)).setPlaceholderText("13812345678")
        self.add_field("plate", tr("uis_field_plate" if resident is None else "uis_field_new_plate"),
                       QLineEdit(self)).setPlaceholderText("川A12345")

    def text(self, name: str) -> str:
        widget = self.fields[name]
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def save_changes(self) -> None:
        if self.resident is None:
            self.saved = residents.add(self.desk.store, self.desk.actor, self.text("name"), self.text("door"),
                                       self.text("phone"), self.text("plate") or None, now=self.desk.now())
        else:
            self.saved = residents.add_vehicle(self.desk.store, self.desk.actor, self.resident.id,
                                               self.text("plate"), now=self.desk.now())
        self.desk.announce("resident")


class ResidentEditDialog(FieldForm):
    """Correct a resident's name or mobile number, or move them to another door."""

    def __init__(self, desk: Any, resident: residents.Resident, parent: QWidget | None = None) -> None:
        super().__init__(tr("uis_resident_title_edit", name=resident.name, door=resident.door), parent)
        self.desk = desk
        self.resident = resident
        self.saved: residents.Resident | None = None
        # The full number is shown here only: correcting it is the task.
        for name, key, value in (("name", "uis_field_name", resident.name),
                                 ("phone", "uis_field_phone", resident.phone),
                                 ("door", "uis_field_door", resident.door)):
            self.add_field(name, tr(key), QLineEdit(value, self))
        self.note.setText(tr("uis_resident_edit_note"))
        self.note.show()

    def text(self, name: str) -> str:
        widget = self.fields[name]
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def save_changes(self) -> None:
        self.saved = residents.update(self.desk.store, self.desk.actor, self.resident.id, name=self.text("name"),
                                      phone=self.text("phone"), door=self.text("door"), now=self.desk.now())
        self.desk.announce("resident")


def ask_plate(parent: QWidget) -> Callable[[residents.Resident], str | None]:
    """Which of a household's plates is meant (None if the clerk cancels)."""
    def choose(resident: residents.Resident) -> str | None:
        plate, ok = QInputDialog.getItem(parent, tr("uis_unplate_title"),
                                         tr("uis_unplate_choose", door=resident.door), list(resident.plates), 0, False)
        return plate if ok else None
    return choose


class ResidentsListModel(ResidentsModel):
    """The residents model that can also list those who moved away, greyed and marked."""

    include_moved = False

    def refresh(self) -> None:
        if not self.include_moved:
            super().refresh()
            return
        self.beginResetModel()
        self._cache.clear()
        if self.query:
            found = residents.find(self.store, self.query, limit=MAX_FOUND, include_moved=True)
            self._ids = [r.id for r in found]
            self._cache.update({r.id: r for r in found})
        else:
            self._ids = [row[0] for row in self.store.sql(
                "SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id "
                "ORDER BY h.building, h.unit, h.room, r.name")]
        self.endResetModel()

    def row_of(self, resident_id: int) -> int | None:
        try:
            return self._ids.index(resident_id)
        except ValueError:
            return None

    def cell(self, number: int, column: str) -> Any:
        value = super().cell(number, column)
        if column == "uis_col_name" and not self.resident(number).active:
            return value + tr("uis_moved_away")
        return value

    def colour(self, number: int) -> QColor | None:
        return None if self.resident(number).active else QColor("#777777")


#: what _View.attempt gives when the domain refused (an act may give None itself)
REFUSED = object()


class _View(QWidget):
    """A view with a title; an admin-only one shows only its refusal to a clerk."""

    VIEW_KEY = ""
    ADMIN_ONLY = True
    #: attribute -> message key: the view's buttons and labels, set again on a language switch
    TEXTS: dict[str, str] = {}
    #: for a view over one list (`model`): the announced changes after which it reads the list again
    REFRESH_ON: frozenset[str] = frozenset()
    #: the list a view with REFRESH_ON reads again (set by its build)
    model: Any

    def __init__(self, desk: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setFont(ui_font(11))
        self.layout_ = QVBoxLayout(self)
        self.refusal = QLabel(self)
        self.refusal.setWordWrap(True)
        self.refusal.setFont(ui_font(14, True))
        self.refusal.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.refusal.setStyleSheet(ERROR_CSS)
        self.refusal.hide()
        self.refused = self.ADMIN_ONLY and admin_refusal(desk, self.VIEW_KEY) is not None
        if self.refused:
            self.refusal.setText(admin_refusal(desk, self.VIEW_KEY) or "")
            self.refusal.show()
            self.layout_.addWidget(self.refusal)
            return
        self.build()
        desk.changed.connect(self.on_changed)
        desk.language_changed.connect(self.retranslate)
        self.retranslate()

    def build(self) -> None:
        raise NotImplementedError

    def on_changed(self, what: set[str]) -> None:
        if what & self.REFRESH_ON:
            self.model.refresh()
            self.update_buttons()

    def retranslate(self, _language: str = "") -> None:
        self.setWindowTitle(tr(self.VIEW_KEY))
        for name, key in self.TEXTS.items():
            getattr(self, name).setText(tr(key))
        if self.REFRESH_ON:  # the list's rows hold words of the old language
            self.model.refresh()
            self.model.retranslate()
        self.update_buttons()

    def update_buttons(self) -> None:
        """Enable what the chosen row allows (a view with a list and buttons says what)."""

    def button(self, slot: Callable[[], Any]) -> QPushButton:
        """A push button that calls `slot` (its text comes from TEXTS)."""
        button = QPushButton(self)
        button.clicked.connect(lambda: slot())
        return button

    def button_row(self, *buttons: QWidget, layout: QVBoxLayout | None = None) -> QHBoxLayout:
        """`buttons` side by side, to the left, at the end of `layout` (the view's own by default)."""
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        (layout or self.layout_).addLayout(row)
        return row

    def list_with_buttons(self, model: Any, *buttons: QWidget) -> QTableView:
        """The office's usual view: its buttons, the line for a refusal, then the list; choosing a row
        updates the buttons. Sets `table` and `error`."""
        self.error = self._message()
        self.table = _table(model, self)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        self.button_row(*buttons)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.table, 1)
        fit_columns(self.table)
        return self.table

    def attempt(self, act: Callable[[], Any], *changed: str) -> Any:
        """Make a change through the domain: its refusal goes to the view's `error` line (REFUSED
        is returned), or what changed is announced and the act's result returned."""
        self.error.hide()
        try:
            done = act()
        except DeskError as exc:
            self.show_refusal(self.error, exc)
            return REFUSED
        if changed:
            self.desk.announce(*changed)
        return done

    def _search_box(self, placeholder_key: str, apply: Any) -> QLineEdit:
        box = QLineEdit(self)
        box.setClearButtonEnabled(True)
        box.setPlaceholderText(tr(placeholder_key))
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(SEARCH_DELAY_MS)  # search when typing pauses, not on every key
        timer.timeout.connect(lambda: apply(box.text()))
        box.textChanged.connect(lambda _text: timer.start())

        def search_now() -> None:
            timer.stop()
            apply(box.text())

        box.returnPressed.connect(search_now)
        return box

    def _message(self) -> QLabel:
        return error_label(self)

    def show_refusal(self, label: QLabel, exc: DeskError) -> None:
        label.setText(exc.message())
        label.show()


class ResidentsView(_View):
    """Residents by door; search by phone, last 4 digits, door, plate or name; register; add and
    remove plates; correct or move a resident; mark one as moved away (or back).

    `confirm(title, text)` and `choose_plate(resident)` ask the clerk; tests replace them.
    """

    VIEW_KEY = "uis_view_residents"
    ADMIN_ONLY = False
    TEXTS = {"add_button": "uis_add_resident", "plate_button": "uis_add_plate", "import_button": "uimp_button",
             "edit_button": "uis_edit_resident", "unplate_button": "uis_remove_plate", "moved_box": "uis_show_moved"}

    def build(self) -> None:
        self.confirm = ask_no_default(self)
        self.choose_plate = ask_plate(self)
        self.model = ResidentsListModel(self.desk.store, self)
        self.search = self._search_box("uis_search_residents", self.apply_search)
        self.table = _table(self.model, self)
        self.table.doubleClicked.connect(lambda _index: self.edit_resident())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        self.edit_button = self.button(self.edit_resident)
        self.unplate_button = self.button(self.remove_plate)
        self.leave_button = self.button(self.toggle_active)
        self.moved_box = QCheckBox(self)
        self.moved_box.toggled.connect(self.show_moved)
        self.count = QLabel(self)
        self.error = self._message()
        self.add_button = self.button(self.add_resident)
        self.add_button.setShortcut(QKeySequence.StandardKey.New)
        self.plate_button = self.button(self.add_plate)
        self.import_button = self.button(self.import_residents)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.plate_button)
        row.addWidget(self.import_button)
        self.layout_.addLayout(row)
        self.button_row(self.edit_button, self.unplate_button, self.leave_button).addWidget(self.moved_box)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.table, 1)
        self.layout_.addWidget(self.count)
        fit_columns(self.table)

    def apply_search(self, text: str) -> None:
        self.error.hide()
        try:
            self.model.search(text)
        except DeskError as exc:
            self.show_refusal(self.error, exc)
        self.count.setText(tr("uis_count", n=self.model.rowCount()))
        self.update_buttons()  # a new list has nothing selected

    def add_resident(self) -> residents.Resident | None:
        return ResidentDialog(self.desk, None, self).saved_on_accept()

    def add_plate(self) -> residents.Resident | None:
        row = _selected_row(self.table)
        if row is None:
            return None
        return ResidentDialog(self.desk, self.model.resident(row), self).saved_on_accept()

    def _selected(self) -> residents.Resident | None:
        row = _selected_row(self.table)
        return None if row is None else self.model.resident(row)

    def update_buttons(self) -> None:
        person = self._selected()
        self.edit_button.setEnabled(person is not None)
        self.unplate_button.setEnabled(person is not None and bool(person.plates))
        self.leave_button.setEnabled(person is not None)
        self.leave_button.setText(tr("uis_move_back" if person is not None and not person.active else "uis_move_out"))

    def _reselect(self, resident_id: int) -> None:
        row = self.model.row_of(resident_id)
        if row is not None:
            self.table.selectRow(row)
        self.update_buttons()

    def edit_resident(self) -> residents.Resident | None:
        """Correct the selected resident in a dialog that shows refusals next to the field."""
        person = self._selected()
        if person is None:
            return None
        dialog = ResidentEditDialog(self.desk, person, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        self._reselect(person.id)
        return dialog.saved

    def remove_plate(self) -> str | None:
        """Take a plate of the selected household off (after asking which, if several, and confirming)."""
        person = self._selected()
        if person is None:
            return None
        self.error.hide()
        if not person.plates:
            self.error.setText(tr("uis_unplate_none", door=person.door))
            self.error.show()
            return None
        plate = person.plates[0] if len(person.plates) == 1 else self.choose_plate(person)
        if not plate or not self.confirm(tr("uis_unplate_title"),
                                         tr("uis_unplate_confirm", door=person.door, plate=plate)):
            return None
        try:
            residents.remove_plate(self.desk.store, self.desk.actor, plate, now=self.desk.now())
        except DeskError as exc:
            self.show_refusal(self.error, exc)
            return None
        self.desk.announce("resident")
        self._reselect(person.id)
        return plate

    def toggle_active(self) -> residents.Resident | None:
        """Mark the selected resident as moved away, or back, after confirming."""
        person = self._selected()
        if person is None:
            return None
        self.error.hide()
        key = "uis_leave" if person.active else "uis_return"
        if not self.confirm(tr(f"{key}_title"), tr(f"{key}_confirm", name=person.name, door=person.door)):
            return None
        try:
            changed = residents.set_active(self.desk.store, self.desk.actor, person.id, not person.active,
                                           now=self.desk.now())
        except DeskError as exc:
            self.show_refusal(self.error, exc)
            return None
        self.desk.announce("resident")
        self._reselect(person.id)
        return changed

    def show_moved(self, on: bool) -> None:
        """List those who moved away too (to bring one back), or only those living here."""
        self.model.include_moved = on
        self.apply_search(self.search.text())
        fit_columns(self.table)  # names now carry "（已迁出）"

    def import_residents(self, path: str | None = None) -> ImportDialog | None:
        """Pick a CSV (or take `path`), show its dry run, import on request (ui/office/import_dialog.py)."""
        path = path or choose_file(self)
        if not path:
            return None
        dialog = ImportDialog(self.desk, path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        dialog.start_check()
        return dialog

    def on_changed(self, what: set[str]) -> None:
        if "resident" in what:
            self.apply_search(self.search.text())

    def retranslate(self, _language: str = "") -> None:
        super().retranslate()
        self.search.setPlaceholderText(tr("uis_search_residents"))
        self.count.setText(tr("uis_count", n=self.model.rowCount()))
        self.model.retranslate()


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
        self.resource_table = _table(self.resource_proxy, self)
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
        self.rule_table = _table(self.rules, self)
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


class ClerkDialog(FieldForm):
    """A new account (name, role, password twice), or a new password for one."""

    def __init__(self, desk: Any, name: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(tr("uis_clerk_title") if name is None else tr("uis_password_title", name=name), parent)
        self.desk = desk
        self.name = name
        self.saved: clerks.Clerk | None = None
        if name is None:
            self.add_field("name", tr("uis_field_account"), QLineEdit(self))
            role = QComboBox(self)
            for value in clerks.ROLES:
                role.addItem(tr(f"clerk_role_{value}"), value)
            self.add_field("role", tr("uis_field_role"), role)
        for field, key in (("password", "uis_field_password"), ("again", "uis_field_again")):
            edit = QLineEdit(self)
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.add_field(field, tr(key), edit)

    def value(self, field: str) -> str:
        widget = self.fields[field]
        return widget.currentData() if isinstance(widget, QComboBox) else widget.text()  # type: ignore[attr-defined]

    def save_changes(self) -> None:
        if self.value("password") != self.value("again"):
            raise DeskError("invalid", "uis_password_mismatch", field="again")
        if self.name is None:
            self.saved = clerks.add(self.desk.store, self.desk.actor, self.value("name"), self.value("role"),
                                    self.value("password"), now=self.desk.now())
        else:
            self.saved = clerks.set_password(self.desk.store, self.desk.actor, self.name, self.value("password"),
                                             now=self.desk.now())
        self.desk.announce("clerk")


class ClerksView(_View):
    """The accounts: add one, set a password, disable or enable."""

    VIEW_KEY = "uis_view_clerks"
    TEXTS = {"add_button": "uis_add_clerk", "password_button": "uis_reset_password"}
    REFRESH_ON = frozenset({"clerk"})

    def build(self) -> None:
        self.confirm = ask_no_default(self)
        self.model = ClerksModel(self.desk.store, self)
        self.add_button = self.button(self.add_clerk)
        self.password_button = self.button(self.set_password)
        self.toggle_button = self.button(self.toggle_clerk)
        self.list_with_buttons(self.model, self.add_button, self.password_button, self.toggle_button)

    def update_buttons(self) -> None:
        row = _selected_row(self.table)
        show_toggle(self.toggle_button, row is None or self.model.clerk(row).active, row is not None)
        self.password_button.setEnabled(row is not None)

    def add_clerk(self) -> clerks.Clerk | None:
        return ClerkDialog(self.desk, None, self).saved_on_accept()

    def set_password(self) -> clerks.Clerk | None:
        row = _selected_row(self.table)
        if row is None:
            return None
        return ClerkDialog(self.desk, self.model.clerk(row).name, self).saved_on_accept()

    def toggle_clerk(self) -> clerks.Clerk | None:
        row = _selected_row(self.table)
        if row is None:
            return None
        clerk = self.model.clerk(row)
        if clerk.active and not self.confirm(tr("uis_clerk_disable_title"), tr("uis_clerk_disable_confirm",
                                                                              name=clerk.name)):
            return None
        changed = self.attempt(lambda: clerks.set_active(self.desk.store, self.desk.actor, clerk.name,
                                                         not clerk.active, now=self.desk.now()), "clerk")
        if changed is REFUSED:
            return None
        self.table.selectRow(row)
        return changed


class AuditView(_View):
    """The audit log, read only, newest first, searchable."""

    VIEW_KEY = "uis_view_audit"

    def build(self) -> None:
        self.model = AuditModel(self.desk.store, self)
        self.search = self._search_box("uis_search_audit", self.model.search)
        self.table = _table(self.model, self)
        self.layout_.addWidget(self.search)
        self.layout_.addWidget(self.table, 1)
        fit_columns(self.table)

    def on_changed(self, what: set[str]) -> None:
        if what:  # every change is logged
            self.model.refresh()

    def retranslate(self, _language: str = "") -> None:
        super().retranslate()
        self.search.setPlaceholderText(tr("uis_search_audit"))
        self.model.retranslate()


VIEWS: dict[str, tuple[type[_View], str]] = {
    "residents": (ResidentsView, "uis_menu_residents"),
    "resources": (ResourcesRulesView, "uis_menu_resources"),
    "clerks": (ClerksView, "uis_menu_clerks"),
    "audit": (AuditView, "uis_menu_audit"),
}


#: the size an office view's window opens at, on a screen with room for it: lists with their columns whole
COMFORTABLE = QSize(1280, 680)


class ViewWindow(QDialog):
    """A non-modal window holding one view (the desk stays usable beside it)."""

    def __init__(self, view: _View, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setWindowTitle(view.windowTitle())
        self.setModal(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(view)
        self.resize(COMFORTABLE)  # ui/fit.py keeps it within the screen it is shown on, frame included
        follow(view.desk.language_changed, self, lambda _code: self.setWindowTitle(tr(view.VIEW_KEY)))


class AdminMenu(QObject):
    """The menu entries that open the office views; admin-only ones are disabled for a clerk.

    `actions` maps 'residents', 'resources', 'clerks', 'audit' to QActions;
    `menu` is a ready "管理" menu with them and the scan station's entry, for a
    menu bar. Call `update_permissions()` after a different clerk signs in.
    """

    def __init__(self, desk: Any, parent: QWidget | None = None,
                 more_views: dict[str, tuple[type[_View], str]] | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.parent_widget = parent
        self.windows: dict[str, ViewWindow] = {}
        self.actions: dict[str, QAction] = {}
        self.menu = QMenu(parent)
        # The office's screens (ui/office/screens.py) come after spaces and rooms, before the accounts.
        names = list(VIEWS)
        at = names.index("resources") + 1
        self.views = {name: VIEWS.get(name) or (more_views or {})[name]
                      for name in names[:at] + list(more_views or {}) + names[at:]}
        for name in self.views:
            action = QAction(self)
            action.triggered.connect(lambda _checked=False, which=name: self.open(which))
            self.actions[name] = action
            self.menu.addAction(action)
            if name == "residents":
                self.menu.addSeparator()
        self.station_action = station_action(desk, parent if parent is not None else self.menu)
        self.menu.addSeparator()
        self.menu.addAction(self.station_action)
        self.demo_action = QAction(self)  # admin only: it writes made-up residents into this store
        self.demo_action.triggered.connect(lambda _checked=False: self.open_demo())
        self.menu.addAction(self.demo_action)
        desk.language_changed.connect(self.retranslate)
        self.retranslate()

    def open(self, which: str) -> ViewWindow:
        """Show the view (reusing its window if it is open already)."""
        window = self.windows.get(which)
        if window is None or window.view.desk.actor is not self.desk.actor:
            view_class, _key = self.views[which]
            window = ViewWindow(view_class(self.desk), self.parent_widget)
            self.windows[which] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_demo(self) -> DemoDialog | None:
        """The demo-data dialog (ui/office/demo_dialog.py); None for a clerk."""
        if demo_refusal(self.desk):
            return None
        dialog = DemoDialog(self.desk, self.parent_widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def update_permissions(self) -> None:
        refusal = demo_refusal(self.desk)
        self.demo_action.setEnabled(refusal is None)
        self.demo_action.setToolTip(refusal or tr("udemo_view"))
        self.demo_action.setStatusTip(refusal or tr("udemo_view"))
        for name, action in self.actions.items():
            view_class, _key = self.views[name]
            refusal = admin_refusal(self.desk, view_class.VIEW_KEY) if view_class.ADMIN_ONLY else None
            action.setEnabled(refusal is None)
            action.setToolTip(refusal or tr(view_class.VIEW_KEY))
            action.setStatusTip(refusal or tr(view_class.VIEW_KEY))

    def retranslate(self, _language: str = "") -> None:
        self.menu.setTitle(tr("uis_menu_office"))
        for name, action in self.actions.items():
            action.setText(tr(self.views[name][1]))
        self.demo_action.setText(tr("udemo_action"))
        self.update_permissions()
