"""The program started as a user starts it, in a subprocess: it opens the window, signs in,
shows the day and exits 0 when closed (PySide6 6.12 aborted at exit here; 6.11.3 is pinned)."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from booking.ops import demo, setup
from tests.conftest import server_location

ROOT = Path(__file__).resolve().parents[3]
NOW = "2026-11-24 10:00"


def run_app(store_path: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LINLI_SMOKE_EXIT_MS="1500",
               LINLI_SMOKE_SIGNIN="值班员甲:desk-secret-1", LINLI_DATA_DIR=str(tmp_path / "appdata"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    return subprocess.run([sys.executable, "app.py", "--db", str(store_path), "--now", NOW, *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def smoke_line(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in result.stdout.splitlines() if line.startswith("linli-smoke:")]
    assert lines, result.stdout + result.stderr
    return lines[-1]


@pytest.mark.slow
def test_the_window_opens_and_exits_0_on_a_fresh_store(tmp_path):
    result = run_app(tmp_path / "fresh.sqlite3", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "值班员甲" in smoke_line(result)


@pytest.mark.slow
def test_the_window_exits_0_with_thousands_of_bookings_shown(tmp_path):
    path = tmp_path / "busy.sqlite3"
    store = setup.open_ready(path, now=datetime(2026, 11, 24, 10, 0))
    filled = demo.fill(store, years=30 / 365, now=datetime(2026, 11, 24, 10, 0))
    store.close()
    assert filled["bookings"] >= 5000
    result = run_app(path, tmp_path)
    assert result.returncode == 0, result.stderr
    shown = int(smoke_line(result).split(", ")[1].split()[0])
    assert shown >= 100  # the day's blocks were on the board when it closed


@pytest.mark.slow
def test_a_file_that_is_not_a_store_is_refused_with_exit_1(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("not a database", encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LINLI_DATA_DIR=str(tmp_path / "appdata"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    # The message box waits for a click; the smoke timer does not run before the store opens,
    # so close it from outside by its timeout: a refusal must come before any window.
    result = subprocess.run([sys.executable, "-c",
                             "import sys, app\n"
                             "from PySide6.QtCore import QTimer\n"
                             "from PySide6.QtWidgets import QApplication, QMessageBox\n"
                             "app_ = QApplication([])\n"
                             "def close():\n"
                             "    box = QApplication.activeModalWidget()\n"
                             "    if box is not None:\n"
                             "        print('message:', box.text(), flush=True); box.accept()\n"
                             "    else:\n"
                             "        QTimer.singleShot(100, close)\n"
                             "QTimer.singleShot(100, close)\n"
                             f"sys.exit(app.main(['--db', {str(path)!r}]))\n"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "不是" in result.stdout and "数据文件" in result.stdout  # said in words, in a message box
    assert "Traceback" not in result.stderr


def _on_server(url, *extra: str, password: str | None, tmp_path: Path, box: bool = False,
               lang: str = "zh") -> subprocess.CompletedProcess:
    """The program started on a server store named by LINLI_DB, its password in LINLI_DB_PASSWORD."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LINLI_SMOKE_EXIT_MS="1500",
               LINLI_SMOKE_SIGNIN="值班员甲:desk-secret-1", LINLI_DATA_DIR=str(tmp_path / "appdata"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               LINLI_DB=server_location(url).shown(), LINLI_LANG=lang)  # the URL without the password
    env.pop("LINLI_DB_PASSWORD", None)
    if password is not None:
        env["LINLI_DB_PASSWORD"] = password
    code = ["app.py", "--now", NOW, *extra] if not box else ["-c", _BOX, "--now", NOW, *extra]
    return subprocess.run([sys.executable, *code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


# closes the first message box, printing its text (a refusal must come before any window)
_BOX = ("import sys, app\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app_ = QApplication([])\n"
        "def close():\n"
        "    box = QApplication.activeModalWidget()\n"
        "    if box is not None:\n"
        "        print('message:', box.text(), flush=True); box.accept()\n"
        "    else:\n"
        "        QTimer.singleShot(100, close)\n"
        "QTimer.singleShot(100, close)\n"
        "sys.exit(app.main(sys.argv[1:]))\n")


@pytest.mark.slow
def test_the_window_opens_on_a_server_store_named_by_linli_db(tmp_path, pg_url):
    result = _on_server(pg_url, password=pg_url.password, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "值班员甲" in smoke_line(result)
    # signed in to the server as the store's owner: today's backup of it, a Linli SQLite file, finished before exit
    made = sorted(p.name for p in (tmp_path / "appdata" / "backups").glob("linli-server-*-2026-11-24.sqlite3"))
    assert len(made) == 1 and made[0].startswith("linli-server-127.0.0.1_"), made


@pytest.mark.slow
def test_a_wrong_server_password_is_said_in_words_and_exits_1(tmp_path, pg_url):
    result = _on_server(pg_url, password="not-the-password", tmp_path=tmp_path, box=True, lang="en")
    assert result.returncode == 1, result.stderr
    assert "Wrong password" in result.stdout and "not-the-password" not in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_an_empty_server_database_is_said_to_hold_no_store_and_exits_1(tmp_path, pg_empty_url):
    result = _on_server(pg_empty_url, password=pg_empty_url.password, tmp_path=tmp_path, box=True)
    assert result.returncode == 1, result.stderr
    assert "还没有邻里数据存储" in result.stdout and "Traceback" not in result.stderr
