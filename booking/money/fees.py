"""What a booking costs: tariffs as data, money in integer fen.

A tariff belongs to a scope ('kind:parking', 'kind:room' or 'res:CODE'; the
most specific one that has a tariff for the payer wins) and a payer
('resident', or 'visitor' for a booking flagged as a visitor's). It has daily
time bands, each with a rate in fen per `unit_minutes`, charged per started
unit; minutes outside every band are free. The first `free_minutes` of a
booking are not charged, and `daily_cap_fen` caps each 24 hours counted from
the booking's start (the way car parks here cap "每24小时"). Counting days
from the start rather than from midnight means an overnight stay is one day,
not two, while the bands still follow the clock across midnight exactly.

`estimate` prices the booked window (and, for a car still inside, the minutes
over so far); `settle` prices the stay at check-out, overstay included, and
freezes the result so a later change of tariff never rewrites what a
resident was charged. Money is never a float: amounts typed in yuan are read
with `decimal` and kept as whole fen.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from booking.schedule import bookings
from booking.store import audit, clock
from booking.store.audit import Actor
from booking.schedule.bookings import Booking
from booking.store.errors import DeskError, invalid
from booking.store.i18n import tr
from booking.places.inventory import get as get_resource
from booking.store.connection import Store
from booking.store.validation import parse_whole
from booking.store.rowids import inserted_id

PAYERS = ("resident", "visitor")
EXEMPT_PURPOSES = ("volunteer", "welfare")
MAX_FEN = 100_000_000  # one million yuan: far beyond any desk payment, catches typing slips
DAY = timedelta(days=1)


# --- money ----------------------------------------------------------------------------------

def parse_yuan(text: Any, field: str = "amount", allow_negative: bool = False,
               allow_zero: bool = False) -> int:
    """Whole fen from an amount typed in yuan ('12', '12.5', '¥12.50', '１２.５０元'), read exactly."""
    raw = unicodedata.normalize("NFKC", str(text if text is not None else "")).strip()
    raw = raw.replace(",", "").replace(" ", "")
    raw = re.sub(r"^(¥|￥|RMB|CNY)", "", raw, flags=re.I)
    raw = re.sub(r"(元|yuan)$", "", raw, flags=re.I)
    if not raw:
        raise invalid("fee_amount_required", field=field)
    if not re.fullmatch(r"[+-]?\d{1,9}(\.\d{1,2})?", raw):
        raise invalid("fee_amount_format", field=field)
    try:
        fen = int(Decimal(raw) * 100)
    except InvalidOperation:  # the pattern above makes this unreachable; say so plainly anyway
        raise invalid("fee_amount_format", field=field) from None
    if abs(fen) > MAX_FEN:
        raise invalid("fee_amount_too_large", field=field, max=MAX_FEN // 100)
    if fen < 0 and not allow_negative or fen == 0 and not allow_zero:
        raise invalid("fee_amount_positive", field=field)
    return fen


def yuan_text(fen: int) -> str:
    """'12.50' for 1250 fen ('-3.00' for -300)."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def money(fen: int) -> str:
    """'¥12.50' for showing an amount."""
    return ("-¥" if fen < 0 else "¥") + yuan_text(abs(fen))


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_GROUPS = ("", "万", "亿", "万亿")


def _group_words(group: int) -> str:
    out, zero = "", False
    for power, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = group // power % 10
        if digit == 0:
            zero = zero or bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + unit
    return out


def _integer_words(number: int) -> str:
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    out, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            gap = gap or bool(out)
            continue
        if out and (gap or group < 1000):
            out += "零"
        out += _group_words(group) + _GROUPS[index]
        gap = False
    return out


def yuan_words(fen: int) -> str:
    """The amount in capital Chinese numerals as receipts write it: 1250 → 壹拾贰元伍角整."""
    if fen < 0:
        return "负" + yuan_words(-fen)
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    if fen == 0:
        return "零元整"
    out = _integer_words(yuan) + "元" if yuan else ""
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif cents and yuan:
        out += "零"
    out += _DIGITS[cents] + "分" if cents else "整"
    return out


# --- tariffs --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Band:
    """A daily window [start, end) in minutes of the day; end <= start crosses midnight."""

    start: int
    end: int
    rate_fen: int

    @property
    def text(self) -> str:
        if self.start == self.end:
            return tr("fee_all_day")
        return f"{_hhmm(self.start)}–{_hhmm(self.end)}"

    def minutes_in(self, a: datetime, b: datetime) -> int:
        """Minutes of [a, b) inside this band, on whatever days [a, b) spans."""
        total = 0
        day = datetime(a.year, a.month, a.day) - DAY
        while day < b:
            w_start = day + timedelta(minutes=self.start)
            w_end = day + timedelta(minutes=self.end) + (DAY if self.end <= self.start else timedelta())
            overlap = clock.minutes(max(a, w_start), min(b, w_end))
            if overlap > 0:
                total += overlap
            day += DAY
        return total


@dataclass(frozen=True)
class Tariff:
    scope: str
    payer: str
    free_minutes: int
    unit_minutes: int
    daily_cap_fen: int | None
    exempt: tuple[str, ...]
    bands: tuple[Band, ...]

    def to_json(self) -> dict[str, Any]:
        return {"scope": self.scope, "payer": self.payer, "free_minutes": self.free_minutes,
                "unit_minutes": self.unit_minutes, "daily_cap_fen": self.daily_cap_fen,
                "daily_cap": None if self.daily_cap_fen is None else yuan_text(self.daily_cap_fen),
                "exempt": list(self.exempt),
                "bands": [{"from": _hhmm(b.start), "to": _hhmm(b.end), "rate_fen": b.rate_fen,
                           "rate": yuan_text(b.rate_fen)} for b in self.bands]}


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _minute_of_day(text: str) -> int:
    match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)", text.strip())
    if not match:
        raise invalid("fee_band_bad", field="bands")
    return int(match[1]) * 60 + int(match[2])


def _tariff_from_row(store: Store, row: tuple[Any, ...]) -> Tariff:
    tariff_id, scope, payer, free, unit, cap, exempt = row
    bands = tuple(Band(_minute_of_day(f), _minute_of_day(t), rate) for f, t, rate in store.sql(
        "SELECT band_from, band_to, rate_fen FROM tariff_band WHERE tariff_id = :tariff_id ORDER BY band_from, id",
        tariff_id=tariff_id))
    return Tariff(scope, payer, free, unit, cap, tuple(p for p in exempt.split(",") if p), bands)


_TARIFF_COLUMNS = "id, scope, payer, free_minutes, unit_minutes, daily_cap_fen, exempt"


def tariff_for(store: Store, code: str, kind: str, payer: str) -> Tariff | None:
    """The tariff that prices `payer`'s bookings of resource `code` (None: free): the resource's own,
    else its kind's. One read: both scopes' tariffs with their bands, the resource's first."""
    mine = f"res:{code}"
    rows = store.sql(
        "SELECT t.id, t.scope, t.payer, t.free_minutes, t.unit_minutes, t.daily_cap_fen, t.exempt, "
        "b.band_from, b.band_to, b.rate_fen FROM tariff t LEFT JOIN tariff_band b ON b.tariff_id = t.id "
        "WHERE t.scope IN (:mine, :kind) AND t.payer = :payer ORDER BY t.scope = :mine DESC, b.band_from, b.id",
        mine=mine, kind=f"kind:{kind}", payer=payer).fetchall()
    if not rows:
        return None
    tariff_id, scope, payer, free, unit, cap, exempt = rows[0][:7]
    bands = tuple(Band(_minute_of_day(f), _minute_of_day(t), rate) for *_, f, t, rate in
                  (row for row in rows if row[0] == tariff_id) if f is not None)
    return Tariff(scope, payer, free, unit, cap, tuple(p for p in exempt.split(",") if p), bands)


def all_tariffs(store: Store) -> list[Tariff]:
    rows = store.sql(f"SELECT {_TARIFF_COLUMNS} FROM tariff ORDER BY scope, payer").fetchall()
    return [_tariff_from_row(store, row) for row in rows]


def parse_bands(text: str) -> tuple[Band, ...]:
    """Bands from '07:30-19:00=3.00,19:00-07:30=0' (rates in yuan per unit)."""
    bands = []
    for part in (p for p in re.split(r"[,，;；\s]+", text or "") if p):
        match = re.fullmatch(r"(\d\d:\d\d)[-–~](\d\d:\d\d)=(.+)", part)
        if not match:
            raise invalid("fee_band_bad", field="bands")
        bands.append(Band(_minute_of_day(match[1]), _minute_of_day(match[2]),
                          parse_yuan(match[3], "bands", allow_zero=True)))
    return tuple(bands)


def _check_bands(bands: tuple[Band, ...]) -> None:
    owner: dict[int, Band] = {}
    for band in bands:
        length = (band.end - band.start) % 1440 or 1440
        for offset in range(length):
            minute = (band.start + offset) % 1440
            if minute in owner:
                raise invalid("fee_band_overlap", field="bands", a=owner[minute].text, b=band.text)
            owner[minute] = band


def _count(value: Any, what: str, field: str, positive: bool = False) -> int:
    return parse_whole(value, field, "fee_number_bad", low=1 if positive else 0, what=tr(what))


def set_tariff(store: Store, actor: Actor, scope: str, payer: str, bands: tuple[Band, ...] | str,
               free_minutes: Any = 0, unit_minutes: Any = 60, daily_cap_fen: int | None = None,
               exempt: tuple[str, ...] | list[str] = (), *, now: datetime) -> Tariff:
    """Set (replace) the tariff of `payer` at `scope` (admin)."""
    if not actor.is_admin:
        raise DeskError("forbidden", "fee_admin_only")
    scope = (scope or "").strip()
    if scope.lower().startswith("res:"):
        scope = "res:" + get_resource(store, scope[4:]).code
    elif scope not in ("kind:parking", "kind:room"):
        raise invalid("fee_scope_bad", field="scope")
    if payer not in PAYERS:
        raise invalid("fee_payer_bad", field="payer")
    if isinstance(bands, str):
        bands = parse_bands(bands)
    _check_bands(bands)
    free = _count(free_minutes, "fee_free_minutes", "free_minutes")
    unit = _count(unit_minutes, "fee_unit_minutes", "unit_minutes", positive=True)
    if any(p not in EXEMPT_PURPOSES for p in exempt):
        raise invalid("fee_exempt_bad", field="exempt")
    with store.write():
        before = tariff_for_scope(store, scope, payer)
        store.sql("DELETE FROM tariff WHERE scope = :scope AND payer = :payer", scope=scope, payer=payer)
        tariff_id = inserted_id(store.sql(
            "INSERT INTO tariff(scope, payer, free_minutes, unit_minutes, daily_cap_fen, exempt, updated_at) "
            "VALUES (:scope, :payer, :free, :unit, :daily_cap_fen, :exempt, :now_stamp) RETURNING id",
            scope=scope, payer=payer, free=free, unit=unit, daily_cap_fen=daily_cap_fen, exempt=",".join(exempt),
            now_stamp=clock.to_stamp(now)))
        for band in bands:
            store.sql(
                "INSERT INTO tariff_band(tariff_id, band_from, band_to, rate_fen) VALUES (:tariff_id, :band_from, "
                ":band_to, :rate_fen)",
                tariff_id=tariff_id, band_from=_hhmm(band.start), band_to=_hhmm(band.end), rate_fen=band.rate_fen)
        after = tariff_for_scope(store, scope, payer)
        audit.record(store, actor, "set", "tariff", f"{scope}/{payer}",
                     before=before.to_json() if before else None, after=after.to_json() if after else None, at=now)
    assert after is not None
    return after


def tariff_for_scope(store: Store, scope: str, payer: str) -> Tariff | None:
    row = store.sql(f"SELECT {_TARIFF_COLUMNS} FROM tariff WHERE scope = :scope AND payer = :payer",
                    scope=scope, payer=payer).fetchone()
    return _tariff_from_row(store, row) if row else None


# --- charges --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChargeItem:
    """One line of a charge; the line's `fen` add up to the charge's total."""

    key: str
    params: dict[str, Any]
    minutes: int = 0
    fen: int = 0

    def text(self, language: str | None = None) -> str:
        return tr(self.key, language, **self.params)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text(), "minutes": self.minutes, "fen": self.fen, "yuan": yuan_text(self.fen)}

    def to_store(self) -> dict[str, Any]:
        return {"key": self.key, "params": self.params, "minutes": self.minutes, "fen": self.fen}


@dataclass(frozen=True)
class Charge:
    """What a booking costs: an estimate before check-out, settled after it."""

    booking_id: int
    state: str              # 'estimate', 'settled', 'cancelled', 'no_show'
    payer: str
    scope: str | None       # the tariff used (None: no tariff, free)
    start: datetime
    end: datetime           # the end charged for: the booked end, or later with overstay
    overstay_minutes: int
    exempt: str | None
    items: tuple[ChargeItem, ...] = field(default_factory=tuple)

    @property
    def total_fen(self) -> int:
        return sum(item.fen for item in self.items)

    @property
    def minutes(self) -> int:
        return clock.minutes(self.start, self.end)

    def to_json(self) -> dict[str, Any]:
        return {"booking": self.booking_id, "state": self.state, "state_text": tr(f"fee_state_{self.state}"),
                "payer": self.payer, "tariff": self.scope, "start": clock.to_text(self.start),
                "end": clock.to_text(self.end), "minutes": self.minutes,
                "overstay_minutes": self.overstay_minutes, "exempt": self.exempt,
                "items": [item.to_json() for item in self.items],
                "total_fen": self.total_fen, "total": yuan_text(self.total_fen)}

    def to_store(self) -> dict[str, Any]:
        return {"payer": self.payer, "scope": self.scope, "start": clock.to_text(self.start),
                "end": clock.to_text(self.end), "overstay_minutes": self.overstay_minutes,
                "exempt": self.exempt, "items": [item.to_store() for item in self.items]}


def price(tariff: Tariff | None, start: datetime, end: datetime, exempt: str | None = None) -> list[ChargeItem]:
    """The lines of a stay [start, end) under `tariff` (pure: no store)."""
    if tariff is None:
        return [ChargeItem("fee_item_no_tariff", {})]
    items: list[ChargeItem] = []
    charged_from = start + timedelta(minutes=tariff.free_minutes)
    if tariff.free_minutes:
        items.append(ChargeItem("fee_item_free", {"n": tariff.free_minutes},
                                minutes=min(tariff.free_minutes, clock.minutes(start, end))))
    minutes = {band: 0 for band in tariff.bands}
    units = {band: 0 for band in tariff.bands}
    capped_off = 0
    period = start
    while period < end:
        # Each 24 hours from the start is rounded and capped on its own.
        period_end = min(period + DAY, end)
        a = max(period, charged_from)
        period_fen = 0
        if a < period_end:
            for band in tariff.bands:
                used = band.minutes_in(a, period_end)
                started = math.ceil(used / tariff.unit_minutes)
                minutes[band] += used
                units[band] += started
                period_fen += started * band.rate_fen
        if tariff.daily_cap_fen is not None and period_fen > tariff.daily_cap_fen:
            capped_off += period_fen - tariff.daily_cap_fen
        period = period_end
    unit = tr("fee_unit_hour") if tariff.unit_minutes == 60 else tr("unit_minutes", n=tariff.unit_minutes)
    for band in tariff.bands:
        if minutes[band]:
            items.append(ChargeItem("fee_item_band", {"band": band.text, "rate": money(band.rate_fen),
                                                      "unit": unit, "minutes": minutes[band],
                                                      "units": units[band]},
                                    minutes=minutes[band], fen=units[band] * band.rate_fen))
    if capped_off:
        items.append(ChargeItem("fee_item_cap", {"cap": money(tariff.daily_cap_fen or 0)}, fen=-capped_off))
    subtotal = sum(item.fen for item in items)
    if exempt and exempt in tariff.exempt and subtotal:
        items.append(ChargeItem(f"fee_item_exempt_{exempt}", {}, fen=-subtotal))
    return items


def exemption(store: Store, booking_id: int) -> str | None:
    row = store.sql("SELECT purpose FROM fee_exemption WHERE booking_id = :booking_id",
                    booking_id=booking_id).fetchone()
    return row[0] if row else None


def _payer(booking: Booking) -> str:
    return "visitor" if booking.visitor else "resident"


def _charged_end(booking: Booking, now: datetime | None) -> tuple[datetime, int]:
    """The end to charge for and the minutes over, from the check-out (or, inside, from now)."""
    over = 0
    if booking.status == "completed":
        if booking.overstay_minutes:
            over = booking.overstay_minutes
        elif booking.checked_out_at:
            over = max(0, clock.minutes(booking.end, datetime.fromisoformat(booking.checked_out_at)))
    elif booking.status == "checked_in" and now is not None:
        over = max(0, clock.minutes(booking.end, now))
    return booking.end + timedelta(minutes=over), over


def _compute(store: Store, booking: Booking, state: str, now: datetime | None) -> Charge:
    if booking.status in ("cancelled", "no_show"):
        return Charge(booking.id, booking.status, _payer(booking), None, booking.start, booking.start, 0, None)
    payer = _payer(booking)
    tariff = tariff_for(store, booking.resource, booking.kind, payer)
    end, over = _charged_end(booking, now)
    exempt = exemption(store, booking.id)
    items = price(tariff, booking.start, end, exempt)
    if over:
        items.append(ChargeItem("fee_item_overstay", {"n": over}, minutes=over))
    return Charge(booking.id, state, payer, tariff.scope if tariff else None, booking.start, end, over,
                  exempt, tuple(items))


def estimate(store: Store, booking: Booking | int, now: datetime | None = None) -> Charge:
    """What the booking costs now: the settled charge if it has one, else the booked window
    (plus, for a car still inside past its end, the minutes over until `now`)."""
    if isinstance(booking, int):
        booking = bookings.get(store, booking)
    frozen = settled(store, booking.id)
    if frozen is not None:
        return frozen
    return _compute(store, booking, "estimate" if booking.status != "completed" else "settled", now)


def settled(store: Store, booking_id: int) -> Charge | None:
    """The charge frozen at check-out, if the booking has been settled."""
    row = store.sql("SELECT detail FROM settled_charge WHERE booking_id = :booking_id",
                    booking_id=booking_id).fetchone()
    if row is None:
        return None
    data = json.loads(row[0])
    return Charge(booking_id, "settled", data["payer"], data["scope"], clock.from_text(data["start"]),
                  clock.from_text(data["end"]), data["overstay_minutes"], data["exempt"],
                  tuple(ChargeItem(i["key"], i["params"], i["minutes"], i["fen"]) for i in data["items"]))


def settle(store: Store, booking: Booking | int, *, now: datetime | None = None, fresh: bool = False) -> Charge:
    """Price a checked-out booking, overstay included, and freeze the result (idempotent).

    Call it in the check-out's transaction (`now` is the check-out's), or later:
    a booking not yet checked out is only estimated, never frozen. A later
    freeze without a `now` is stamped with the booking's own check-out time,
    never the wall clock (one clock for every stored time). `fresh`: `booking` is
    the booking as the caller's write has it now (the check-out's), not read again.
    """
    booking_id = booking if isinstance(booking, int) else booking.id
    with store.write():
        frozen = settled(store, booking_id)
        if frozen is not None:
            return frozen
        current = booking if fresh and isinstance(booking, Booking) else bookings.get(store, booking_id)
        if current.status != "completed":
            return _compute(store, current, "estimate", None)
        charge = _compute(store, current, "settled", None)
        stamp = clock.to_stamp(now) if now is not None else current.checked_out_at
        store.append(
            "INSERT INTO settled_charge(booking_id, settled_at, total_fen, detail) VALUES (:booking_id, :stamp, "
            ":total_fen, :detail)",
            booking_id=booking_id, stamp=stamp, total_fen=charge.total_fen, detail=json.dumps(charge.to_store(),
            ensure_ascii=False))
    return charge


def charge_for(store: Store, booking_id: int, now: datetime | None = None) -> Charge:
    """The charge as the desk should show it: settled once checked out, else estimated."""
    booking = bookings.get(store, booking_id)
    if booking.status == "completed":
        return settle(store, booking)
    return estimate(store, booking, now)


def set_exempt(store: Store, actor: Actor, booking_id: int, purpose: str | None, note: str | None = None, *,
               now: datetime) -> Charge:
    """Flag a booking as a volunteer team's or a public-welfare activity's (None clears the flag)."""
    if purpose is not None and purpose not in EXEMPT_PURPOSES:
        raise invalid("fee_exempt_bad", field="exempt")
    booking = bookings.get(store, booking_id)
    with store.write():
        if settled(store, booking_id) is not None:
            raise DeskError("state", "fee_already_settled", id=booking_id)
        before = exemption(store, booking_id)
        store.sql("DELETE FROM fee_exemption WHERE booking_id = :booking_id", booking_id=booking_id)
        if purpose is not None:
            store.sql(
                "INSERT INTO fee_exemption(booking_id, purpose, note, set_by, set_at) VALUES (:booking_id, :purpose, "
                ":note, :name, :now_stamp)",
                booking_id=booking_id, purpose=purpose, note=(note or "").strip() or None, name=actor.name,
                now_stamp=clock.to_stamp(now))
        audit.record(store, actor, "exempt", "booking", booking_id, before=before, after=purpose, reason=note, at=now)
    return estimate(store, booking)
