"""Barrier gates: what the desk answers a plate camera, and what it records.

A gate is a scan station with a plate camera (booking/places/stations.py). For each
plate a camera reads, `decide` asks a short list of questions, like the pass
verifier (booking/checkin/scanning.py), and stops at the first "no":

1. read      -- is it a plate at all, read with enough confidence? A doubtful
                read never opens: the clerk is shown the booking it may be.
2. booking   -- is there an active parking booking of exactly that plate that
                this gate takes? If not, a near match (OCR confusions 0/D/Q,
                8/B, 1/I, 2/Z, a missing or wrong province) is only suggested.
3. direction -- entry: the check-in window must be open, the household not
                under a no-show restriction, and the car not already inside
                (anti-passback). Exit: the car must be inside.

`handle` records the answer once per camera event (camera + its event key):
a resent event is answered from the record. An event the camera replays after
an outage (`offline`) is recorded at the camera's time, with its check-in or
check-out, but its answer never opens the gate: the car went through already.

Each gate's whitelist (the plates its camera opens for by itself when the desk
cannot be reached) is planned by `whitelist_plan` and kept in step by
`whitelist_changes` / `mark_sent`. Nothing here reads the wall clock or talks
to a camera: that is booking/gatehouse/gate_server.py and booking/gatehouse/gate_camera.py.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from booking.checkin import scanning
from booking.policy import restrictions, rules
from booking.schedule import bookings
from booking.store import audit, clock
from booking.store.audit import Actor
from booking.schedule.bookings import Booking
from booking.store.errors import DeskError, invalid, not_found
from booking.store.i18n import Message, tr
from booking.checkin.scanning import CHECK_IN, CHECK_OUT, Verdict
from booking.places.stations import Station
from booking.store.connection import Store
from booking.store.validation import PROVINCES, normalize_plate
from booking.store.rowids import inserted_id

GATE_ACTOR = Actor("道闸", "clerk")
MIN_CONFIDENCE = 85          # a Vzenith read below this (0–100) is a guess
WHITELIST_HOURS = 12         # the whitelist holds plates that may enter within these hours
EXIT_SLACK_HOURS = 12        # after its end a booked car may still leave by the whitelist
WHITELIST_BATCH = 20         # plates per Vzenith whitelist operation
LOOKAHEAD_DAYS = 2           # bookings further ahead are not looked at for a car at the gate
SECONDS_FMT = scanning.SECONDS_FMT
# The characters plate cameras confuse; each class is compared as one character.
_CONFUSABLE = {c: cls[0] for cls in ("0DQO", "8B", "1I", "2Z", "5S") for c in cls}

_LED = {"gate_open_in": "gate_led_in", "gate_open_out": "gate_led_out",
        "gate_unreadable": "gate_led_unsure", "gate_unsure": "gate_led_unsure",
        "gate_near_match": "gate_led_unsure", "gate_no_booking": "gate_led_no_booking",
        "gate_too_early": "gate_led_too_early", "gate_too_late": "gate_led_too_late",
        "gate_restricted": "gate_led_restricted", "gate_already_in": "gate_led_already_in",
        "gate_not_in": "gate_led_not_in", "gate_clock_behind": "gate_led_unsure"}


@dataclass(frozen=True)
class PlateRead:
    """One plate a camera reported: who saw it, its own key for the event, what it read, when."""

    camera: str
    key: str
    text: str
    at: datetime
    confidence: int | None = None
    color: int | None = None
    offline: bool = False
    photo: bytes | None = field(default=None, repr=False)
    address: str | None = None     # the address the camera says it posts from (Vzenith ipaddr), if it says


@dataclass(frozen=True)
class Decision:
    """The desk's answer to one plate: open or not, why, what the LED shows, and what was recorded.

    The reason is kept as its key and parameters (as a scan's is, booking/store/i18n.Message), so the
    record reads in the language in use; `reason` is its text in the language of the moment. The
    LED line is Chinese whatever the desk's language: it speaks to drivers at the gate.
    """

    ok: bool                       # the car may pass (for an offline replay: it is recorded as passed)
    opened: bool                   # the answer opens the gate (never for a replay or a repeat's doubt)
    action: str | None             # 'check-in', 'check-out' or None
    reason_key: str
    reason: str
    led: str
    plate: str | None = None       # the plate as normalised, if it is one
    booking: Booking | None = None
    suggested: Booking | None = None
    event_id: int | None = None
    duplicate: bool = False
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def reason_message(self) -> Message:
        return Message(self.reason_key, dict(self.params))

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "opened": self.opened, "action": self.action, "reason_key": self.reason_key,
                "reason": self.reason, "led": self.led, "plate": self.plate, "event": self.event_id,
                "duplicate": self.duplicate,
                "booking": self.booking.to_json() if self.booking else None,
                "suggested": self.suggested.to_json() if self.suggested else None}


# A reason's parameters are kept with the event: whatever depends on the language is a Message,
# never text written in the language of the moment.

def _when(moment: datetime, now: datetime) -> str | Message:
    """'19:00' today, '11月25日 19:00' (or '11/25 19:00') on another day."""
    hm = moment.strftime("%H:%M")
    if moment.date() == now.date():
        return hm
    return Message("scan_date", {"month": moment.month, "day": moment.day, "hm": hm})


def _refuse(key: str, plate: str | None, booking: Booking | None = None, suggested: Booking | None = None,
            **params: Any) -> Decision:
    led = tr(_LED[key], "zh", plate=plate or "")
    params = {"plate": plate or "", **params}
    return Decision(False, False, None, key, tr(key, **params), led, plate, booking, suggested, params=params)


def _accept(action: str, plate: str, booking: Booking, now: datetime) -> Decision:
    key = "gate_open_in" if action == CHECK_IN else "gate_open_out"
    window = Message("span_times", {"start": _when(booking.start, now), "end": _when(booking.end, now)})
    params: dict[str, Any] = {"resource": f"{booking.resource} {plate}", "window": window}
    return Decision(True, True, action, key, tr(key, **params), tr(_LED[key], "zh", plate=plate), plate, booking,
                    params=params)


# --- reading the plate ----------------------------------------------------------

def _folded(text: str) -> str:
    """The plate without its province, each confusable character as its class."""
    body = text[1:] if text[:1] in PROVINCES or not text[:1].isascii() else text
    return "".join(_CONFUSABLE.get(c, c) for c in body.upper())


def _raw(text: str) -> str:
    return "".join(c for c in (text or "") if c.isalnum()).upper()


def near(read: str, plate: str) -> bool:
    """Could a camera have read `plate` as `read`? (Same plate after folding confusions and the province.)"""
    a, b = _raw(read), plate
    return a != b and len(_folded(a)) == len(_folded(b)) and _folded(a) == _folded(b)


# --- finding bookings -----------------------------------------------------------

def _candidates(store: Store, station: Station, now: datetime, plate: str | None = None,
                horizon: datetime | None = None) -> list[Booking]:
    """Active parking bookings this gate takes, waiting (starting before `horizon`) or inside.

    Only the few bookings still waiting or inside are read, through partial
    indexes (migrations 0003 and 0006), so a car at the barrier costs the same
    on a ten-year store as on a new one. The status literals must stay literals
    for SQLite to use those indexes.
    """
    until = clock.to_text(horizon or now + timedelta(days=LOOKAHEAD_DAYS))
    if plate:
        # Sorted here, not by SQL: ORDER BY start_at would draw SQLite to the start_at index.
        rows = sorted(store.sql(bookings._SELECT + " WHERE b.status = 'booked' AND b.plate = :plate "
                                "AND b.start_at <= :until", plate=plate, until=until).fetchall(), key=lambda r: r[11])
        rows += sorted(store.sql(bookings._SELECT + " WHERE b.status = 'checked_in' AND b.plate = :plate",
                                 plate=plate).fetchall(), key=lambda r: r[11])
    else:
        rows = store.sql(bookings._SELECT + " WHERE b.status = 'booked' AND b.start_at <= :until "
                         "ORDER BY b.start_at", until=until).fetchall()
        rows += store.sql(bookings._SELECT + " WHERE b.status = 'checked_in' "
                          "ORDER BY b.start_at").fetchall()
    found = [bookings._to_booking(r) for r in rows]
    return [b for b in found if b.plate and station.accepts(b.kind, b.resource)]


def _near_booking(store: Store, station: Station, read: str, now: datetime) -> Booking | None:
    """The booking a doubtful or near read most likely is: its plate matches once confusions are folded."""
    raw = _raw(read)
    for booking in _candidates(store, station, now):
        if booking.plate is not None and (booking.plate == raw or near(raw, booking.plate)):
            return booking
    return None


# --- deciding --------------------------------------------------------------------

def decide(store: Store, station: Station, read: PlateRead, now: datetime) -> Decision:
    """What the gate `station` should do for `read` at `now`. Writes nothing."""
    try:
        plate = normalize_plate(read.text)
    except DeskError:
        plate = None
    shown = scanning.recorded_text(read.text)[:20]
    if plate is None:
        suggested = _near_booking(store, station, read.text, now)
        return _refuse("gate_unreadable", None, suggested=suggested, read=shown)
    if read.confidence is not None and read.confidence < MIN_CONFIDENCE:
        suggested = _near_booking(store, station, plate, now)
        return _refuse("gate_unsure", plate, suggested=suggested, confidence=read.confidence, read=shown)
    found = _candidates(store, station, now, plate)
    inside = [b for b in found if b.status == "checked_in"]
    waiting = [b for b in found if b.status == "booked"]
    if station.mode == "out" or (station.mode == "both" and inside):
        if not inside:
            return _no_booking(store, station, plate, now, "gate_not_in")
        booking = inside[0]
        since = booking.checked_in_at or ""
        if since and now.strftime(SECONDS_FMT) < since[:19]:
            return _refuse("gate_clock_behind", plate, booking)
        return _accept(CHECK_OUT, plate, booking, now)
    if not waiting and not inside:
        return _no_booking(store, station, plate, now, "gate_no_booking")
    if inside:  # anti-passback: in again without having gone out
        at = bookings_time(inside[0].checked_in_at)
        return _refuse("gate_already_in", plate, inside[0], at=_when(at, now) if at else "")
    values: dict[str, dict[str, Any]] = {}
    first_refusal: Decision | None = None
    for booking in waiting:
        opens, closes = _window(store, booking, values)
        problem = scanning.window_problem(opens, closes, booking.end, now)
        if problem is None:
            breach = restrictions.restriction_for(store, booking.household_id, now, "parking")
            if breach is not None:
                return _refuse("gate_restricted", plate, booking, until=breach.params["until"])
            return _accept(CHECK_IN, plate, booking, now)
        if first_refusal is None:
            if problem == "too_early":
                first_refusal = _refuse("gate_too_early", plate, booking, opens=_when(opens, now),
                                        start=_when(booking.start, now))
            else:  # past the grace time, or the booking is over: its entry has closed either way
                first_refusal = _refuse("gate_too_late", plate, booking, deadline=_when(closes, now))
    assert first_refusal is not None
    return first_refusal


def _no_booking(store: Store, station: Station, plate: str, now: datetime, key: str) -> Decision:
    suggested = _near_booking(store, station, plate, now)
    if suggested is not None:  # the read is a plate, but not the booked one: only a person can tell
        params = {"read": plate, "plate": suggested.plate}
        return Decision(False, False, None, "gate_near_match", tr("gate_near_match", **params),
                        tr(_LED["gate_near_match"], "zh"), plate, None, suggested, params=params)
    return _refuse(key, plate)


def _window(store: Store, booking: Booking, cache: dict[str, dict[str, Any]]) -> tuple[datetime, datetime]:
    """The booking's check-in window; `cache` keeps each resource's rules for one decision."""
    if booking.resource not in cache:
        cache[booking.resource] = rules.effective_of(store, booking.resource, booking.kind)
    return scanning.checkin_window(store, booking, cache[booking.resource])


def bookings_time(text: str | None) -> datetime | None:
    """A stored check-in time ('YYYY-MM-DD HH:MM:SS') as a datetime, or None."""
    try:
        return datetime.fromisoformat(text[:19]) if text else None
    except ValueError:
        return None


# --- recording ---------------------------------------------------------------------

_EVENT_COLUMNS = ("id, opened, reason_key, reason, reason_params, led, plate, booking_id, suggested_id, offline")


def _from_record(store: Store, row: tuple) -> Decision:
    event_id, opened, key, reason, params_json, led, plate, booking_id, suggested_id, _ = row
    scan_ok = store.sql(
        "SELECT s.ok, s.action FROM gate_event e JOIN scan s ON s.id = e.scan_id WHERE e.id = :event_id",
        event_id=event_id).fetchone()
    booking = bookings.get(store, booking_id) if booking_id else None
    suggested = bookings.get(store, suggested_id) if suggested_id else None
    ok, action = (bool(scan_ok[0]), scan_ok[1]) if scan_ok else (False, None)
    # The LED line is answered as it was sent; the reason is written in the language in use.
    return Decision(ok, bool(opened), action, key, audit.stored_text(key, reason, params_json), led, plate,
                    booking, suggested, event_id, True)


def handle(store: Store, station: Station, read: PlateRead, now: datetime) -> Decision:
    """Decide for `read` and record it (event, scan, and its check-in or check-out), once.

    `now` is when the desk received it; an offline replay is decided and
    recorded at the camera's own time `read.at`. The same camera event again
    (same camera and key) is answered as it was the first time and changes nothing.
    """
    with store.write():
        row = store.sql(f"SELECT {_EVENT_COLUMNS} FROM gate_event WHERE camera = :camera AND event_key = :key",
                        camera=read.camera, key=read.key).fetchone()
        if row is not None:
            return _from_record(store, row)
        at = (read.at if read.offline else now).replace(microsecond=0)
        decision = decide(store, station, read, at)
        # The scan record, and the check-in's or check-out's audit entry, keep the reason's parameters too.
        verdict = Verdict(decision.ok, decision.action, decision.reason_key, decision.reason, decision.booking,
                          dict(decision.params))
        verdict, scan_id = scanning.record_decided(store, GATE_ACTOR, verdict, station.name, read.text, at)
        opened = decision.opened and not read.offline
        event_id = inserted_id(store.sql(
            "INSERT INTO gate_event(camera, event_key, station, at, received_at, plate_read, plate, confidence, "
            "color, offline, opened, reason_key, reason, reason_params, led, booking_id, suggested_id, scan_id, "
            "photo) VALUES (:camera, :key, :name, :at, :now, :text, :plate, :confidence, :color, :offline, :opened, "
            ":reason_key, :reason, :reason_params, :led, :booking_id, :suggested_id, :scan_id, :photo) RETURNING id",
            camera=read.camera, key=read.key, name=station.name, at=at.strftime(SECONDS_FMT),
            now=now.strftime(SECONDS_FMT),
            text=scanning.recorded_text(read.text), plate=decision.plate, confidence=read.confidence,
            color=read.color, offline=int(read.offline),
            opened=int(opened), reason_key=decision.reason_key, reason=decision.reason,
            reason_params=decision.reason_message.params_json(), led=decision.led,
            booking_id=decision.booking.id if decision.booking else None,
            suggested_id=decision.suggested.id if decision.suggested else None, scan_id=scan_id, photo=read.photo))
    return Decision(decision.ok, opened, decision.action, decision.reason_key, decision.reason, decision.led,
                    decision.plate, verdict.booking, decision.suggested, event_id, False,
                    decision.params)


_LISTED = ("SELECT id, camera, station, at, received_at, plate_read, plate, confidence, offline, opened, "
           "reason_key, reason, reason_params, led, booking_id, suggested_id, scan_id, "
           "photo IS NOT NULL AS has_photo FROM gate_event")


def _listed(row: dict[str, Any]) -> dict[str, Any]:
    """An event as listed: `reason` in the language in use, `reason_params` as JSON data (None for an
    event recorded before they were kept, whose reason shows as it was recorded)."""
    params_json = row["reason_params"]
    row["reason"] = audit.stored_text(row["reason_key"], row["reason"], params_json)
    try:
        row["reason_params"] = json.loads(params_json) if params_json is not None else None
    except ValueError:
        row["reason_params"] = None
    return row


def reason_text(event: Mapping[str, Any]) -> str:
    """A listed event's reason (see `events`) in the language in use now: a screen that switches
    language writes it again from the event it holds, without reading the store."""
    params = event.get("reason_params")
    return audit.stored_text(event["reason_key"], event["reason"],
                             None if params is None else json.dumps(params, ensure_ascii=False))


def events(store: Store, limit: int = 50, station: str | None = None) -> list[dict[str, Any]]:
    """The newest gate events first, without their photos (see `photo`), reasons in the language in use.

    `led` is the line the gate's screen showed, in Chinese as it was sent.
    """
    sql = _LISTED
    if station is not None:
        sql += " WHERE station = :station"
    sql += " ORDER BY id DESC LIMIT :limit"
    return [_listed(r) for r in store.sql(sql, station=station, limit=limit).mappings()]


def event(store: Store, event_id: int) -> dict[str, Any]:
    found = next(iter(store.sql(_LISTED + " WHERE id = :event_id", event_id=event_id).mappings()), None)
    if found is None:
        raise not_found("gate_event_not_found", id=event_id)
    return _listed(dict(found))


def photo(store: Store, event_id: int) -> bytes | None:
    row = store.sql("SELECT photo FROM gate_event WHERE id = :event_id", event_id=event_id).fetchone()
    return row[0] if row else None


# --- the clerk's choices -------------------------------------------------------------

def let_in(store: Store, actor: Actor, event_id: int, reason: str, now: datetime) -> dict[str, Any]:
    """Open the gate of a refused event by hand, with the clerk's reason (required, audited).

    A booking the event found or suggested that is still waiting is checked in
    by hand as well (scanning.manual). The opening itself is queued for the
    server that talks to the camera (`pending_opens`).
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise invalid("gate_let_in_reason_required", field="reason")
    found = event(store, event_id)
    booking_id = found["booking_id"] or found["suggested_id"]
    checked_in = None
    with store.write():
        if booking_id and bookings.get(store, booking_id).status == "booked":
            checked_in = scanning.manual(store, actor, booking_id, reason, now=now).booking
        verdict = Verdict(True, None, "gate_let_in", tr("gate_let_in", reason=reason), checked_in,
                          {"reason": reason})  # the clerk's words as written, the frame in the language in use
        scanning.record_decided(store, actor, verdict, found["station"], found["plate_read"], now)
        open_id = inserted_id(store.sql(
            "INSERT INTO gate_open(station, event_id, at, actor, reason) VALUES (:station, :event_id, :now, :name, "
            ":reason) RETURNING id",
            station=found["station"], event_id=event_id, now=now.strftime(SECONDS_FMT), name=actor.name, reason=reason))
        audit.record(store, actor, "let_in", "gate_event", event_id, before={"opened": bool(found["opened"])},
                     after={"opened": True, "booking": checked_in.id if checked_in else None},
                     reason=reason, at=now)
    return {"event": event_id, "open": open_id, "station": found["station"],
            "booking": checked_in.to_json() if checked_in else None}


def pending_opens(store: Store, station: str, now: datetime, within_seconds: int = 120) -> list[int]:
    """Take the station's queued openings of the last `within_seconds` (marking them sent)."""
    since = (now - timedelta(seconds=within_seconds)).strftime(SECONDS_FMT)
    with store.write():
        ids = [r[0] for r in store.sql(
            "SELECT id FROM gate_open WHERE station = :station AND sent_at IS NULL AND at >= :since ORDER BY id",
            station=station, since=since)]
        for open_id in ids:
            store.sql("UPDATE gate_open SET sent_at = :now WHERE id = :open_id",
                      now=now.strftime(SECONDS_FMT), open_id=open_id)
    return ids


# --- whitelists ------------------------------------------------------------------------

@dataclass(frozen=True)
class WhitelistEntry:
    plate: str
    enable_at: datetime
    overdue_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"plate": self.plate, "enable_at": self.enable_at.strftime(SECONDS_FMT),
                "overdue_at": self.overdue_at.strftime(SECONDS_FMT)}


def whitelist_plan(store: Store, station: Station, now: datetime,
                   hours: int = WHITELIST_HOURS) -> list[WhitelistEntry]:
    """The plates this gate's camera should open for by itself, each with its window, by plate.

    Entry: booked cars whose check-in window opens within `hours`, from the
    window's opening to its closing (a restricted household is left out, as
    the desk would refuse it). Exit: cars inside or booked, until their end
    plus EXIT_SLACK_HOURS, so nobody is shut in while the desk is off.
    """
    horizon = now + timedelta(hours=hours)
    values: dict[str, dict[str, Any]] = {}
    windows: dict[str, tuple[datetime, datetime]] = {}
    restricted: dict[int, bool] = {}
    # A check-in window opens checkin_early_minutes before the start: no booking starting
    # later than the horizon plus the largest of them can be on the list.
    for booking in _candidates(store, station, now, horizon=horizon + timedelta(minutes=_most_early(store))):
        opens, closes = _window(store, booking, values)
        if opens > horizon:
            continue
        if station.mode == "out" or (station.mode == "both" and booking.status == "checked_in"):
            start = bookings_time(booking.checked_in_at) or opens
            window = (min(start, opens), booking.end + timedelta(hours=EXIT_SLACK_HOURS))
        else:
            if booking.status != "booked" or closes <= now:
                continue
            if booking.household_id not in restricted:
                restricted[booking.household_id] = restrictions.restriction_for(
                    store, booking.household_id, now, "parking") is not None
            if restricted[booking.household_id]:
                continue
            window = (opens, closes)
            if station.mode == "both":
                window = (opens, booking.end + timedelta(hours=EXIT_SLACK_HOURS))
        plate = booking.plate
        assert plate is not None  # _candidates keeps only bookings with a plate
        held = windows.get(plate)
        windows[plate] = window if held is None else (min(held[0], window[0]), max(held[1], window[1]))
    return [WhitelistEntry(p, a.replace(microsecond=0), b.replace(microsecond=0))
            for p, (a, b) in sorted(windows.items())]


def _most_early(store: Store) -> int:
    """The largest checkin_early_minutes any rule sets (minutes)."""
    row = store.sql("SELECT max(CAST(value AS INTEGER)) FROM rule WHERE name = 'checkin_early_minutes'"
                             ).fetchone()
    return max(0, int(row[0] or 0))


def whitelist_held(store: Store, station: str) -> dict[str, tuple[str, str]]:
    """What the desk last told the camera: plate -> (enable_at, overdue_at)."""
    return {p: (a, b) for p, a, b in store.sql(
        "SELECT plate, enable_at, overdue_at FROM gate_whitelist WHERE station = :station", station=station)}


def whitelist_changes(store: Store, station: Station, now: datetime,
                      plan: list[WhitelistEntry] | None = None) -> tuple[list[WhitelistEntry], list[str]]:
    """(entries to add or update, plates to delete) to bring the camera's whitelist in step.

    `plan` is `whitelist_plan`'s answer if the caller already has it.
    """
    if plan is None:
        plan = whitelist_plan(store, station, now)
    held = whitelist_held(store, station.name)
    adds = [e for e in plan if held.get(e.plate) != (e.enable_at.strftime(SECONDS_FMT),
                                                     e.overdue_at.strftime(SECONDS_FMT))]
    wanted = {e.plate for e in plan}
    deletes = sorted(p for p in held if p not in wanted)
    return adds, deletes


def mark_sent(store: Store, station: str, adds: list[WhitelistEntry], deletes: list[str], now: datetime) -> None:
    """Record that the camera was told `adds` and `deletes`."""
    stamp = now.strftime(SECONDS_FMT)
    with store.write():
        for plate in deletes:
            store.sql("DELETE FROM gate_whitelist WHERE station = :station AND plate = :plate", station=station,
                      plate=plate)
        for entry in adds:
            store.sql(
                "INSERT INTO gate_whitelist(station, plate, enable_at, overdue_at, sent_at) VALUES (:station, :plate, "
                ":enable_at, :overdue_at, :stamp) "
                "ON CONFLICT(station, plate) DO UPDATE SET enable_at = excluded.enable_at, "
                "overdue_at = excluded.overdue_at, sent_at = excluded.sent_at",
                station=station, plate=entry.plate, enable_at=entry.enable_at.strftime(SECONDS_FMT),
                overdue_at=entry.overdue_at.strftime(SECONDS_FMT), stamp=stamp)


def require_gate(station: Station) -> Station:
    if not station.is_gate:
        raise invalid("gate_not_a_gate", field="name", name=station.name)
    return station

