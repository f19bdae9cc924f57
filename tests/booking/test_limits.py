"""Limits: dates inside the desk's years, numbers typed with our digits only (issue 11 items 11, 15).

Every command answers exit 0, 1 or 2 with one JSON object, whatever dates and numbers it is
given and whatever an older version stored.
"""
from __future__ import annotations

from datetime import datetime

import pytest

from booking.money import ledger
from booking.ops import setup
from booking.policy import rules
from booking.schedule import bookings
from booking.schedule.bookings import Request
from booking.store.errors import DeskError
from booking.store.validation import parse_date, parse_minute, parse_month, parse_whole, reach_back

from tests.conftest import ADMIN, TWO_ENGINES, sqlite_only

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)


def answered(result) -> dict:
    assert result.code in (0, 1, 2), result.text
    assert result.text.count("\n") == 1
    return result.json


# --- dates stay inside 2000-2099 ------------------------------------------------------------

@pytest.mark.parametrize("text", ["9999-12-31 23:00", "0999-01-01 10:00", "1999-12-31 23:59", "2100-01-01 00:00"])
def test_a_time_outside_the_desks_years_is_refused_beside_its_field(text):
    with pytest.raises(DeskError) as caught:
        parse_minute(text, "end")
    assert (caught.value.code, caught.value.field, caught.value.key) == ("invalid", "end", "val_year_range")


@pytest.mark.parametrize("parse", [parse_date, parse_month])
def test_a_date_or_month_in_the_year_9999_is_refused(parse):
    with pytest.raises(DeskError) as caught:
        parse("9999-12-31" if parse is parse_date else "9999-12", "date")
    assert caught.value.key == "val_year_range"


def test_a_forever_booking_by_an_admins_override_is_refused_beside_the_end(run_cli, resident):
    result = run_cli("book", "--resource", "P001", "--start", "2026-11-24 12:00", "--end", "9999-12-31 23:00",
                     "--resident", str(resident.id), "--override", "长期租用")
    assert answered(result)["code"] == "invalid" and result.json["field"] == "end"


def test_a_booking_longer_than_366_days_is_refused_even_with_an_override(store, resident):
    req = Request("P001", datetime(2026, 11, 24, 12, 0), datetime(2028, 1, 1, 12, 0), resident.id,
                  override="长期租用")
    with pytest.raises(DeskError) as caught:
        bookings.book(store, ADMIN, req, NOW)
    assert (caught.value.key, caught.value.field) == ("booking_too_long", "end")


def test_a_year_999_start_is_refused_not_stored(run_cli, resident):
    result = run_cli("book", "--resource", "P001", "--start", "0999-11-24 12:00", "--end", "2026-11-24 13:00",
                     "--resident", str(resident.id), "--override", "x")
    assert answered(result)["field"] == "start"


def test_a_series_that_would_run_past_2099_is_refused_beside_the_repeat(store, resident):
    req = Request("R01", datetime(2026, 11, 25, 14, 0), datetime(2026, 11, 25, 16, 0), resident.id)
    with pytest.raises(DeskError) as caught:
        bookings.book_series(store, ADMIN, req, "FREQ=YEARLY;COUNT=100", NOW)
    assert (caught.value.key, caught.value.field) == ("series_years", "repeat")


def test_reaching_back_by_any_stored_length_stays_a_valid_lower_bound():
    assert reach_back(datetime(2026, 1, 1), 10**13) == "0000-01-01 00:00"
    assert reach_back(datetime(2026, 1, 1), 60) == "2025-12-31 23:00"


BROKE = [  # the commands a forever booking made exit 3 on every resource
    ("list", "--date", "2026-11-24"),
    ("free", "--start", "2026-11-25 10:00", "--end", "2026-11-25 11:00"),
    ("check", "--resource", "P002", "--start", "2026-11-25 10:00", "--end", "2026-11-25 11:00", "--resident", "1"),
    ("book", "--resource", "P002", "--start", "2026-11-25 10:00", "--end", "2026-11-25 11:00", "--resident", "1"),
    ("sheet", "--date", "2026-11-24"),
    ("report", "--month", "2026-11"),
    ("heatmap", "--month", "2026-11"),
    ("charge", "1"),
]


def _as_an_old_version_left_it(store, booking_id: int) -> None:
    """A booking until 9999-12-31 and the resource's longest booking to match, as the old version stored."""
    with store.write():
        store.conn.execute("UPDATE booking SET end_at = '9999-12-31 23:00' WHERE id = ?", (booking_id,))
        store.conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0008_booking_dates_in_range'")


@sqlite_only("an older version's SQLite store and its migration 0008; a server store was born with the limit")
@pytest.mark.parametrize("argv", BROKE, ids=[a[0] for a in BROKE])
def test_a_forever_booking_an_old_version_stored_breaks_no_command(store, store_path, resident, run_cli, tmp_path,
                                                                   argv):
    made = bookings.book(store, ADMIN, Request("P001", datetime(2026, 11, 24, 12, 0),
                                               datetime(2026, 11, 24, 18, 0), resident.id), NOW)
    _as_an_old_version_left_it(store, made.id)
    assert store.conn.execute("SELECT longest_minutes FROM resource WHERE code = 'P001'").fetchone()[0] > 10**9
    store.close()
    extra = {"sheet": ["--pdf", str(tmp_path / "s.pdf")], "heatmap": ["--png", str(tmp_path / "h.png")]}
    answer = answered(run_cli(*argv, *extra.get(argv[0], [])))
    assert "error" not in answer or answer["code"] != "internal"


@sqlite_only("an older version's SQLite store and its migration 0008; a server store was born with the limit")
def test_the_migration_cuts_a_forever_booking_to_366_days_and_keeps_its_old_end_in_the_audit(store, store_path,
                                                                                             resident):
    made = bookings.book(store, ADMIN, Request("P001", datetime(2026, 11, 24, 12, 0),
                                               datetime(2026, 11, 24, 18, 0), resident.id), NOW)
    _as_an_old_version_left_it(store, made.id)
    store.close()
    reopened = setup.open_ready(store_path, now=NOW)
    try:
        assert clock_text(bookings.get(reopened, made.id).end) == "2027-11-25 12:00"
        longest = reopened.conn.execute("SELECT longest_minutes FROM resource WHERE code = 'P001'").fetchone()[0]
        assert longest == 366 * 1440
        (entry,) = [e for e in reopened.conn.execute(
            "SELECT action, before FROM audit WHERE entity = 'booking' AND entity_id = ? AND action = 'limit'",
            (str(made.id),))]
        assert "9999-12-31 23:00" in entry[1]
    finally:
        reopened.close()


@sqlite_only("an older version's SQLite store and its migration 0008; a server store was born with the limit")
def test_a_cancelled_forever_booking_no_longer_slows_every_later_query_after_the_migration(store, store_path,
                                                                                           resident):
    made = bookings.book(store, ADMIN, Request("P001", datetime(2026, 11, 24, 12, 0),
                                               datetime(2026, 11, 24, 18, 0), resident.id), NOW)
    bookings.cancel(store, ADMIN, made.id, now=NOW)
    _as_an_old_version_left_it(store, made.id)
    store.close()
    reopened = setup.open_ready(store_path, now=NOW)
    try:  # the recorded longest booking shrinks to what is stored, the cancelled one included
        assert reopened.conn.execute("SELECT longest_minutes FROM resource WHERE code = 'P001'").fetchone()[0] \
            == 366 * 1440
        assert reopened.conn.execute("SELECT longest_minutes FROM resource WHERE code = 'P002'").fetchone()[0] == 0
    finally:
        reopened.close()


def clock_text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


# --- numbers typed with our digits only ---------------------------------------------------------

@pytest.mark.parametrize("text", ["²", "①", "٣", "Ⅻ", "1²", "¹⁵", "12.5", "", "1e3", "0x10"])
def test_the_strict_number_parser_refuses_what_is_not_ascii_or_full_width_digits(text):
    with pytest.raises(DeskError) as caught:
        parse_whole(text, "minutes")
    assert (caught.value.code, caught.value.field) == ("invalid", "minutes")


@pytest.mark.parametrize("text, value", [("15", 15), ("１５", 15), (" 7 ", 7), ("+3", 3), ("0", 0)])
def test_the_strict_number_parser_reads_ascii_and_full_width_digits(text, value):
    assert parse_whole(text, "minutes") == value


@pytest.mark.parametrize("argv", [
    ("waitlist", "offer-time", "²"),
    ("waitlist", "offer-time", "①"),
    ("tariff", "set", "kind:parking", "resident", "--bands", "07:30-19:00=1.00", "--free", "²"),
    ("tariff", "set", "kind:parking", "resident", "--bands", "07:30-19:00=1.00", "--unit", "①"),
    ("rule", "set", "kind:parking", "grace_minutes", "²"),
    ("rule", "set", "kind:parking", "grace_minutes", "①"),
], ids=["offer-time ²", "offer-time ①", "tariff --free ²", "tariff --unit ①", "grace ²", "grace ①"])
def test_superscript_and_circled_digits_are_refused_not_a_crash(store, run_cli, argv):
    result = run_cli(*argv)
    assert result.code == 1 and answered(result)["code"] == "invalid"


def test_a_rule_typed_in_full_width_digits_is_kept(store):
    assert rules.parse_value("grace_minutes", "３０") == 30


@pytest.mark.parametrize("argv", [
    ("list", "--date", "9999-12-31"), ("report", "--month", "9999-12"), ("export", "--from", "9999-12-01",
                                                                         "--to", "9999-12-31"),
    ("ledger", "--month", "9999-12"), ("heatmap", "--month", "9999-12"), ("sheet", "--date", "9999-12-31"),
], ids=["list", "report", "export", "ledger", "heatmap", "sheet"])
def test_a_date_near_the_year_9999_is_refused_not_a_crash(store, run_cli, tmp_path, argv):
    extra = {"sheet": ["--pdf", str(tmp_path / "s.pdf")], "heatmap": ["--png", str(tmp_path / "h.png")],
             "export": ["--csv", str(tmp_path / "x.csv")]}
    result = run_cli(*argv, *extra.get(argv[0], []))
    assert result.code in (1, 2) and answered(result)["code"] in ("invalid", "usage")


def test_the_ledger_month_of_another_format_keeps_its_own_words(store):
    with pytest.raises(DeskError) as caught:
        ledger.parse_month("November")
    assert caught.value.key == "ledger_month_bad"
