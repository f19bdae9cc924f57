"""Date inputs shared by the office views."""
from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, QTime
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


def py_date(value: QDate) -> date:
    """The QDate as a date (what toPython gives; its stubs only say `object`)."""
    day = value.toPython()
    assert isinstance(day, date)
    return day


def py_datetime(value: QDateTime) -> datetime:
    """The QDateTime as a naive local datetime (what toPython gives; its stubs only say `object`)."""
    moment = value.toPython()
    assert isinstance(moment, datetime)
    return moment


def qt_datetime(moment: datetime) -> QDateTime:
    """A naive local datetime as a QDateTime, to the second (what QDateTime(moment) does; its stubs
    do not take a datetime)."""
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute, moment.second))
