"""The Windows program's unattended side, simulated here: output redirected through a code
page, drawing with no fonts, the scheduled task's PowerShell line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from booking import bookings, passes
from ui import commands

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


# --- drawing with no fonts (Qt's offscreen platform on Windows has none) ------------------------

FONTLESS = {"QT_QPA_PLATFORM": "minimal"}  # Qt's minimal platform without enable_fonts: no fonts at all


@pytest.fixture
def booked(store, admin, resident, now) -> bookings.Booking:
    return bookings.book(store, admin, bookings.Request("P001", datetime(2026, 11, 24, 19),
                                                        datetime(2026, 11, 25, 7, 30), resident.id), now)


@pytest.mark.parametrize("command", [["sheet", "--date", "2026-11-24", "--pdf", "{out}.pdf"],
                                     ["pass", "{id}", "--png", "{out}.png"],
                                     ["pass", "{id}", "--slip", "{out}.pdf"],
                                     ["heatmap", "--month", "2026-11", "--png", "{out}.png"]])
def test_a_drawing_command_with_no_chinese_font_refuses_and_writes_nothing(store_path, booked, tmp_path, command):
    out = tmp_path / "drawn"
    args = [a.format(out=out, id=booked.id) for a in command]
    done = app("--db", str(store_path), "--now", "2026-11-24 10:00", *args, "--json", env=FONTLESS)
    assert done.returncode == 1, done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    answer = json.loads(done.stdout.decode("utf-8"))
    assert answer["code"] == "system" and "中文字体" in answer["error"] and "minimal" in answer["error"]
    assert not list(tmp_path.glob("drawn*"))


def test_without_json_the_refusal_is_said_on_stderr(store_path, store, tmp_path):
    done = app("--db", str(store_path), "sheet", "--pdf", str(tmp_path / "s.pdf"), env=FONTLESS)
    assert done.returncode == 1 and "找不到含中文字符的字体" in done.stderr.decode("utf-8")


def test_the_self_test_names_the_missing_font_in_its_qt_step(tmp_path):
    done = app("self-test", "--json", env={**FONTLESS, "LINLI_DATA_DIR": str(tmp_path)})
    assert done.returncode == 1
    report = json.loads(done.stdout.decode("utf-8"))["details"]
    qt = [s for s in report["steps"] if s["step"] == "qt"][0]
    assert not qt["ok"] and "Chinese" in qt["detail"]


def test_drawing_uses_the_minimal_platform_with_the_system_fonts_unless_told_otherwise():
    environ: dict[str, str] = {}
    commands.choose_platform(environ, platform="win32")
    assert environ == {"QT_QPA_PLATFORM": "minimal:enable_fonts"}


def test_offscreen_chosen_on_windows_reads_the_windows_fonts_folder():
    environ = {"QT_QPA_PLATFORM": "offscreen", "WINDIR": r"C:\Windows"}
    commands.choose_platform(environ, platform="win32")
    assert environ["QT_QPA_FONTDIR"] == os.path.join(r"C:\Windows", "Fonts")


def test_a_platform_someone_chose_is_kept():
    environ = {"QT_QPA_PLATFORM": "xcb"}
    commands.choose_platform(environ, platform="linux")
    assert environ == {"QT_QPA_PLATFORM": "xcb"}
