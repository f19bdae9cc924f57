"""The clerk accounts view (admin only): adding an account, setting its password, disabling or
enabling it (ClerksView, ClerkDialog).
"""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from booking.people import clerks
from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.store.i18n import tr
from ui.desk.session import Desk
from ui.office.admin_models import ClerksModel
from ui.widgets.confirm import confirmer
from ui.office.base import REFUSED, FieldForm, _selected_row, _View, show_toggle

CLERKS = Changes(clerks=True)


class ClerkDialog(FieldForm):
    """A new account (name, role, password twice), or a new password for one."""

    def __init__(self, desk: Desk, name: str | None = None, parent: QWidget | None = None) -> None:
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
        name = self.name
        if name is None:
            self.saved = self.desk.run(lambda: clerks.add(self.desk.store, self.desk.actor, self.value("name"),
                                                          self.value("role"), self.value("password"),
                                                          now=self.desk.now()), CLERKS, self)
        else:
            self.saved = self.desk.run(lambda: clerks.set_password(self.desk.store, self.desk.actor, name,
                                                                   self.value("password"), now=self.desk.now()),
                                       CLERKS, self)


class ClerksView(_View):
    """The accounts: add one, set a password, disable or enable."""

    VIEW_KEY = "uis_view_clerks"
    TEXTS = {"add_button": "uis_add_clerk", "password_button": "uis_reset_password"}
    REFRESH_ON = CLERKS | Changes(signed_in=True)

    def build(self) -> None:
        self.confirm = confirmer(self)
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
                                                         not clerk.active, now=self.desk.now()), CLERKS)
        if changed is REFUSED:
            return None
        self.table.selectRow(row)
        return changed
