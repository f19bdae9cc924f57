"""The Windows program: its self-test passes from source, build.spec ships every resource,
and (with LINLI_BUILD_TEST=1) the PyInstaller build runs its self-test too."""
from __future__ import annotations

import ast
import fnmatch
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from booking.ops import selftest

ROOT = Path(__file__).resolve().parent.parent
SPEC = (ROOT / "build.spec").read_text(encoding="utf-8")
# the generators' scripts and the catalogs' sources (.po; compiled into the .mo files shipped)
SOURCE_SUFFIXES = (".py", ".po", ".pot")
STEPS = ["resources", "qt", "store", "book", "pass", "scan", "backup", "sheet"]


def spec_list(name: str) -> list[str]:
    """A list literal assigned to `name` in build.spec (read, not run: the spec needs PyInstaller)."""
    for node in ast.parse(SPEC).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"build.spec has no {name} = [...]")


def test_the_self_test_command_exits_0_from_source(tmp_path):
    done = subprocess.run([sys.executable, "app.py", "self-test", "--json"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "LINLI_DATA_DIR": str(tmp_path),
                                                       "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and [s["step"] for s in report["steps"]] == STEPS
    assert not (tmp_path / "linli-desk.sqlite3").exists()  # the user's store is never touched


def test_a_failing_step_is_named_and_stops_the_self_test():
    def broken_printer(*_: object) -> Path:
        raise OSError("打印机脱机")

    report = selftest.run(sheet_pdf=broken_printer, now=datetime(2026, 11, 24, 10, 0))
    assert report["ok"] is False
    failed = selftest.first_failure(report)
    assert failed["step"] == "sheet" and "打印机脱机" in failed["detail"]


def test_every_resource_file_is_in_build_spec():
    patterns = spec_list("RESOURCES")
    files = [p.relative_to(ROOT / "resources").as_posix() for p in (ROOT / "resources").rglob("*")
             if p.is_file() and p.suffix not in SOURCE_SUFFIXES and "__pycache__" not in p.parts]
    missing = [f for f in files if not any(fnmatch.fnmatch(f, pattern) for pattern in patterns)]
    assert missing == [], "add these to RESOURCES in build.spec, or they will not reach the duty PC"


def test_build_spec_ships_each_compiled_catalog_and_no_catalog_source():
    patterns = spec_list("RESOURCES")
    shipped = [f"locale/{language}/LC_MESSAGES/linli.mo" for language in ("en", "zh_CN")]
    assert all(any(fnmatch.fnmatch(f, pattern) for pattern in patterns) for f in shipped)
    assert not any(fnmatch.fnmatch("locale/en/LC_MESSAGES/linli.po", pattern) for pattern in patterns)


def test_the_self_test_fails_when_a_build_lost_a_catalog(tmp_path):
    # a build's resources, as PyInstaller unpacks them (sys._MEIPASS), without the English catalog
    shutil.copytree(ROOT / "resources", tmp_path / "resources", ignore=shutil.ignore_patterns("en", "*.py"))
    code = ("import json, sys\n"
            f"sys._MEIPASS = {str(tmp_path)!r}\n"
            "from booking.ops import selftest\n"
            "from datetime import datetime\n"
            "print(json.dumps(selftest.first_failure(selftest.run(now=datetime(2026, 11, 24, 10, 0)))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "LINLI_DATA_DIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"})
    failed = json.loads(done.stdout)
    assert failed["step"] == "resources" and "no message catalog for en" in failed["detail"], done.stderr


def test_build_spec_names_no_platform_paths():
    for fragment in ("C:\\\\", "C:/", "/usr/", "/root/", "site-packages", "/home/"):
        assert fragment not in SPEC


@pytest.mark.skipif(os.environ.get("LINLI_BUILD_TEST") != "1",
                    reason="the PyInstaller build takes a while: set LINLI_BUILD_TEST=1 (CI runs .ci/build-smoke)")
def test_the_built_program_passes_its_self_test():
    done = subprocess.run(["bash", ".ci/build-smoke"], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "self-test exit 0" in done.stdout


def _exe_calls() -> list[ast.Call]:
    return [node.value for node in ast.parse(SPEC).body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", None) == "EXE"]


def test_both_programs_run_python_in_utf8_mode():
    """Output redirected on a cp936 or cp1252 Windows must still be UTF-8 (issue 17 item 3)."""
    assert ("X utf8_mode=1", None, "OPTION") in spec_list("PYTHON_OPTIONS")
    calls = _exe_calls()
    assert len(calls) == 2
    assert all(any(getattr(arg, "id", None) == "PYTHON_OPTIONS" for arg in call.args) for call in calls)


def test_neither_program_is_packed_with_upx():
    """UPX-packed programs are what antivirus flags most (docs/windows.md)."""
    for call in _exe_calls():
        assert any(k.arg == "upx" and getattr(k.value, "value", None) is False for k in call.keywords)
