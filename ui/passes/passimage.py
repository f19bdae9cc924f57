"""A pass's QR code as pixels: on the screen, on a phone, on paper.

The code is made by `qrcode` (its module matrix only) and painted with
QPainter, so there is one drawing path for the screen, a PNG and a PDF.

Choices that make it read reliably:
- error correction Q (a quarter of the code may be smudged, creased or lit by
  glare on a phone screen), which the 45-digit pass still fits in version 2:
  25×25 modules, 33×33 with the quiet zone;
- numeric mode (`optimize=0` keeps `qrcode` from splitting the digits into
  segments), the densest mode, so the modules stay large;
- the full 4-module quiet zone, and whole pixels per module on raster images
  with no smoothing, so every module edge is sharp;
- on a PDF the dark modules are one filled path (no hairline seams between
  neighbouring squares when a printer driver or viewer rasterises it).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_Q
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPaintDevice, QPainter, QPainterPath

from booking.checkin.passinfo import PassInfo, output_target, write_whole
from ui.desk.fonts import mono_font, ui_font

QUIET_ZONE = 4            # modules of white around the code, as the QR standard asks
SCREEN_MODULE_PX = 8      # 33 modules × 8 = 264 px on the desk's screen
PHONE_WIDTH = 600         # wide enough for a sharp 33-module code on any phone; a smaller PNG is quicker to make
PNG_QUALITY = 80          # Qt maps it to zlib level 1: a third of the default's time, 20% bigger
INK = QColor(0, 0, 0)
PAPER = QColor(255, 255, 255)
ACCENT = QColor(27, 94, 32)       # the desk's green: the slip's title; dark grey on the grey phone image
MUTED = QColor(90, 90, 90)


@lru_cache(maxsize=512)
def modules(text: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code of `text` as rows of dark (True) and light modules, quiet zone included."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=QUIET_ZONE)
    code.add_data(text, optimize=0)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


def module_count(text: str) -> int:
    """Modules across the code of `text`, quiet zone included (33 for a version-1 pass)."""
    return len(modules(text))


def dark_path(text: str, origin_x: float, origin_y: float, module: float) -> QPainterPath:
    """The dark modules as one path of horizontal runs, `module` units per module."""
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    for y, row in enumerate(modules(text)):
        x = 0
        width = len(row)
        while x < width:
            if not row[x]:
                x += 1
                continue
            run = x
            while run < width and row[run]:
                run += 1
            path.addRect(QRectF(origin_x + x * module, origin_y + y * module, (run - x) * module, module))
            x = run
    return path


def paint_qr(painter: QPainter, target: QRectF, text: str) -> None:
    """Paint the code of `text` into the square `target` (quiet zone included), on white."""
    side = min(target.width(), target.height())
    module = side / module_count(text)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.fillRect(QRectF(target.x(), target.y(), side, side), PAPER)
    painter.fillPath(dark_path(text, target.x(), target.y(), module), INK)
    painter.restore()


def qr_image(text: str, module_px: int = SCREEN_MODULE_PX) -> QImage:
    """The bare code for the screen: `module_px` whole pixels a module, quiet zone included."""
    if module_px < 1:
        raise ValueError("module_px must be at least 1")
    side = module_count(text) * module_px
    image = QImage(side, side, QImage.Format.Format_Grayscale8)
    painter = QPainter(image)
    try:
        paint_qr(painter, QRectF(0, 0, side, side), text)
    finally:
        painter.end()
    return image


def _font(base: QFont, pixels: int, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


def _wrapped_height(font: QFont, width: float, text: str) -> float:
    metrics = QFontMetricsF(font)
    flags = int(Qt.TextFlag.TextWordWrap)
    return metrics.boundingRect(QRectF(0, 0, width, 1e6), flags, text).height()


def fit_text(font: QFont, width: float, text: str, device: QPaintDevice | None = None) -> str:
    """`text`, broken after its arrow when a start → end does not fit on one line.

    Left to itself Qt may break between any two Chinese characters, splitting
    "11月25日" into "11月25" and "日"; after the arrow each end stays whole.
    Measured on `device` (a printer, a PDF) when given, else on the screen.
    """
    metrics = QFontMetricsF(font, device) if device is not None else QFontMetricsF(font)
    if " → " in text and metrics.horizontalAdvance(text) > width:
        return text.replace(" → ", " →\n", 1)
    return text


def number_lines(grouped: str) -> list[str]:
    """The grouped pass number in two lines (five groups, then the rest), big enough to read out."""
    groups = grouped.split()
    return [" ".join(groups[:5]), " ".join(groups[5:])] if len(groups) > 5 else [grouped]


def phone_image(info: PassInfo, width: int = PHONE_WIDTH) -> QImage:
    """The pass for a resident's phone: title, a big code, the number, and the details in words."""
    margin = round(width * 0.06)
    inner = width - 2 * margin
    module = width // module_count(info.payload)
    qr_side = module * module_count(info.payload)
    title_font = _font(ui_font(), round(width * 0.05), bold=True)
    number_font = _font(mono_font(), round(width * 0.047), bold=True)
    label_font = _font(ui_font(), round(width * 0.036))
    value_font = _font(ui_font(), round(width * 0.04), bold=True)
    rule_font = _font(ui_font(), round(width * 0.031))
    footer_font = _font(ui_font(), round(width * 0.026))
    label_width = max(QFontMetricsF(label_font).horizontalAdvance(label) for label, _ in info.details) + margin * 0.5
    value_width = inner - label_width
    gap = round(width * 0.02)

    title_band = round(QFontMetricsF(title_font).height() * 2)
    number_height = QFontMetricsF(number_font).lineSpacing() * len(number_lines(info.grouped))
    values = [fit_text(value_font, value_width, value) for _, value in info.details]
    rows = [max(_wrapped_height(value_font, value_width, value), QFontMetricsF(label_font).height())
            for value in values]
    rules_text = "\n".join(info.rules[:3])  # check-in, no-show, leaving: what a guard asks about
    rules_height = _wrapped_height(rule_font, inner - gap * 2, rules_text)
    footer_height = QFontMetricsF(footer_font).lineSpacing()
    height = round(title_band + qr_side + number_height + gap * 2 + sum(rows) + gap * len(rows)
                   + gap * 3 + rules_height + gap * 2 + footer_height + margin * 0.7)

    # Grey levels only: the code is black on white anyway, and a grey PNG encodes in half the time.
    image = QImage(width, height, QImage.Format.Format_Grayscale8)
    image.fill(PAPER)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.fillRect(QRectF(0, 0, width, title_band), ACCENT)
        painter.setFont(title_font)
        painter.setPen(PAPER)
        painter.drawText(QRectF(0, 0, width, title_band), int(Qt.AlignmentFlag.AlignCenter),
                         f"{info.desk} · {info.title}")
        y = float(title_band)
        paint_qr(painter, QRectF((width - qr_side) / 2, y, qr_side, qr_side), info.payload)
        y += qr_side
        painter.setPen(INK)
        painter.setFont(number_font)
        painter.drawText(QRectF(0, y, width, number_height), int(Qt.AlignmentFlag.AlignCenter),
                         "\n".join(number_lines(info.grouped)))
        y += number_height + gap
        painter.setPen(QColor(200, 200, 200))
        painter.drawLine(margin, round(y), width - margin, round(y))
        y += gap
        wrap = int(Qt.TextFlag.TextWordWrap)
        for (label, _), value, row in zip(info.details, values, rows):
            painter.setPen(MUTED)
            painter.setFont(label_font)
            painter.drawText(QRectF(margin, y, label_width, row), int(Qt.AlignmentFlag.AlignLeft) | wrap, label)
            painter.setPen(INK)
            painter.setFont(value_font)
            painter.drawText(QRectF(margin + label_width, y, value_width, row),
                             int(Qt.AlignmentFlag.AlignLeft) | wrap, value)
            y += row + gap
        y += gap
        box = QRectF(margin, y, inner, rules_height + gap * 2)
        painter.fillRect(box, QColor(243, 246, 243))
        painter.setPen(INK)
        painter.setFont(rule_font)
        painter.drawText(box.adjusted(gap, gap, -gap, -gap), wrap, rules_text)
        y += box.height() + gap
        painter.setPen(MUTED)
        painter.setFont(footer_font)
        painter.drawText(QRectF(margin, y, inner, footer_height), int(Qt.AlignmentFlag.AlignCenter), info.footer)
    finally:
        painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    """`image` encoded as PNG."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG", PNG_QUALITY):
        raise ValueError("the image could not be encoded as PNG")
    buffer.close()
    return bytes(data.data())


def save_png(image: QImage, path: str | Path) -> Path:
    """Write `image` as a PNG at `path`, whole or not at all; returns the absolute path.

    Raises DeskError(field='path') for a folder, a missing folder or a file that cannot be written.
    """
    data = png_bytes(image)
    return write_whole(output_target(path), lambda partial: partial.write_bytes(data))
