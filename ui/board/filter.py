"""The day board's filter: hides rows by zone, kind, free or taken at an hour, and by a find text
(plate, phone or its last 4, door, code); keeps the group headings of groups that still show something.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from ui.board.model import BoardModel


class BoardFilter(QSortFilterProxyModel):
    """Hides rows by zone, kind, free/taken at an hour and a find text; keeps group headings
    for groups that still show something."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.zone: str | None = None
        self.kind: str | None = None
        self.occupancy = "any"   # any / free / taken
        self.hour = 19
        self.text = ""

    def board(self) -> BoardModel:
        return self.sourceModel()  # type: ignore[return-value]

    def set_filters(self, **values: Any) -> None:
        for key, value in values.items():
            setattr(self, key, value)
        self.beginFilterChange()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _resource_accepted(self, number: int) -> bool:
        board = self.board()
        row = board.row(number)
        res = row.resource
        assert res is not None
        if self.kind and row.kind != self.kind:
            return False
        if self.zone and res.zone != self.zone:
            return False
        if self.occupancy != "any":
            free = board.is_free(number, self.hour * 60, self.hour * 60 + 60)
            if free != (self.occupancy == "free"):
                return False
        query = self.text.strip()
        if query:
            q = "".join(query.split()).upper()
            if q in res.code or query in res.name:
                return True
            return any(b.matches(query) for b in board.blocks(number))
        return True

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        board = self.board()
        row = board.row(source_row)
        if not row.is_group:
            return self._resource_accepted(source_row)
        return any(board.row(n).kind == row.kind and not board.row(n).is_group and self._resource_accepted(n)
                   for n in range(board.rowCount()))
