"""The `self-test` command: booking/ops/selftest.py's steps plus the ones that need Qt.

Its arguments are in booking/cli/drawing_commands.py; like every drawing command it loads Qt only
inside the handler, after `offscreen_app()`. The Qt checks are the ones a
frozen build gets wrong: the platform plugin, Qt's own Chinese translation,
the icon, a font that has Chinese characters, and writing a PDF.
"""
from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from typing import Any

from booking.cli import registry as cli
from booking.ops import selftest
from booking.schedule import bookings
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.paths import resource_path
from ui.desk.offscreen import offscreen_app

ICON = ("icons", "linli-desk.png")


def _fmt(result: dict[str, Any]) -> str:
    lines = [f"{'ok ' if s['ok'] else 'BAD'} {s['step']:<10} {s['ms']:>8.1f} ms  {s['detail']}"
             for s in result["steps"]]
    return "\n".join(lines + [f"{result['ms']} ms"])


@cli.command("self-test", _fmt)
def _self_test(ctx: cli.Context) -> dict[str, Any]:
    offscreen_app(check_fonts=False)  # its "qt" step reports a missing Chinese font with the rest
    keep = Path(ctx.args.keep) if ctx.args.keep else None
    result = selftest.run(sheet_pdf=_sheet_pdf, now=ctx.now, checks=[("qt", _qt_check)], keep=keep)
    failed = selftest.first_failure(result) or ({"step": "?", "detail": "-"} if not result["ok"] else None)
    if failed:
        raise DeskError("internal", "selftest_failed", details=result, step=failed["step"], detail=failed["detail"])
    return result


def _qt_check() -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QLibraryInfo, QTranslator
    from PySide6.QtGui import QFontDatabase, QGuiApplication, QIcon

    from ui.desk.fonts import ui_font

    translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not QTranslator().load("qtbase_zh_CN", translations):
        raise RuntimeError(f"qtbase_zh_CN.qm not found in {translations}")
    icon = resource_path(*ICON)
    if QIcon(str(icon)).isNull():
        raise RuntimeError(f"the icon {icon} does not load")
    font = ui_font()
    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        raise RuntimeError("no installed font has Chinese characters: the desk would show boxes")
    return (f"PySide6 {pyside_version}, platform {QGuiApplication.platformName()}, "
            f"qtbase_zh_CN.qm, icon, font {font.family()}")


def _sheet_pdf(store: Any, day: date, path: Path) -> Path:
    """The daily sheet through ui.reports.printing when it is there; else a one-page PDF drawn here.

    Only a missing module falls back: ui.reports.printing failing to import (say, a
    library the build left out) is exactly what the self-test must report.
    """
    if importlib.util.find_spec("ui.reports.printing") is None:
        return _plain_pdf(store, day, path)
    from ui.reports.printing import sheet_pdf

    written = sheet_pdf(store, day, path)
    return Path(written) if written else path


def _plain_pdf(store: Any, day: date, path: Path) -> Path:
    from PySide6.QtCore import QMarginsF, QRectF, Qt
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

    from ui.desk.fonts import ui_font

    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    writer.setTitle(tr("selftest_sheet_title", day=day.isoformat()))
    painter = QPainter(writer)
    try:
        painter.setFont(ui_font(12))
        height = painter.fontMetrics().height() * 1.5
        lines = [tr("selftest_sheet_title", day=day.isoformat())]
        lines += [f"{b.resource}  {b.start:%H:%M}–{b.end:%H:%M}  {b.plate or ''}  {b.to_json()['status_text']}"
                  for b in bookings.on_date(store, day)]
        for n, line in enumerate(lines):
            painter.drawText(QRectF(0, n * height, writer.width(), height), Qt.AlignmentFlag.AlignLeft, line)
    finally:
        painter.end()
    return path

