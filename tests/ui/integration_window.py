"""What the integration tests share: the window built as tests/ui/app/test_mainwindow.py builds it,
the clerk's answers to its confirmations, and a short way to write a minute."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QApplication

from ui.app.mainwindow import MainWindow


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


class Answers:
    """The clerk's answers to the window's confirmations, and the questions asked."""

    def __init__(self, *answers: bool) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, title: str, text: str) -> bool:
        self.asked.append(text)
        return self.answers.pop(0) if self.answers else False


def make_window(qtbot, desk, settings, confirm=None) -> MainWindow:
    window = MainWindow(desk, settings, confirm=confirm or Answers())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window
