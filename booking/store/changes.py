"""What a write changed, as a typed value: the desk's one change notice (as Anki's OpChanges).

A write through the window runs once (ui.desk.session.Desk.run) and its `Changes` are announced
once; each view asks the flags it shows (`changes.bookings`, `changes.touches(MASK)`) and
refreshes itself, and the view that started the write is told it did (the origin). A domain
result whose changes depend on what happened says so itself with a `changes` property (a scan
that checked nobody in changed no booking); otherwise the caller names them.

Every flag is a kind of thing the desk shows. `signed_in` is no write: the clerk at the desk
changed (a hand-over), so what they may do changed.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Changes:
    """Which kinds of thing changed; every flag False means nothing did."""

    bookings: bool = False
    scans: bool = False
    passes: bool = False
    residents: bool = False
    spaces: bool = False  # the parking spaces and rooms (inventory)
    rules: bool = False
    restrictions: bool = False
    closures: bool = False
    holidays: bool = False
    tariffs: bool = False
    payments: bool = False
    credits: bool = False
    waitlist: bool = False
    clerks: bool = False  # the clerk accounts
    stations: bool = False
    settings: bool = False
    pass_key: bool = False
    gates: bool = False
    signed_in: bool = False  # not a write: another clerk took over the desk

    def __post_init__(self) -> None:
        for f in fields(self):
            if not isinstance(getattr(self, f.name), bool):
                raise TypeError(f"Changes.{f.name} must be True or False, not {getattr(self, f.name)!r}")

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def __or__(self, other: Changes) -> Changes:
        if not isinstance(other, Changes):
            return NotImplemented
        return replace(self, **{f.name: True for f in fields(other) if getattr(other, f.name)})

    def touches(self, other: Changes) -> bool:
        """Whether any flag set in `other` (what a view shows) is set here too."""
        return any(getattr(self, f.name) and getattr(other, f.name) for f in fields(self))

    def names(self) -> tuple[str, ...]:
        """The flags set, by name (for logs and test messages)."""
        return tuple(f.name for f in fields(self) if getattr(self, f.name))

    @classmethod
    def everything(cls) -> Changes:
        """The whole store changed under the desk (a restore): every view reads itself again."""
        return cls(**{f.name: True for f in fields(cls)})


NOTHING = Changes()


def changes_of(result: Any) -> Changes | None:
    """The changes a result says it made, or None if it says nothing."""
    found = getattr(result, "changes", None)
    return found if isinstance(found, Changes) else None
