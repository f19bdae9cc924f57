"""The Modal answerer (tests/ui/modal.py) keeps its place in the windows a click opens.

Its poll runs every 10 ms inside whichever modal loop is running, so on a loaded machine it also runs
between a question's closing and its exec() returning to the form that asked it: the form is the
active window again while its Save is still at work. That is neither a new window nor a refusal.
The steps here outlast the poll (as a busy machine makes any step) to put the poll exactly there.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QPushButton, QVBoxLayout

from tests.ui.modal import Modal, yes
from ui.widgets.confirm import ask


class _Form(QDialog):
    """A form whose Save asks first, as the office forms do; `refuse` keeps it open after a Yes."""

    def __init__(self, refuse: bool = False) -> None:
        super().__init__()
        self.refuse, self.saved = refuse, 0
        self.save = QPushButton("Save", self)
        self.save.clicked.connect(self.submit)
        self.refusal = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.save)
        layout.addWidget(self.refusal)

    def submit(self) -> None:
        if not ask(self, "Save?", "Every later charge follows it."):
            return
        if self.refuse:
            self.refusal.setText("refused")
            return
        self.saved += 1
        self.accept()


def _slow(step: Callable[[Any], Callable[[], Any]]) -> Callable[[Any], Callable[[], Any]]:
    """`step`, taking longer than the poll's 10 ms before it hands back its press."""
    def slow(window: Any) -> Callable[[], Any]:
        press = step(window)
        time.sleep(0.03)
        return press
    return slow


def _save(form: _Form) -> Callable[[], Any]:
    return form.save.click


def test_a_form_active_again_after_its_question_closed_waits_for_its_save(qtbot):
    form = _Form()
    qtbot.addWidget(form)
    with Modal(_slow(_save), _slow(yes())):  # before: "an unexpected _Form" once the question had hidden
        form.exec()
    assert form.saved == 1


def test_a_question_asked_again_while_the_form_saves_is_the_next_step(qtbot):
    """The closure form shows its question again after the list it offered, its Save still at work:
    a window that was answered before is a new step once its own press has returned."""
    form = QDialog()
    qtbot.addWidget(form)
    box = QMessageBox(QMessageBox.Icon.Warning, "Closure", "It meets 1 booking.",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, form)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    listed = box.addButton("List them", QMessageBox.ButtonRole.ActionRole)
    answers: list[Any] = []

    def save() -> None:
        box.exec()
        while box.clickedButton() is listed:  # the list, then the same question again
            shown = QDialog(form)
            QVBoxLayout(shown).addWidget(QLabel("2026-12-12 09:00–11:00  R06", shown))
            answers.append(shown.exec())
            box.exec()
        answers.append(box.clickedButton() is box.button(QMessageBox.StandardButton.Yes))
        form.accept()

    button = QPushButton("Save", form)
    QVBoxLayout(form).addWidget(button)  # without a layout the form may open 0x0, never shown, never modal
    button.clicked.connect(save)
    with Modal(_slow(lambda _form: button.click), _slow(lambda _box: listed.click),
               _slow(lambda shown: shown.accept), _slow(yes())):
        form.exec()
    assert answers == [QDialog.DialogCode.Accepted, True]


def test_a_form_that_stays_open_after_its_save_still_fails_and_closes(qtbot):
    form = _Form(refuse=True)
    qtbot.addWidget(form)
    with pytest.raises(AssertionError, match=r"_Form stayed open: \['refused'\]"), Modal(_slow(_save), _slow(yes())):
        form.exec()
    assert not form.isVisible() and form.saved == 0
