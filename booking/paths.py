"""Where the program keeps its files, frozen or not, without asking Qt.

`data_dir()` gives the same folder as Qt's
`QStandardPaths.writableLocation(AppDataLocation)` for organization
ORGANIZATION and application APPLICATION (a test in tests/ui checks that they
agree), so the headless commands, which must not load Qt, and the window use
one store. `resource_path()` finds bundled files both from a source checkout
and inside a PyInstaller build.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ORGANIZATION = "Linli"
APPLICATION = "LinliDesk"
STORE_NAME = "linli-desk.sqlite3"


def data_dir() -> Path:
    """The per-user application-data folder (LINLI_DATA_DIR overrides it)."""
    override = os.environ.get("LINLI_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / ORGANIZATION / APPLICATION


def default_store() -> Path:
    return data_dir() / STORE_NAME


def resource_dir() -> Path:
    """The `resources/` folder: beside app.py in a checkout, in _MEIPASS when frozen."""
    frozen_base = getattr(sys, "_MEIPASS", None)
    if frozen_base:
        return Path(frozen_base) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)
