"""The booking dialog: find or register the resident, choose the space or room and the time,
see every clash and rule breach before saving.

The dialog decides nothing: it reads (residents.find, bookings.check,
bookings.plan_series) to show what saving would meet, and on Save emits
`submitted` with a plain `BookingPlan`. The window books it through the domain
and either closes the dialog or hands the refusal back with `show_error`, so
nothing the clerk typed is lost.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import (QAbstractListModel, QDate, QDateTime, QEvent, QModelIndex, QObject,
                            QPersistentModelIndex, QTime, QTimer, Qt, Signal)
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QCheckBox, QComboBox, QDateEdit, QDateTimeEdit,
                               QDialog, QDialogButtonBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QListView, QPushButton, QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from booking.people import residents
from booking.places import holidays, inventory
from booking.schedule import bookings
from booking.schedule.quick_times import WEEKDAYS, all_day, build_rrule, next_hours, round_up, tonight, week_end
from booking.store import clock
from booking.schedule.bookings import Check, Request
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.places.inventory import Resource
from booking.people.residents import Resident
from booking.policy.rules import duration_text
from booking.store.validation import mask_name, mask_phone
from ui.widgets import fit
from ui.people.residents import ResidentModel
from ui.board.model import resource_label
from ui.desk.session import Desk, follow
from ui.desk.fonts import ui_font


QT_FORMAT = "yyyy-MM-dd HH:mm"


def to_qt(moment: datetime) -> QDateTime:
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute))


def from_qt(moment: QDateTime) -> datetime:
    d, t = moment.date(), moment.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def length_text(minutes: int) -> str:
    """"6 小时 25 分钟" rather than "385 分钟": the clerk reads hours."""
    if minutes > 60 and minutes % 60:
        return tr("ui_book_hours_minutes", h=minutes // 60, m=minutes % 60)
    return duration_text(minutes)


@dataclass
class BookingPlan:
    """What the clerk asked for, as plain data: one booking, or a series with its rule."""

    request: Request
    rule: str | None = None
    skip_clashes: bool = False
    skip_holidays: bool = False
    workdays: bool = False


class OccurrenceModel(QAbstractListModel):
    """The dates of a series that clash or break a rule, each with why."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[dict[str, Any]] = []

    def set_items(self, items: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def starts(self) -> list[datetime]:
        return [item["start"] for item in self._items]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            why = [item["holiday"]] if item.get("holiday") else []
            why += [tr("ui_book_clash_with", id=b.id, door=b.door, start=f"{b.start:%m-%d %H:%M}",
                      end=f"{b.end:%m-%d %H:%M}") for b in item["clashes"]]
            why += [b.message() for b in item["breaches"]]
            start = item["start"]
            weekday = tr("ui_book_weekdays").split()[start.weekday()]
            return tr("ui_book_occurrence", start=f"{start:%m-%d} {weekday} {start:%H:%M}",
                      end=f"{item['end']:%m-%d %H:%M}", why="；".join(why))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#555555") if item.get("holiday") else QColor("#b3261e")
        return None


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #b3261e;")
    label.hide()
    return label


class _Keys(QObject):
    """Up/Down in the find field move through the results; Enter picks one (and never saves)."""

    def __init__(self, dialog: BookingDialog) -> None:
        super().__init__(dialog)
        self.dialog = dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.dialog.move_result(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.dialog.pick_current()
                return True
        return False


class BookingDialog(QDialog):
    """Book a space or room for a resident; see clashes and breaches before saving."""

    submitted = Signal(object)  # BookingPlan
    checked = Signal()          # a live check finished (tests and the window wait on it)

    CHECK_DELAY_MS = 150

    def __init__(self, desk: Desk, resource: str | None = None, start: datetime | None = None,
                 end: datetime | None = None, register: Callable[..., Resident] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self._register = register or (lambda **kw: residents.add(desk.store, desk.actor, **kw, now=desk.now()))
        self._resident: Resident | None = None
        self._resources = [r for r in inventory.all_resources(desk.store) if r.enabled]
        self._check: Check | None = None
        self._plan: list[dict[str, Any]] | None = None
        self._problem: DeskError | None = None
        self.setModal(True)
        self.setSizeGripEnabled(True)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(self.CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.run_check)

        self._build_resident_box()
        self._build_booking_box()
        self._build_check_box()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.resident_box)
        left.addWidget(self.booking_box)
        top.addLayout(left, 3)
        top.addWidget(self.check_box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.buttons)

        self.retranslate()
        now = desk.now()
        first_start, first_end = (start, end) if start and end else next_hours(now)
        if start and start < now and (end is None or end > round_up(now)):
            first_start = round_up(now)  # a click on the current hour books from now, not the past
        self.start_edit.setDateTime(to_qt(first_start))
        self.end_edit.setDateTime(to_qt(first_end))
        #: the space was chosen (on the board, in the list, by a suggestion): the dialog keeps it
        self.space_chosen = bool(resource)
        if resource:
            self.select_resource(resource)
        else:
            self._default_space()
        self._resource_changed()
        self._connect_changes()
        self._update_length()
        self.find_edit.setFocus()
        self.schedule_check()
        follow(desk.language_changed, self, self.retranslate)

    # --- building ----------------------------------------------------------------------------

    def _build_resident_box(self) -> None:
        self.resident_box = QGroupBox()
        self.find_label = QLabel()
        self.find_edit = QLineEdit()
        self.find_edit.setClearButtonEnabled(True)
        self.find_label.setBuddy(self.find_edit)
        self.find_edit.installEventFilter(_Keys(self))
        self.results_model = ResidentModel(self)
        self.results = QListView()
        self.results.setModel(self.results_model)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the find field drives it: Tab skips it
        self.results.setMaximumHeight(self.fontMetrics().height() * 7)
        self.results.clicked.connect(lambda index: self.choose(self.results_model.resident(index.row())))
        self.found_label = QLabel()
        self.chosen_label = QLabel()
        self.chosen_label.setFont(ui_font(self.font().pointSizeF() * 1.1, bold=True))
        self.register_button = QPushButton()
        self.register_button.setCheckable(True)
        self.register_button.toggled.connect(self._show_register)

        self.reg_name = QLineEdit()
        self.reg_door = QLineEdit()
        self.reg_phone = QLineEdit()
        self.reg_plate = QLineEdit()
        self.reg_errors = {f: _error_label() for f in ("name", "door", "phone", "plate_new")}
        self.reg_labels = [QLabel() for _ in range(4)]
        self.reg_do = QPushButton()
        self.reg_do.setAutoDefault(False)
        self.reg_do.clicked.connect(self.register_resident)
        self.register_form = QWidget()
        form = QFormLayout(self.register_form)
        form.setContentsMargins(0, 0, 0, 0)
        for label, edit, field in zip(self.reg_labels, (self.reg_name, self.reg_door, self.reg_phone, self.reg_plate),
                                      ("name", "door", "phone", "plate_new"), strict=True):
            label.setBuddy(edit)
            cell = QVBoxLayout()
            cell.setSpacing(1)
            cell.addWidget(edit)
            cell.addWidget(self.reg_errors[field])
            form.addRow(label, cell)
        form.addRow("", self.reg_do)
        self.register_form.hide()

        row = QHBoxLayout()
        row.addWidget(self.find_label)
        # a phone number and more stay in view whatever the label beside it says
        self.find_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("0" * 22))
        row.addWidget(self.find_edit, 1)
        row.addWidget(self.found_label)
        box = QVBoxLayout(self.resident_box)
        box.addLayout(row)
        box.addWidget(self.results)
        chosen = QHBoxLayout()
        chosen.addWidget(self.chosen_label, 1)
        chosen.addWidget(self.register_button)
        box.addLayout(chosen)
        box.addWidget(self.register_form)

    def _build_booking_box(self) -> None:
        self.booking_box = QGroupBox()
        self.resource_box = QComboBox()
        for res in self._resources:
            self.resource_box.addItem(resource_label(res), res.code)
        self.plate_box = QComboBox()
        self.plate_box.setEditable(True)
        self.plate_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.visitor_box = QCheckBox()
        self.purpose_edit = QLineEdit()
        self.start_edit = QDateTimeEdit()
        self.end_edit = QDateTimeEdit()
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat(QT_FORMAT)
            edit.setCalendarPopup(True)
        self.length_label = QLabel()
        self.quick_buttons = [QPushButton() for _ in range(4)]
        for button in self.quick_buttons:
            button.setAutoDefault(False)
        self.quick_buttons[0].clicked.connect(self.choose_tonight)
        self.quick_buttons[1].clicked.connect(self.choose_next_hours)
        self.quick_buttons[2].clicked.connect(self.choose_all_day)
        self.quick_buttons[3].clicked.connect(self.choose_week_nights)
        self.repeat_box = QComboBox()
        self.day_boxes = [QCheckBox() for _ in WEEKDAYS]
        self.until_radio = QRadioButton()
        self.count_radio = QRadioButton()
        self.until_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.until_radio)
        group.addButton(self.count_radio)
        self.until_edit = QDateEdit()
        self.until_edit.setDisplayFormat("yyyy-MM-dd")
        self.until_edit.setCalendarPopup(True)
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, bookings.MAX_OCCURRENCES)
        self.count_spin.setValue(4)
        self.holiday_box = QCheckBox()  # the holiday calendar (booking/places/holidays.py) leaves out or adds dates
        self.workday_box = QCheckBox()
        self.errors = {f: _error_label() for f in ("resource", "plate", "start", "end", "repeat")}

        self.resource_label = QLabel()
        self.plate_label = QLabel()
        self.purpose_label = QLabel()
        self.start_label = QLabel()
        self.end_label = QLabel()
        self.quick_label = QLabel()
        self.repeat_label = QLabel()
        self.resource_label.setBuddy(self.resource_box)
        self.plate_label.setBuddy(self.plate_box)
        self.start_label.setBuddy(self.start_edit)
        self.end_label.setBuddy(self.end_edit)

        form = QFormLayout(self.booking_box)
        form.addRow(self.resource_label, self._with_error(self.resource_box, "resource"))
        plate_row = QHBoxLayout()
        plate_row.addWidget(self.plate_box, 1)
        plate_row.addWidget(self.visitor_box)
        self.plate_row = QWidget()
        plate_cell = QVBoxLayout(self.plate_row)
        plate_cell.setContentsMargins(0, 0, 0, 0)
        plate_cell.addLayout(plate_row)
        plate_cell.addWidget(self.errors["plate"])
        form.addRow(self.plate_label, self.plate_row)
        form.addRow(self.purpose_label, self.purpose_edit)
        form.addRow(self.start_label, self._with_error(self.start_edit, "start"))
        end_row = QHBoxLayout()
        end_row.addWidget(self.end_edit)
        end_row.addWidget(self.length_label, 1)
        end_cell = QVBoxLayout()
        end_cell.addLayout(end_row)
        end_cell.addWidget(self.errors["end"])
        form.addRow(self.end_label, end_cell)
        quick = QGridLayout()
        for i, button in enumerate(self.quick_buttons):
            quick.addWidget(button, i // 2, i % 2)
        form.addRow(self.quick_label, quick)
        repeat = QVBoxLayout()
        repeat.addWidget(self.repeat_box)
        days = QHBoxLayout()
        for box in self.day_boxes:
            days.addWidget(box)
        days.addStretch(1)
        self.days_row = QWidget()
        self.days_row.setLayout(days)
        days.setContentsMargins(0, 0, 0, 0)
        repeat.addWidget(self.days_row)
        ends = QHBoxLayout()
        ends.addWidget(self.until_radio)
        ends.addWidget(self.until_edit)
        ends.addSpacing(12)
        ends.addWidget(self.count_radio)
        ends.addWidget(self.count_spin)
        ends.addStretch(1)
        self.ends_row = QWidget()
        self.ends_row.setLayout(ends)
        ends.setContentsMargins(0, 0, 0, 0)
        repeat.addWidget(self.ends_row)
        calendar = QHBoxLayout()
        calendar.setContentsMargins(0, 0, 0, 0)
        calendar.addWidget(self.holiday_box)
        calendar.addWidget(self.workday_box)
        calendar.addStretch(1)
        self.calendar_row = QWidget()
        self.calendar_row.setLayout(calendar)
        repeat.addWidget(self.calendar_row)
        self.calendar_note = QLabel()  # said plainly: no holiday schedule for the series' year
        self.calendar_note.setWordWrap(True)
        self.calendar_note.setStyleSheet("color: #8a5a00;")
        self.calendar_note.hide()
        repeat.addWidget(self.calendar_note)
        repeat.addWidget(self.errors["repeat"])
        form.addRow(self.repeat_label, repeat)
        self._form = form

    def _with_error(self, widget: QWidget, field: str) -> QVBoxLayout:
        cell = QVBoxLayout()
        cell.setSpacing(1)
        cell.addWidget(widget)
        cell.addWidget(self.errors[field])
        return cell

    def _build_check_box(self) -> None:
        self.check_box = QGroupBox()
        self.check_label = QLabel()
        self.check_label.setWordWrap(True)
        self.check_label.setTextFormat(Qt.TextFormat.RichText)
        self.check_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.check_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 22)
        self.suggest_label = QLabel()
        self.suggest_buttons = [QPushButton() for _ in range(3)]
        suggest = QHBoxLayout()
        suggest.addWidget(self.suggest_label)
        for button in self.suggest_buttons:
            button.setAutoDefault(False)
            button.hide()
            button.clicked.connect(lambda _=False, b=button: self._choose_space(b.property("code")))
            suggest.addWidget(button)
        suggest.addStretch(1)
        self.suggest_row = QWidget()
        self.suggest_row.setLayout(suggest)
        suggest.setContentsMargins(0, 0, 0, 0)
        self.suggest_row.hide()
        self.occurrences = OccurrenceModel(self)
        self.occurrence_view = QListView()
        self.occurrence_view.setModel(self.occurrences)
        self.occurrence_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.occurrence_view.setWordWrap(True)
        self.occurrence_view.hide()
        self.skip_box = QCheckBox()
        self.skip_box.hide()
        self.override_label = QLabel()
        self.override_edit = QLineEdit()
        self.override_label.setBuddy(self.override_edit)
        self.override_label.hide()
        self.override_edit.hide()
        box = QVBoxLayout(self.check_box)
        box.addWidget(self.check_label)
        box.addWidget(self.suggest_row)
        box.addWidget(self.occurrence_view, 1)
        box.addWidget(self.skip_box)
        box.addWidget(self.override_label)
        box.addWidget(self.override_edit)
        box.addStretch(0)

    def _default_space(self) -> None:
        """The first free ordinary space for the times shown: fast keyboard bookings never use up
        the accessible, EV or visitor spaces, and a new time (Alt+1 tonight) moves to a free one."""
        req_start, req_end = self.start(), self.end()
        if self.space_chosen or req_end <= req_start:
            return
        default = bookings.first_ordinary_free(self.desk.store, req_start, req_end, self.desk.now())
        if default is not None:
            self.select_resource(default.code)

    def _connect_changes(self) -> None:
        self.resource_box.activated.connect(lambda _i: setattr(self, "space_chosen", True))
        for edit in (self.start_edit, self.end_edit):
            edit.dateTimeChanged.connect(lambda _t: self._default_space())
        # An editable combo box keeps Enter to itself: in the plate field it must save like anywhere else.
        plate_line = self.plate_box.lineEdit()
        assert plate_line is not None  # the combo box is editable
        plate_line.returnPressed.connect(self.accept)
        self.find_edit.textChanged.connect(self.search)
        self.resource_box.currentIndexChanged.connect(self._resource_changed)
        for signal in (self.plate_box.currentTextChanged, self.visitor_box.toggled, self.purpose_edit.textChanged,
                       self.start_edit.dateTimeChanged, self.end_edit.dateTimeChanged,
                       self.repeat_box.currentIndexChanged, self.until_radio.toggled, self.until_edit.dateChanged,
                       self.count_spin.valueChanged, self.skip_box.toggled, self.override_edit.textChanged,
                       self.holiday_box.toggled, self.workday_box.toggled,
                       *(b.toggled for b in self.day_boxes)):
            signal.connect(self.schedule_check)
        self.start_edit.dateTimeChanged.connect(self._update_length)
        self.end_edit.dateTimeChanged.connect(self._update_length)
        self.repeat_box.currentIndexChanged.connect(self._repeat_changed)
        self._repeat_changed()

    # --- the resident -------------------------------------------------------------------------

    def search(self, text: str) -> None:
        """Find residents as the clerk types; the first one is highlighted, Enter picks it."""
        try:
            found = residents.find(self.desk.store, text) if text.strip() else []
        except DeskError:
            found = []
        self.results_model.set_residents(found)
        if found:
            self.results.setCurrentIndex(self.results_model.index(0))
            self.found_label.setText(tr("ui_book_found", n=len(found)))
        else:
            self.found_label.setText(tr("ui_book_none_found") if text.strip() else "")

    def move_result(self, step: int) -> None:
        rows = self.results_model.rowCount()
        if not rows:
            return
        current = self.results.currentIndex().row()
        row = min(rows - 1, max(0, (current if current >= 0 else -1) + step))
        self.results.setCurrentIndex(self.results_model.index(row))

    def pick_current(self) -> None:
        index = self.results.currentIndex()
        if index.isValid():
            self.choose(self.results_model.resident(index.row()))

    def choose(self, resident: Resident) -> None:
        """Take this resident for the booking; the cursor goes on to the space or room."""
        self._resident = resident
        self.chosen_label.setText(tr("ui_book_chosen", name=mask_name(resident.name), door=resident.door,
                                     phone=mask_phone(resident.phone)))
        self.plate_box.blockSignals(True)
        self.plate_box.clear()
        self.plate_box.addItems(list(resident.plates))
        self.plate_box.blockSignals(False)
        self.register_button.setChecked(False)
        self.resource_box.setFocus(Qt.FocusReason.OtherFocusReason)
        self.schedule_check()

    def resident(self) -> Resident | None:
        return self._resident

    def _show_register(self, on: bool) -> None:
        self.register_form.setVisible(on)
        if on:
            self.reg_name.setFocus()

    def register_resident(self) -> None:
        """Register the resident typed in the inline form and choose them; refusals go next to the field."""
        for label in self.reg_errors.values():
            label.hide()
        try:
            resident = self._register(name=self.reg_name.text(), door=self.reg_door.text(),
                                      phone=self.reg_phone.text(), plate=self.reg_plate.text().strip() or None)
        except DeskError as exc:
            field = {"plate": "plate_new"}.get(exc.field or "", exc.field or "name")
            label = self.reg_errors.get(field, self.reg_errors["name"])
            label.setText(exc.message())
            label.show()
            return
        for edit in (self.reg_name, self.reg_door, self.reg_phone, self.reg_plate):
            edit.clear()
        self.choose(resident)

    # --- the space or room and the time --------------------------------------------------------

    def _choose_space(self, code: str) -> None:
        self.space_chosen = True
        self.select_resource(code)

    def select_resource(self, code: str) -> None:
        found = self.resource_box.findData(code)
        if found >= 0:
            self.resource_box.setCurrentIndex(found)

    def resource(self) -> Resource:
        return self._resources[max(0, self.resource_box.currentIndex())]

    def _resource_changed(self) -> None:
        parking = self.resource().kind == "parking"
        for widget in (self.plate_label, self.plate_row):
            widget.setVisible(parking)
        for widget in (self.purpose_label, self.purpose_edit):
            widget.setVisible(not parking)
        self.schedule_check()

    def start(self) -> datetime:
        return from_qt(self.start_edit.dateTime())

    def end(self) -> datetime:
        return from_qt(self.end_edit.dateTime())

    def set_times(self, start: datetime, end: datetime) -> None:
        self.start_edit.setDateTime(to_qt(start))
        self.end_edit.setDateTime(to_qt(end))

    def _base_day(self) -> date:
        return max(self.start().date(), self.desk.now().date())

    def choose_tonight(self) -> None:
        self.set_times(*tonight(self._base_day(), self.desk.now()))

    def choose_next_hours(self) -> None:
        self.set_times(*next_hours(self.desk.now()))

    def choose_all_day(self) -> None:
        self.set_times(*all_day(self._base_day(), self.desk.now()))

    def choose_week_nights(self) -> None:
        """Tonight and every night after it up to Sunday, as a daily series."""
        day = self._base_day()
        self.set_times(*tonight(day, self.desk.now()))
        last = week_end(day)
        if self.start().date() >= last:
            self.repeat_box.setCurrentIndex(self.repeat_box.findData("none"))
            return
        self.repeat_box.setCurrentIndex(self.repeat_box.findData("daily"))
        self.until_radio.setChecked(True)
        self.until_edit.setDate(QDate(last.year, last.month, last.day))

    def _update_length(self) -> None:
        start, end = self.start(), self.end()
        if end <= start:
            self.length_label.setText("")
            return
        overnight = tr("ui_book_overnight") if end.date() > start.date() and end.time() != time() else ""
        self.length_label.setText(tr("ui_book_length", length=length_text(clock.minutes(start, end)),
                                     overnight=overnight))

    def _repeat_changed(self) -> None:
        kind = self.repeat_box.currentData() or "none"
        self.days_row.setVisible(kind == "weekly")
        self.ends_row.setVisible(kind != "none")
        self.calendar_row.setVisible(kind != "none")
        if kind == "weekly" and not any(b.isChecked() for b in self.day_boxes):
            self.day_boxes[self.start().weekday()].setChecked(True)
        if kind != "none" and self.until_edit.date() <= QDate(*self.start().timetuple()[:3]):
            later = self.start().date() + timedelta(days=27)
            self.until_edit.setDate(QDate(later.year, later.month, later.day))

    def rule(self) -> str | None:
        kind = self.repeat_box.currentData() or "none"
        days = [code for code, box in zip(WEEKDAYS, self.day_boxes, strict=True) if box.isChecked()]
        if self.until_radio.isChecked():
            d = self.until_edit.date()
            return build_rrule(kind, days, date(d.year(), d.month(), d.day()), None)
        return build_rrule(kind, days, None, self.count_spin.value())

    # --- the live check -----------------------------------------------------------------------

    def request(self) -> Request | None:
        if self._resident is None:
            return None
        res = self.resource()
        plate = self.plate_box.currentText().strip() if res.kind == "parking" else None
        return Request(resource=res.code, start=self.start(), end=self.end(), resident_id=self._resident.id,
                       plate=plate or None, visitor=res.kind == "parking" and self.visitor_box.isChecked(),
                       purpose=(self.purpose_edit.text().strip() or None) if res.kind == "room" else None,
                       override=self.override_edit.text().strip() or None)

    def schedule_check(self, *_: Any) -> None:
        self._check_timer.start()

    def check_pending(self) -> bool:
        return self._check_timer.isActive()

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()

    def run_check(self) -> None:
        """Ask the domain what saving would meet and show it; enable Save only when it would succeed."""
        self._check_timer.stop()
        self._clear_errors()
        self._check, self._plan, self._problem = None, None, None
        self.suggest_row.hide()
        self.occurrence_view.hide()
        self.skip_box.hide()
        req = self.request()
        if req is None:
            self._show_status(tr("ui_book_choose_resident"), "#555555")
            self._show_override(False)
            self.save_button.setEnabled(False)
            self.checked.emit()
            return
        rule = self.rule()
        unknown = sorted({y for y in (req.start.year, req.end.year) if not holidays.knows(self.desk.store, y)})
        self.calendar_note.setText(tr("holiday_unknown_year", year=unknown[0]) if unknown else "")
        self.calendar_note.setVisible(bool(rule) and bool(unknown))
        try:
            if rule:
                self._plan = bookings.plan_series(self.desk.store, req, rule, self.desk.now(),
                                                  self.holiday_box.isChecked(), self.workday_box.isChecked())
            else:
                self._check = bookings.check(self.desk.store, req, self.desk.now())
        except DeskError as exc:
            self.show_error(exc)
            self.checked.emit()
            return
        if self._plan is not None:
            self._show_plan(self._plan)
        elif self._check is not None:
            self._show_check(req, self._check)
        self.save_button.setEnabled(self.can_save())
        self.checked.emit()

    def _show_status(self, html: str, colour: str) -> None:
        self.check_label.setText(f"<div style='color:{colour};'>{html}</div>")
        if self.isVisible():
            fit.grow(self)  # a sentence that wraps in English gets its lines

    def _show_override(self, breaches_only: bool) -> None:
        show = breaches_only and self.desk.actor.is_admin
        self.override_label.setVisible(show)
        self.override_edit.setVisible(show)

    def _show_check(self, req: Request, found: Check) -> None:
        still = bookings.overstaying(self.desk.store, self.desk.now()).get(req.resource) if found.ok else None
        if still is not None:  # free on paper, but the car of the booking before has not left
            self._show_status("⚠ " + html.escape(tr("ui_book_overstaying", code=req.resource, plate=still.plate or "—",
                                                 end=f"{still.end:%m-%d %H:%M}"), quote=False), "#a35200")
            self._show_override(False)
            return
        if found.ok:
            self._show_status(tr("ui_book_ok", code=req.resource, start=f"{req.start:%m-%d %H:%M}",
                                 end=f"{req.end:%m-%d %H:%M}"), "#1b7f3b")
            self._show_override(False)
            return
        lines = []
        if found.clashes:
            items = "；".join(tr("booking_clash_item", start=clock.to_text(b.start), end=clock.to_text(b.end),
                                door=b.door, id=b.id) for b in found.clashes[:3])
            lines.append(tr("booking_clash", code=req.resource, clashes=items))
        lines += [b.message() for b in found.breaches]
        self._show_status("<br>".join("✗ " + html.escape(line, quote=False) for line in lines), "#b3261e")
        if found.clashes:
            self.errors["start"].setText(lines[0])
            self.errors["start"].show()
        codes = found.suggestion[:3]
        for i, button in enumerate(self.suggest_buttons):
            if i < len(codes):
                button.setText(tr("ui_book_suggest_first" if i == 0 else "ui_book_suggest", code=codes[i]))
                button.setProperty("code", codes[i])
                button.show()
            else:
                button.hide()
        self.suggest_row.setVisible(bool(codes))
        self._show_override(bool(found.breaches) and not found.clashes)

    def _stopped(self, plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
        override = bool(self.override_edit.text().strip()) and self.desk.actor.is_admin
        return [p for p in plan if not p.get("holiday") and (p["clashes"] or (p["breaches"] and not override))]

    def _bookable(self, plan: list[dict[str, Any]]) -> int:
        """Dates of the plan that would be booked if nothing stopped them (public holidays left out)."""
        return sum(1 for p in plan if not p.get("holiday"))

    def _show_plan(self, plan: list[dict[str, Any]]) -> None:
        stopped = self._stopped(plan)
        left_out = [p for p in plan if p.get("holiday")]
        breaches_only = any(p["breaches"] for p in plan) and not any(p["clashes"] for p in plan)
        self._show_override(breaches_only)
        holidays_note = ("<br>" + tr("ui_book_holidays_left", n=len(left_out))) if left_out else ""
        listed = sorted(stopped + left_out, key=lambda p: p["start"])
        self.occurrences.set_items(listed)
        self.occurrence_view.setVisible(bool(listed))
        bookable = self._bookable(plan)
        if not stopped:
            first = next((p["start"] for p in plan if not p.get("holiday")), plan[0]["start"])
            self._show_status(tr("ui_book_series_ok", n=bookable, first=f"{first:%m-%d %H:%M}") + holidays_note,
                              "#1b7f3b")
            return
        self._show_status(tr("ui_book_series_some", n=bookable, bad=len(stopped)) + holidays_note, "#b3261e")
        rest = bookable - len(stopped)
        self.skip_box.setText(tr("ui_book_series_skip", n=rest))
        self.skip_box.setEnabled(rest > 0)
        self.skip_box.show()

    def show_error(self, exc: DeskError) -> None:
        """Show a refusal next to its field and in the check panel; Save stays off until it changes."""
        self._problem = exc
        message = exc.message()
        field = {"resident": "start", "find": "start"}.get(exc.field or "", exc.field or "start")
        label = self.errors.get(field) or self.errors["start"]
        label.setText(message)
        label.show()
        self._show_status("✗ " + html.escape(tr("ui_book_refused", message=message), quote=False), "#b3261e")
        self.save_button.setEnabled(False)

    def can_save(self) -> bool:
        if self._resident is None or self._problem is not None:
            return False
        if self._plan is not None:
            stopped = self._stopped(self._plan)
            if not stopped:
                return True
            return self.skip_box.isChecked() and len(stopped) < self._bookable(self._plan)
        if self._check is None:
            return False
        if self._check.clashes:
            return False
        if self._check.breaches:
            return self.desk.actor.is_admin and bool(self.override_edit.text().strip())
        return True

    def plan(self) -> BookingPlan:
        req = self.request()
        assert req is not None
        rule = self.rule()
        if not (self._check and self._check.breaches) and not (self._plan and any(p["breaches"] for p in self._plan)):
            req.override = None
        return BookingPlan(req, rule, bool(rule) and self.skip_box.isChecked(),
                           bool(rule) and self.holiday_box.isChecked(), bool(rule) and self.workday_box.isChecked())

    def skipped_dates(self) -> list[datetime]:
        """The dates the series will leave out (shown in the list)."""
        holidays_left = [p["start"] for p in self._plan or [] if p.get("holiday")]
        stopped = [p["start"] for p in self._stopped(self._plan or [])] if self.skip_box.isChecked() else []
        return sorted(holidays_left + stopped)

    def accept(self) -> None:
        """Save (Enter): check again now, and hand the plan to the window only if it would succeed."""
        self.run_check()
        if self.can_save():
            self.submitted.emit(self.plan())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter saves even while the live check is still waiting to run (accept() checks first);
        # Qt's default-button handling would ignore Enter while Save shows the last, stale answer.
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers()
                and not isinstance(self.focusWidget(), QPushButton)):
            self.accept()
            return
        super().keyPressEvent(event)

    def finish(self) -> None:
        """The window saved the booking: close."""
        super().accept()

    def hideEvent(self, event: Any) -> None:
        self._check_timer.stop()  # no check of a dialog nobody sees (the store may be closing)
        super().hideEvent(event)

    # --- language ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(tr("ui_book_title"))
        self.resident_box.setTitle(tr("ui_book_resident"))
        self.find_label.setText(tr("ui_book_find"))
        self.find_edit.setPlaceholderText(tr("ui_book_find_hint"))
        self.register_button.setText(tr("ui_book_register"))
        self.reg_do.setText(tr("ui_book_register_do"))
        for label, key in zip(self.reg_labels, ("ui_book_name", "ui_book_door", "ui_book_phone", "ui_book_plate_new"),
                              strict=True):
            label.setText(tr(key))
        if self._resident is None:
            self.chosen_label.setText(tr("ui_book_nobody"))
        else:
            self.chosen_label.setText(tr("ui_book_chosen", name=mask_name(self._resident.name),
                                         door=self._resident.door, phone=mask_phone(self._resident.phone)))
        self.booking_box.setTitle(tr("ui_book_what"))
        # room for a long length beside the end, so the dialog does not widen as the times change
        self.length_label.setMinimumWidth(self.length_label.fontMetrics().horizontalAdvance(
            tr("ui_book_length", length=length_text(12 * 60 + 30), overnight=tr("ui_book_overnight"))))
        self.resource_label.setText(tr("ui_book_resource"))
        for i, res in enumerate(self._resources):
            self.resource_box.setItemText(i, resource_label(res))
        self.plate_label.setText(tr("ui_book_plate"))
        self.visitor_box.setText(tr("ui_book_visitor"))
        self.purpose_label.setText(tr("ui_book_purpose"))
        self.start_label.setText(tr("ui_book_start"))
        self.end_label.setText(tr("ui_book_end"))
        self.quick_label.setText(tr("ui_book_quick"))
        for button, key in zip(self.quick_buttons, ("ui_book_tonight", "ui_book_two_hours", "ui_book_all_day",
                                                    "ui_book_week_nights"), strict=True):
            button.setText(tr(key))
        self.repeat_label.setText(tr("ui_book_repeat"))
        current = self.repeat_box.currentData()
        self.repeat_box.blockSignals(True)
        self.repeat_box.clear()
        for kind in ("none", "daily", "weeknights", "weekly"):
            self.repeat_box.addItem(tr(f"ui_book_repeat_{kind}"), kind)
        self.repeat_box.setCurrentIndex(max(0, self.repeat_box.findData(current)))
        self.repeat_box.blockSignals(False)
        for box, name in zip(self.day_boxes, tr("ui_book_days").split(), strict=True):
            box.setText(name)
        self.until_radio.setText(tr("ui_book_until"))
        self.count_radio.setText(tr("ui_book_times"))
        self.count_spin.setSuffix(tr("ui_book_times_suffix"))
        self.holiday_box.setText(tr("ui_book_skip_holidays"))
        self.workday_box.setText(tr("ui_book_workdays"))
        self.check_box.setTitle(tr("ui_book_check_title"))
        self.suggest_label.setText(tr("ui_book_suggest_label"))
        self.override_label.setText(tr("ui_book_override"))
        self.save_button.setText(tr("ui_book_save"))
        if hasattr(self, "_form"):
            self._update_length()
            self.schedule_check()
