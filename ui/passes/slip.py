"""The printed pass slip: an A6 card with the QR code and the booking in words.

A6 (105 × 148 mm) is a quarter of the desk's A4 paper and fits behind a
windscreen. `paint_slip` draws into any rectangle of any paint device (the
PDF here, or a QPrinter page from the print dialog), in millimetres of that
device, with fonts in points, so the slip is the same size on every printer.
The code is vector (one filled path), the fonts come from ui/desk/fonts.py so the
PDF embeds a real CJK font.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, Qt
from PySide6.QtGui import (QColor, QFont, QFontMetricsF, QPageLayout, QPageSize, QPaintDevice, QPainter, QPdfWriter,
                           QPen, QRawFont)

from booking.checkin.passinfo import PassInfo, output_target, write_whole
from ui.desk.fonts import mono_font, ui_font
from ui.passes.passimage import ACCENT, INK, MUTED, fit_text, number_lines, paint_qr

SLIP_SIZE = QPageSize.PageSizeId.A6
SLIP_WIDTH_MM = 105.0
SLIP_HEIGHT_MM = 148.0
MARGIN_MM = 7.0
QR_MM = 56.0          # quiet zone included: 1.7 mm a module, the code itself 42 mm across
QR_MIN_MM = 40.0      # the least the code shrinks to when long words need the room
ROW_GAP_MM = 1.2
RULE_GAP_MM = 0.8
RULES_PAD_MM = 2.0


def slip_rect(device: QPaintDevice) -> QRectF:
    """An A6 rectangle at the top left of `device`, in its units: where to paint a slip on any paper."""
    per_mm = device.logicalDpiX() / 25.4, device.logicalDpiY() / 25.4
    return QRectF(0, 0, SLIP_WIDTH_MM * per_mm[0], SLIP_HEIGHT_MM * per_mm[1])


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


FONT_SCALES = (1.0, 0.93, 0.86, 0.8, 0.74)  # tried in turn until the words fit beside a readable code


def _fonts(scale: float = 1.0) -> dict[str, QFont]:
    mono = mono_font(10.5 * scale)
    mono.setBold(True)
    fonts = {"title": ui_font(12 * scale, bold=True), "desk": ui_font(8 * scale), "number": mono,
             "label": ui_font(8.5 * scale), "value": ui_font(9.5 * scale, bold=True), "rule": ui_font(7.8 * scale),
             "footer": ui_font(6.5 * scale)}
    for font in fonts.values():
        # Noto CJK's 'locl' swaps the digits after a Latin letter (P012, 川A12345) for glyphs that
        # no character maps to, so Qt's PDF gives them no text: copy and search would lose them.
        font.setFeature(QFont.Tag("locl"), 0)
    return fonts


@dataclass
class _Plan:
    """Every measured size of one slip at one font scale (device units)."""

    fonts: dict[str, QFont]
    label_width: float
    values: list[str]
    rows: list[float]
    rules: list[str]
    rule_heights: list[float]
    numbers: list[str]
    qr_side: float
    fits: bool


def _plan(lay: _Layout, area: QRectF, info: PassInfo, scale: float) -> _Plan:
    fonts = _fonts(scale)
    inner = area.width() - 2 * lay.mm(MARGIN_MM)
    label_width = max(lay.metrics(fonts["label"]).horizontalAdvance(label) for label, _ in info.details) + lay.mm(3)
    value_width = inner - label_width
    values = [fit_text(fonts["value"], value_width, value, lay.device) for _, value in info.details]
    rows = [max(lay.height(fonts["value"], value_width, value), lay.metrics(fonts["label"]).height())
            for value in values]
    rules = [f"• {line}" for line in info.rules]
    rule_heights = [lay.height(fonts["rule"], inner - 2 * lay.mm(RULES_PAD_MM), line) for line in rules]
    numbers = number_lines(info.grouped)
    words = (lay.metrics(fonts["title"]).height() + lay.metrics(fonts["desk"]).height()
             + lay.metrics(fonts["number"]).lineSpacing() * len(numbers) + lay.mm(3)
             + sum(rows) + lay.mm(ROW_GAP_MM) * len(rows) + lay.mm(1.5)
             + sum(rule_heights) + lay.mm(RULE_GAP_MM) * (len(rules) - 1) + 2 * lay.mm(RULES_PAD_MM)
             + lay.mm(1.5) + lay.metrics(fonts["footer"]).height())
    room = area.height() - lay.mm(MARGIN_MM) * 1.6 - words
    return _Plan(fonts, label_width, values, rows, rules, rule_heights, numbers,
                 qr_side=max(lay.mm(QR_MIN_MM), min(lay.mm(QR_MM), room)), fits=room >= lay.mm(QR_MIN_MM))


def paint_slip(painter: QPainter, area: QRectF, info: PassInfo) -> None:
    """Draw the slip of `info` inside `area` (device units; A6 proportions look best).

    The code gets up to QR_MM; long words (English, a long purpose) first take
    from the code down to QR_MIN_MM, then the fonts shrink a step at a time.
    """
    lay = _Layout(painter)
    plan = next((p for p in (_plan(lay, area, info, s) for s in FONT_SCALES) if p.fits), None)
    plan = plan or _plan(lay, area, info, FONT_SCALES[-1])
    fonts = plan.fonts
    margin = lay.mm(MARGIN_MM)
    inner = area.width() - 2 * margin
    wrap = int(Qt.TextFlag.TextWordWrap)
    left = int(Qt.AlignmentFlag.AlignLeft)
    centre = int(Qt.AlignmentFlag.AlignHCenter)
    pad = lay.mm(RULES_PAD_MM)

    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setPen(QPen(QColor(170, 170, 170), lay.mm(0.2), Qt.PenStyle.DashLine))
        cut = lay.mm(2.5)  # where to cut when the slip is printed on larger paper
        painter.drawRect(area.adjusted(cut, cut, -cut, -cut))
        x = area.x() + margin
        y = area.y() + margin
        y = _line(painter, QRectF(x, y, inner, lay.metrics(fonts["title"]).height()), fonts["title"], ACCENT,
                  centre, info.title)
        y = _line(painter, QRectF(x, y, inner, lay.metrics(fonts["desk"]).height()), fonts["desk"], MUTED,
                  centre, info.desk)
        side = plan.qr_side
        paint_qr(painter, QRectF(area.x() + (area.width() - side) / 2, y, side, side), info.payload)
        y += side
        number_h = lay.metrics(fonts["number"]).lineSpacing() * len(plan.numbers)
        y = _line(painter, QRectF(x, y, inner, number_h), fonts["number"], INK, centre, "\n".join(plan.numbers))
        y += lay.mm(1)
        painter.setPen(QColor(190, 190, 190))
        painter.drawLine(QRectF(x, y, inner, 0).topLeft(), QRectF(x, y, inner, 0).topRight())
        y += lay.mm(2)
        for (label, _), value, row in zip(info.details, plan.values, plan.rows):
            _line(painter, QRectF(x, y, plan.label_width, row), fonts["label"], MUTED, left | wrap, label)
            _line(painter, QRectF(x + plan.label_width, y, inner - plan.label_width, row), fonts["value"], INK,
                  left | wrap, value)
            y += row + lay.mm(ROW_GAP_MM)
        y += lay.mm(1.5)
        box_h = sum(plan.rule_heights) + lay.mm(RULE_GAP_MM) * (len(plan.rules) - 1) + 2 * pad
        painter.fillRect(QRectF(x, y, inner, box_h), QColor(240, 244, 240))
        ry = y + pad
        for line, height in zip(plan.rules, plan.rule_heights):
            ry = _line(painter, QRectF(x + pad, ry, inner - 2 * pad, height), fonts["rule"], INK, left | wrap, line)
            ry += lay.mm(RULE_GAP_MM)
        y += box_h + lay.mm(1.5)
        _line(painter, QRectF(x, y, inner, lay.metrics(fonts["footer"]).height()), fonts["footer"], MUTED, centre,
              info.footer)
    finally:
        painter.restore()


def _line(painter: QPainter, rect: QRectF, font: QFont, colour: QColor, flags: int, text: str) -> float:
    """Draw `text` in `rect`; returns the y just below it."""
    painter.setFont(font)
    painter.setPen(colour)
    painter.drawText(rect, flags, text)
    return rect.bottom()


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
    drawn = "".join(info.lines()) + "•→ \n"
    return repair_to_unicode(bytes(data.data()), _fonts().values(), drawn)  # glyphs do not depend on size


def write_slip_pdf(info: PassInfo, path: str | Path) -> Path:
    """Write the A6 slip of `info` as a PDF at `path`, whole or not at all; returns the absolute path.

    Raises DeskError(field='path') for a folder, a missing folder or a file that cannot be written.
    """
    data = slip_pdf(info)
    return write_whole(output_target(path), lambda partial: partial.write_bytes(data))


# A font may draw several characters with one glyph: 车 (U+8F66) and the radical ⻋ (U+2ECB),
# the en dash and the figure dash, the space and the tab. Qt's PDF says which character
# each glyph stands for by taking the lowest code point that maps to it: the radical, the
# figure dash, the tab. The slip looks right, but copying or searching it gives "⻋牌" for
# "车牌". Knowing what was drawn, each such code point is put back to the drawn character
# that shares its glyph. Both are four hex digits, so the file keeps its length and offsets.
_TO_UNICODE = re.compile(rb"begin(bfrange|bfchar)\n(.*?)end(?:bfrange|bfchar)", re.S)
_CODE = re.compile(rb"<([0-9A-Fa-f]{4})>")


def _twins(font: QFont, drawn: str, codes: set[int]) -> dict[int, int]:
    """Code points in `codes` that were not drawn, mapped to the drawn character with the same glyph."""
    raw = QRawFont.fromFont(font)
    if not raw.isValid():
        return {}
    chars = sorted(set(drawn))
    by_glyph = {glyph: ord(ch) for ch, glyph in zip(chars, raw.glyphIndexesForString("".join(chars))) if glyph}
    strangers = sorted(code for code in codes if chr(code) not in drawn and not 0xD800 <= code <= 0xDFFF)
    glyphs = raw.glyphIndexesForString("".join(map(chr, strangers)))
    return {code: by_glyph[glyph] for code, glyph in zip(strangers, glyphs)
            if glyph in by_glyph and by_glyph[glyph] <= 0xFFFF}


def repair_to_unicode(pdf: bytes, fonts: Iterable[QFont], drawn: str) -> bytes:
    """`pdf` with its character maps naming the characters of `drawn` (see above)."""
    maps = list(_TO_UNICODE.finditer(pdf))
    codes = {int(code, 16) for match in maps for code in _CODE.findall(match.group(2))}
    twins: dict[int, int] = {}
    for font in fonts:
        twins.update(_twins(font, drawn, codes))
    if not twins:
        return pdf

    def fix_line(line: bytes, sources: int) -> bytes:
        codes = list(_CODE.finditer(line))
        if sources == 2 and b"[" not in line and len(codes) == 3 and codes[0].group(1) != codes[1].group(1):
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
