#!/usr/bin/env python
"""Linli Desk benchmark: every speed figure the issues name, with the floor beside it.

    python bench/run.py [--years 10] [--out docs/benchmarks.md] [--quick]

Builds (or reuses) a 1-month and a 10-year demo store in bench/out/, copies
each to a scratch file so the measured writes never pile up in the store that
is reused next time, then measures on both stores, with time.perf_counter and
the median of many repetitions:

- the program's own work (bookings.book, bookings.on_date, bookings.free,
  scanning.scan, the pass image, the daily sheet PDF, the month heat-map,
  the window start, a day change on the day board, scan to banner, and the
  peak memory of the program on the store), and
- the floor: what plain sqlite3 (or a bare library, or an empty Qt window)
  needs for the same data, so a figure can be judged against what is
  possible here and not against a guess.

Parts whose modules have not landed yet are listed as "not measured yet
(module missing)"; their code is here, behind import checks, and starts
working when the module lands. See bench/README.md for what each figure means.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import inspect
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
NOW = datetime(2026, 11, 24, 10, 0)   # the demo stores' "now": fixed, so the stores are reproducible
SEED = 20201022
#: Bump when the bench's own preparation of the stores changes (the demo code is hashed anyway).
STORE_FORMAT = 1
#: Files whose content decides what a demo store holds; a change rebuilds the stores.
STORE_INPUTS = ("booking/ops/demo.py", "booking/store/schema.py", "booking/places/inventory.py",
                "booking/policy/rules.py", "resources/inventory.json", "resources/rules.json")
FILL_TARGET_S = 120.0

from booking.store.schema import ACTIVE  # noqa: E402 - the statuses that hold a space, as the store defines them


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

    def median(self, store: str) -> float | None:
        samples = self.values.get(store)
        return statistics.median(samples) if samples else None


FIGURES: dict[str, Figure] = {}


def figure(key: str, label: str, unit: str, target: float | None, floor_key: str | None = None) -> Figure:
    FIGURES[key] = Figure(key, label, unit, target, floor_key)
    return FIGURES[key]


def declare_figures() -> None:
    figure("book", "A booking with its clash and rule checks (`bookings.book`)", "ms", 2.0, "floor_insert")
    figure("on_date", "All bookings of one day, every resource (`bookings.on_date`)", "ms", 20.0, "floor_day")
    figure("free", "Free resources for a 12-hour window (`bookings.free`)", "ms", 20.0, "floor_busy")
    figure("scan", "Scan to recorded verdict (`scanning.scan`)", "ms", 5.0, "floor_insert")
    figure("pass_image", "A pass image (PNG)", "ms", 20.0, "floor_qr")
    figure("sheet", "Daily sheet PDF for a full day", "s", 2.0, "floor_day")
    figure("heatmap", "Month heat-map", "s", 2.0, "floor_month")
    figure("window", "Window shown, from process start", "s", 2.0, "floor_window")
    figure("day_change", "Day change on the day board (real widgets, offscreen)", "ms", 100.0, "floor_day")
    figure("scan_banner", "Scan to banner (real widgets, offscreen)", "ms", 50.0, "floor_insert")
    figure("gate", "Plate event to the camera's reply (Vzenith JSON over loopback HTTP, entry and exit)", "ms",
           20.0, "floor_insert")
    figure("memory", "Peak memory of the program (window open, offscreen)", "MiB", None, "floor_memory")
    # floors
    figure("floor_range", "Floor: indexed range query, one resource (clash-check shape)", "ms", None)
    figure("floor_busy", "Floor: busy resources in a window, all resources (one indexed query)", "ms", None)
    figure("floor_day", "Floor: load one day's booking rows (one indexed query, no joins)", "ms", None)
    figure("floor_insert", "Floor: one INSERT + COMMIT (WAL, synchronous=FULL, foreign keys on)", "ms", None)
    figure("floor_month", "Floor: count bookings per space per day for a month (one query)", "ms", None)
    figure("floor_qr", "Floor: the bare QR code of the same pass (`qrcode` matrix, 720×720 grey image, PNG in "
                       "memory)", "ms", None)
    figure("floor_window", "Floor: an empty PySide6 main window shown, from process start", "s", None)
    figure("floor_memory", "Floor: peak memory of an empty PySide6 main window", "MiB", None)


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
    name: str          # '1m' or '10y'
    years: float
    path: Path         # the pristine store, reused across runs
    work: Path         # the scratch copy the measurements write to
    info: dict[str, Any]


def fingerprint(years: float) -> str:
    digest = hashlib.sha256(f"{STORE_FORMAT}|{years}|{NOW}|{SEED}".encode())
    for name in STORE_INPUTS:
        file = ROOT / name
        digest.update(name.encode())
        digest.update(file.read_bytes() if file.exists() else b"-")
    return digest.hexdigest()[:16]


def _remove_db(path: Path) -> None:
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
        _remove_db(path)
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
    _remove_db(work)
    shutil.copyfile(path, work)
    return BuiltStore(name, years, path, work, info)


# --------------------------------------------------------------------------------------------
# Finding free slots and making the residents who book them (never timed)
# --------------------------------------------------------------------------------------------

class Slots:
    """Random free parking slots in the coming days, checked with plain SQL before use."""

    def __init__(self, conn: sqlite3.Connection, rng: random.Random) -> None:
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

    plain = sqlite3.connect(built.work)
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
# Domain figures
# --------------------------------------------------------------------------------------------

def random_days(conn: sqlite3.Connection, rng: random.Random, count: int) -> list[date]:
    first, last = conn.execute("SELECT min(start_at), max(start_at) FROM booking").fetchone()
    d0 = datetime.fromisoformat(first).date()
    d1 = datetime.fromisoformat(last).date()
    span = (d1 - d0).days
    return [d0 + timedelta(days=rng.randint(0, span)) for _ in range(count)]


def measure_domain(built: BuiltStore, reps: int, offset: int = 0) -> dict[str, Any]:
    """book, on_date, free, scan and the SQL floors on one store; returns what later parts reuse."""
    from booking.checkin import passes, scanning
    from booking.ops import setup
    from booking.schedule import bookings
    from booking.store.audit import Actor

    rng = random.Random(SEED + offset)
    store = setup.open_ready(built.work, now=NOW)
    plain = sqlite3.connect(built.work)
    actor = Actor("基准测试", "clerk")
    slots = Slots(plain, rng)
    made = bench_residents(store, reps, offset=offset)

    # --- book: a random free slot each time, by a resident who breaks no rule
    samples, booked = [], []
    for person in made:
        _, code, start, end = slots.next()
        req = bookings.Request(resource=code, start=start, end=end, resident_id=person.id)
        seconds, b = timed(bookings.book, store, actor, req, NOW)
        samples.append(seconds * 1000)
        booked.append(b)
    record("book", built.name, samples)

    # --- on_date: random days across the whole history and the coming days
    days = random_days(plain, rng, reps)
    samples, sizes = [], []
    for day in days:
        seconds, rows = timed(bookings.on_date, store, day)
        samples.append(seconds * 1000)
        sizes.append(len(rows))
    record("on_date", built.name, samples)
    FIGURES["on_date"].note = f"median {statistics.median(sizes):.0f} bookings a day"

    # --- free: a 12-hour window (day 08:00–20:00 or night 19:00–07:00) on random days
    samples = []
    for day in random_days(plain, rng, reps):
        hour = rng.choice((8, 19))
        start = datetime(day.year, day.month, day.day, hour)
        seconds, _ = timed(lambda start=start: bookings.free(store, start, start + timedelta(hours=12)))
        samples.append(seconds * 1000)
    record("free", built.name, samples)

    # --- scan: each booking made above is scanned in at its start and out a minute later
    samples = []
    texts = {b.id: passes.pass_text(store, b.id) for b in booked}
    for b in booked:
        for minutes in (1, 2):
            at = b.start + timedelta(minutes=minutes, seconds=7)
            seconds, verdict = timed(scanning.scan, store, actor, texts[b.id], scanning.stations.DESK, now=at)
            if not verdict.ok:
                raise RuntimeError(f"bench scan refused: {verdict.reason}")
            samples.append(seconds * 1000)
    record("scan", built.name, samples)

    # --- floors, plain sqlite3 on the same file
    measure_floors(built, plain, slots, reps, rng)
    plain.close()
    store.close()
    return {"days": days, "texts": list(texts.values()), "booked": [b.id for b in booked]}


def measure_floors(built: BuiltStore, plain: sqlite3.Connection, slots: Slots, reps: int,
                   rng: random.Random) -> None:
    longest = plain.execute("SELECT max(longest_minutes) FROM resource").fetchone()[0] or 0
    spaces = [r[0] for r in slots.spaces]

    def text(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%d %H:%M")

    samples = []
    for day in random_days(plain, rng, reps):
        start = datetime(day.year, day.month, day.day, rng.randrange(24))
        end = start + timedelta(hours=1)
        rid = rng.choice(spaces)
        seconds, _ = timed(lambda rid=rid, start=start, end=end: plain.execute(
            "SELECT id FROM booking WHERE resource_id = ? AND start_at >= ? AND start_at < ? AND end_at > ? "
            f"AND status IN {ACTIVE!r}", (rid, text(start - timedelta(minutes=longest)), text(end),
                                         text(start))).fetchall())
        samples.append(seconds * 1000)
    record("floor_range", built.name, samples)

    samples = []
    for day in random_days(plain, rng, reps):
        start = datetime(day.year, day.month, day.day, rng.choice((8, 19)))
        end = start + timedelta(hours=12)
        seconds, _ = timed(lambda start=start, end=end: plain.execute(
            "SELECT DISTINCT resource_id FROM booking WHERE start_at >= ? AND start_at < ? AND end_at > ? "
            f"AND status IN {ACTIVE!r}", (text(start - timedelta(minutes=longest)), text(end),
                                         text(start))).fetchall())
        samples.append(seconds * 1000)
    record("floor_busy", built.name, samples)

    samples = []
    for day in random_days(plain, rng, reps):
        start = datetime(day.year, day.month, day.day)
        end = start + timedelta(days=1)
        seconds, _ = timed(lambda start=start, end=end: plain.execute(
            "SELECT * FROM booking WHERE start_at >= ? AND start_at < ? AND end_at > ?",
            (text(start - timedelta(minutes=longest)), text(end), text(start))).fetchall())
        samples.append(seconds * 1000)
    record("floor_day", built.name, samples)

    samples = []
    months = random_days(plain, rng, max(5, reps // 20))
    for day in months:
        first = date(day.year, day.month, 1)
        after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        seconds, _ = timed(lambda first=first, after=after: plain.execute(
            "SELECT resource_id, substr(start_at, 1, 10) AS day, count(*) FROM booking "
            "WHERE start_at >= ? AND start_at < ? AND status <> 'cancelled' GROUP BY resource_id, day",
            (first.isoformat(), after.isoformat())).fetchall())
        samples.append(seconds * 1000)
    record("floor_month", built.name, samples)

    # One INSERT + COMMIT with the program's PRAGMAs, on its own connection.
    writer = sqlite3.connect(built.work, isolation_level=None)
    writer.execute("PRAGMA foreign_keys = ON")
    writer.execute("PRAGMA synchronous = FULL")
    assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    person = writer.execute("SELECT household_id, id FROM resident ORDER BY id DESC LIMIT 1").fetchone()
    samples = []
    for _ in range(reps):
        rid, _code, start, end = slots.next()

        def insert(rid: int, start: datetime, end: datetime) -> None:
            writer.execute("BEGIN IMMEDIATE")
            writer.execute(
                "INSERT INTO booking(resource_id, household_id, resident_id, plate, start_at, end_at, status, "
                "visitor, pass_rev, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, 'booked', 0, 1, ?, ?)",
                (rid, person[0], person[1], "渝B99999", text(start), text(end), "2026-11-24 10:00:00", "floor"))
            writer.execute("COMMIT")
        seconds, _ = timed(insert, rid, start, end)
        samples.append(seconds * 1000)
    record("floor_insert", built.name, samples)
    writer.close()


def measure_qr_floor(texts: list[str], store_name: str) -> None:
    """The bare minimum for a pass image: the QR matrix, its modules filled in a 720-px image, a PNG."""
    try:
        import qrcode
        from qrcode.constants import ERROR_CORRECT_Q
    except ImportError:
        missing("floor_qr", "qrcode not installed")
        return
    offscreen_app()
    from PySide6.QtCore import QBuffer, QByteArray
    from PySide6.QtGui import QImage, QPainter, QColor

    def make(text: str) -> int:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=4)
        code.add_data(text, optimize=0)
        code.make(fit=True)
        matrix = code.get_matrix()
        module = 720 // len(matrix)
        image = QImage(720, 720, QImage.Format.Format_Grayscale8)
        image.fill(QColor(255, 255, 255))
        painter = QPainter(image)
        black = QColor(0, 0, 0)
        for y, row in enumerate(matrix):
            for x, dark in enumerate(row):
                if dark:
                    painter.fillRect(x * module, y * module, module, module, black)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QBuffer.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return data.size()

    samples = []
    for text in texts:
        seconds, _ = timed(make, text)
        samples.append(seconds * 1000)
    record("floor_qr", store_name, samples)


# --------------------------------------------------------------------------------------------
# Figures from modules that land later: found by import, called by their parameter names
# --------------------------------------------------------------------------------------------

def find_callable(candidates: list[tuple[str, str]]) -> tuple[Callable[..., Any] | None, str]:
    """The first importable (module, attribute) of `candidates`, or None and why."""
    tried = []
    for module_name, attr in candidates:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name) or exc.name == module_name:
                tried.append(module_name)
                continue
            raise
        func = getattr(module, attr, None)
        if callable(func):
            return func, f"{module_name}.{attr}"
        tried.append(f"{module_name}.{attr}")
    return None, "not measured yet (module missing: " + ", ".join(dict.fromkeys(tried)) + ")"


#: What a parameter name most likely wants, for functions whose exact signature is not known yet.
ALIASES = {
    "store": "store", "day": "day", "date": "day", "on": "day", "when": "day",
    "path": "path", "out": "path", "file": "path", "pdf": "path", "png": "path", "target": "path",
    "filename": "path", "dest": "path", "destination": "path",
    "actor": "actor", "clerk": "actor", "by": "actor", "now": "now", "printed_at": "now",
    "text": "text", "payload": "text", "pass_text": "text", "data": "text",
    "booking_id": "booking_id", "booking": "booking", "year": "year", "month": "month",
    "start": "start", "first": "start", "first_day": "start", "end": "end", "last": "end",
    "days": "days", "heatmap": "heatmap", "heat_map": "heatmap", "hm": "heatmap", "matrix": "heatmap",
    "heat": "heatmap",
}


def call_by_names(func: Callable[..., Any], values: dict[str, Any]) -> Any:
    """Call `func`, passing each required parameter the value its name asks for."""
    args, kwargs = [], {}
    for param in inspect.signature(func).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        want = ALIASES.get(param.name)
        if want is None or want not in values:
            if param.default is param.empty:
                raise TypeError(f"do not know what to pass as {param.name!r} to {func.__qualname__}")
            continue
        if param.kind == param.POSITIONAL_ONLY:
            args.append(values[want])
        else:
            kwargs[param.name] = values[want]
    return func(*args, **kwargs)


def measure_pass_image(built: BuiltStore, reps: int, offset: int = 0) -> None:
    """The phone pass as the `pass --png` command makes it: details read, image drawn, PNG written."""
    try:
        passimage = importlib.import_module("ui.passes.passimage")
        passinfo = importlib.import_module("booking.checkin.passinfo")
    except ModuleNotFoundError as exc:
        missing("pass_image", f"not measured yet (module missing: {exc.name})")
        return
    offscreen_app()
    from booking.ops import setup
    store = setup.open_ready(built.work, now=NOW)
    samples = []
    with tempfile.TemporaryDirectory() as tmp:
        def make(booking_id: int, n: int) -> None:
            info = passinfo.pass_info(store, booking_id, NOW)
            passimage.save_png(passimage.phone_image(info), Path(tmp) / f"p{n}.png")

        for n, booking in enumerate(fresh_bookings(store, built, reps, offset=200_000 + offset)):
            seconds, _ = timed(make, booking.id, n)
            samples.append(seconds * 1000)
    store.close()
    record("pass_image", built.name, samples)
    FIGURES["pass_image"].note = ("booking.checkin.passinfo.pass_info + ui.passes.passimage.phone_image + save_png: "
                                  "the phone pass written as a PNG file")


def measure_sheet(built: BuiltStore, days: list[date], reps: int) -> None:
    """The daily sheet saved as a PDF, as `sheet --date D --pdf FILE` does (sweep, build, lay out, write)."""
    try:
        printing = importlib.import_module("ui.reports.printing")
    except ModuleNotFoundError:
        missing("sheet", "not measured yet (module missing: ui.reports.printing)")
        return
    offscreen_app()
    from booking.ops import setup
    store = setup.open_ready(built.work, now=NOW)
    samples = []
    with tempfile.TemporaryDirectory() as tmp:
        # Today has every status at once; the other days are as full as any.
        for n, day in enumerate([NOW.date()] + days[:max(0, reps - 1)]):
            seconds, _ = timed(printing.sheet_pdf, store, day, Path(tmp) / f"s{n}.pdf", clerk="基准测试", now=NOW)
            samples.append(seconds)
    store.close()
    record("sheet", built.name, samples)
    FIGURES["sheet"].note = ("ui.reports.printing.sheet_pdf: no-show sweep, booking.reporting.sheet.build, layout, "
                             "PDF written")


def measure_heatmap(built: BuiltStore, reps: int) -> None:
    """A month's heat-map of spaces × days saved as PNG, as `heatmap --month M --png FILE` does."""
    try:
        heatmap = importlib.import_module("ui.reports.heatmap")
    except ModuleNotFoundError:
        heatmap = None
    try:
        reports = importlib.import_module("booking.reporting.reports")
    except ModuleNotFoundError:
        reports = None
    if heatmap is None and reports is None:
        missing("heatmap", "not measured yet (module missing: ui.reports.heatmap)")
        return
    if heatmap is not None:
        offscreen_app()
    from booking.ops import setup
    store = setup.open_ready(built.work, now=NOW)
    samples = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(reps):
            # This month (bookings ahead and behind now), then the months before it.
            first = date(NOW.year, NOW.month, 1) - timedelta(days=31 * n)
            first = date(first.year, first.month, 1)
            after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            if heatmap is not None:
                seconds, _ = timed(heatmap.heatmap_png, store, f"{first:%Y-%m}", "spaces", Path(tmp) / f"h{n}.png")
            else:
                seconds, _ = timed(reports.heatmap, store, first, after, "spaces", month=True)
            samples.append(seconds)
    store.close()
    record("heatmap", built.name, samples)
    FIGURES["heatmap"].note = (
        "ui.reports.heatmap.heatmap_png(store, 'YYYY-MM', 'spaces', path): data, picture, PNG written"
        if heatmap is not None else
        "booking.reporting.reports.heatmap only: the picture is not measured yet (module missing)")


# --------------------------------------------------------------------------------------------
# Real widgets, offscreen, in this process
# --------------------------------------------------------------------------------------------

_APP: Any = None


def offscreen_app() -> Any:
    global _APP
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    _APP = QApplication.instance() or QApplication(["linli-desk-bench"])
    return _APP


def measure_day_change(built: BuiltStore, days: list[date], reps: int) -> None:
    try:
        importlib.import_module("ui.board.day_board")
    except ModuleNotFoundError:
        missing("day_change", "not measured yet (module missing: ui.board.day_board)")
        return
    app = offscreen_app()
    from booking.ops import setup
    from ui.board.day_board import DayBoard
    store = setup.open_ready(built.work, now=NOW)
    board = DayBoard(store, lambda: NOW)
    board.resize(1600, 1000)
    board.show()
    app.processEvents()
    def change(day: date) -> None:
        board.set_day(day)
        board.repaint()          # paint now, children included, as the screen would show it
        app.processEvents()

    samples = []
    for day in days[:reps]:
        seconds, _ = timed(change, day)
        samples.append(seconds * 1000)
    board.close()
    board.deleteLater()
    app.processEvents()
    store.close()
    record("day_change", built.name, samples)
    FIGURES["day_change"].note = "ui.board.day_board.DayBoard 1600×1000: set_day, repaint, events"


def measure_gate(built: BuiltStore, reps: int, offset: int = 0) -> None:
    """A Vzenith camera posts each fresh booking's plate at the entry, then at the exit; post to reply.

    The desk's own gate server (booking/gatehouse/gate_server.py) on 127.0.0.1 decides it:
    the check-in, and at the exit the check-out with its settled charge.
    """
    import urllib.request

    from booking.ops import setup
    from booking.places import stations
    from booking.store.audit import Actor
    from booking.gatehouse.gate_server import GateServer

    store = setup.open_ready(built.work, now=NOW)
    admin = Actor("基准测试", "admin")
    for name, serial, mode in (("基准入口", "BENCH-IN", "in"), ("基准出口", "BENCH-OUT", "out")):
        if stations.find(store, name) is None:
            stations.add(store, admin, name, gate="vzenith", camera=serial, camera_address="127.0.0.1", mode=mode,
                         now=NOW)
    booked = fresh_bookings(store, built, reps, offset=300_000 + offset)
    moment = {"now": NOW}
    server = GateServer(built.work, "127.0.0.1", 0, lambda: moment["now"], auto_sync=False).start()
    host, port = server.address
    url = f"http://{host}:{port}/gate/vzenith"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    samples = []
    try:
        for n, booking in enumerate(booked):
            for serial, minutes in (("BENCH-IN", 1), ("BENCH-OUT", 2)):
                at = booking.start + timedelta(minutes=minutes)
                moment["now"] = at
                body = json.dumps({"AlarmInfoPlate": {"serialno": serial, "channel": 0, "result": {"PlateResult": {
                    "license": booking.plate, "colorType": 1, "confidence": 96,
                    "plateid": offset * 10 + n * 2 + minutes,
                    "isoffline": 0, "timeStamp": {"Timeval": {"sec": 0}}}}}}, ensure_ascii=False).encode()
                request = urllib.request.Request(url, data=body, method="POST",
                                                 headers={"Content-Type": "application/json"})
                t0 = time.perf_counter()
                with opener.open(request, timeout=30) as answer:
                    data = json.loads(answer.read())
                samples.append((time.perf_counter() - t0) * 1000)
                if data["Response_AlarmInfoPlate"]["info"] != "ok":
                    raise RuntimeError(f"bench gate refused {booking.plate} at {serial}")
    finally:
        server.stop()
        store.close()
    record("gate", built.name, samples)


def measure_scan_banner(built: BuiltStore, reps: int, offset: int = 0) -> None:
    """Enter in the desk's scan field, as a USB scanner ends a pass; time to the painted banner."""
    try:
        scan_panel = importlib.import_module("ui.passes.scan_panel")
    except ModuleNotFoundError:
        missing("scan_banner", "not measured yet (module missing: ui.passes.scan_panel)")
        return
    app = offscreen_app()
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from booking.checkin import passes
    from booking.ops import setup
    from booking.store.audit import Actor
    from ui.desk.session import Desk

    store = setup.open_ready(built.work, now=NOW)
    booked = fresh_bookings(store, built, reps, offset=100_000 + offset)
    desk = Desk(store, Actor("基准测试", "clerk"))
    panel = scan_panel.ScanPanel(desk)
    panel.resize(1200, 800)
    panel.show()
    app.processEvents()
    samples = []
    for b in booked:
        desk.set_now(b.start + timedelta(minutes=1))
        panel.field.setText(passes.pass_text(store, b.id))  # the scanner's typing is not part of the figure

        def enter() -> None:
            QTest.keyClick(panel.field, Qt.Key.Key_Return)
            panel.repaint()          # the banner painted, as the clerk sees it
            app.processEvents()
        seconds, _ = timed(enter)
        if panel.last_verdict is None or not panel.last_verdict.ok:
            raise RuntimeError("the bench's scan was refused: "
                               + (panel.last_verdict.reason if panel.last_verdict else "no verdict"))
        samples.append(seconds * 1000)
    panel.close()
    panel.deleteLater()
    app.processEvents()
    store.close()
    record("scan_banner", built.name, samples)
    FIGURES["scan_banner"].note = ("ui.passes.scan_panel.ScanPanel 1200×800: Enter in the scan field to the painted "
                                   "banner (scan recorded, sound started, last-20 list refreshed)")


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


def run_probe(db: Path | None, smoke_ms: int = 30_000, timeout: float = 120.0) -> dict[str, Any]:
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


def run_program(db: Path, smoke_ms: int, timeout: float = 120.0) -> dict[str, Any]:
    """`python app.py --db DB` as a user starts it, closing itself after smoke_ms (LINLI_SMOKE_EXIT_MS)."""
    assert SPAWNER_PROC is not None
    return SPAWNER_PROC.run([str(ROOT / "app.py"), "--db", str(db), "--now", NOW.strftime("%Y-%m-%d %H:%M")],
                            probe_env(smoke_ms), timeout)


def measure_window(built: BuiltStore, reps: int) -> None:
    try:
        importlib.import_module("ui.app.main")
    except ModuleNotFoundError:
        missing("window", "not measured yet (module missing: ui.app.main)")
        missing("memory", "not measured yet (module missing: ui.app.main)")
        return
    if not WARMED:
        run_probe(built.work, timeout=60)   # not counted: fills the bytecode cache, like a first start
        WARMED.append(True)
    starts, dialogs, problems = [], [], []
    for _ in range(reps):
        result = run_probe(built.work, timeout=60)
        if result["shown_s"] is None:
            problems.append(f"exit {result['status']}: {result['stderr'][-300:]}")
            continue
        starts.append(result["shown_s"])
        if result["dialog_s"] is not None:
            dialogs.append(result["dialog_s"])
    if starts:
        record("window", built.name, starts)
        FIGURES["window"].note = ("a fresh `python` process (QApplication made first, to watch for paint "
                                  "events) through `ui.app.main.run_window` to the main window's first paint, "
                                  "the sign-in typed by ui.app.main's LINLI_SMOKE_SIGNIN hook (it polls for the "
                                  "dialog every 50 ms) and checked with the real key derivation")
        if dialogs:
            WINDOW_DIALOG[built.name] = statistics.median(dialogs)
            FIGURES["window"].note += "; the sign-in dialog itself was painted after " + ", ".join(
                f"{v:.2f} s ({k})" for k, v in WINDOW_DIALOG.items())
    else:
        missing("window", "not measured: " + problems[0].replace("\n", " ")[:300])
    memory, problems = [], []
    for _ in range(1):
        result = run_program(built.work, smoke_ms=3000, timeout=60)
        if result["status"] == 0 and result["maxrss_mib"]:
            memory.append(result["maxrss_mib"])
        else:
            problems.append(f"exit {result['status']}: {result['stderr'][-300:]}")
    if memory:
        record("memory", built.name, memory)
        FIGURES["memory"].note = ("ru_maxrss of `python app.py --db STORE` (offscreen) that closes itself "
                                  "after 3 s with LINLI_SMOKE_EXIT_MS=3000")
    else:
        missing("memory", "not measured: " + problems[0].replace("\n", " ")[:300])


def measure_window_floor(reps: int) -> None:
    starts, memory = [], []
    for _ in range(reps):
        result = run_probe(None)
        if result["shown_s"] is not None:
            starts.append(result["shown_s"])
            memory.append(result["maxrss_mib"])
    if starts:
        for name in STORE_NAMES:
            record("floor_window", name, starts)
            record("floor_memory", name, memory)


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------

STORE_NAMES = ("1m", "10y")


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.3f} ms" if value < 1 else f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.0f} MiB"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.1f}×"


def to_unit(value: float, src: str, dst: str) -> float:
    scale = {"ms": 1e-3, "s": 1.0, "MiB": 1.0}
    return value * scale[src] / scale[dst]


def machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        import PySide6
        pyside = PySide6.__version__
    except ImportError:
        pyside = "not installed"
    try:
        from importlib.metadata import version
        sqlite_utils = version("sqlite-utils")
    except Exception:  # noqa: BLE001 - only a label
        sqlite_utils = "?"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "?"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [("Cores (nproc)", str(os.cpu_count())), ("CPU", cpu), ("OS", platform.platform()),
            ("Python", platform.python_version()), ("SQLite", sqlite3.sqlite_version),
            ("PySide6", pyside), ("sqlite-utils", sqlite_utils), ("Commit", commit),
            ("Load average at the end", load)]


def write_report(path: Path, stores: dict[str, BuiltStore], started: datetime, elapsed: float,
                 args: argparse.Namespace) -> str:
    lines = ["# Benchmarks", "",
             "Generated by `python bench/run.py` — do not edit by hand; run it again. "
             "What each figure means and how it is taken: [bench/README.md](../bench/README.md).", "",
             f"Run {started:%Y-%m-%d %H:%M}, {elapsed:.0f} s in all"
             + (" (quick run: fewer repetitions)" if args.quick else "") + ".", ""]
    lines += ["| figure | 1-month | 10-year | 10y / 1m | target | floor (10-year) | 10y / floor |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    notes = []
    for fig in FIGURES.values():
        if fig.key.startswith("floor_"):
            continue
        m1, m10 = fig.median("1m"), fig.median("10y")
        floor_fig = FIGURES.get(fig.floor_key) if fig.floor_key else None
        floor = floor_fig.median("10y") if floor_fig else None
        floor_in_unit = to_unit(floor, floor_fig.unit, fig.unit) if floor is not None and floor_fig else None
        target = f"≤ {fmt(fig.target, fig.unit)}" if fig.target is not None else "—"
        if m10 is not None and fig.target is not None and m10 > fig.target:
            target += " **missed**"
        if not fig.values:
            lines.append(f"| {fig.label} | {fig.note or 'not measured'} | | | {target} | | |")
            continue
        floor_text = fmt(floor, floor_fig.unit) if floor_fig else "—"
        lines.append(f"| {fig.label} | {fmt(m1, fig.unit)} | {fmt(m10, fig.unit)} | {ratio(m10, m1)} | {target} "
                     f"| {floor_text} | {ratio(m10, floor_in_unit)} |")
        if fig.note:
            notes.append(f"- {fig.label}: {fig.note}.")
    lines += ["", "Medians. A ratio 10y / 1m near 1× means the cost does not grow with history "
              "(issue 2 asks for at most 2×).", ""]
    if notes:
        lines += ["Notes:", ""] + notes + [""]

    lines += ["## Floors", "", "What plain SQLite (or a bare library, or an empty Qt window) needs for the same "
              "data on this machine: the least any program could take.", "",
              "| floor | 1-month | 10-year | 10y / 1m |", "| --- | ---: | ---: | ---: |"]
    for fig in FIGURES.values():
        if fig.key.startswith("floor_"):
            if fig.values:
                lines.append(f"| {fig.label[len('Floor: '):]} | {fmt(fig.median('1m'), fig.unit)} | "
                             f"{fmt(fig.median('10y'), fig.unit)} | {ratio(fig.median('10y'), fig.median('1m'))} |")
            else:
                lines.append(f"| {fig.label[len('Floor: '):]} | {fig.note or 'not measured'} | | |")

    lines += ["", "## Spread", "", "Every figure with its number of repetitions, median, 90th percentile and "
              "fastest, per store.", "",
              "| figure | store | n | median | p90 | min |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    for fig in FIGURES.values():
        for name in STORE_NAMES:
            samples = fig.values.get(name)
            if not samples:
                continue
            ordered = sorted(samples)
            p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
            lines.append(f"| {fig.key} | {name} | {len(samples)} | {fmt(statistics.median(samples), fig.unit)} | "
                         f"{fmt(p90, fig.unit)} | {fmt(ordered[0], fig.unit)} |")

    lines += ["", "## The stores", "",
              "| store | bookings | first – last start | file | demo.fill | target | built |",
              "| --- | ---: | --- | ---: | ---: | ---: | --- |"]
    for name, built in stores.items():
        info = built.info
        fill_target = f"≤ {FILL_TARGET_S:.0f} s" if built.years >= 10 else "—"
        if built.years >= 10 and info.get("fill_s", 0) > FILL_TARGET_S:
            fill_target += " **missed**"
        span = info.get("span") or ("?", "?")
        history = "1 month" if built.years < 1 else f"{built.years:g} years"
        lines.append(f"| {name} ({history}) | {info['bookings']:,} | {span[0]} – {span[1]} | "
                     f"{info['size_mib']} MiB | {info.get('fill_s', '?')} s | {fill_target} | "
                     f"{'reused from ' + str(info.get('built_at')) if info.get('reused') else 'this run'} |")
    lines += ["", "`demo.fill` is timed when the store is built (`booking.ops.demo.fill`, this machine); a reused "
              "store keeps the figure from its build.", "",
              "## Machine", "", "| | |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in machine()]
    lines += ["", "The machine is shared: other work ran beside this benchmark, so single figures jitter; "
              "the medians over many repetitions are what to compare.", ""]
    text = "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=float, default=10.0, help="history of the big store (default 10)")
    parser.add_argument("--out", default="docs/benchmarks.md", help="the Markdown report to write")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("LINLI_DATA_DIR", str(OUT / "appdata"))
    # The machine is shared: the stores take turns, pass after pass, so that both meet
    # the same background load and the 10y / 1m ratio compares like with like.
    passes = 1 if args.quick else 3
    reps = 30 if args.quick else 70          # per pass
    slow_reps = 2                             # per pass: sheet, heat-map, window start
    started = datetime.now()
    t0 = time.perf_counter()
    global SPAWNER_PROC
    SPAWNER_PROC = Spawner()   # first, while this process is still small (see SPAWNER)
    declare_figures()
    stores = {"1m": build_store("1m", 1 / 12), "10y": build_store("10y", args.years)}
    for number in range(passes):
        offset = number * 1000
        for name, built in stores.items():
            log(f"pass {number + 1}/{passes} on the {name} store ({built.info['bookings']:,} bookings)")
            found = guarded("book, on_date, free, scan, floors", "book", measure_domain, built, reps, offset)
            if not found:
                continue
            guarded("qr floor", "floor_qr", measure_qr_floor, found["texts"][:reps], name)
            guarded("pass image", "pass_image", measure_pass_image, built, reps, offset)
            guarded("daily sheet", "sheet", measure_sheet, built, found["days"], slow_reps)
            guarded("heat-map", "heatmap", measure_heatmap, built, slow_reps)
            guarded("day change", "day_change", measure_day_change, built, found["days"], min(reps, 40))
            guarded("scan to banner", "scan_banner", measure_scan_banner, built, min(reps, 40), offset)
            guarded("plate event to reply", "gate", measure_gate, built, min(reps, 40), offset)
            guarded("window start and memory", "window", measure_window, built, slow_reps)
        guarded("empty window floor", "floor_window", measure_window_floor, slow_reps)
    out = (ROOT / args.out) if not Path(args.out).is_absolute() else Path(args.out)
    text = write_report(out, stores, started, time.perf_counter() - t0, args)
    for built in stores.values():
        _remove_db(built.work)
    SPAWNER_PROC.close()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
