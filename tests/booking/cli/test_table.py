"""The command table is complete once booking.cli is imported, with nothing registered as a side
effect of importing something else; the commands that draw are named, with their ui module."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from booking import cli
from booking.cli import drawing_commands, table

ROOT = Path(__file__).resolve().parents[3]


def test_importing_the_cli_package_alone_gives_every_command_and_loads_no_ui():
    code = ("import json, sys\n"
            "from booking import cli\n"
            "print(json.dumps([cli.commands(), sorted(m for m in sys.modules if m.split('.')[0] in "
            "('ui', 'PySide6', 'shiboken6'))]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    names, loaded = json.loads(out.stdout)
    assert loaded == []
    assert {"init", "book", "resident add", "scan", "gate serve", "holiday show", "pass", "sheet", "heatmap",
            "self-test"} <= set(names)
    assert names == cli.commands()


def test_each_drawing_command_is_handled_in_the_ui_module_the_table_names():
    for name, module in drawing_commands.DRAWN.items():
        found = table.find(name)
        assert found is not None and found.name == name and found.handler.__module__ == module


def test_every_command_has_a_parser_and_a_handler():
    parsers = set(cli.command_parsers())
    assert parsers == set(cli.commands())
    assert all(table.find(name) is not None for name in parsers)


def test_an_unknown_command_is_not_in_the_table():
    assert table.find("no such command") is None
