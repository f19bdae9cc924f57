"""Shared fixtures: a fresh real store in a temporary folder, a fixed clock, actors."""
from __future__ import annotations

import io
import json
import os
import shutil
from datetime import datetime
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["LINLI_LANG"] = "zh"

from booking import cli
from booking.ops import setup
from booking.people import residents
from booking.store import i18n, location  # noqa: E402
from booking.store.audit import Actor  # noqa: E402
from booking.store.connection import Store  # noqa: E402

# The PostgreSQL test server: a fresh migrated database per test (tests/pgserver.py, .ci/pg).
pytest_plugins = ["pgserver"]

NOW = datetime(2026, 11, 24, 10, 0)
ADMIN = Actor("管理员甲", "admin")
CLERK = Actor("值班员乙", "clerk")


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test ever touches the real application-data folder; Chinese by default."""
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path_factory.mktemp("appdata")))
    monkeypatch.delenv("LINLI_DB", raising=False)  # nor a store a developer's shell names
    i18n.set_language("zh")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "desk.sqlite3"


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated, seeded store per test process, made once by the program's own first start.

    Migrating and seeding costs about 0.12 s; copying the closed file costs about 5 ms. Each
    test gets its own copy, so no test sees another's writes. Tests of the first start itself
    (init, migrations, seeding) call setup.open_ready on a new path instead.
    """
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    setup.open_ready(path, now=NOW).close()
    # Closed cleanly, the store is one file: WAL checkpointed, no -wal or -shm left beside it.
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert not leftovers, f"the template store left {leftovers} beside it"
    return path


def copy_template(template: Path, target: Path) -> None:
    """Put a private copy of the template store at `target` (which nothing has open)."""
    shutil.copyfile(template, target)


#: Put on a test module (`pytestmark = TWO_ENGINES`) or a test: each of its tests that uses `store`,
#: `store_at` or `run_cli` then runs on each engine in turn (the `engine` fixture), the SQLite file
#: and a database of its own on the PostgreSQL test server (marked `postgres`). `store`, `store_at`
#: and `run_cli` are then one store: what a command wrote, the test's `store` reads.
ENGINES = ("sqlite", "postgres")
TWO_ENGINES = pytest.mark.two_engines


def sqlite_only(reason: str) -> pytest.MarkDecorator:
    """Keep a test of a TWO_ENGINES module on the SQLite file alone, saying why (file damage, WAL,
    PRAGMA, a missing file: things only an embedded store has)."""
    return pytest.mark.sqlite_only(reason=reason)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (pyproject's addopts): one worker more than the cores. A good part of the suite waits,
    not computes: on app.py processes, the PostgreSQL server, Qt's event loop and the racing desks. On
    the 2-core machine the whole suite took 4 min 39 s with 2 workers and 3 min 39 s with 3."""
    return (os.cpu_count() or 1) + 1


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "two_engines: the test's `store` is each engine's in turn (tests/conftest.py)")
    config.addinivalue_line("markers", "sqlite_only(reason): a test of a two_engines module about SQLite itself")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if ("engine" in metafunc.fixturenames and metafunc.definition.get_closest_marker("two_engines")
            and not metafunc.definition.get_closest_marker("sqlite_only")):
        metafunc.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The engine of this test's store: "sqlite" unless the test is parametrised by TWO_ENGINES."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_template_store(pg_server: Any) -> str:
    """A database on the test server seeded by the program's own first start, as `template_store` is."""
    name = pg_server.create()
    seeded = setup.open_ready(server_location(pg_server.database_url(name)), now=NOW)
    seeded.close()
    return name


def server_location(url: Any) -> location.StoreServer:
    """The checked location (as --db reads it) of a SQLAlchemy URL on the test server."""
    found = location.parse(url.set(drivername="postgresql").render_as_string(hide_password=False))
    assert isinstance(found, location.StoreServer)
    return found


@pytest.fixture(scope="session")
def reusable_stores(pg_server: Any, pg_template_store: str) -> Iterator[Any]:
    """This worker's copies of the seeded template, put back after each test (tests/pgserver.py)."""
    from tests.pgserver import Reusable
    stores = Reusable(pg_server, pg_template_store)
    yield stores
    stores.close()


@pytest.fixture
def server_store(pg_server: Any, reusable_stores: Any) -> Iterator[location.StoreServer]:
    """A seeded store on the PostgreSQL test server, of this test's own: a copy of the template,
    as it was made by the program's first start (tests/pgserver.py, `Reusable`)."""
    name = reusable_stores.take()
    yield server_location(pg_server.database_url(name))
    reusable_stores.give_back(name)


@pytest.fixture
def store_at(request: pytest.FixtureRequest, engine: str, store_path: Path) -> Path | location.StoreServer:
    """Where this test's store is, as `setup.open_ready` and --db take it: the file `store_path`
    (made by `store` or `run_cli`, not by this), or this test's seeded database on the server."""
    if engine == "postgres":
        return request.getfixturevalue("server_store")
    return store_path


@pytest.fixture
def store(engine: str, store_at: Path | location.StoreServer, template_store: Path) -> Iterator[Store]:
    """A migrated, seeded store of its own: a copy of the template in a temporary file, or, for a
    test parametrised by engine (TWO_ENGINES), a copy of the seeded template on the PostgreSQL server."""
    if isinstance(store_at, Path):
        copy_template(template_store, store_at)
    opened = setup.open_ready(store_at, now=NOW)
    yield opened
    opened.close()


def db_arg(where: Path | location.StoreServer) -> str:
    """`where` as --db takes it: the file's path, or the server's URL with its password."""
    return str(where) if isinstance(where, Path) else where.url()


def _mark_server_runs(items: list[pytest.Item]) -> None:
    """A test run on the server is a PostgreSQL test (-m postgres selects it), and a slow one: its
    database and connections cost the server 0.1-0.3 s of CPU each, so -m "not slow" leaves them out."""
    from tests.pgserver import _FIXTURES
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("engine") == "postgres":
            item.add_marker("postgres")
            item.add_marker(pytest.mark.slow)
        elif _FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def admin() -> Actor:
    return ADMIN


@pytest.fixture
def clerk() -> Actor:
    return CLERK


@pytest.fixture
def resident(store: Store) -> residents.Resident:
    """张三丰 of 3栋2单元501 with one car."""
    return residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)


@pytest.fixture
def neighbour(store: Store) -> residents.Resident:
    return residents.add(store, ADMIN, "李四", "5栋1单元302", "13987654321", "川AD12345", now=NOW)


class CliResult:
    def __init__(self, code: int, text: str) -> None:
        self.code = code
        self.text = text

    @property
    def json(self) -> Any:
        return json.loads(self.text)


@pytest.fixture
def run_cli(store_at: Path | location.StoreServer, template_store: Path):
    """Run a headless command in-process against the test store (the one `store` opens); --json is added.

    Commands other than `init` refuse a missing store, so the store is made first (as an
    installation's `init` would) unless the test asks for `make_store=False`. On the server the
    test's database is there, seeded, from the start.
    """
    def run(*args: str, now: str | None = "2026-11-24 10:00", make_store: bool = True) -> CliResult:
        if (make_store and args and args[0] != "init" and isinstance(store_at, Path)
                and not store_at.exists()):
            copy_template(template_store, store_at)
        argv = ["--db", db_arg(store_at)] + (["--now", now] if now else []) + list(args) + ["--json"]
        out = io.StringIO()
        code = cli.run(argv, out)
        return CliResult(code, out.getvalue())
    return run


@pytest.fixture(scope="session", autouse=True)
def _empty_clipboard_at_exit():
    """Qt's offscreen clipboard crashes the interpreter at exit (SIGSEGV, PySide6 6.11.3) if it
    still holds data a test copied; empty it before Python shuts down. A real desktop's
    clipboard belongs to the system and keeps what the clerk copied."""
    yield
    import sys
    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication
        if QApplication.instance() is not None:
            QApplication.clipboard().clear()


@pytest.hookimpl(tryfirst=True)  # before -m deselects by the marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of tests/slow_list.py `slow`, and start the slow ones first, longest first."""
    _mark_server_runs(items)
    from tests.slow_list import SLOW
    rank = {name: n for n, name in enumerate(SLOW)}
    seen = set()
    for item in items:
        name = getattr(item, "originalname", item.name)
        if name in rank:
            item.add_marker(pytest.mark.slow)
            seen.add(name)
    everything = not config.args or [Path(a).resolve() for a in config.args] == [Path(config.rootpath, "tests")]
    if everything and not config.option.keyword and set(rank) - seen:
        raise pytest.UsageError(f"tests/slow_list.py names tests that no longer exist: {sorted(set(rank) - seen)}")
    late = len(SLOW)
    items.sort(key=lambda item: rank.get(getattr(item, "originalname", item.name),
                                         late if item.get_closest_marker("slow") else late + 1))
