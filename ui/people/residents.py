"""The residents a find text matched, as a list model: masked, so the clerk sees enough to
recognise them and no more (the booking dialog and the time-bank credits search with it)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from booking.people.residents import Resident
from booking.store.validation import mask_name, mask_phone


class ResidentModel(QAbstractListModel):
    """Residents found by the find text (masked: the clerk sees enough to recognise them)."""

    ResidentRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._found: list[Resident] = []

    def set_residents(self, found: list[Resident]) -> None:
        self.beginResetModel()
        self._found = list(found)
        self.endResetModel()

    def resident(self, row: int) -> Resident:
        return self._found[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._found)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._found):
            return None
        r = self._found[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return "   ".join(p for p in (mask_name(r.name), r.door, mask_phone(r.phone), " ".join(r.plates)) if p)
        if role == self.ResidentRole:
            return r
        return None
