"""Printing the daily occupancy sheet: to a PDF file, to a printer, in a print preview.

The sheet is built as data and HTML by booking/reporting/sheet.py; here Qt only lays the
HTML out with QTextDocument and paints its pages, as in Qt's textedit example
(`QPrintPreviewDialog.paintRequested`, a QPrinter or a QPdfWriter as the paint
device). The pages are painted one by one rather than with
`QTextDocument.print_` so that each carries a footer with its number.

Parking is laid out in a fixed number of lines per column (booking/reporting/sheet.py
says why a busy day takes three pages at 9 pt): how many fit depends on the
font's line height, which only Qt knows. `_fitted_document` measures it on a
small probe first, lays the whole sheet out with that, and checks that every
parking page ended on its page (a narrower fit is tried if not).

Entry points:
  sheet_pdf(store, day, path, clerk=None)        PDF file, written whole or not at all
  print_sheet(store, day, printer_name=None)     to an installed printer (the 07:00 task)
  preview_sheet(desk, day, parent=None)          print preview with a Print button (Ctrl+P)
  save_pdf_dialog(desk, day, parent=None)        ask for a file name, save the PDF there
"""
from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (QFont, QFontMetricsF, QPageLayout, QPageSize, QPagedPaintDevice, QPainter,
                           QPdfWriter, QTextDocument, QTextTable)
from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QWidget

from booking.checkin.sweep import sweep
from booking.reporting import printers, sheet as sheets
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.checkin.passinfo import output_target, write_whole
from booking.reporting.sheet import PageFit, Sheet
from booking.store.connection import Store
from ui.desk.session import current_minute
from ui.desk.fonts import family_css, ui_font
from ui.widgets.documents import in_documents
from ui.passes.slip import repair_to_unicode


MARGIN_MM = 6.0
FOOTER_MM = 5.5
PDF_DPI = 300
BASE_PT = 9.0  # the sheet's smallest text: lines, legend, footer (read by older eyes, issue 12)
# (cell padding, letter-spacing of the time, plate and check-in/out cells), in points: the roomiest
# first; a font whose columns come out wider than the page gets the next. Never a smaller font.
LAYOUTS = ((1.0, -0.2), (0.6, -0.35), (0.3, -0.5))


def page_layout() -> QPageLayout:
    """A4 landscape with narrow margins, the same for PDF and paper."""
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                       QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter)


def _base_font(size: float = BASE_PT) -> QFont:
    font = ui_font(size)
    # Noto CJK's 'locl' swaps the digits after a Latin letter (P012, 川A12345) for glyphs no
    # character maps to: the PDF would lose them from copy and search (see ui/passes/slip.py).
    font.setFeature(QFont.Tag("locl"), 0)
    return font


def _document(html: str, device: QPagedPaintDevice, page: QSizeF, size: float = BASE_PT) -> QTextDocument:
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(device)  # fonts in points resolve at the device's resolution
    doc.setDefaultFont(_base_font(size))
    doc.setDocumentMargin(0)
    doc.setHtml(html)
    doc.setPageSize(page)
    return doc


def _parking_tables(doc: QTextDocument, groups: int) -> list[QTextTable]:
    columns = groups * len(sheets._PARKING_COLUMNS) + groups - 1  # and a gap between groups
    return [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable) and f.columns() == columns]


def _content_size(device: QPagedPaintDevice) -> QSizeF:
    per_mm = device.logicalDpiY() / 25.4
    return QSizeF(device.width(), device.height() - FOOTER_MM * per_mm)


def _fitted_document(sheet: Sheet, device: QPagedPaintDevice) -> QTextDocument:
    """The sheet laid out for `device` with as many parking lines per page as really fit.

    Always at BASE_PT; a font whose columns come out wider than the page (another
    family, longer words in another language) is tried with tighter cells.
    """
    for pad, track in LAYOUTS[:-1]:
        doc = _fitted_at(sheet, device, pad, track)
        if not _too_wide(doc, device):
            return doc
    return _fitted_at(sheet, device, *LAYOUTS[-1])  # the tightest, whether it fits or not


def _fitted_at(sheet: Sheet, device: QPagedPaintDevice, pad: float, track: float,
               size: float = BASE_PT) -> QTextDocument:
    families = family_css()
    page = _content_size(device)
    guess = PageFit()
    # A probe with a few spaces has the same header and the same line height, at a fraction of the cost.
    probe_sheet = dataclasses.replace(sheet, spaces=sheet.spaces[:12], rooms=())
    probe_rows = 8
    probe = _document(sheets.to_html(probe_sheet, families, PageFit(probe_rows, probe_rows, guess.groups), size,
                                     pad, track), device, page, size)
    layout = probe.documentLayout()
    tables = _parking_tables(probe, guess.groups)
    fit = guess
    if tables:
        rect = layout.frameBoundingRect(tables[0])
        row = rect.height() / tables[0].rows()
        first = math.floor((page.height() - rect.top()) / row) - 1   # the column heads
        rest = math.floor(page.height() / row) - 1
        fit = PageFit(max(first, 5), max(rest, 5), guess.groups)
    for _ in range(4):
        doc = _document(sheets.to_html(sheet, families, fit, size, pad, track), device, page, size)
        spill = _spilt_table(doc, fit.groups, page.height())
        if spill is None:
            return doc
        # A font taller than measured: one line less on the page that spilt, and try again.
        fit = PageFit(fit.first - (spill == 0), fit.rest - (spill > 0), fit.groups)
    return doc


def _too_wide(doc: QTextDocument, device: QPagedPaintDevice) -> bool:
    # Cells that do not fit push the table past the page's right edge, into the margin; a
    # millimetre or so of it is only rounding (and stays well inside what a printer prints).
    return doc.documentLayout().documentSize().width() > device.width() + 1.5 * device.logicalDpiX() / 25.4


def _spilt_table(doc: QTextDocument, groups: int, height: float) -> int | None:
    """The index of the first parking table that runs over the end of its page, or None.

    A table that ends a hair above its page's foot can still push the empty line after it onto
    the next page, and the next table's page break then leaves that page blank: a table that
    does not start on its own page counts as a spill of the one before it.
    """
    layout = doc.documentLayout()
    for index, table in enumerate(_parking_tables(doc, groups)):
        rect = layout.frameBoundingRect(table)
        # Page tops are fractional; a table starting a page may begin a hair above its top.
        top = math.floor((rect.top() + 1) / height)
        if top != index:
            return max(index - 1, 0)
        if top != math.floor((rect.bottom() - 1) / height):
            return index
    return None


def paint_sheet(sheet: Sheet, device: QPagedPaintDevice) -> int:
    """Paint every page of `sheet` on `device` (a QPrinter or a QPdfWriter); returns the page count."""
    device.setPageLayout(page_layout())
    doc = _fitted_document(sheet, device)
    page = _content_size(device)
    pages = doc.pageCount()
    footer_font = _base_font()
    footer_font.setPointSizeF(BASE_PT)
    painter = QPainter()
    if not painter.begin(device):
        raise DeskError("internal", "print_failed", name=type(device).__name__)
    try:
        for number in range(pages):
            if number:
                device.newPage()
            painter.save()
            painter.translate(0, -number * page.height())
            doc.drawContents(painter, QRectF(0, number * page.height(), page.width(), page.height()))
            painter.restore()
            painter.setFont(footer_font)
            metrics = QFontMetricsF(footer_font, device)
            band = QRectF(0, device.height() - metrics.height(), device.width(), metrics.height())
            painter.drawText(band, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                             sheets.page_footer(sheet, number + 1, pages))
    finally:
        painter.end()
    return pages


def _drawn_text(sheet: Sheet) -> str:
    """Every character the sheet may draw, for repairing the PDF's character maps."""
    return sheets.to_html(sheet) + sheets.page_footer(sheet, 1, 1) + "0123456789 "


def sheet_pdf_data(sheet: Sheet) -> tuple[bytes, int]:
    """The sheet as a PDF document (A4 landscape, its Chinese font embedded) and its page count."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    writer.setTitle(f"{sheet.title} {sheet.day.isoformat()}")
    writer.setCreator(sheet.community)
    pages = paint_sheet(sheet, writer)
    buffer.close()
    bold = _base_font()
    bold.setBold(True)
    return repair_to_unicode(bytes(data.data()), [_base_font(), bold], _drawn_text(sheet)), pages


def build_sheet(store: Store, day: date, clerk: str | None = None, now: datetime | None = None,
                sweep_at: datetime | None = None) -> Sheet:
    """The sheet of `day` after the no-show sweep (at `sweep_at`, else `now`), so its statuses are
    those of this minute."""
    moment = current_minute(now)
    sweep(store, sweep_at or moment)
    return sheets.build(store, day, moment, clerk)


def sheet_pdf(store: Store, day: date, path: str | Path, clerk: str | None = None,
              now: datetime | None = None) -> Path:
    """Save the daily sheet of `day` as a PDF at `path`, whole or not at all; returns the absolute path.

    A folder, a missing folder or an unwritable file is refused with DeskError(field='path')
    before anything is drawn.
    """
    target = output_target(path)
    data, _ = sheet_pdf_data(build_sheet(store, day, clerk, now))
    return write_whole(target, lambda partial: partial.write_bytes(data))


def installed_printers() -> tuple[list[str], str | None]:
    """The names of the installed printers, and the default one's (None if there is none)."""
    default = QPrinterInfo.defaultPrinter()
    return ([p.printerName() for p in QPrinterInfo.availablePrinters()],
            None if default.isNull() else default.printerName())


def printer_for(name: str | None = None) -> QPrinter:
    """A high-resolution QPrinter for the named installed printer, or, for the unattended
    print, the default one if it is a real printer (booking.reporting.printers decides)."""
    names, default = installed_printers()
    if not names:
        raise DeskError("invalid", "print_no_printer", field="printer")
    if not name:
        name = printers.unattended_printer(names, default)  # never Print to PDF, XPS, OneNote ...
    info = QPrinterInfo.printerInfo(name)
    if info.isNull():
        raise DeskError("invalid", "print_unknown_printer", field="printer", name=name, names="、".join(names))
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(page_layout())
    return printer


def print_sheet(store: Store, day: date, printer_name: str | None = None, clerk: str | None = None,
                now: datetime | None = None) -> dict[str, object]:
    """Print the sheet of `day` on an installed printer (the default one unless named).

    Returns {"printer": name, "pages": n}.
    """
    printer = printer_for(printer_name)
    pages = print_on(build_sheet(store, day, clerk, now), printer)
    return {"printer": printer.printerName(), "pages": pages}


def print_on(sheet: Sheet, printer: QPrinter) -> int:
    """Print `sheet` on `printer`; returns the number of pages."""
    printer.setDocName(f"{sheet.title} {sheet.day.isoformat()}")
    return paint_sheet(sheet, printer)


def preview(parent: QWidget | None, desk, day: date) -> QPrintPreviewDialog:
    """Open the print preview of the sheet of `day` (its Print button prints on the chosen printer)."""
    sheet = build_sheet(desk.store, day, desk.actor.name, desk.now(), desk.sweep_now())
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(page_layout())
    printer.setDocName(f"{sheet.title} {day.isoformat()}")
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(tr("print_preview_title", title=sheet.title, date=day.isoformat()))
    dialog.paintRequested.connect(lambda target: paint_sheet(sheet, target))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    _add_keys(dialog, printer, lambda target: paint_sheet(sheet, target), lambda: save_pdf_dialog(desk, day, dialog))
    dialog.resize(1100, 800)
    dialog.open()
    return dialog


def _add_keys(dialog: QPrintPreviewDialog, printer: QPrinter, paint, save_pdf) -> None:
    """Ctrl+P prints from inside the preview too (the desk's own shortcut, where the clerk expects
    it), and a labelled "另存为 PDF" button beside Qt's icons."""
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QToolBar, QToolButton

    def print_now() -> None:
        chooser = QPrintDialog(printer, dialog)
        if chooser.exec() == QPrintDialog.DialogCode.Accepted:
            paint(printer)

    print_action = QAction(tr("print_print"), dialog)  # the dialog owns its actions
    print_action.setShortcut(QKeySequence.StandardKey.Print)
    print_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    print_action.triggered.connect(lambda _checked=False: print_now())
    dialog.addAction(print_action)
    pdf_action = QAction(tr("print_save_pdf"), dialog)
    pdf_action.triggered.connect(lambda _checked=False: save_pdf())
    toolbar = dialog.findChild(QToolBar)
    if toolbar is not None:
        toolbar.addSeparator()
        toolbar.addAction(pdf_action)
        button = toolbar.widgetForAction(pdf_action)
        if isinstance(button, QToolButton):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    else:
        dialog.addAction(pdf_action)


def preview_sheet(desk, day: date, parent: QWidget | None = None) -> QPrintPreviewDialog:
    """What the desk window's Ctrl+P calls: `preview` with the window as parent."""
    return preview(parent, desk, day)


def save_pdf_dialog(desk, day: date, parent: QWidget | None = None) -> Path | None:
    """Ask where to save the sheet of `day` as PDF and save it there; a refusal is shown, not raised."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    name = f"{tr('sheet_title')}-{day.isoformat()}.pdf"
    path, _ = QFileDialog.getSaveFileName(parent, tr("print_save_title"), in_documents(name),
                                          tr("print_pdf_filter"))
    if not path:
        return None
    try:
        return sheet_pdf(desk.store, day, path, desk.actor.name, desk.now())
    except DeskError as exc:
        QMessageBox.warning(parent, tr("print_save_title"), exc.message())
        return None
