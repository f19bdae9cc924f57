"""The day board's model: the resources down the side (group headings, then each space or room)
and, for the chosen day, the blocks of each row, read with ONE query (`bookings.on_date`) per day
change. Also the texts and colours of a block and a resource that the other parts of the board share.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QLocale, QModelIndex, QPersistentModelIndex, Qt, Signal

from booking.places import inventory
from booking.schedule import bookings
from booking.store import clock
from booking.schedule.bookings import Booking
from booking.store.errors import DeskError
from booking.store.i18n import define, language, tr
from booking.places.inventory import Resource
from booking.store.connection import Store
from booking.store.validation import mask_name, normalize_door

HOURS = 24
DAY_MINUTES = 24 * 60

define(
    ui_board_resource=("车位 / 场地", "Space / room"),
    ui_board_group_parking=("共享车位（{n}）", "Shared parking spaces ({n})"),
    ui_board_group_room=("活动场地（{n}）", "Rooms and squares ({n})"),
    ui_board_zone=("{zone}区", "zone {zone}"),
    ui_board_ev=("充电", "EV"),
    ui_board_accessible=("无障碍", "accessible"),
    ui_board_visitor=("访客", "visitor"),
    ui_board_disabled=("停用", "disabled"),
    ui_board_overstay=("超时", "overstay"),
    ui_board_all_zones=("全部区域", "All zones"),
    ui_board_all_kinds=("车位和场地", "Spaces and rooms"),
    ui_board_kind_parking=("只看车位", "Spaces only"),
    ui_board_kind_room=("只看场地", "Rooms only"),
    ui_board_any_state=("空闲和占用", "Free and taken"),
    ui_board_free_at=("空闲于", "Free at"),
    ui_board_taken_at=("占用于", "Taken at"),
    ui_board_hour=("{h:02d}:00", "{h:02d}:00"),
    ui_board_show_cancelled=("显示已取消", "Show cancelled"),
    ui_board_find=("查找：", "Find:"),
    ui_board_find_hint=("车牌、手机尾号、门牌或编号", "Plate, phone's last 4, door or code"),
    ui_board_shown=("显示 {shown} / {total}", "Showing {shown} of {total}"),
    ui_board_legend=("图例：", "Legend:"),
    ui_board_block_tip=("{code} {time}\n{status}\n{who}  {door}\n{what}\n预约号 {id}",
                        "{code} {time}\n{status}\n{who}  {door}\n{what}\nbooking {id}"),
    ui_board_free_tip=("{code} {hour}：空闲（双击预约）", "{code} {hour}: free (double-click to book)"),
    ui_board_today=("今天", "today"),
    ui_board_today_mark=("（{today}）", " ({today})"),
)

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
