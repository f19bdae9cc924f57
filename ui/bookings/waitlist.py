"""The waitlist at the desk: join it from the booking dialog when everything is taken, see who
waits and whom to call about a freed space, accept an offer (it books) or withdraw.

Qt only: booking.schedule.waitlist decides who is offered what (`process`, run by the
window every minute), and accepting books through bookings.book with every
clash and rule check. A household waiting is shown masked; one with an offer
is shown with the full number, because the clerk has to dial it.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QDialogButtonBox, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from booking.schedule import bookings, waitlist
from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.validation import mask_name, mask_phone
from booking.schedule.waitlist import Entry
from ui.bookings.booking_dialog import BookingDialog
from ui.desk.fonts import ui_font
from ui.desk.session import Desk, follow
from ui.widgets.tables import TableModel, read_only_view

WAITED = Changes(waitlist=True)
#: the list follows the entries and the bookings (an offer taken is a booking)
LIST_SHOWS = Changes(waitlist=True, bookings=True)


def call_text(call: waitlist.Call) -> str:
    """One household to phone about its offer: the full number, the door, the name, what is held, until when."""
    return tr("uig_wait_call", phone=call.phone, door=call.household, name=call.resident,
              code=call.resource, until=(call.expires or "")[-5:])


class WaitlistModel(TableModel):
    """Open waitlist entries (waiting and offered) in waiting order; offers first in colour."""

    COLUMNS = ("uig_wait_col_id", "uig_wait_col_status", "uig_wait_col_household", "uig_wait_col_resident",
               "uig_wait_col_phone", "uig_wait_col_wants", "uig_wait_col_time", "uig_wait_col_offer",
               "uig_wait_col_until")
    EntryRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[Entry] = []

    def load(self, store: Any) -> None:
        self.beginResetModel()
        self._entries = waitlist.entries(store)
        self.endResetModel()

    def entry(self, row: int) -> Entry:
        return self._entries[row]

    def row_total(self) -> int:
        return len(self._entries)

    def value(self, number: int, column: int) -> Any:
        return self._cells(self._entries[number])[column]

    def _cells(self, e: Entry) -> tuple[str, ...]:
        offered = e.status == "offered"
        wants = e.resource or tr(f"uig_wait_kind_{e.kind}")
        same_day = e.start.date() == e.end.date()
        time = f"{e.start:%m-%d %H:%M} – {e.end:%H:%M}" if same_day else f"{e.start:%m-%d %H:%M} – {e.end:%m-%d %H:%M}"
        return (str(e.id), tr(f"wait_status_{e.status}"), e.door,
                e.resident_name if offered else mask_name(e.resident_name),
                e.phone if offered else mask_phone(e.phone),  # an offer must be phoned: the full number
                wants, time, e.offer or "", (e.offer_expires_at or "")[5:] if offered else "")

    def background(self, number: int) -> QColor | None:
        return QColor("#fff4d6") if self._entries[number].status == "offered" else None

    def font(self, number: int) -> QFont | None:
        if self._entries[number].status != "offered":
            return None
        font = QFont()
        font.setBold(True)
        return font

    def role_data(self, number: int, role: int) -> Any:
        return self._entries[number].id if role == self.EntryRole else None


class WaitlistView(QWidget):
    """Who waits, whom to call now, and the clerk's two answers: accepted (book it) or withdrawn."""

    booked = Signal(int)  # the booking made from an accepted offer: the window shows its pass

    def __init__(self, desk: Desk, confirm: Callable[[str, str], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.confirm = confirm
        self.title = QLabel(self)
        self.title.setFont(ui_font(14, True))
        self.calls = QLabel(self)
        self.calls.setWordWrap(True)
        self.calls.setFont(ui_font(12, True))
        self.calls.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = WaitlistModel(self)
        self.view = read_only_view(self.model, self, fit=False)
        self.accept_button = QPushButton(self)
        self.withdraw_button = QPushButton(self)
        self.refresh_button = QPushButton(self)
        self.accept_button.clicked.connect(self.accept_offer)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.refresh_button.clicked.connect(self.refresh)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.accept_button, self.withdraw_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.calls)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        follow(desk.changed, self, lambda changes, _origin: self.refresh() if changes.touches(LIST_SHOWS) else None)
        follow(desk.language_changed, self, self.retranslate)
        self.retranslate()

    def refresh(self) -> None:
        chosen = self.selected()
        self.model.load(self.desk.store)
        self.view.resizeColumnsToContents()
        pad = self.fontMetrics().horizontalAdvance("MM")  # room between columns: a number to read aloud
        for column in range(self.model.columnCount() - 1):
            self.view.setColumnWidth(column, self.view.columnWidth(column) + pad)
        calls = waitlist.to_call(self.desk.store, self.desk.now())
        self.calls.setText(tr("uig_wait_calls", calls="；".join(call_text(c) for c in calls)) if calls
                           else tr("uig_wait_no_calls"))
        self.calls.setStyleSheet("color: #b45309;" if calls else "color: #555555;")
        if chosen is not None:
            self.select(chosen.id)
        elif calls:  # the first household to phone, ready for "accepted"
            self.select(calls[0].entry)
        self._update_buttons()

    def select(self, entry_id: int) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.entry(row).id == entry_id:
                self.view.selectRow(row)
                return True
        return False

    def selected(self) -> Entry | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows and rows[0].row() < self.model.rowCount() else None

    def _update_buttons(self) -> None:
        entry = self.selected()
        offered = entry is not None and entry.status == "offered"
        self.accept_button.setEnabled(offered)
        self.accept_button.setToolTip("" if offered else tr("uig_wait_not_offered" if entry else "uig_wait_pick"))
        self.withdraw_button.setEnabled(entry is not None)
        self.withdraw_button.setToolTip("" if entry else tr("uig_wait_pick"))

    def accept_offer(self) -> bookings.Booking | None:
        """The household said yes on the phone: book what is held for it."""
        entry = self.selected()
        if entry is None:
            return None
        try:
            _, booking = self.desk.run(lambda: waitlist.accept(self.desk.store, self.desk.actor, entry.id,
                                                               self.desk.now()),
                                       Changes(bookings=True, waitlist=True), self)
        except DeskError as exc:
            self._say(exc.message(), error=True)
            return None
        self._say(tr("uig_wait_booked", id=entry.id, booking=booking.id))
        self.booked.emit(booking.id)
        return booking

    def withdraw(self) -> bool:
        entry = self.selected()
        if entry is None or not self.confirm(tr("uig_wait_confirm_title"),
                                             tr("uig_wait_confirm", door=entry.door, id=entry.id)):
            return False
        try:
            self.desk.run(lambda: waitlist.withdraw(self.desk.store, self.desk.actor, entry.id, now=self.desk.now()),
                          WAITED, self)
        except DeskError as exc:
            self._say(exc.message(), error=True)
            return False
        self._say(tr("uig_wait_withdrawn", id=entry.id))
        return True

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {'#b3261e' if error else '#1b7f3b'};")
        self.message.setText(text)

    def retranslate(self, *_: Any) -> None:
        self.setWindowTitle(tr("uig_wait_title"))
        self.title.setText(tr("uig_wait_title"))
        self.accept_button.setText(tr("uig_wait_accept"))
        self.withdraw_button.setText(tr("uig_wait_withdraw"))
        self.refresh_button.setText(tr("uig_wait_refresh"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(WaitlistModel.COLUMNS) - 1)
        self.refresh()


class JoinWaitlist(QObject):
    """A "加入候补" button in a booking dialog, shown when nothing fitting is free for the time asked:
    no space at all for parking, the chosen room for a room. The waitlist itself refuses a join
    while something fitting is free, so this only decides when to offer the button."""

    joined = Signal(object)  # waitlist.Entry

    def __init__(self, dialog: BookingDialog, desk: Desk) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.desk = desk
        self.button = dialog.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.button.setAutoDefault(False)
        self.button.hide()
        self.button.clicked.connect(self.join)
        dialog.checked.connect(self.update)
        follow(desk.language_changed, self, lambda _code: self.update())

    def _wanted(self) -> tuple[str, str | None] | None:
        """(kind, resource or None) the household would wait for, or None when something fits now."""
        req = self.dialog.request()
        if req is None or self.dialog.rule() or req.end <= req.start:
            return None
        resource = self.dialog.resource()
        try:
            free = bookings.free(self.desk.store, req.start, req.end, resource.kind)
        except DeskError:
            return None
        if resource.kind == "parking":
            return None if free else ("parking", None)
        return None if any(r.code == resource.code for r in free) else ("room", resource.code)

    def update(self) -> None:
        wanted = self._wanted()
        self.button.setText(tr("uig_wait_join"))
        if wanted is not None:
            what = tr("uig_wait_any_space") if wanted[1] is None else wanted[1]
            self.button.setToolTip(tr("uig_wait_join_tip", what=what))
        self.button.setVisible(wanted is not None)

    def join(self) -> Entry | None:
        """Put the chosen resident's household on the waitlist for the dialog's time; close the dialog."""
        wanted = self._wanted()
        req = self.dialog.request()
        if wanted is None or req is None:
            return None
        kind, resource = wanted
        try:
            entry = self.desk.run(lambda: waitlist.join(self.desk.store, self.desk.actor, req.resident_id, req.start,
                                                        req.end, self.desk.now(), kind=None if resource else kind,
                                                        resource=resource, plate=req.plate, visitor=req.visitor,
                                                        purpose=req.purpose), WAITED, self)
        except DeskError as exc:
            self.dialog.show_error(exc)
            return None
        self.joined.emit(entry)
        self.dialog.reject()
        return entry


def joined_text(entry: Entry) -> str:
    what = entry.resource or tr(f"uig_wait_kind_{entry.kind}")
    return tr("uig_wait_joined", door=entry.door, id=entry.id, what=what, start=f"{entry.start:%m-%d %H:%M}",
              end=f"{entry.end:%m-%d %H:%M}")
