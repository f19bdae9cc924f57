"""The booking windows show the domain's words as plain text inside their rich-text labels:
html.escape(quote=False) turns exactly &, < and > into entities, as the hand-written _escape did."""
from __future__ import annotations

import html

import pytest

from booking.schedule import bookings
from booking.schedule.bookings import Request
from ui.bookings.details import DetailsDialog
from ui.desk.session import Desk
from tests.ui.integration_window import at

TRICKY = "A&B <b>not bold</b> \"quoted\" it's"


def old_escape(text: str) -> str:  # what ui/bookings had by hand, kept here to compare against
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_the_escape_is_the_same_for_every_character_that_matters():
    assert html.escape(TRICKY, quote=False) == old_escape(TRICKY)
    assert html.escape("&amp; already", quote=False) == "&amp;amp; already"


@pytest.fixture
def dialog(qtbot, store, admin, resident, now):
    booking = bookings.book(store, admin, Request("P001", at("2026-11-24 19:00"), at("2026-11-25 07:30"),
                                                  resident.id), now)
    shown = DetailsDialog(Desk(store, admin, fixed_now=now), booking.id, confirm=lambda _t, _q: False)
    qtbot.addWidget(shown)
    return shown


def test_a_message_with_markup_shows_as_the_words_it_is(dialog):
    dialog._say(TRICKY)
    assert old_escape(TRICKY) in dialog.message.text()
    assert "<b>" not in dialog.message.text()
