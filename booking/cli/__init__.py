"""The command line: a thin adapter over the domain, as sqlite-utils' cli.py is over db.py.

`from booking import cli; cli.run(argv)` runs one command (main). The registry gives every
command its Context (store, clock, actor) and the marks a handler and its parsers carry; each
*_commands module is one group of commands (core_commands: the store, residents, bookings,
rules, closures); table lists every group by module, so the command table is complete when this
package is imported and nothing registers itself as a side effect. The commands that draw have
their arguments in drawing_commands and their handlers in ui/, imported by name when such a
command runs (drawing_commands.DRAWN): the only way booking reaches ui/, and a command that
draws nothing loads no Qt.

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting, booking.ops, booking.gatehouse, and by name
when a drawing command runs (DRAWN): ui.app.selftest, ui.passes.pass_command,
ui.reports.sheet_commands.
"""
from booking.cli.main import build_parser, command_parsers, commands, run, wants_window

__all__ = ["build_parser", "command_parsers", "commands", "run", "wants_window"]
