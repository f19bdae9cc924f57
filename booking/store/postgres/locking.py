"""One writer at a time on a PostgreSQL store, as SQLite's BEGIN IMMEDIATE gives on the file.

Every write transaction takes the transaction-level advisory lock WRITE_LOCK first
(`pg_advisory_xact_lock`): the read-then-write rules (per-household quotas, waitlist offers,
ledger month closing, the time-bank balance) then run as they do on SQLite, one desk after
another, and the lock goes with the commit or rollback, so a desk that dies mid-write holds
nothing. Readers take no lock and see the last committed state. SERIALIZABLE with retries would
let unrelated writes run together, but a desk writes a few rows per clerk action, so the simpler
rule that cannot be wrong was chosen. The exclusion constraint on bookings is the database's own
guard against overlaps, lock or not.
"""
from __future__ import annotations

from sqlalchemy import Connection, text

#: The key of the store's write lock: "LINLI" in ASCII, so it reads plainly in pg_locks (objid).
WRITE_LOCK = 0x4C494E4C49


def take_write_lock(conn: Connection) -> None:
    """Wait for the store's write lock; it is held until this transaction ends."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
