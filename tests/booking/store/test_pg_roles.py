"""The roles docs/shared-store.md sets up work as it says, on a real server: the owner migrates
without being a superuser, and the desks' role writes rows but can switch no guard off."""
from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import datetime

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import URL

from booking.store.postgres import migrate
from booking.store.postgres.locking import take_write_lock

_ROUND = itertools.count()


@pytest.fixture
def roles(pg_server, pg_empty_url: URL) -> Iterator[tuple[URL, URL]]:
    """The owner's and the desks' URLs on an empty database owned by the owner, granted as documented."""
    suffix = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}_{next(_ROUND)}"
    owner, desk = f"linli_owner_{suffix}", f"linli_desk_{suffix}"
    database = pg_empty_url.database
    assert database is not None
    for role in (owner, desk):
        pg_server.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw-{role}'")
    pg_server.execute(f'ALTER DATABASE "{database}" OWNER TO {owner}')
    pg_server.execute(
        "REVOKE ALL ON SCHEMA public FROM PUBLIC;"
        f"GRANT USAGE ON SCHEMA public TO {desk};"
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {desk};"
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {desk};",
        database=database)
    yield (pg_empty_url.set(username=owner, password=f"pw-{owner}"),
           pg_empty_url.set(username=desk, password=f"pw-{desk}"))
    pg_server.drop(database)
    for role in (desk, owner):
        pg_server.execute(f"DROP ROLE IF EXISTS {role}")


def sqlstate(conn: sa.Connection, sql: str) -> str | None:
    with pytest.raises(sa.exc.DBAPIError) as caught:
        conn.execute(text(sql))
    conn.rollback()
    assert isinstance(caught.value.orig, psycopg.Error)
    return caught.value.orig.sqlstate


def test_the_owner_migrates_without_being_a_superuser_and_the_desk_writes_but_switches_no_guard_off(
        roles: tuple[URL, URL]) -> None:
    owner_url, desk_url = roles
    owner = sa.create_engine(owner_url, poolclass=sa.NullPool)
    with owner.connect() as conn:
        assert not conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
        conn.rollback()
        assert migrate.migrate(conn, datetime(2026, 11, 24, 10, 0)) == list(migrate.NAMES)  # btree_gist too
    owner.dispose()
    desk = sa.create_engine(desk_url, poolclass=sa.NullPool)
    with desk.connect() as conn:
        with conn.begin():
            take_write_lock(conn)
            conn.execute(text("INSERT INTO household (door, building, unit, room) VALUES ('1栋1单元101', 1, 1, 101)"))
            conn.execute(text("INSERT INTO audit (at, actor, action, entity) "
                              "VALUES ('2026-11-24 10:00:00', 'desk', 'add', 'household')"))
        assert sqlstate(conn, "DELETE FROM audit") == "LN001"
        assert sqlstate(conn, "ALTER TABLE audit DISABLE TRIGGER USER") == "42501"  # must be owner
        assert sqlstate(conn, "DROP TABLE audit") == "42501"
        assert sqlstate(conn, "SET session_replication_role = replica") == "42501"  # triggers off: superuser only
    desk.dispose()
