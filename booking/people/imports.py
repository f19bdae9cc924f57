"""Importing residents, with their households and plates, from a CSV file.

The office keeps its register in Excel; "另存为 CSV" gives UTF-8 (with a byte-order
mark) or, on a Chinese Windows, GB18030/GBK. The first row names the columns
in Chinese or English (姓名/name, 门牌/door, 手机/phone, 车牌/plate; 车牌 may be
left out, and one cell may hold several plates separated by ; or 、).

Every row is checked with the same rules as a resident registered by hand
(booking.store.validation, and a plate belongs to one household only). `check` is a
dry run that writes nothing; `apply` writes the file's residents in ONE write
transaction, so an import is all or nothing: a refusal, a cancel (the
progress callback answering False) or a crash leaves the store as it was. The
store is read once up front and the rows written in batches (`Store.sql_many`),
a chunk of PROGRESS_EVERY rows at a time, so a file of 10,000 rows on the server
is a few hundred round trips, not 50,000.
Rows with a mistake stop the whole import unless `skip_invalid` is given; a
resident already registered (same door and phone) is reported as 'exists' and
never doubled. One audit entry records each import with its counts.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from booking.people import residents
from booking.store import audit
from booking.store.audit import Actor
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.connection import Store, refuse_store_file
from booking.store.validation import normalize_door, normalize_name, normalize_phone, normalize_plate


#: progress(done, total) -> False to cancel. `check` counts rows; `apply` counts each row twice
#: (checked, then written), so total is twice the rows there.
Progress = Callable[[int, int], bool]
PROGRESS_EVERY = 200
MAX_BYTES = 32 * 1024 * 1024  # ~500,000 rows; a larger file is surely not a register of residents
VALUE_SHOWN = 40  # how much of a wrong cell an error repeats

COLUMNS = ("name", "door", "phone", "plate")
REQUIRED = ("name", "door", "phone")
# The words offices use for each column, compared after NFKC, lower case, without spaces and '*'.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "居民姓名", "住户姓名", "name", "fullname"),
    "door": ("门牌", "门牌号", "房号", "住址", "地址", "户号", "door", "address", "room"),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "电话号码", "phone", "mobile", "tel", "telephone"),
    "plate": ("车牌", "车牌号", "车牌号码", "plate", "plates", "licenseplate", "car"),
}
_HEADER_INDEX = {word: column for column, words in HEADER_WORDS.items() for word in words}
_PLATE_SPLIT = re.compile(r"[;；、,，/|]+")
_EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (a zip), .xls (OLE2)


@dataclass(frozen=True)
class Row:
    """One data row as read: its line in the file and its cells by column."""

    line: int
    cells: dict[str, str]


@dataclass
class Report:
    """What an import found (check) or did (apply)."""

    rows: int = 0
    added: int = 0
    exists: int = 0
    plates: int = 0
    invalid: list[dict[str, Any]] = field(default_factory=list)
    applied: bool = False
    encoding: str = "utf-8"

    @property
    def invalid_rows(self) -> int:
        return len({entry["line"] for entry in self.invalid})

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "added": self.added, "exists": self.exists, "plates": self.plates,
                "invalid": self.invalid, "invalid_rows": self.invalid_rows, "applied": self.applied,
                "encoding": self.encoding}


@dataclass(frozen=True)
class _Planned:
    """A valid row: the resident in canonical form, whether it is new, and its plates not yet registered."""

    line: int
    name: str
    door: str
    phone: str
    new: bool
    new_plates: tuple[str, ...]


# --- reading the file ----------------------------------------------------------------------------

def read_text(path: str | Path) -> tuple[str, str]:
    """The file's text and the encoding it was in; DeskError for anything that is not CSV text."""
    name = str(path)
    refuse_store_file(path, "csv", writing=False)
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DeskError("not_found" if isinstance(exc, FileNotFoundError) else "invalid", "imp_cannot_read",
                        field="csv", path=name, detail=exc.strerror or str(exc)) from exc
    if len(data) > MAX_BYTES:
        raise DeskError("invalid", "imp_too_big", field="csv", limit=MAX_BYTES // (1024 * 1024))
    if data.startswith(_EXCEL_MAGIC):
        raise DeskError("invalid", "imp_excel", field="csv")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16 with a mark
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise DeskError("invalid", "imp_encoding", field="csv") from None
    if b"\x00" in data:
        raise DeskError("invalid", "imp_binary", field="csv", path=name)
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:  # GB18030 is a superset of GBK and GB2312: what Chinese Excel writes by default
            text, encoding = data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise DeskError("invalid", "imp_encoding", field="csv") from None
    if not text.strip():
        raise DeskError("invalid", "imp_empty", field="csv", path=name)
    return text, encoding


def _header_word(cell: str) -> str:
    return "".join(unicodedata.normalize("NFKC", cell).lower().replace("*", "").split())


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each CSV record; a tab-separated file (no comma in its first line) works too."""
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, MAX_BYTES))  # a long cell is a row's mistake, not an unreadable file
    try:
        line = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise DeskError("invalid", "imp_unreadable", field="csv", line=line, detail=str(exc)) from None
            yield line, cells
            line = reader.line_num + 1
    finally:
        csv.field_size_limit(limit)


def read_rows(text: str) -> list[Row]:
    """The data rows under the header, blank rows left out; DeskError when the header is not usable."""
    records = _records(text)
    header: list[str] | None = None
    for _line, cells in records:
        if any(cell.strip() for cell in cells):
            header = cells
            break
    if header is None:  # only separators: nothing names the columns
        raise DeskError("invalid", "imp_no_header", field="csv")
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = _HEADER_INDEX.get(_header_word(cell))
        if column is None:
            continue  # a column the desk does not keep (备注, 身份证 ...) is left alone
        if column in positions:
            raise DeskError("invalid", "imp_duplicate_column", field="csv", column=cell.strip()[:VALUE_SHOWN])
        positions[column] = index
    if not positions:
        raise DeskError("invalid", "imp_no_header", field="csv")
    missing = [column for column in REQUIRED if column not in positions]
    if missing:
        raise DeskError("invalid", "imp_missing_column", field="csv",
                        columns="、".join(tr(f"imp_field_{column}") for column in missing))
    rows = []
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue  # Excel leaves rows of empty cells at the end
        rows.append(Row(line, {column: cells[index] if index < len(cells) else ""
                               for column, index in positions.items()}))
    if not rows:
        raise DeskError("invalid", "imp_no_rows", field="csv")
    return rows


# --- checking the rows -------------------------------------------------------------------------

class _Register:
    """What the store holds (and what earlier rows of the file add), read once up front: residents by
    (door, phone), plates' doors, households' ids by door. The rows are then checked against it, and
    written in batches (`_write`), not looked up and written one statement at a time: on the server
    each statement is a round trip (10,000 rows took 11-26 s so; 1.1-1.8 s now, docs/shared-store.md)."""

    def __init__(self, store: Store) -> None:
        #: a resident's id by (door, phone), the lowest when the store holds two alike (as
        #: residents.find_existing answers); None for one an earlier row of the file adds
        self.people: dict[tuple[str, str], int | None] = {}
        for door, phone, resident_id in store.sql(
                "SELECT h.door, r.phone, r.id FROM resident r JOIN household h ON h.id = r.household_id "
                "ORDER BY r.id"):
            self.people.setdefault((door, phone), resident_id)
        self.plates: dict[str, str] = dict(store.sql(
            "SELECT v.plate, h.door FROM vehicle v JOIN household h ON h.id = v.household_id"))
        self.households: dict[str, int] = dict(store.sql("SELECT door, id FROM household"))


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= VALUE_SHOWN else text[:VALUE_SHOWN - 1] + "…"


def split_plates(text: str) -> list[str]:
    """The plates of one cell: separated by ; 、 , / or |, blanks dropped."""
    return [part for part in _PLATE_SPLIT.split(text or "") if part.strip()]


def _check_row(row: Row, register: _Register) -> tuple[_Planned | None, list[dict[str, Any]]]:
    """The row as a planned resident, or its mistakes (one per wrong field or plate)."""
    errors: list[dict[str, Any]] = []
    values: dict[str, str] = {}
    for column, normalize in (("name", normalize_name), ("door", normalize_door), ("phone", normalize_phone)):
        raw = row.cells.get(column, "")
        try:
            values[column] = normalize(raw)
        except DeskError as exc:
            errors.append({"line": row.line, "field": column, "error": exc.message(), "value": _shown(raw)})
    plates: list[str] = []
    for raw in split_plates(row.cells.get("plate", "")):
        try:
            plate = normalize_plate(raw)
        except DeskError as exc:
            errors.append({"line": row.line, "field": "plate", "error": exc.message(), "value": _shown(raw)})
            continue
        owner = register.plates.get(plate)
        if owner is not None and "door" in values and owner != values["door"]:
            error = DeskError("invalid", "plate_other_household", field="plate", plate=plate, door=owner)
            errors.append({"line": row.line, "field": "plate", "error": error.message(), "value": plate})
        elif plate not in plates:
            plates.append(plate)
    if errors:
        return None, errors
    door, phone = values["door"], values["phone"]
    new_plates = tuple(plate for plate in plates if plate not in register.plates)
    new = (door, phone) not in register.people
    register.people.setdefault((door, phone), None)  # a second row of the same resident is then 'exists'
    for plate in new_plates:
        register.plates[plate] = door
    return _Planned(row.line, values["name"], door, phone, new, new_plates), []


def _plan(store: Store, rows: list[Row], report: Report, progress: Progress | None,
          total: int) -> tuple[list[_Planned], _Register]:
    register = _Register(store)
    planned: list[_Planned] = []
    for count, row in enumerate(rows, 1):
        resident, errors = _check_row(row, register)
        if resident is None:
            report.invalid.extend(errors)
        else:
            planned.append(resident)
            report.added += resident.new
            report.exists += not resident.new
            report.plates += len(resident.new_plates)
        _tell(progress, count, len(rows), count, total)
    return planned, register


def _write(store: Store, register: _Register, chunk: list[_Planned], now: datetime) -> None:
    """Write one chunk of planned rows in three batches: its new households, its new residents, its new plates.

    What the rows' one-at-a-time writes did, in the same order (so the same ids): a household is
    made for a door the store does not hold yet, a resident only where the row is new, and a plate
    goes to the household and to the resident (new or already registered) of its row. The register
    was read inside this write, and the plan checked every plate against it.
    """
    doors = list(dict.fromkeys(r.door for r in chunk if r.door not in register.households))
    register.households.update(zip(doors, residents.insert_households(store, doors, now=now), strict=True))
    new = [r for r in chunk if r.new]
    ids = residents.insert_residents(store, [(register.households[r.door], r.name, r.phone) for r in new], now=now)
    register.people.update({(r.door, r.phone): rid for r, rid in zip(new, ids, strict=True)})
    residents.insert_vehicles(store, [(plate, register.households[r.door], register.people[(r.door, r.phone)])
                                      for r in chunk for plate in r.new_plates], now=now)


def _tell(progress: Progress | None, count: int, last: int, done: int, total: int) -> None:
    """Report every PROGRESS_EVERY rows and at the `last`; a False answer cancels the import."""
    if progress is not None and (count % PROGRESS_EVERY == 0 or count == last):
        if progress(done, total) is False:
            raise DeskError("state", "imp_cancelled")


# --- the two modes -----------------------------------------------------------------------------

def check(store: Store, path: str | Path, progress: Progress | None = None) -> Report:
    """A dry run: what `apply` would do with the file, row by row; writes nothing."""
    text, encoding = read_text(path)
    rows = read_rows(text)
    report = Report(rows=len(rows), encoding=encoding)
    _plan(store, rows, report, progress, len(rows))
    return report


def apply(store: Store, actor: Actor, path: str | Path, skip_invalid: bool = False,
          progress: Progress | None = None, *, now: datetime) -> Report:
    """Import the file's residents in one write transaction; all or nothing.

    Rows with mistakes refuse the whole import (DeskError 'invalid', `details` the
    report) unless `skip_invalid`, which imports the other rows. A cancel from
    `progress` raises DeskError('state', 'imp_cancelled') after the rollback.
    """
    text, encoding = read_text(path)
    rows = read_rows(text)
    report = Report(rows=len(rows), encoding=encoding)
    total = 2 * len(rows)
    with store.write():
        # Checked inside the write so no other desk registers a plate between the check and the insert.
        planned, register = _plan(store, rows, report, progress, total)
        if report.invalid and not skip_invalid:
            raise DeskError("invalid", "imp_has_invalid", field="csv", details=report.to_json(),
                            count=report.invalid_rows)
        for start in range(0, len(planned), PROGRESS_EVERY):  # a chunk between two progress reports
            chunk = planned[start:start + PROGRESS_EVERY]
            _write(store, register, chunk, now)
            count = start + len(chunk)
            _tell(progress, count, len(planned), len(rows) + count, total)
        report.applied = True
        audit.record(store, actor, "import", "resident", None,
                     after={"file": Path(path).name, "rows": report.rows, "added": report.added,
                            "exists": report.exists, "plates": report.plates,
                            "skipped": report.invalid_rows, "encoding": encoding}, at=now)
    if progress is not None and rows and len(planned) < len(rows):
        progress(total, total)  # the skipped rows count as done: the bar ends full
    return report
