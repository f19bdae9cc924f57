"""One writer at a time on a PostgreSQL store, as SQLite's BEGIN IMMEDIATE gives on the file.

Every write transaction takes the transaction-level advisory lock of its store first
(`pg_advisory_xact_lock`): the read-then-write rules (per-household quotas, waitlist offers,
ledger month closing, the time-bank balance) then run as they do on SQLite, one desk after
another, and the lock goes with the commit or rollback, so a desk that dies mid-write holds
nothing. Readers take no lock and see the last committed state. SERIALIZABLE with retries would
let unrelated writes run together, but a desk writes a few rows per clerk action, so the simpler
rule that cannot be wrong was chosen. The exclusion constraint on bookings is the database's own
guard against overlaps, lock or not.

A store is one schema: on a district's server each compound has its own (`?schema=` in the URL),
and its own lock, so one compound's writes never wait for another's. The store in `public` (a
URL without a schema, every database made before districts) keeps the key it always had.
"""
from __future__ import annotations

import zlib

from sqlalchemy import Connection, text

#: The key of the write lock of the store in `public`: "LINLI" in ASCII, so it reads plainly in
#: pg_locks (classid 0x4C, objid 0x494E4C49).
WRITE_LOCK = 0x4C494E4C49
#: The high half of a compound's key: "LINL", so pg_locks shows classid 0x4C494E4C (1279872588)
#: and, as objid, the CRC-32 of the compound's schema name.
COMPOUND_LOCKS = 0x4C494E4C


def write_lock_key(schema: str | None) -> int:
    """The write lock of the store in `schema` (None or 'public': the database's own store).

    Two compounds whose names share a CRC-32 (about one pair in a million among 85 compounds) would
    share a lock: their writes would take turns, which is slower, never wrong.
    """
    if schema is None or schema == "public":
        return WRITE_LOCK
    return (COMPOUND_LOCKS << 32) | zlib.crc32(schema.encode("utf-8"))


def take_write_lock(conn: Connection) -> None:
    """Wait for the write lock of the store `conn` is on (its current schema); held until this transaction ends."""
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": write_lock_key(schema)})
