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

from collections.abc import Iterable
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

#: Whatever a write may change (everything but `signed_in`, which no write is): what another
#: program's write says when it can't be told more precisely, and after the desk was cut off.
ANY_WRITE = replace(Changes.everything(), signed_in=False)

#: What a write to each table of the store may have changed, as the desk shows it: how another
#: program's write is told to this desk's views (booking/store/watch.py, the server's notices).
#: A table not listed (the audit log) changes only with one that is. "store" is the audit entity
#: of a restore: the whole store was replaced.
TABLE_KINDS: dict[str, Changes] = {
    "booking": Changes(bookings=True, passes=True),
    "series": Changes(bookings=True),
    "scan": Changes(scans=True, bookings=True),  # a scan may check a booking in or out
    "pass_key": Changes(pass_key=True, passes=True),
    "resident": Changes(residents=True),
    "household": Changes(residents=True),
    "vehicle": Changes(residents=True),
    "resource": Changes(spaces=True),
    "rule": Changes(rules=True),
    "no_show_rule": Changes(rules=True),
    "restriction": Changes(restrictions=True),  # the audit entity of a lifted restriction
    "restriction_lift": Changes(restrictions=True),
    "closure": Changes(closures=True),
    "holiday_year": Changes(holidays=True),
    "tariff": Changes(tariffs=True),
    "tariff_band": Changes(tariffs=True),
    "fee_exemption": Changes(tariffs=True),
    "payment": Changes(payments=True),
    "settled_charge": Changes(payments=True),
    "ledger_month": Changes(payments=True),
    "timebank": Changes(credits=True),
    "timebank_balance": Changes(credits=True),
    "waitlist": Changes(waitlist=True),
    "clerk": Changes(clerks=True),
    "station": Changes(stations=True),
    "setting": Changes(settings=True),
    "gate_event": Changes(gates=True),
    "gate_whitelist": Changes(gates=True),
    "gate_open": Changes(gates=True),
}


def of_tables(names: Iterable[str]) -> Changes:
    """What writes to the tables (or audit entities) `names` may have changed; an unknown name
    (a table of a newer version, the "store" of a restore) is everything, never nothing."""
    found = NOTHING
    for name in names:
        if name == "audit":
            continue
        kinds = TABLE_KINDS.get(name)
        if kinds is None:
            return ANY_WRITE
        found = found | kinds
    return found


def changes_of(result: Any) -> Changes | None:
    """The changes a result says it made, or None if it says nothing."""
    found = getattr(result, "changes", None)
    return found if isinstance(found, Changes) else None
