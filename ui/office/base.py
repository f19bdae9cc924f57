"""What the office views and their forms are built on: `_View` (a view with a title that an
admin-only view shows a clerk only its refusal in, with its buttons, list, search box and the
domain's refusals), `FieldForm` (a dialog of labelled fields, each with a line under it for the
domain's refusal), and the small helpers they share (admin_refusal, fit_columns, show_toggle,
table_width, _selected_row).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.store.i18n import tr
from ui.desk.session import Desk, follow
from ui.widgets.fieldmessages import ERROR_CSS, FieldMessages, W, error_label
from ui.widgets.tables import read_only_view
from ui.desk.fonts import ui_font

SEARCH_DELAY_MS = 250


def admin_refusal(desk: Desk, view_key: str) -> str | None:
    """Why this actor may not open an admin view, or None for an admin."""
    if desk.actor.is_admin:
        return None
    return tr("uis_admin_only", view=tr(view_key))


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


#: what _View.attempt gives when the domain refused (an act may give None itself)
REFUSED = object()


class _View(QWidget):
    """A view with a title; an admin-only one shows only its refusal to a clerk."""

    VIEW_KEY = ""
    ADMIN_ONLY = True
    #: attribute -> message key: the view's buttons and labels, set again on a language switch
    TEXTS: dict[str, str] = {}
    #: for a view over one list (`model`): the announced changes after which it reads the list again
    REFRESH_ON: Changes = Changes()
    #: the list a view with REFRESH_ON reads again (set by its build)
    model: Any

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
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
        follow(desk.changed, self, self.on_changes)
        follow(desk.language_changed, self, self.retranslate)
        self.retranslate()

    def build(self) -> None:
        raise NotImplementedError

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.touches(self.REFRESH_ON):
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
        self.table = read_only_view(model, self, fit=False, striped=True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        self.button_row(*buttons)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.table, 1)
        fit_columns(self.table)
        return self.table

    def attempt(self, act: Callable[[], Any], changes: Changes | None = None) -> Any:
        """Make a change through the domain: its refusal goes to the view's `error` line (REFUSED
        is returned), or the act's result is returned and its `changes` (a write to the store)
        announced."""
        self.error.hide()
        try:
            return act() if changes is None else self.desk.run(act, changes, self)
        except DeskError as exc:
            self.show_refusal(self.error, exc)
            return REFUSED

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
