"""The program's read-only tables: one model base (`TableModel`) and one view factory (`read_only_view`).

A model has translated titles (COLUMNS are message keys, so a language switch only has to call
`retranslate()`), says how many rows it has (`row_total`) and what each cell holds (`cell`), and may
colour a row (`colour`) or one cell (`foreground`), shade a row (`background`), set a row's font
(`font`) and answer roles of its own (`role_data`). Numbers stay numbers under Qt's UserRole, for a
proxy that sorts by them.
`TextTable` is the shape most of the program's tables share: the texts are made once when its data
is set (not on every paint), and where a view needs it the model keeps the domain object behind
each row.
"""
from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from booking.store.i18n import language, tr

Index = QModelIndex | QPersistentModelIndex


_WORDS = re.compile(r"[a-z][a-z -]*")


def cell_text(text: Any) -> Any:
    """A table cell as shown: an English word or two capitalised like the rest of the table
    ("Cash", "Waived", "Open"), everything else (codes, numbers, sentences, Chinese) as it is."""
    if isinstance(text, str) and language() == "en" and _WORDS.fullmatch(text):
        return text[0].upper() + text[1:]
    return text


class TableModel(QAbstractTableModel):
    """Read-only table: subclasses give COLUMNS (message keys), `row_total()` and `cell(number, column)`.

    RIGHT holds the numbers of the right-aligned columns; with TIPS a cell's text is also its tooltip.
    """

    COLUMNS: tuple[str, ...] = ()
    RIGHT: frozenset[int] = frozenset()
    #: the columns whose cells are the program's own words ("parking", "all spaces"): in English
    #: they start with a capital like the rest of the table; names and codes stay as they are
    WORDS: frozenset[str] = frozenset()
    TIPS = True

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.row_total()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def row_total(self) -> int:
        raise NotImplementedError

    def cell(self, number: int, column: str) -> Any:
        raise NotImplementedError

    def value(self, number: int, column: int) -> Any:
        """The cell in row `number`, column `column` (by its place); `cell` names the column by its key."""
        return self.cell(number, self.COLUMNS[column])

    def shown(self, value: Any, column: str) -> Any:
        """A cell's value as the table shows it."""
        text = "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
        if column in self.WORDS and language() == "en":
            return text[:1].upper() + text[1:]
        return text

    def colour(self, number: int) -> QColor | None:
        """The text colour of row `number` (None: the view's)."""
        return None

    def foreground(self, number: int, column: int) -> QColor | None:
        """The text colour of one cell: its row's `colour` unless a model colours only some columns."""
        return self.colour(number)

    def background(self, number: int) -> QColor | None:
        """The shade behind row `number` (None: the view's)."""
        return None

    def font(self, number: int) -> QFont | None:
        """The font of row `number` (None: the view's)."""
        return None

    def role_data(self, number: int, role: int) -> Any:
        """What row `number` answers for a role of the model's own (an id under its EntryRole)."""
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS):
            return tr(self.COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.row_total() \
                or not 0 <= index.column() < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole or (role == Qt.ItemDataRole.ToolTipRole and self.TIPS):
            return self.shown(self.value(index.row(), index.column()), self.COLUMNS[index.column()])
        if role == Qt.ItemDataRole.UserRole:  # what a sorting proxy compares: numbers as numbers
            value = self.value(index.row(), index.column())
            return value if isinstance(value, (int, float)) else str(value or "")
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(index.row(), index.column())
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.background(index.row())
        if role == Qt.ItemDataRole.FontRole:
            return self.font(index.row())
        return self.role_data(index.row(), role)

    def retranslate(self) -> None:
        """Titles and texts again in the current language (kept texts are made again by `refresh_texts`)."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)
        self.refresh_texts()
        if self.row_total():
            self.dataChanged.emit(self.index(0, 0), self.index(self.row_total() - 1, len(self.COLUMNS) - 1))

    def refresh_texts(self) -> None:
        """Remake the row texts from the data behind them (subclasses that keep texts override it)."""


class TextTable(TableModel):
    """Rows of texts, made once when the data is set (`_set`); RIGHT the right-aligned columns."""

    TIPS = False

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, ...]] = []

    def _set(self, rows: list[tuple[str, ...]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._rows)

    def value(self, number: int, column: int) -> Any:
        return self._rows[number][column]

    def shown(self, value: Any, column: str) -> Any:
        return cell_text(value)


def read_only_view(model: QAbstractItemModel, parent: QWidget | None = None, stretch: int = -1, *,
                   fit: bool = True, single: bool = True, striped: bool = False) -> QTableView:
    """A read-only table of whole rows, without row numbers.

    With `fit` the columns are as wide as their content (else the clerk drags them), column
    `stretch` taking the rest (-1: the last column); `single` lets one row be chosen at a time;
    `striped` alternates the rows' colours.
    """
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    if striped:
        view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents if fit else QHeaderView.ResizeMode.Interactive)
    if stretch >= 0:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return view
