"""Where the program keeps its files, frozen or not, without asking Qt.

`data_dir()` is the folder of the store and its backups. On Windows it is per
machine, `%ProgramData%\\Linli\\LinliDesk`: the 07:00 task runs as another
account (or SYSTEM), and clerks have their own Windows logins; a per-user
folder (%APPDATA%) would give each of them a separate, empty store with its own
pass key. On Linux and macOS the program is a developer's or a single user's
(no scheduled task as another account), so it keeps the user's data folder
(XDG), the same as Qt's `QStandardPaths.writableLocation(AppDataLocation)`
(a test in tests/ui checks that they agree). LINLI_DATA_DIR and `--db`
override both. `data_dir_for()` is a pure function of the platform and the
environment, so the Windows rule is tested here. `resource_path()` finds bundled files both from a source checkout
and inside a PyInstaller build.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

ORGANIZATION = "Linli"
APPLICATION = "LinliDesk"
STORE_NAME = "linli-desk.sqlite3"


def data_dir() -> Path:
    """The store's folder: per machine on Windows, per user elsewhere (LINLI_DATA_DIR overrides it)."""
    return Path(data_dir_for(sys.platform, os.environ, str(Path.home())))


def data_dir_for(platform: str, env: Mapping[str, str], home: str) -> PurePath:
    """The store's folder for `platform` (sys.platform) and environment `env`; pure, for tests."""
    override = env.get("LINLI_DATA_DIR")
    if override:
        return _pure(platform)(override)
    if platform == "win32":
        base = _pure(platform)(env.get("ProgramData") or env.get("PROGRAMDATA") or "C:\\ProgramData")
    elif platform == "darwin":
        base = PurePosixPath(home) / "Library" / "Application Support"
    else:
        base = PurePosixPath(env.get("XDG_DATA_HOME") or PurePosixPath(home) / ".local" / "share")
    return base / ORGANIZATION / APPLICATION


def user_data_dir_for(platform: str, env: Mapping[str, str], home: str) -> PurePath | None:
    """Where earlier versions kept the store on Windows (per user, %APPDATA%), or None elsewhere."""
    if platform != "win32":
        return None
    base = env.get("APPDATA") or str(PureWindowsPath(home) / "AppData" / "Roaming")
    return PureWindowsPath(base) / ORGANIZATION / APPLICATION


def _pure(platform: str) -> type[PurePath]:
    return PureWindowsPath if platform == "win32" else PurePosixPath


def default_store() -> Path:
    return data_dir() / STORE_NAME


def earlier_user_store() -> Path | None:
    """The per-user store an earlier version made on Windows (%APPDATA%), if it is there."""
    if os.environ.get("LINLI_DATA_DIR"):
        return None
    folder = user_data_dir_for(sys.platform, os.environ, str(Path.home()))
    found = Path(folder) / STORE_NAME if folder is not None else None
    return found if found is not None and found.is_file() else None


def resource_dir() -> Path:
    """The `resources/` folder: beside app.py in a checkout, in _MEIPASS when frozen."""
    frozen_base = getattr(sys, "_MEIPASS", None)
    if frozen_base:
        return Path(frozen_base) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)
