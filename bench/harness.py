"""The bench's harness: the results table, timing, the demo stores, free slots, and the window probes.

Everything a figure needs but does not time: `FIGURES` collects the samples (`record`,
`missing`), `timed` takes one, `build_store` makes or reuses a demo store and its scratch copy,
`Slots` and `fresh_bookings` find free places for new bookings, `offscreen_app` is the one Qt
application of this process, and `run_probe`/`run_program` start the window in a fresh process
through a small spawner (`SPAWNER_PROC`, started by bench/run.py while its process is small).
`guarded` runs one part of the bench, writing a failure into the table instead of stopping.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from booking.store.schema import ACTIVE  # the statuses that hold a space, as the store defines them

ROOT = Path(__file__).resolve().parents[1]

OUT = ROOT / "bench" / "out"
NOW = datetime(2026, 11, 24, 10, 0)   # the demo stores' "now": fixed, so the stores are reproducible
SEED = 20201022
#: Bump when the bench's own preparation of the stores changes (the demo code is hashed anyway).
STORE_FORMAT = 1
#: Files whose content decides what a demo store holds; a change rebuilds the stores.
STORE_INPUTS = ("booking/ops/demo.py", "booking/store/schema.py", "booking/places/inventory.py",
                "booking/policy/rules.py", "resources/inventory.json", "resources/rules.json")
FILL_TARGET_S = 120.0

# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------

@dataclass
class Figure:
    """One line of the table: a measured figure on each store, its target and its floor."""

    key: str
    label: str
    unit: str                      # 'ms', 's' or 'MiB'
    target: float | None
    floor_key: str | None = None
    values: dict[str, list[float]] = field(default_factory=dict)   # store name -> samples (in unit)
    note: str = ""                 # why it is missing, or how it was taken
    #: the target on the PostgreSQL store over loopback (issue 15), where it differs from `target`
    pg_target: float | None = None

    def target_for(self, engine: str) -> float | None:
        return self.pg_target if engine == "postgresql" and self.pg_target is not None else self.target

    def median(self, store: str) -> float | None:
        samples = self.values.get(store)
        return statistics.median(samples) if samples else None


FIGURES: dict[str, Figure] = {}


def figure(key: str, label: str, unit: str, target: float | None, floor_key: str | None = None, *,
           pg_target: float | None = None) -> Figure:
    FIGURES[key] = Figure(key, label, unit, target, floor_key, pg_target=pg_target)
    return FIGURES[key]


def record(key: str, store: str, samples: list[float]) -> None:
    """Add samples (the passes over the stores add up)."""
    FIGURES[key].values.setdefault(store, []).extend(samples)


def missing(key: str, why: str) -> None:
    if not FIGURES[key].values:
        FIGURES[key].note = why


def timed(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """(seconds, result) of one call of func(*args, **kwargs).

    The arguments are passed in, not caught by a closure: a lambda made in a loop would see
    the loop variable's last value if it were ever called after the loop (bugbear B023).
    """
    t0 = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - t0, result


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# The demo stores
# --------------------------------------------------------------------------------------------

@dataclass
class BuiltStore:
    name: str          # '1m' or '10y' (SQLite), '1m-pg' or '10y-pg' (the same store on PostgreSQL)
    years: float
    path: Path | str   # the pristine store, reused across runs (a file, or a server database's URL)
    work: Path | str   # the scratch copy the measurements write to (a file, or a URL)
    info: dict[str, Any]
    engine: str = "sqlite"   # 'sqlite' or 'postgresql'

    @property
    def location(self) -> Any:
        """What `setup.open_ready` takes for the scratch copy: its path, or the server's StoreServer."""
        if self.engine == "sqlite":
            return self.work
        from booking.store import location
        return location.parse(str(self.work))


def fingerprint(years: float) -> str:
    digest = hashlib.sha256(f"{STORE_FORMAT}|{years}|{NOW}|{SEED}".encode())
    for name in STORE_INPUTS:
        file = ROOT / name
        digest.update(name.encode())
        digest.update(file.read_bytes() if file.exists() else b"-")
    return digest.hexdigest()[:16]


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()


def build_store(name: str, years: float) -> BuiltStore:
    """The demo store `name` for `years` of history, reused when its inputs have not changed."""
    from booking.ops import demo, setup

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"demo-{name}.sqlite3"
    meta_path = OUT / f"demo-{name}.json"
    want = fingerprint(years)
    info: dict[str, Any] = {}
    if meta_path.exists() and path.exists():
        with contextlib.suppress(ValueError):
            info = json.loads(meta_path.read_text())
    if info.get("fingerprint") != want or not path.exists():
        log(f"building the {name} demo store ({years} years) ...")
        remove_db(path)
        t0 = time.perf_counter()
        store = setup.open_ready(path, now=NOW)
        t_open = time.perf_counter() - t0
        t1 = time.perf_counter()
        result = demo.fill(store, years=years, now=NOW, seed=SEED)
        t_fill = time.perf_counter() - t1
        store.close()
        info = {"fingerprint": want, "years": years, "open_s": round(t_open, 3), "fill_s": round(t_fill, 2),
                "built_at": datetime.now().isoformat(timespec="seconds"), "fill": result, "reused": False}
        meta_path.write_text(json.dumps(info, ensure_ascii=False, indent=1))
        log(f"  {result['bookings']} bookings in {t_fill:.1f} s")
    else:
        info["reused"] = True
        log(f"reusing the {name} demo store (built {info.get('built_at')}, fill {info.get('fill_s')} s)")
    conn = sqlite3.connect(path)
    info["bookings"] = conn.execute("SELECT count(*) FROM booking").fetchone()[0]
    info["span"] = conn.execute("SELECT min(start_at), max(start_at) FROM booking").fetchone()
    conn.close()
    info["size_mib"] = round(path.stat().st_size / 2**20, 1)
    work = OUT / f"work-{name}.sqlite3"
    remove_db(work)
    shutil.copyfile(path, work)
    return BuiltStore(name, years, path, work, info)


# --------------------------------------------------------------------------------------------
# The same stores on a PostgreSQL server (issue 15): copied there by copy-store, over loopback
# --------------------------------------------------------------------------------------------

def pg_url(admin_url: str, database: str) -> str:
    """`admin_url` with its database replaced by `database` (the bench's own, on the same server)."""
    from urllib.parse import urlsplit, urlunsplit
    parts = urlsplit(admin_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, ""))


def _pg_admin(admin_url: str) -> Any:
    import psycopg
    return psycopg.connect(admin_url, autocommit=True)


def pg_settings(url: str) -> dict[str, str]:
    """The server's version and the settings that decide a commit's cost, for the report."""
    import psycopg
    with psycopg.connect(url, autocommit=True) as conn:
        found = {"version": str(conn.execute("SHOW server_version").fetchone()[0])}
        for name in ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "wal_level"):
            found[name] = str(conn.execute(f"SHOW {name}").fetchone()[0])
    return found


def build_pg_store(lite: BuiltStore, admin_url: str) -> BuiltStore:
    """`lite`'s pristine store copied onto the server by copy-store (timed), reused while its fingerprint
    holds; then a scratch database made from it (CREATE DATABASE ... TEMPLATE) for the measurements.

    `admin_url` names any database on a server where its user may create databases; the bench makes
    `linli_bench_<name>` and `linli_bench_<name>_work` beside it, and drops only those.
    """
    import sqlalchemy as sa

    from booking.store import location
    from booking.store.postgres import copy
    from booking.store.postgres.engine import engine_for

    name = f"{lite.name}-pg"
    pristine = f"linli_bench_{lite.name}"
    work = f"{pristine}_work"
    want = f"linli-bench {lite.info['fingerprint']}"
    admin = _pg_admin(admin_url)
    try:
        row = admin.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                            (pristine,)).fetchone()
        info: dict[str, Any] = {"fingerprint": lite.info["fingerprint"], "years": lite.years}
        meta_path = OUT / f"demo-{name}.json"
        if row is not None and row[0] == want and meta_path.exists():
            with contextlib.suppress(ValueError):
                info = json.loads(meta_path.read_text())
            info["reused"] = True
            log(f"reusing the {name} store on the server (copied {info.get('built_at')}, "
                f"copy-store {info.get('copy_s')} s)")
        else:
            log(f"copying the {lite.name} store onto the server (copy-store) ...")
            admin.execute(f'DROP DATABASE IF EXISTS "{work}"')
            admin.execute(f'DROP DATABASE IF EXISTS "{pristine}"')
            admin.execute(f'CREATE DATABASE "{pristine}"')
            server = location.parse(pg_url(admin_url, pristine))
            assert isinstance(server, location.StoreServer)
            engine = engine_for(server, None, poolclass=sa.NullPool)
            try:
                with engine.connect() as conn:
                    t0 = time.perf_counter()
                    result = copy.copy_store(Path(lite.path), conn, NOW)
                    t_copy = time.perf_counter() - t0
            finally:
                engine.dispose()
            with _pg_admin(pg_url(admin_url, pristine)) as conn:
                t1 = time.perf_counter()
                conn.execute("VACUUM ANALYZE")   # what autovacuum does soon after a bulk load
                t_analyze = time.perf_counter() - t1
            admin.execute(f"COMMENT ON DATABASE \"{pristine}\" IS '{want}'")
            info.update({"copy_s": round(t_copy, 2), "analyze_s": round(t_analyze, 2), "rows": result["rows"],
                         "built_at": datetime.now().isoformat(timespec="seconds"), "reused": False})
            meta_path.write_text(json.dumps(info, ensure_ascii=False, indent=1))
            log(f"  {result['rows']:,} rows copied in {t_copy:.1f} s, VACUUM ANALYZE {t_analyze:.1f} s")
        admin.execute(f'DROP DATABASE IF EXISTS "{work}"')
        admin.execute(f'CREATE DATABASE "{work}" TEMPLATE "{pristine}"')
        size = admin.execute("SELECT pg_database_size(%s)", (pristine,)).fetchone()
    finally:
        admin.close()
    with _pg_admin(pg_url(admin_url, work)) as conn:
        info["bookings"] = conn.execute("SELECT count(*) FROM booking").fetchone()[0]
        info["span"] = conn.execute("SELECT min(start_at), max(start_at) FROM booking").fetchone()
    info["size_mib"] = round(size[0] / 2**20, 1) if size else None
    return BuiltStore(name, lite.years, pg_url(admin_url, pristine), pg_url(admin_url, work), info, "postgresql")


def drop_pg_work(built: BuiltStore, admin_url: str) -> None:
    from urllib.parse import urlsplit
    with _pg_admin(admin_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{urlsplit(str(built.work)).path[1:]}"')


class PlainServer:
    """The bare driver on the server's store, read the way the bench reads a sqlite3 connection:
    `execute(sql, params)` with `?` placeholders, rows as tuples. Autocommit, no program around it."""

    def __init__(self, url: str) -> None:
        import psycopg
        self.conn = psycopg.connect(url, autocommit=True)

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), params)

    def close(self) -> None:
        self.conn.close()


def plain_connection(built: BuiltStore) -> Any:
    """The bare driver on the scratch copy: sqlite3 on the file, psycopg on the server."""
    if built.engine == "sqlite":
        return sqlite3.connect(built.work)
    return PlainServer(str(built.work))


# --------------------------------------------------------------------------------------------
# Finding free slots and making the residents who book them (never timed)
# --------------------------------------------------------------------------------------------

class Slots:
    """Random free parking slots in the coming days, checked with plain SQL before use."""

    def __init__(self, conn: Any, rng: random.Random) -> None:
        self.conn = conn
        self.rng = rng
        self.spaces = conn.execute(
            "SELECT id, code FROM resource WHERE kind = 'parking' AND enabled = 1 ORDER BY sort").fetchall()
        self.longest = conn.execute("SELECT max(longest_minutes) FROM resource").fetchone()[0] or 0
        self.taken: list[tuple[int, datetime, datetime]] = []

    def _is_free(self, rid: int, start: datetime, end: datetime) -> bool:
        lower = (start - timedelta(minutes=self.longest)).strftime("%Y-%m-%d %H:%M")
        row = self.conn.execute(
            "SELECT 1 FROM booking WHERE resource_id = ? AND start_at >= ? AND start_at < ? AND end_at > ? "
            f"AND status IN {ACTIVE!r} LIMIT 1",
            (rid, lower, end.strftime("%Y-%m-%d %H:%M"), start.strftime("%Y-%m-%d %H:%M"))).fetchone()
        if row:
            return False
        return not any(r == rid and s < end and e > start for r, s, e in self.taken)

    def next(self) -> tuple[int, str, datetime, datetime]:
        """(resource id, code, start, end) of a free 30–60 minute slot 1–12 days ahead."""
        for _ in range(10_000):
            rid, code = self.rng.choice(self.spaces)
            day = NOW.date() + timedelta(days=self.rng.randint(1, 12))
            start = datetime(day.year, day.month, day.day) + timedelta(minutes=30 * self.rng.randrange(0, 46))
            end = start + timedelta(minutes=self.rng.choice((30, 60)))
            if self._is_free(rid, start, end):
                self.taken.append((rid, start, end))
                return rid, code, start, end
        raise RuntimeError("no free slot found")


def bench_residents(store: Any, count: int, offset: int) -> list[Any]:
    """`count` residents, each in a household of their own, so no household rule is ever met."""
    from booking.people import residents
    from booking.store.audit import Actor

    actor = Actor("基准测试", "admin")
    made = []
    for n in range(offset, offset + count):
        door = f"{60 + n % 40}栋{1 + (n // 40) % 9}单元{(1 + (n // 360) % 32) * 100 + 1 + (n // 11520) % 20:d}"
        plate = f"渝{'BCDEFG'[n // 100_000]}{n % 100_000:05d}"
        made.append(residents.add(store, actor, f"测试{n}", door, f"139{n:08d}", plate, now=NOW))
    return made


def fresh_bookings(store: Any, built: BuiltStore, count: int, offset: int) -> list[Any]:
    """`count` new bookings on random free slots in the coming days, each by a resident of its own."""
    from booking.schedule import bookings
    from booking.store.audit import Actor

    plain = plain_connection(built)
    try:
        slots = Slots(plain, random.Random(SEED + offset))
        actor = Actor("基准测试", "clerk")
        made = []
        for person in bench_residents(store, count, offset):
            _, code, start, end = slots.next()
            made.append(bookings.book(store, actor, bookings.Request(code, start, end, person.id), NOW))
        return made
    finally:
        plain.close()


# --------------------------------------------------------------------------------------------
# The Qt application of this process, offscreen
# --------------------------------------------------------------------------------------------

_APP: Any = None


def offscreen_app() -> Any:
    global _APP
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    _APP = QApplication.instance() or QApplication(["linli-desk-bench"])
    return _APP


# --------------------------------------------------------------------------------------------
# The program in its own process: window start and peak memory
# --------------------------------------------------------------------------------------------

PROBE = r"""
import json, os, sys, time
sys.path.insert(0, {root!r})
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QWidget
app = QApplication(["linli-desk"])

class Watch(QObject):
    done = False
    dialog = False
    def eventFilter(self, obj, event):
        if (not self.dialog and event.type() == QEvent.Type.Paint and isinstance(obj, QWidget)
                and isinstance(obj.window(), QDialog)):
            self.dialog = True   # the sign-in dialog: the first thing a clerk sees
            print("DIALOG " + json.dumps({{"t": time.time()}}), flush=True)
        if (not self.done and event.type() == QEvent.Type.Paint and isinstance(obj, QWidget)
                and isinstance(obj.window(), QMainWindow)):
            self.done = True
            QTimer.singleShot(0, self.shown)   # after this paint batch: the window is drawn
        return False
    def shown(self):
        print("SHOWN " + json.dumps({{"t": time.time()}}), flush=True)
        app.quit()
        QTimer.singleShot(0, lambda: os._exit(0))

watch = Watch()
app.installEventFilter(watch)
if {empty!r}:
    window = QMainWindow()
    window.resize(1600, 1000)
    window.show()
    sys.exit(app.exec())
from ui.app.main import run_window
sys.exit(run_window(["--db", {db!r}, "--now", {now!r}]))
"""


SPAWNER = r"""
import json, os, subprocess, sys, tempfile, threading, time
# Started before the benchmark grows: on Linux a child's ru_maxrss starts from the
# high-water mark of the process that forked it, so the fork must come from a small one.
for line in sys.stdin:
    job = json.loads(line)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.time()
        proc = subprocess.Popen(job["argv"], stdout=out, stderr=err, env=job["env"], cwd=job["cwd"])
        timer = threading.Timer(job["timeout"], proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)   # this child's own rusage
        t_end = time.time()
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        print(json.dumps({"t0": t0, "t_end": t_end, "status": proc.returncode,
                          "maxrss_mib": usage.ru_maxrss / 1024,   # Linux reports KiB
                          "stdout": out.read().decode(errors="replace")[-4000:],
                          "stderr": err.read().decode(errors="replace")[-4000:]}), flush=True)
"""


class Spawner:
    """A small helper process that starts the window probes (see SPAWNER)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", SPAWNER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, cwd=ROOT)

    def run(self, argv: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"argv": [sys.executable] + argv, "env": env, "cwd": str(ROOT),
                                          "timeout": timeout}) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)


SPAWNER_PROC: Spawner | None = None
WINDOW_DIALOG: dict[str, float] = {}
WARMED: list[bool] = []


#: The clerk the window probes sign in as (typed into the sign-in dialog by ui.app.main's smoke hook;
#: on a store with no account yet it becomes the first admin).
SIGN_IN = "值班员甲:bench-secret-1"


def probe_env(smoke_ms: int) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LINLI_SMOKE_EXIT_MS=str(smoke_ms),
               LINLI_SMOKE_SIGNIN=SIGN_IN, LINLI_DATA_DIR=str(OUT / "appdata"),
               XDG_CONFIG_HOME=str(OUT / "config"), XDG_DATA_HOME=str(OUT / "data"),
               # Bytecode cached, as in the built program (PyInstaller ships it compiled): a shell
               # with PYTHONDONTWRITEBYTECODE would otherwise compile every module at each start.
               PYTHONPYCACHEPREFIX=str(OUT / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_probe(db: Path | str | None, smoke_ms: int = 30_000, timeout: float = 120.0) -> dict[str, Any]:
    """Start the window (or an empty one) in a fresh process; seconds from start to the first paint."""
    assert SPAWNER_PROC is not None
    code = PROBE.format(root=str(ROOT), db=str(db) if db else "", now=NOW.strftime("%Y-%m-%d %H:%M"),
                        empty=db is None)
    result = SPAWNER_PROC.run(["-c", code], probe_env(smoke_ms), timeout)
    result["shown_s"] = result["dialog_s"] = None
    for line in result["stdout"].splitlines():
        if line.startswith("SHOWN "):
            result["shown_s"] = json.loads(line[6:])["t"] - result["t0"]
        if line.startswith("DIALOG "):
            result["dialog_s"] = json.loads(line[7:])["t"] - result["t0"]
    return result


def run_program(db: Path | str, smoke_ms: int, timeout: float = 120.0) -> dict[str, Any]:
    """`python app.py --db DB` as a user starts it, closing itself after smoke_ms (LINLI_SMOKE_EXIT_MS)."""
    assert SPAWNER_PROC is not None
    return SPAWNER_PROC.run([str(ROOT / "app.py"), "--db", str(db), "--now", NOW.strftime("%Y-%m-%d %H:%M")],
                            probe_env(smoke_ms), timeout)


STORE_NAMES = ("1m", "10y", "1m-pg", "10y-pg")


# --------------------------------------------------------------------------------------------

def guarded(label: str, key: str, func: Callable[..., Any], *args: Any) -> Any:
    """Run one part, func(*args); a failure is written into the table instead of stopping the benchmark."""
    log(f"  {label} ...")
    try:
        return func(*args)
    except Exception as exc:  # noqa: BLE001 - a broken part must not hide the others
        traceback.print_exc()
        FIGURES[key].note = f"failed: {type(exc).__name__}: {str(exc)[:200]}"
        return None
