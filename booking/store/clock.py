"""Local time as the desk uses it: naive datetimes in Asia/Shanghai, to the minute.

China has had no daylight saving since 1991, so a naive local time maps one to
one onto real time, and the store keeps times as text 'YYYY-MM-DD HH:MM' that
sorts and compares correctly and reads plainly in any SQLite browser.
"""
from __future__ import annotations

import threading
import time
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


def moment() -> datetime:
    """The current local time to the second: for the edges that record scans (repeats are told
    apart by seconds). Every other caller takes `now()`."""
    return datetime.now(TZ).replace(tzinfo=None, microsecond=0)


STAMP_FMT = "%Y-%m-%d %H:%M:%S"


def to_stamp(moment: datetime) -> str:
    """A stored time with seconds (audit entries, scans, created_at): always from the operation's
    `now`, never the wall clock, so every time the program writes comes from one clock."""
    return moment.strftime(STAMP_FMT)


def pause(stop: threading.Event, seconds: float, step: float = 0.05) -> bool:
    """Wait up to `seconds` on this thread, ending within `step` once `stop` is set; True if it was.

    Short sleeps, not `stop.wait(seconds)`: a timed wait measures its deadline on a clock that
    libfaketime cannot fake (sem_clockwait, libfaketime#390), so under the suite's faketime run
    a thread waiting that way never woke (the gate server's ticks, the store listener's retry).
    """
    deadline = time.monotonic() + seconds
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(step, left))
    return True
