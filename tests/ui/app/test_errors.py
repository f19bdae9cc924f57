"""An unexpected error shows a dialog with what happened and where the log is; the desk keeps running."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from booking.store.errors import DeskError
from ui.app import errors

ROOT = Path(__file__).resolve().parents[3]
# pytest-qt would otherwise take the exceptions for itself and fail the test
pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def reporter(qtbot, tmp_path):
    installed = errors.ErrorReporter(tmp_path / "logs" / "linli-desk.log").install()
    yield installed
    installed.uninstall()
    if installed.dialog is not None:
        installed.dialog.close()


@pytest.fixture
def failing_button(qtbot):
    button = QPushButton("保存")
    qtbot.addWidget(button)
    button.clicks = 0

    def save() -> None:
        button.clicks += 1
        raise RuntimeError("预约表写入失败")

    button.clicked.connect(save)
    return button


def test_an_exception_in_a_slot_shows_the_error_dialog_instead_of_ending_the_program(
        qtbot, reporter, failing_button, tmp_path):
    failing_button.click()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert "预约表写入失败" in reporter.dialog.text()
    assert str(tmp_path / "logs" / "linli-desk.log") in reporter.dialog.informativeText()
    assert "RuntimeError" in reporter.dialog.detailedText()
    failing_button.click()  # the program is still there and still answers
    assert failing_button.clicks == 2


def test_a_repeating_error_counts_in_one_dialog(qtbot, reporter, failing_button):
    failing_button.click()
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    first = reporter.dialog
    failing_button.click()
    failing_button.click()
    qtbot.waitUntil(lambda: "同样的错误又出现了 2 次" in first.informativeText())
    assert reporter.dialog is first


def test_a_desk_error_that_escapes_is_shown_in_its_own_words(qtbot, reporter):
    button = QPushButton()
    qtbot.addWidget(button)

    def refuse() -> None:
        raise DeskError("store", "store_full")

    button.clicked.connect(refuse)
    button.click()
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    assert reporter.dialog.text() == DeskError("store", "store_full").message()


def test_an_error_in_a_worker_thread_is_shown_on_the_window(qtbot, reporter):
    def backup_in_background() -> None:
        raise OSError("备份盘已拔出")

    worker = threading.Thread(target=backup_in_background)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    assert "备份盘已拔出" in reporter.dialog.text()


def test_the_shower_can_be_replaced(qtbot, tmp_path, failing_button):
    shown = []
    installed = errors.ErrorReporter(tmp_path / "x.log", show=lambda *parts: shown.append(parts)).install()
    try:
        failing_button.click()
        qtbot.waitUntil(lambda: shown != [])
    finally:
        installed.uninstall()
    title, what, details = shown[0]
    assert title == "邻里服务台出错了" and "预约表写入失败" in what


def test_a_real_program_survives_an_error_in_a_slot_and_logs_it(tmp_path):
    log_file = tmp_path / "linli-desk.log"
    code = f"""
import sys, logging
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from booking.store import logs
from ui.app import errors
logs.setup({str(tmp_path)!r})
app = QApplication([])
reporter = errors.install()
def fail(): raise ZeroDivisionError("每小时费用除以零")
QTimer.singleShot(0, fail)
QTimer.singleShot(300, lambda: print("still running, dialog:", reporter.dialog.isVisible()))
QTimer.singleShot(400, app.quit)
sys.exit(app.exec())
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert "still running, dialog: True" in done.stdout
    assert "每小时费用除以零" in log_file.read_text(encoding="utf-8")
