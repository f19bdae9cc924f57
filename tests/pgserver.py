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
class Reused:
    """A database put back to a seeded start before each test, instead of copied from the template.

    CREATE DATABASE ... TEMPLATE and DROP DATABASE cost the server about 0.3 s of CPU per test;
    emptying the tables and loading the rows the seeded start had back costs about a tenth of
    that. The put-back runs with triggers off (session_replication_role = replica): the store's
    append-only triggers refuse TRUNCATE, rightly, for the program; here the whole database is
    returned to a state it had, not edited. A database whose schema a test changed (see
    _SCHEMA_PRINT), or that a test left locked, is dropped and a new copy of the template made.
    """

    server: PgServer
    template: str
    name: str = ""
    _rows: dict[str, bytes] = field(default_factory=dict)
    _sequences: list[tuple[str, int | None]] = field(default_factory=list)
    _print: str = ""

    def fresh(self) -> str:
        """The name of a database holding exactly the template's seeded start, for one test."""
        if self.name and not self._put_back():
            self.server.drop(self.name)
            self.name = ""
        if not self.name:
            self.name = self.server.create(template=self.template)
            self._remember()
        return self.name

    def _connect(self):  # a psycopg connection of its own, closed after use
        import psycopg
        url = self.server.database_url(self.name).set(drivername="postgresql")
        return psycopg.connect(url.render_as_string(hide_password=False))

    def _remember(self) -> None:
        with self._connect() as conn, conn.cursor() as cur:
            self._print = cur.execute(_SCHEMA_PRINT).fetchone()[0]
            tables = [r[0] for r in cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                                "ORDER BY tablename")]
            self._rows = {}
            for table in tables:
                with cur.copy(f'COPY "{table}" TO STDOUT') as copy:
                    self._rows[table] = b"".join(bytes(chunk) for chunk in copy)
            self._sequences = [(r[0], r[1]) for r in cur.execute(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value "
                "FROM pg_sequences WHERE schemaname = 'public'")]

    def _put_back(self) -> bool:
        try:
            with self._connect() as conn, conn.cursor() as cur:
                cur.execute("SET lock_timeout = '2s'")
                # as DROP DATABASE ... WITH (FORCE) would: no connection a test left open sees the put-back
                cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                if cur.execute(_SCHEMA_PRINT).fetchone()[0] != self._print:
                    return False
                cur.execute("SET session_replication_role = replica")
                cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in self._rows) + " RESTART IDENTITY")
                for table, data in self._rows.items():
                    if data:
                        with cur.copy(f'COPY "{table}" FROM STDIN') as copy:
                            copy.write(data)
                for sequence, value in self._sequences:
                    if value is None:
                        cur.execute("SELECT setval(%s, 1, false)", (sequence,))
                    else:
                        cur.execute("SELECT setval(%s, %s, true)", (sequence, value))
                cur.execute("SET session_replication_role = DEFAULT")
            return True
        except Exception:  # noqa: BLE001 - locked, or gone: a new copy instead
            return False


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
