"""The desk as the windows see it: the open store, who is signed in, the clock,
and one signal that announces what changed.

Every write from a window is one call, `desk.run(op, changes, origin=view)`: the domain's
service function runs, and if it succeeds its `Changes` (booking/store/changes.py) are
announced once on `desk.changed` with the view that asked. Every view that shows that kind
of thing refreshes itself in its `on_changes(changes, origin)`; the view that started the
write knows it did and need not read itself twice. No view reaches into another. What
changes without a write from this window (a gate camera's car, another desk's restore, a
long import finished on its worker, a hand-over) is told with `desk.notify(changes)`.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, SignalInstance

from booking.store import clock
from booking.store.audit import Actor
from booking.store.changes import Changes, changes_of
from booking.store.connection import Store


R = TypeVar("R")


def current_minute(fixed_now: datetime | None = None) -> datetime:
    """The desk's minute: the fixed --now, else the real clock. This module is the window's one edge
    that reads the clock (booking/store/clock.py); everything else is handed `desk.now()`."""
    return fixed_now or clock.now()


def current_moment(fixed_now: datetime | None = None) -> datetime:
    """As `current_minute`, with the seconds of the real clock (scan records tell repeats apart by them)."""
    return fixed_now or clock.moment()


class Desk(QObject):
    """Shared state of one running desk."""

    #: (Changes, origin): what a write changed, and the view that started it (None if no view did)
    changed = Signal(object, object)
    #: the language was switched ('zh' or 'en'); windows retranslate themselves
    language_changed = Signal(str)

    def __init__(self, store: Store, actor: Actor, fixed_now: datetime | None = None) -> None:
        super().__init__()
        self.store = store
        self.actor = actor
        self._fixed_now = fixed_now

    def now(self) -> datetime:
        """The current minute (fixed with --now for tests and back-office corrections)."""
        return current_minute(self._fixed_now)

    def moment(self) -> datetime:
        """The current time with seconds, for scans; the fixed clock if one was set."""
        return current_moment(self._fixed_now)

    def sweep_now(self) -> datetime:
        """When the minute's no-show sweep acts: the desk's clock, but never ahead of the real one, so
        a window opened with a fixed clock in the future marks no real booking a no-show for good."""
        return min(self.now(), clock.now())

    def take_over(self, actor: Actor) -> None:
        """`actor` signed in at this desk (at the start or a hand-over). Fixing the clock is an admin's
        act: a clerk's desk follows the real clock; an admin's fixed clock is noted in every audit entry."""
        if self._fixed_now is not None and not actor.is_admin:
            self._fixed_now = None
        if self._fixed_now is not None:
            actor = replace(actor, fixed_clock=clock.to_stamp(clock.moment()))
        self.actor = actor

    def set_now(self, moment: datetime | None) -> None:
        self._fixed_now = moment

    def run(self, op: Callable[[], R], changes: Changes | None = None, origin: object | None = None) -> R:
        """Run one write and announce what it changed, once; a refusal (DeskError) is raised and
        nothing is announced. `changes` may be left out when the result says itself what it
        changed (a `changes` property, as a scan's Verdict has)."""
        result = op()
        said = changes if changes is not None else changes_of(result)
        if said is None:
            raise TypeError(f"{op!r} returned {type(result).__name__}, which does not say what changed")
        self.notify(said, origin)
        return result

    def notify(self, changes: Changes, origin: object | None = None) -> None:
        """Announce `changes` to every view (nothing is announced when nothing changed)."""
        if not isinstance(changes, Changes):
            raise TypeError(f"desk changes are a Changes, not {changes!r}")
        if changes:
            self.changed.emit(changes, origin)


def follow(signal: SignalInstance, owner: QObject, slot: Callable[..., Any]) -> None:
    """Connect `slot` to a desk signal for as long as `owner` lives.

    A lambda or a plain function connected straight to `desk.changed` or `desk.language_changed`
    stays connected after the window it serves is deleted, and the desk's next signal then touches
    deleted widgets (RuntimeError: Internal C++ object already deleted). Every window listens to the
    desk through here: such a slot is disconnected when `owner` is destroyed.

    A method of a QObject (the window's own `retranslate`) is left to PySide, which drops the
    connection when that object is destroyed, even while its Python object lives on; asking PySide
    to disconnect it from `destroyed` raised SystemError on a half-deleted object (PySide 6.11.3),
    and holding it here would keep a window without parent alive for ever. PySide drops only a
    method defined in the class: a function set on the class later, or wrapped by a decorator
    without functools.wraps, stays connected; give such a one as a lambda."""
    signal.connect(slot)
    if inspect.ismethod(slot) and isinstance(slot.__self__, QObject):
        return

    def drop(*_args: Any) -> None:
        try:
            signal.disconnect(slot)
        except (RuntimeError, TypeError):  # already gone with the desk
            pass

    owner.destroyed.connect(drop)
