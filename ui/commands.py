"""Headless commands that draw (pass images and slips, the daily sheet).

This module loads no Qt when imported: a command that draws calls
`offscreen_app()` first, which picks Qt's offscreen platform so the command
works with no display and no user setting (the 07:00 scheduled print).
"""
from __future__ import annotations

import os
from typing import Any


def offscreen_app() -> Any:
    """The QApplication for drawing commands, on the offscreen platform unless one is set."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(["linli-desk"])


import ui.selftest  # noqa: E402,F401  (registers self-test)
import ui.pass_command  # noqa: E402,F401  (registers pass)
import ui.sheet_commands  # noqa: E402,F401  (registers sheet, heatmap)
