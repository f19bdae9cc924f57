"""Pieces the office screens share: a table model over rows of plain data, the scope chooser,
a confirmation whose default is No, and a dialog size taken from its content.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDialog, QMessageBox, QWidget

from booking.places import inventory
from booking.store.i18n import define, tr
from ui.widgets.tables import TableModel

define(
    uio_scope_all=("全部车位和场地", "Every space and room"),
    uio_scope_parking=("全部车位", "Every parking space"),
    uio_scope_room=("全部场地", "Every room"),
)


class RowsModel(TableModel):
    """A read-only table over a list of dicts from the domain; `load()` gives them again on refresh.

    A row's key "_grey" greys it out.
    """

    def __init__(self, columns: tuple[str, ...], load: Callable[[], list[dict[str, Any]]], parent: Any = None) -> None:
        super().__init__(parent)
        self.COLUMNS = columns
        self.load = load
        self._rows: list[dict[str, Any]] = []
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = list(self.load())
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._rows)

    def row(self, number: int) -> dict[str, Any]:
        return self._rows[number]

    def cell(self, number: int, column: str) -> Any:
        return self._rows[number].get(column, "")

    def colour(self, number: int) -> QColor | None:
        return QColor("#8a8f98") if self._rows[number].get("_grey") else None


def sorted_filtered(model: Any, parent: QWidget) -> QSortFilterProxyModel:
    """A proxy over one of the office's tables (ui.widgets.tables.TableModel): it sorts by the plain value
    (numbers as numbers) and filters on the text of every column."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    proxy.setSortRole(Qt.ItemDataRole.UserRole)
    return proxy


def scope_box(store: Any, parent: QWidget, include_all: bool = True, kinds: bool = True) -> QComboBox:
    """Everything, a kind, or one space or room; the item data is the domain's scope ('*', 'kind:room', 'res:R06')."""
    box = QComboBox(parent)
    if include_all:
        box.addItem(tr("uio_scope_all"), "*")
    if kinds:
        box.addItem(tr("uio_scope_parking"), "kind:parking")
        box.addItem(tr("uio_scope_room"), "kind:room")
    for res in inventory.all_resources(store):
        box.addItem(f"{res.code} {res.name}", f"res:{res.code}")
    box.setMaxVisibleItems(20)
    return box


def choose(box: QComboBox, data: Any) -> None:
    index = box.findData(data)
    if index >= 0:
        box.setCurrentIndex(index)


def ask_no_default(parent: QWidget) -> Callable[[str, str], bool]:
    """A Yes/No question whose safe answer (No) is the default; tests put their answers in its place."""
    def confirm(title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes
    return confirm


def fit_to_content(dialog: QDialog) -> None:
    """As large as the content asks, within the screen's available area (never fixed pixels)."""
    dialog.adjustSize()
    screen = dialog.screen()
    if screen is None:
        return
    area = screen.availableGeometry()
    hint = dialog.sizeHint()
    dialog.resize(min(max(hint.width(), dialog.width()), area.width() * 9 // 10),
                  min(max(hint.height(), dialog.height()), area.height() * 9 // 10))
