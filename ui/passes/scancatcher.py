"""A pass scanned while the keyboard focus is somewhere else is still a scan.

A USB scanner is a keyboard: it types the pass's digits (45 or 54) at 5–60 ms a key and then Enter,
into whatever widget has the focus — the find box, a filter, a field of an open dialog. This
application-wide filter recognises such a burst by its timing and shape and hands it to the
scan panel; the widget it landed in never sees it.

Digits typed into any widget of the desk's windows are held for a moment (GAP_MS): if the next
key follows as fast as a scanner types, it is held too; when the burst ends in Enter with a
pass's length, it is a scan. Anything else — a pause, another key, a shorter number — is given
back to the widget exactly as typed, in order, so typing by hand works as before (a clerk's
digits arrive a few hundredths of a second later, which nobody notices). The scan field itself
is not filtered: a pass typed there by hand is scanned on Enter as always.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from booking.checkin.passcode import LENGTHS

#: the longest pause between two keys of one scanner burst (scanners: 5–60 ms; people: 100 ms and more)
GAP_MS = 90
_DIGITS = set("0123456789０１２３４５６７８９")
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)


@dataclass
class _Held:
    receiver: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class ScanCatcher(QObject):
    """Routes scanner bursts typed anywhere in `home`'s windows to `scan(text)`."""

    def __init__(self, home: QWidget, scan: Callable[[str], object],
                 is_scan_field: Callable[[QWidget], bool]) -> None:
        super().__init__(home)
        self.home = home
        self.scan = scan
        self.is_scan_field = is_scan_field
        self.held: list[_Held] = []
        self.replaying = False
        self.clock = QElapsedTimer()
        self.last_key_ms = 0
        self.flush_timer = QTimer(self)
        self.flush_timer.setSingleShot(True)
        self.flush_timer.setInterval(GAP_MS)
        self.flush_timer.timeout.connect(self.give_back)
        self.clock.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def _ours(self, widget: QObject) -> bool:
        """A widget of the desk window or of a window opened from it (a dialog, a view)."""
        if not isinstance(widget, QWidget) or self.is_scan_field(widget):
            return False
        window = widget.window()
        while window is not None:
            if window is self.home:
                return True
            parent = window.parentWidget()
            window = parent.window() if parent is not None else None
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if self.replaying or kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not isValid(self.home) or not self._ours(watched):
            return False
        assert isinstance(event, QKeyEvent)
        plain = event.modifiers() in _PLAIN
        if kind == QEvent.Type.KeyRelease:
            return bool(self.held) and plain and (event.text() in _DIGITS or event.key() in _ENTER)
        now = self.clock.elapsed()
        quick = now - self.last_key_ms <= GAP_MS
        self.last_key_ms = now
        if plain and len(event.text()) == 1 and event.text() in _DIGITS:
            if self.held and not quick:
                self.give_back()
            self.held.append(_Held(watched, event.key(), event.modifiers(), event.text()))
            self.flush_timer.start()
            return True
        if plain and event.key() in _ENTER and self.held and quick and len(self.held) in LENGTHS.values():
            text = "".join(h.text for h in self.held)
            self.held.clear()
            self.flush_timer.stop()
            self.scan(text)
            return True
        if self.held:
            self.give_back()  # not a pass: the digits first, then this key, as typed
        return False

    def give_back(self) -> None:
        """Deliver the held keys to the widgets they were typed into, in order."""
        self.flush_timer.stop()
        held, self.held = self.held, []
        self.replaying = True
        try:
            for key in held:
                if not isValid(key.receiver):
                    continue
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(key.receiver, QKeyEvent(kind, key.key, key.modifiers, key.text))
        finally:
            self.replaying = False
