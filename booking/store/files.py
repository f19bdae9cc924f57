"""Saying why a file could not be saved over, and CSV cells Excel will not run.

On Windows a PDF open in a viewer, or a CSV or workbook open in Excel, cannot
be replaced or rewritten: the attempt fails with PermissionError (WinError 5
"access denied", 32 "used by another process", 33 "locked"). "拒绝访问" alone
does not tell a clerk what to do; this names the file and says to close it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from booking.store.errors import DeskError


# Windows' codes for a file another program holds (access denied, sharing and lock violations)
HELD_WINERRORS = (5, 32, 33)


def held_open(exc: OSError) -> bool:
    """True when `exc` says another program holds the file (on Windows) or it may not be replaced."""
    return isinstance(exc, PermissionError) or getattr(exc, "winerror", None) in HELD_WINERRORS


def in_use_error(target: str | Path, field: str = "path") -> DeskError:
    """The refusal for a file that is open in another program, naming it."""
    target = Path(target)
    return DeskError("invalid", "files_in_use", field=field, name=target.name, path=str(target))


#: How a spreadsheet cell's text starts a formula (OWASP "CSV injection"): '=HYPERLINK(...)' typed
#: as a purpose, or '=cmd|...' as a name, must reach Excel as text, never as something it runs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """`value` for a CSV cell: text that would start a formula gets a leading ' (Excel shows it as text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
