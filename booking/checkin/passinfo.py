"""What a pass shows besides its QR code, as data: ui/ only draws it.

A resident carries the pass on a printed slip or as a photo on a phone, and
shows it to a clerk or a guard who has never seen the booking. So the pass
says in words what the QR code proves: which space or room, from when to when
(an overnight booking says so, because "19:00 → 07:30" alone is easy to misread),
whose household (the name masked: the slip lies on a dashboard), which car,
and the convention's rules that bite: when check-in opens and closes, what
happens on a no-show, when to leave. The rule values are read from the store
(`rules.effective`), the same ones the scanner and the no-show sweep apply.

Also here: where a pass file may be written (`output_target`) and writing it
whole or not at all (`write_whole`), so a full disk or a bad folder never
leaves half an image for a resident to send round.
"""
from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from booking.checkin import passcode, passes, scanning
from booking.policy import rules
from booking.schedule import bookings
from booking.store import clock, files
from booking.store.errors import DeskError
from booking.store.i18n import language, tr
from booking.store.connection import Store, refuse_store_file
from booking.store.validation import mask_name


PURPOSE_CHARS = 60  # a purpose is free text; the slip keeps room for the code and the rules


@dataclass(frozen=True)
class PassInfo:
    """A pass with everything printed beside its QR code, already in the current language."""

    payload: str
    grouped: str
    booking_id: int
    revision: int
    kind: str                               # 'parking' or 'room'
    desk: str                               # who issued it
    title: str                              # "停车通行证"
    details: tuple[tuple[str, str], ...]    # (label, value): resource, time, household, plate ...
    rules: tuple[str, ...]                  # the convention's rules for this booking, in sentences
    footer: str                             # booking number, revision, when issued
    overnight: bool
    number_label: str

    def detail(self, label: str) -> str | None:
        """The value printed beside `label`, if any."""
        return next((value for name, value in self.details if name == label), None)

    def lines(self) -> list[str]:
        """Every line of words, in reading order (the text a copy button puts on the clipboard)."""
        return ([f"{self.desk} · {self.title}"] + [f"{name}：{value}" if language() == "zh" else f"{name}: {value}"
                                                  for name, value in self.details]
                + [f"{self.number_label}：{self.grouped}" if language() == "zh"
                   else f"{self.number_label}: {self.grouped}"]
                + list(self.rules) + [self.footer])

    def to_json(self) -> dict[str, Any]:
        return {"payload": self.payload, "grouped": self.grouped, "booking_id": self.booking_id,
                "revision": self.revision, "kind": self.kind, "title": self.title,
                "details": [list(pair) for pair in self.details], "rules": list(self.rules),
                "footer": self.footer, "overnight": self.overnight}


def pass_info(store: Store, booking_id: int, now: datetime) -> PassInfo:
    """The pass of booking `booking_id` with its words. Refuses what `passes.pass_text` refuses."""
    text = passes.pass_text(store, booking_id)  # cancelled, no-show, completed: DeskError('state')
    booking = bookings.get(store, booking_id)
    values = rules.effective_of(store, booking.resource, booking.kind)
    kind = "room" if booking.kind == "room" else "parking"
    household = f"{booking.door} {mask_name(booking.resident_name)}"
    if booking.visitor:
        household += tr("passinfo_visitor")
    details = [(tr(f"passinfo_resource_{kind}"), resource_text(booking.resource, booking.resource_name)),
               (tr("passinfo_time"), when_text(booking.start, booking.end)),
               (tr("passinfo_household"), household)]
    if booking.plate:
        details.append((tr("passinfo_plate"), booking.plate))
    if booking.purpose:
        details.append((tr("passinfo_purpose"), shortened(booking.purpose, PURPOSE_CHARS)))
    return PassInfo(
        payload=text, grouped=passcode.grouped(text), booking_id=booking.id, revision=booking.pass_rev,
        kind=kind, desk=tr("passinfo_desk"), title=tr(f"passinfo_title_{kind}"), details=tuple(details),
        rules=tuple(rule_lines(booking, values, kind)),
        footer=tr("passinfo_footer", id=booking.id, revision=booking.pass_rev, issued=clock.to_text(now)),
        overnight=booking.end.date() > booking.start.date(), number_label=tr("passinfo_number"))


def resource_text(code: str, name: str) -> str:
    """The code, then the name without the code: 'P012 共享车位' (from '共享车位 P012'), 'R01 党群驿站'."""
    bare = " ".join(name.replace(code, " ").split())
    return f"{code} {bare}" if bare else code


def shortened(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with '…' when longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def rule_lines(booking: bookings.Booking, values: dict[str, Any], kind: str) -> list[str]:
    """The rules this booking lives under, as sentences: check-in window, no-show, leaving, loss."""
    opens, closes = scanning.window_for(booking.start, booking.end, values)
    early = values.get("checkin_early_minutes") or 0
    grace = values.get("grace_minutes")
    near = booking.start
    if early:
        checkin = tr("passinfo_checkin", opens=moment_text(opens, near), closes=moment_text(closes, near),
                     early=rules.duration_text(early))
    else:
        checkin = tr("passinfo_checkin_no_early", opens=moment_text(opens, near), closes=moment_text(closes, near))
    if grace is None:
        no_show = tr(f"passinfo_no_grace_{kind}")
    else:
        no_show = tr(f"passinfo_grace_{kind}", grace=rules.duration_text(grace))
    leave = tr(f"passinfo_leave_{kind}", end=moment_text(booking.end, near))
    return [checkin, no_show, leave, tr("passinfo_reissue")]


def date_text(day: date, with_year: bool) -> str:
    """'11月24日（周二）', with the year when asked: '2026年11月24日（周二）'."""
    weekday = tr("passinfo_weekdays").split()[day.weekday()]
    months = tr("passinfo_months").split() or [""] * 12
    return tr("passinfo_date_year" if with_year else "passinfo_date", year=day.year, month=day.month,
              day=day.day, weekday=weekday, month_name=months[day.month - 1])


def when_text(start: datetime, end: datetime) -> str:
    """'2026年11月24日（周二）19:00 → 11月25日（周三）07:30（过夜）', or '…（周二）14:00–16:00'.

    The start carries the year; the end carries a date whenever it is on
    another day (with the year too if it is in another year), so an overnight
    booking can never be read as ending the same morning.
    """
    first = date_text(start, with_year=True)
    if end.date() == start.date():
        return tr("passinfo_same_day", date=first, start=f"{start:%H:%M}", end=f"{end:%H:%M}")
    text = tr("passinfo_across", date=first, start=f"{start:%H:%M}",
              end_date=date_text(end, with_year=end.year != start.year), end=f"{end:%H:%M}")
    return text + tr("passinfo_overnight") if (end - start).days < 1 else text


def moment_text(moment: datetime, near: datetime) -> str:
    """A time of day, with its date when it is not on the day of `near`."""
    if moment.date() == near.date():
        return f"{moment:%H:%M}"
    return tr("passinfo_moment", date=date_text(moment, with_year=moment.year != near.year),
              time=f"{moment:%H:%M}")


# --- writing pass files ------------------------------------------------------------------------

def output_target(path: str | os.PathLike[str]) -> Path:
    """Where to write a pass file, refused with a DeskError('invalid', field='path') if it cannot be.

    The folder must exist (a typo should not silently create a new tree) and
    take a new file; the path must not be a folder.
    """
    if not str(path).strip():
        raise DeskError("invalid", "passinfo_path_empty", field="path")
    target = Path(path).expanduser()
    if target.is_dir():
        raise DeskError("invalid", "passinfo_path_folder", field="path", path=str(target))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise DeskError("invalid", "passinfo_path_no_folder", field="path", folder=str(folder))
    refuse_store_file(target, writing=True)
    if target.exists() and not os.access(target, os.W_OK):
        raise DeskError("invalid", "passinfo_path_unwritable", field="path", path=str(target),
                        detail=os.strerror(errno.EACCES))
    return target.resolve()


def write_whole(target: Path, produce: Callable[[Path], object]) -> Path:
    """Have `produce` write a temporary file beside `target`, then rename it over `target`.

    Either the whole new file is there afterwards or the old state is
    untouched: a failure (full disk, a drawing error) removes the temporary
    file and raises DeskError.
    """
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        os.close(handle)
    except OSError as exc:
        raise DeskError("invalid", "passinfo_path_unwritable", field="path", path=str(target),
                        detail=exc.strerror or str(exc)) from exc
    partial = Path(name)
    try:
        produce(partial)
        if partial.stat().st_size == 0:
            raise OSError(errno.EIO, "nothing was written")
        with partial.open("rb+") as stream:
            os.fsync(stream.fileno())
        partial.chmod(0o644)  # mkstemp's 0600 would hide the pass from the resident's other accounts
        os.replace(partial, target)
    except OSError as exc:
        if target.exists() and files.held_open(exc):  # open in a viewer or Excel (Windows)
            raise files.in_use_error(target) from exc
        raise DeskError("invalid", "passinfo_path_unwritable", field="path", path=str(target),
                        detail=exc.strerror or str(exc)) from exc
    finally:
        partial.unlink(missing_ok=True)
    return target
