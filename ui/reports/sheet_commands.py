"""The commands that draw reports: the daily sheet (PDF or printer) and the heat-map (PNG).

    sheet [--date YYYY-MM-DD] [--pdf FILE] [--print [--printer NAME]] [--clerk NAME]
    heatmap (--month YYYY-MM | --week YYYY-MM-DD) [--by spaces|hours] [--png FILE]

Without --pdf/--print (or --png) they answer with the sheet (or the matrix) as
data and load no Qt. With them, Qt is loaded only inside the handler, after
`offscreen_app()`, so the Windows task scheduler can print the sheet at 07:00
with nobody signed in. Output paths are checked before anything is drawn and
files are written whole or not at all.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from booking.cli import registry as cli
from booking.reporting import reports, sheet as sheets
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.checkin.passinfo import output_target, write_whole
from booking.store.validation import parse_date
from ui.desk.offscreen import offscreen_app


def _plain_sheet(result: dict[str, Any]) -> str:
    lines = []
    if result.get("pdf"):
        lines.append(tr("sheetcmd_pdf", path=result["pdf"], pages=result["pages"]))
    if result.get("printer"):
        lines.append(tr("sheetcmd_printed", printer=result["printer"], pages=result["pages"]))
    return "\n".join(lines) or cli._plain(result)


@cli.command("sheet", _plain_sheet)
def _sheet(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    day = parse_date(a.date, "date") if a.date else ctx.now.date()
    if a.printer and not a.to_printer:
        raise DeskError("usage", "sheetcmd_printer_alone", field="printer")
    target = output_target(a.pdf) if a.pdf else None
    store = ctx.swept_store()
    sheet = sheets.build(store, day, ctx.now, a.clerk)
    if target is None and not a.to_printer:
        return sheet.to_json()

    offscreen_app()
    from ui.reports import printing

    result: dict[str, Any] = {"date": day.isoformat(), "totals": sheet.totals.to_json(), "pdf": None,
                              "printer": None, "pages": None}
    if target is not None:
        data, pages = printing.sheet_pdf_data(sheet)
        result["pdf"] = str(write_whole(target, lambda partial: partial.write_bytes(data)))
        result["pages"] = pages
    if a.to_printer:
        printer = printing.printer_for(a.printer)
        result["printer"] = printer.printerName()
        result["pages"] = printing.print_on(sheet, printer)
    return result


def _plain_heat(result: dict[str, Any]) -> str:
    if result.get("png"):
        return tr("heatcmd_png", path=result["png"], width=result["width"], height=result["height"])
    return cli._plain(result)


@cli.command("heatmap", _plain_heat)
def _heatmap(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    start, end, is_month = reports.period(a.month or a.week)
    target = output_target(a.png) if a.png else None
    hm = reports.heatmap(ctx.store, start, end, a.by, month=is_month)
    if target is None:
        return hm.to_json()

    offscreen_app()
    from ui.reports import heatmap

    image = heatmap.heatmap_image(hm)
    data = heatmap.png_bytes(image)
    return {"png": str(write_whole(target, lambda partial: partial.write_bytes(data))), "by": hm.by,
            "from": hm.start.isoformat(), "to": (hm.end - timedelta(days=1)).isoformat(),
            "rows": len(hm.rows), "columns": len(hm.columns), "width": image.width(), "height": image.height()}
