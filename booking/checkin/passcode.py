"""The text inside a pass's QR code: compact, versioned, signed, digits only.

A USB scanner "types" the pass into the program as if it were a keyboard, so
the text must survive any keyboard layout, Caps Lock and a Chinese input
method: digits are the one set of characters that does (full-width digits from
an input method are folded back by `clean_scan`). Digits also make the
smallest QR code (numeric mode).

Layout of version 2, 54 digits, what the desk issues (see docs/passes.md)::

    2 | key id (2) | booking id (9) | booking nonce (9) | revision (3) | MAC (29) | Damm check (1)

The booking nonce is a random number the store gives each booking when it is
made, so a pass names one booking, not a booking id: after a restore to an
older backup the same id is given to another booking with another nonce.
Version 1 (45 digits, no nonce) is still read, for the bookings made before
nonces existed::

    1 | key id (2) | booking id (9) | revision (3) | MAC (29) | Damm check (1)

The MAC is HMAC-SHA256 under the installation's secret for that key id, over a
domain tag and all the digits before it, truncated to 96 bits. The Damm digit
lets a misread digit be reported as "unreadable, scan again" instead of as a
forgery; it is no protection against forgery, the MAC is.

This module only reads and writes the text. Whether a pass is accepted
(known key, current revision, booking state, time, place) is decided by the
verifier, which calls `parse_pass` and `verify_mac`.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass

from booking.store.errors import invalid

VERSION = 1          # the layout without a nonce, still read for bookings older than nonces
NONCE_VERSION = 2    # the layout the desk issues
KEY_ID_DIGITS = 2
BOOKING_ID_DIGITS = 9
NONCE_DIGITS = 9
REVISION_DIGITS = 3
MAC_DIGITS = 29
MAC_BYTES = 12  # 96 bits; 2**96 - 1 has 29 decimal digits
PASS_LENGTH = 1 + KEY_ID_DIGITS + BOOKING_ID_DIGITS + REVISION_DIGITS + MAC_DIGITS + 1
PASS_LENGTH_V2 = PASS_LENGTH + NONCE_DIGITS
LENGTHS = {VERSION: PASS_LENGTH, NONCE_VERSION: PASS_LENGTH_V2}
MAX_NONCE = 10**NONCE_DIGITS - 1

MAX_KEY_ID = 10**KEY_ID_DIGITS - 1
MAX_BOOKING_ID = 10**BOOKING_ID_DIGITS - 1
MAX_REVISION = 10**REVISION_DIGITS - 1
SECRET_BYTES = 32
MIN_SECRET_BYTES = 16

# Separates this MAC from any other use of the same secret, now or later.
_DOMAIN = b"linli-desk/pass\x00"


# Damm's table: a weakly totally anti-symmetric quasigroup of order 10. It
# catches every single-digit error and every swap of two adjacent digits.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

# ']' + symbology letter + modifier digit, sent first by scanners set to do so.
_AIM_PREFIX = re.compile(r"\][A-Za-z][0-9]")
_ASCII_DIGITS = re.compile(r"[0-9]+")
# Invisible characters some input methods and phone apps slip into pasted text.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


@dataclass(frozen=True)
class PassFields:
    """The parts of a well-formed pass. Well-formed is not genuine: see `verify_mac`."""

    version: int
    key_id: int
    booking_id: int
    revision: int
    mac: str
    nonce: int | None = None  # version 2 only: which booking of that id the pass was issued for


def new_secret() -> bytes:
    """A fresh per-installation pass secret (32 random bytes)."""
    return secrets.token_bytes(SECRET_BYTES)


def damm_digit(digits: str) -> str:
    """The Damm check digit of a string of ASCII digits."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return str(interim)


def make_pass(key_id: int, secret: bytes, booking_id: int, revision: int, nonce: int | None = None) -> str:
    """The pass text for revision `revision` of booking `booking_id`, signed with key `key_id`.

    With the booking's `nonce` it is a version 2 pass; without, version 1 (for a
    booking made before nonces). Values out of range raise ValueError: they come
    from the store, not from a user, so they are a programming error.
    """
    _check_range("key_id", key_id, MAX_KEY_ID)
    _check_range("booking_id", booking_id, MAX_BOOKING_ID)
    _check_range("revision", revision, MAX_REVISION)
    if nonce is not None:
        _check_range("nonce", nonce, MAX_NONCE)
    _check_secret(secret)
    payload = _payload(VERSION if nonce is None else NONCE_VERSION, key_id, booking_id, revision, nonce)
    body = payload + _mac(secret, payload)
    return body + damm_digit(body)


def clean_scan(raw: str) -> str:
    """The scanned or typed text without what scanners and input methods add.

    Folds full-width characters (NFKC), drops an AIM symbology identifier
    such as ']Q1', and removes all whitespace (CR, LF, Tab, ASCII and
    ideographic spaces, so a number typed in groups works) and zero-width
    characters. Never raises; the result may still be no pass at all.
    """
    text = unicodedata.normalize("NFKC", raw).translate(_ZERO_WIDTH).strip()
    if _AIM_PREFIX.match(text):
        text = text[3:]
    return "".join(ch for ch in text if not ch.isspace())


def parse_pass(text: str) -> PassFields:
    """Split a scanned pass into its fields, or raise DeskError(invalid, field='pass').

    Checks in this order, each with its own message: empty, not only digits,
    too short, too long, check digit wrong (unreadable), unknown version.
    The check digit comes before the version so that a misread first digit
    says "scan again" rather than "unknown kind of pass". Raises nothing else
    for any str.
    """
    digits = clean_scan(text)
    if not digits:
        raise invalid("pass_empty", "pass")
    if not _ASCII_DIGITS.fullmatch(digits):
        raise invalid("pass_not_digits", "pass")
    # The length a pass of its version digit has; a number of neither length is measured
    # against the current layout, so a misread first digit still says "scan again".
    expected = LENGTHS.get(int(digits[0]), PASS_LENGTH_V2)
    if len(digits) not in LENGTHS.values() or len(digits) != expected and int(digits[0]) in LENGTHS:
        if len(digits) < expected:
            raise invalid("pass_too_short", "pass", missing=expected - len(digits))
        raise invalid("pass_too_long", "pass", extra=len(digits) - expected)
    if damm_digit(digits) != "0":  # a valid number, check digit included, sums to 0
        raise invalid("pass_unreadable", "pass")
    version = int(digits[0])
    if version not in LENGTHS:
        raise invalid("pass_unknown_version", "pass", version=version)
    widths = (KEY_ID_DIGITS, BOOKING_ID_DIGITS) + ((NONCE_DIGITS,) if version == NONCE_VERSION else ()) \
        + (REVISION_DIGITS,)
    at = 1
    fields: list[int] = []
    for width in widths:
        fields.append(int(digits[at:at + width]))
        at += width
    nonce = fields.pop(2) if version == NONCE_VERSION else None
    key_id, booking_id, revision = fields
    return PassFields(version, key_id, booking_id, revision, digits[at:at + MAC_DIGITS], nonce)


def verify_mac(fields: PassFields, secret: bytes) -> bool:
    """True if the pass's MAC was made with `secret` over exactly these fields.

    `secret` is the one stored for `fields.key_id`. Fields that no genuine
    pass can hold simply do not verify.
    """
    _check_secret(secret)
    if (
        fields.version not in LENGTHS
        or (fields.nonce is None) != (fields.version == VERSION)
        or fields.nonce is not None and not (type(fields.nonce) is int and 0 <= fields.nonce <= MAX_NONCE)
        or not all(
            type(value) is int and 0 <= value <= limit
            for value, limit in ((fields.key_id, MAX_KEY_ID),
                                 (fields.booking_id, MAX_BOOKING_ID),
                                 (fields.revision, MAX_REVISION))
        )
        or not isinstance(fields.mac, str)
        or len(fields.mac) != MAC_DIGITS
        or not _ASCII_DIGITS.fullmatch(fields.mac)  # compare_digest wants ASCII text
    ):
        return False
    payload = _payload(fields.version, fields.key_id, fields.booking_id, fields.revision, fields.nonce)
    return hmac.compare_digest(_mac(secret, payload), fields.mac)


def grouped(pass_text: str, size: int | None = None) -> str:
    """The pass number in groups of `size` digits, for printing under the QR code.

    Nine groups either way: of 5 digits for version 1 (45), of 6 for version 2 (54).
    `clean_scan` removes the spaces again, so a clerk may type it as printed.
    """
    if size is None:
        size = 6 if len(pass_text) == PASS_LENGTH_V2 else 5
    return " ".join(pass_text[i:i + size] for i in range(0, len(pass_text), size))


def _payload(version: int, key_id: int, booking_id: int, revision: int, nonce: int | None = None) -> str:
    nonce_digits = "" if nonce is None else f"{nonce:0{NONCE_DIGITS}d}"
    return (f"{version:01d}{key_id:0{KEY_ID_DIGITS}d}"
            f"{booking_id:0{BOOKING_ID_DIGITS}d}{nonce_digits}{revision:0{REVISION_DIGITS}d}")


def _mac(secret: bytes, payload: str) -> str:
    digest = hmac.new(secret, _DOMAIN + payload.encode("ascii"), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:MAC_BYTES], 'big'):0{MAC_DIGITS}d}"


def _check_range(name: str, value: int, limit: int) -> None:
    if type(value) is not int or not 0 <= value <= limit:
        raise ValueError(f"{name} must be an int from 0 to {limit}, got {value!r}")


def _check_secret(secret: bytes) -> None:
    if not isinstance(secret, (bytes, bytearray)) or len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"a pass secret must be at least {MIN_SECRET_BYTES} bytes")
