"""Local time as the desk uses it: naive datetimes in Asia/Shanghai, to the minute.

China has had no daylight saving since 1991, so a naive local time maps one to
one onto real time, and the store keeps times as text 'YYYY-MM-DD HH:MM' that
sorts and compares correctly and reads plainly in any SQLite browser.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
FMT = "%Y-%m-%d %H:%M"


def now() -> datetime:
    """The current local minute."""
    return datetime.now(TZ).replace(tzinfo=None, second=0, microsecond=0)


def to_text(moment: datetime) -> str:
    return moment.strftime(FMT)


def from_text(text: str) -> datetime:
    # fromisoformat reads 'YYYY-MM-DD HH:MM' about ten times faster than strptime.
    return datetime.fromisoformat(text)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day)
    return start, start + timedelta(days=1)


def minutes(a: datetime, b: datetime) -> int:
    """Whole minutes from a to b."""
    return int((b - a).total_seconds() // 60)


def stamp() -> str:
    """Wall-clock time with seconds, for audit and scan records."""
    return datetime.now(TZ).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S")


def now_seconds() -> datetime:
    """The current local time to the second, for the edges that record events as they happen
    (the gate server answering a camera, a scan)."""
    return datetime.now(TZ).replace(tzinfo=None, microsecond=0)
