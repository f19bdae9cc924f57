"""The command table: every group of commands, listed by module, and the drawing commands by name.

Importing this imports the groups and registers nothing: the table is read from the functions
the groups mark with @command and @parser_section (booking/cli/registry.py), in the order of
GROUPS, which is the order of `--help`. A new group of commands is one more line here.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import Any

from booking.cli import (backup_commands, clerk_commands, core_commands, drawing_commands, fee_commands,
                         gate_commands, import_commands, office_commands, report_commands, resident_edit_commands,
                         scan_commands, store_commands)
from booking.cli.registry import Command

GROUPS: tuple[ModuleType, ...] = (
    core_commands,           # init, resources, resource, resident, book, check, cancel, show, list, free, rule...
    scan_commands,           # scan, manual, reissue, sweep, station, key
    clerk_commands,          # clerk add, list, passwd, disable, enable
    backup_commands,         # backup, restore, store-adopt, store-check
    store_commands,          # copy-store
    fee_commands,            # charge, pay, refund, ledger, shift-report, credits, waitlist, tariff, restriction
    report_commands,         # report, export
    import_commands,         # import residents
    resident_edit_commands,  # resident edit, unplate, leave, return
    gate_commands,           # gate serve, password, events, let-in, whitelist, sync
    office_commands,         # holiday, closure edit/holidays, resource edit, ...
    drawing_commands,        # self-test, pass, sheet, heatmap: arguments only (handlers in ui/)
)


def _marked(module: ModuleType, mark: str) -> list[Any]:
    """The functions `module` defines (not imports) that carry `mark`, in the order it defines them."""
    return [value for value in vars(module).values()
            if callable(value) and getattr(value, mark, None) and value.__module__ == module.__name__]


def parser_sections() -> list[Callable[[Any], None]]:
    return [section for module in GROUPS for section in _marked(module, "cli_parsers")]


@cache
def headless() -> dict[str, Command]:
    """The commands whose handlers are in booking/cli, by full name."""
    found: dict[str, Command] = {}
    for module in GROUPS:
        for handler in _marked(module, "cli_command"):
            name = handler.cli_command.name
            if name in found or name in drawing_commands.DRAWN:
                raise RuntimeError(f"the command {name!r} has two handlers")
            found[name] = handler.cli_command
    return found


def names() -> list[str]:
    """Every command's full name, the drawing commands included."""
    return sorted(set(headless()) | set(drawing_commands.DRAWN))


def find(name: str) -> Command | None:
    """The command named, importing a drawing command's ui module now (None: no such command)."""
    if name in headless():
        return headless()[name]
    module_name = drawing_commands.DRAWN.get(name)
    if module_name is None:
        return None
    for handler in _marked(importlib.import_module(module_name), "cli_command"):
        command: Command = handler.cli_command
        if command.name == name:
            return command
    raise RuntimeError(f"{module_name} has no handler for {name!r}")
