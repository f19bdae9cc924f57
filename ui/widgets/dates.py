"""Date inputs shared by the office views."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget


#: the one way the program writes a date in a field: 2026-12-02, in both languages
DATE_FORMAT = "yyyy-MM-dd"


def day_picker(parent: QWidget | None, day: date) -> QDateEdit:
    """A day chooser (YYYY-MM-DD, with a calendar) showing `day`."""
    edit = QDateEdit(parent)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def month_picker(parent: QWidget, today: date) -> QDateEdit:
    """A month chooser (YYYY-MM, with a calendar) showing the month of `today`."""
    edit = QDateEdit(parent)
    edit.setDisplayFormat("yyyy-MM")
    edit.setCalendarPopup(True)
    edit.setDate(QDate(today.year, today.month, 1))
    return edit
