"""The residents view: residents by door, found by phone, its last 4 digits, door, plate or
name; registering one, adding and removing plates, correcting or moving a resident, marking one
as moved away or back (ResidentsView, its dialogs and its list model). The clerks' daily work.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QWidget

from booking.people import residents
from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.store.i18n import tr
from ui.desk.session import Desk
from ui.office.admin_models import MAX_FOUND, ResidentsModel
from ui.widgets.tables import read_only_view
from ui.office.import_dialog import ImportDialog, choose_file
from ui.widgets.confirm import confirmer
from ui.office.base import FieldForm, _selected_row, _View, fit_columns

RESIDENTS = Changes(residents=True)


class ResidentDialog(FieldForm):
    """Register a resident (name, door, phone, optional plate), or add a plate to one."""

    def __init__(self, desk: Desk, resident: residents.Resident | None = None, parent: QWidget | None = None) -> None:
        title = (tr("uis_resident_title_new") if resident is None
                 else tr("uis_resident_title_plate", name=resident.name, door=resident.door))
        super().__init__(title, parent)
        self.desk = desk
        self.resident = resident
        self.saved: residents.Resident | None = None
        if resident is None:
            self.add_field("name", tr("uis_field_name"), QLineEdit(self))
            self.add_field("door", tr("uis_field_door"), QLineEdit(self)).setPlaceholderText("3栋2单元501")
            self.add_field("phone", tr("uis_field_phone"), QLineEdit(self)).setPlaceholderText("13812345678")
        self.add_field("plate", tr("uis_field_plate" if resident is None else "uis_field_new_plate"),
                       QLineEdit(self)).setPlaceholderText("川A12345")

    def text(self, name: str) -> str:
        widget = self.fields[name]
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def save_changes(self) -> None:
        resident = self.resident
        if resident is None:
            self.saved = self.desk.run(lambda: residents.add(self.desk.store, self.desk.actor, self.text("name"),
                                                             self.text("door"), self.text("phone"),
                                                             self.text("plate") or None, now=self.desk.now()),
                                       RESIDENTS, self)
        else:
            self.saved = self.desk.run(lambda: residents.add_vehicle(self.desk.store, self.desk.actor, resident.id,
                                                                     self.text("plate"), now=self.desk.now()),
                                       RESIDENTS, self)


class ResidentEditDialog(FieldForm):
    """Correct a resident's name or mobile number, or move them to another door."""

    def __init__(self, desk: Desk, resident: residents.Resident, parent: QWidget | None = None) -> None:
        super().__init__(tr("uis_resident_title_edit", name=resident.name, door=resident.door), parent)
        self.desk = desk
        self.resident = resident
        self.saved: residents.Resident | None = None
        # The full number is shown here only: correcting it is the task.
        for name, key, value in (("name", "uis_field_name", resident.name),
                                 ("phone", "uis_field_phone", resident.phone),
                                 ("door", "uis_field_door", resident.door)):
            self.add_field(name, tr(key), QLineEdit(value, self))
        self.note.setText(tr("uis_resident_edit_note"))
        self.note.show()

    def text(self, name: str) -> str:
        widget = self.fields[name]
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def save_changes(self) -> None:
        self.saved = self.desk.run(lambda: residents.update(self.desk.store, self.desk.actor, self.resident.id,
                                                            name=self.text("name"), phone=self.text("phone"),
                                                            door=self.text("door"), now=self.desk.now()),
                                   RESIDENTS, self)


def ask_plate(parent: QWidget) -> Callable[[residents.Resident], str | None]:
    """Which of a household's plates is meant (None if the clerk cancels)."""
    def choose(resident: residents.Resident) -> str | None:
        plate, ok = QInputDialog.getItem(parent, tr("uis_unplate_title"),
                                         tr("uis_unplate_choose", door=resident.door), list(resident.plates), 0, False)
        return plate if ok else None
    return choose


class ResidentsListModel(ResidentsModel):
    """The residents model that can also list those who moved away, greyed and marked."""

    include_moved = False

    def refresh(self) -> None:
        if not self.include_moved:
            super().refresh()
            return
        self.beginResetModel()
        self._cache.clear()
        if self.query:
            found = residents.find(self.store, self.query, limit=MAX_FOUND, include_moved=True)
            self._ids = [r.id for r in found]
            self._cache.update({r.id: r for r in found})
        else:
            self._ids = [row[0] for row in self.store.sql(
                "SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id "
                "ORDER BY h.building, h.unit, h.room, r.name")]
        self.endResetModel()

    def row_of(self, resident_id: int) -> int | None:
        try:
            return self._ids.index(resident_id)
        except ValueError:
            return None

    def cell(self, number: int, column: str) -> Any:
        value = super().cell(number, column)
        if column == "uis_col_name" and not self.resident(number).active:
            return value + tr("uis_moved_away")
        return value

    def colour(self, number: int) -> QColor | None:
        return None if self.resident(number).active else QColor("#777777")


class ResidentsView(_View):
    """Residents by door; search by phone, last 4 digits, door, plate or name; register; add and
    remove plates; correct or move a resident; mark one as moved away (or back).

    `confirm(title, text)` and `choose_plate(resident)` ask the clerk; tests replace them.
    """

    VIEW_KEY = "uis_view_residents"
    ADMIN_ONLY = False
    TEXTS = {"add_button": "uis_add_resident", "plate_button": "uis_add_plate", "import_button": "uimp_button",
             "edit_button": "uis_edit_resident", "unplate_button": "uis_remove_plate", "moved_box": "uis_show_moved"}

    def build(self) -> None:
        self.confirm = confirmer(self)
        self.choose_plate = ask_plate(self)
        self.model = ResidentsListModel(self.desk.store, self)
        self.search = self._search_box("uis_search_residents", self.apply_search)
        self.table = read_only_view(self.model, self, fit=False, striped=True)
        self.table.doubleClicked.connect(lambda _index: self.edit_resident())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        self.edit_button = self.button(self.edit_resident)
        self.unplate_button = self.button(self.remove_plate)
        self.leave_button = self.button(self.toggle_active)
        self.moved_box = QCheckBox(self)
        self.moved_box.toggled.connect(self.show_moved)
        self.count = QLabel(self)
        self.error = self._message()
        self.add_button = self.button(self.add_resident)
        self.add_button.setShortcut(QKeySequence.StandardKey.New)
        self.plate_button = self.button(self.add_plate)
        self.import_button = self.button(self.import_residents)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.plate_button)
        row.addWidget(self.import_button)
        self.layout_.addLayout(row)
        self.button_row(self.edit_button, self.unplate_button, self.leave_button).addWidget(self.moved_box)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.table, 1)
        self.layout_.addWidget(self.count)
        fit_columns(self.table)

    def apply_search(self, text: str) -> None:
        self.error.hide()
        try:
            self.model.search(text)
        except DeskError as exc:
            self.show_refusal(self.error, exc)
        self.count.setText(tr("uis_count", n=self.model.rowCount()))
        self.update_buttons()  # a new list has nothing selected

    def add_resident(self) -> residents.Resident | None:
        return ResidentDialog(self.desk, None, self).saved_on_accept()

    def add_plate(self) -> residents.Resident | None:
        row = _selected_row(self.table)
        if row is None:
            return None
        return ResidentDialog(self.desk, self.model.resident(row), self).saved_on_accept()

    def _selected(self) -> residents.Resident | None:
        row = _selected_row(self.table)
        return None if row is None else self.model.resident(row)

    def update_buttons(self) -> None:
        person = self._selected()
        self.edit_button.setEnabled(person is not None)
        self.unplate_button.setEnabled(person is not None and bool(person.plates))
        self.leave_button.setEnabled(person is not None)
        self.leave_button.setText(tr("uis_move_back" if person is not None and not person.active else "uis_move_out"))

    def _reselect(self, resident_id: int) -> None:
        row = self.model.row_of(resident_id)
        if row is not None:
            self.table.selectRow(row)
        self.update_buttons()

    def edit_resident(self) -> residents.Resident | None:
        """Correct the selected resident in a dialog that shows refusals next to the field."""
        person = self._selected()
        if person is None:
            return None
        dialog = ResidentEditDialog(self.desk, person, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        self._reselect(person.id)
        return dialog.saved

    def remove_plate(self) -> str | None:
        """Take a plate of the selected household off (after asking which, if several, and confirming)."""
        person = self._selected()
        if person is None:
            return None
        self.error.hide()
        if not person.plates:
            self.error.setText(tr("uis_unplate_none", door=person.door))
            self.error.show()
            return None
        plate = person.plates[0] if len(person.plates) == 1 else self.choose_plate(person)
        if not plate or not self.confirm(tr("uis_unplate_title"),
                                         tr("uis_unplate_confirm", door=person.door, plate=plate)):
            return None
        try:
            self.desk.run(lambda: residents.remove_plate(self.desk.store, self.desk.actor, plate, now=self.desk.now()),
                          RESIDENTS, self)
        except DeskError as exc:
            self.show_refusal(self.error, exc)
            return None
        self._reselect(person.id)
        return plate

    def toggle_active(self) -> residents.Resident | None:
        """Mark the selected resident as moved away, or back, after confirming."""
        person = self._selected()
        if person is None:
            return None
        self.error.hide()
        key = "uis_leave" if person.active else "uis_return"
        if not self.confirm(tr(f"{key}_title"), tr(f"{key}_confirm", name=person.name, door=person.door)):
            return None
        try:
            changed = self.desk.run(lambda: residents.set_active(self.desk.store, self.desk.actor, person.id,
                                                                 not person.active, now=self.desk.now()),
                                    RESIDENTS, self)
        except DeskError as exc:
            self.show_refusal(self.error, exc)
            return None
        self._reselect(person.id)
        return changed

    def show_moved(self, on: bool) -> None:
        """List those who moved away too (to bring one back), or only those living here."""
        self.model.include_moved = on
        self.apply_search(self.search.text())
        fit_columns(self.table)  # names now carry "（已迁出）"

    def import_residents(self, path: str | None = None) -> ImportDialog | None:
        """Pick a CSV (or take `path`), show its dry run, import on request (ui/office/import_dialog.py)."""
        path = path or choose_file(self)
        if not path:
            return None
        dialog = ImportDialog(self.desk, path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        dialog.start_check()
        return dialog

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.residents:
            self.apply_search(self.search.text())

    def retranslate(self, _language: str = "") -> None:
        super().retranslate()
        self.search.setPlaceholderText(tr("uis_search_residents"))
        self.count.setText(tr("uis_count", n=self.model.rowCount()))
        self.model.retranslate()
