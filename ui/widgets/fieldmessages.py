"""A refusal shown next to the field it names: the one mechanism behind every form's messages.

The domain raises DeskError with `field`; a form keeps one hidden message line under each field and
one under the whole form, and shows the refusal in the right place and gives that field the focus.
"""
from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from booking.store.errors import DeskError

ERROR_COLOUR = "#b3261e"
ERROR_CSS = f"color: {ERROR_COLOUR};"


def error_label(parent: QWidget) -> QLabel:
    """A hidden, wrapping, red line for a refusal."""
    label = QLabel(parent)
    label.setStyleSheet(ERROR_CSS)
    label.setWordWrap(True)
    label.hide()
    return label


class FieldMessages:
    """The fields of a QFormLayout, each with its label and a message line under it."""

    def __init__(self, parent: QWidget, form: QFormLayout) -> None:
        self.parent = parent
        self.form = form
        self.fields: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.messages: dict[str, QLabel] = {}
        self.general = error_label(parent)  # a refusal that names no field (e.g. forbidden)

    def add(self, name: str, widget: QWidget, label_text: str = "") -> QWidget:
        """Add a labelled row for `widget` and its message line; returns the widget."""
        label = QLabel(label_text, self.parent)
        label.setBuddy(widget)
        message = error_label(self.parent)
        self.form.addRow(label, widget)
        self.form.addRow("", message)
        self.fields[name], self.labels[name], self.messages[name] = widget, label, message
        return widget

    def show(self, field: str | None, text: str) -> None:
        """`text` next to `field` (under the form when None or unknown); empty text clears all."""
        field = field if field in self.messages else None
        for name, label in self.messages.items():
            label.setVisible(bool(text) and name == field)
            label.setText(text if name == field else "")
        self.general.setVisible(bool(text) and field is None)
        self.general.setText(text if field is None else "")
        if text and field is not None:
            self.fields[field].setFocus()

    def show_error(self, exc: DeskError | None, aliases: dict[str, str] | None = None) -> None:
        """The refusal next to the field it names (through `aliases` for the domain's names); None clears."""
        if exc is None:
            self.show(None, "")
            return
        self.show((aliases or {}).get(exc.field or "", exc.field), exc.message())
