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

from booking.checkin import passes
from booking.schedule import bookings
from ui.desk import offscreen as commands

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


# --- the windowed program running a command (the scheduled task): no console at all ---------------

def test_the_windowed_program_runs_a_command_and_writes_its_result_to_the_tasks_log(store_path, store, tmp_path):
    """A windowed PyInstaller program on Windows has sys.stdin, sys.stdout and sys.stderr None."""
    code = ("import sys; sys.stdin = sys.stdout = sys.stderr = None\n"
            "import app\n"
            f"code = app.main(['--db', {str(store_path)!r}, 'resources', '--kind', 'room'])\n"
            f"open({str(tmp_path / 'rc')!r}, 'w').write(str(code))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=120,
                          env={**os.environ, "LINLI_DATA_DIR": str(tmp_path / "appdata")})
    assert done.returncode == 0 and (tmp_path / "rc").read_text() == "0", done.stderr.decode("utf-8", "replace")
    log = (tmp_path / "appdata" / "logs" / "linli-desk-tasks.log").read_text(encoding="utf-8")
    assert 'command resources exit 0: {"resources": "[7]"}' in log


# --- the 07:00 task's PowerShell line (README = docs/windows.md) and docs/register-sheet-task.ps1 ----

PROGRAM = r"C:\Program Files\Linli Desk\LinliDesk.exe"
PRINTER = "HP LaserJet Pro M404dn"


def task_line(markdown: Path) -> str:
    lines = [line.strip() for line in markdown.read_text(encoding="utf-8").splitlines()
             if line.strip().startswith("Register-ScheduledTask ")]
    assert len(lines) == 1, f"{markdown.name}: {len(lines)} Register-ScheduledTask lines"
    return lines[0]


def powershell_tokens(text: str) -> list[str]:
    """PowerShell's words, enough for these lines: '...' literal, "..." (no $ inside), ( ) alone."""
    tokens: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace() or c == "`":
            i += 1
        elif c in "()":
            tokens.append(c)
            i += 1
        elif c in "'\"":
            end = text.index(c, i + 1)  # no doubled quotes in these lines
            tokens.append(text[i + 1:end])
            i = end + 1
        else:
            end = i
            while end < len(text) and not text[end].isspace() and text[end] not in "()":
                end += 1
            tokens.append(text[i:end])
            i = end
    return tokens


def windows_argv(command_line: str) -> list[str]:
    """How a Windows program splits its command line (the rules of CommandLineToArgvW)."""
    args: list[str] = []
    current: list[str] = []
    quoted = started = False
    i = 0
    while i < len(command_line):
        c = command_line[i]
        if c == "\\":
            j = i
            while j < len(command_line) and command_line[j] == "\\":
                j += 1
            if j < len(command_line) and command_line[j] == '"':
                current.append("\\" * ((j - i) // 2))
                if (j - i) % 2:
                    current.append('"')
                    j += 1
                i = j
            else:
                current.append("\\" * (j - i))
                i = j
            started = True
        elif c == '"':
            quoted, started = not quoted, True
            i += 1
        elif c in " \t" and not quoted:
            if started:
                args.append("".join(current))
            current, started = [], False
            i += 1
        else:
            current.append(c)
            started = True
            i += 1
    if started:
        args.append("".join(current))
    return args


def value_after(tokens: list[str], option: str) -> str:
    return tokens[tokens.index(option) + 1]


def test_the_readme_task_line_is_the_one_docs_windows_md_proves():
    assert task_line(ROOT / "README.md") == task_line(ROOT / "docs" / "windows.md")


def test_the_task_runs_the_windowed_program_by_its_quoted_program_files_path():
    tokens = powershell_tokens(task_line(ROOT / "docs" / "windows.md"))
    execute = value_after(tokens, "-Execute")
    assert execute == f'"{PROGRAM}"'  # Task Scheduler gets the path in double quotes
    assert windows_argv(execute) == [PROGRAM]
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert f'NAME = "{Path(PROGRAM.replace(chr(92), "/")).stem}"' in spec  # the windowed program's name


def test_the_task_arguments_reach_the_program_as_the_sheet_print_on_a_named_printer():
    import argparse

    from booking import cli
    tokens = powershell_tokens(task_line(ROOT / "docs" / "windows.md"))
    argv = windows_argv(value_after(tokens, "-Argument"))
    args: argparse.Namespace = cli.build_parser().parse_args(argv)
    assert (args.command, args.to_printer, args.printer) == ("sheet", True, PRINTER)
    assert args.db == r"C:\ProgramData\Linli\LinliDesk\linli-desk.sqlite3"


def test_the_task_runs_logged_on_or_not_when_missed_and_on_battery():
    tokens = powershell_tokens(task_line(ROOT / "docs" / "windows.md"))
    assert tokens.count("(") == tokens.count(")")
    assert {"-StartWhenAvailable", "-AllowStartIfOnBatteries", "-DontStopIfGoingOnBatteries"} <= set(tokens)
    assert value_after(tokens, "-UserId") == r"NT AUTHORITY\SYSTEM"  # needs nobody logged on, stores no password
    assert value_after(tokens, "-LogonType") == "ServiceAccount"
    assert (value_after(tokens, "-Daily"), value_after(tokens, "-At")) == ("-At", "07:00")


def test_the_script_registers_the_same_task():
    script = (ROOT / "docs" / "register-sheet-task.ps1").read_text(encoding="utf-8")
    tokens = powershell_tokens("\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#")))
    line = powershell_tokens(task_line(ROOT / "docs" / "windows.md"))
    switches = {t for t in line if t.startswith("-") and not t.startswith("--")}
    assert switches <= set(tokens)
    assert value_after(tokens, "$Program") == "=" and PROGRAM in tokens
    # its -Execute and -Argument are .NET format strings over the parameters: fill them in as PowerShell would
    execute = value_after(tokens, "-Execute")
    assert tokens[tokens.index("-Execute") + 2:tokens.index("-Execute") + 4] == ['"{0}"', "-f"]
    argument_format = tokens[tokens.index("-Argument") + 2]
    store = r"C:\ProgramData\Linli\LinliDesk\linli-desk.sqlite3"
    assert execute == "(" and windows_argv('"{0}"'.format(PROGRAM)) == [PROGRAM]
    assert windows_argv(argument_format.format(store, PRINTER)) == windows_argv(
        value_after(line, "-Argument"))
