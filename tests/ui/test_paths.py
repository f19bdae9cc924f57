"""The headless commands (no Qt) and the window find the same app-data folder."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths

from booking.store import paths


def test_data_dir_is_where_qt_keeps_the_apps_data(qapp, monkeypatch, tmp_path):
    monkeypatch.delenv("LINLI_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    old = QCoreApplication.organizationName(), QCoreApplication.applicationName()
    QCoreApplication.setOrganizationName(paths.ORGANIZATION)
    QCoreApplication.setApplicationName(paths.APPLICATION)
    try:
        qt = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    finally:
        QCoreApplication.setOrganizationName(old[0])
        QCoreApplication.setApplicationName(old[1])
    assert paths.data_dir() == Path(qt)
    assert paths.data_dir().is_relative_to(tmp_path)
