"""Issuing passes: the installation's signing keys and each booking's current pass.

The secret is made at first start, kept in its own table (`pass_key`), never
exported with bookings, and copied with backups so printed passes stay valid
after a restore. Rotating makes a new current key; old keys still verify the
passes they signed until retired. Reissuing a booking raises its revision, which
revokes every older pass of that booking.

A pass carries the booking's nonce (docs/passes.md, "Pass identity"), so it is
accepted only for the booking it was issued for, whatever ids a restore reuses.
Every state a write depends on is read inside that write's transaction.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from booking.checkin import passcode
from booking.schedule import bookings
from booking.store import audit, clock
from booking.store.audit import Actor
from booking.store.errors import DeskError
from booking.store.connection import Read, Rows, Store
from booking.store.schema import ENDED


def ensure_key(store: Store, *, now: datetime) -> int:
    """The key id that signs new passes, making the installation's first key if there is none."""
    current = store.setting("pass_kid")
    if current is not None:
        return int(current)
    with store.write():
        current = store.setting("pass_kid")  # another process may have just made it
        if current is not None:
            return int(current)
        _new_key(store, 1, now=now)
        audit.record(store, audit.SYSTEM, "create", "pass_key", 1, at=now)
    return 1


def _new_key(store: Store, kid: int, *, now: datetime) -> None:
    store.sql("DELETE FROM pass_key WHERE kid = :kid", kid=kid)  # a retired slot reused
    store.sql("INSERT INTO pass_key(kid, secret, created_at) VALUES (:kid, :secret, :now_stamp)",
              kid=kid, secret=passcode.new_secret(), now_stamp=clock.to_stamp(now))
    store.set_setting("pass_kid", str(kid))


def secret_for(store: Store, kid: int) -> bytes | None:
    """The secret of key `kid` if it exists and is not retired."""
    return store.read(secret_read(kid))


def secret_read(kid: int) -> Read[bytes | None]:
    """`secret_for` as a `Read`, to ask with others at once (`Store.read_all`)."""
    def answer(rows: Rows) -> bytes | None:
        row = rows.fetchone()
        return bytes(row[0]) if row else None
    return Read("SELECT secret FROM pass_key WHERE kid = :kid AND retired_at IS NULL", {"kid": kid}, answer)


def rotate_key(store: Store, actor: Actor, retire_old: bool = False, *, now: datetime) -> int:
    """Make a new signing key (admin). Passes signed by older keys keep working unless retired."""
    if not actor.is_admin:
        raise DeskError("forbidden", "pass_keys_admin_only")
    current = ensure_key(store, now=now)
    with store.write():
        if retire_old:
            store.sql("UPDATE pass_key SET retired_at = :now_stamp WHERE retired_at IS NULL",
                      now_stamp=clock.to_stamp(now))
        current = int(store.setting("pass_kid") or current)  # another desk may have rotated meanwhile
        live = {r[0] for r in store.sql("SELECT kid FROM pass_key WHERE retired_at IS NULL")}
        candidates = [(current + step - 1) % passcode.MAX_KEY_ID + 1 for step in range(1, passcode.MAX_KEY_ID + 1)]
        kid: int | None = next((k for k in candidates if k not in live), None)
        if kid is None:  # every id holds a live key: replacing one would make its passes read as forged
            raise DeskError("state", "pass_keys_full", max=passcode.MAX_KEY_ID)
        _new_key(store, kid, now=now)
        audit.record(store, actor, "rotate", "pass_key", kid, before={"kid": current},
                     after={"kid": kid, "retired_old": retire_old}, at=now)
    return kid


def nonce_of(store: Store, booking_id: int) -> int | None:
    """The booking's pass nonce; None for a booking made before nonces (its passes are version 1)."""
    row = store.sql("SELECT pass_nonce FROM booking WHERE id = :booking_id", booking_id=booking_id).fetchone()
    return row[0] if row else None


def _issuable(store: Store, booking_id: int) -> bookings.Booking:
    booking = bookings.get(store, booking_id)
    if booking.status in ENDED:
        raise DeskError("state", "pass_no_pass_for_status", id=booking_id,
                        status=booking.to_json()["status_text"])
    return booking


def pass_text(store: Store, booking_id: int) -> str:
    """The booking's current pass (same text every time until it is reissued)."""
    # Only reads, so a read-only or busy store still shows its passes. The state and the
    # revision come from one row; the nonce changes only with a reissue, which also raises the
    # revision, so a pass made in between is an old revision and is refused as replaced.
    kid_text = store.setting("pass_kid")  # made by setup.prepare at every open: reading it writes nothing
    assert kid_text is not None, "the store was opened without setup.prepare"
    kid = int(kid_text)
    booking = _issuable(store, booking_id)
    secret = secret_for(store, kid)
    if secret is None:  # retired by another desk just now: sign with the key that is current
        kid = int(store.setting("pass_kid") or kid)
        secret = secret_for(store, kid)
    assert secret is not None
    return passcode.make_pass(kid, secret, booking.id, booking.pass_rev, nonce_of(store, booking.id))


def reissue(store: Store, actor: Actor, booking_id: int, reason: str | None = None, *, now: datetime) -> str:
    """Raise the booking's revision (older passes stop working) and return the new pass.

    The booking's state is checked inside the same write that raises the revision, so
    a cancellation or check-out by another desk is either seen (and refused) or comes
    after. The revision limit is checked before anything is written. A booking made
    before nonces gets one now, so its new pass is version 2.
    """
    ensure_key(store, now=now)
    with store.write():
        booking = _issuable(store, booking_id)
        if booking.pass_rev >= passcode.MAX_REVISION:
            raise DeskError("state", "pass_revision_limit", id=booking_id, max=passcode.MAX_REVISION)
        if nonce_of(store, booking_id) is None:
            store.sql("UPDATE booking SET pass_nonce = :pass_nonce WHERE id = :booking_id",
                      pass_nonce=secrets.randbelow(passcode.MAX_NONCE + 1), booking_id=booking_id)
        store.sql("UPDATE booking SET pass_rev = pass_rev + 1 WHERE id = :booking_id", booking_id=booking_id)
        audit.record(store, actor, "reissue", "booking", booking_id,
                     before={"pass_rev": booking.pass_rev}, after={"pass_rev": booking.pass_rev + 1},
                     reason=reason, at=now)
        return pass_text(store, booking_id)


def describe(store: Store, booking_id: int) -> dict[str, Any]:
    """The pass with the booking's details, as the `pass` command answers."""
    text = pass_text(store, booking_id)
    booking = bookings.get(store, booking_id)
    return {"payload": text, "grouped": passcode.grouped(text), "revision": booking.pass_rev,
            "booking": booking.to_json()}
