"""The bench's figures: what each one times, on a demo store, and its floor beside it.

`declare_figures` lists them (label, unit, target, floor); each `measure_*` takes its samples on
a BuiltStore's scratch copy and `record`s them (bench/harness.py), or says why it is `missing`.
The domain's own work and plain SQLite's floors first, then what ui/ draws (the pass image, the
daily sheet, the heat-map), the real widgets offscreen, and the program in its own process.
"""
from __future__ import annotations

import importlib
import json
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.harness import (ACTIVE, FIGURES, NOW, SEED, STORE_NAMES, WARMED, WINDOW_DIALOG, BuiltStore, Slots,
                           bench_residents, figure, fresh_bookings, missing, offscreen_app, plain_connection, record,
                           run_probe, run_program, timed)


def declare_figures() -> None:
    # The SQLite targets are issue 2's; on the server over loopback issue 15's (a booking ≤ 5 ms,
    # a day's bookings ≤ 20 ms, a scan ≤ 5 ms, a desk refreshed within 1 s of another's write).
    figure("book", "A booking with its clash and rule checks (`bookings.book`)", "ms", 2.0, "floor_insert",
           pg_target=5.0)
    figure("on_date", "All bookings of one day, every resource (`bookings.on_date`)", "ms", 20.0, "floor_day")
    figure("free", "Free resources for a 12-hour window (`bookings.free`)", "ms", 20.0, "floor_busy")
    figure("scan", "Scan to recorded verdict (`scanning.scan`)", "ms", 5.0, "floor_insert")
    # in ms, target 1 s: on the server it takes milliseconds, which "0.00 s" would hide
    figure("refresh", "Another desk's write shown on this desk (live refresh)", "ms", 1000.0)
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


# --------------------------------------------------------------------------------------------
# Domain figures
# --------------------------------------------------------------------------------------------

def random_days(conn: Any, rng: random.Random, count: int) -> list[date]:
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
    store = setup.open_ready(built.location, now=NOW)
    plain = plain_connection(built)
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


def measure_floors(built: BuiltStore, plain: Any, slots: Slots, reps: int,
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

    # One INSERT + COMMIT with the program's PRAGMAs, on its own connection (on the server: BEGIN,
    # INSERT, COMMIT over loopback, with the server's own durability settings, reported).
    writer: Any
    if built.engine == "sqlite":
        writer = sqlite3.connect(built.work, isolation_level=None)
        writer.execute("PRAGMA foreign_keys = ON")
        writer.execute("PRAGMA synchronous = FULL")
        assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        begin = "BEGIN IMMEDIATE"
    else:
        writer = plain_connection(built)
        begin = "BEGIN"
    person = writer.execute("SELECT household_id, id FROM resident ORDER BY id DESC LIMIT 1").fetchone()
    samples = []
    for _ in range(reps):
        rid, _code, start, end = slots.next()

        def insert(rid: int, start: datetime, end: datetime) -> None:
            writer.execute(begin)
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
# Figures drawn by ui/: the pass image, the daily sheet, the heat-map
# --------------------------------------------------------------------------------------------

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
    store = setup.open_ready(built.location, now=NOW)
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
    store = setup.open_ready(built.location, now=NOW)
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
    store = setup.open_ready(built.location, now=NOW)
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

def measure_day_change(built: BuiltStore, days: list[date], reps: int) -> None:
    try:
        importlib.import_module("ui.board.day_board")
    except ModuleNotFoundError:
        missing("day_change", "not measured yet (module missing: ui.board.day_board)")
        return
    app = offscreen_app()
    from booking.ops import setup
    from ui.board.day_board import DayBoard
    store = setup.open_ready(built.location, now=NOW)
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

    store = setup.open_ready(built.location, now=NOW)
    admin = Actor("基准测试", "admin")
    for name, serial, mode in (("基准入口", "BENCH-IN", "in"), ("基准出口", "BENCH-OUT", "out")):
        if stations.find(store, name) is None:
            stations.add(store, admin, name, gate="vzenith", camera=serial, camera_address="127.0.0.1", mode=mode,
                         now=NOW)
    booked = fresh_bookings(store, built, reps, offset=300_000 + offset)
    moment = {"now": NOW}
    server = GateServer(built.location, "127.0.0.1", 0, lambda: moment["now"], auto_sync=False).start()
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

    store = setup.open_ready(built.location, now=NOW)
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


def measure_refresh(built: BuiltStore, reps: int, offset: int = 0) -> None:
    """Issue 15's fourth figure: another desk's write shown on this desk, within 1 s.

    Two desks on the scratch copy (two `setup.open_ready`, as two programs open it). One books;
    the other's store watch (booking/store/watch.py's `data_version` on SQLite, the server's
    LISTEN/NOTIFY in booking/store/postgres/listen.py) is polled as the window's LiveRefresh
    (ui/desk/live.py) polls it: every `INTERVAL_MS` on a timer that runs on, and at once when the
    watch wakes it from its own thread. Each booking comes at a random moment of the timer's period
    (a clerk's click does not wait for the timer). Timed from just before the writing desk's
    `bookings.book` (the write itself included: an upper bound) to the poll that reports the
    change. The views' own re-read after that is the day change and the like, measured apart.
    """
    import threading

    from booking.ops import setup
    from booking.schedule import bookings
    from booking.store.audit import Actor
    from ui.desk.live import INTERVAL_MS

    count = min(reps, 20)   # each sample waits for the timer: up to half a second on SQLite
    interval = INTERVAL_MS / 1000
    rng = random.Random(SEED + 400_000 + offset)
    writer = setup.open_ready(built.location, now=NOW)
    reader = setup.open_ready(built.location, now=NOW)
    plain = plain_connection(built)
    woken = threading.Event()
    watch = reader.watch()
    try:
        watch.start(woken.set)
        if hasattr(watch, "wait_listening") and not watch.wait_listening(10):
            raise RuntimeError("the watch did not listen within 10 s")
        slots = Slots(plain, rng)
        actor = Actor("基准测试", "clerk")
        people = bench_residents(writer, count, offset=400_000 + offset)
        quiet = 0
        while quiet < 2:   # what making the residents told the other desk is not a sample
            time.sleep(0.2)
            quiet = 0 if watch.poll() else quiet + 1
        samples: list[float] = []
        tick = time.perf_counter() + interval   # the window's timer
        for person in people:
            time.sleep(rng.uniform(0, interval))
            _, code, start, end = slots.next()
            woken.clear()
            t0 = time.perf_counter()
            bookings.book(writer, actor, bookings.Request(code, start, end, person.id), NOW)
            while True:
                now = time.perf_counter()
                while tick <= now:
                    tick += interval
                woken.wait(tick - now)
                woken.clear()
                if any(notice.changes for notice in watch.poll()):
                    break
                if time.perf_counter() - t0 > 10:
                    raise RuntimeError("the other desk heard nothing within 10 s")
            samples.append((time.perf_counter() - t0) * 1000)
        record("refresh", built.name, samples)
        FIGURES["refresh"].note = (f"two desks on the store: one books, the other's store watch polled as "
                                   f"ui/desk/live.py polls it (every {INTERVAL_MS} ms, and at once when woken); "
                                   "from the booking's start to the poll that reports it")
    finally:
        watch.stop()
        plain.close()
        writer.close()
        reader.close()


# --------------------------------------------------------------------------------------------
# The program in its own process: window start and peak memory
# --------------------------------------------------------------------------------------------

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
