"""The store: migrations recorded in the file, WAL, foreign keys, refusing what it must."""
from __future__ import annotations

from datetime import datetime

import sqlite3
from pathlib import Path

import pytest

from booking.ops import setup
from booking.store import schema
from booking.store.errors import DeskError
from booking.store.connection import open_store

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


def test_new_store_records_every_migration(store):
    applied = [m.name for m in schema.MIGRATIONS.applied(store.db)]
    assert applied == [m.name for m in schema.MIGRATIONS._migrations]


def test_store_uses_wal_and_foreign_keys(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_a_store_applies_nothing_twice(store_path):
    setup.open_ready(store_path, now=NOW).close()
    again = setup.open_ready(store_path, now=NOW)
    names = [m.name for m in schema.MIGRATIONS.applied(again.db)]
    assert len(names) == len(set(names))
    assert again.conn.execute("SELECT count(*) FROM resource").fetchone()[0] == 117
    again.close()


def test_an_older_store_is_migrated_on_open(store_path):
    old = open_store(store_path, migrate=False)
    schema.MIGRATIONS.apply(old.db, stop_before="0002_passes_scans")
    assert "pass_key" not in old.db.table_names()
    old.close()
    migrated = open_store(store_path)
    assert "pass_key" in migrated.db.table_names()
    migrated.close()


def test_a_store_from_a_newer_version_is_refused(store_path):
    setup.open_ready(store_path, now=NOW).close()
    conn = sqlite3.connect(store_path)
    conn.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES ('linli', '9999_future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(DeskError) as err:
        open_store(store_path)
    assert err.value.code == "store"
    assert "更新版本" in err.value.message("zh")


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"shopping list: rice, eggs\n" * 20)
    before = path.read_bytes()
    with pytest.raises(DeskError) as err:
        open_store(path)
    assert err.value.code == "store"
    assert path.read_bytes() == before


def test_a_folder_that_cannot_be_made_gives_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DeskError) as err:
        open_store(blocker / "sub" / "desk.sqlite3")
    assert err.value.code == "store"


def test_bookings_cannot_be_deleted(store, resident, admin, now):
    from booking.schedule import bookings
    b = bookings.book(store, admin, bookings.Request("P001", now.replace(hour=19), now.replace(day=25, hour=7),
                                                    resident.id), now)
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("DELETE FROM booking WHERE id = ?", (b.id,))


def test_the_longest_booking_is_written_only_when_a_booking_is_longer(store, resident, admin, now):
    """longest_minutes bounds how far back a query looks for bookings reaching a moment; since 0014
    it is rewritten only by a booking longer than any the resource has had (the server: test_pg_invariants)."""
    from booking.schedule import bookings
    store.conn.execute("CREATE TEMP TABLE resource_writes(id INTEGER)")
    store.conn.execute("CREATE TEMP TRIGGER resource_written AFTER UPDATE ON resource "
                       "BEGIN INSERT INTO resource_writes VALUES (NEW.id); END")

    def book(start: str, end: str) -> tuple[int, int]:
        bookings.book(store, admin, bookings.Request("P002", datetime.fromisoformat(start),
                                                     datetime.fromisoformat(end), resident.id), now)
        return (store.conn.execute("SELECT longest_minutes FROM resource WHERE code = 'P002'").fetchone()[0],
                store.conn.execute("SELECT count(*) FROM resource_writes").fetchone()[0])

    assert book("2026-11-24 19:00", "2026-11-25 07:00") == (720, 1)
    assert book("2026-11-25 19:00", "2026-11-25 21:00") == (720, 1)  # shorter: not written
    assert book("2026-11-26 19:00", "2026-11-27 08:00") == (780, 2)
