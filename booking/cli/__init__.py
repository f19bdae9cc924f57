"""The command line: a thin adapter over the domain, as sqlite-utils' cli.py is over db.py.

`from booking import cli; cli.run(argv)` runs one command. The registry gives every command its
Context (store, clock, actor); each *_commands module is one group of commands.

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting, booking.ops, booking.gatehouse.
"""
from booking.cli.registry import build_parser, commands, run, wants_window

__all__ = ["build_parser", "commands", "run", "wants_window"]
