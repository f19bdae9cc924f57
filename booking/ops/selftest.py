"""The self-test: the whole desk, once, on a temporary store, step by step.

A built program (PyInstaller) can lose a data file, a lazily imported module
or a Qt plugin without any test of the source noticing. `run` does what the
desk does at work -- reads its bundled resources, makes and seeds a store,
books, issues a pass, scans it, backs up, and (through the drawing step the
ui/ side passes in) writes a sheet PDF -- and reports each step with its time,
so `LinliDesk self-test --json` on the duty PC, or in CI after the build,
says exactly what works. It never touches the user's store.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from booking.checkin import passcode, passes
from booking.ops import backup, setup
from booking.people import residents
from booking.schedule import bookings
from booking.store import clock, i18n
from booking.store.audit import Actor
from booking.store.paths import resource_dir, resource_path
from booking.store.connection import Store

ACTOR = Actor("自检", "admin")
REQUIRED_RESOURCES = ("inventory.json", "rules.json")
REQUIRED_CATALOGS = ("en", "zh_CN")  # resources/locale/<language>/LC_MESSAGES/linli.mo


@dataclass
class Step:
    name: str
    ok: bool
    ms: float
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"step": self.name, "ok": self.ok, "ms": round(self.ms, 1), "detail": self.detail}


@dataclass
class _Run:
    """The state the steps hand on to each other."""

    folder: Path
    now: datetime
    store: Store | None = None
    booking: bookings.Booking | None = None
    pass_text: str | None = None
    steps: list[Step] = field(default_factory=list)


#: a drawing step from ui/: (store, booking day, PDF path) -> the written PDF
SheetWriter = Callable[[Store, Any, Path], Path]
#: an extra check from ui/ (Qt plugins, translations, icon): () -> detail text
Check = Callable[[], str]


def run(sheet_pdf: SheetWriter | None = None, *, now: datetime,
        checks: list[tuple[str, Check]] | None = None, keep: Path | None = None) -> dict[str, Any]:
    """Run every step (stopping at the first failure) and return the report.

    `keep` leaves the temporary store and the PDF in that folder to look at.
    """
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="linli-self-test-") as scratch:
        state = _Run(folder=Path(keep or scratch), now=now.replace(second=0, microsecond=0))
        state.folder.mkdir(parents=True, exist_ok=True)
        plan: list[tuple[str, Callable[[], str]]] = [("resources", _resources)]
        plan += [(name, check) for name, check in checks or []]
        plan += [
            ("store", lambda: _store(state)),
            ("book", lambda: _book(state)),
            ("pass", lambda: _pass(state)),
            ("scan", lambda: _scan(state)),
            ("backup", lambda: _backup(state)),
        ]
        if sheet_pdf is not None:
            plan.append(("sheet", lambda: _sheet(state, sheet_pdf)))
        try:
            for name, step in plan:
                if not _do(state, name, step):
                    break
        finally:
            if state.store is not None:
                state.store.close()
    return {"ok": len(state.steps) == len(plan) and all(s.ok for s in state.steps),
            "frozen": bool(getattr(sys, "frozen", False)), "python": sys.version.split()[0],
            "resources": str(resource_dir()), "steps": [s.to_json() for s in state.steps],
            "ms": round((time.perf_counter() - started) * 1000)}


def first_failure(report: dict[str, Any]) -> dict[str, Any] | None:
    return next((s for s in report["steps"] if not s["ok"]), None)


def _do(state: _Run, name: str, step: Callable[[], str]) -> bool:
    began = time.perf_counter()
    try:
        detail, ok = step(), True
    except Exception as exc:  # the report is the point: say which step broke and how
        detail, ok = f"{type(exc).__name__}: {exc}", False
    state.steps.append(Step(name, ok, (time.perf_counter() - began) * 1000, detail))
    return ok


def _resources() -> str:
    for name in REQUIRED_RESOURCES:
        json.loads(resource_path(name).read_text(encoding="utf-8"))
    missing = sorted(set(REQUIRED_CATALOGS) - set(i18n.catalogs()))
    if missing:
        raise FileNotFoundError(f"no message catalog for {', '.join(missing)} in {resource_path('locale')}")
    if i18n.tr("status_booked", "zh") == i18n.tr("status_booked", "en"):  # each speaks its own language
        raise ValueError("the Chinese and English catalogs give the same words")
    return f"{', '.join(REQUIRED_RESOURCES)}, catalogs {', '.join(REQUIRED_CATALOGS)} in {resource_dir()}"


def _store(state: _Run) -> str:
    state.store = setup.open_ready(state.folder / "self-test.sqlite3", now=state.now)
    count = state.store.conn.execute("SELECT count(*) FROM resource").fetchone()[0]
    if count == 0:
        raise RuntimeError("the seeded inventory is empty")
    return f"{count} spaces and rooms seeded"


def _book(state: _Run) -> str:
    assert state.store is not None
    resident = residents.add(state.store, ACTOR, "自检员", "1栋1单元101", "13800000000", "川A00000", now=state.now)
    start = state.now.replace(minute=0) + timedelta(hours=1)
    request = bookings.Request(resource="P001", start=start, end=start + timedelta(hours=2),
                               resident_id=resident.id, plate="川A00000", purpose="self-test")
    state.booking = bookings.book(state.store, ACTOR, request, state.now)
    return f"booking {state.booking.id}: P001 {clock.to_text(start)}"


def _pass(state: _Run) -> str:
    assert state.store is not None and state.booking is not None
    state.pass_text = passes.pass_text(state.store, state.booking.id)
    return f"{len(state.pass_text)} digits"


def _scan(state: _Run) -> str:
    assert state.store is not None and state.booking is not None and state.pass_text is not None
    try:
        from booking.checkin import scanning
    except ImportError:  # before scanning existed: at least the signature must verify
        fields = passcode.parse_pass(state.pass_text)
        secret = passes.secret_for(state.store, fields.key_id)
        if secret is None or not passcode.verify_mac(fields, secret) or fields.booking_id != state.booking.id:
            raise RuntimeError("the pass does not verify") from None
        return "signature verified"
    verdict = scanning.scan(state.store, ACTOR, state.pass_text + "\r\n", now=state.booking.start)
    if not (verdict.ok and verdict.action == "check-in"):
        raise RuntimeError(f"the pass was refused: {verdict.reason}")
    return f"checked in: {verdict.reason}"


def _backup(state: _Run) -> str:
    assert state.store is not None
    made = backup.backup(state.store, state.folder / "self-test-backup.sqlite3")
    return f"{made.bytes} bytes, integrity {made.integrity}"


def _sheet(state: _Run, sheet_pdf: SheetWriter) -> str:
    assert state.store is not None and state.booking is not None
    pdf = Path(sheet_pdf(state.store, state.booking.start.date(), state.folder / "self-test-sheet.pdf"))
    head = pdf.read_bytes()[:5]
    if head != b"%PDF-":
        raise RuntimeError(f"{pdf.name} is not a PDF")
    return f"{pdf.stat().st_size} bytes"
