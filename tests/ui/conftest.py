"""Every Qt test gets its own settings folder and leaves the language as it found it."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from ui.desk import language


@pytest.fixture(autouse=True)
def _settings(tmp_path, qapp):
    """QSettings (window geometry, language, station input) in a temporary folder, never the user's.

    With the QApplication (pytest-qt's `qapp`) made first: a test that builds a widget without
    asking for qtbot passed only when an earlier test in its worker had made it, and aborted the
    worker when the order changed (xdist's worksteal, the slow tests started first)."""
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield
    language.restore_defaults()
