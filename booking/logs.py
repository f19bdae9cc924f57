"""The program's log: a rotating file in the application-data folder.

`logs/linli-desk.log`, at most 1 MB, with five older files beside it
(linli-desk.log.1 ... .5), so a busy year of desk work never fills the disk
and the admin can still send the last days to whoever helps. The file is
opened only when the first line is written, so a command that logs nothing
leaves nothing behind.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

from booking.paths import data_dir

LOG_NAME = "linli-desk.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(process)d] %(message)s"


class _DeskLogHandler(logging.handlers.RotatingFileHandler):
    """Ours, so `setup` can find it again and never adds a second one."""


def log_dir() -> Path:
    return data_dir() / "logs"


def log_file() -> Path:
    """The log file in use (or the one `setup` would use)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _DeskLogHandler):
            return Path(handler.baseFilename)
    return log_dir() / LOG_NAME


def setup(folder: str | Path | None = None, level: int = logging.INFO) -> Path | None:
    """Send the program's log to the rotating file; returns its path, or None if it cannot be written.

    Idempotent. A log that cannot be written (read-only or full disk) must not
    stop the desk from starting: the program then logs to stderr only.
    """
    _give_windowed_program_somewhere_to_write()
    root = logging.getLogger()
    wanted = (Path(folder) if folder is not None else log_dir()) / LOG_NAME
    for handler in list(root.handlers):
        if isinstance(handler, _DeskLogHandler):
            if Path(handler.baseFilename) == wanted.absolute():
                return wanted
            root.removeHandler(handler)
            handler.close()
    try:
        wanted.parent.mkdir(parents=True, exist_ok=True)
        handler = _DeskLogHandler(wanted, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                                  encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    logging.captureWarnings(True)
    return wanted


def _give_windowed_program_somewhere_to_write() -> None:
    """A windowed Windows program has no console: sys.stdout and sys.stderr are None there.

    Anything that prints (a library's warning, a command's answer) would then
    raise; writing into nothing is the honest equivalent of a closed console.
    """
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  lives as long as the program
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
