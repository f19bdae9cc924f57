"""Draw the program's icon: linli-desk.png (256 px) and linli-desk.ico (16-256 px).

Drawn with Qt rather than made in an editor, so it carries no licence and can
be remade:  QT_QPA_PLATFORM=offscreen python resources/icons/draw_icon.py
A warm red rounded square with 邻 ("neighbour") in white: it reads at 16 px
on the taskbar and matches the name on the desk's title bar. The .ico holds
each size drawn on its own (not scaled down), stored as PNG, which Windows
has read since Vista.
"""
from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPainter

HERE = Path(__file__).resolve().parent
SIZES = (16, 24, 32, 48, 64, 128, 256)
RED = QColor("#c0392b")
CJK = ("Noto Sans CJK SC", "Microsoft YaHei", "Source Han Sans SC", "WenQuanYi Micro Hei")


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    margin = max(0.5, size / 32)
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(RED)
    painter.drawRoundedRect(box, size * 0.18, size * 0.18)
    font = QFont()
    font.setFamilies([f for f in CJK if f in QFontDatabase.families()] or list(CJK))
    font.setPixelSize(round(size * 0.72))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "邻")
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico_bytes(images: list[QImage]) -> bytes:
    """An ICO file with one PNG-compressed entry per size."""
    blobs = [png_bytes(image) for image in images]
    header = struct.pack("<HHH", 0, 1, len(blobs))
    offset = len(header) + 16 * len(blobs)
    entries = b""
    for image, blob in zip(images, blobs, strict=True):
        side = image.width() if image.width() < 256 else 0  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    return header + entries + b"".join(blobs)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # noqa: F841  fonts need it
    images = [draw(size) for size in SIZES]
    (HERE / "linli-desk.png").write_bytes(png_bytes(images[-1]))
    (HERE / "linli-desk.ico").write_bytes(ico_bytes(images))
    return 0


if __name__ == "__main__":
    sys.exit(main())
