"""The usage heat-map as a picture: drawn from booking.reporting.reports.HeatMap, saved as PNG, shown in a dialog.

Cells go from white (unused) to dark blue (always used) along a ramp whose
lightness falls steadily, so the picture also reads on a black-and-white
printout; a legend bar gives the scale. Spaces × days shows every space and
room (a rule between zones); hour × weekday writes the percentage in each cell.

    heatmap_png(store, "2026-11" | "2026-11-16", "spaces" | "hours", path)
    open_dialog(desk, parent)   the dialog, for a menu entry
"""
from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel,
                               QMessageBox, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from booking.reporting import reports
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.checkin.passinfo import output_target, write_whole
from booking.reporting.reports import HeatMap
from booking.store.connection import Store
from ui.widgets.documents import in_documents
from ui.desk.fonts import ui_font
from ui.widgets.dates import day_picker, py_date
from ui.desk.session import follow


# A sequential ramp, white to dark blue, with lightness falling steadily (grey-printable).
RAMP = ((0.0, (255, 255, 255)), (0.15, (222, 235, 247)), (0.4, (158, 202, 225)),
        (0.65, (66, 146, 198)), (0.85, (8, 81, 156)), (1.0, (8, 38, 84)))
INK = QColor(20, 20, 20)
GRID = QColor(205, 205, 205)


def colour(value: float) -> QColor:
    """The cell colour for an occupancy fraction 0..1."""
    v = min(1.0, max(0.0, value))
    for (a, ca), (b, cb) in pairwise(RAMP):
        if v <= b:
            t = (v - a) / (b - a)
            return QColor(*(round(x + (y - x) * t) for x, y in zip(ca, cb, strict=True)))
    return QColor(*RAMP[-1][1])


def _cell_size(hm: HeatMap) -> tuple[int, int]:
    if hm.by == "hours":
        return 64, 24
    return (26 if len(hm.columns) <= 8 else 22), 13


def heatmap_image(hm: HeatMap) -> QImage:
    """Draw `hm` as an image: title, column heads, row labels, the cells, a legend bar."""
    cell_w, cell_h = _cell_size(hm)
    fonts = {"title": ui_font(13, bold=True), "label": ui_font(8), "cell": ui_font(8), "small": ui_font(7.5)}
    for font in fonts.values():
        font.setPixelSize(round(font.pointSizeF() * 4 / 3))  # the image is pixels: fix the size in pixels
    label_m = QFontMetricsF(fonts["label"])
    margin = 16
    label_w = int(max(label_m.horizontalAdvance(r) for r in hm.rows) + 10)
    title_h = int(QFontMetricsF(fonts["title"]).height() + 10)
    head_h = int(label_m.height() + 8)
    legend_h = 44
    grid_w = cell_w * len(hm.columns)
    grid_h = cell_h * len(hm.rows)
    width = margin * 2 + label_w + grid_w
    height = margin * 2 + title_h + head_h + grid_h + legend_h
    width = max(width, 420)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setPen(INK)
        painter.setFont(fonts["title"])
        painter.drawText(QRectF(margin, margin, width - 2 * margin, title_h), int(Qt.AlignmentFlag.AlignLeft),
                         hm.title)
        x0, y0 = margin + label_w, margin + title_h + head_h
        painter.setFont(fonts["label"])
        for c, text in enumerate(hm.columns):
            shown = text[-2:] if hm.by == "spaces" and len(hm.columns) > 8 else text  # month: the day number
            painter.drawText(QRectF(x0 + c * cell_w, y0 - head_h, cell_w, head_h - 3),
                             int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom), shown)
        for r, text in enumerate(hm.rows):
            painter.drawText(QRectF(margin, y0 + r * cell_h, label_w - 6, cell_h),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text)
        painter.setFont(fonts["cell"])
        for r, row in enumerate(hm.values):
            for c, value in enumerate(row):
                rect = QRectF(x0 + c * cell_w, y0 + r * cell_h, cell_w, cell_h)
                painter.fillRect(rect, colour(value))
                if hm.by == "hours":
                    painter.setPen(QColor("white") if value > 0.55 else INK)
                    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), f"{value * 100:.0f}%")
        painter.setPen(QPen(GRID, 1))
        for c in range(len(hm.columns) + 1):
            painter.drawLine(x0 + c * cell_w, y0, x0 + c * cell_w, y0 + grid_h)
        for r in range(len(hm.rows) + 1):
            painter.drawLine(x0, y0 + r * cell_h, x0 + grid_w, y0 + r * cell_h)
        painter.setPen(QPen(INK, 2))
        for r in hm.row_groups:  # zones and kinds apart
            painter.drawLine(margin, y0 + r * cell_h, x0 + grid_w, y0 + r * cell_h)
        painter.setPen(QPen(INK, 1))
        painter.drawRect(QRectF(x0, y0, grid_w, grid_h))
        _legend(painter, fonts["small"], QRectF(x0, y0 + grid_h + 12, min(grid_w, 300), 14))
    finally:
        painter.end()
    return image


def _legend(painter: QPainter, font: QFont, bar: QRectF) -> None:
    steps = 60
    for i in range(steps):
        painter.fillRect(QRectF(bar.x() + bar.width() * i / steps, bar.y(), bar.width() / steps + 1, bar.height()),
                         colour(i / (steps - 1)))
    painter.setPen(QPen(INK, 1))
    painter.drawRect(bar)
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    for value in (0, 25, 50, 75, 100):
        x = bar.x() + bar.width() * value / 100
        text = f"{value}%"
        w = metrics.horizontalAdvance(text)
        painter.drawText(QRectF(x - w / 2, bar.bottom() + 2, w + 2, metrics.height()), 0, text)
    caption = tr("heat_legend")
    painter.drawText(QRectF(bar.right() + 10, bar.y(), metrics.horizontalAdvance(caption) + 4, bar.height()),
                     int(Qt.AlignmentFlag.AlignVCenter), caption)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # PySide6 stubs: format typed bytes, but the binding takes str only
        raise OSError("the PNG could not be encoded")
    buffer.close()
    return bytes(data.data())


def build(store: Store, month_or_week: str, by: str) -> HeatMap:
    start, end, is_month = reports.period(month_or_week)
    return reports.heatmap(store, start, end, by, month=is_month)


def heatmap_png(store: Store, month_or_week: str, by: str, path: str | Path) -> Path:
    """Save the heat-map of a month ('YYYY-MM') or week (a day in it) as PNG at `path`, whole or not at all."""
    target = output_target(path)
    data = png_bytes(heatmap_image(build(store, month_or_week, by)))
    return write_whole(target, lambda partial: partial.write_bytes(data))


class HeatmapDialog(QDialog):
    """Choose a month or a week and a view; see the heat-map; save it as PNG."""

    def __init__(self, desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle(tr("heat_dialog_title"))
        self.span = QComboBox()
        self.span.addItem(tr("heat_month"), "month")
        self.span.addItem(tr("heat_week"), "week")
        self.day = day_picker(None, desk.now().date())  # 2026-12-02, not the locale's 12/2/26
        self.by = QComboBox()
        self.by.addItem(tr("heat_by_spaces"), "spaces")
        self.by.addItem(tr("heat_by_hours"), "hours")
        self.save_button = QPushButton(tr("heat_save"))
        controls = QHBoxLayout()
        for widget in (self.span, self.day, self.by):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.save_button)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidget(self.picture)
        scroll.setWidgetResizable(True)
        self.status = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.image = QImage()
        for signal in (self.span.currentIndexChanged, self.by.currentIndexChanged, self.day.dateChanged):
            signal.connect(self.refresh)
        self.save_button.clicked.connect(self.save)
        follow(desk.changed, self, lambda changes, _origin: self.refresh() if changes.bookings else None)
        self.resize(1000, 760)
        self.refresh()

    def period_text(self) -> str:
        day = py_date(self.day.date())
        return f"{day:%Y-%m}" if self.span.currentData() == "month" else day.isoformat()

    def refresh(self) -> None:
        hm = build(self.desk.store, self.period_text(), self.by.currentData())
        self.image = heatmap_image(hm)
        self.picture.setPixmap(QPixmap.fromImage(self.image))
        self.status.clear()

    def save(self) -> None:
        name = f"heatmap-{self.by.currentData()}-{self.period_text()}.png"
        path, _ = QFileDialog.getSaveFileName(self, tr("heat_save"), in_documents(name), tr("heat_png_filter"))
        if path:
            self.save_to(path)

    def save_to(self, path: str) -> Path | None:
        """Write the picture shown to `path`; a refusal is shown, not raised."""
        try:
            target = output_target(path)
            data = png_bytes(self.image)
            written = write_whole(target, lambda partial: partial.write_bytes(data))
        except DeskError as exc:
            QMessageBox.warning(self, tr("heat_dialog_title"), exc.message())
            return None
        self.status.setText(tr("heat_saved", path=str(written)))
        return written


def open_dialog(desk, parent: QWidget | None = None) -> HeatmapDialog:
    """Open the heat-map dialog (not modal: the desk keeps working beside it)."""
    dialog = HeatmapDialog(desk, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.show()
    return dialog
