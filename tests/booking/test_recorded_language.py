"""What was recorded in one language reads in the language in use: scans' reasons, audit reasons
and the program's own name as an actor (issue 12, "Mixed languages")."""
from __future__ import annotations

from datetime import datetime

import pytest

from booking.checkin import passes, scanning, sweep
from booking.schedule import bookings
from booking.store import audit
from booking.store.audit import Actor
from booking.schedule.bookings import Request
from booking.store.i18n import set_language
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


@pytest.fixture
def tonight(store, admin, resident, now) -> bookings.Booking:
    """P001 for 张三丰's car, 19:00 tonight to 07:30 tomorrow."""
    return bookings.book(store, admin, Request("P001", at("2026-11-24 19:00"), at("2026-11-25 07:30"),
                                               resident.id), now)


@pytest.fixture
def meeting(store, admin, resident, now) -> bookings.Booking:
    """Room R01 tomorrow 14:00–16:00."""
    return bookings.book(store, admin, Request("R01", at("2026-11-25 14:00"), at("2026-11-25 16:00"),
                                               resident.id, purpose="邻里议事会"), now)


def last_scan_reason(store) -> str:
    row = scanning.recent(store, limit=1)[0]
    return audit.stored_text(row["reason_key"], row["reason"], row["reason_params"])


def scan(store, admin, booking_id: int, moment: str) -> scanning.Verdict:
    return scanning.scan(store, admin, passes.pass_text(store, booking_id), "desk", now=at(moment))


def test_a_check_in_recorded_in_chinese_reads_in_english(store, admin, tonight):
    set_language("zh")
    scan(store, admin, tonight.id, "2026-11-24 18:45")
    set_language("en")
    assert last_scan_reason(store) == "Checked in: P001 川A12345, 19:00–11/25 07:30."


def test_a_check_in_recorded_in_english_reads_in_chinese(store, admin, tonight):
    set_language("en")
    scan(store, admin, tonight.id, "2026-11-24 18:45")
    set_language("zh")
    assert last_scan_reason(store) == "签到成功：P001 川A12345，19:00–11月25日 07:30。"


def test_a_room_is_named_in_the_language_in_use(store, admin, meeting):
    set_language("zh")
    scan(store, admin, meeting.id, "2026-11-25 13:55")
    set_language("en")
    reason = last_scan_reason(store)
    assert reason.startswith("Checked in: R01 ") and "党群驿站" not in reason


def test_a_late_check_out_says_how_late_in_the_language_in_use(store, admin, tonight):
    set_language("zh")
    scan(store, admin, tonight.id, "2026-11-24 18:45")
    scan(store, admin, tonight.id, "2026-11-25 09:30")
    set_language("en")
    assert last_scan_reason(store) == "Checked out: P001 川A12345, 2 h over time (due out at 07:30)."


def test_a_refusal_recorded_in_english_reads_in_chinese(store, admin, tonight):
    set_language("en")
    scan(store, admin, tonight.id, "2026-11-24 17:00")  # too early
    set_language("zh")
    assert last_scan_reason(store).startswith("太早了：19:00 前")


def test_the_check_in_in_the_audit_log_reads_in_the_language_in_use(store, admin, tonight):
    set_language("zh")
    scan(store, admin, tonight.id, "2026-11-24 18:45")
    set_language("en")
    entry = audit.entries(store, "booking", tonight.id, limit=1)[0]
    assert (entry["action"], entry["reason"]) == ("check-in", "Checked in: P001 川A12345, 19:00–11/25 07:30.")


def test_a_clerks_own_reason_is_kept_as_written(store, admin, tonight):
    set_language("zh")
    scanning.manual(store, admin, tonight.id, "通行证忘带", now=at("2026-11-24 18:45"))
    set_language("en")
    assert last_scan_reason(store) == "Checked in by hand: 通行证忘带"


def test_the_no_show_sweeps_reason_reads_in_the_language_in_use(store, tonight):
    set_language("zh")
    sweep.sweep(store, at("2026-11-24 20:00"))
    set_language("en")
    entry = audit.entries(store, "booking", tonight.id, limit=1)[0]
    assert entry["action"] == "no_show" and entry["reason"].isascii()


def test_a_fixed_clock_note_reads_in_the_language_in_use(store, resident, now):
    set_language("zh")
    actor = Actor("管理员", "admin", fixed_clock="2026-11-24 09:58:00")
    booked = bookings.book(store, actor, Request("P002", at("2026-11-24 19:00"), at("2026-11-25 07:30"),
                                                 resident.id), now)
    bookings.cancel(store, actor, booked.id, reason="住户来电取消", now=now)
    set_language("en")
    entry = audit.entries(store, "booking", booked.id, limit=1)[0]
    assert entry["reason"] == "住户来电取消 · fixed clock (real time when set: 2026-11-24 09:58:00)"


def test_an_older_row_without_parameters_shows_as_it_was_recorded(store, tonight):
    store.sql(
        "INSERT INTO scan(at, station, text, ok, action, reason, reason_key, booking_id, actor) "
        "VALUES ('2026-11-24 18:45:00', 'desk', 'x', 1, 'check-in', '签到成功：P001 川A12345，19:00–07:30。', "
        "'scan_check_in', :id, '值班员')", id=tonight.id)
    set_language("en")
    assert last_scan_reason(store) == "签到成功：P001 川A12345，19:00–07:30。"


@pytest.mark.parametrize("name", ["系统", "system"])
def test_the_program_as_an_actor_is_named_in_the_language_in_use(name):
    set_language("en")
    assert audit.actor_text(name) == "System"
    set_language("zh")
    assert audit.actor_text(name) == "系统"
