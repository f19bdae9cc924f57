"""The day board's table view: a click on a block opens its booking; a double-click, a drag across
free hours or Enter on a free cell asks for a new booking there.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from booking.store.i18n import tr
from ui.board.delegate import minute_at
from ui.board.filter import BoardFilter
from ui.board.model import HOURS, Block, BoardModel


class BoardView(QTableView):
    """The table of the board: click a block to open its booking; double-click, drag across
    free hours, or press Enter on a free cell to start a new booking there."""

    booking_clicked = Signal(int)
    new_booking_requested = Signal(str, object, object)  # code, start, end

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setMouseTracking(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.horizontalHeader().setHighlightSections(False)
        self._press: tuple[QModelIndex, int | None] | None = None

    # --- geometry: every hour the same width, so blocks run straight across cells -------------

    def _fit_columns(self) -> None:
        model = self.model()
        if model is None:
            return
        metrics = self.fontMetrics()
        first = max(metrics.horizontalAdvance("P000  " + tr("ui_board_zone", zone="A")) +
                    metrics.horizontalAdvance(tr("ui_board_accessible") + tr("ui_board_visitor")) + 48,
                    metrics.horizontalAdvance("M") * 14)
        hour = max(metrics.horizontalAdvance("000") + 6, (self.viewport().width() - first) // HOURS)
        header = self.horizontalHeader()
        header.setMinimumSectionSize(min(hour, first))
        header.resizeSection(0, first)
        for column in range(1, HOURS + 1):
            header.resizeSection(column, hour)
        self.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.9))

    def viewportEvent(self, event: QEvent) -> bool:
        # The viewport, not the table: it narrows when the vertical scroll bar appears.
        if event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().viewportEvent(event)

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        self._fit_columns()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_columns()

    # --- what is under the pointer --------------------------------------------------------

    def proxy(self) -> BoardFilter:
        return self.model()  # type: ignore[return-value]

    def _source_row(self, index: QModelIndex) -> int:
        return self.proxy().mapToSource(index).row()

    def _block_at(self, index: QModelIndex, x: float) -> Block | None:
        if not index.isValid() or index.column() == 0:
            return None
        if index.data(BoardModel.RowKindRole) != "resource":
            return None
        minute = minute_at(self.visualRect(index), index.column(), x)
        return self.proxy().board().block_at(self._source_row(index), minute)

    def _request_new(self, index: QModelIndex, first_hour: int, last_hour: int, minute: float | None = None) -> None:
        board = self.proxy().board()
        number = self._source_row(index)
        start, end = first_hour * 60, (last_hour + 1) * 60
        if minute is not None:  # double-click inside an hour: the free gap around that minute
            ends_before = [b.end for b in board.blocks(number) if b.active and b.end <= minute]
            starts_after = [b.start for b in board.blocks(number) if b.active and b.start > minute]
            start = max([start] + [e for e in ends_before if e > start])
            end = min([end] + [s for s in starts_after if s < end])
        if not board.is_free(number, start, end):
            return
        code = index.data(BoardModel.CodeRole)
        self.new_booking_requested.emit(code, board.moment(start), board.moment(end))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        block = self._block_at(index, event.position().x())
        self._press = (index, block.booking_id if block else None)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        index = self.indexAt(event.position().toPoint())
        pressed_index, pressed_block = press
        if pressed_block is not None and index == pressed_index:
            block = self._block_at(index, event.position().x())
            if block is not None and block.booking_id == pressed_block:
                self.booking_clicked.emit(pressed_block)
            return
        if (pressed_index.isValid() and index.isValid() and index.row() == pressed_index.row()
                and index.column() != pressed_index.column() and min(index.column(), pressed_index.column()) >= 1):
            first, last = sorted((index.column(), pressed_index.column()))
            self._request_new(index, first - 1, last - 1)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if (not index.isValid() or index.column() == 0
                or index.data(BoardModel.RowKindRole) != "resource"):
            return super().mouseDoubleClickEvent(event)
        x = event.position().x()
        if self._block_at(index, x) is not None:
            return
        minute = minute_at(self.visualRect(index), index.column(), x)
        self._request_new(index, index.column() - 1, index.column() - 1, minute)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.currentIndex()
            if index.isValid() and index.data(BoardModel.RowKindRole) == "resource":
                self.activate(index)
                return
        super().keyPressEvent(event)

    def activate(self, index: QModelIndex) -> None:
        """Enter on a cell: open its booking, or book the selected free hours of its row."""
        board = self.proxy().board()
        number = self._source_row(index)
        hour = max(0, index.column() - 1)
        active = [b for b in board.blocks(number) if b.active and b.overlaps(hour * 60, hour * 60 + 60)]
        if index.column() >= 1 and active:
            self.booking_clicked.emit(active[0].booking_id)
            return
        columns = sorted(i.column() for i in self.selectionModel().selectedIndexes()
                         if i.row() == index.row() and i.column() >= 1)
        if columns:
            self._request_new(index, columns[0] - 1, columns[-1] - 1)
        else:
            self._request_new(index, hour, hour)
