"""The day board's delegate: paints a row's bookings as blocks across the hour cells from the
model's cached blocks, the now line, the day's edges and the find matches; and the legend's swatches.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF,
                            QSortFilterProxyModel, Qt)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from booking.store.i18n import tr
from ui.board.model import COLOURS, HOURS, Block, BoardModel, Row, zone_text


def minute_at(rect: QRect, column: int, x: float) -> float:
    return (column - 1) * 60 + max(0.0, min(59.999, (x - rect.x()) * 60.0 / max(1, rect.width())))


class BoardDelegate(QStyledItemDelegate):
    """Paints a row's bookings as blocks running across the hour cells, the now line,
    the day's edges (arrows where a booking goes on past midnight) and the find matches.

    A row's 24 hours are painted once into a pixmap, and each hour cell copies its
    slice: a day change repaints twenty-odd rows, not five hundred cells' worth of
    blocks. The cache is dropped whenever the model says anything changed."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.now_minute: int | None = None
        self._find_text = ""
        self._rows: dict[int, QPixmap] = {}     # source row -> its hours, painted
        self._labels: dict[int, QPixmap] = {}   # source row -> its resource cell, painted

    @property
    def find_text(self) -> str:
        return self._find_text

    @find_text.setter
    def find_text(self, text: str) -> None:
        if text != self._find_text:
            self._find_text = text
            self._rows.clear()

    def forget(self, *_: Any) -> None:
        """Drop everything painted (the resources or the language changed)."""
        self._rows.clear()
        self._labels.clear()

    def forget_rows(self, *_: Any) -> None:
        """Drop the painted hours (another day, or its bookings changed); the resource cells stay."""
        self._rows.clear()

    def watch(self, model: QAbstractTableModel) -> None:
        model.dataChanged.connect(self.forget_rows)
        for signal in (model.modelReset, model.layoutChanged, model.headerDataChanged):
            signal.connect(self.forget)

    @staticmethod
    def _source(index: QModelIndex | QPersistentModelIndex) -> tuple[BoardModel, int]:
        model = index.model()
        if isinstance(model, QSortFilterProxyModel):
            return model.sourceModel(), model.mapToSource(index).row()  # type: ignore[return-value]
        return model, index.row()  # type: ignore[return-value]

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        board, number = self._source(index)
        row = board.row(number)
        painter.save()
        try:
            if row.is_group:
                self._paint_group(painter, option, index, row, board)
            elif index.column() == 0:
                self._paint_resource(painter, option, number, row)
            else:
                self._paint_hour(painter, option, index, board, number)
        finally:
            painter.restore()

    # --- headings ---------------------------------------------------------------------------

    def _paint_group(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex,
                     row: Row, board: BoardModel) -> None:
        rect = option.rect
        painter.fillRect(rect, QColor("#e3e8ef"))
        painter.setPen(QPen(QColor("#8a96a8"), 1))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        if index.column() == 0:
            font = QFont(option.font)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor("#1f2a3a"))
            text_rect = rect.adjusted(8, 0, 200, 0)  # the heading may run into the hour cells
            painter.setClipping(False)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             tr(f"ui_board_group_{row.kind}", n=row.count))

    # --- the resource column ----------------------------------------------------------------

    def _paint_resource(self, painter: QPainter, option: QStyleOptionViewItem, number: int, row: Row) -> None:
        rect = option.rect
        if option.state & QStyle.StateFlag.State_Selected:
            painter.translate(rect.topLeft())
            self._draw_resource(painter, QRect(0, 0, rect.width(), rect.height()), option, row, True)
            return
        dpr = painter.device().devicePixelRatioF()
        cached = self._labels.get(number)
        if cached is None or cached.size() != rect.size() * dpr:
            cached = QPixmap(rect.size() * dpr)
            cached.setDevicePixelRatio(dpr)
            cached.fill(Qt.GlobalColor.transparent)
            inner = QPainter(cached)
            self._draw_resource(inner, QRect(0, 0, rect.width(), rect.height()), option, row, False)
            inner.end()
            self._labels[number] = cached
        painter.drawPixmap(rect.topLeft(), cached)

    def _draw_resource(self, painter: QPainter, rect: QRect, option: QStyleOptionViewItem, row: Row,
                       selected: bool) -> None:
        res = row.resource
        assert res is not None
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.fillRect(rect, option.palette.highlight() if selected else QColor("#f6f7f9"))
        painter.setPen(QPen(QColor("#d5d9e0"), 1))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.setPen(QPen(QColor("#8a96a8"), 1))
        painter.drawLine(rect.topRight(), rect.bottomRight())
        text_colour = option.palette.highlightedText().color() if selected else QColor("#1f2a3a")
        font = QFont(option.font)
        bold = QFont(font)
        bold.setBold(True)
        x = rect.x() + 8
        painter.setFont(bold)
        painter.setPen(text_colour if res.enabled else QColor("#999999"))
        metrics = QFontMetrics(bold)
        painter.drawText(QRect(x, rect.y(), rect.width(), rect.height()), Qt.AlignmentFlag.AlignVCenter, res.code)
        x += metrics.horizontalAdvance(res.code) + metrics.horizontalAdvance("  ")
        painter.setFont(font)
        plain = QFontMetrics(font)
        rest = zone_text(res.zone) if res.kind == "parking" else res.name
        right = rect.right() - 6
        badges = [(tr("ui_board_ev"), "#1b7f3b"), (tr("ui_board_accessible"), "#2456a6"),
                  (tr("ui_board_visitor"), "#8a5a00"), (tr("ui_board_disabled"), "#888888")]
        shown = [b for b, on in zip(badges, (res.ev, res.accessible, res.visitor, not res.enabled), strict=True) if on]
        badge_font = QFont(font)
        badge_font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        badge_metrics = QFontMetrics(badge_font)
        badge_width = sum(badge_metrics.horizontalAdvance(t) + 10 for t, _ in shown)
        room_for_rest = max(0, right - x - badge_width - 4)
        painter.setPen(text_colour if selected else QColor("#4a5568"))
        painter.drawText(QRect(x, rect.y(), room_for_rest, rect.height()), Qt.AlignmentFlag.AlignVCenter,
                         plain.elidedText(rest, Qt.TextElideMode.ElideRight, room_for_rest))
        x = max(x + min(plain.horizontalAdvance(rest), room_for_rest) + 6, right - badge_width)
        painter.setFont(badge_font)
        for text, colour in shown:
            w = badge_metrics.horizontalAdvance(text) + 8
            h = badge_metrics.height() + 2
            box = QRectF(x, rect.center().y() - h / 2 + 1, w, h)
            painter.setPen(QPen(QColor(colour), 1))
            painter.setBrush(QColor("#ffffff"))
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(QColor(colour))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            x += w + 2

    # --- the hours --------------------------------------------------------------------------

    def _paint_hour(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex,
                    board: BoardModel, number: int) -> None:
        rect = option.rect
        hour = index.column() - 1
        dpr = painter.device().devicePixelRatioF()
        width, height = rect.width(), rect.height()
        strip = self._rows.get(number)
        if strip is None or strip.width() != round(width * HOURS * dpr) or strip.height() != round(height * dpr):
            strip = self._paint_row(board.blocks(number), width, height, option.font, dpr)
            self._rows[number] = strip
        painter.drawPixmap(QRectF(rect), strip, QRectF(hour * width * dpr, 0, width * dpr, height * dpr))
        if option.state & QStyle.StateFlag.State_Selected:
            colour = QColor(option.palette.highlight().color())
            colour.setAlpha(70)
            painter.fillRect(rect, colour)
        start = hour * 60
        if self.now_minute is not None and start <= self.now_minute < start + 60:
            x = rect.x() + (self.now_minute - start) * width / 60.0
            painter.setPen(QPen(QColor("#d11a2a"), 2))
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom() + 1))

    def _paint_row(self, blocks: tuple[Block, ...], width: int, height: int, font: QFont, dpr: float) -> QPixmap:
        """One row's 24 hours: night shading, hour lines, and the bookings as blocks."""
        strip = QPixmap(round(width * HOURS * dpr), round(height * dpr))
        strip.setDevicePixelRatio(dpr)
        strip.fill(QColor("#ffffff"))
        painter = QPainter(strip)
        try:
            night = QColor("#eef1f7")
            painter.fillRect(QRect(0, 0, 7 * width, height), night)
            painter.fillRect(QRect(19 * width, 0, 5 * width, height), night)
            painter.setPen(QPen(QColor("#e1e4ea"), 1))
            painter.drawLine(0, height - 1, HOURS * width, height - 1)
            for hour in range(HOURS):
                x = (hour + 1) * width - 1
                painter.setPen(QPen(QColor("#9aa5b5") if hour % 6 == 5 else QColor("#dde1e8"), 1))
                painter.drawLine(x, 0, x, height - 1)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            ppm = width / 60.0
            for block in blocks:
                full = QRectF(block.start * ppm, 3, (block.end - block.start) * ppm - 1, height - 6)
                self._paint_block(painter, full, block, font)
        finally:
            painter.end()
        return strip

    def _paint_block(self, painter: QPainter, full: QRectF, block: Block, font: QFont) -> None:
        fill, ink = COLOURS.get(block.look, COLOURS["booked"])
        if block.look == "cancelled":
            painter.setPen(QPen(QColor("#9a9a9a"), 1, Qt.PenStyle.DashLine))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(fill))
        painter.drawRoundedRect(full, 4, 4)
        if block.look == "no_show":
            painter.setBrush(QBrush(QColor("#8c8c8c"), Qt.BrushStyle.BDiagPattern))
            painter.drawRoundedRect(full, 4, 4)
        if self._find_text and block.matches(self._find_text):
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor("#ffd400"), 3))
            painter.drawRoundedRect(full.adjusted(1, 1, -1, -1), 4, 4)
        arrow = min(full.height() / 2.5, 7.0)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(ink))
        mid = full.center().y()
        text_left, text_right = full.left() + 5, full.right() - 4
        if block.from_before:
            x0 = full.left() + 3
            painter.drawPolygon(QPolygonF([QPointF(x0, mid), QPointF(x0 + arrow, mid - arrow),
                                           QPointF(x0 + arrow, mid + arrow)]))
            text_left += arrow + 2
        if block.goes_on:
            x1 = full.right() - 3
            painter.drawPolygon(QPolygonF([QPointF(x1, mid), QPointF(x1 - arrow, mid - arrow),
                                           QPointF(x1 - arrow, mid + arrow)]))
            text_right -= arrow + 2
        text_box = QRectF(text_left, full.top(), max(0.0, text_right - text_left), full.height())
        drawn = QFont(font)
        drawn.setStrikeOut(block.look == "cancelled")
        painter.setFont(drawn)
        painter.setPen(QColor(ink))
        text = _fit_label(QFontMetrics(drawn), block, int(text_box.width()))
        painter.drawText(text_box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)


def _fit_label(metrics: QFontMetrics, block: Block, width: int) -> str:
    """The block's label in the room it has. A plate keeps its end, which tells cars apart
    (nearly every plate here begins with 川A); a purpose keeps its beginning."""
    label = block.label
    if metrics.horizontalAdvance(label) <= width:
        return label
    if block.plate and label == block.plate:
        return metrics.elidedText(label[1:], Qt.TextElideMode.ElideLeft, width)
    return metrics.elidedText(label, Qt.TextElideMode.ElideRight, width)


def legend_swatch(look: str, height: int) -> QPixmap:
    """A small block painted like the board paints a booking of that status."""
    pixmap = QPixmap(int(height * 1.8), height)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    box = QRectF(0.5, 1.5, pixmap.width() - 1.0, pixmap.height() - 3.0)
    fill, _ = COLOURS[look]
    if look == "cancelled":
        painter.setPen(QPen(QColor("#9a9a9a"), 1, Qt.PenStyle.DashLine))
    else:
        painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(fill))
    painter.drawRoundedRect(box, 3, 3)
    if look == "no_show":
        painter.setBrush(QBrush(QColor("#8c8c8c"), Qt.BrushStyle.BDiagPattern))
        painter.drawRoundedRect(box, 3, 3)
    painter.end()
    return pixmap
