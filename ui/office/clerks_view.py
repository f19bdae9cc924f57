"""The clerk accounts view (admin only): adding an account, setting its password, disabling or
enabling it (ClerksView, ClerkDialog).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from booking.people import clerks
from booking.store.errors import DeskError
from booking.store.i18n import define, tr
from ui.office.admin_models import ClerksModel
from ui.office.common import ask_no_default
from ui.office.base import REFUSED, FieldForm, _selected_row, _View, show_toggle

define(
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
)


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
