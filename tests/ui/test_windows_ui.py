"""The desk window on Windows, simulated here: dark mode, save dialogs' folder."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFileDialog

from booking.store.audit import Actor
from ui.desk import theme
from ui.reports import printing
from ui.board.day_board import DayBoard
from ui.board.model import BoardModel
from ui.desk.session import Desk
from ui.widgets.documents import documents_folder
from ui.reports.heatmap import HeatmapDialog

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dark_windows(qapp):
    """The palette Qt 6 gives every widget when Windows is in dark mode; put back afterwards."""
    palette, style = qapp.palette(), qapp.style().name()
    dark = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#202020"), (QPalette.ColorRole.Base, "#1c1c1c"),
                         (QPalette.ColorRole.Text, "#ffffff"), (QPalette.ColorRole.WindowText, "#ffffff")):
        dark.setColor(role, QColor(colour))
    qapp.setPalette(dark)
    yield qapp
    qapp.setStyle(style)
    qapp.setPalette(palette)


def painted_at_noon(board: DayBoard, code: str) -> QColor:
    """The colour the board paints in an empty hour of `code`'s row (12:00, daylight)."""
    proxy = board.proxy
    row = next(n for n in range(proxy.rowCount()) if proxy.index(n, 0).data(BoardModel.CodeRole) == code)
    board.view.scrollTo(proxy.index(row, 13))
    rect = board.view.visualRect(proxy.index(row, 13))
    return board.view.viewport().grab().toImage().pixelColor(rect.center().x(), rect.center().y())


def test_in_dark_mode_the_board_and_the_window_share_one_light_scheme(qtbot, dark_windows, store, now):
    theme.apply(dark_windows)
    board = DayBoard(store, lambda: now)
    qtbot.addWidget(board)
    board.resize(1400, 600)
    board.show()
    qtbot.waitExposed(board)
    base = QApplication.palette().color(QPalette.ColorRole.Base)
    assert painted_at_noon(board, "P001") == base
    assert board.view.viewport().palette().color(QPalette.ColorRole.Base) == base
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 200
    assert QApplication.palette().color(QPalette.ColorRole.Text).lightness() < 80


def test_the_light_scheme_is_the_fusion_style(dark_windows):
    theme.apply(dark_windows)
    assert dark_windows.style().name().lower() == "fusion"


# --- save dialogs start in the Documents folder, not the working directory (Program Files) ----------

@pytest.fixture
def asked(monkeypatch) -> list[str]:
    """Records the path each save dialog suggests; the clerk then cancels."""
    suggested: list[str] = []

    def dialog(parent, title, start="", filters="", *args, **kwargs):
        suggested.append(start)
        return "", ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    return suggested


def test_saving_the_sheet_as_pdf_suggests_the_documents_folder(qtbot, store, now, asked):
    from datetime import date
    printing.save_pdf_dialog(Desk(store, Actor("值班员乙", "clerk"), fixed_now=now), date(2026, 11, 24))
    assert Path(asked[0]).parent == documents_folder() and asked[0].endswith("2026-11-24.pdf")


def test_saving_the_heatmap_suggests_the_documents_folder(qtbot, store, now, asked):
    dialog = HeatmapDialog(Desk(store, Actor("管理员甲", "admin"), fixed_now=now))
    qtbot.addWidget(dialog)
    dialog.save()
    assert Path(asked[0]).parent == documents_folder()


def test_every_save_dialog_in_the_program_starts_in_a_chosen_folder():
    """No getSaveFileName with a bare file name (relative to the working directory)."""
    bare = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "getSaveFileName":
                start = ast.unparse(node.args[2]) if len(node.args) > 2 else ""
                if not any(word in start for word in ("in_documents", "folder", "suggested", "documents")):
                    bare.append(f"{path.name}: {start}")
    assert bare == []
