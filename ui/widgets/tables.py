"""The one shape most of the program's tables share: rows of display texts under translated titles.

A model keeps the texts it shows (made once when its data is set, not on every paint) and, where a
view needs it, the domain object behind each row. Titles are message keys, so a language switch only
has to call `retranslate()`.
"""
from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from booking.store.i18n import language, tr

Index = QModelIndex | QPersistentModelIndex


_WORDS = re.compile(r"[a-z][a-z -]*")


def cell_text(text: Any) -> Any:
    """A table cell as shown: an English word or two capitalised like the rest of the table
    ("Cash", "Waived", "Open"), everything else (codes, numbers, sentences, Chinese) as it is."""
    if isinstance(text, str) and language() == "en" and _WORDS.fullmatch(text):
        return text[0].upper() + text[1:]
    return text


class TextTable(QAbstractTableModel):
    """Rows of texts; COLUMNS are message keys for the titles, RIGHT the right-aligned columns."""

    COLUMNS: tuple[str, ...] = ()
    RIGHT: frozenset[int] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, ...]] = []

    def _set(self, rows: list[tuple[str, ...]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(self._rows[index.row()][index.column()])
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.COLUMNS):
            return tr(self.COLUMNS[section])
        return None

    def retranslate(self) -> None:
        """Titles and texts again in the current language (the texts are made by `_texts`)."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)
        self.refresh_texts()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.COLUMNS) - 1))

    def refresh_texts(self) -> None:
        """Remake the row texts from the data behind them (subclasses that translate cells override it)."""
