"""The id of the row an INSERT just made, typed.

Every INSERT whose new id the domain needs ends in `RETURNING id` (SQLite 3.35 and later,
PostgreSQL alike; `cursor.lastrowid` is sqlite3's alone), and passes its rows here: this says
once that there is exactly one, an int, instead of every caller narrowing the type again.
"""
from __future__ import annotations

import sqlite3
from typing import Any, Protocol


class Returned(Protocol):
    """The rows of an INSERT ... RETURNING id (`store.sql`'s `Rows`)."""

    def scalar_one(self) -> Any: ...


def inserted_id(rows: Returned | sqlite3.Cursor) -> int:
    """The id the INSERT ... RETURNING id behind `rows` gave its new row.

    A sqlite3 cursor is the SQLite migrations' (booking/store/schema.py, which stay on
    sqlite-utils): its `lastrowid`.
    """
    if isinstance(rows, sqlite3.Cursor):
        if rows.lastrowid is None:  # not an INSERT: a caller's mistake, never the store's data
            raise RuntimeError("the statement inserted no row")
        return rows.lastrowid
    return int(rows.scalar_one())
