"""The bookings of a period as a CSV file or an Excel workbook, from the same rows.

CSV is written as UTF-8 with a byte-order mark: Excel on Windows reads a CSV
without one in the system's ANSI code page and turns Chinese into mojibake.
The workbook is written with openpyxl (a well-kept library rather than XLSX by
hand), in its streaming mode so a ten-year export does not need the whole
workbook in memory.

Names and phones are masked unless an admin asks otherwise; that choice is
recorded in the audit log (who, which period, which files) before the file is
written, so an unmasked file never exists without its record. Files are written whole or not
at all (a temporary file beside the target, then a rename).
"""
from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from booking.reporting import reports
from booking.store import audit, clock
from booking.store.audit import Actor
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.checkin.passinfo import output_target, write_whole
from booking.store.connection import Store
from booking.store.files import csv_cell


#: progress(done, total) -> False to cancel; called every PROGRESS_EVERY rows and at the end of each file
Progress = Callable[[int, int], bool]
PROGRESS_EVERY = 500

XLSX_ROWS = 1_048_576  # Excel's limit, the header included


def write_csv(path: Path, header: list[str], rows: Iterable[list[Any]]) -> int:
    """Write `rows` under `header` as CSV (UTF-8 with BOM) to `path`; returns the number of rows."""
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for row in rows:
            writer.writerow([csv_cell(value) for value in row])
            count += 1
    return count


def write_xlsx(path: Path, header: list[str], rows: Iterable[list[Any]], title: str) -> int:
    """Write `rows` under `header` as one worksheet of an Excel workbook; returns the number of rows."""
    from openpyxl import Workbook  # loaded only for an Excel export
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])  # Excel's limit on a sheet name
    sheet.freeze_panes = "A2"
    for index, title_text in enumerate(header):
        width = max(8, min(40, 2 * len(title_text) + 2))
        sheet.column_dimensions[_column_letter(index)].width = width
    bold = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    count = 0
    try:
        for row in rows:
            count += 1
            if count >= XLSX_ROWS:
                raise DeskError("invalid", "export_too_many", field="xlsx", limit=XLSX_ROWS - 1)
            sheet.append([_text_cell(sheet, value, WriteOnlyCell) for value in row])
    except BaseException:
        sheet.close()  # a stopped export (cancelled, too long) closes openpyxl's half-written sheet too
        raise
    book.save(path)
    return count


def _text_cell(sheet: Any, value: Any, cell_type: Any) -> Any:
    """`value` for an Excel cell; text starting with '=' is kept as text (openpyxl would make it a formula)."""
    if isinstance(value, str) and value.startswith("="):
        cell = cell_type(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return str(get_column_letter(index + 1))


def booking_count(store: Store, first: date, last: date) -> int:
    """How many rows `reports.booking_rows` gives for the same days (the total for a progress bar)."""
    lo, hi = clock.day_bounds(first)[0], clock.day_bounds(last)[1]
    found: int = store.sql("SELECT count(*) FROM booking WHERE start_at >= :lo AND start_at < :hi",
                           lo=clock.to_text(lo), hi=clock.to_text(hi)).fetchone()[0]
    return found


def _reported(rows: Iterable[list[Any]], progress: Progress, done: int, total: int) -> Iterator[list[Any]]:
    """`rows`, telling `progress` every PROGRESS_EVERY rows; a False answer stops the file being written."""
    for count, row in enumerate(rows, 1):
        yield row
        if count % PROGRESS_EVERY == 0 and not progress(done + count, total):
            raise DeskError("state", "export_cancelled")


def check_export(actor: Actor, first: date, last: date, csv_path: str | None, xlsx_path: str | None,
                 masked: bool, reason: str | None) -> dict[str, Path | None]:
    """Where an export as asked would write ({"csv": path or None, "xlsx": ...}), or the DeskError
    it is refused with, before anything is written. An unmasked export needs an admin and a reason
    (the audit log keeps why personal data left the desk)."""
    if not csv_path and not xlsx_path:
        raise DeskError("usage", "export_nothing", field="csv")
    if last < first:
        raise DeskError("invalid", "report_range_order", field="to")
    targets = {kind: _target(path, kind) if path else None for kind, path in (("csv", csv_path), ("xlsx", xlsx_path))}
    if targets["csv"] is not None and targets["csv"] == targets["xlsx"]:
        raise DeskError("invalid", "export_same_file", field="xlsx", path=str(targets["csv"]))
    if not masked:
        if not actor.is_admin:
            raise DeskError("forbidden", "export_unmasked_admin")
        if not (reason or "").strip():
            raise DeskError("invalid", "export_reason_required", field="reason")
    return targets


def _target(path: str, kind: str) -> Path:
    """output_target, its refusal naming the file it is about (csv or xlsx)."""
    try:
        return output_target(path)
    except DeskError as exc:
        exc.field = kind
        raise


@dataclass(frozen=True)
class Export:
    """What an export wrote: its days, how many bookings, whether masked, the files (absolute paths or None)."""

    first: date
    last: date
    rows: int
    masked: bool
    csv: str | None
    xlsx: str | None

    @property
    def files(self) -> list[str]:
        """The files written, CSV first."""
        return [f for f in (self.csv, self.xlsx) if f]

    def to_json(self) -> dict[str, Any]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "rows": self.rows,
                "masked": self.masked, "csv": self.csv, "xlsx": self.xlsx}


def export_bookings(store: Store, actor: Actor, first: date, last: date, csv_path: str | None = None,
                    xlsx_path: str | None = None, masked: bool = True,
                    reason: str | None = None, progress: Progress | None = None, *, now: datetime) -> Export:
    """Export the bookings starting from `first` to `last` (inclusive) to CSV and/or XLSX.

    Returns what was written (Export), with absolute paths.
    Unmasked exports need an admin and are audited before the file is written.
    `progress(done, total)` (rows over all files) may return False to cancel: the file being
    written is then removed, any finished one kept, and DeskError('state', 'export_cancelled') raised.
    """
    targets = check_export(actor, first, last, csv_path, xlsx_path, masked, reason)
    if not masked:
        with store.write():
            audit.record(store, actor, "export_unmasked", "booking", None,
                         after={"from": first.isoformat(), "to": last.isoformat(),
                                "files": [str(p) for p in targets.values() if p]},
                         reason=reason, at=now)
    header = reports.export_header()
    counts: dict[str, int] = {}
    title = tr("export_sheet_title", first=first.isoformat(), last=last.isoformat())
    chosen = {kind: path for kind, path in targets.items() if path is not None}
    files = list(chosen)
    total = booking_count(store, first, last) * len(files) if progress else 0

    def writer(kind: str, index: int) -> Callable[[Path], None]:
        found: Iterable[list[Any]] = reports.booking_rows(store, first, last, masked)
        if progress:
            found = _reported(found, progress, index * total // len(files), total)
        if kind == "csv":
            return lambda partial: counts.__setitem__(kind, write_csv(partial, header, found))
        return lambda partial: counts.__setitem__(kind, write_xlsx(partial, header, found, title))

    for index, kind in enumerate(files):
        write_whole(chosen[kind], writer(kind, index))
        if progress and not progress((index + 1) * total // len(files), total) and index + 1 < len(files):
            raise DeskError("state", "export_cancelled")
    return Export(first, last, max(counts.values()), masked, str(targets["csv"]) if targets["csv"] else None,
                  str(targets["xlsx"]) if targets["xlsx"] else None)
