"""The time-bank account as the store keeps it: balances in whole minutes and the entries that
change them (earned, redeemed, given back with a refund).

Below both the ledger and the credits: a refund of a time-bank payment gives its hours back
from inside the ledger's write, and the credits (earning and redeeming, booking/money/credits.py)
write ledger payments. Neither imports the other for it.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from booking.store import clock
from booking.store.audit import Actor
from booking.store.connection import IntegrityError, Store, refusal
from booking.store.errors import DeskError
from booking.store.rowids import inserted_id


def hours_text(minutes: int) -> str:
    """'1.5' for 90 minutes, '0.33' for 20 (display only; the store keeps minutes)."""
    value = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def balance(store: Store, resident_id: int) -> int:
    """The resident's credit in minutes."""
    row = store.sql("SELECT minutes FROM timebank_balance WHERE resident_id = :resident_id",
                    resident_id=resident_id).fetchone()
    return row[0] if row else 0


def record(store: Store, actor: Actor, resident_id: int, entry: str, minutes: int, now: datetime,
           team: str | None = None, activity: str | None = None, approved_by: str | None = None,
           payment_id: int | None = None) -> int:
    """Write one entry (inside the caller's write); a balance that would go below zero is refused."""
    try:
        return inserted_id(store.sql(
            "INSERT INTO timebank(resident_id, at, entry, minutes, team, activity, approved_by, payment_id, "
            "actor, recorded_at) VALUES (:resident_id, :now, :entry, :minutes, :team, :activity, :approved_by, "
            ":payment_id, :name, :now_stamp) RETURNING id",
            resident_id=resident_id, now=clock.to_text(now), entry=entry, minutes=minutes, team=team,
            activity=activity, approved_by=approved_by, payment_id=payment_id,
            name=actor.name, now_stamp=clock.to_stamp(now)))
    except IntegrityError as exc:
        if "timebank_negative" in refusal(exc) or "CHECK constraint" in refusal(exc):
            raise DeskError("state", "credit_not_enough", balance=hours_text(balance(store, resident_id)),
                            need=hours_text(-minutes)) from exc
        raise


def give_back(store: Store, actor: Actor, payment_id: int, refund_id: int, minutes: int, now: datetime) -> None:
    """Return the minutes a payment redeemed with its refund (called by ledger.refund inside its write)."""
    row = store.sql("SELECT resident_id FROM timebank WHERE payment_id = :payment_id AND entry = 'redeem'",
                    payment_id=payment_id).fetchone()
    if row is not None and minutes > 0:
        record(store, actor, row[0], "refund", minutes, now, payment_id=refund_id)
