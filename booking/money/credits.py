"""Time-bank credits (香城时间交易所): volunteer hours that pay for bookings.

A resident earns hours for volunteer work (team, activity, who approved it)
and redeems them for a room or parking booking of their household at the
rate the admin sets (setting `fee.timebank_fen_per_hour`). Hours are kept in
whole minutes, never floats. A redemption is a ledger payment (method
'timebank') and a time-bank entry written in one transaction.

A balance never goes below zero: the redemption checks it in its
transaction, and the store refuses it anyway (a trigger before the entry and
a CHECK on the balance table, migration 0005), whatever code path writes.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from booking.money import ledger, timebank
from booking.people import residents
from booking.schedule import bookings
from booking.store import audit
from booking.store.audit import Actor
from booking.store.changes import Changes
from booking.store.errors import DeskError, invalid
from booking.money.fees import money, parse_yuan, yuan_text
from booking.money.timebank import balance, hours_text
from booking.store.i18n import tr
from booking.store.connection import Store

MAX_MINUTES_PER_ENTRY = 24 * 60
RATE_KEY = "fee.timebank_fen_per_hour"


def parse_hours(text: Any, field: str = "hours") -> int:
    """Whole minutes from hours typed as '2', '1.5' or '0.25' (read exactly)."""
    raw = unicodedata.normalize("NFKC", str(text if text is not None else "")).strip()
    raw = re.sub(r"(小时|h|hours?)$", "", raw, flags=re.I).strip()
    if not raw:
        raise invalid("credit_hours_required", field=field)
    if not re.fullmatch(r"\d{1,4}(\.\d{1,2})?", raw):
        raise invalid("credit_hours_format", field=field)
    try:
        minutes = Decimal(raw) * 60
    except InvalidOperation:
        raise invalid("credit_hours_format", field=field) from None
    if minutes != minutes.to_integral_value():
        raise invalid("credit_hours_minutes", field=field)
    if minutes <= 0:
        raise invalid("credit_hours_format", field=field)
    return int(minutes)


def rate(store: Store) -> int:
    """Fen one volunteer hour is worth."""
    return int(store.setting(RATE_KEY, "0") or 0)


def set_rate(store: Store, actor: Actor, yuan_per_hour: str, *, now: datetime) -> int:
    """Set what one hour is worth, in yuan (admin)."""
    if not actor.is_admin:
        raise DeskError("forbidden", "credit_rate_admin")
    fen = parse_yuan(yuan_per_hour, "rate")
    with store.write():
        before = rate(store)
        store.sql("INSERT INTO setting(key, value) VALUES (:key, :fen) "
                  "ON CONFLICT(key) DO UPDATE SET value = excluded.value", key=RATE_KEY, fen=str(fen))
        audit.record(store, actor, "set", "setting", RATE_KEY, before=before, after=fen, at=now)
    return fen


def _text(value: str | None, what: str, field: str) -> str:
    cleaned = " ".join(unicodedata.normalize("NFKC", value or "").split())
    if not cleaned or len(cleaned) > 60:
        raise invalid("credit_text_required", field=field, what=tr(what))
    return cleaned


class _HoursText:
    """The hours and the balance after them, as the desk writes hours (earn and redeem share them)."""

    minutes: int
    balance_minutes: int

    @property
    def hours(self) -> str:
        return hours_text(self.minutes)

    @property
    def balance(self) -> str:
        return hours_text(self.balance_minutes)


@dataclass(frozen=True)
class Earned(_HoursText):
    """Hours recorded for a resident (earn): the time-bank entry and the balance after it."""

    entry: int
    resident: int
    minutes: int
    balance_minutes: int

    @property
    def changes(self) -> Changes:
        return Changes(credits=True)

    def to_json(self) -> dict[str, Any]:
        return {"entry": self.entry, "resident": self.resident, "minutes": self.minutes, "hours": self.hours,
                "balance_minutes": self.balance_minutes, "balance": self.balance}


@dataclass(frozen=True)
class Redeemed(_HoursText):
    """Hours paid for a booking (redeem): the time-bank entry, the ledger's payment, what they were worth."""

    entry: int
    payment: ledger.Payment
    minutes: int
    value_fen: int
    rate_fen: int  # the worth of an hour when redeemed
    balance_minutes: int

    @property
    def changes(self) -> Changes:
        return Changes(payments=True, credits=True)

    def to_json(self) -> dict[str, Any]:
        return {"entry": self.entry, "payment": self.payment.to_json(), "minutes": self.minutes, "hours": self.hours,
                "value_fen": self.value_fen, "value": yuan_text(self.value_fen), "rate": money(self.rate_fen),
                "balance_minutes": self.balance_minutes, "balance": self.balance}


def earn(store: Store, actor: Actor, resident_id: int, minutes: int, team: str, activity: str,
         approved_by: str, now: datetime) -> Earned:
    """Record volunteer hours a team leader approved (admin: hours are worth money at the desk)."""
    if not actor.is_admin:
        raise DeskError("forbidden", "credit_earn_admin_only")
    resident = residents.get(store, resident_id)
    if minutes <= 0:
        raise invalid("credit_hours_format", field="hours")
    if minutes > MAX_MINUTES_PER_ENTRY:
        raise invalid("credit_hours_too_many", field="hours", max=MAX_MINUTES_PER_ENTRY // 60)
    team = _text(team, "credit_team", "team")
    activity = _text(activity, "credit_activity", "activity")
    approved_by = _text(approved_by, "credit_approved_by", "approved_by")
    with store.write():
        entry_id = timebank.record(store, actor, resident.id, "earn", minutes, now, team, activity, approved_by)
        audit.record(store, actor, "earn", "timebank", entry_id,
                     after={"resident": resident.id, "minutes": minutes, "team": team, "activity": activity,
                            "approved_by": approved_by}, at=now)
    return Earned(entry_id, resident.id, minutes, balance(store, resident.id))


def redeem(store: Store, actor: Actor, resident_id: int, booking_id: int, now: datetime,
           minutes: int | None = None) -> Redeemed:
    """Pay (part of) what is due for a household's booking with the resident's hours.

    Without `minutes`, as many hours as cover what is due (or the whole balance
    if that is less); never more than is due.
    """
    with store.write():  # the household and what is due, read where the redemption is written
        resident = residents.get(store, resident_id)
        booking = bookings.get(store, booking_id)
        if booking.household_id != resident.household_id:
            raise invalid("credit_other_household", field="booking", door=booking.door)
        fen_per_hour = rate(store)
        if fen_per_hour <= 0:
            raise DeskError("state", "credit_rate_zero")
        due = ledger.account(store, booking_id, now).due_fen
        if due == 0:
            raise DeskError("state", "ledger_nothing_due", id=booking_id)
        held = balance(store, resident.id)
        needed = math.ceil(due * 60 / fen_per_hour)  # whole minutes that cover what is due
        if minutes is None:
            if held == 0:
                raise DeskError("state", "credit_empty")
            minutes = min(held, needed)
        elif minutes > held:
            raise DeskError("state", "credit_not_enough", balance=hours_text(held), need=hours_text(minutes))
        minutes = min(minutes, needed)
        value = min(due, minutes * fen_per_hour // 60)
        if value <= 0:
            raise invalid("credit_too_little", field="hours", hours=hours_text(minutes))
        payment = ledger._insert(store, actor, now, booking_id, "payment", "timebank", value,
                                 credit_minutes=minutes)
        entry_id = timebank.record(store, actor, resident.id, "redeem", -minutes, now, payment_id=payment.id)
    return Redeemed(entry_id, payment, minutes, value, fen_per_hour, balance(store, resident.id))


def history(store: Store, resident_id: int, limit: int = 200) -> list[dict[str, Any]]:
    """The resident's entries, oldest first, each with the balance after it."""
    rows = store.sql(
        "SELECT id, at, entry, minutes, team, activity, approved_by, payment_id, actor FROM timebank "
        "WHERE resident_id = :resident_id ORDER BY id", resident_id=resident_id).fetchall()
    out, running = [], 0
    for id_, at, entry, minutes, team, activity, approved_by, payment_id, actor in rows:
        running += minutes
        out.append({"id": id_, "at": at, "entry": entry, "entry_text": tr(f"credit_entry_{entry}"),
                    "minutes": minutes, "hours": hours_text(minutes), "team": team, "activity": activity,
                    "approved_by": approved_by, "payment": payment_id, "actor": actor,
                    "balance_minutes": running, "balance": hours_text(running)})
    return out[-limit:]


@dataclass(frozen=True)
class Summary:
    """A resident's time-bank account: the balance, what it is worth at today's rate, its history."""

    resident: int
    household: str  # the door
    balance_minutes: int
    rate_fen: int
    history: list[dict[str, Any]]

    @property
    def balance(self) -> str:
        return hours_text(self.balance_minutes)

    @property
    def worth_fen(self) -> int:
        return self.balance_minutes * self.rate_fen // 60

    def to_json(self) -> dict[str, Any]:
        return {"resident": self.resident, "household": self.household, "balance_minutes": self.balance_minutes,
                "balance": self.balance, "rate_fen": self.rate_fen, "rate": yuan_text(self.rate_fen),
                "worth_fen": self.worth_fen, "history": self.history}


def summary(store: Store, resident_id: int) -> Summary:
    """The resident's account as the credits view and `credits show` show it."""
    resident = residents.get(store, resident_id)
    return Summary(resident.id, resident.door, balance(store, resident.id), rate(store), history(store, resident.id))
