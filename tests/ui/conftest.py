"""Every Qt test gets its own settings folder and leaves the language as it found it."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from ui.desk import language


@pytest.fixture(autouse=True)
def _settings(tmp_path):
    """QSettings (window geometry, language, station input) in a temporary folder, never the user's."""
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield
    language.restore_defaults()
