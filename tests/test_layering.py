"""booking/ is the domain: it never loads Qt, so it runs headless and fast."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_importing_every_booking_module_loads_no_qt():
    modules = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                     for p in (ROOT / "booking").rglob("*.py"))
    code = ("import importlib, sys\n"
            f"for name in {modules!r}: importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_headless_command_that_draws_nothing_loads_no_qt(tmp_path):
    db = str(tmp_path / 'd.sqlite3')  # only `init` makes a store
    code = ("import sys, app\n"
            f"app.main(['--db', {db!r}, 'init', '--json'])\n"
            f"rc = app.main(['--db', {db!r}, 'resources', '--json'])\n"
            "print(rc, any(m.startswith('PySide6') for m in sys.modules), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stderr.strip().splitlines()[-1] == "0 False"


def test_the_drawing_commands_that_draw_nothing_load_no_qt(tmp_path):
    """`pass` without --png/--slip, `sheet` without --pdf/--print and `heatmap` without --png answer
    with data: their handlers come from ui/ (booking/cli/drawing_commands.py) but load no Qt."""
    db = str(tmp_path / "d.sqlite3")
    code = ("import io, sys, app\n"
            f"app.main(['--db', {db!r}, 'init', '--json'])\n"
            f"codes = [app.main(['--db', {db!r}, *argv, '--json']) for argv in "
            "(['pass', '1'], ['sheet', '--date', '2026-11-24'], ['heatmap', '--month', '2026-11'])]\n"
            "print(codes, any(m.startswith('PySide6') for m in sys.modules), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stderr.strip().splitlines()[-1] == "[1, 0, 0] False"  # booking 1 does not exist: refused
