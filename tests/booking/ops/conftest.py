"""What the backup and restore tests share: a store with tonight's booking, and its data as SQL text."""
from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from booking.schedule import bookings
from booking.store.connection import Store

TONIGHT = bookings.Request(resource="P001", start=datetime(2026, 11, 24, 19, 0),
                           end=datetime(2026, 11, 25, 7, 30), resident_id=0, plate="川A12345")


def dump(path: Path) -> list[str]:
    """Every table's schema and rows, as SQL text (the WAL is read through SQLite).

    Without the restore generation, which every restore changes on purpose (Store.write).
    """
    conn = sqlite3.connect(str(path))
    try:
        return [line for line in conn.iterdump() if "store_generation" not in line]
    finally:
        conn.close()


def book_tonight(store: Store, actor, resident, now) -> bookings.Booking:
    req = bookings.Request(**{**TONIGHT.__dict__, "resident_id": resident.id})
    return bookings.book(store, actor, req, now)


@pytest.fixture
def booked(store, admin, resident, now) -> Store:
    book_tonight(store, admin, resident, now)
    return store

