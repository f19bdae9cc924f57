"""The program's one confirmation: a Yes/No question whose safe answer, No, is the default button,
so Enter pressed without reading never confirms. The buttons are Qt's standard Yes and No, which
the qtbase translations put in the user's language.

Windows hold a `confirm(title, text) -> bool` made by `confirmer(parent)`; tests put their own
answers in its place.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


def ask(parent: QWidget | None, title: str, text: str, *, default_yes: bool = False) -> bool:
    """Ask `text`; True only for Yes. `default_yes` is for the one offer where Yes is what the
    person came for (copying the earlier store at the very first start), never for a loss."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, YES | NO, parent)
    box.setDefaultButton(YES if default_yes else NO)
    return box.exec() == YES


def confirmer(parent: QWidget | None) -> Callable[[str, str], bool]:
    """`ask` with its parent fixed: the `confirm` a window keeps."""
    def confirm(title: str, text: str) -> bool:
        return ask(parent, title, text)
    return confirm
