"""One desk per store: a second start on the same store is refused and brings the first forward."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow

from ui.app import instance
from ui.app.instance import SingleInstance

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def first(qtbot, tmp_path):
    claimed = SingleInstance(tmp_path / "linli-desk.sqlite3")
    assert claimed.claim()
    yield claimed
    claimed.release()


def test_a_second_start_on_the_same_store_is_refused_and_asks_the_first_to_come_forward(qtbot, first, tmp_path):
    second = SingleInstance(tmp_path / "linli-desk.sqlite3")
    with qtbot.waitSignal(first.raise_requested, timeout=3000):
        assert second.claim() is False


def test_a_second_program_on_the_same_store_is_refused(qtbot, first, tmp_path):
    code = ("import sys; from PySide6.QtCore import QCoreApplication; app = QCoreApplication([]);"
            "from ui.app.instance import SingleInstance;"
            f"sys.exit(0 if SingleInstance({str(tmp_path / 'linli-desk.sqlite3')!r}).claim() else 3)")
    with qtbot.waitSignal(first.raise_requested, timeout=15000):
        process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    assert process.wait(timeout=15) == 3


def test_the_same_store_by_another_spelling_is_the_same_store(qtbot, first, tmp_path):
    other_spelling = tmp_path / "sub" / ".." / "linli-desk.sqlite3"
    (tmp_path / "sub").mkdir()
    assert SingleInstance(other_spelling).claim() is False


def test_another_store_gets_its_own_window(qtbot, first, tmp_path):
    other = SingleInstance(tmp_path / "test-copy.sqlite3")
    assert other.claim() is True
    other.release()


def test_after_the_first_desk_closes_the_store_can_be_claimed_again(qtbot, first, tmp_path):
    first.release()
    again = SingleInstance(tmp_path / "linli-desk.sqlite3")
    assert again.claim() is True
    again.release()


def test_the_first_window_is_brought_forward(qtbot, first, tmp_path):
    window = QMainWindow()
    qtbot.addWidget(window)
    first.watch(window)
    window.showMinimized()
    with qtbot.waitSignal(first.raise_requested, timeout=3000):
        SingleInstance(tmp_path / "linli-desk.sqlite3").claim()
    qtbot.waitUntil(lambda: window.isVisible() and not window.isMinimized())


def test_the_refusal_names_the_store(tmp_path):
    text = instance.already_running_text(tmp_path / "linli-desk.sqlite3")
    assert "已经在另一个邻里服务台窗口中打开" in text and "linli-desk.sqlite3" in text


class User32:
    """Stands in for ctypes.windll.user32: records what the second start grants."""

    def __init__(self) -> None:
        self.granted: list[int] = []

    def AllowSetForegroundWindow(self, pid: int) -> int:  # noqa: N802  (the Windows name)
        self.granted.append(pid)
        return 1


def test_windows_is_asked_to_let_the_first_desk_come_to_the_front():
    user32 = User32()
    assert instance.allow_foreground(4321, user32) is True
    assert user32.granted == [4321]


def test_when_the_first_desk_said_nothing_any_process_may_come_forward():
    user32 = User32()
    instance.allow_foreground(None, user32)
    assert user32.granted == [instance.ASFW_ANY]


@pytest.mark.skipif(sys.platform == "win32", reason="there the real user32 is called")
def test_elsewhere_nothing_is_granted():
    assert instance.allow_foreground(4321) is False


def test_a_second_program_grants_the_first_desk_the_foreground_by_its_process_id(qtbot, first, tmp_path):
    code = ("import sys; from PySide6.QtCore import QCoreApplication; app = QCoreApplication([]);"
            "from ui.app.instance import SingleInstance;"
            f"second = SingleInstance({str(tmp_path / 'linli-desk.sqlite3')!r}, grant_foreground=print);"
            "sys.exit(0 if second.claim() else 3)")
    with qtbot.waitSignal(first.raise_requested, timeout=15000):
        process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    out, _ = process.communicate(timeout=15)
    assert process.returncode == 3 and out.strip() == str(os.getpid())


def _server(url: str):
    from booking.store import location
    found = location.parse(url)
    assert isinstance(found, location.StoreServer)
    return found


def test_a_server_store_is_claimed_by_its_url_without_the_password():
    one = instance.server_name(_server("postgresql://linli_desk:secret-1@192.168.1.10/linli?sslmode=verify-full"))
    assert one == instance.server_name(_server(
        "postgresql://linli_desk:another@192.168.1.10:5432/linli?sslmode=verify-full"))
    assert one != instance.server_name(_server("postgresql://linli_desk@192.168.1.10/other?sslmode=verify-full"))
    assert "secret-1" not in instance.store_key(_server("postgresql://linli_desk:secret-1@192.168.1.10/linli"))


@pytest.fixture
def first_on_server(qtbot):
    claimed = SingleInstance(_server("postgresql://linli_desk:secret-1@192.168.1.10/linli"))
    assert claimed.claim()
    yield claimed
    claimed.release()


def test_a_second_start_on_the_same_server_store_is_refused_naming_the_url_without_password(qtbot,
                                                                                           first_on_server):
    second = SingleInstance(_server("postgresql://linli_desk@192.168.1.10/linli"))
    with qtbot.waitSignal(first_on_server.raise_requested, timeout=3000):
        assert second.claim() is False
    text = instance.already_running_text(_server("postgresql://linli_desk:secret-1@192.168.1.10/linli"))
    assert "postgresql://linli_desk@192.168.1.10:5432/linli" in text and "secret-1" not in text
