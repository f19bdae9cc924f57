"""Console output in UTF-8, whatever Windows' code page.

When the output of a command is piped or redirected on Windows, Python encodes
it in the console's code page: cp936 on Chinese Windows, cp1252 elsewhere.
"✓" or a resident's name then raises UnicodeEncodeError after the command has
done its work (a `scan` has checked the booking in), and a script that retries
checks it out again. So the program's output is always UTF-8 (and the build
also runs Python in UTF-8 mode: build.spec). A character that even UTF-8
cannot carry (a lone surrogate) becomes "?" rather than a crash.
"""
from __future__ import annotations

import sys
from typing import Any


def use_utf8() -> None:
    """Make sys.stdout and sys.stderr write UTF-8. Call before anything is written."""
    for name in ("stdout", "stderr"):
        _reconfigure(getattr(sys, name))


def _reconfigure(stream: Any) -> None:
    reconfigure = getattr(stream, "reconfigure", None)  # None (windowed program) or not a text file
    if reconfigure is None:
        return
    try:
        reconfigure(encoding="utf-8", errors="replace")
    except (ValueError, OSError):  # already written to, or closed: leave it as it is
        pass
