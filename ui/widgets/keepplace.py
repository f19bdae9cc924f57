"""A table view keeps the clerk's place when its model is read again: the selected cells, the
current cell and the scroll, by each row's identity (a scan's id, a space's code), not its number.

A model that reads itself again (`beginResetModel` … `endResetModel`) after another desk's write
would otherwise drop the selection and may move the rows under the clerk's eyes: a list of the
newest scans first gains a row at the top, so "row 3" is another scan after the refresh. `keep_place`
watches the view's model: just before a reset it notes what is chosen and which row is at the top
of the view; just after, it chooses the same rows again, wherever they are now, and scrolls so the
row that was at the top is there again (a view scrolled to the very top stays there, so the newest
rows of such a list come into sight). Rows that are gone are simply no longer chosen.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QItemSelection, QItemSelectionModel, QObject
from PySide6.QtWidgets import QAbstractItemView, QTableView

#: a row's identity, from its number in the view's model (None: a row that has none, never kept)
Identity = Callable[[QAbstractItemModel, int], Hashable | None]


@dataclass
class _Place:
    chosen: set[tuple[Hashable, int]] = field(default_factory=set)  # (row identity, column)
    current: tuple[Hashable, int] | None = None
    top: Hashable | None = None  # the identity of the row at the top of the view, if scrolled
    top_offset: int = 0          # how far (pixels) that row stood above the view's top edge
    horizontal: int = 0


class PlaceKeeper(QObject):
    """Notes the view's place before each reset of its model and puts it back after (see the module)."""

    def __init__(self, view: QTableView, identity: Identity) -> None:
        super().__init__(view)
        self.view = view
        self.identity = identity
        self._place: _Place | None = None
        self._model: QAbstractItemModel | None = None
        self.follow(view.model())

    def follow(self, model: QAbstractItemModel | None) -> None:
        """Watch `model` (the view's, set again if the view gets another)."""
        if self._model is not None:
            self._model.modelAboutToBeReset.disconnect(self.note)
            self._model.modelReset.disconnect(self.put_back)
        self._model = model
        if model is not None:
            # connected after the view's own slots: the view has reset itself when put_back runs
            model.modelAboutToBeReset.connect(self.note)
            model.modelReset.connect(self.put_back)

    def _key(self, row: int) -> Hashable | None:
        model = self.view.model()
        return self.identity(model, row) if 0 <= row < model.rowCount() else None

    def note(self) -> None:
        view = self.view
        place = _Place(horizontal=view.horizontalScrollBar().value())
        selection = view.selectionModel()
        if selection is not None:
            for index in selection.selectedIndexes():
                key = self._key(index.row())
                if key is not None:
                    place.chosen.add((key, index.column()))
            current = selection.currentIndex()
            if current.isValid():
                key = self._key(current.row())
                place.current = None if key is None else (key, current.column())
        if view.verticalScrollBar().value() > view.verticalScrollBar().minimum():
            top_row = view.rowAt(0)
            if top_row >= 0:
                place.top = self._key(top_row)
                place.top_offset = -view.rowViewportPosition(top_row)
        self._place = place

    def put_back(self) -> None:
        place, self._place = self._place, None
        if place is None:
            return
        view = self.view
        model = view.model()
        rows: dict[Hashable, int] = {}
        wanted = {key for key, _column in place.chosen} | {key for key in (place.top,) if key is not None}
        if place.current is not None:
            wanted.add(place.current[0])
        if wanted:
            for row in range(model.rowCount()):
                key = self.identity(model, row)
                if key in wanted:
                    rows.setdefault(key, row)
        selection = view.selectionModel()
        if selection is not None:
            chosen = QItemSelection()
            for key, column in place.chosen:
                if key in rows and column < model.columnCount():
                    index = model.index(rows[key], column)
                    chosen.select(index, index)
            if place.current is not None and place.current[0] in rows:
                key, column = place.current
                selection.setCurrentIndex(model.index(rows[key], column), QItemSelectionModel.SelectionFlag.NoUpdate)
            if not chosen.isEmpty():
                selection.select(chosen, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        view.doItemsLayout()  # the scroll bars' ranges for the new rows, before scrolling
        bar = view.verticalScrollBar()
        if place.top is not None and place.top in rows:
            top = model.index(rows[place.top], 0)
            view.scrollTo(top, QAbstractItemView.ScrollHint.PositionAtTop)
            if view.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerPixel:
                bar.setValue(bar.value() + place.top_offset)
        elif place.top is None:
            bar.setValue(bar.minimum())
        view.horizontalScrollBar().setValue(place.horizontal)


def keep_place(view: QTableView, identity: Identity) -> PlaceKeeper:
    """Make `view` keep its selection, current cell and scroll across each reset of its model,
    telling rows apart by `identity(model, row)`. The keeper lives as long as the view."""
    return PlaceKeeper(view, identity)
