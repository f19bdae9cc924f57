"""The daily occupancy sheet: as data, and as the HTML that ui/reports/printing.py prints.

At the start of each shift the clerk prints the day's sheet and signs it at
hand-over. It lists every space (all of them, a free one visibly free) and
every room, each booking that touches the day on its own line: overnight
bookings appear on both days, written so that neither can be misread
("19:00→次日07:30" on the first, "前日19:00→07:30" on the second). Residents are
masked (张*丰, 138****5678): the sheet lies on the desk all day.

Cancelled bookings are left off the lines (they hold nothing and would cost
the sheet a page) and only counted. The totals count what happened
ON the day, so that a month's sheets add up without counting an overnight
booking twice: check-ins made that day, no-shows of bookings starting that
day, overstays of bookings ending that day.

`to_html` builds the printable page without Qt. Parking is laid out in
column groups, side by side, a fixed number of lines per page (`PageFit`):
ui/reports/printing.py measures how many lines fit with the fonts it has and passes
that in, because only Qt knows a font's line height. Status is a symbol and a
word, never only a colour, so the sheet reads the same from a black-and-white
printer.

The text is 9 pt at the smallest, for older eyes. At that size a busy day
(about 330 parking lines: last night's stays, a morning and an afternoon
booking on most spaces, tonight's stays) takes three A4 landscape pages, not
two: three column groups of about 45 lines a page is what the width and the
height allow, and two pages would hold only some 270 lines before the rooms
and the signature lines. To keep it at three, the check-in and check-out
share one column ("18:55–07:20", like the booked time beside it).
"""
from __future__ import annotations

import html
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from booking.places import holidays
from booking.schedule import bookings
from booking.store import clock
from booking.schedule.bookings import Booking
from booking.store.i18n import language, tr
from booking.places.inventory import Resource, all_resources
from booking.checkin.passinfo import date_text
from booking.store.connection import Store
from booking.store.validation import mask_name, mask_phone


# Rooms are used by day; their occupancy is measured over these hours, parking over all 24.
ROOM_DAY = (8, 22)
OCCUPYING = ("booked", "checked_in", "completed")


@dataclass(frozen=True)
class Line:
    """One booking as the sheet prints it, every value already text in the current language."""

    booking_id: int
    code: str
    time: str            # "08:30–10:00", "19:00→次日07:30", "前日19:00→07:30"
    plate: str
    resident: str        # masked name
    door: str
    phone: str           # masked
    look: str            # booked / checked_in / overstay / completed / late / no_show
    status: str          # symbol and one word, for the narrow parking column
    status_long: str     # symbol and words, for the rooms
    checked_in: str
    checked_out: str
    purpose: str
    visitor: bool
    overnight: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Place:
    """A space or a room with its lines of the day."""

    code: str
    name: str
    zone: str
    enabled: bool
    lines: tuple[Line, ...]

    @property
    def free(self) -> bool:
        """Nothing holds it at any time of the day (no-shows released it)."""
        return not any(line.look != "no_show" for line in self.lines)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "zone": self.zone, "enabled": self.enabled,
                "free": self.free, "lines": [line.to_json() for line in self.lines]}


@dataclass(frozen=True)
class Totals:
    """The day's figures; events are counted on the day they happened (see the module's note)."""

    bookings: int
    parking: int
    rooms: int
    cancelled: int
    occupancy_pct: float        # parking, booked minutes of the day over all spaces × 24 h
    room_occupancy_pct: float   # rooms, over ROOM_DAY
    check_ins: int
    check_outs: int
    no_shows: int
    overstays: int
    free_now: int | None        # only for today's sheet: spaces held by no active booking now
    free_all_day: int
    spaces: int
    #: checked in before the day and still inside when it began: the lines' ●在 with a 前日 time,
    #: which "签到" (the day's own check-ins) does not count
    carried_in: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Sheet:
    """The daily occupancy sheet of one date."""

    community: str
    title: str
    day: date
    day_text: str
    clerk: str
    printed_at: datetime
    spaces: tuple[Place, ...]
    rooms: tuple[Place, ...]
    totals: Totals
    calendar: str = ""  # '春节（放假）' or '春节（调休上班）' on such a day, else empty

    def lines(self) -> list[Line]:
        return [line for place in self.spaces + self.rooms for line in place.lines]

    def to_json(self) -> dict[str, Any]:
        return {"community": self.community, "title": self.title, "date": self.day.isoformat(),
                "day_text": self.day_text, "clerk": self.clerk, "printed_at": clock.to_text(self.printed_at),
                "calendar": self.calendar, "totals": self.totals.to_json(),
                "spaces": [p.to_json() for p in self.spaces], "rooms": [p.to_json() for p in self.rooms]}


# --- building the sheet ----------------------------------------------------------------------------

def build(store: Store, day: date, now: datetime, clerk: str | None = None) -> Sheet:
    """The sheet of `day` as it stands at `now` (call after the no-show sweep for an up-to-date one)."""
    found = bookings.on_date(store, day, include_cancelled=True)
    cancelled = sum(1 for b in found if b.status == "cancelled")
    shown = [b for b in found if b.status != "cancelled"]
    by_resource: dict[str, list[Booking]] = {}
    for b in shown:
        by_resource.setdefault(b.resource, []).append(b)
    resources = all_resources(store)
    spaces = tuple(_place(r, by_resource.get(r.code, []), day, now) for r in resources if r.kind == "parking")
    rooms = tuple(_place(r, by_resource.get(r.code, []), day, now) for r in resources if r.kind == "room")
    return Sheet(community=tr("sheet_community"), title=tr("sheet_title"), day=day,
                 day_text=date_text(day, with_year=True), clerk=clerk or "", printed_at=now,
                 spaces=spaces, rooms=rooms,
                 totals=_totals(shown, cancelled, resources, day, now), calendar=holidays.day(store, day).text())


def _place(res: Resource, found: list[Booking], day: date, now: datetime) -> Place:
    found = sorted(found, key=lambda b: b.start)
    return Place(res.code, res.name, res.zone or "", res.enabled, tuple(_line(b, day, now) for b in found))


def look_of(booking: Booking, now: datetime) -> str:
    """What a booking is at `now`, in the sheet's words (overstays told apart from plain stays)."""
    if booking.status == "checked_in" and booking.end < now:
        return "overstay"
    if booking.status == "completed" and (booking.overstay_minutes or 0) > 0:
        return "late"
    return booking.status


def time_text(start: datetime, end: datetime, day: date) -> str:
    """The booking's time as seen from `day`: '08:30–10:00', '19:00→次日07:30', '前日19:00→07:30'."""
    if start.date() == day and end.date() == day:
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{_moment(start, day)}→{_moment(end, day)}"


def _moment(moment: datetime, day: date) -> str:
    if moment.date() == day:
        return f"{moment:%H:%M}"
    if moment.date() == day - timedelta(days=1):
        return tr("sheet_prev_day") + f"{moment:%H:%M}"
    if moment.date() == day + timedelta(days=1) or (moment.date() == day + timedelta(days=2)
                                                     and moment.time() == datetime.min.time()):
        return tr("sheet_next_day") + f"{moment:%H:%M}"
    return f"{moment:%m-%d %H:%M}"


def _stamp_text(stamp: str | None, day: date) -> str:
    """A check-in/out time as the sheet's other times are written: HH:MM on the sheet's day,
    "前日19:05" the day before, "次日07:10" the day after, else with its date."""
    if not stamp:
        return ""
    return _moment(clock.from_text(stamp[:16]), day)


def _line(b: Booking, day: date, now: datetime) -> Line:
    look = look_of(b, now)
    return Line(
        booking_id=b.id, code=b.resource, time=time_text(b.start, b.end, day), plate=b.plate or "",
        resident=mask_name(b.resident_name), door=b.door, phone=mask_phone(b.phone), look=look,
        status=tr(f"sheet_short_{look}"),
        status_long=tr(f"sheet_long_{look}", minutes=b.overstay_minutes or 0),
        checked_in=_stamp_text(b.checked_in_at, day), checked_out=_stamp_text(b.checked_out_at, day),
        purpose=b.purpose or "", visitor=b.visitor, overnight=b.end.date() > b.start.date())


def _totals(shown: list[Booking], cancelled: int, resources: list[Resource], day: date,
            now: datetime) -> Totals:
    start, end = clock.day_bounds(day)
    room_start, room_end = start + timedelta(hours=ROOM_DAY[0]), start + timedelta(hours=ROOM_DAY[1])
    spaces = [r for r in resources if r.kind == "parking" and r.enabled]
    rooms = [r for r in resources if r.kind == "room" and r.enabled]
    parking_minutes = room_minutes = 0
    held_all_day: set[str] = set()
    held_now: set[str] = set()
    check_ins = check_outs = no_shows = overstays = carried_in = 0
    for b in shown:
        if b.status in OCCUPYING:
            held_all_day.add(b.resource)
            if b.kind == "parking":
                parking_minutes += _overlap(b.start, b.end, start, end)
            else:
                room_minutes += _overlap(b.start, b.end, room_start, room_end)
        # Held now: booked or in use at this minute, or still inside after its end.
        if b.start <= now and (b.status == "checked_in" or (b.status == "booked" and now < b.end)):
            held_now.add(b.resource)
        if b.checked_in_at and b.checked_in_at[:10] == day.isoformat():
            check_ins += 1
        elif b.checked_in_at and b.checked_in_at[:10] < day.isoformat() and (
                not b.checked_out_at or b.checked_out_at[:10] >= day.isoformat()):
            carried_in += 1
        if b.checked_out_at and b.checked_out_at[:10] == day.isoformat():
            check_outs += 1
        if b.status == "no_show" and b.start.date() == day:
            no_shows += 1
        if start < b.end <= end and look_of(b, now) in ("overstay", "late"):
            overstays += 1
    space_codes = {r.code for r in spaces}
    is_today = start <= now < end
    return Totals(
        bookings=len(shown), parking=sum(1 for b in shown if b.kind == "parking"),
        rooms=sum(1 for b in shown if b.kind != "parking"), cancelled=cancelled,
        occupancy_pct=_pct(parking_minutes, len(spaces) * 1440),
        room_occupancy_pct=_pct(room_minutes, len(rooms) * 60 * (ROOM_DAY[1] - ROOM_DAY[0])),
        check_ins=check_ins, check_outs=check_outs, no_shows=no_shows, overstays=overstays,
        free_now=len(space_codes - held_now) if is_today else None,
        free_all_day=len(space_codes - held_all_day), spaces=len(spaces), carried_in=carried_in)


def _overlap(a: datetime, b: datetime, lo: datetime, hi: datetime) -> int:
    return max(0, clock.minutes(max(a, lo), min(b, hi)))


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


# --- the printable HTML ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PageFit:
    """How many parking lines fit in one column group: on the first page (under the header) and later.

    `groups` column groups stand side by side on each page. ui/reports/printing.py
    measures the real numbers with its fonts; these defaults suit Noto Sans CJK
    at 9 pt on A4 landscape.
    """

    first: int = 43
    rest: int = 48
    groups: int = 3


@dataclass(frozen=True)
class _Slot:
    """One printed parking line: a booking of a place, or the place free all day."""

    index: int             # the place's position (odd ones are shaded)
    place: Place
    line: Line | None      # None: the place is free all day
    first: bool            # the first line of its place


# Qt's rich text reads margins, paddings and letter-spacing only in px (1/96 in on paper too,
# whatever the printer's resolution): a length in pt there is silently dropped.
STYLE = """
body {{ font-family: {families}; font-size: {pt}pt; color: #000; }}
table {{ border-collapse: collapse; }}
td, th {{ padding-top: 0; padding-bottom: 0; padding-left: {pad}px; padding-right: {pad}px;
          white-space: nowrap; line-height: 82%; }}
th {{ font-weight: bold; text-align: left; }}
td.code {{ font-weight: bold; }}
td.tt {{ letter-spacing: {track}px; }}
td.cont {{ color: #555; font-style: italic; }}
td.gap, th.gap {{ padding-left: {gap}px; padding-right: 0; }}
td.free {{ font-style: italic; letter-spacing: 1pt; }}
td.nb {{ font-weight: bold; }}
td.sh {{ background-color: #e6e6e6; }}
.title {{ font-size: 14pt; font-weight: bold; }}
.head {{ font-size: 10pt; }}
.totals {{ font-size: 9.5pt; font-weight: bold; }}
.legend {{ font-size: {pt}pt; }}
h2 {{ font-size: 10.5pt; font-weight: bold; margin-top: 8px; margin-bottom: 2px; }}
table.rooms td, table.rooms th {{ padding-left: 4px; padding-right: 4px; }}
table.sign td {{ font-size: 10.5pt; padding: 14px 10px 2px 0; }}
"""

GAP_PX = 6  # between column groups, about 1.6 mm

_PARKING_COLUMNS = ("sheet_col_space", "sheet_col_time", "sheet_col_plate", "sheet_col_who",
                    "sheet_col_status", "sheet_col_in_out")


def to_html(sheet: Sheet, families: str = "sans-serif", fit: PageFit | None = None, font_pt: float = 9.0,
            pad_pt: float = 1.0, track_pt: float = -0.2) -> str:
    """The sheet as HTML for QTextDocument: header and totals, parking pages, rooms, signature lines.

    `families` is a CSS font-family list (ui/fonts.family_css); `fit` how many
    parking lines a column group holds on each page; `font_pt` the size of the
    lines and the legend (9 pt, the sheet's smallest); `pad_pt` the cells' side
    padding and `track_pt` the letter-spacing of the time, plate and check-in/out
    cells, which printing.py tightens, never the size, when a font is too wide for
    the columns. Each parking page is one table that must end on its page:
    printing.py checks it and retries with a smaller fit if a font was taller
    than measured.
    """
    fit = fit or PageFit()
    style = STYLE.format(families=families, pt=font_pt, pad=f"{pad_pt * 4 / 3:.2f}", track=f"{track_pt * 4 / 3:.2f}",
                         gap=GAP_PX)
    out = [f"<html><head><meta charset='utf-8'><style>{style}</style></head><body>"]
    out.append(_header(sheet))
    for index, page in enumerate(_parking_pages(sheet, fit)):
        out.append(_parking_table(page, fit.groups, index > 0))
    out.append(_rooms(sheet))
    out.append(_signature())
    out.append("</body></html>")
    return "".join(out)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _header(sheet: Sheet) -> str:
    t = sheet.totals
    free_now = t.free_now if t.free_now is not None else tr("sheet_not_today")
    totals = tr("sheet_totals", bookings=t.bookings, parking=t.parking, rooms=t.rooms,
                occupancy=f"{t.occupancy_pct:.0f}", check_ins=t.check_ins, carried_in=t.carried_in,
                check_outs=t.check_outs,
                no_shows=t.no_shows, overstays=t.overstays, free_now=free_now, free_all_day=t.free_all_day,
                cancelled=t.cancelled)
    colon = "：" if language() == "zh" else ": "
    clerk = _e(sheet.clerk) if sheet.clerk else tr("sheet_nobody")
    return (
        "<table width='100%' cellpadding='0' cellspacing='0'><tr>"
        f"<td class='title'>{_e(sheet.community)} · {_e(sheet.title)}</td>"
        f"<td class='head' align='right'>{tr('sheet_date')}{colon}<b>{_e(sheet.day_text)}</b>"
        f"{('（' + _e(sheet.calendar) + '）') if sheet.calendar else ''}　"
        f"{tr('sheet_clerk')}{colon}<b>{clerk}</b>　"
        f"{tr('sheet_printed')}{colon}{_e(clock.to_text(sheet.printed_at))}</td></tr></table>"
        f"<p class='totals' style='margin-top:2px; margin-bottom:1px'>{_e(totals)}</p>"
        f"<p class='legend' style='margin-top:0; margin-bottom:4px'>{_e(tr('sheet_legend'))}</p>"
    )


def _slots(sheet: Sheet) -> list[_Slot]:
    slots = []
    for index, place in enumerate(sheet.spaces):
        shown = place.lines
        if not shown:
            slots.append(_Slot(index, place, None, True))
        for number, line in enumerate(shown):
            slots.append(_Slot(index, place, line, number == 0))
    return slots


def _parking_pages(sheet: Sheet, fit: PageFit) -> list[list[list[_Slot]]]:
    """Pages of column groups of slots: full groups, then the last page balanced over its groups."""
    slots = _slots(sheet)
    pages: list[list[list[_Slot]]] = []
    at = 0
    while at < len(slots):
        rows = fit.first if not pages else fit.rest
        left = len(slots) - at
        if left <= rows * fit.groups:  # the last page: even columns leave room for the rooms below
            rows = -(-left // fit.groups)
        page = [slots[at + g * rows: at + (g + 1) * rows] for g in range(fit.groups)]
        pages.append([group for group in page if group])
        at += rows * fit.groups
    return pages


def _parking_table(page: list[list[_Slot]], groups: int, break_before: bool) -> str:
    style = " style='page-break-before: always'" if break_before else ""
    out = [f"<table class='park' width='100%' cellspacing='0' cellpadding='0'{style}><thead><tr>"]
    for g in range(groups):
        if g:
            out.append("<th class='gap'></th>")
        out.extend(f"<th>{tr(key)}</th>" for key in _PARKING_COLUMNS)
    out.append("</tr></thead>")
    rows = max(len(group) for group in page)
    for r in range(rows):
        out.append("<tr>")
        for g in range(groups):
            group = page[g] if g < len(page) else []
            if g:
                out.append("<td class='gap'></td>")  # white between the groups' shaded bands
            out.append(_slot_cells(group[r] if r < len(group) else None, r == 0))
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _slot_cells(slot: _Slot | None, top: bool) -> str:
    n = len(_PARKING_COLUMNS)
    if slot is None:
        return "<td></td>" * n
    # Classes, not inline styles: an inline style makes Qt drop the sheet's line height for that cell.
    # Places are told apart by shading alone: a border on any cell turns on borders for the whole
    # table and makes every row taller.
    row = "sh " if slot.index % 2 else ""

    def cls(*names: str) -> str:
        return f" class='{row}{' '.join(n for n in names if n)}'" if row or any(names) else ""

    place = slot.place
    if slot.first:
        code = _e(place.code) + ("" if place.enabled else f" {tr('sheet_disabled')}")
        code_cell = f"<td{cls('code')}>{code}</td>"
    elif top:  # a place continued from the previous column: name it again, quietly
        code_cell = f"<td{cls('cont')}>{_e(place.code)}</td>"
    else:
        code_cell = f"<td{cls()}></td>"
    if slot.line is None:
        return code_cell + f"<td colspan='{n - 1}'{cls('free')}>— {tr('sheet_free')} —</td>"
    line = slot.line
    plate = _e(line.plate) + (f" {tr('sheet_visitor')}" if line.visitor else "")
    cells = [_e(line.time), plate, _e(line.resident), _e(line.status), _e(in_out(line))]
    classes = ["tt", "tt", "", "nb", "tt"]
    return code_cell + "".join(f"<td{cls(c)}>{v}</td>" for v, c in zip(cells, classes, strict=True))


def in_out(line: Line) -> str:
    """Check-in and check-out as one range, written like the booked time beside it: '18:55–07:20',
    '前日18:55–' while the car is inside, '' before it came."""
    return f"{line.checked_in}–{line.checked_out}" if line.checked_in else ""


def _rooms(sheet: Sheet) -> str:
    out = [f"<h2>{_e(tr('sheet_rooms'))}</h2>",
           "<table class='rooms' width='100%' cellspacing='0'><thead><tr>"]
    for key in ("sheet_col_room", "sheet_col_time", "sheet_col_organiser", "sheet_col_purpose",
                "sheet_col_status", "sheet_col_in", "sheet_col_out"):
        out.append(f"<th>{tr(key)}</th>")
    out.append("</tr></thead>")
    for index, place in enumerate(sheet.rooms):
        shade = " style='background-color:#e6e6e6'" if index % 2 else ""
        name = f"<b>{_e(place.code)}</b> {_e(_bare_name(place))}"
        if not place.lines:
            out.append(f"<tr{shade}><td>{name}</td><td colspan='6' class='free'>— {tr('sheet_free')} —</td></tr>")
        for number, line in enumerate(place.lines):
            organiser = f"{_e(line.door)} · {_e(line.resident)} · {_e(line.phone)}"
            out.append(f"<tr{shade}><td>{name if number == 0 else ''}</td><td>{_e(line.time)}</td>"
                       f"<td>{organiser}</td><td>{_e(line.purpose)}</td><td><b>{_e(line.status_long)}</b></td>"
                       f"<td>{_e(line.checked_in)}</td><td>{_e(line.checked_out)}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _bare_name(place: Place) -> str:
    return " ".join(place.name.replace(place.code, " ").split())


def _signature() -> str:
    colon = "：" if language() == "zh" else ": "
    blank = "＿" * 12
    return ("<table class='sign' cellspacing='0'><tr>"
            f"<td>{tr('sheet_handover')}{colon}{blank}</td><td>{tr('sheet_takeover')}{colon}{blank}</td>"
            f"<td>{tr('sheet_handover_time')}{colon}{blank}</td></tr>"
            f"<tr><td colspan='3'>{tr('sheet_notes')}{colon}{'＿' * 40}</td></tr></table>")


def page_footer(sheet: Sheet, page: int, pages: int) -> str:
    """The line printed at the foot of each page."""
    return tr("sheet_page", title=f"{sheet.community} · {sheet.title}", date=sheet.day.isoformat(),
              page=page, pages=pages)
