"""Linli Desk (邻里服务台): the window, or a headless command when one is named.

    python app.py [--db PATH]                 open the desk window
    python app.py [--db PATH] COMMAND ... [--json]   run one command (see --help)

Thin wiring only: the domain is in booking/, the windows in ui/.
"""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from booking import cli
    from booking.store import console, logs

    window = cli.wants_window(argv)
    kind = logs.process_kind(window)  # before setup, which gives a windowed program a stdout
    console.use_utf8()  # a redirected Windows console is cp936 or cp1252
    logs.setup(kind=kind)  # logs/ in the app-data folder: one file each for window, commands, tasks

    if window:
        from ui.app.main import run_window  # Qt is loaded only for the window and drawing commands
        return run_window(argv)
    return cli.run(argv)


if __name__ == "__main__":
    sys.exit(main())
