"""The office's closures and holiday calendar: when spaces and rooms take no bookings.

A closure is built from a form (once, weekly on chosen days, monthly, yearly, or on
every public holiday), never typed as a rule; before it is saved the admin is told
which existing bookings it would meet and can list them. The calendar view shows a
year's public holidays and make-up workdays, where they come from, and lets the admin
enter a year the installed package does not know yet.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QStringListModel, QTime
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDateTimeEdit, QDialog, QDialogButtonBox,
                               QHBoxLayout, QLabel, QLineEdit, QListView, QMessageBox, QPlainTextEdit, QRadioButton,
                               QSpinBox, QVBoxLayout, QWidget)

from booking.places import closures, holidays
from booking.schedule import bookings, closure_admin
from booking.schedule.quick_times import WEEKDAYS
from booking.store import clock
from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.store.i18n import tr
from ui.widgets.tables import read_only_view
from ui.office.base import REFUSED, FieldForm, _selected_row, _View, fit_columns
from ui.office.admin_models import scope_text
from ui.office.common import RowsModel, choose, fit_to_content, scope_box
from ui.widgets.confirm import confirmer
from ui.desk.session import Desk

CLOSED = Changes(closures=True)
HOLIDAYS = Changes(holidays=True)
PATTERNS = ("once", "weekly", "monthly", "yearly", "holidays")


def repeat_text(row: dict[str, Any]) -> str:
    """A closure's repeat in words: '每周一、三，至 2027-01-31', '每逢公众假日', '不重复'."""
    if row.get("holidays"):
        return tr("closure_holidays_text")
    rule = (row.get("rrule") or "").upper().removeprefix("RRULE:")
    if not rule:
        return tr("uio_repeat_none")
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    names = tr("uio_weekday_names").split()
    freq = parts.get("FREQ", "")
    if freq == "WEEKLY":
        days = [names[WEEKDAYS.index(d)] for d in parts.get("BYDAY", "").split(",") if d in WEEKDAYS]
        text = tr("uio_repeat_weekly", days="、".join(days))
    elif freq == "MONTHLY":
        text = tr("uio_repeat_monthly")
    elif freq == "YEARLY":
        text = tr("uio_repeat_yearly")
    else:
        text = rule
    if "UNTIL" in parts:
        until = parts["UNTIL"][:8]
        text += tr("uio_repeat_until", date=f"{until[:4]}-{until[4:6]}-{until[6:8]}")
    elif "COUNT" in parts:
        text += tr("uio_repeat_count", n=parts["COUNT"])
    return text


def _when_text(row: dict[str, Any]) -> str:
    if row.get("holidays"):
        return tr("uio_since_text", date=row["start_at"][:10])
    return f"{row['start_at']}–{row['end_at'][11:] if row['end_at'][:10] == row['start_at'][:10] else row['end_at']}"


def _to_qdt(moment: datetime) -> QDateTime:
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute))


def _from_qdt(value: QDateTime) -> datetime:
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def _from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ClosureDialog(FieldForm):
    """A new closure, or a change to one, from a form; the domain checks every field.

    `ask_hits(found)` decides whether to save a closure that meets existing bookings (it asks,
    No by default, and offers to list them); tests put their answer in its place.
    """

    def __init__(self, desk: Desk, closure: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(tr("uio_closure_title_edit" if closure else "uio_closure_title_new"), parent)
        self.desk = desk
        self.closure = closure
        self.saved: dict[str, Any] | None = None
        self.ask_hits: Callable[[list[bookings.Booking]], bool] = self._ask_hits
        self.scope_field = self.add_field("scope", tr("uio_col_scope"), scope_box(desk.store, self))
        pattern = QComboBox(self)
        for name in PATTERNS:
            pattern.addItem(tr(f"uio_pattern_{name}"), name)
        self.add_field("pattern", tr("uio_field_pattern"), pattern)
        start = datetime.combine(desk.now().date() + timedelta(days=1), datetime.min.time()).replace(hour=8)
        self.start_edit = QDateTimeEdit(_to_qdt(start), self)
        self.end_edit = QDateTimeEdit(_to_qdt(start.replace(hour=12)), self)
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
        self.add_field("start", tr("uio_field_start"), self.start_edit)
        self.add_field("end", tr("uio_field_end"), self.end_edit)
        days = QWidget(self)
        row = QHBoxLayout(days)
        row.setContentsMargins(0, 0, 0, 0)
        self.day_boxes: dict[str, QCheckBox] = {}
        for code, name in zip(WEEKDAYS, tr("uio_weekday_names").split(), strict=True):
            self.day_boxes[code] = QCheckBox(name, days)
            row.addWidget(self.day_boxes[code])
        self.add_field("days", tr("uio_field_days"), days)
        ends = QWidget(self)
        ends_row = QHBoxLayout(ends)
        ends_row.setContentsMargins(0, 0, 0, 0)
        self.until_radio = QRadioButton(tr("uio_ends_until"), ends)
        self.until_edit = QDateEdit(QDate(start.year, 12, 31), ends)
        self.until_edit.setDisplayFormat("yyyy-MM-dd")
        self.until_edit.setCalendarPopup(True)
        self.count_radio = QRadioButton(tr("uio_ends_count"), ends)
        self.count_spin = QSpinBox(ends)
        self.count_spin.setRange(1, 999)
        self.count_spin.setValue(10)
        self.until_radio.setChecked(True)
        for widget in (self.until_radio, self.until_edit, self.count_radio, self.count_spin):
            ends_row.addWidget(widget)
        ends_row.addStretch(1)
        self.add_field("ends", tr("uio_field_ends"), ends)
        self.add_field("reason", tr("uio_field_reason"), QLineEdit(self))
        pattern.currentIndexChanged.connect(lambda _i: self._pattern_changed())
        if closure is not None:
            self._fill(closure)
        self._pattern_changed()
        fit_to_content(self)

    @property
    def pattern(self) -> str:
        return self.fields["pattern"].currentData()  # type: ignore[attr-defined]

    def set_pattern(self, name: str) -> None:
        choose(self.fields["pattern"], name)  # type: ignore[arg-type]

    def _fill(self, closure: dict[str, Any]) -> None:
        choose(self.fields["scope"], closure["scope"])  # type: ignore[arg-type]
        self.start_edit.setDateTime(_to_qdt(clock.from_text(closure["start_at"])))
        self.end_edit.setDateTime(_to_qdt(clock.from_text(closure["end_at"])))
        self.fields["reason"].setText(closure["reason"])  # type: ignore[attr-defined]
        rule = (closure.get("rrule") or "").upper()
        parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
        if closure.get("holidays"):
            self.set_pattern("holidays")
            self.fields["pattern"].setEnabled(False)  # a calendar closure stays one; the others stay windows
        elif rule:
            self.set_pattern({"WEEKLY": "weekly", "MONTHLY": "monthly", "YEARLY": "yearly"}.get(parts.get("FREQ", ""),
                                                                                              "weekly"))
            for code in parts.get("BYDAY", "").split(","):
                if code in self.day_boxes:
                    self.day_boxes[code].setChecked(True)
            if "COUNT" in parts:
                self.count_radio.setChecked(True)
                self.count_spin.setValue(int(parts["COUNT"]))
            elif "UNTIL" in parts:
                u = parts["UNTIL"]
                self.until_edit.setDate(QDate(int(u[:4]), int(u[4:6]), int(u[6:8])))
        if not closure.get("holidays"):  # a window stays a window: remove it and add a calendar one instead
            self.fields["pattern"].model().item(PATTERNS.index("holidays")).setEnabled(False)  # type: ignore

    def _pattern_changed(self) -> None:
        pattern = self.pattern
        repeating = pattern in ("weekly", "monthly", "yearly")
        for name, visible in (("days", pattern == "weekly"), ("ends", repeating), ("end", pattern != "holidays")):
            self.fields[name].setVisible(visible)
            self.field_messages.labels[name].setVisible(visible)
        self.field_messages.labels["start"].setText(tr("uio_field_since" if pattern == "holidays"
                                                       else "uio_field_start"))
        self.start_edit.setDisplayFormat("yyyy-MM-dd" if pattern == "holidays" else "yyyy-MM-dd HH:mm")
        if pattern == "weekly" and not any(b.isChecked() for b in self.day_boxes.values()):
            self.day_boxes[WEEKDAYS[self.start_edit.date().dayOfWeek() - 1]].setChecked(True)

    def rule(self) -> str | None:
        """The RFC 5545 rule the form describes (None for once or the calendar)."""
        pattern = self.pattern
        if pattern not in ("weekly", "monthly", "yearly"):
            return None
        rule = "FREQ=" + pattern.upper()
        if pattern == "weekly":
            rule += ";BYDAY=" + ",".join(c for c in WEEKDAYS if self.day_boxes[c].isChecked())
        if self.count_radio.isChecked():
            return rule + f";COUNT={self.count_spin.value()}"
        return rule + f";UNTIL={_from_qdate(self.until_edit.date()):%Y%m%d}T235959"

    def values(self) -> dict[str, Any]:
        start = _from_qdt(self.start_edit.dateTime())
        if self.pattern == "holidays":
            start = datetime.combine(start.date(), datetime.min.time())
            return {"scope": self.scope_field.currentData(), "start": start, "end": start + timedelta(days=1),
                    "reason": self.fields["reason"].text(), "rrule": None}  # type: ignore[attr-defined]
        return {"scope": self.fields["scope"].currentData(), "start": start,  # type: ignore[attr-defined]
                "end": _from_qdt(self.end_edit.dateTime()), "reason": self.fields["reason"].text(),  # type: ignore
                "rrule": self.rule()}

    def _ask_hits(self, found: list[bookings.Booking]) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, tr("uio_hits_title"),
                          tr("uio_hits_text", n=len(found), first=f"{found[0].start:%Y-%m-%d %H:%M}"),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        show = box.addButton(tr("uio_hits_list"), QMessageBox.ButtonRole.ActionRole)
        while True:
            answer = box.exec()
            if box.clickedButton() is show:
                HitsDialog(found, self).exec()
                continue
            return answer == QMessageBox.StandardButton.Yes

    def save_changes(self) -> bool | None:
        v = self.values()
        store, actor = self.desk.store, self.desk.actor
        try:
            closures.check(store, actor, v["scope"], v["start"], v["end"], v["reason"], v["rrule"])
        except DeskError as exc:
            if exc.field == "repeat":
                exc.field = "days" if self.pattern == "weekly" and "BYDAY=;" in (v["rrule"] or "") else "ends"
            raise
        found = closure_admin.hits(store, v["scope"], v["start"], v["end"], v["rrule"], self.pattern == "holidays")
        if found and not self.ask_hits(found):
            return False
        closure = self.closure

        def save() -> Any:
            if closure is not None:
                return closure_admin.edit(store, actor, closure["id"], v["scope"], v["start"], v["end"],
                                          v["reason"], v["rrule"], self.desk.now())
            if self.pattern == "holidays":
                return closure_admin.add_on_holidays(store, actor, v["scope"], v["reason"], v["start"].date(),
                                                     self.desk.now())
            return closures.add(store, actor, v["scope"], v["start"], v["end"], v["reason"], v["rrule"],
                                now=self.desk.now())
        self.saved = self.desk.run(save, CLOSED, self)
        return None


class HitsDialog(QDialog):
    """The bookings a closure would meet, one whole line each (a plain list model)."""

    def __init__(self, found: list[bookings.Booking], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("uio_hits_list_title"))
        lines = [tr("uio_hit_row", start=f"{b.start:%Y-%m-%d %H:%M}",
                    end=f"{b.end:%H:%M}" if b.end.date() == b.start.date() else f"{b.end:%Y-%m-%d %H:%M}",
                    code=b.resource, door=b.door, id=b.id) for b in found]
        self.model = QStringListModel(lines, self)
        view = QListView(self)
        view.setModel(self.model)
        # every line whole (the fit to the screen scrolls beyond that), a dozen of them before scrolling
        metrics = view.fontMetrics()
        view.setMinimumWidth(max(metrics.horizontalAdvance(line) for line in lines) + 4 * metrics.averageCharWidth()
                             + view.verticalScrollBar().sizeHint().width())
        view.setMinimumHeight(metrics.lineSpacing() * min(len(lines) + 1, 12) + 8)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        buttons = QDialogButtonBox(self)
        buttons.addButton(tr("uio_close"), QDialogButtonBox.ButtonRole.AcceptRole).setDefault(True)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        fit_to_content(self)


def _closure_rows(store: Any) -> list[dict[str, Any]]:
    return [{**row, "uio_col_scope": scope_text(store, row["scope"]), "uio_col_when": _when_text(row),
             "uio_col_repeat": repeat_text(row), "uio_col_reason": row["reason"]}
            for row in closures.all_closures(store)]


class ClosuresView(_View):
    """Every closure, with New, Edit and Remove (Remove asks first, No by default)."""

    VIEW_KEY = "uio_view_closures"
    TEXTS = {"add_button": "uio_add", "edit_button": "uio_edit", "remove_button": "uio_remove"}
    REFRESH_ON = Changes(closures=True, spaces=True, holidays=True)

    def build(self) -> None:
        self.confirm = confirmer(self)
        self.model = RowsModel(("uio_col_scope", "uio_col_when", "uio_col_repeat", "uio_col_reason"),
                               lambda: _closure_rows(self.desk.store), self)
        self.add_button = self.button(self.add_closure)
        self.edit_button = self.button(self.edit_closure)
        self.remove_button = self.button(self.remove_closure)
        self.list_with_buttons(self.model, self.add_button, self.edit_button, self.remove_button)
        self.table.doubleClicked.connect(lambda _index: self.edit_closure())

    def update_buttons(self) -> None:
        chosen = _selected_row(self.table) is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def dialog(self, closure: dict[str, Any] | None = None) -> ClosureDialog:
        return ClosureDialog(self.desk, closure, self)

    def add_closure(self) -> dict[str, Any] | None:
        return self.dialog().saved_on_accept()

    def edit_closure(self) -> dict[str, Any] | None:
        row = _selected_row(self.table)
        if row is None:
            return None
        return self.dialog(self.model.row(row)).saved_on_accept()

    def remove_closure(self) -> int | None:
        row = _selected_row(self.table)
        if row is None:
            return None
        chosen = self.model.row(row)
        if not self.confirm(tr("uio_remove_title"), tr("uio_remove_text", reason=chosen["reason"],
                                                       scope=chosen["uio_col_scope"], when=chosen["uio_col_when"])):
            return None
        if self.attempt(lambda: closures.remove(self.desk.store, self.desk.actor, chosen["id"], now=self.desk.now()),
                        CLOSED) is REFUSED:
            return None
        return chosen["id"]


class HolidayYearDialog(FieldForm):
    """Enter a year's days off and make-up workdays as the State Council's notice gives them."""

    def __init__(self, desk: Desk, year: int, parent: QWidget | None = None) -> None:
        super().__init__(tr("uio_year_title", year=year), parent)
        self.desk = desk
        self.year = year
        self.saved: dict[str, Any] | None = None
        self.confirm = confirmer(self)
        current = holidays.schedule(desk.store, year)
        for name, key, days in (("days_off", "uio_field_days_off", current["days_off"]),
                                ("workdays", "uio_field_workdays", current["workdays"])):
            edit = QPlainTextEdit("\n".join(days), self)  # type: ignore[arg-type]
            edit.setPlaceholderText(tr("uio_example", text=f"{year}-02-06..{year}-02-13" if name == "days_off"
                                       else f"{year}-02-20"))  # plainly an example, never taken for an entry
            edit.setTabChangesFocus(True)
            self.add_field(name, tr(key), edit)
        self.note.setText(tr("uio_year_note"))
        self.note.show()
        fit_to_content(self)

    def text(self, name: str) -> str:
        return self.fields[name].toPlainText()  # type: ignore[attr-defined]

    def save_changes(self) -> bool | None:
        store, year = self.desk.store, self.year
        if holidays.source(store, year) == "package":  # overriding the published schedule: ask, No by default
            for name in ("days_off", "workdays"):
                holidays.parse_days(self.text(name), year, name)  # a typo is refused beside its field first
            if not self.confirm(tr("uio_override_title", year=year), tr("uio_override_text", year=year)):
                return False
        self.saved = self.desk.run(lambda: holidays.set_year(store, self.desk.actor, year, self.text("days_off"),
                                                             self.text("workdays"), self.desk.now()),
                                   HOLIDAYS, self)
        return None


def _holiday_rows(store: Any, year: int) -> list[dict[str, Any]]:
    names = tr("uio_weekday_names").split()
    return [{"uio_col_date": d.day.isoformat(), "uio_col_weekday": names[d.day.weekday()],
             "uio_col_day_kind": d.text()} for d in
            (holidays.day(store, date.fromisoformat(x["date"])) for x in holidays.schedule(store, year)["days"])]


class HolidaysView(_View):
    """One year's public holidays and make-up workdays, where they come from, and the admin's entry."""

    VIEW_KEY = "uio_view_holidays"
    TEXTS = {"year_label": "uio_year", "enter_button": "uio_enter_year", "clear_button": "uio_clear_year"}

    def build(self) -> None:
        self.confirm = confirmer(self)
        self.year_label = QLabel(self)
        self.year_spin = QSpinBox(self)
        self.year_spin.setRange(2004, 2100)
        self.year_spin.setValue(self.desk.now().year)
        self.year_label.setBuddy(self.year_spin)
        self.enter_button, self.clear_button = self.button(self.enter_year), self.button(self.clear_year)
        self.button_row(self.year_label, self.year_spin, self.enter_button, self.clear_button)
        self.source_label = QLabel(self)
        self.source_label.setWordWrap(True)
        self.model = RowsModel(("uio_col_date", "uio_col_weekday", "uio_col_day_kind"),
                               lambda: _holiday_rows(self.desk.store, self.year_spin.value()), self)
        self.table = read_only_view(self.model, self, fit=False, striped=True)
        self.error = self._message()
        self.layout_.addWidget(self.source_label)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.table, 1)
        self.year_spin.valueChanged.connect(lambda _v: self.show_year())
        fit_columns(self.table)

    def show_year(self) -> None:
        year = self.year_spin.value()
        where = holidays.source(self.desk.store, year)
        text = (tr("uio_year_source", year=year, source=tr(f"holiday_source_{where}")) if where
                else tr("holiday_unknown_year", year=year))
        self.source_label.setText(text)
        self.source_label.setStyleSheet("" if where else "color: #b3261e;")
        self.clear_button.setEnabled(where == "admin")
        self.model.refresh()

    def enter_year(self) -> dict[str, Any] | None:
        return HolidayYearDialog(self.desk, self.year_spin.value(), self).saved_on_accept()

    def clear_year(self) -> dict[str, Any] | None:
        year = self.year_spin.value()
        if not self.confirm(tr("uio_clear_title"), tr("uio_clear_text", year=year)):
            return None
        done = self.attempt(lambda: holidays.clear_year(self.desk.store, self.desk.actor, year, self.desk.now()),
                            HOLIDAYS)
        return None if done is REFUSED else done

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.holidays:
            self.show_year()

    def retranslate(self, _language: str = "") -> None:
        super().retranslate()
        self.show_year()
        self.model.retranslate()
