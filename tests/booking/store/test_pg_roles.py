"""The roles docs/shared-store.md sets up work as it says, on a real server, with the SQL of its
blocks as written: the owner migrates without being a superuser, the desks' role writes rows but
can switch no guard off, and on a district's server a compound's desk role reaches its compound only."""
from __future__ import annotations

import itertools
import os
import re
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import URL

from booking.ops import setup
from booking.people import residents
from booking.schedule import bookings
from booking.schedule.bookings import Request
from booking.store.connection import IntegrityError, refusal
from booking.store.errors import DeskError
from booking.store.postgres import migrate
from booking.store.postgres.locking import take_write_lock
from booking.store.postgres.store import ServerStore
from tests.conftest import ADMIN, NOW, server_location

_ROUND = itertools.count()


DOCS = Path(__file__).resolve().parents[3] / "docs" / "shared-store.md"


def documented(block: str, names: dict[str, str], database: str) -> str:
    """The SQL block of docs/shared-store.md after the comment `<!-- roles: BLOCK -->`, with this test's
    role names (roles are the whole server's), its database and a password for each role."""
    found = re.search(rf"<!-- roles: {re.escape(block)} -->\n```sql\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert found is not None, f"docs/shared-store.md has no SQL block 'roles: {block}'"
    sql = found.group(1)
    for documented_name, name in names.items():
        sql = re.sub(rf"\b{documented_name}\b", name, sql)
    sql = re.sub(r"\blinli\b", database, sql)
    return re.sub(r"CREATE ROLE (\w+) LOGIN PASSWORD '…'", r"CREATE ROLE \1 LOGIN PASSWORD 'pw-\1'", sql)


@pytest.fixture
def owned(pg_server, pg_empty_url: URL) -> Iterator[tuple[URL, dict[str, str]]]:
    """An empty database owned by a new owner role (createuser, createdb --owner), set up as step 2 of
    the docs says; yields its URL and the role names to use for the documented ones."""
    suffix = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}_{next(_ROUND)}"
    names = {name: f"{name}_{suffix}" for name in ("linli_owner", "linli_desk", "guidong_01_desk")}
    database = pg_empty_url.database
    assert database is not None
    pg_server.execute(f"CREATE ROLE {names['linli_owner']} LOGIN PASSWORD 'pw-{names['linli_owner']}'")
    pg_server.execute(f'ALTER DATABASE "{database}" OWNER TO {names["linli_owner"]}')
    pg_server.execute(documented("once per database, as postgres", names, database), database=database)
    yield pg_empty_url, names
    pg_server.drop(database)
    for role in reversed(names.values()):
        pg_server.execute(f"DROP ROLE IF EXISTS {role}")


def signed_in(url: URL, role: str) -> URL:
    return url.set(username=role, password=f"pw-{role}")


@pytest.fixture
def roles(pg_server, owned: tuple[URL, dict[str, str]]) -> tuple[URL, URL]:
    """The owner's and the desks' URLs on the database, the desks' role granted as documented for one store."""
    url, names = owned
    assert url.database is not None
    pg_server.execute(documented("one store, as postgres", names, url.database), database=url.database)
    return signed_in(url, names["linli_owner"]), signed_in(url, names["linli_desk"])


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


GUIDONG, XINFU = "guidong_01", "xinfu_02"


def compound_store(url: URL, role: str, schema: str, create: bool = True) -> ServerStore:
    opened = setup.open_ready(server_location(signed_in(url, role).update_query_dict({"schema": schema})),
                              now=NOW, create=create)
    assert isinstance(opened, ServerStore)
    return opened


def test_a_compounds_desk_role_works_in_its_compound_only_and_switches_no_guard_off(
        pg_server, owned: tuple[URL, dict[str, str]]) -> None:
    url, names = owned
    assert url.database is not None
    owner, desk = names["linli_owner"], names["guidong_01_desk"]
    for schema in (GUIDONG, XINFU):  # the owner makes both compounds (init with each URL)
        compound_store(url, owner, schema).close()
    pg_server.execute(documented("one compound of a district, as postgres", names, url.database),
                      database=url.database)
    store = compound_store(url, desk, GUIDONG)  # as the window opens it
    try:
        resident = residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
        booked = bookings.book(store, ADMIN, Request("P001", datetime(2026, 11, 24, 19, 0),
                                                     datetime(2026, 11, 25, 7, 30), resident.id), NOW)
        with pytest.raises(IntegrityError) as clash, store.write():  # btree_gist's guard, no USAGE on public
            store.sql("INSERT INTO booking(resource_id, household_id, resident_id, start_at, end_at, status, "
                      "visitor, pass_rev) SELECT resource_id, household_id, resident_id, '2026-11-25 06:00', "
                      "'2026-11-25 08:00', 'booked', 0, 1 FROM booking WHERE id = :id", id=booked.id)
        assert refusal(clash.value) == "booking_clash"
        raw = store.raw
        for statement, state in (("DELETE FROM audit", "LN001"),
                                 ("ALTER TABLE audit DISABLE TRIGGER USER", "42501"),
                                 ("CREATE TABLE guidong_01.extra (x int)", "42501"),
                                 ("SELECT count(*) FROM xinfu_02.booking", "42501"),
                                 ("CREATE SCHEMA guidong_09", "42501"),
                                 ("SET session_replication_role = replica", "42501")):
            with pytest.raises(psycopg.Error) as caught:
                raw.execute(statement)
            assert caught.value.sqlstate == state, statement
    finally:
        store.close()
    with pytest.raises(DeskError) as other:  # another compound's URL
        compound_store(url, desk, XINFU)
    assert (other.value.code, other.value.key) == ("store", "pg_store_schema_denied")
    assert XINFU in other.value.message("en") and desk in other.value.message("zh")
    with pytest.raises(DeskError) as missing:  # a compound nobody made: the desk may not make it
        compound_store(url, desk, "guidong_09")
    assert (missing.value.code, missing.value.key) == ("not_found", "pg_store_missing")


def test_a_desk_role_told_to_migrate_names_the_migrations_and_the_owner_applies_them(
        pg_server, owned: tuple[URL, dict[str, str]]) -> None:
    url, names = owned
    assert url.database is not None
    owner, desk = names["linli_owner"], names["guidong_01_desk"]
    compound_store(url, owner, GUIDONG).close()
    pg_server.execute(documented("one compound of a district, as postgres", names, url.database),
                      database=url.database)
    newest = migrate.NAMES[-1]
    engine = sa.create_engine(signed_in(url, owner), poolclass=sa.NullPool)
    with engine.begin() as conn:  # as a store a version behind this program looks
        conn.execute(text(f"DELETE FROM {GUIDONG}._linli_migrations WHERE name = :n"), {"n": newest})
    with pytest.raises(DeskError) as denied:
        compound_store(url, desk, GUIDONG, create=False)
    assert (denied.value.code, denied.value.key) == ("store", "pg_store_migrate_denied")
    assert newest in denied.value.message("en") and desk in denied.value.message("en")
    with engine.begin() as conn:  # the owner's start would apply it (here: put the record back)
        conn.execute(text(f"INSERT INTO {GUIDONG}._linli_migrations VALUES (:n, "
                          f"(SELECT count(*) + 1 FROM {GUIDONG}._linli_migrations), '2026-11-24 10:00:00')"),
                     {"n": newest})
    engine.dispose()
    compound_store(url, desk, GUIDONG, create=False).close()


def test_a_desk_role_that_starts_while_the_owner_migrates_waits_and_then_opens_the_migrated_store(
        pg_server, owned: tuple[URL, dict[str, str]]) -> None:
    url, names = owned
    assert url.database is not None
    owner, desk = names["linli_owner"], names["guidong_01_desk"]
    compound_store(url, owner, GUIDONG).close()
    pg_server.execute(documented("one compound of a district, as postgres", names, url.database),
                      database=url.database)
    newest = migrate.NAMES[-1]
    engine = sa.create_engine(signed_in(url, owner).update_query_dict({"options": f"-csearch_path={GUIDONG}"}),
                              poolclass=sa.NullPool)
    with engine.begin() as conn:  # a store a version behind: the desk will find a migration pending
        conn.execute(text("DELETE FROM _linli_migrations WHERE name = :n"), {"n": newest})
    opened: list[object] = []
    with engine.connect() as conn:
        conn.begin()
        take_write_lock(conn)  # the owner's start, migrating (here: putting the record back)
        conn.execute(text("INSERT INTO _linli_migrations VALUES (:n, "
                          "(SELECT count(*) + 1 FROM _linli_migrations), '2026-11-24 10:00:00')"), {"n": newest})
        desk_start = threading.Thread(target=lambda: opened.append(_open_or_error(url, desk)))
        desk_start.start()
        while desk_start.is_alive() and not conn.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())")).scalar():
            desk_start.join(0.05)  # until the desk waits for the owner's write lock
        conn.commit()
    desk_start.join()
    engine.dispose()
    assert len(opened) == 1, opened
    if isinstance(opened[0], DeskError):  # a loaded server may answer 'busy, try again': the desk's start says so
        assert opened[0].key == "store_busy", opened  # never 'may not migrate'
        opened[0] = _open_or_error(url, desk)  # and trying again opens the migrated store
    assert isinstance(opened[0], ServerStore), opened
    opened[0].close()


def _open_or_error(url: URL, role: str) -> object:
    try:
        return compound_store(url, role, GUIDONG, create=False)
    except DeskError as err:
        return err
