"""Changes: the typed notice of what a write changed (booking/store/changes.py)."""
from __future__ import annotations

from dataclasses import FrozenInstanceError, fields

import pytest

from booking.store.changes import NOTHING, Changes, changes_of


def test_nothing_changed_is_false_and_anything_is_true() -> None:
    assert not NOTHING and not Changes()
    assert Changes(bookings=True)


def test_changes_join_and_a_view_asks_for_what_it_shows() -> None:
    joined = Changes(bookings=True) | Changes(scans=True)
    assert joined == Changes(bookings=True, scans=True)
    shows = Changes(bookings=True, residents=True)
    assert joined.touches(shows) and not Changes(settings=True).touches(shows)
    assert joined.names() == ("bookings", "scans")


def test_everything_is_every_flag() -> None:
    assert all(getattr(Changes.everything(), f.name) for f in fields(Changes))


def test_changes_are_frozen_and_only_true_or_false() -> None:
    with pytest.raises(FrozenInstanceError):
        Changes().bookings = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        Changes(bookings=1)  # type: ignore[arg-type]


def test_a_result_may_say_what_it_changed() -> None:
    class Said:
        changes = Changes(waitlist=True)

    assert changes_of(Said()) == Changes(waitlist=True)
    assert changes_of({"changes": "waitlist"}) is None and changes_of(None) is None
