"""The Windows program's unattended side, simulated here: output redirected through a code
page, drawing with no fonts, the scheduled task's PowerShell line."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from booking import bookings, passes

ROOT = Path(__file__).resolve().parent.parent


def app(*args: str, env: dict[str, str] | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    """The program as the task scheduler or a script runs it: a new process, its output piped."""
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, capture_output=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


# --- output through a Windows code page (cp936 on Chinese Windows, cp1252 elsewhere) -------------

@pytest.mark.parametrize("code_page", ["gbk", "cp1252"])
def test_chinese_output_through_a_code_page_is_utf8(store_path, store, code_page):
    done = app("--db", str(store_path), "resources", "--kind", "room", env={"PYTHONIOENCODING": code_page})
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "党群驿站" in done.stdout.decode("utf-8")


@pytest.mark.parametrize("code_page", ["gbk", "cp1252"])
def test_scan_through_a_code_page_prints_its_verdict_after_checking_in(store_path, store, admin, resident, now,
                                                                       code_page):
    booking = bookings.book(store, admin, bookings.Request("P001", datetime(2026, 11, 24, 19),
                                                           datetime(2026, 11, 25, 7, 30), resident.id), now)
    text = passes.pass_text(store, booking.id)
    done = app("--db", str(store_path), "--now", "2026-11-24 18:45", "scan", text,
               env={"PYTHONIOENCODING": code_page})
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert done.stdout.decode("utf-8").startswith("✓ 通过")
    assert bookings.get(store, booking.id).status == "checked_in"
