"""The desk as the windows see it: the open store, who is signed in, the clock,
and one signal that announces what changed.

Every write goes through the domain's service functions; the caller then calls
`desk.announce(...)` with what changed, and every view that shows that kind of
thing refreshes itself. No view reaches into another.
"""
from __future__ import annotations

from datetime import datetime

from typing import Any, Callable

from PySide6.QtCore import QObject, Signal, SignalInstance

from booking import clock
from booking.audit import Actor
from booking.store import Store


class Desk(QObject):
    """Shared state of one running desk."""

    #: what changed: a set of words such as {"booking", "resident", "resource", "rule", "scan"}
    changed = Signal(object)
    #: the language was switched ('zh' or 'en'); windows retranslate themselves
    language_changed = Signal(str)

    def __init__(self, store: Store, actor: Actor, fixed_now: datetime | None = None) -> None:
        super().__init__()
        self.store = store
        self.actor = actor
        self._fixed_now = fixed_now

    def now(self) -> datetime:
        """The current minute (fixed with --now for tests and back-office corrections)."""
        return self._fixed_now or clock.now()

    def set_now(self, moment: datetime | None) -> None:
        self._fixed_now = moment

    def announce(self, *what: str) -> None:
        self.changed.emit(set(what))


def follow(signal: SignalInstance, owner: QObject, slot: Callable[..., Any]) -> None:
    """Connect `slot` to a desk signal for as long as `owner` lives.

    A lambda or a plain function connected to `desk.changed` or `desk.language_changed` stays
    connected after the dialog it serves is deleted, and then touches deleted widgets (Qt only
    disconnects a bound method of the deleted object itself). Every window that listens to the
    desk through anything else goes through here."""
    signal.connect(slot)

    def drop(*_args: Any) -> None:
        try:
            signal.disconnect(slot)
        except (RuntimeError, TypeError):  # already gone with the desk
            pass

    owner.destroyed.connect(drop)
