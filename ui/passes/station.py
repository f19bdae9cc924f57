"""The self-service scan station: a full-screen window on a second monitor where
residents scan their own passes.

Nothing on it can be edited or clicked: a hidden scan field takes what the
scanner types (or a webcam reads, when settings say "station/input" =
"camera"), the answer fills the screen in very large text, and after a few
seconds it returns to "请扫描通行证 / Please scan your pass". It is bound at
start to one scan station (the car-park gate takes only parking passes, a
room's door only that room's), whose rules the domain applies.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QImage, QKeySequence, QPixmap, QScreen
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox,
                               QVBoxLayout, QWidget)

from booking.places import stations
from booking.schedule import bookings
from booking.store import i18n
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.checkin.scanning import Verdict
from ui.passes.camera import CameraReader
from ui.desk.fonts import ui_font
from ui.desk.language import settings
from ui.passes.scan_panel import ScanInput, VerdictBanner, run_scan
from ui.widgets.sounds import Chime
from ui.desk.session import Desk, follow

RESET_DEFAULT = 6
INPUTS = ("scanner", "camera")
KEY_NAME, KEY_RESET, KEY_INPUT, KEY_SCREEN, KEY_CAMERA = (
    "station/name", "station/reset_seconds", "station/input", "station/screen", "station/camera")


def pick_screen(saved: str | None = None) -> QScreen | None:
    """The screen named `saved`, else the last one when there are two or more (the second
    monitor faces the residents), else the primary screen."""
    screens = QGuiApplication.screens()
    for screen in screens:
        if saved and screen.name() == saved:
            return screen
    if len(screens) >= 2:
        return screens[-1]
    return QGuiApplication.primaryScreen()


class ScanStation(QWidget):
    """The full-screen self-service window of one scan station."""

    def __init__(self, desk: Desk, station: str, reset_seconds: float = RESET_DEFAULT,
                 use_camera: bool = False, sound: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.desk = desk
        self.station = stations.get(desk.store, station)
        self.last_verdict: Verdict | None = None
        self.camera_message = ""
        self.setObjectName("scanStation")
        self.setStyleSheet("#scanStation { background: #102a43; }"
                           "#stationFooter { color: #d9e2ec; }")
        self.chime = Chime(self, enabled=sound)

        self.banner = VerdictBanner(scale=2.4, parent=self)
        self.preview = QLabel(self)  # the camera's view, so a resident can aim the pass
        self.preview.setFixedSize(QSize(320, 240))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.hide()
        self.footer = QLabel(self)
        self.footer.setObjectName("stationFooter")
        self.footer.setFont(ui_font(16))
        self.footer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 24)
        layout.setSpacing(24)
        layout.addWidget(self.banner, 1)
        layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.footer)

        # The only input: one pixel, no frame, no colour; residents never see or click it.
        self.field = ScanInput(self)
        self.field.setGeometry(0, 0, 1, 1)
        self.field.setStyleSheet("border: none; background: transparent; color: transparent;")
        self.field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.field.scanned.connect(self.scan)

        self.reset_timer = QTimer(self)
        self.reset_timer.setSingleShot(True)
        self.reset_timer.setInterval(int(reset_seconds * 1000))
        self.reset_timer.timeout.connect(self.show_prompt)

        self.exit_action = QAction(self)
        self.exit_action.setShortcut(QKeySequence("Ctrl+Shift+Q"))
        self.exit_action.triggered.connect(self.close)
        self.addAction(self.exit_action)

        self.camera: CameraReader | None = None
        if use_camera:
            self.camera = CameraReader(self, device_name=settings().value(KEY_CAMERA) or None)
            self.camera.decoded.connect(self.scan)
            self.camera.preview.connect(self._show_preview)
            self.camera.problem.connect(self._camera_problem)

        follow(desk.language_changed, self, self.retranslate)
        self.retranslate()
        if self.camera is not None and self.camera.start():
            self.preview.show()

    # --- what it does ----------------------------------------------------------------------

    def scan(self, text: str) -> Verdict | None:
        """Scan `text` here, show the answer, and come back to the prompt after a few seconds."""
        try:
            verdict = run_scan(self.desk, text, self.station.name, origin=self)
        except DeskError as exc:
            self.last_verdict = None
            self.banner.show_problem(exc.message())
            self.chime.play(False)
        else:
            self.last_verdict = verdict
            self.banner.show_verdict(verdict, self.desk.now())
            self.chime.play(verdict.ok)
        self.reset_timer.start()
        self.field.setFocus()
        return self.last_verdict

    def show_prompt(self) -> None:
        """Back to "please scan", in the current language with the other one below it."""
        self.last_verdict = None
        other = "en" if i18n.language() == "zh" else "zh"
        hint = self.camera_message or tr("uis_station_prompt", other)
        self.banner.show_idle(tr("uis_station_prompt"), hint)
        self.field.setFocus()

    def retranslate(self, _language: str = "") -> None:
        self.setWindowTitle(tr("uis_station_window", name=self.station.name))
        self.footer.setText(tr("uis_station_footer", name=self.station.name, takes=self.station.takes_text()))
        self.exit_action.setText(tr("uis_station_exit"))
        if self.camera is not None and self.camera.running:
            self.camera_message = tr("uis_cam_hint")
        if self.last_verdict is None:
            self.show_prompt()
        else:
            verdict = self.last_verdict
            if verdict.booking is not None:
                verdict = Verdict(verdict.ok, verdict.action, verdict.reason_key, verdict.reason,
                                  bookings.get(self.desk.store, verdict.booking.id), verdict.params)
            self.banner.show_verdict(verdict, self.desk.now())

    def _camera_problem(self, message: str) -> None:
        self.camera_message = message
        self.preview.hide()
        self.banner.show_problem(message)
        self.reset_timer.start()  # then the prompt, which keeps the message as its hint

    def _show_preview(self, image: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation))

    # --- full screen, focus, closing -------------------------------------------------------------

    def show_on(self, screen: QScreen | None) -> None:
        """Full screen on `screen` (None: wherever the window system puts it)."""
        if screen is not None:
            self.setScreen(screen)
            self.move(screen.geometry().topLeft())
        self.showFullScreen()
        self.activateWindow()
        self.field.setFocus()

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.WindowActivate, QEvent.Type.MouseButtonPress):
            self.field.setFocus()
        return super().event(event)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.reset_timer.stop()
        if self.camera is not None:
            self.camera.stop()
        super().closeEvent(event)


class StationChooser(QDialog):
    """Asks, before opening the station: which station, how long each answer stays,
    scanner or webcam, and which screen. Remembers the answers (QSettings)."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("uis_station_choose"))
        saved = settings()
        self.station = QComboBox(self)
        for item in stations.all_stations(desk.store):
            self.station.addItem(f"{item.name} — {item.takes_text()} — {tr('station_mode_' + item.mode)}",
                                 item.name)
        index = self.station.findData(saved.value(KEY_NAME))
        self.station.setCurrentIndex(max(index, 0))
        self.reset = QSpinBox(self)
        self.reset.setRange(2, 60)
        self.reset.setSuffix(tr("uis_station_seconds"))
        self.reset.setValue(int(str(saved.value(KEY_RESET, RESET_DEFAULT))))  # an int, or its text in the file
        self.input = QComboBox(self)
        for name in INPUTS:
            self.input.addItem(tr(f"uis_station_input_{name}"), name)
        self.input.setCurrentIndex(max(self.input.findData(saved.value(KEY_INPUT, "scanner")), 0))
        self.screen_box = QComboBox(self)
        for n, screen in enumerate(QGuiApplication.screens(), 1):
            size = screen.size()
            self.screen_box.addItem(tr("uis_station_screen_item", n=n, name=screen.name(), w=size.width(),
                                       h=size.height()), screen.name())
        for box in (self.station, self.input, self.screen_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            # room for the longest entry whole: "1：显示器（1366×768）" mixes full-width signs
            # whose width Qt's own size hint underestimates
            widest = max((box.fontMetrics().horizontalAdvance(box.itemText(n)) for n in range(box.count())), default=0)
            box.setMinimumWidth(widest + box.fontMetrics().horizontalAdvance("M") * 3)
        chosen = pick_screen(saved.value(KEY_SCREEN))
        if chosen is not None:
            self.screen_box.setCurrentIndex(max(self.screen_box.findData(chosen.name()), 0))

        form = QFormLayout(self)
        form.addRow(tr("uis_station_field_station"), self.station)
        form.addRow(tr("uis_station_field_reset"), self.reset)
        form.addRow(tr("uis_station_field_input"), self.input)
        form.addRow(tr("uis_station_field_screen"), self.screen_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        saved = settings()
        saved.setValue(KEY_NAME, self.station.currentData())
        saved.setValue(KEY_RESET, self.reset.value())
        saved.setValue(KEY_INPUT, self.input.currentData())
        saved.setValue(KEY_SCREEN, self.screen_box.currentData())
        super().accept()

    def open_station(self, desk: Desk, sound: bool = True) -> ScanStation:
        """The station window as chosen, shown full screen on the chosen screen."""
        window = ScanStation(desk, self.station.currentData(), self.reset.value(),
                             use_camera=self.input.currentData() == "camera", sound=sound)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show_on(pick_screen(self.screen_box.currentData()))
        return window


def open_station(desk: Desk, parent: QWidget | None = None) -> ScanStation | None:
    """Ask which station and screen, then open it full screen; None if the clerk cancels."""
    chooser = StationChooser(desk, parent)
    if chooser.exec() != QDialog.DialogCode.Accepted:
        return None
    return chooser.open_station(desk)


def station_action(desk: Desk, parent: QObject) -> QAction:
    """The menu entry that opens the scan station (the window keeps itself alive while open)."""
    action = QAction(parent)
    opened: list[ScanStation] = []

    def trigger() -> None:
        window = open_station(desk, parent if isinstance(parent, QWidget) else None)
        if window is not None:
            opened[:] = [window]
            window.destroyed.connect(lambda: opened.clear())

    def retranslate(_code: str = "") -> None:
        action.setText(tr("uis_station_choose_action"))
        action.setStatusTip(tr("uis_station_choose"))

    action.triggered.connect(trigger)
    follow(desk.language_changed, action, retranslate)
    retranslate()
    return action
