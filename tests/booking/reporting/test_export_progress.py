"""The export's progress hook: the window's progress bar and its Cancel button lean on it."""
from __future__ import annotations

from datetime import date, datetime


import pytest

from booking.ops import demo
from booking.reporting import exports
from booking.store.errors import DeskError

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)

FIRST, LAST = date(2026, 11, 21), date(2026, 11, 25)


# On the SQLite file only (not TWO_ENGINES): demo.fill (booking/ops) writes through the SQLite
# connection; put this file on both engines when it has a server path.
@pytest.fixture
def busy_week(store, now):
    """A few demo days: more than one progress step of bookings."""
    demo.fill(store, years=3 / 365, now=now, days_ahead=2)
    return exports.booking_count(store, FIRST, LAST)


def test_progress_counts_up_to_the_rows_of_every_file(store, admin, busy_week, tmp_path):
    seen: list[tuple[int, int]] = []
    result = exports.export_bookings(store, admin, FIRST, LAST, csv_path=str(tmp_path / "b.csv"),
                                     xlsx_path=str(tmp_path / "b.xlsx"),
                                     progress=lambda done, total: seen.append((done, total)) or True, now=NOW)
    assert busy_week > exports.PROGRESS_EVERY and result.rows == busy_week
    assert seen[-1] == (2 * busy_week, 2 * busy_week)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_cancelling_leaves_no_file_behind(store, admin, busy_week, tmp_path):
    with pytest.raises(DeskError) as caught:
        exports.export_bookings(store, admin, FIRST, LAST, xlsx_path=str(tmp_path / "b.xlsx"),
                                progress=lambda done, total: False, now=NOW)
    assert (caught.value.code, caught.value.key) == ("state", "export_cancelled")
    assert [p.name for p in tmp_path.iterdir() if "sqlite3" not in p.name] == []
