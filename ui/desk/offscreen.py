"""The Qt application of the headless commands that draw (pass images and slips, the daily sheet,
the heat-map, self-test: booking/cli/drawing_commands.py).

This module loads no Qt when imported: a command that draws calls
`offscreen_app()` first, which picks a Qt platform that needs no display and
no user setting (the 07:00 scheduled print), and refuses to draw when no
installed font has Chinese characters.

The platform is `minimal:enable_fonts` unless QT_QPA_PLATFORM says otherwise.
Qt's `offscreen` platform, the obvious choice, reads fonts on Windows only
from Qt's own lib/fonts folder (its QFreeTypeFontDatabase, see
QPlatformFontDatabase::fontDir), and PySide6 ships none there: every character
came out as a box. The `minimal` platform with its `enable_fonts` option uses
the system's own font database instead (QWindowsFontDatabase on Windows,
fontconfig on Linux, CoreText on macOS: qminimalintegration.cpp); without the
option it has no fonts at all. Should someone choose `offscreen` on Windows,
QT_QPA_FONTDIR is pointed at %WINDIR%\\Fonts so it finds them too.
"""
from __future__ import annotations

import os
import sys
from typing import Any

from booking.store.errors import DeskError

DRAWING_PLATFORM = "minimal:enable_fonts"
PROBE = "中"  # a character every Chinese font has, and no Latin-only font


def choose_platform(environ: dict[str, str] | Any = os.environ, platform: str = sys.platform) -> None:
    """Set the Qt platform for drawing without a display, unless one is set (see the module)."""
    environ.setdefault("QT_QPA_PLATFORM", DRAWING_PLATFORM)
    if platform == "win32" and environ["QT_QPA_PLATFORM"].startswith("offscreen"):
        windows = environ.get("WINDIR") or environ.get("SystemRoot") or r"C:\Windows"
        environ.setdefault("QT_QPA_FONTDIR", os.path.join(windows, "Fonts"))


def offscreen_app(check_fonts: bool = True) -> Any:
    """The QApplication for drawing commands, on a platform with the system's fonts.

    Refuses (DeskError) when no installed font has Chinese characters, so a command never
    exits 0 with a sheet or pass of boxes. self-test passes check_fonts=False: its own Qt
    step reports the missing font among its other checks.
    """
    choose_platform()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["linli-desk"])
    if check_fonts and not has_chinese_font():
        raise DeskError("system", "draw_no_chinese_font", platform=QApplication.platformName())
    return app


def has_chinese_font() -> bool:
    """True when Qt knows a font with Chinese characters and the program's font draws 中 with it."""
    from PySide6.QtGui import QFontDatabase, QFontMetrics

    from ui.desk.fonts import ui_font
    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        return False
    return QFontMetrics(ui_font()).inFont(PROBE)
