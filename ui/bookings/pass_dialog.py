"""The pass of a booking just made (or reissued): its QR code on screen, its number, and Print
slip / Save image / Copy; for a series, a choice of its bookings (PassDialog).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from booking.checkin import passcode, passes, passinfo
from booking.schedule import bookings
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.validation import mask_name
from ui.passes import passimage, slip
from ui.desk.session import Desk, follow
from ui.widgets.documents import in_documents
from ui.desk.fonts import mono_font, ui_font
from ui.bookings.details import _bare_name


def qr_image(text: str, side: int) -> QImage:
    """The pass's QR code about `side` pixels across (whole pixels a module)."""
    return passimage.qr_image(text, max(4, side // passimage.module_count(text)))


class PassDialog(QDialog):
    """The pass of a booking just made (or reissued): QR code on screen, its number, and
    Print slip / Save image / Copy. For a series each booking has its own pass: choose it."""

    def __init__(self, desk: Desk, booking_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.booking_ids = list(booking_ids)
        self.which = QComboBox()
        self.which_label = QLabel()
        self.which_label.setBuddy(self.which)
        for bid in self.booking_ids:
            b = bookings.get(desk.store, bid)
            self.which.addItem(f"{b.id}  {b.resource}  {b.start:%m-%d %H:%M} – {b.end:%m-%d %H:%M}", bid)
        self.summary = QLabel()
        self.summary.setFont(ui_font(self.font().pointSizeF() * 1.2, bold=True))
        self.summary.setWordWrap(True)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number = QLabel()
        self.number.setFont(mono_font(self.font().pointSizeF() * 1.3))
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.print_button = QPushButton()
        self.save_button = QPushButton()
        self.copy_button = QPushButton()
        for button in (self.print_button, self.save_button, self.copy_button):
            button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_slip)
        self.save_button.clicked.connect(self.save_image)
        self.copy_button.clicked.connect(self.copy)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        for button in (self.print_button, self.save_button, self.copy_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        which = QHBoxLayout()
        which.addWidget(self.which_label)
        which.addWidget(self.which, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(which)
        layout.addWidget(self.summary)
        layout.addWidget(self.qr, 1)
        layout.addWidget(self.number)
        layout.addWidget(self.hint)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self.which_label.setVisible(len(self.booking_ids) > 1)
        self.which.setVisible(len(self.booking_ids) > 1)
        self.which.currentIndexChanged.connect(self.load)
        self.text = ""
        self.info: Any = None
        self.image: QImage | None = None
        self.retranslate()
        follow(desk.language_changed, self, self.retranslate)

    def booking_id(self) -> int:
        return int(self.which.currentData())

    def _pass_info(self) -> Any:
        return passinfo.pass_info(self.desk.store, self.booking_id(), self.desk.now())

    def load(self) -> None:
        bid = self.booking_id()
        b = bookings.get(self.desk.store, bid)
        self.text = passes.pass_text(self.desk.store, bid)
        self.info = self._pass_info()
        self.summary.setText(f"{b.resource} {_bare_name(b)}\n{b.start:%Y-%m-%d %H:%M} – {b.end:%Y-%m-%d %H:%M}\n"
                             f"{mask_name(b.resident_name)}  {b.door}  {b.plate or ''}".rstrip())
        self.number.setText(passcode.grouped(self.text))
        self.image = qr_image(self.text, self.fontMetrics().height() * 14)
        self.qr.setPixmap(QPixmap.fromImage(self.image))
        self.save_button.setEnabled(self.info is not None)
        self.print_button.setEnabled(self.info is not None)
        self.setWindowTitle(tr("ui_passview_title", id=bid))

    def copy(self) -> None:
        """The pass's words and number as text, and the phone image, on the clipboard."""
        data = QMimeData()
        data.setText("\n".join(self.info.lines()) if self.info is not None else self.text)
        if self.info is not None:
            data.setImageData(passimage.phone_image(self.info))
        QGuiApplication.clipboard().setMimeData(data)
        self.status.setText(tr("ui_passview_copied"))

    def save_image(self, path: str | None = None) -> str | None:
        """Save the phone image of the pass as PNG (asks where, unless told)."""
        if self.info is None:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.save_button.text().replace("&", ""),
                                                  in_documents(f"pass-{self.booking_id()}.png"),
                                                  tr("ui_passview_file_filter"))
        if not path:
            return None
        try:
            saved = passimage.save_png(passimage.phone_image(self.info), path)
        except DeskError as exc:
            self.status.setText(exc.message())
            return None
        self.status.setText(tr("ui_passview_saved", path=str(saved)))
        return str(saved)

    def print_slip(self) -> None:
        """Qt's print dialog, then the A6 slip on the chosen printer."""
        if self.info is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.paint_slip_on(printer)

    def paint_slip_on(self, device: Any) -> bool:
        """The A6 slip at the top left of a printer page (or any paint device): a quarter of the desk's A4."""
        from PySide6.QtGui import QPainter
        painter = QPainter()
        if self.info is None or not painter.begin(device):
            self.status.setText(tr("ui_passview_print_failed"))
            return False
        try:
            slip.paint_slip(painter, slip.slip_rect(device), self.info)
        finally:
            painter.end()
        return True

    def retranslate(self) -> None:
        self.which_label.setText(tr("ui_passview_which"))
        self.print_button.setText(tr("ui_passview_print"))
        self.save_button.setText(tr("ui_passview_save"))
        self.copy_button.setText(tr("ui_passview_copy"))
        self.hint.setText(tr("ui_passview_hint"))
        self.load()
