"""One light colour scheme for the whole program, whatever Windows' dark mode says.

The board, the scan banner, the passes and the printed sheet are drawn in fixed
light colours chosen for reading at a glance (green and red banners, blue
bookings on white hours). Qt 6 follows Windows' dark mode for everything else,
which gave light boards in dark windows with dark text on dark fields. The
program therefore asks for the light scheme, uses the Fusion style (which
draws every widget from the palette, the same on Windows 10 and 11) and sets
an explicit light palette whose Base is the board's white.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

STYLE = "Fusion"
BASE = "#ffffff"  # the board's hours (ui/board/day_board.py), fields and lists
WINDOW = "#f0f2f5"
TEXT = "#1f2a3a"
DISABLED_TEXT = "#8a96a8"
HIGHLIGHT = "#2f6fd6"

_ROLES = {
    QPalette.ColorRole.Window: WINDOW,
    QPalette.ColorRole.WindowText: TEXT,
    QPalette.ColorRole.Base: BASE,
    QPalette.ColorRole.AlternateBase: "#f6f7f9",
    QPalette.ColorRole.Text: TEXT,
    QPalette.ColorRole.PlaceholderText: DISABLED_TEXT,
    QPalette.ColorRole.Button: "#e8ebef",
    QPalette.ColorRole.ButtonText: TEXT,
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Light: "#ffffff",
    QPalette.ColorRole.Midlight: "#e3e8ef",
    QPalette.ColorRole.Mid: "#b8c0cc",
    QPalette.ColorRole.Dark: "#8a96a8",
    QPalette.ColorRole.Shadow: "#4a5568",
    QPalette.ColorRole.Highlight: HIGHLIGHT,
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#2456a6",
    QPalette.ColorRole.LinkVisited: "#6b3fa0",
    QPalette.ColorRole.ToolTipBase: "#fffbe6",
    QPalette.ColorRole.ToolTipText: TEXT,
    QPalette.ColorRole.Accent: HIGHLIGHT,
}


def light_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _ROLES.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT))
    return palette


def apply(app: Any) -> None:
    """The light scheme, the Fusion style and the light palette, for the whole application."""
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "setColorScheme"):  # Qt 6.8+: also tells the native dialogs
        hints.setColorScheme(Qt.ColorScheme.Light)
    app.setStyle(STYLE)
    app.setPalette(light_palette())
