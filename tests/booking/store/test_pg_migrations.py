"""The PostgreSQL store's migrations: SQLite's names in SQLite's order, recorded, applied once, and
a store from a newer version refused; and rows read back with SQLite's exact Python values."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlite_utils import Database

from booking.store.errors import DeskError
from booking.store.paths import resource_path
from booking.store.postgres import migrate
from booking.store.schema import MIGRATIONS

NOW = datetime(2026, 11, 24, 10, 0)


def sqlite_names() -> list[str]:
    db = Database(memory=True)
    MIGRATIONS.apply(db)
    return [row[0] for row in db.execute("SELECT name FROM _sqlite_migrations ORDER BY id").fetchall()]


def test_the_migrations_are_sqlites_in_sqlites_order() -> None:
    assert list(migrate.NAMES) == sqlite_names()


def test_each_migration_has_its_script_and_there_is_no_other() -> None:
    scripts = sorted(path.stem for path in resource_path("postgres").glob("*.sql"))
    assert scripts == sorted(migrate.NAMES)


def test_an_empty_database_is_migrated_once_and_the_migrations_are_recorded(pg_empty_url: URL) -> None:
    engine = sa.create_engine(pg_empty_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        assert migrate.migrate(conn, NOW) == list(migrate.NAMES)
    with engine.connect() as conn:
        assert migrate.migrate(conn, NOW) == []
        recorded = conn.execute(text("SELECT name, applied_at FROM _linli_migrations ORDER BY applied_order")).all()
        # 0005 seeds the tariff defaults, as SQLite's does
        assert conn.execute(text("SELECT count(*) FROM tariff")).scalar() > 0
    engine.dispose()
    assert [name for name, _ in recorded] == list(migrate.NAMES)
    assert {at for _, at in recorded} == {"2026-11-24 10:00:00"}


def test_a_store_written_by_a_newer_version_is_refused(pg_engine: sa.Engine) -> None:
    with pg_engine.connect() as conn:
        conn.execute(text("INSERT INTO _linli_migrations (name, applied_order, applied_at) "
                          "VALUES ('0099_future', 99, '2030-01-01 00:00:00')"))
        conn.commit()
        with pytest.raises(DeskError) as caught:
            migrate.migrate(conn, NOW)
    assert caught.value.code == "store"
    assert "0099_future" in caught.value.message("en")


def test_a_failing_migration_leaves_the_store_as_it_was(pg_empty_url: URL, monkeypatch: pytest.MonkeyPatch) -> None:
    real = migrate.script

    def broken(name: str) -> str:
        return real(name) + ("\nSELECT 1/0;" if name == "0007_holidays" else "")

    monkeypatch.setattr(migrate, "script", broken)
    engine = sa.create_engine(pg_empty_url, poolclass=sa.NullPool)
    with engine.connect() as conn, pytest.raises(sa.exc.DataError):
        migrate.migrate(conn, NOW)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('booking')")).scalar() is None
        assert migrate.applied(conn) == []
    engine.dispose()


BOOKING = {
    "resource_id": 1, "household_id": 1, "resident_id": 1, "plate": "川A12345",
    "start_at": "2026-11-24 10:00", "end_at": "2026-11-24 12:00", "status": "checked_in",
    "checked_in_at": "2026-11-24 10:02:31", "override_reason": None, "pass_nonce": 123456789,
}


def test_a_row_reads_back_with_the_same_python_values_on_both_engines(pg_engine: sa.Engine, tmp_path: Path) -> None:
    inserts = [
        "INSERT INTO household (id, door, building, unit, room) VALUES (1, '3栋2单元501', 3, 2, 501)",
        "INSERT INTO resident (id, household_id, name, phone, phone_tail) VALUES (1, 1, '张三', '138', '0000')",
        "INSERT INTO resource (id, code, kind, name_zh, name_en, area_m2) "
        "VALUES (1, 'P001', 'parking', '车位1', 'Space 1', 12.5)",
        "INSERT INTO pass_key (kid, secret, created_at) VALUES (1, :secret, '2026-11-24 10:00:00')",
        f"INSERT INTO booking ({', '.join(BOOKING)}) VALUES ({', '.join(':' + k for k in BOOKING)})",
    ]
    params = {"secret": bytes(range(32)), **BOOKING}
    sqlite = sa.create_engine(f"sqlite:///{tmp_path / 'same.sqlite3'}")
    with sqlite.begin() as conn:
        MIGRATIONS.apply(Database(conn.connection.driver_connection))
    rows = {}
    for name, engine in (("sqlite", sqlite), ("postgresql", pg_engine)):
        with engine.begin() as conn:
            for sql in inserts:
                conn.execute(text(sql), params)
            rows[name] = [
                conn.execute(text(f"SELECT * FROM {table} ORDER BY 1")).mappings().all()
                for table in ("booking", "resource", "pass_key")
            ]
    sqlite.dispose()
    def typed(found: list[list[Any]]) -> list[list[dict[str, tuple[str, Any]]]]:
        return [[{k: (type(v).__name__, v) for k, v in row.items()} for row in table] for table in found]

    assert typed(rows["postgresql"]) == typed(rows["sqlite"])
