"""The sign-in dialog at start: who is at the desk, as a clerk or an admin.

On a store with no account yet it becomes "create the first admin" (name,
password, the password again). A refusal is shown under the password, in the
words the domain chose ("用户名或密码错误"), and the password is cleared for
the next try. The dialog decides nothing: `booking.people.clerks` does.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from booking.people import clerks
from booking.store.audit import Actor
from booking.store.errors import DeskError
from booking.store.i18n import tr
from ui.desk import language
from ui.desk.session import Desk, current_minute
from ui.widgets.fieldmessages import ERROR_CSS
from ui.desk.fonts import ui_font

LAST_CLERK = "signin/last_clerk"


class SignInDialog(QDialog):
    """Name and password; on a new store, the first admin's name and password twice."""

    def __init__(self, store: Any, desk: Desk | None = None, parent: QWidget | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.desk = desk
        # the desk's clock (a fixed --now included); before the window exists, the edge's own
        self._now = now or (desk.now if desk is not None else current_minute)
        self.actor: Actor | None = None
        self.first = clerks.count(store) == 0

        self.heading = QLabel(self)
        self.heading.setFont(ui_font(15, True))
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setVisible(self.first)
        self.name = QLineEdit(self)
        self.name.setMaxLength(30)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit(self)
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.messages: dict[str, QLabel] = {}
        for field in ("name", "password", "again"):
            label = QLabel(self)
            label.setStyleSheet(ERROR_CSS)
            label.setWordWrap(True)
            # room for a message under each field from the start, empty until needed: the dialog
            # keeps its size from one refusal to the next instead of growing with each
            label.setMinimumHeight(label.fontMetrics().height() * 2 + 4)
            self.messages[field] = label

        self.form = QFormLayout()
        self.name_label, self.password_label, self.again_label = QLabel(self), QLabel(self), QLabel(self)
        self.form.addRow(self.name_label, self.name)
        self.form.addRow("", self.messages["name"])
        self.form.addRow(self.password_label, self.password)
        self.form.addRow("", self.messages["password"])
        if self.first:
            self.form.addRow(self.again_label, self.again)
            self.form.addRow("", self.messages["again"])
        else:
            self.again.hide()
            self.again_label.hide()

        self.buttons = QDialogButtonBox(self)
        self.ok = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.lang = QPushButton(self)
        self.lang.setFlat(True)
        self.lang.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lang.clicked.connect(self._switch_language)
        self.buttons.addButton(self.lang, QDialogButtonBox.ButtonRole.HelpRole)
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.setFont(ui_font(11))
        self.setMinimumWidth(420)
        self.retranslate()
        last = "" if self.first else str(language.settings().value(LAST_CLERK, "") or "")
        self.name.setText(last)  # the shift's clerk signs in again after a break: only the password
        (self.password if last else self.name).setFocus()

    def retranslate(self, _language: str = "") -> None:
        self.setWindowTitle(tr("uis_signin_first_title" if self.first else "uis_signin_title"))
        self.heading.setText(tr("uis_signin_first_heading" if self.first else "uis_signin_heading"))
        self.note.setText(tr("uis_signin_first_note"))
        self.name_label.setText(tr("uis_signin_name"))
        self.password_label.setText(tr("uis_signin_password"))
        self.again_label.setText(tr("uis_signin_again"))
        self.ok.setText(tr("uis_signin_create" if self.first else "uis_signin_ok"))
        self.quit.setText(tr("uis_signin_quit"))
        self.lang.setText(tr("uis_lang_switch"))
        self.lang.setToolTip(tr("uis_lang_switch_tip"))

    def _switch_language(self) -> None:
        language.toggle(self.desk)
        self.retranslate()

    def show_message(self, field: str, text: str) -> None:
        """Show `text` under the field it concerns (name, password or again)."""
        for name, label in self.messages.items():
            label.setText(text if name == field else "")

    def submit(self) -> None:
        """Sign in (or create the first admin); stays open with the message if refused."""
        if self.first and self.password.text() != self.again.text():
            self.show_message("again", tr("uis_signin_mismatch"))
            self.again.clear()
            self.again.setFocus()
            return
        try:
            if self.first:
                self.actor = clerks.create_first_admin(self.store, self.name.text(), self.password.text(),
                                                       now=self._now())
            else:
                self.actor = clerks.authenticate(self.store, self.name.text(), self.password.text(), now=self._now())
        except DeskError as exc:
            field = exc.field if exc.field in self.messages else "password"
            self.show_message(field, exc.message())
            if field == "name":
                self.name.setFocus()
            else:
                self.password.clear()
                self.again.clear()
                self.password.setFocus()
            return
        language.settings().setValue(LAST_CLERK, self.actor.name)
        self.accept()


def sign_in(store: Any, desk: Desk | None = None, parent: QWidget | None = None,
            now: Callable[[], datetime] | None = None) -> Actor | None:
    """Ask who is at the desk; the signed-in actor, or None if they quit."""
    dialog = SignInDialog(store, desk, parent, now)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.actor
