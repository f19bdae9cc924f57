"""A webcam instead of a USB scanner: Qt Multimedia frames decoded with zxing-cpp.

The camera gives 15–60 frames a second; at most `rate` of them (5 by default)
are turned into a small grey image and decoded on a worker thread, one at a
time, so the window never waits for the decoder. A pass held in front of the
camera is reported once, not five times a second: the same text is reported
again only after it has been out of sight for `hold` seconds.

Everything here may fail on a given PC (no camera, no Qt Multimedia, a camera
in use by another program): `CameraReader.start()` then emits `problem` with
words for the banner and returns False, and the scanner input keeps working.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Qt, Signal
from PySide6.QtGui import QImage

from booking.store.i18n import tr

log = logging.getLogger("linli.camera")

DECODE_WIDTH = 960  # enough pixels for a phone's pass at arm's length; small enough to decode in ms


def decode(image: QImage) -> list[str]:
    """The texts of the QR codes in `image` (grey-scaled and shrunk first); [] if none."""
    import zxingcpp

    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    if grey.width() > DECODE_WIDTH:
        grey = grey.scaledToWidth(DECODE_WIDTH, Qt.TransformationMode.SmoothTransformation)
    found = zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return [code.text for code in found if code.text]


class Debounce:
    """Lets a text through once per appearance: again only after `hold` seconds out of sight."""

    def __init__(self, hold: float = 3.0) -> None:
        self.hold = hold
        self._last: dict[str, float] = {}

    def accept(self, text: str, moment: float) -> bool:
        seen = self._last.get(text)
        self._last = {t: m for t, m in self._last.items() if moment - m <= self.hold}
        self._last[text] = moment
        return seen is None or moment - seen > self.hold


class CameraReader(QObject):
    """Reads passes from a webcam. Emits `decoded(text)`, `preview(QImage)` and `problem(message)`."""

    decoded = Signal(str)
    preview = Signal(QImage)
    problem = Signal(str)
    _found = Signal(list)  # from the worker thread to this object's thread (queued)

    def __init__(self, parent: QObject | None = None, rate: float = 5.0, hold: float = 3.0,
                 device_name: str | None = None) -> None:
        super().__init__(parent)
        self.interval = 1.0 / rate
        self.device_name = device_name
        self.debounce = Debounce(hold)
        self.running = False
        self._last_decode = 0.0
        self._busy = False
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._camera: Any = None
        self._session: Any = None
        self._sink: Any = None
        self._found.connect(self._on_found, Qt.ConnectionType.QueuedConnection)

    def start(self) -> bool:
        """Open the camera; False (and `problem` emitted) if it cannot be used here."""
        try:
            import zxingcpp  # noqa: F401  checked first: without it the camera is no use
        except ImportError:
            return self._fail(tr("uis_cam_no_decoder"))
        try:
            from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QMediaDevices, QVideoSink
        except Exception as exc:  # the libraries are missing on this PC
            log.info("Qt Multimedia unavailable: %s", exc)
            return self._fail(tr("uis_cam_no_multimedia"))
        try:
            devices = QMediaDevices.videoInputs()
            if not devices:
                return self._fail(tr("uis_cam_none"))
            device = next((d for d in devices if d.description() == self.device_name), devices[0])
            self._camera = QCamera(device, self)
            self._camera.errorOccurred.connect(self._on_error)
            self._sink = QVideoSink(self)
            self._sink.videoFrameChanged.connect(self._on_frame)
            self._session = QMediaCaptureSession(self)
            self._session.setCamera(self._camera)
            self._session.setVideoSink(self._sink)
            self._camera.start()
        except Exception as exc:  # a driver that throws must not take the station down
            log.warning("camera failed to start: %s", exc)
            return self._fail(tr("uis_cam_error", detail=str(exc)))
        self.running = True
        return True

    def stop(self) -> None:
        """Close the camera and wait briefly for a decode in flight."""
        self.running = False
        if self._camera is not None:
            try:
                self._camera.stop()
            except Exception as exc:  # stopping a camera that already failed
                log.info("camera stop: %s", exc)
        self._pool.waitForDone(1000)

    def _fail(self, message: str) -> bool:
        self.running = False
        self.problem.emit(message)
        return False

    def _on_error(self, _error: Any, text: str) -> None:
        self._fail(tr("uis_cam_error", detail=text or "?"))

    def _on_frame(self, frame: Any) -> None:
        now = time.monotonic()
        if self._busy or now - self._last_decode < self.interval or not frame.isValid():
            return
        self._last_decode = now
        image = frame.toImage()
        if image.isNull():
            return
        self.preview.emit(image)
        self.submit(image)

    def submit(self, image: QImage) -> None:
        """Decode `image` on the worker thread (skipped while one is being decoded)."""
        if self._busy:
            return
        self._busy = True
        copy = image.copy()  # the frame's memory belongs to the camera

        def work() -> None:
            try:
                texts = decode(copy)
            except Exception as exc:  # a decoder error is a missed frame, never a crash
                log.info("decode failed: %s", exc)
                texts = []
            self._found.emit(texts)

        self._pool.start(work)

    def _on_found(self, texts: list[str]) -> None:
        self._busy = False
        moment = time.monotonic()
        for text in texts:
            if self.debounce.accept(text, moment):
                self.decoded.emit(text)
