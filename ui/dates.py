"""Date inputs shared by the office views."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget


def month_picker(parent: QWidget, today: date) -> QDateEdit:
    """A month chooser (YYYY-MM, with a calendar) showing the month of `today`."""
    edit = QDateEdit(parent)
    edit.setDisplayFormat("yyyy-MM")
    edit.setCalendarPopup(True)
    edit.setDate(QDate(today.year, today.month, 1))
    return edit
