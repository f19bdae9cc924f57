"""The real PostgreSQL server for the tests (a pytest plugin, loaded by tests/conftest.py).

LINLI_TEST_PG names the server (`eval "$(bash .ci/pg start)"` starts one and sets it). A test that
uses `pg_url`, `pg_engine` or `pg_empty_url` is marked `postgres`; without LINLI_TEST_PG it skips
with the reason, unless LINLI_REQUIRE_PG=1 (CI sets it): then it fails, so CI can never pass by
skipping them. `pg_url` gives a test a database of its own, copied from a migrated template
(CREATE DATABASE ... TEMPLATE), and dropped after it; a domain test run on the server
(tests/conftest.py's `store`, `store_at`, `run_cli`) reuses a seeded copy, put back after each
test (`Reusable`). Each pytest-xdist worker makes its own
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


#: what a test might change in its database other than rows: tables and their columns, triggers
#: (and whether they are enabled), functions; a database whose schema moved is never reused
_SCHEMA_PRINT = """
SELECT md5(coalesce(string_agg(item, ',' ORDER BY item), '')) FROM (
  SELECT 'r:' || c.relname || ':' || c.relkind::text || ':' || c.relnatts || ':' || c.relchecks AS item
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
  UNION ALL SELECT 't:' || tgname || ':' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL SELECT 'p:' || proname || ':' || md5(prosrc)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
) found
"""


@dataclass
class Reusable:
    """Databases copied once from the seeded template and put back to its contents after each test.

    CREATE DATABASE ... TEMPLATE and DROP DATABASE cost the server 0.15-0.8 s per test on the test
    machine, and TRUNCATE of the store's 30 tables 35-150 ms (a new file for every table and index);
    what costs a few milliseconds instead, in one transaction on a connection kept open for it:
    the test's connections ended (and their session locks with them), DELETE of every table (they
    hold some hundred rows), the template's rows copied back (COPY's text format reads back as it
    was written) and every sequence set where it stood. It runs with triggers off
    (session_replication_role = replica): the store's append-only triggers refuse the DELETE,
    rightly, for the program; here the whole database is returned to a state it had, not edited.
    A database whose schema a test changed (see _SCHEMA_PRINT), or that a test left locked, is
    dropped and a new copy of the template made next time. A test that changes the schema on
    purpose (DDL, roles) takes a database of its own from `pg_url` instead.
    """

    server: PgServer
    template: str
    tables: list[str] = field(default_factory=list)
    rows: dict[str, bytes] = field(default_factory=dict)
    sequences: dict[str, tuple[int, bool]] = field(default_factory=dict)
    schema_print: str = ""
    free: list[str] = field(default_factory=list)
    _conns: dict[str, psycopg.Connection] = field(default_factory=dict)

    def __post_init__(self) -> None:
        with psycopg.connect(self.server.libpq_url(self.template), autocommit=True) as conn:
            self.schema_print = conn.execute(_SCHEMA_PRINT).fetchone()[0]
            self.tables = [r[0] for r in conn.execute(
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
            for table in self.tables:
                with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                    data = b"".join(bytes(block) for block in copy)
                if data:
                    self.rows[table] = data
            for (name,) in conn.execute("SELECT quote_ident(sequencename) FROM pg_sequences "
                                        "WHERE schemaname = 'public'").fetchall():
                last, called = conn.execute(f"SELECT last_value, is_called FROM {name}").fetchone()
                self.sequences[name] = (last, called)

    def take(self) -> str:
        return self.free.pop() if self.free else self.server.create(template=self.template)

    def give_back(self, name: str) -> None:
        if self._put_back(name):
            self.free.append(name)
            return
        self._forget(name)
        self.server.drop(name)  # a test left it in a state we can't undo: a new copy next time

    def close(self) -> None:
        for name in list(self._conns):
            self._forget(name)

    def _forget(self, name: str) -> None:
        conn = self._conns.pop(name, None)
        if conn is not None:
            conn.close()

    def _put_back(self, name: str) -> bool:
        for _attempt in range(2):  # a test that ended every connection of its database ended ours too
            conn = self._conns.get(name)
            if conn is None or conn.closed:
                conn = self._conns[name] = psycopg.connect(self.server.libpq_url(name), autocommit=True)
            try:
                self._reset(conn)
                return True
            except psycopg.OperationalError:
                self._forget(name)
            except psycopg.Error:
                break
        self._forget(name)
        return False

    def _reset(self, conn: psycopg.Connection) -> None:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        if conn.execute(_SCHEMA_PRINT).fetchone()[0] != self.schema_print:
            raise psycopg.errors.DataException("the test changed the schema")
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica; SET LOCAL lock_timeout = '5s'; "
                         + "; ".join(f"DELETE FROM {table}" for table in self.tables))
            for table, data in self.rows.items():
                with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(data)
            conn.execute("SELECT " + ", ".join(f"setval('{name}', {last}, {called})"
                                               for name, (last, called) in self.sequences.items()))


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
