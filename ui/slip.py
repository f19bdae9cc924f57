"""The printed pass slip: an A6 card with the QR code and the booking in words.

A6 (105 × 148 mm) is a quarter of the desk's A4 paper and fits behind a
windscreen. `paint_slip` draws into any rectangle of any paint device (the
PDF here, or a QPrinter page from the print dialog), in millimetres of that
device, with fonts in points, so the slip is the same size on every printer.
The code is vector (one filled path), the fonts come from ui/fonts.py so the
PDF embeds a real CJK font.
"""
from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter, QRawFont

from booking.passinfo import PassInfo, output_target, write_whole
from ui.fonts import mono_font, ui_font
from ui.passimage import ACCENT, INK, MUTED, fit_text, number_lines, paint_qr

SLIP_SIZE = QPageSize.PageSizeId.A6
SLIP_WIDTH_MM = 105.0
SLIP_HEIGHT_MM = 148.0
MARGIN_MM = 7.0
QR_MM = 50.0          # quiet zone included: 1.5 mm a module, the code itself 37.5 mm across
QR_MIN_MM = 40.0      # the least the code shrinks to when a long purpose needs the room


class _Layout:
    """Millimetres and fonts on one paint device."""

    def __init__(self, painter: QPainter) -> None:
        device = painter.device()
        self.painter = painter
        self.device = device
        self.per_mm = device.logicalDpiY() / 25.4

    def mm(self, value: float) -> float:
        return value * self.per_mm

    def metrics(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font, self.device)

    def height(self, font: QFont, width: float, text: str, flags: int = 0) -> float:
        rect = self.metrics(font).boundingRect(QRectF(0, 0, width, 1e9), flags | int(Qt.TextFlag.TextWordWrap), text)
        return rect.height()


def _fonts() -> dict[str, QFont]:
    mono = mono_font(10.5)
    mono.setBold(True)
    fonts = {"title": ui_font(12, bold=True), "desk": ui_font(8), "number": mono, "label": ui_font(8.5),
             "value": ui_font(9.5, bold=True), "rule": ui_font(7.8), "footer": ui_font(6.5)}
    for font in fonts.values():
        # Noto CJK's 'locl' swaps the digits after a Latin letter (P012, 川A12345) for glyphs that
        # no character maps to, so Qt's PDF gives them no text: copy and search would lose them.
        font.setFeature(QFont.Tag("locl"), 0)
    return fonts


def paint_slip(painter: QPainter, area: QRectF, info: PassInfo) -> None:
    """Draw the slip of `info` inside `area` (device units; A6 proportions look best)."""
    lay = _Layout(painter)
    fonts = _fonts()
    margin = lay.mm(MARGIN_MM)
    inner = area.width() - 2 * margin
    wrap = int(Qt.TextFlag.TextWordWrap)
    left = int(Qt.AlignmentFlag.AlignLeft)
    centre = int(Qt.AlignmentFlag.AlignHCenter)

    label_width = max(lay.metrics(fonts["label"]).horizontalAdvance(label) for label, _ in info.details) + lay.mm(3)
    value_width = inner - label_width
    values = [fit_text(fonts["value"], value_width, value, lay.device) for _, value in info.details]
    rows = [max(lay.height(fonts["value"], value_width, value), lay.metrics(fonts["label"]).height())
            for value in values]
    row_gap = lay.mm(1.2)
    rules = [f"• {line}" for line in info.rules]
    pad = lay.mm(2)
    rules_heights = [lay.height(fonts["rule"], inner - 2 * pad, line) for line in rules]
    title_h = lay.metrics(fonts["title"]).height()
    desk_h = lay.metrics(fonts["desk"]).height()
    numbers = number_lines(info.grouped)
    number_h = lay.metrics(fonts["number"]).lineSpacing() * len(numbers)
    footer_h = lay.metrics(fonts["footer"]).height()
    fixed = (margin + title_h + desk_h + lay.mm(1) + number_h + lay.mm(2) + sum(rows) + row_gap * len(rows)
             + lay.mm(1.5) + sum(rules_heights) + lay.mm(0.8) * len(rules) + 2 * pad + lay.mm(1.5)
             + footer_h + margin * 0.6)
    qr_side = max(lay.mm(QR_MIN_MM), min(lay.mm(QR_MM), area.height() - fixed))

    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        x = area.x() + margin
        y = area.y() + margin
        painter.setPen(ACCENT)
        painter.setFont(fonts["title"])
        painter.drawText(QRectF(x, y, inner, title_h), centre, info.title)
        y += title_h
        painter.setPen(MUTED)
        painter.setFont(fonts["desk"])
        painter.drawText(QRectF(x, y, inner, desk_h), centre, info.desk)
        y += desk_h
        paint_qr(painter, QRectF(area.x() + (area.width() - qr_side) / 2, y, qr_side, qr_side), info.payload)
        y += qr_side
        painter.setPen(INK)
        painter.setFont(fonts["number"])
        painter.drawText(QRectF(x, y, inner, number_h), centre, "\n".join(numbers))
        y += number_h + lay.mm(1)
        painter.setPen(QColor(190, 190, 190))
        painter.drawLine(QRectF(x, y, inner, 0).topLeft(), QRectF(x, y, inner, 0).topRight())
        y += lay.mm(2)
        for (label, _), value, row in zip(info.details, values, rows):
            painter.setPen(MUTED)
            painter.setFont(fonts["label"])
            painter.drawText(QRectF(x, y, label_width, row), left | wrap, label)
            painter.setPen(INK)
            painter.setFont(fonts["value"])
            painter.drawText(QRectF(x + label_width, y, value_width, row), left | wrap, value)
            y += row + row_gap
        y += lay.mm(1.5)
        box_h = sum(rules_heights) + lay.mm(0.8) * (len(rules) - 1) + 2 * pad
        painter.fillRect(QRectF(x, y, inner, box_h), QColor(240, 244, 240))
        painter.setPen(INK)
        painter.setFont(fonts["rule"])
        ry = y + pad
        for line, height in zip(rules, rules_heights):
            painter.drawText(QRectF(x + pad, ry, inner - 2 * pad, height), left | wrap, line)
            ry += height + lay.mm(0.8)
        y += box_h + lay.mm(1.5)
        painter.setPen(MUTED)
        painter.setFont(fonts["footer"])
        painter.drawText(QRectF(x, y, inner, footer_h), centre, info.footer)
    finally:
        painter.restore()


def slip_pdf(info: PassInfo) -> bytes:
    """The A6 slip of `info` as a one-page PDF."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageLayout(QPageLayout(QPageSize(SLIP_SIZE), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0)))
    writer.setResolution(600)
    writer.setTitle(f"{info.title} {info.grouped}")
    writer.setCreator(info.desk)
    painter = QPainter()
    if not painter.begin(writer):
        raise ValueError("the PDF could not be started")
    try:
        paint_slip(painter, QRectF(0, 0, writer.width(), writer.height()), info)
    finally:
        painter.end()
    buffer.close()
    return repair_to_unicode(bytes(data.data()), _fonts().values())


def write_slip_pdf(info: PassInfo, path: str | Path) -> Path:
    """Write the A6 slip of `info` as a PDF at `path`, whole or not at all; returns the absolute path.

    Raises DeskError(field='path') for a folder, a missing folder or a file that cannot be written.
    """
    data = slip_pdf(info)
    return write_whole(output_target(path), lambda partial: partial.write_bytes(data))


# CJK fonts draw a radical and the everyday character that looks the same with one glyph
# (⻋ U+2ECB and 车 U+8F66). Qt's PDF says which character each glyph stands for by
# taking the lowest code point that maps to it: the radical. The slip looks right, but
# copying or searching it gives "⻋牌" for "车牌". The slip's text never contains radicals,
# so each radical in a character map is put back to the character that shares its glyph
# in the fonts used. Both are four hex digits: the file keeps its length and offsets.
_RADICALS = range(0x2E80, 0x2FE0)
_TO_UNICODE = re.compile(rb"begin(bfrange|bfchar)\n(.*?)end(?:bfrange|bfchar)", re.S)
_CODE = re.compile(rb"<([0-9A-Fa-f]{4})>")


@lru_cache(maxsize=16)
def _radical_twins(family: str, bold: bool) -> dict[int, int]:
    font = QFont(family)
    font.setBold(bold)
    raw = QRawFont.fromFont(font)
    radicals = "".join(map(chr, _RADICALS))
    everyday = "".join(map(chr, range(0x3400, 0xA000)))
    owner: dict[int, int] = {}
    for char, glyph in zip(everyday, raw.glyphIndexesForString(everyday)):
        if glyph:
            owner.setdefault(glyph, ord(char))
    return {ord(char): owner[glyph] for char, glyph in zip(radicals, raw.glyphIndexesForString(radicals))
            if glyph and glyph in owner and owner[glyph] <= 0xFFFF}


def repair_to_unicode(pdf: bytes, fonts: Iterable[QFont]) -> bytes:
    """`pdf` with radicals in its character maps replaced by the characters drawn (see above)."""
    twins: dict[int, int] = {}
    for font in fonts:
        for family in font.families() or [font.family()]:
            if QRawFont.fromFont(QFont(family)).isValid():
                twins.update(_radical_twins(family, font.bold()))
                break
    if not twins:
        return pdf

    def fix_line(line: bytes, sources: int) -> bytes:
        codes = list(_CODE.finditer(line))
        if sources == 2 and b"[" not in line and codes and codes[0].group(1) != codes[1].group(1):
            return line  # '<lo> <hi> <first>' counts up from <first>: one code cannot be swapped
        out = bytearray(line)
        for match in codes[sources:]:  # the targets; the glyph ids before them stay
            code = int(match.group(1), 16)
            if code in twins:
                out[match.start(1):match.end(1)] = b"%04X" % twins[code]
        return bytes(out)

    def fix_map(match: re.Match[bytes]) -> bytes:
        sources = 2 if match.group(1) == b"bfrange" else 1
        body = b"\n".join(fix_line(line, sources) for line in match.group(2).split(b"\n"))
        return match.group(0).replace(match.group(2), body, 1)

    return _TO_UNICODE.sub(fix_map, pdf)
