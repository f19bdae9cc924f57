"""The real PostgreSQL server for the tests (a pytest plugin, loaded by tests/conftest.py).

LINLI_TEST_PG names the server (`eval "$(bash .ci/pg start)"` starts one and sets it). A test that
uses `pg_url`, `pg_engine` or `pg_empty_url` is marked `postgres`; without LINLI_TEST_PG it skips
with the reason, unless LINLI_REQUIRE_PG=1 (CI sets it): then it fails, so CI can never pass by
skipping them. Each test gets a database of its own, copied from a migrated template
(CREATE DATABASE ... TEMPLATE), and dropped after it. Each pytest-xdist worker makes its own
template, so workers never wait for each other; the names carry the worker and the process id,
so a crashed run's leftovers never collide with a new one.
"""
from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from booking.store.postgres import migrate

URL_ENV = "LINLI_TEST_PG"
REQUIRE_ENV = "LINLI_REQUIRE_PG"
MARK = "postgres"
#: the time the template's migrations are stamped with (tests never read the wall clock)
MIGRATED_AT = datetime(2026, 11, 24, 10, 0)
_FIXTURES = {"pg_server", "pg_url", "pg_engine", "pg_empty_url"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARK}: runs on the PostgreSQL test server ({URL_ENV}, see .ci/pg)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(MARK)


@dataclass
class PgServer:
    """The test server: its URL (as the superuser), and the migrated template of this worker."""

    url: URL
    template: str
    _admin: sa.Engine
    _names: Iterator[int] = field(default_factory=itertools.count)

    def execute(self, sql: str, database: str | None = None) -> None:
        """Run `sql` as the superuser (on the server's first database, or on `database`), autocommitted."""
        if database is None:
            with self._admin.connect() as conn:
                conn.exec_driver_sql(sql)
            return
        engine = sa.create_engine(self.database_url(database), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        with engine.connect() as conn:
            conn.exec_driver_sql(sql)
        engine.dispose()

    def database_url(self, name: str) -> URL:
        return self.url.set(database=name)

    def create(self, template: str | None = None) -> str:
        """A new database copied from the migrated template (or from `template`); returns its name."""
        name = f"{self.template}_{next(self._names)}"
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template or self.template}"')
        return name

    def drop(self, name: str) -> None:
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def libpq_url(self, name: str) -> str:
        return self.database_url(name).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass
class Contents:
    """Every row of a database's tables (COPY's text format, which reads back as it was written)
    and where each sequence stood: what `Reusable.reset` puts back."""

    tables: list[str]
    rows: dict[str, bytes]
    sequences: dict[str, tuple[int, bool]]

    @classmethod
    def of(cls, url: str) -> Contents:
        with psycopg.connect(url, autocommit=True) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables "
                "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') "
                "ORDER BY 1")]
            rows = {}
            for table in tables:
                with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                    rows[table] = b"".join(bytes(block) for block in copy)
            sequences = {}
            for (name,) in conn.execute(
                    "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) FROM pg_sequences").fetchall():
                last, called = conn.execute(f"SELECT last_value, is_called FROM {name}").fetchone()
                sequences[name] = (last, called)
        return cls(tables, {t: data for t, data in rows.items() if data}, sequences)


@dataclass
class Reusable:
    """Databases copied once from the seeded template and put back to its contents after each test.

    CREATE DATABASE copies the whole catalogue (about 8 MB) and costs 0.3-0.8 s of the server on the
    test machine; emptying the tables and copying the template's rows back costs a few tens of
    milliseconds. What a test leaves behind is undone: its rows, its sequences, its connections
    (ended), its session locks (with them). A test that changes the schema itself (DDL, roles)
    takes a database of its own from `pg_url` instead.
    """

    server: PgServer
    template: str
    contents: Contents
    free: list[str] = field(default_factory=list)

    def take(self) -> str:
        return self.free.pop() if self.free else self.server.create(template=self.template)

    def give_back(self, name: str) -> None:
        try:
            self.reset(name)
        except psycopg.Error:
            self.server.drop(name)  # a test left it in a state we can't undo: a new copy next time
            return
        self.free.append(name)

    def reset(self, name: str) -> None:
        self.server.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
        with psycopg.connect(self.server.libpq_url(name), autocommit=True) as conn:
            now_there = [r[0] for r in conn.execute(
                "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables "
                "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') "
                "ORDER BY 1")]
            if now_there != self.contents.tables:
                raise psycopg.errors.DataException(f"the tables changed: {now_there}")
            with conn.transaction():
                conn.execute("SET LOCAL session_replication_role = replica")  # no triggers while rows go back
                conn.execute("SET LOCAL lock_timeout = '5s'")
                conn.execute(f"TRUNCATE {', '.join(self.contents.tables)}")
                for table, data in self.contents.rows.items():
                    with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                        copy.write(data)
                for sequence, (last, called) in self.contents.sequences.items():
                    conn.execute("SELECT setval(%s, %s, %s)", (sequence, last, called))


def server_url() -> URL | None:
    """The test server's SQLAlchemy URL (psycopg 3 driver), or None when LINLI_TEST_PG is unset."""
    raw = os.environ.get(URL_ENV, "").strip()
    if not raw:
        return None
    return make_url(raw).set(drivername="postgresql+psycopg")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    url = server_url()
    if url is None:
        reason = (f"no PostgreSQL test server: {URL_ENV} is unset "
                  f"(start one with: eval \"$(bash .ci/pg start)\")")
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    template = f"linli_test_{worker}_{os.getpid()}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{template}" TEMPLATE template0 ENCODING \'UTF8\'')
    migrating = sa.create_engine(url.set(database=template), poolclass=sa.NullPool)
    with migrating.connect() as conn:
        migrate.migrate(conn, MIGRATED_AT)
    migrating.dispose()  # a template must have no connections while it is copied
    server = PgServer(url, template, admin)
    yield server
    for name in _leftovers(admin, template):
        server.drop(name)
    server.drop(template)
    admin.dispose()


def _leftovers(admin: sa.Engine, template: str) -> list[str]:
    with admin.connect() as conn:
        return list(conn.execute(sa.text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                                 {"p": template.replace("_", r"\_") + r"\_%"}).scalars())


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[URL]:
    """The URL of a fresh, migrated, empty database of this test's own, dropped after it."""
    name = pg_server.create()
    yield pg_server.database_url(name)
    pg_server.drop(name)


@pytest.fixture
def pg_empty_url(pg_server: PgServer) -> Iterator[URL]:
    """The URL of a fresh database with no migrations at all (from template0), dropped after the test."""
    name = pg_server.create(template="template0")
    yield pg_server.database_url(name)
    pg_server.drop(name)


@pytest.fixture
def pg_engine(pg_url: URL) -> Iterator[sa.Engine]:
    """An engine on this test's own migrated database."""
    engine = sa.create_engine(pg_url, poolclass=sa.NullPool)
    yield engine
    engine.dispose()
