"""Scanning a pass: the verifier's refusals in order, and scans recorded with their effect."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from booking.checkin import passcode, passes, scanning
from booking.ops import setup
from booking.people import residents
from booking.places import stations
from booking.schedule import bookings
from booking.store import audit, i18n
from booking.store.connection import IntegrityError
from booking.schedule.bookings import Request
from booking.checkin.scanning import CHECK_IN, CHECK_OUT, manual, scan, verify
from booking.store.postgres.store import ServerStore
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M")


CHECK_IN_TIME = at("2026-11-24 18:45")


@pytest.fixture
def tonight(store, admin, resident, now) -> bookings.Booking:
    """P001 for 张三丰's car, 19:00 tonight to 07:30 tomorrow (grace 30 min, check-in from 18:30)."""
    return bookings.book(store, admin, Request("P001", at("2026-11-24 19:00"), at("2026-11-25 07:30"),
                                               resident.id), now)


@pytest.fixture
def meeting(store, admin, resident, now) -> bookings.Booking:
    """Room R01 tomorrow 14:00–16:00 (grace 15 min)."""
    return bookings.book(store, admin, Request("R01", at("2026-11-25 14:00"), at("2026-11-25 16:00"),
                                               resident.id, purpose="邻里议事会"), now)


@pytest.fixture
def text(store, tonight) -> str:
    return passes.pass_text(store, tonight.id)


def scan_rows(store) -> list[dict]:
    return store.sql("SELECT * FROM scan ORDER BY id").mappings()


def counts(store) -> tuple:
    return tuple(store.sql(f"SELECT count(*) FROM {t}").scalar() for t in ("scan", "audit"))


def bookings_as_stored(store) -> list:
    return store.sql("SELECT * FROM booking ORDER BY id").fetchall()


# --- accepted -------------------------------------------------------------------

def test_a_valid_pass_in_its_window_checks_in(store, text, tonight):
    verdict = verify(text, store, CHECK_IN_TIME, "desk")
    assert (verdict.ok, verdict.action, verdict.reason_key) == (True, CHECK_IN, "scan_check_in")
    assert verdict.booking.id == tonight.id
    assert "P001" in verdict.reason and "川A12345" in verdict.reason


def test_verify_writes_nothing(store, text):
    before = (counts(store), bookings_as_stored(store))
    verify(text, store, CHECK_IN_TIME, "desk")
    verify("garbage", store, CHECK_IN_TIME, "desk")
    assert (counts(store), bookings_as_stored(store)) == before


def test_scanning_checks_in_and_records_the_time_with_seconds(store, admin, text, tonight):
    verdict = scan(store, admin, text, "desk", now=at("2026-11-24 18:45:07"))
    assert verdict.ok and verdict.action == CHECK_IN
    assert verdict.booking.status == "checked_in"
    assert bookings.get(store, tonight.id).checked_in_at == "2026-11-24 18:45:07"
    row = scan_rows(store)[-1]
    assert (row["at"], row["station"], row["text"], row["ok"], row["action"], row["reason_key"],
            row["booking_id"], row["actor"]) == (
        "2026-11-24 18:45:07", "desk", text, 1, CHECK_IN, "scan_check_in", tonight.id, admin.name)


def test_the_next_scan_checks_out(store, admin, text, tonight):
    scan(store, admin, text, "desk", now=CHECK_IN_TIME)
    verdict = scan(store, admin, text, "desk", now=at("2026-11-25 07:10"))
    assert (verdict.ok, verdict.action, verdict.reason_key) == (True, CHECK_OUT, "scan_check_out")
    after = bookings.get(store, tonight.id)
    assert (after.status, after.checked_out_at, after.overstay_minutes) == ("completed", "2026-11-25 07:10:00", None)


def test_the_verdicts_booking_is_the_booking_as_stored_after_the_change(store, admin, resident, text, tonight, now):
    """The scan does not read the booking again after its check-in or check-out: the one verify read in
    the same write, with the change. It is exactly what `get` reads back, overstay and all."""
    checked_in = scan(store, admin, text, "desk", now=at("2026-11-24 18:45:07"))
    assert checked_in.booking == bookings.get(store, tonight.id)
    late = scan(store, admin, text, "desk", now=at("2026-11-25 09:10:30"))  # well past 07:30 and its grace
    assert late.action == CHECK_OUT and late.booking.overstay_minutes
    assert late.booking == bookings.get(store, tonight.id)
    room = bookings.book(store, admin, Request("R01", at("2026-11-25 14:00"), at("2026-11-25 16:00"), resident.id),
                         now)
    by_hand = manual(store, admin, room.id, "扫码枪坏了", now=at("2026-11-25 13:58"))
    assert by_hand.booking == bookings.get(store, room.id) and by_hand.booking.status == "checked_in"


def test_a_check_in_and_out_are_in_the_audit_log(store, admin, text, tonight):
    scan(store, admin, text, "desk", now=CHECK_IN_TIME)
    scan(store, admin, text, "desk", now=at("2026-11-25 07:10"))
    actions = [e["action"] for e in audit.entries(store, "booking", tonight.id)]
    assert actions[:2] == [CHECK_OUT, CHECK_IN]


def test_check_in_opens_exactly_the_early_minutes_before_the_start(store, text):
    assert verify(text, store, at("2026-11-24 18:30"), "desk").ok
    assert not verify(text, store, at("2026-11-24 18:29:59"), "desk").ok


# --- 1. format, and what scanners add -----------------------------------------------

@pytest.mark.parametrize("extra", ["{}\r", "{}\n", "{}\r\n", "\t{}\t", "]Q1{}\r\n", " {} ", "]Q3{}\t\r"])
def test_what_scanners_add_is_stripped(store, text, extra):
    assert verify(extra.format(text), store, CHECK_IN_TIME, "desk").ok


def test_full_width_digits_from_an_input_method_are_accepted(store, text):
    full_width = "".join(chr(ord(c) - ord("0") + ord("０")) for c in text)
    assert verify(full_width, store, CHECK_IN_TIME, "desk").ok


def test_a_number_typed_in_groups_with_spaces_is_accepted(store, text):
    assert verify(passcode.grouped(text).replace(" ", "\u3000", 2), store, CHECK_IN_TIME, "desk").ok


@pytest.mark.parametrize("raw, key", [
    ("", "scan_empty"), ("\r\n", "scan_empty"), ("hello", "scan_not_digits"), ("川A12345", "scan_not_digits"),
    ("🚗🚗", "scan_not_digits"), ("'; DROP TABLE scan;--", "scan_not_digits"), ("12345", "scan_too_short"),
    ("9" * 1001, "scan_input_too_long"),
])
def test_text_that_is_no_pass_is_refused_with_its_reason(store, raw, key):
    verdict = verify(raw, store, CHECK_IN_TIME, "desk")
    assert (verdict.ok, verdict.action, verdict.reason_key, verdict.booking) == (False, None, key, None)
    assert verdict.reason


@pytest.mark.parametrize("cut", [1, 2, 10, 44])
def test_a_truncated_pass_is_refused(store, text, cut):
    verdict = verify(text[:-cut], store, CHECK_IN_TIME, "desk")
    assert verdict.reason_key == "scan_too_short" and str(cut) in verdict.reason


@pytest.mark.parametrize("padding", ["0", "00000", "1234567890"])
def test_a_padded_pass_is_refused(store, text, padding):
    assert verify(text + padding, store, CHECK_IN_TIME, "desk").reason_key == "scan_too_long"
    assert not verify(padding + text, store, CHECK_IN_TIME, "desk").ok


def test_every_single_digit_change_of_a_valid_pass_is_refused(store, text):
    for position, original in enumerate(text):
        for digit in "0123456789".replace(original, ""):
            changed = text[:position] + digit + text[position + 1:]
            verdict = verify(changed, store, CHECK_IN_TIME, "desk")
            assert not verdict.ok and verdict.booking is None, changed


# --- 2. signature ---------------------------------------------------------------------

def test_a_forged_pass_is_refused_and_reveals_no_booking(store, tonight):
    forged = passcode.make_pass(passes.ensure_key(store, now=NOW), passcode.new_secret(), tonight.id, tonight.pass_rev)
    verdict = verify(forged, store, CHECK_IN_TIME, "desk")
    assert (verdict.ok, verdict.reason_key, verdict.booking) == (False, "scan_forged", None)
    assert "P001" not in verdict.reason and str(tonight.id) not in verdict.reason


def test_a_pass_signed_by_another_installation_is_refused(store, tonight, tmp_path, admin, now):
    other = setup.open_ready(tmp_path / "other.sqlite3", now=now)
    try:  # the other desk has its own booking with the same number, key id and revision
        someone = residents.add(other, admin, "王五", "3栋2单元501", "13800000000", "川A12345", now=now)
        theirs = bookings.book(other, admin, Request("P001", tonight.start, tonight.end, someone.id), now)
        foreign = passes.pass_text(other, theirs.id)
    finally:
        other.close()
    assert foreign[:12] == passes.pass_text(store, tonight.id)[:12]
    assert verify(foreign, store, CHECK_IN_TIME, "desk").reason_key == "scan_forged"


def test_a_pass_with_a_key_this_desk_never_had_is_refused(store, tonight):
    unknown = passcode.make_pass(42, passcode.new_secret(), tonight.id, tonight.pass_rev)
    assert verify(unknown, store, CHECK_IN_TIME, "desk").reason_key == "scan_unknown_key"


def test_a_key_rotation_keeps_old_passes_valid(store, admin, text):
    kid = passes.rotate_key(store, admin, now=NOW)
    assert kid != int(text[1:3])
    assert verify(text, store, CHECK_IN_TIME, "desk").ok


def test_retiring_the_old_key_refuses_its_passes_and_new_ones_work(store, admin, text, tonight):
    passes.rotate_key(store, admin, retire_old=True, now=NOW)
    assert verify(text, store, CHECK_IN_TIME, "desk").reason_key == "scan_unknown_key"
    assert verify(passes.pass_text(store, tonight.id), store, CHECK_IN_TIME, "desk").ok


# --- 3. booking and revision ---------------------------------------------------------------

def test_a_reissued_bookings_old_pass_is_refused_as_replaced(store, admin, text, tonight):
    new = passes.reissue(store, admin, tonight.id, now=NOW)
    verdict = verify(text, store, CHECK_IN_TIME, "desk")
    assert verdict.reason_key == "scan_replaced" and "取代" in verdict.reason
    assert verify(new, store, CHECK_IN_TIME, "desk").ok


def test_a_pass_newer_than_the_record_is_refused(store, tonight):
    kid = passes.ensure_key(store, now=NOW)
    ahead = passcode.make_pass(kid, passes.secret_for(store, kid), tonight.id, tonight.pass_rev + 1,
                               passes.nonce_of(store, tonight.id))
    assert verify(ahead, store, CHECK_IN_TIME, "desk").reason_key == "scan_revision_ahead"


def test_a_genuine_pass_for_a_booking_the_store_lacks_is_refused(store):
    kid = passes.ensure_key(store, now=NOW)
    missing = passcode.make_pass(kid, passes.secret_for(store, kid), 999_999, 1)
    verdict = verify(missing, store, CHECK_IN_TIME, "desk")
    assert (verdict.reason_key, verdict.booking) == ("scan_unknown_booking", None)


# --- 4. status ---------------------------------------------------------------------------

def test_a_cancelled_pass_is_refused(store, admin, text, tonight):
    bookings.cancel(store, admin, tonight.id, now=NOW)
    verdict = verify(text, store, CHECK_IN_TIME, "desk")
    assert verdict.reason_key == "scan_cancelled" and verdict.reason.startswith("该通行证已取消")


def test_a_no_show_pass_is_refused(store, text, tonight):
    from booking.checkin.sweep import sweep
    sweep(store, at("2026-11-24 19:30"))
    assert verify(text, store, at("2026-11-24 19:40"), "desk").reason_key == "scan_no_show"


def test_a_used_pass_is_refused_as_already_used(store, admin, text):
    scan(store, admin, text, "desk", now=CHECK_IN_TIME)
    scan(store, admin, text, "desk", now=at("2026-11-25 07:10"))
    verdict = scan(store, admin, text, "desk", now=at("2026-11-25 07:20"))
    assert (verdict.ok, verdict.action, verdict.reason_key) == (False, None, "scan_already_used")
    assert "07:10" in verdict.reason


# --- 5. time ---------------------------------------------------------------------------

def test_too_early_names_when_check_in_opens(store, text):
    verdict = verify(text, store, at("2026-11-24 18:00"), "desk")
    assert verdict.reason_key == "scan_too_early"
    assert verdict.reason == "太早了：19:00 前 30 分钟起可签到（18:30）。"


def test_too_early_on_another_day_names_the_date(store, meeting):
    verdict = verify(passes.pass_text(store, meeting.id), store, at("2026-11-24 16:00"), "desk")
    assert verdict.reason_key == "scan_too_early" and "11月25日 13:30" in verdict.reason


def test_check_in_after_the_grace_time_is_refused(store, text):
    verdict = verify(text, store, at("2026-11-24 19:30"), "desk")
    assert verdict.reason_key == "scan_too_late" and "19:30" in verdict.reason


def test_check_in_after_the_end_is_refused(store, text):
    assert verify(text, store, at("2026-11-25 08:00"), "desk").reason_key == "scan_ended"


def test_check_out_after_the_end_is_allowed_and_records_the_minutes_over(store, admin, text, tonight):
    scan(store, admin, text, "desk", now=CHECK_IN_TIME)
    verdict = scan(store, admin, text, "desk", now=at("2026-11-25 08:15:30"))
    assert (verdict.ok, verdict.action, verdict.reason_key) == (True, CHECK_OUT, "scan_check_out_late")
    assert "45 分钟" in verdict.reason
    assert bookings.get(store, tonight.id).overstay_minutes == 45


def test_check_out_is_allowed_even_before_the_start(store, admin, text):
    scan(store, admin, text, "desk", now=at("2026-11-24 18:35"))
    assert scan(store, admin, text, "desk", now=at("2026-11-24 18:50")).action == CHECK_OUT


# --- 6. place ---------------------------------------------------------------------------

def test_a_station_for_parking_refuses_a_room_pass(store, admin, meeting):
    stations.add(store, admin, "车场入口", kinds=["parking"], now=NOW)
    verdict = verify(passes.pass_text(store, meeting.id), store, at("2026-11-25 13:50"), "车场入口")
    assert verdict.reason_key == "scan_wrong_station"
    assert verdict.reason == "本扫码点只接受车位通行证（这张是 R01 的）。"


def test_a_station_for_parking_takes_a_parking_pass(store, admin, text):
    stations.add(store, admin, "车场入口", kinds=["parking"], now=NOW)
    assert verify(text, store, CHECK_IN_TIME, "车场入口").ok


def test_a_station_bound_to_a_room_takes_only_that_room(store, admin, meeting, text):
    stations.add(store, admin, "党群驿站门口", resources=["r01"], now=NOW)
    assert verify(passes.pass_text(store, meeting.id), store, at("2026-11-25 13:50"), "党群驿站门口").ok
    assert verify(text, store, CHECK_IN_TIME, "党群驿站门口").reason_key == "scan_wrong_station"


def test_an_unknown_station_is_refused(store, text):
    assert verify(text, store, CHECK_IN_TIME, "nowhere").reason_key == "scan_station_unknown"


# --- 7. direction --------------------------------------------------------------------------

def test_a_second_entry_at_an_entry_gate_is_refused(store, admin, text, tonight):
    stations.add(store, admin, "入口", kinds=["parking"], mode="in", now=NOW)
    assert scan(store, admin, text, "入口", now=at("2026-11-24 18:45:00")).action == CHECK_IN
    verdict = scan(store, admin, text, "入口", now=at("2026-11-24 18:46:00"))
    assert (verdict.ok, verdict.reason_key) == (False, "scan_already_in")
    assert bookings.get(store, tonight.id).status == "checked_in"


def test_an_exit_without_entry_is_refused(store, admin, text, tonight):
    stations.add(store, admin, "出口", kinds=["parking"], mode="out", now=NOW)
    verdict = scan(store, admin, text, "出口", now=CHECK_IN_TIME)
    assert (verdict.ok, verdict.reason_key) == (False, "scan_not_in")
    assert bookings.get(store, tonight.id).status == "booked"


def test_entry_then_exit_at_two_gates(store, admin, text):
    stations.add(store, admin, "入口", mode="in", now=NOW)
    stations.add(store, admin, "出口", mode="out", now=NOW)
    assert scan(store, admin, text, "入口", now=CHECK_IN_TIME).action == CHECK_IN
    assert scan(store, admin, text, "出口", now=at("2026-11-25 07:00")).action == CHECK_OUT


# --- repeats ---------------------------------------------------------------------------

def test_the_same_pass_within_3_seconds_is_a_repeat_not_a_toggle(store, admin, text, tonight):
    scan(store, admin, text, "desk", now=at("2026-11-24 18:45:00"))
    verdict = scan(store, admin, text + "\r\n", "desk", now=at("2026-11-24 18:45:02"))
    assert (verdict.ok, verdict.action, verdict.reason_key) == (True, None, "scan_repeat")
    assert verdict.reason == "重复扫描，已忽略。"
    assert bookings.get(store, tonight.id).status == "checked_in"
    assert len(scan_rows(store)) == 2  # the repeat is recorded too


def test_after_3_seconds_the_same_pass_toggles(store, admin, text):
    scan(store, admin, text, "desk", now=at("2026-11-24 18:45:00"))
    assert scan(store, admin, text, "desk", now=at("2026-11-24 18:45:04")).action == CHECK_OUT


def test_a_repeated_refusal_stays_a_refusal(store, admin, text):
    scan(store, admin, text, "desk", now=at("2026-11-24 18:00:00"))
    verdict = scan(store, admin, text, "desk", now=at("2026-11-24 18:00:01"))
    assert (verdict.ok, verdict.reason_key) == (False, "scan_repeat")


def test_the_same_pass_at_another_station_is_no_repeat(store, admin, text):
    stations.add(store, admin, "出口", mode="out", now=NOW)
    scan(store, admin, text, "desk", now=at("2026-11-24 18:45:00"))
    assert scan(store, admin, text, "出口", now=at("2026-11-24 18:45:01")).action == CHECK_OUT


# --- the record and its effect in one transaction ----------------------------------------

def test_every_accepted_scan_is_recorded_with_its_status_change(store, admin, text, tonight):
    for moment, status in ((CHECK_IN_TIME, "checked_in"), (at("2026-11-25 07:00"), "completed")):
        verdict = scan(store, admin, text, "desk", now=moment)
        row = scan_rows(store)[-1]
        assert (row["action"], row["booking_id"]) == (verdict.action, tonight.id)
        assert bookings.get(store, tonight.id).status == status


def test_a_rolled_back_scan_leaves_neither_the_record_nor_the_check_in(store, admin, text, tonight):
    with pytest.raises(RuntimeError):
        with store.write():
            scan(store, admin, text, "desk", now=CHECK_IN_TIME)
            raise RuntimeError("power cut")
    assert scan_rows(store) == []
    assert bookings.get(store, tonight.id).status == "booked"


def test_a_scan_that_cannot_be_recorded_changes_no_booking(store, admin, text, tonight):
    if isinstance(store, ServerStore):  # a guard that refuses every new scan, the server's way
        store.sql("ALTER TABLE scan ADD CONSTRAINT scan_fails CHECK (false) NOT VALID")
    else:
        store.conn.execute("CREATE TEMP TRIGGER scan_fails BEFORE INSERT ON scan "
                           "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
    with pytest.raises(IntegrityError):  # the store's, the same on every engine
        scan(store, admin, text, "desk", now=CHECK_IN_TIME)
    if isinstance(store, ServerStore):
        store.sql("ALTER TABLE scan DROP CONSTRAINT scan_fails")
    else:
        store.conn.execute("DROP TRIGGER scan_fails")
    assert bookings.get(store, tonight.id).status == "booked"
    assert not audit.entries(store, "booking", tonight.id)[0]["action"].startswith("check")


@pytest.mark.parametrize("raw", [
    "", "\x00\x01\x1b[31m", "'; DROP TABLE scan;--", "🚗" * 50, "x" * 100_000, "\ud800\udfff\ud800",
    "\u202e1234", "1" * 45, "]Q1\r\n",
])
def test_anything_scanned_is_refused_and_stored_safely(store, admin, raw):
    verdict = scan(store, admin, raw, "desk", now=CHECK_IN_TIME)
    assert not verdict.ok and verdict.reason
    stored = scan_rows(store)[-1]["text"]
    assert len(stored) <= scanning.STORED_TEXT
    assert stored.isprintable() or stored == ""


def test_reasons_follow_the_language(store, text):
    i18n.set_language("en")
    verdict = verify(text, store, at("2026-11-24 18:00"), "desk")
    assert verdict.reason == "Too early: check-in opens 30 minutes before 19:00 (at 18:30)."
    assert verdict.message("zh") == "太早了：19:00 前 30 分钟起可签到（18:30）。"


def test_every_scan_reason_has_chinese_and_english():
    for key in (k for k in i18n.keys() if k.startswith("scan_")):
        zh, en = i18n.tr(key, "zh"), i18n.tr(key, "en")
        assert zh and en and zh != en, key


# --- properties ---------------------------------------------------------------------------

SLOW_OK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW_OK
@given(digits=st.text(alphabet="0123456789", min_size=45, max_size=45))
def test_random_digits_of_pass_length_are_never_accepted(store, tonight, digits):
    verdict = verify(digits, store, CHECK_IN_TIME, "desk")
    assert not verdict.ok or digits == passes.pass_text(store, tonight.id)


@SLOW_OK
@given(raw=st.text(max_size=120))
def test_verify_never_raises_and_never_accepts_random_text(store, tonight, raw):
    verdict = verify(raw, store, CHECK_IN_TIME, "desk")
    assert not verdict.ok and verdict.reason_key.startswith("scan_")


@SLOW_OK
@given(changes=st.lists(st.tuples(st.integers(0, 44), st.sampled_from("0123456789")), min_size=1, max_size=6))
def test_a_pass_changed_anywhere_is_never_accepted(store, tonight, changes):
    genuine = passes.pass_text(store, tonight.id)
    altered = list(genuine)
    for position, digit in changes:
        altered[position] = digit
    altered_text = "".join(altered)
    verdict = verify(altered_text, store, CHECK_IN_TIME, "desk")
    assert verdict.ok == (altered_text == genuine)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(st.text(max_size=80), st.text(alphabet="0123456789０１２３ \r\n\t]Q", max_size=60)))
def test_scan_never_raises_and_never_accepts_what_it_did_not_sign(store, admin, tonight, raw):
    verdict = scan(store, admin, raw, "desk", now=CHECK_IN_TIME + timedelta(seconds=1))
    assert not verdict.ok
    assert bookings.get(store, tonight.id).status == "booked"


def test_a_booking_can_be_checked_in_and_out_by_hand_with_a_reason(store, resident, admin):
    from booking.checkin import scanning
    from booking.schedule import bookings
    from booking.store import audit
    from datetime import datetime
    now = datetime(2026, 11, 24, 10, 0)
    b = bookings.book(store, admin, bookings.Request("P030", datetime(2026, 11, 24, 19, 0),
                                                     datetime(2026, 11, 25, 7, 0), resident.id), now)
    first = scanning.manual(store, admin, b.id, "通行证丢失，核对身份证", now=datetime(2026, 11, 24, 19, 5))
    second = scanning.manual(store, admin, b.id, "手机没电", now=datetime(2026, 11, 25, 7, 40))
    assert (first.action, second.action) == ("check-in", "check-out")
    assert bookings.get(store, b.id).overstay_minutes == 40
    rows = store.sql("SELECT station, reason FROM scan WHERE booking_id = :id ORDER BY id", id=b.id).fetchall()
    assert rows == [("手工", "手动签到：通行证丢失，核对身份证"), ("手工", "手动签退：手机没电")]
    assert audit.entries(store, "booking", b.id)[0]["reason"] == "手动签退：手机没电"


def test_checking_in_by_hand_needs_a_reason_and_an_open_booking(store, resident, admin):
    from booking.checkin import scanning
    from booking.schedule import bookings
    from booking.store.errors import DeskError
    from datetime import datetime
    now = datetime(2026, 11, 24, 10, 0)
    b = bookings.book(store, admin, bookings.Request("P031", datetime(2026, 11, 24, 19, 0),
                                                     datetime(2026, 11, 25, 7, 0), resident.id), now)
    with pytest.raises(DeskError) as err:
        scanning.manual(store, admin, b.id, "  ", now=now)
    assert err.value.field == "reason"
    bookings.cancel(store, admin, b.id, now=NOW)
    with pytest.raises(DeskError) as err:
        scanning.manual(store, admin, b.id, "来了", now=now)
    assert err.value.code == "state"
