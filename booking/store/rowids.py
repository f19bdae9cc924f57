"""The id of the row an INSERT just made, typed.

`sqlite3.Cursor.lastrowid` is `int | None` (None before any INSERT on that cursor); after a
successful INSERT it is the new row's id, so this says so once instead of every caller
narrowing the type again.
"""
from __future__ import annotations

import sqlite3


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid of the row the INSERT run on `cursor` made."""
    rowid = cursor.lastrowid
    if rowid is None:  # not an INSERT: a caller's mistake, never the store's data
        raise RuntimeError("the statement inserted no row")
    return rowid
