"""The commands that draw: their arguments here, their handlers in ui/, named in DRAWN.

    self-test [--keep FOLDER]
    pass BOOKING_ID [--png FILE] [--slip FILE.pdf]
    sheet [--date YYYY-MM-DD] [--pdf FILE] [--print [--printer NAME]] [--clerk NAME]
    heatmap (--month YYYY-MM | --week YYYY-MM-DD) [--by spaces|hours] [--png FILE]

Their arguments need no Qt, so --help and every other command know them without loading ui/.
A handler is imported by its module's name (booking/cli/table.py) only when its command runs,
and loads Qt only when it draws: `pass` without --png or --slip, `sheet` without --pdf or
--print and `heatmap` without --png answer with data and load no Qt. booking/ never imports
ui/ otherwise; tests/test_import_graph.py counts these names as the imports they are.
"""
from __future__ import annotations

from typing import Any

from booking.cli.registry import add, parser_section
from booking.store.i18n import tr

#: command -> the ui module whose @command handler runs it
DRAWN = {
    "self-test": "ui.app.selftest",
    "pass": "ui.passes.pass_command",
    "sheet": "ui.reports.sheet_commands",
    "heatmap": "ui.reports.sheet_commands",
}


@parser_section
def _self_test_parsers(sub: Any) -> None:
    p = add(sub, "self-test", "check the installed program end to end on a temporary store (exit 0 = all good)")
    p.add_argument("--keep", metavar="FOLDER", help="leave the temporary store and sheet PDF in FOLDER")


@parser_section
def _pass_parsers(sub: Any) -> None:
    p = add(sub, "pass", tr("passcmd_help"))
    p.add_argument("id", type=int, metavar="BOOKING_ID")
    p.add_argument("--png", metavar="FILE", help="save the pass as an image for a phone (PNG)")
    p.add_argument("--slip", metavar="FILE.pdf", help="save the printable A6 pass slip (PDF)")


@parser_section
def _report_parsers(sub: Any) -> None:
    p = add(sub, "sheet", tr("sheetcmd_help"))
    p.add_argument("--date", metavar="YYYY-MM-DD", help="default: today (for the 07:00 scheduled print)")
    p.add_argument("--pdf", metavar="FILE", help="save the sheet as PDF (A4 landscape)")
    p.add_argument("--print", dest="to_printer", action="store_true", help="print on the default printer")
    p.add_argument("--printer", metavar="NAME", help="with --print: this installed printer")
    p.add_argument("--clerk", metavar="NAME", help="the duty clerk printed in the header")
    h = add(sub, "heatmap", tr("heatcmd_help"))
    span = h.add_mutually_exclusive_group(required=True)
    span.add_argument("--month", metavar="YYYY-MM")
    span.add_argument("--week", metavar="YYYY-MM-DD", help="any day of the week (Monday to Sunday)")
    h.add_argument("--by", choices=["spaces", "hours"], default="spaces")
    h.add_argument("--png", metavar="FILE")
