"""Checking and tidying what the clerk types: plates, phones, doors, names, times.

Each `normalize_*` function takes text as typed, pasted or scanned (full-width
characters, stray spaces and dots included) and returns the one canonical form
the store keeps, or raises `DeskError` "invalid" naming the field and saying in
the user's language what to type instead. A canonical form is a fixed point:
normalizing it again returns it unchanged, so stored values can be re-checked.

Nothing is ever corrected by guessing (an O in a plate is refused, not turned
into 0): a wrong plate or phone that looks right is worse than a refusal.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from booking.store.errors import DeskError, invalid

# The years the desk works in. Bookings, closures, reports and the clock itself stay inside
# them, so every stored time has four digits (text order is time order), and adding a day, a
# booking's length or a grace time can never leave the calendar (docs/reliability.md, limits).
MIN_YEAR = 2000
MAX_YEAR = 2099
#: The longest one booking may last, override or not: a longer need is a series.
MAX_BOOKING_DAYS = 366
FIRST_MOMENT = datetime(MIN_YEAR, 1, 1)
#: The earliest start a query may reach back to: below every stored time, whatever was stored.
EARLIEST_TEXT = "0000-01-01 00:00"

# The digits a number may be typed with: ASCII, and the full-width ones of a Chinese input
# method. Superscripts, circled digits, other scripts' digits and Roman numerals are refused:
# int() and str.isdigit() disagree about them, and nobody means ² as 2 in a form.
_OWN_DIGITS = frozenset("0123456789０１２３４５６７８９")
_TO_ASCII = str.maketrans("０１２３４５６７８９＋－−", "0123456789+--")
_WHOLE_RE = re.compile(r"[+-]?[0-9]{1,19}")


PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Last character of some ordinary plates: trailer, learner, police, HK, Macau, consulate, test, oversize.
PLATE_SUFFIXES = "挂学警港澳领试超"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"
_SERIAL = set(_DIGITS + _LETTERS) - {"I", "O"}
# Separators people type or scanners emit inside plates; dropped before checking.
_PLATE_SEPARATORS = set("·•・‧∙⋅.-‐–—")
# Small new-energy plates: the first serial letter tells the energy type. D (electric) and
# F (hybrid) were first; A B C E and G H J K were added when cities ran out of numbers.
_SMALL_NEW_ENERGY = re.compile(r"[ABCDEFGHJK][0-9A-HJ-NP-Z][0-9]{4}")
_LARGE_NEW_ENERGY = re.compile(r"[0-9]{5}[DF]")

_DASHES = "-‐‑–—"
_DOOR_WORDS = re.compile(r"([0-9]+)(?:栋|幢|号楼)([0-9]+)单元([0-9]+)")
_DOOR_DASHES = re.compile(r"([0-9]+)-([0-9]+)-([0-9]+)")
_DOOR_SEPARATORS = re.compile(r"[\s" + re.escape(_DASHES) + r"]+")
MAX_FLOOR = 32
MAX_ROOM = 20

_DATE = r"([0-9]{4})([-/])([0-9]{1,2})\2([0-9]{1,2})"
_DATE_RE = re.compile(_DATE)
_MINUTE_RE = re.compile(_DATE + r"(?:\s*T\s*|\s+)([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")


def _nfkc(text: object) -> str:
    """Text folded to half-width (NFKC) and stripped; None gives ''."""
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


def normalize_plate(text: str | None) -> str:
    """The canonical plate ("川A12345", "川AD12345", "川A12345D", "川A1234学").

    Full-width forms, spaces, dots, '·' and dashes are dropped; letters are
    upper-cased. Raises DeskError (field "plate") when it is not a Chinese plate.
    """
    plate = "".join(
        c for c in _nfkc(text) if not c.isspace() and c not in _PLATE_SEPARATORS
    ).upper()
    if not plate:
        raise invalid("val_plate_required", field="plate")
    if len(plate) not in (7, 8):
        raise invalid("val_plate_length", field="plate")
    if plate[0] not in PROVINCES:
        raise invalid("val_plate_province", field="plate")
    if plate[1] not in _LETTERS:
        raise invalid("val_plate_authority", field="plate")
    serial = plate[2:]
    if "I" in serial or "O" in serial:
        raise invalid("val_plate_io", field="plate")
    if len(serial) == 5:
        if not (set(serial[:4]) <= _SERIAL and (serial[4] in _SERIAL or serial[4] in PLATE_SUFFIXES)):
            raise invalid("val_plate_chars", field="plate")
    else:
        if not set(serial) <= _SERIAL:
            raise invalid("val_plate_chars", field="plate")
        if not (_SMALL_NEW_ENERGY.fullmatch(serial) or _LARGE_NEW_ENERGY.fullmatch(serial)):
            raise invalid("val_plate_new_energy", field="plate")
    return plate


def is_new_energy(plate: str | None) -> bool:
    """Whether `plate` is a valid new-energy (green, 8-character) plate; False if not a plate."""
    try:
        return len(normalize_plate(plate)) == 8
    except DeskError:  # an invalid plate is simply not a new-energy one
        return False


def normalize_phone(text: str | None) -> str:
    """The 11 digits of a mainland mobile number.

    Spaces, dashes, brackets and full-width digits are accepted, and a leading
    +86, 0086 or 86. Raises DeskError (field "phone") otherwise.
    """
    raw = _nfkc(text)
    phone = "".join(c for c in raw if not c.isspace() and c not in _DASHES + "().")
    if not phone:
        raise invalid("val_phone_required", field="phone")
    if phone.startswith("+"):
        if not phone.startswith("+86"):
            raise invalid("val_phone_country", field="phone")
        phone = phone[3:]
    elif phone.startswith("0086") and len(phone) == 15:
        phone = phone[4:]
    if not phone or any(c not in _DIGITS for c in phone):
        raise invalid("val_phone_chars", field="phone")
    if len(phone) == 13 and phone.startswith("86"):
        phone = phone[2:]
    if len(phone) != 11:
        raise invalid("val_phone_length", field="phone")
    if phone[0] != "1" or phone[1] not in "3456789":
        raise invalid("val_phone_prefix", field="phone")
    return phone


def split_door(door: str | None) -> tuple[int, int, int]:
    """(building, unit, door number) of a door in any accepted form, e.g. (3, 2, 501)."""
    text = _nfkc(door)
    if not text:
        raise invalid("val_door_required", field="door")
    if text[-1] in "室号":  # "501室", "501号": the door, said in full
        text = text[:-1].rstrip()
    if any(word in text for word in ("栋", "幢", "楼", "单元")):
        match = _DOOR_WORDS.fullmatch("".join(text.split()))
    else:
        match = _DOOR_DASHES.fullmatch(_DOOR_SEPARATORS.sub("-", text))
    if match is None:
        raise invalid("val_door_format", field="door")
    building, unit, number = (int(group) for group in match.groups())
    if not 1 <= building <= 99:
        raise invalid("val_door_building", field="door")
    if not 1 <= unit <= 9:
        raise invalid("val_door_unit", field="door")
    floor, room = divmod(number, 100)
    if not (1 <= floor <= MAX_FLOOR and 1 <= room <= MAX_ROOM):
        raise invalid("val_door_number", field="door")
    return building, unit, number


def normalize_door(text: str | None) -> str:
    """The canonical door "3栋2单元501" from "3-2-501", "3 2 501", "3幢2单元501室" and the like.

    Buildings 1–99, units 1–9, door numbers are the floor (1–32) then the room
    (01–20). Raises DeskError (field "door") otherwise.
    """
    building, unit, number = split_door(text)
    return f"{building}栋{unit}单元{number}"


def normalize_name(text: str | None) -> str:
    """The name stripped, with inner whitespace collapsed to one space; 1–30 characters.

    Everything else is kept verbatim (Chinese, Latin, '·' as in 阿卜杜·热合曼).
    Control, invisible-format and lone-surrogate characters are refused: they
    make two names look equal that are not, and cannot be stored.
    """
    name = " ".join(("" if text is None else str(text)).split())
    if not name:
        raise invalid("val_name_required", field="name")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in name):
        raise invalid("val_name_chars", field="name")
    if len(name) > 30:
        raise invalid("val_name_length", field="name")
    return name


def mask_phone(phone: str) -> str:
    """"13812341234" -> "138****1234". Other lengths keep only the last 4 characters."""
    if len(phone) == 11:
        return phone[:3] + "****" + phone[7:]
    if len(phone) <= 4:
        return "*" * len(phone)
    return "*" * (len(phone) - 4) + phone[-4:]


def _is_latin(name: str) -> bool:
    # Alphabetic scripts (Latin, Cyrillic, Greek, Arabic ...) all sit below the CJK blocks.
    return all(ord(c) < 0x2E80 for c in name)


def mask_name(name: str) -> str:
    """A name shown only as much as a clerk needs to recognise it.

    Chinese (and other CJK) names keep the first and last character and every
    character between becomes '*': "张三丰" -> "张*丰", "张三" -> "张*", "张" -> "张";
    '·' and spaces stay, so "阿卜杜·热合曼" -> "阿**·**曼".
    Names in alphabetic scripts keep the first letter of each word, the rest of
    the word becomes '*': "John Smith" -> "J*** S****", "Jean-Luc" -> "J*******".
    """
    if _is_latin(name):
        return " ".join(word[:1] + "*" * (len(word) - 1) for word in name.split(" "))
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    middle = "".join(c if c in "· " else "*" for c in name[1:-1])
    return name[0] + middle + name[-1]


def has_foreign_digits(text: str) -> bool:
    """Whether `text` holds a numeral other than ASCII or full-width digits (², ①, ٣, Ⅻ ...)."""
    return any(unicodedata.category(c)[0] == "N" and c not in _OWN_DIGITS for c in text)


def parse_whole(text: object, field: str, key: str = "val_number_bad", *, low: int = 0,
                high: int = 9_999_999, **params: object) -> int:
    """The whole number typed in `text`, from `low` to `high`, else DeskError(invalid, field).

    The one strict number parser: ASCII or full-width digits with an optional sign and
    surrounding spaces, nothing else. `key` and `params` word the refusal (it also gets
    `low` and `high`).
    """
    raw = "" if text is None else str(text).strip()
    if has_foreign_digits(raw):
        raise invalid(key, field=field, low=low, high=high, **params)
    raw = raw.translate(_TO_ASCII)
    if not _WHOLE_RE.fullmatch(raw):
        raise invalid(key, field=field, low=low, high=high, **params)
    value = int(raw)
    if not low <= value <= high:
        raise invalid(key, field=field, low=low, high=high, **params)
    return value


def _date_of(year: str, month: str, day: str, field: str) -> date:
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise invalid("val_year_range", field=field)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise invalid("val_date_nonexistent", field=field,
                      value=f"{year}-{int(month):02d}-{int(day):02d}") from None


def in_range(moment: datetime) -> bool:
    """Whether `moment` lies in the desk's years (MIN_YEAR to MAX_YEAR)."""
    return MIN_YEAR <= moment.year <= MAX_YEAR


def reach_back(start: datetime, minutes: int) -> str:
    """The stored-time text `minutes` before `start`, or EARLIEST_TEXT if that leaves the calendar.

    Queries use it as the lower bound of bookings that can still reach `start`; whatever
    length an old version stored, the bound is a valid text below the times it must find.
    """
    try:
        moment = start - timedelta(minutes=max(0, int(minutes or 0)))
    except OverflowError:
        return EARLIEST_TEXT
    return moment.strftime("%Y-%m-%d %H:%M") if moment.year >= 1000 else EARLIEST_TEXT


def parse_month(text: str | None, field: str = "month") -> date:
    """The first day of the month written "YYYY-MM" (also "2024-5", "2024/05", "2024年5月")."""
    raw = _nfkc(text) if not has_foreign_digits(str(text or "")) else "x"
    match = re.fullmatch(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*月?", raw)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise invalid("val_month_format", field=field)
    return _date_of(match[1], match[2], "1", field)


def parse_date(text: str | None, field: str = "date") -> date:
    """The date written "YYYY-MM-DD" (also "/" and full-width digits, "2024-5-1")."""
    raw = _nfkc(text)
    if not raw:
        raise invalid("val_date_required", field=field)
    match = None if has_foreign_digits(str(text)) else _DATE_RE.fullmatch(raw)
    if match is None:
        raise invalid("val_date_format", field=field)
    year, _, month, day = match.groups()
    return _date_of(year, month, day, field)


def parse_minute(text: str | None, field: str = "time") -> datetime:
    """The naive local (Asia/Shanghai) datetime written "YYYY-MM-DD HH:MM".

    Also accepts a 'T' between date and time, full-width digits and colons, and
    seconds only if they are ":00" (bookings are to the minute).
    """
    raw = _nfkc(text).upper()
    if not raw:
        raise invalid("val_minute_required", field=field)
    match = None if has_foreign_digits(str(text)) else _MINUTE_RE.fullmatch(raw)
    if match is None:
        raise invalid("val_minute_format", field=field)
    year, _, month, day, hour, minute, second = match.groups()
    if second not in (None, "00"):
        raise invalid("val_minute_seconds", field=field)
    day_ = _date_of(year, month, day, field)
    if not (int(hour) <= 23 and int(minute) <= 59):
        raise invalid("val_time_nonexistent", field=field, value=f"{hour}:{minute}")
    return datetime(day_.year, day_.month, day_.day, int(hour), int(minute))
