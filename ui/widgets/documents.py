"""Where save dialogs suggest a file: the user's Documents folder.

A bare file name would be relative to the working directory, which for a
program started from its shortcut is its folder under Program Files: read-only,
and not where a clerk would look for the file afterwards.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths


def documents_folder() -> Path:
    """The Documents folder (QStandardPaths), or the home folder if there is none."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def in_documents(name: str) -> str:
    """`name` in the Documents folder, as the starting path of a save dialog."""
    return str(documents_folder() / name)
