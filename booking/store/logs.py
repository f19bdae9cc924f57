"""The program's log: rotating files in the application-data folder, one per kind of process.

`logs/linli-desk.log` (the desk window), `logs/linli-desk-commands.log` (commands
typed at a prompt) and `logs/linli-desk-tasks.log` (commands run by the windowed
program, which only the Windows task scheduler does), each at most 1 MB with
five older files beside it (.1 ... .5), so a busy year never fills the disk and
the admin can still send the last days to whoever helps. A file is opened only
when its first line is written, so a command that logs nothing leaves nothing behind.

One file per kind, because Windows cannot rename a file another process holds
open: the window keeps its log open all day, and the 07:00 task must not have
to rotate that file. Should two processes still share one (two commands at
once), a rotation that cannot rename the file keeps writing to it and loses
nothing (`_DeskLogHandler.doRollover`).
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

from booking.store.paths import data_dir

LOG_NAME = "linli-desk.log"
# the kinds of process, each with its own file (see the module docstring)
LOG_NAMES = {"window": LOG_NAME, "commands": "linli-desk-commands.log", "tasks": "linli-desk-tasks.log"}
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(process)d] %(message)s"


class _DeskLogHandler(logging.handlers.RotatingFileHandler):
    """Ours, so `setup` can find it again and never adds a second one; and a rotation that
    cannot rename the file (Windows: another process holds it open) destroys nothing.

    The standard rollover shifts .1 -> .2 ... and deletes the oldest before it renames the
    file in use, so each failed attempt still loses a file. Here the file in use is renamed
    first, to a name of its own; only once that worked are the older files shifted. If it
    fails, the lines go on into the same file, and rotation is tried again after another
    tenth of the size limit.
    """

    _retry_at = 0  # the size at which a rotation that failed is tried again

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        if self._retry_at and self.stream is not None and self.stream.tell() < self._retry_at:
            return False
        return bool(super().shouldRollover(record))

    def doRollover(self) -> None:
        if self.stream:
            self.stream.close()
            self.stream = None  # type: ignore[assignment]
        base = self.baseFilename
        aside = f"{base}.rotating-{os.getpid()}"
        try:
            os.rename(base, aside)
        except FileNotFoundError:
            aside = ""
        except OSError:  # held open elsewhere: keep writing here, lose nothing
            self.stream = self._open()
            self._retry_at = self.stream.tell() + max(self.maxBytes // 10, 1)
            return
        self._retry_at = 0
        try:
            for n in range(self.backupCount - 1, 0, -1):
                older, oldest = f"{base}.{n}", f"{base}.{n + 1}"
                if os.path.exists(older):
                    os.replace(older, oldest)
            if aside:
                os.replace(aside, f"{base}.1")
        except OSError:
            pass  # a backup file held open: the aside file stays, under its own name, with every line
        if not self.delay:
            self.stream = self._open()


def log_dir() -> Path:
    return data_dir() / "logs"


def log_file() -> Path:
    """The log file in use (or the one `setup` would use for the window)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _DeskLogHandler):
            return Path(handler.baseFilename)
    return log_dir() / LOG_NAME


def process_kind(wants_window: bool) -> str:
    """Which log this process writes: "window", "commands", or "tasks" for a command run by
    the windowed program (it has no console: sys.stdout is None; only the task scheduler
    starts it with a command). Call before `setup`, which gives such a program a stdout."""
    if wants_window:
        return "window"
    return "tasks" if sys.stdout is None else "commands"


def setup(folder: str | Path | None = None, level: int = logging.INFO, kind: str = "window") -> Path | None:
    """Send the program's log to the rotating file of its `kind` (see LOG_NAMES); returns its
    path, or None if it cannot be written.

    Idempotent. A log that cannot be written (read-only or full disk) must not
    stop the desk from starting: the program then logs to stderr only.
    """
    _give_windowed_program_somewhere_to_write()
    root = logging.getLogger()
    wanted = (Path(folder) if folder is not None else log_dir()) / LOG_NAMES[kind]
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
