"""The server's refusals told in SQLite's words, so the domain asks one question of either engine.

SQLite's triggers refuse with RAISE(ABORT, 'booking_clash') and the like, and the domain looks
for that text. The server's triggers refuse with the same text (their SQLSTATE is ours, class LN);
its constraints are named instead: the exclusion constraint booking_no_overlap (SQLSTATE 23P01)
is SQLite's 'booking_clash', the CHECK booking_valid its 'booking_invalid'. `refusal` gives that
text for any error of the server's guards, and None for anything else (a bug, or the network).
"""
from __future__ import annotations

import psycopg
import sqlalchemy as sa

#: The SQLSTATEs of the server's own triggers (resources/postgres/*.sql): append-only, closed month,
#: booking kept, time-bank balance. Their message is SQLite's RAISE text.
TRIGGER_STATES = {"LN001", "LN002", "LN003", "LN004"}
#: A constraint's refusal (23P01 exclusion, 23514 check) by its name, as SQLite's trigger says it.
CONSTRAINTS = {
    "booking_no_overlap": "booking_clash",
    "booking_valid": "booking_invalid",
    "booking_in_range": "booking_in_range",  # SQLite has no trigger: booking/store/validation.py holds the rule there
    "timebank_balance_minutes_check": "timebank_negative",
}


def refusal(error: BaseException) -> str | None:
    """SQLite's refusal text for an error of the server's guards (psycopg's, or SQLAlchemy's around it)."""
    found = error.orig if isinstance(error, sa.exc.DBAPIError) else error
    if not isinstance(found, psycopg.Error):
        return None
    if found.sqlstate in TRIGGER_STATES:
        return found.diag.message_primary
    if found.sqlstate in ("23P01", "23514"):
        return CONSTRAINTS.get(found.diag.constraint_name or "")
    return None
