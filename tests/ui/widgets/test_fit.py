"""A dialog taller than the screen scrolls, and still opens as tall as the screen lets it: its
fields in sight, not a strip of a few lines above its buttons."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QScrollArea, QVBoxLayout

from ui.widgets import fit


def tall_dialog(rows: int) -> QDialog:
    dialog = QDialog()
    layout = QVBoxLayout(dialog)
    for number in range(rows):
        layout.addWidget(QLabel(f"field {number}"))
        layout.addWidget(QLineEdit())
    layout.addWidget(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel))
    return dialog


def test_a_dialog_too_tall_for_the_screen_scrolls_at_the_screens_height(qtbot):
    dialog = tall_dialog(40)
    qtbot.addWidget(dialog)
    room = fit.room(dialog)
    assert dialog.minimumSizeHint().height() > room.height()
    fit.fit_dialog(dialog)
    assert dialog.findChild(QScrollArea, "fitScroll") is not None
    assert dialog.height() == room.height()


def test_a_dialog_that_fits_keeps_its_own_size(qtbot):
    dialog = tall_dialog(3)
    qtbot.addWidget(dialog)
    wanted = dialog.sizeHint()
    fit.fit_dialog(dialog)
    assert dialog.findChild(QScrollArea, "fitScroll") is None
    assert dialog.size() == wanted
