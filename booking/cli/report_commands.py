"""The pure report commands: the monthly summary and the bookings export.

    report --month YYYY-MM                          -> the monthly summary (reports.monthly_summary)
    export --from YYYY-MM-DD --to YYYY-MM-DD (--csv FILE | --xlsx FILE)... [--unmasked [--reason TEXT]]

The commands that draw (sheet, heatmap) need Qt and are registered from
ui/desk/offscreen.py; these never load it. The summary is always masked: only the
export offers full names, to an admin, on the record.
"""
from __future__ import annotations

from typing import Any

from booking.cli import registry as cli
from booking.reporting import exports, reports
from booking.store.i18n import tr
from booking.store.validation import parse_date


@cli.parser_section
def _parsers(sub: Any) -> None:
    p = cli.add(sub, "report", tr("reportcmd_help"))
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    e = cli.add(sub, "export", tr("exportcmd_help"))
    e.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    e.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD")
    e.add_argument("--csv", metavar="FILE", help="CSV, UTF-8 with BOM (opens in Excel)")
    e.add_argument("--xlsx", metavar="FILE", help="Excel workbook")
    e.add_argument("--unmasked", action="store_true", help="names and phones in full (admin; audited)")
    e.add_argument("--reason", help="why the unmasked export is needed (kept in the audit log)")


@cli.command("report")
def _report(ctx: cli.Context) -> dict[str, Any]:
    first = reports.parse_month(ctx.args.month)
    return reports.monthly_summary(ctx.swept_store(), first)


def _plain_export(result: dict[str, Any]) -> str:
    files = "、".join(f for f in (result["csv"], result["xlsx"]) if f)
    return tr("exportcmd_done", rows=result["rows"], files=files)


@cli.command("export", _plain_export)
def _export(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    first, last = parse_date(a.first, "from"), parse_date(a.last, "to")
    return exports.export_bookings(ctx.swept_store(), ctx.actor, first, last, csv_path=a.csv, xlsx_path=a.xlsx,
                                   masked=not a.unmasked, reason=a.reason, now=ctx.now).to_json()
