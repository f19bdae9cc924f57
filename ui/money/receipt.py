"""The receipt of one ledger entry: shown, printed, saved as PDF.

The receipt is a ledger.Receipt from booking.money.ledger.receipt (number, date, payer masked,
items, amount in figures and in capital numerals); here Qt only lays it out
as HTML in a QTextDocument and prints that on an A5 page, to a printer chosen
in Qt's print dialog or to a PDF file.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPagedPaintDevice, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QLabel, QPushButton, QTextBrowser,
                               QVBoxLayout, QWidget)

from booking.money import ledger
from booking.store.errors import DeskError
from booking.money.fees import money
from booking.store.i18n import tr
from booking.checkin.passinfo import output_target, write_whole
from booking.money.ledger import Receipt
import booking.reporting.sheet  # noqa: F401  -- defines the community's name (sheet_community) printed at the top
from ui.widgets.documents import in_documents
from ui.desk.fonts import family_css, ui_font
from ui.passes.slip import repair_to_unicode
from ui.desk.session import Desk, follow


PDF_DPI = 300
MARGIN_MM = 12.0


def _e(text: Any) -> str:
    return html.escape(str(text if text is not None else ""), quote=False)


def receipt_html(data: Receipt) -> str:
    """The receipt as HTML for a QTextDocument."""
    rows = "".join(f"<tr><td>{_e(item.text)}</td><td align=right>{_e(money(item.amount_fen))}</td></tr>"
                   for item in data.items)
    facts = [("uig_receipt_number", data.number), ("uig_receipt_date", data.at),
             ("uig_receipt_payer", data.payer or "—"), ("uig_receipt_household", data.household or "—"),
             ("uig_receipt_method", f"{data.method_text}（{data.entry_text}）")]
    if data.reason:
        facts.append(("uig_receipt_reason", data.reason))
    fact_rows = "".join(f"<tr><td class=k>{_e(tr(key))}</td><td>{_e(value)}</td></tr>" for key, value in facts)
    return f"""<html><head><style>
      body {{ font-family: {family_css()}; }}
      h1 {{ font-size: 15pt; text-align: center; margin: 0 0 8px 0; }}
      td {{ padding: 3px 6px; }}
      td.k {{ color: #444444; }}
      table.items {{ border-collapse: collapse; }}
      table.items th {{ border-bottom: 1px solid #000000; text-align: left; padding: 3px 6px; }}
      .total td {{ border-top: 1px solid #000000; font-weight: bold; }}
    </style></head><body>
    <h1>{_e(tr('sheet_community'))}<br>{_e(data.title)}</h1>
    <table>{fact_rows}</table>
    <br>
    <table class=items width=100% cellspacing=0>
      <tr><th>{_e(tr('uig_receipt_item'))}</th><th align=right>{_e(tr('uig_receipt_amount'))}</th></tr>
      {rows}
      <tr class=total><td>{_e(tr('uig_receipt_total'))}</td><td align=right>{_e(money(data.amount_fen))}</td></tr>
    </table>
    <p>{_e(tr('uig_receipt_words'))}：<b>{_e(data.amount_words)}</b></p>
    <p>{_e(tr('uig_receipt_clerk'))}：{_e(data.clerk)}　　{_e(tr('uig_receipt_sign'))}______________</p>
    <p style="color:#444444">{_e(tr('uig_receipt_fund'))}</p>
    </body></html>"""


def _font(size: float = 10.0) -> QFont:
    font = ui_font(size)
    font.setFeature(QFont.Tag("locl"), 0)  # keep digits after a Latin letter searchable (see ui/passes/slip.py)
    return font


def page_layout() -> QPageLayout:
    """A5 portrait: half an A4 sheet, what a receipt book's page is."""
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A5), QPageLayout.Orientation.Portrait,
                       QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter)


def document(data: Receipt, device: QPagedPaintDevice | None = None) -> QTextDocument:
    """The receipt laid out as a text document (for `device`'s resolution when given)."""
    doc = QTextDocument()
    if device is not None:
        doc.documentLayout().setPaintDevice(device)
        doc.setPageSize(QSizeF(device.width(), device.height()))
    doc.setDefaultFont(_font())
    doc.setHtml(receipt_html(data))
    return doc


def print_receipt(data: Receipt, device: QPagedPaintDevice) -> None:
    """Print the receipt on `device` (a QPrinter or a QPdfWriter), A5 portrait."""
    device.setPageLayout(page_layout())
    document(data, device).print_(device)


def receipt_pdf_data(data: Receipt) -> bytes:
    """The receipt as a one-page PDF with its Chinese font embedded."""
    buffer_data = QByteArray()
    buffer = QBuffer(buffer_data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    writer.setTitle(tr("uig_receipt_title", number=data.number))
    print_receipt(data, writer)
    del writer  # finishes the PDF
    buffer.close()
    bold = _font()
    bold.setBold(True)
    drawn = receipt_html(data) + "0123456789"
    return repair_to_unicode(bytes(buffer_data.data()), [_font(), bold], drawn)


def save_receipt_pdf(data: Receipt, path: str | Path) -> Path:
    """Write the receipt's PDF to `path` whole or not at all; DeskError(field='path') if it cannot be."""
    target = output_target(path)
    pdf = receipt_pdf_data(data)
    return write_whole(target, lambda partial: partial.write_bytes(pdf))


class ReceiptDialog(QDialog):
    """One receipt on screen, with Print (Qt's print dialog) and Save as PDF."""

    def __init__(self, desk: Desk, payment_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.payment_id = payment_id
        self.data = ledger.receipt(desk.store, payment_id)  # made again in each language by retranslate
        self.view = QTextBrowser(self)
        self.view.setOpenLinks(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.print_button = QPushButton(self)
        self.pdf_button = QPushButton(self)
        for button in (self.print_button, self.pdf_button):
            button.setAutoDefault(False)
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_dialog)
        self.pdf_button.clicked.connect(self.save_pdf_dialog)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        metrics = self.fontMetrics()
        self.resize(metrics.horizontalAdvance("M") * 44, metrics.height() * 30)
        follow(desk.language_changed, self, self.retranslate)
        self.retranslate()

    def retranslate(self, *_: Any) -> None:
        self.data = ledger.receipt(self.desk.store, self.payment_id)
        self.setWindowTitle(tr("uig_receipt_title", number=self.data.number))
        self.view.document().setDefaultFont(_font(11))
        self.view.setHtml(receipt_html(self.data))
        self.print_button.setText(tr("uig_receipt_print"))
        self.pdf_button.setText(tr("uig_receipt_pdf"))

    def print_dialog(self) -> bool:
        """Qt's print dialog, then the receipt on the chosen printer."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(page_layout())
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        print_receipt(self.data, printer)
        self.status.setText(tr("uig_receipt_printed", name=printer.printerName() or printer.outputFileName()))
        return True

    def save_pdf_dialog(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, plain(tr("uig_receipt_pdf")),
                                              in_documents(f"receipt-{self.data.number}.pdf"),
                                              tr("uig_receipt_pdf_filter"))
        return self.save_pdf(path) if path else None

    def save_pdf(self, path: str | Path) -> Path | None:
        """Save the receipt as PDF at `path`; a refusal is shown in the dialog, not raised."""
        try:
            saved = save_receipt_pdf(self.data, path)
        except DeskError as exc:
            self.status.setText(exc.message())
            return None
        self.status.setText(tr("uig_receipt_saved", path=str(saved)))
        return saved


def plain(label: str) -> str:
    """A button's text without its mnemonic and dots: "保存 PDF(&S)…" -> "保存 PDF"."""
    import re
    return re.sub(r"\(&.\)", "", label).replace("&", "").rstrip("…").strip()
