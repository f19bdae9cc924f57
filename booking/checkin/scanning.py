"""Scanning a pass: the verdict, and the check-in or check-out it causes.

`verify` is a pure function from (scanned text, store, time, station) to a
`Verdict`: it reads the store and writes nothing. It asks a short list of
questions in a fixed order and stops at the first "no", each with its own
reason in plain words:

1. format     -- is it a pass at all? (`passcode.parse_pass`)
2. signature  -- did this desk sign it, with a key that is not retired?
                 Until this passes nothing about any booking is looked at,
                 so a forged pass learns nothing.
3. booking    -- is the booking known, is it the very booking the pass was issued
                 for (its nonce; an id reused after a restore is another
                 booking), and is this its current revision?
4. status     -- cancelled, no-show and completed passes are spent.
5. time       -- check-in opens `checkin_early_minutes` before the start and
                 closes when the grace time (or the booking) is over;
                 check-out is always allowed after a check-in, but not at a
                 time before it (a PC clock set back).
6. place      -- does this station take passes for this resource?
7. direction  -- an entry-only gate refuses a second "in", an exit-only gate
                 an "out" without an "in".

`scan` runs `verify` inside one write transaction and records the scan
together with the check-in or check-out it causes, so the record of a scan and
its effect can never disagree, even with two desks on one file.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from collections.abc import Callable
from typing import Any

from booking.checkin import passcode, passes
from booking.money import fees
from booking.places import stations
from booking.policy import rules
from booking.schedule import bookings
from booking.store import audit, clock
from booking.store.audit import Actor
from booking.store.changes import Changes
from booking.schedule.bookings import Booking
from booking.store.errors import DeskError, invalid
from booking.store.i18n import Message, Words, tr
from booking.places.inventory import get as get_resource
from booking.places.stations import Station
from booking.store.connection import Read, Store
from booking.store.rowids import inserted_id

CHECK_IN = "check-in"
CHECK_OUT = "check-out"
REPEAT_SECONDS = 3
MAX_INPUT = 1000      # far more than any scanner types for a pass; beyond it, no pass
STORED_TEXT = 120     # what the scan record keeps of the text
SECONDS_FMT = "%Y-%m-%d %H:%M:%S"

# Every refusal of a scan has a scan_ key; for a badly formed pass (scan_empty, scan_not_digits, ...)
# its words are the codec's own, those of the pass_ message (tests/booking/store/test_catalogs.py
# holds them equal in every catalog, so that they never drift apart).
_PARSE_KEYS = ("pass_empty", "pass_not_digits", "pass_too_short", "pass_too_long",
               "pass_unreadable", "pass_unknown_version")


@dataclass(frozen=True)
class Verdict:
    """The answer to one scan: accepted or not, what it does, and why, in the user's words."""

    ok: bool
    action: str | None          # 'check-in', 'check-out' or None
    reason_key: str             # scan_...; a stable code for the reason
    reason: str                 # the reason in the current language
    booking: Booking | None = None
    params: dict[str, Any] = field(default_factory=dict, compare=False)

    def message(self, lang: str | None = None) -> str:
        """The reason again, in `lang` (for a screen that switches language)."""
        return tr(self.reason_key, lang, **self.params)

    @property
    def changes(self) -> Changes:
        """Every scan is recorded; a check-in or check-out changes its booking too."""
        return Changes(scans=True, bookings=bool(self.action))

    @property
    def reason_message(self) -> Message:
        """The reason as a key and parameters, as the scan record and the audit log keep it."""
        return Message(self.reason_key, dict(self.params))

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "action": self.action, "reason": self.reason, "reason_key": self.reason_key,
                "booking": self.booking.to_json() if self.booking else None}


def _refuse(key: str, booking: Booking | None = None, **params: Any) -> Verdict:
    return Verdict(False, None, key, tr(key, **params), booking, params)


def _accept(action: str, key: str, booking: Booking, **params: Any) -> Verdict:
    return Verdict(True, action, key, tr(key, **params), booking, params)


# The parameters of a verdict's reason are kept with the scan (booking/i18n.Message): whatever
# depends on the language is a Message or Words, never text written in the language of the moment.

def _when(moment: datetime, now: datetime) -> str | Message:
    """'19:00' today, '11月25日 19:00' on another day."""
    hm = moment.strftime("%H:%M")
    if moment.date() == now.date():
        return hm
    return Message("scan_date", {"month": moment.month, "day": moment.day, "hm": hm})


def _window(booking: Booking, now: datetime) -> Message:
    return Message("span_times", {"start": _when(booking.start, now), "end": _when(booking.end, now)})


def _what(store: Store, booking: Booking) -> str | Words:
    """The resource and who uses it, as the banner shows it: 'P001 川A12345' or 'R01 党群驿站'."""
    if booking.plate:
        return f"{booking.resource} {booking.plate}"
    try:
        res = get_resource(store, booking.resource)
    except DeskError:  # never expected: a booking keeps its resource
        return f"{booking.resource} {booking.resource_name}"
    return Words(f"{res.code} {res.name_zh}", f"{res.code} {res.name_en}")


def _stamp_time(text: str | None) -> datetime | None:
    try:
        return clock.from_text(text[:16]) if text else None
    except ValueError:
        return None


def checkin_window(store: Store, booking: Booking,
                   values: dict[str, Any] | None = None) -> tuple[datetime, datetime]:
    """[opens, closes): when the booking can be checked in.

    Opens `checkin_early_minutes` before the start; closes when the grace time
    after the start is over (then it is a no-show), or at the end if that
    comes first or no grace time is set. The sweep uses the same deadline.
    `values` are the resource's rules (`rules.effective`) if already at hand.
    """
    if values is None:
        values = rules.effective_of(store, booking.resource, booking.kind)
    return window_for(booking.start, booking.end, values)


def window_for(start: datetime, end: datetime, values: dict[str, Any]) -> tuple[datetime, datetime]:
    """`checkin_window` for a booking from `start` to `end` under the rules `values`."""
    early = values.get("checkin_early_minutes") or 0
    grace = values.get("grace_minutes")
    closes = end if grace is None else min(end, start + timedelta(minutes=grace))
    return start - timedelta(minutes=early), closes


def window_problem(opens: datetime, closes: datetime, end: datetime, now: datetime) -> str | None:
    """Why a booking ending at `end` cannot be checked in at `now` in its window [opens, closes).

    'too_early' before the window, 'ended' once the booking is over, 'too_late'
    after the grace time; None while the window is open. The one check both
    the pass scan and the barrier gates (booking/gatehouse/gates.py) make.
    """
    if now < opens:
        return "too_early"
    if now >= end:
        return "ended"
    if now >= closes:
        return "too_late"
    return None


def verify(text: str, store: Store, now: datetime, station: str | Station = stations.DESK) -> Verdict:
    """What a scan of `text` at `station` at `now` would do, and why not. Writes nothing.

    Never raises for any text: whatever a scanner or a person types is
    answered with a refusal and its reason.
    """
    return _verify(text, store, now, station, lambda key_id: passes.secret_for(store, key_id))


def _verify(text: str, store: Store, now: datetime, station: str | Station,
            secret_of: Callable[[int], bytes | None]) -> Verdict:
    """`verify`, the pass key's secret from `secret_of` (read already, with other reads, by `scan`)."""
    if not isinstance(text, str):
        text = text.decode("utf-8", "replace") if isinstance(text, (bytes, bytearray)) else ""
    if len(text) > MAX_INPUT:
        return _refuse("scan_input_too_long", n=len(text))
    # 1. format
    try:
        fields = passcode.parse_pass(text)
    except DeskError as exc:
        return _refuse("scan_" + exc.key[len("pass_"):], **exc.params)
    # 2. signature: nothing about bookings is read before the pass is proved genuine
    secret = secret_of(fields.key_id)
    if secret is None:
        return _refuse("scan_unknown_key")
    if not passcode.verify_mac(fields, secret):
        return _refuse("scan_forged")
    # 3. the booking and its current revision
    try:
        booking, nonce = bookings.get_with_nonce(store, fields.booking_id)
    except DeskError:
        return _refuse("scan_unknown_booking", id=fields.booking_id)
    # The pass must name this very booking: the booking's nonce, or none for a version 1 pass
    # of a booking made before nonces. Another booking's details are not shown.
    if fields.nonce != nonce:
        if fields.nonce is None and fields.revision < booking.pass_rev:  # an old slip of a reissued booking
            return _refuse("scan_replaced", booking, revision=fields.revision, current=booking.pass_rev)
        return _refuse("scan_other_booking", id=fields.booking_id)
    if fields.revision < booking.pass_rev:
        return _refuse("scan_replaced", booking, revision=fields.revision, current=booking.pass_rev)
    if fields.revision > booking.pass_rev:
        return _refuse("scan_revision_ahead", booking, revision=fields.revision, current=booking.pass_rev)
    # 4. status
    if booking.status == "cancelled":
        return _refuse("scan_cancelled", booking, id=booking.id)
    if booking.status == "no_show":
        return _refuse("scan_no_show", booking, start=_when(booking.start, now))
    if booking.status == "completed":
        out = _stamp_time(booking.checked_out_at)
        if out is None:
            return _refuse("scan_already_used_plain", booking)
        return _refuse("scan_already_used", booking, out=_when(out, now))
    action = CHECK_IN if booking.status == "booked" else CHECK_OUT
    # 5. time: only check-in has a window; nobody is ever locked in
    if action == CHECK_IN:
        opens, closes = checkin_window(store, booking)
        problem = window_problem(opens, closes, booking.end, now)
        if problem == "too_early":
            return _refuse("scan_too_early", booking, start=_when(booking.start, now),
                           early=clock.minutes(opens, booking.start), opens=_when(opens, now))
        if problem == "ended":
            return _refuse("scan_ended", booking, end=_when(booking.end, now))
        if problem == "too_late":
            return _refuse("scan_too_late", booking, start=_when(booking.start, now),
                           deadline=_when(closes, now))
    elif behind := _behind(booking, now):  # a clock set back would stamp the leaving before the arriving
        return _refuse("scan_clock_behind", booking, **behind)
    # 6. place
    place = station if isinstance(station, Station) else stations.find(store, station)
    if place is None:
        return _refuse("scan_station_unknown", booking, station=_printable(str(station))[:40])
    if not place.accepts(booking.kind, booking.resource):
        return _refuse("scan_wrong_station", booking, takes=Words(place.takes_text("zh"), place.takes_text("en")),
                       resource=booking.resource)
    # 7. direction
    if not place.does(action):
        if action == CHECK_OUT:
            at = _stamp_time(booking.checked_in_at)
            return _refuse("scan_already_in", booking, at=_when(at, now) if at else "")
        return _refuse("scan_not_in", booking)
    what = _what(store, booking)
    if action == CHECK_IN:
        return _accept(action, "scan_check_in", booking, resource=what, window=_window(booking, now))
    over = overstay_minutes(booking, now)
    if over:
        return _accept(action, "scan_check_out_late", booking, resource=what,
                       over=rules.duration_message(over), end=_when(booking.end, now))
    return _accept(action, "scan_check_out", booking, resource=what, window=_window(booking, now))


def _behind(booking: Booking, now: datetime) -> dict[str, Any]:
    """The words for `now` and the check-in if `now` is earlier than the check-in, else {}."""
    text = booking.checked_in_at
    if not text:
        return {}
    try:
        since = datetime.strptime(text[:19], SECONDS_FMT)
    except ValueError:
        return {}
    if now >= since:
        return {}
    return {"now": _on_day(now), "since": _on_day(since)}


def _on_day(moment: datetime) -> Message:
    """'11月24日 09:05' whatever day it is (when the clock is in doubt, "today" is too)."""
    return Message("scan_date", {"month": moment.month, "day": moment.day, "hm": moment.strftime("%H:%M")})


def overstay_minutes(booking: Booking, now: datetime) -> int | None:
    """Whole minutes past the end at `now`, or None if not over time."""
    over = clock.minutes(booking.end, now)
    return over if over > 0 else None


def _printable(text: str) -> str:
    """`text` with control, format and unpaired surrogate characters written as escapes.

    Keeps the record readable in any viewer and storable: SQLite cannot take a
    lone surrogate, and a bidi override would make the log lie about what was read.
    """
    out = []
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch != " ":
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def recorded_text(raw: Any) -> str:
    """What the scan record keeps of the scanned text: cleaned, printable, at most STORED_TEXT long."""
    if not isinstance(raw, str):
        raw = raw.decode("utf-8", "replace") if isinstance(raw, (bytes, bytearray)) else ""
    text = _printable(passcode.clean_scan(raw[:MAX_INPUT]))
    return text if len(text) <= STORED_TEXT else text[:STORED_TEXT - 1] + "…"


def _previous(station: str, text: str, at: datetime) -> Read[tuple[int, int | None] | None]:
    """(ok, booking id) of the same text read at the same station within REPEAT_SECONDS before `at`."""
    since = (at - timedelta(seconds=REPEAT_SECONDS)).strftime(SECONDS_FMT)
    return Read("SELECT ok, booking_id FROM scan WHERE station = :station AND at >= :since AND at <= :at "
                "AND text = :text ORDER BY id DESC LIMIT 1",
                {"station": station, "since": since, "at": at.strftime(SECONDS_FMT), "text": text},
                lambda rows: rows.fetchone())


def _key_id(text: Any) -> int | None:
    """The signing key a scanned text names, if it reads as a pass at all (`verify` says why not)."""
    if not isinstance(text, str) or len(text) > MAX_INPUT:
        return None
    try:
        return passcode.parse_pass(text).key_id
    except DeskError:
        return None


def scan(store: Store, actor: Actor, text: str, station: str = stations.DESK,
         *, now: datetime) -> Verdict:
    """Verify `text` and record the scan with the check-in or check-out it causes, in one transaction.

    `now` may carry seconds (the window passes real time); decisions use it as
    is and the record keeps the seconds. The same text read again at the same
    station within 3 seconds is a repeat: reported, recorded, and not toggled.
    """
    at = now.replace(microsecond=0)
    station_name = _printable(station if isinstance(station, str) else station.name)[:40]
    stored = recorded_text(text)
    kid = _key_id(text)
    with store.write():
        # the repeat check and the pass's key asked at once (on a server, one message)
        if kid is None:
            before, secret = store.read(_previous(station_name, stored, at)), None
        else:
            before, secret = store.read_all(_previous(station_name, stored, at), passes.secret_read(kid))
        if before is not None:
            ok, booking_id = before
            booking = bookings.get(store, booking_id) if booking_id is not None else None
            verdict = Verdict(bool(ok), None, "scan_repeat", tr("scan_repeat"), booking, {})
        else:
            verdict = _verify(text, store, at, station, lambda key_id: secret if key_id == kid else None)
        if verdict.action is not None and verdict.booking is not None:
            verdict = _apply(store, actor, verdict, at, fresh=True)  # verify read it in this write
        store.append(
            "INSERT INTO scan(at, station, text, ok, action, reason, reason_key, reason_params, booking_id, actor) "
            "VALUES (:at, :station_name, :stored, :ok, :action, :reason, :reason_key, :reason_params, :booking_id, "
            ":name)",
            at=at.strftime(SECONDS_FMT), station_name=station_name, stored=stored, ok=int(verdict.ok),
            action=verdict.action,
            reason=verdict.reason, reason_key=verdict.reason_key, reason_params=verdict.reason_message.params_json(),
            booking_id=verdict.booking.id if verdict.booking else None, name=actor.name)
    return verdict


def _apply(store: Store, actor: Actor, verdict: Verdict, at: datetime, *, fresh: bool = False) -> Verdict:
    """Make the check-in or check-out happen; the caller's transaction records the scan with it.

    `fresh`: the verdict's booking was read in this same write, so the booking after the change
    is that one with the change, and is not read again (on a server, a round trip saved)."""
    booking, action = verdict.booking, verdict.action
    assert booking is not None and action is not None
    stamp = at.strftime(SECONDS_FMT)
    after: dict[str, Any]
    if action == CHECK_IN:
        changed = store.sql(
            "UPDATE booking SET status = 'checked_in', checked_in_at = :stamp "
            "WHERE id = :booking_id AND status = 'booked'",
            stamp=stamp, booking_id=booking.id).rowcount
        after = {"status": "checked_in", "checked_in_at": stamp}
    else:
        over = overstay_minutes(booking, at)
        changed = store.sql(
            "UPDATE booking SET status = 'completed', checked_out_at = :stamp, overstay_minutes = :over "
            "WHERE id = :booking_id AND status = 'checked_in'", stamp=stamp, over=over, booking_id=booking.id).rowcount
        after = {"status": "completed", "checked_out_at": stamp, "overstay_minutes": over}
    # verify ran inside this same write transaction, so the status cannot have moved.
    assert changed == 1, "booking changed under a write lock"
    audit.record(store, actor, action, "booking", booking.id, before={"status": booking.status},
                 after=after, reason=verdict.reason_message, at=at)
    now_booking = replace(booking, **after) if fresh else None
    if verdict.action == CHECK_OUT:  # the charge, overstay included, frozen in the same transaction
        fees.settle(store, now_booking or booking.id, now=at, fresh=fresh)
    if now_booking is None:
        now_booking = bookings.get(store, booking.id)
    return Verdict(verdict.ok, verdict.action, verdict.reason_key, verdict.reason, now_booking, verdict.params)


def record_decided(store: Store, actor: Actor, verdict: Verdict, station: str, text: str,
                   at: datetime) -> tuple[Verdict, int]:
    """Record a scan decided elsewhere (a gate camera's plate, booking/gatehouse/gates.py) with its effect.

    The same path as `scan` after `verify`: the check-in or check-out (and, on
    check-out, the settled charge) and the scan record in one transaction.
    Returns the verdict with the booking as it is now, and the scan's id.
    """
    at = at.replace(microsecond=0)
    with store.write():
        if verdict.action is not None and verdict.booking is not None:
            verdict = _apply(store, actor, verdict, at)
        scan_id = inserted_id(store.sql(
            "INSERT INTO scan(at, station, text, ok, action, reason, reason_key, reason_params, booking_id, actor) "
            "VALUES (:at, :station, :text, :ok, :action, :reason, :reason_key, :reason_params, :booking_id, :actor) "
            "RETURNING id",
            at=at.strftime(SECONDS_FMT), station=_printable(station)[:40], text=recorded_text(text), ok=int(verdict.ok),
            action=verdict.action, reason=verdict.reason, reason_key=verdict.reason_key,
            reason_params=_kept_params(verdict),
            booking_id=verdict.booking.id if verdict.booking else None, actor=actor.name))
    return verdict, scan_id


MANUAL_STATION = "手工"


def manual(store: Store, actor: Actor, booking_id: int, reason: str, *, now: datetime) -> Verdict:
    """Check a booking in (if booked) or out (if checked in) by hand, for a lost or unreadable pass.

    The clerk's reason is required and kept with the scan record and the audit
    entry, in the same transaction as the change. Time windows do not apply: the
    clerk sees the resident; but a cancelled, no-show or completed booking stays so.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise invalid("scan_manual_reason_required", field="reason")
    at = now.replace(microsecond=0)
    with store.write():
        booking = bookings.get(store, booking_id)
        if booking.status == "booked":
            action, key = CHECK_IN, "scan_manual_in"
        elif booking.status == "checked_in":
            action, key = CHECK_OUT, "scan_manual_out"
            if behind := _behind(booking, at):
                raise DeskError("state", "scan_clock_behind", **behind)
        else:
            raise DeskError("state", "scan_manual_not_possible", id=booking_id,
                            status=tr(f"status_{booking.status}"))
        verdict = _apply(store, actor, _accept(action, key, booking, reason=reason), at, fresh=True)
        store.append(
            "INSERT INTO scan(at, station, text, ok, action, reason, reason_key, reason_params, booking_id, actor) "
            "VALUES (:at, :station, :text, 1, :action, :reason, :key, :reason_params, :booking_id, :name)",
            at=at.strftime(SECONDS_FMT), station=MANUAL_STATION, text="", action=action, reason=verdict.reason, key=key,
            reason_params=verdict.reason_message.params_json(), booking_id=booking_id, name=actor.name)
    return verdict


def _kept_params(verdict: Verdict) -> str | None:
    """The parameters of a verdict decided elsewhere, if it has them: a verdict built with its
    reason text only (and no parameters) keeps that text, as an older row does."""
    return verdict.reason_message.params_json() if verdict.params or verdict.reason == tr(verdict.reason_key) else None


def recent(store: Store, station: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The newest scans first, optionally at one station (for the scan screen's list)."""
    sql = ("SELECT id, at, station, text, ok, action, reason, reason_key, reason_params, booking_id, actor "
           "FROM scan")
    if station is not None:
        sql += " WHERE station = :station"
    sql += " ORDER BY id DESC LIMIT :limit"
    return store.sql(sql, station=station, limit=limit).mappings()

