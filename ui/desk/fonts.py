"""Fonts by family with fallbacks: Microsoft YaHei on Windows, Noto Sans CJK elsewhere.

Everything the program draws or prints asks here, so Chinese never renders as
boxes and a printed sheet embeds a real CJK font.
"""
from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC",
            "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC", "SimHei", "SimSun")
MONO = ("Consolas", "Noto Sans Mono CJK SC", "DejaVu Sans Mono", "Courier New")


def _first_installed(candidates: tuple[str, ...]) -> list[str]:
    installed = set(QFontDatabase.families())
    found = [name for name in candidates if name in installed]
    return found or list(candidates)


def ui_font(point_size: float = 10.0, bold: bool = False) -> QFont:
    """The program's font: the first installed CJK family, the others as fallbacks."""
    font = QFont()
    font.setFamilies(_first_installed(FAMILIES))
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def family_css() -> str:
    """The same families for HTML/CSS (printed documents)."""
    return ", ".join(f"'{name}'" for name in _first_installed(FAMILIES)) + ", sans-serif"


def mono_font(point_size: float = 10.0) -> QFont:
    font = QFont()
    font.setFamilies(_first_installed(MONO) + _first_installed(FAMILIES))
    font.setPointSizeF(point_size)
    return font
