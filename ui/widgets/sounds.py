"""The yes and no sounds of a scan.

Played with Qt Multimedia's QSoundEffect from resources/sounds/ok.wav and
no.wav (see make_sounds.py there). Qt Multimedia is optional at run time: if it
cannot be loaded, or a sound cannot be played (no audio device), the desk falls
back to the system beep (once for yes, twice for no). A sound never stops a scan.
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtWidgets import QApplication

from booking.store.paths import resource_path

log = logging.getLogger("linli.sounds")


class Chime(QObject):
    """Plays the sound for an accepted or a refused scan."""

    def __init__(self, parent: QObject | None = None, enabled: bool = True) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self._effects: dict[bool, Any] = {}
        if enabled:
            self._load()

    def _load(self) -> None:
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except Exception as exc:  # a build without Qt Multimedia, or its libraries missing
            log.info("Qt Multimedia unavailable, using the system beep: %s", exc)
            return
        for ok, name in ((True, "ok.wav"), (False, "no.wav")):
            path = resource_path("sounds", name)
            if not path.exists():
                continue
            try:
                effect = QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(path)))
                effect.setVolume(0.8)
                self._effects[ok] = effect
            except Exception as exc:  # never let a sound card stop the desk
                log.info("sound %s not loaded: %s", name, exc)

    @property
    def uses_files(self) -> bool:
        """True when the WAV sounds are loaded (False: the system beep is used)."""
        return bool(self._effects)

    def play(self, ok: bool) -> None:
        """The sound for yes (`ok`) or no."""
        if not self.enabled:
            return
        effect = self._effects.get(ok)
        try:
            if effect is not None and effect.status() != effect.Status.Error:
                effect.play()
                return
        except Exception as exc:
            log.info("sound failed, beeping instead: %s", exc)
        QApplication.beep()
        if not ok:
            QTimer.singleShot(250, QApplication.beep)
