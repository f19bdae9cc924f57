"""The day board: every space and room down the side, the day's hours across, bookings as blocks.

The model holds the resources and, for the chosen day, the blocks of each row,
read with ONE query (`bookings.on_date`) per day change; the delegate paints
from those cached blocks. The filter proxy hides rows by zone, kind, free or
taken at an hour, and by a find text (plate, phone or its last 4, door, code).
"""
from __future__ import annotations

import html

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QDate, QEvent, QLocale, QModelIndex, QPersistentModelIndex,
                            QPointF, QRect, QRectF, QSortFilterProxyModel, Qt, Signal)
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPen, QPixmap,
                           QPolygonF)
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QVBoxLayout,
                               QWidget)

from booking.places import holidays, inventory
from booking.schedule import bookings
from booking.store import clock
from booking.schedule.bookings import Booking
from booking.store.errors import DeskError
from booking.store.i18n import language, tr
from booking.places.inventory import Resource
from booking.store.connection import Store
from booking.store.validation import mask_name, normalize_door
from ui.widgets.flow import flow_row, pair
from ui.desk.fonts import ui_font

HOURS = 24
DAY_MINUTES = 24 * 60

# Colours that read at a glance and also print legibly in grey.
COLOURS: dict[str, tuple[str, str]] = {  # status: (fill, text)
    "booked": ("#2f6fd6", "#ffffff"),
    "checked_in": ("#23914a", "#ffffff"),
    "overstay": ("#e4570e", "#ffffff"),
    "completed": ("#a9c7b2", "#1d3a26"),
    "no_show": ("#c9c9c9", "#333333"),
    "cancelled": ("#ffffff", "#888888"),
}
LEGEND_ORDER = ("booked", "checked_in", "overstay", "completed", "no_show", "cancelled")
ACTIVE_LOOK = ("booked", "checked_in", "overstay")


def status_text(look: str) -> str:
    return tr("ui_board_overstay") if look == "overstay" else tr(f"status_{look}")


def plain_tip(text: str) -> str:
    """A tooltip that shows typed text as typed: Qt would draw a purpose like '<b>x' as markup."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


@dataclass(frozen=True)
class Block:
    """One booking as drawn on one day's row: minutes from that midnight, clipped to the day."""

    booking_id: int
    start: int
    end: int
    look: str          # booked / checked_in / overstay / completed / no_show / cancelled
    from_before: bool  # began on an earlier day (drawn with an arrow at 00:00)
    goes_on: bool      # ends on a later day (drawn with an arrow at 24:00)
    label: str
    plate: str
    door: str
    phone: str
    booking: Booking = field(compare=False, repr=False)

    @property
    def tip(self) -> str:
        """The tooltip, made when asked for (a day change need not format 300 of them)."""
        b = self.booking
        what = (b.plate or "") if b.kind == "parking" else (b.purpose or "")
        return tr("ui_board_block_tip", code=b.resource, time=f"{b.start:%m-%d %H:%M} – {b.end:%m-%d %H:%M}",
                  status=status_text(self.look), who=mask_name(b.resident_name), door=b.door, what=what, id=b.id)

    @property
    def active(self) -> bool:
        return self.look in ACTIVE_LOOK

    def covers(self, minute: float) -> bool:
        return self.start <= minute < self.end

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and self.end > start

    def matches(self, query: str) -> bool:
        """Does the find text name this booking (plate, phone or last 4, door)?"""
        q = "".join(query.split()).upper()
        if not q:
            return False
        if q.isdigit():
            return (len(q) >= 4 and self.phone.endswith(q)) or q in self.plate or q in self.door
        if q in self.plate or q in self.door:
            return True
        try:
            return normalize_door(query) == self.door
        except DeskError:
            return False


def _look(b: Booking, now: datetime) -> str:
    if b.status == "checked_in" and b.end < now:
        return "overstay"
    if b.status == "completed" and b.overstay_minutes:
        return "overstay"
    return b.status


def make_block(b: Booking, day: date, now: datetime) -> Block:
    midnight = datetime(day.year, day.month, day.day)
    start = max(0, clock.minutes(midnight, b.start))
    end = min(DAY_MINUTES, clock.minutes(midnight, b.end))
    label = (b.plate or b.door) if b.kind == "parking" else (b.purpose or b.door)
    return Block(b.id, start, end, _look(b, now), b.start < midnight, b.end > midnight + timedelta(days=1),
                 label, (b.plate or "").upper(), b.door, b.phone, b)


@dataclass(frozen=True)
class Row:
    """A group heading (resource is None) or one space or room."""

    kind: str
    resource: Resource | None = None
    count: int = 0

    @property
    def is_group(self) -> bool:
        return self.resource is None


class BoardModel(QAbstractTableModel):
    """Rows: a heading then the spaces, a heading then the rooms. Columns: the resource, then 00–23."""

    BlocksRole = Qt.ItemDataRole.UserRole + 1
    RowKindRole = Qt.ItemDataRole.UserRole + 2      # "group" or "resource"
    CodeRole = Qt.ItemDataRole.UserRole + 3
    KindRole = Qt.ItemDataRole.UserRole + 4
    ZoneRole = Qt.ItemDataRole.UserRole + 5
    ResourceRole = Qt.ItemDataRole.UserRole + 6

    day_loaded = Signal(object)  # the date now shown

    def __init__(self, store: Store, now: Callable[[], datetime], parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._now = now
        self._rows: list[Row] = []
        self._blocks: dict[int, tuple[Block, ...]] = {}  # resource id -> the day's blocks
        self._day = now().date()
        self.show_cancelled = False
        self.load_resources()
        self.set_day(self._day)

    # --- loading --------------------------------------------------------------------------

    def load_resources(self) -> None:
        """Read the spaces and rooms (at start and when the admin changes them)."""
        resources = inventory.all_resources(self._store)
        rows: list[Row] = []
        for kind in inventory.KINDS:
            of_kind = [r for r in resources if r.kind == kind]
            if of_kind:
                rows.append(Row(kind, None, len(of_kind)))
                rows.extend(Row(kind, r) for r in of_kind)
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def set_day(self, day: date) -> None:
        """Show `day`: one query for every booking touching it; rows keep their place."""
        now = self._now()
        by_resource: dict[str, list[Block]] = {}
        for b in bookings.on_date(self._store, day, include_cancelled=True):
            by_resource.setdefault(b.resource, []).append(make_block(b, day, now))
        self._day = day
        self._blocks = {row.resource.id: tuple(by_resource.get(row.resource.code, ()))
                        for row in self._rows if row.resource is not None}
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, HOURS))
        self.day_loaded.emit(day)

    def refresh(self) -> None:
        self.set_day(self._day)

    def set_show_cancelled(self, show: bool) -> None:
        self.show_cancelled = show
        if self._rows:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self._rows) - 1, HOURS))

    # --- what the view and proxy ask --------------------------------------------------------

    @property
    def day(self) -> date:
        return self._day

    def row(self, number: int) -> Row:
        return self._rows[number]

    def blocks(self, number: int) -> tuple[Block, ...]:
        """The blocks drawn in a row (cancelled ones only when asked to show them)."""
        row = self._rows[number]
        if row.resource is None:
            return ()
        found = self._blocks.get(row.resource.id, ())
        if self.show_cancelled:
            return found
        return tuple(b for b in found if b.look != "cancelled")

    def block_at(self, number: int, minute: float) -> Block | None:
        """The block under a minute of the day in a row (an active one wins over a finished one)."""
        under = [b for b in self.blocks(number) if b.covers(minute)]
        under.sort(key=lambda b: (not b.active, b.look == "cancelled"))
        return under[0] if under else None

    def is_free(self, number: int, start: int, end: int) -> bool:
        return not any(b.active and b.overlaps(start, end) for b in self.blocks(number))

    def moment(self, minute: int) -> datetime:
        return datetime(self._day.year, self._day.month, self._day.day) + timedelta(minutes=minute)

    def resource_count(self) -> int:
        return sum(1 for r in self._rows if r.resource is not None)

    # --- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else HOURS + 1

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].is_group:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if section == 0:
            return tr("ui_board_resource")
        return f"{section - 1:02d}"

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == self.RowKindRole:
            return "group" if row.is_group else "resource"
        if role == self.KindRole:
            return row.kind
        if row.resource is None:
            if role == Qt.ItemDataRole.DisplayRole and column == 0:
                return tr(f"ui_board_group_{row.kind}", n=row.count)
            return None
        res = row.resource
        if role == self.CodeRole:
            return res.code
        if role == self.ZoneRole:
            return res.zone
        if role == self.ResourceRole:
            return res
        if role == self.BlocksRole:
            return self.blocks(index.row())
        if column == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return resource_label(res)
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{res.code} {res.name}\n{resource_flags(res)}".strip()
            return None
        start = (column - 1) * 60
        inside = [b for b in self.blocks(index.row()) if b.overlaps(start, start + 60)]
        if role == Qt.ItemDataRole.DisplayRole:
            return " ".join(b.label for b in inside)
        if role == Qt.ItemDataRole.ToolTipRole:
            if inside:
                return plain_tip("\n\n".join(b.tip for b in inside))
            return tr("ui_board_free_tip", code=res.code, hour=f"{column - 1:02d}:00")
        return None


def day_text(day: date) -> str:
    """The date as people write it in the current language: 2026年11月24日星期二 / Tuesday, 24 November 2026."""
    chinese = language() == "zh"
    locale = QLocale(QLocale.Language.Chinese, QLocale.Country.China) if chinese else \
        QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    return locale.toString(QDate(day.year, day.month, day.day), QLocale.FormatType.LongFormat)


def resource_flags(res: Resource) -> str:
    words = []
    if res.ev:
        words.append(tr("ui_board_ev"))
    if res.accessible:
        words.append(tr("ui_board_accessible"))
    if res.visitor:
        words.append(tr("ui_board_visitor"))
    if not res.enabled:
        words.append(tr("ui_board_disabled"))
    return " ".join(words)


def zone_text(zone: str | None) -> str:
    if not zone:
        return ""
    return tr("ui_board_zone", zone=zone) if len(zone) <= 2 else zone


def resource_label(res: Resource) -> str:
    if res.kind == "parking":
        parts = [res.code, zone_text(res.zone), resource_flags(res)]
    else:
        parts = [res.code, res.name, resource_flags(res)]
    return "  ".join(p for p in parts if p)


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


def _minute_at(rect: QRect, column: int, x: float) -> float:
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
        minute = _minute_at(self.visualRect(index), index.column(), x)
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
        minute = _minute_at(self.visualRect(index), index.column(), x)
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


class DayBoard(QWidget):
    """The board with its date heading, filters, find box and legend."""

    booking_clicked = Signal(int)
    new_booking_requested = Signal(str, object, object)
    day_changed = Signal(object)

    def __init__(self, store: Store, now: Callable[[], datetime], parent: Any = None) -> None:
        super().__init__(parent)
        self._now = now
        self.model = BoardModel(store, now, self)
        self.proxy = BoardFilter(self)
        self.proxy.setSourceModel(self.model)
        self.delegate = BoardDelegate(self)
        self.delegate.watch(self.model)
        self.view = BoardView(self)
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(self.delegate)
        self.view.booking_clicked.connect(self.booking_clicked)
        self.view.new_booking_requested.connect(self.new_booking_requested)

        self.date_label = QLabel()
        self.date_label.setFont(ui_font(16, bold=True))
        self.date_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_label = QLabel()
        nav_box = QWidget()
        self.nav = QHBoxLayout(nav_box)  # the window puts the day's arrows here
        self.nav.setContentsMargins(0, 0, 0, 0)
        self.nav.setSpacing(4)
        heading = flow_row([nav_box, self.date_label, self.count_label], spacing=16)

        self.zone_box = QComboBox()
        self.kind_box = QComboBox()
        self.state_box = QComboBox()
        self.hour_box = QComboBox()
        for box in (self.zone_box, self.kind_box, self.state_box, self.hour_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # "Free and taken" whole
        self.cancelled_box = QCheckBox()
        self.find_label = QLabel()
        self.find_edit = QLineEdit()
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.installEventFilter(self)  # Esc empties it, as in every Windows search field
        self.find_label.setBuddy(self.find_edit)
        self.find_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 16)
        self._zones = sorted({r.resource.zone for r in self.model._rows
                              if r.resource is not None and r.resource.zone},
                             key=lambda z: (len(z) > 2, z))
        # The filters and the legend wrap onto a second line on a narrow screen (1366×768 at
        # 150 %) instead of making the window wider than the screen.
        filters = flow_row([pair(self.find_label, self.find_edit), self.zone_box, self.kind_box, self.state_box,
                            self.hour_box, self.cancelled_box])

        self._legend_labels: list[QLabel] = []
        self.legend_title = QLabel()
        entries: list[QWidget] = [self.legend_title]
        for look in LEGEND_ORDER:
            swatch = QLabel()
            swatch.setPixmap(legend_swatch(look, self.fontMetrics().height()))
            label = QLabel()
            self._legend_labels.append(label)
            entries.append(pair(swatch, label))
        self.legend = flow_row(entries, spacing=14)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(heading)
        layout.addWidget(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)

        self.retranslate()
        self.zone_box.currentIndexChanged.connect(self._apply_filters)
        self.kind_box.currentIndexChanged.connect(self._apply_filters)
        self.state_box.currentIndexChanged.connect(self._apply_filters)
        self.hour_box.currentIndexChanged.connect(self._apply_filters)
        self.find_edit.textChanged.connect(self._apply_filters)
        self.cancelled_box.toggled.connect(self._show_cancelled)
        self.model.day_loaded.connect(self._day_loaded)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self._day_loaded(self.model.day)

    # --- the day -----------------------------------------------------------------------------

    def day(self) -> date:
        return self.model.day

    def set_day(self, day: date) -> None:
        """Show another day (one query); filters, scroll position and selection stay."""
        self.model.set_day(day)
        if self.proxy.occupancy != "any":
            self._apply_filters()

    def go_today(self) -> None:
        self.set_day(self._now().date())

    def go_previous(self) -> None:
        self.set_day(self.day() - timedelta(days=1))

    def go_next(self) -> None:
        self.set_day(self.day() + timedelta(days=1))

    def refresh(self) -> None:
        """Read the day again (after a booking, scan or sweep changed it)."""
        self.model.refresh()
        if self.proxy.occupancy != "any" or self.proxy.text:
            self._apply_filters()

    def reload_resources(self) -> None:
        self.model.load_resources()
        self.model.refresh()

    def tick(self) -> None:
        """Move the now line (each minute)."""
        now = self._now()
        self.delegate.now_minute = now.hour * 60 + now.minute if now.date() == self.day() else None
        self.view.viewport().update()

    def _day_loaded(self, day: date) -> None:
        text = day_text(day)
        if day == self._now().date():
            text += tr("ui_board_today_mark", today=tr("ui_board_today"))
        calendar = holidays.day(self.model._store, day)  # a public holiday or a make-up workday, said beside the date
        if calendar.kind:
            text += "　" + calendar.text()
        self.date_label.setText(text)
        self.tick()
        self.day_changed.emit(day)

    # --- filters -----------------------------------------------------------------------------

    def _apply_filters(self) -> None:
        text = self.find_edit.text()
        self.delegate.find_text = text
        self.proxy.set_filters(zone=self.zone_box.currentData(), kind=self.kind_box.currentData(),
                               occupancy=self.state_box.currentData() or "any",
                               hour=self.hour_box.currentData() if self.hour_box.currentData() is not None else 19,
                               text=text)
        self.hour_box.setEnabled(self.proxy.occupancy != "any")
        self.view.viewport().update()
        self._update_count()

    def _show_cancelled(self, show: bool) -> None:
        self.model.set_show_cancelled(show)
        if self.proxy.text:
            self._apply_filters()

    def _update_count(self) -> None:
        shown = sum(1 for n in range(self.proxy.rowCount())
                    if self.proxy.index(n, 0).data(BoardModel.RowKindRole) == "resource")
        self.count_label.setText(tr("ui_board_shown", shown=shown, total=self.model.resource_count()))

    def focus_find(self) -> None:
        self.find_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_edit.selectAll()

    def filter_state(self) -> dict[str, Any]:
        """What the clerk chose to see (kept in the settings between runs)."""
        return {"zone": self.zone_box.currentData() or "", "kind": self.kind_box.currentData() or "",
                "state": self.state_box.currentData() or "any", "hour": self.hour_box.currentData(),
                "cancelled": self.cancelled_box.isChecked()}

    def restore_filter_state(self, state: dict[str, Any]) -> None:
        def pick(box: QComboBox, value: Any) -> None:
            found = box.findData(value)
            if found >= 0:
                box.setCurrentIndex(found)
        pick(self.zone_box, state.get("zone") or None)
        pick(self.kind_box, state.get("kind") or None)
        pick(self.state_box, state.get("state") or "any")
        try:
            pick(self.hour_box, int(state.get("hour", 19)))
        except (TypeError, ValueError):
            pass
        self.cancelled_box.setChecked(str(state.get("cancelled")).lower() in ("true", "1"))
        self._apply_filters()

    # --- language ------------------------------------------------------------------------------

    def _fill(self, box: QComboBox, items: list[tuple[str, Any]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        for text, data in items:
            box.addItem(text, data)
        found = box.findData(current)
        box.setCurrentIndex(found if found >= 0 else 0)
        box.blockSignals(False)

    def eventFilter(self, watched: Any, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (watched is self.find_edit and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Escape and self.find_edit.text()):
            self.find_edit.clear()
            return True
        return super().eventFilter(watched, event)

    def retranslate(self) -> None:
        self._fill(self.zone_box, [(tr("ui_board_all_zones"), None)] +
                   [(zone_text(z), z) for z in self._zones])
        self._fill(self.kind_box, [(tr("ui_board_all_kinds"), None), (tr("ui_board_kind_parking"), "parking"),
                                   (tr("ui_board_kind_room"), "room")])
        self._fill(self.state_box, [(tr("ui_board_any_state"), "any"), (tr("ui_board_free_at"), "free"),
                                    (tr("ui_board_taken_at"), "taken")])
        if self.hour_box.count() == 0:
            self._fill(self.hour_box, [(tr("ui_board_hour", h=h), h) for h in range(HOURS)])
            self.hour_box.setCurrentIndex(19)
        self.hour_box.setEnabled(self.state_box.currentData() not in (None, "any"))
        self.cancelled_box.setText(tr("ui_board_show_cancelled"))
        self.find_label.setText(tr("ui_board_find"))
        self.find_edit.setPlaceholderText(tr("ui_board_find_hint"))
        # the whole hint in view, and room for the clear button (the row wraps rather than widens)
        self.find_edit.setMinimumWidth(max(self.fontMetrics().horizontalAdvance("M") * 16,
                                           self.find_edit.fontMetrics().horizontalAdvance(tr("ui_board_find_hint"))
                                           + 3 * self.find_edit.fontMetrics().height()))
        self.legend_title.setText(tr("ui_board_legend"))
        for label, look in zip(self._legend_labels, LEGEND_ORDER, strict=True):
            label.setText(status_text(look))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 0)
        self.model.refresh()
        self._day_loaded(self.model.day)
        self._update_count()
