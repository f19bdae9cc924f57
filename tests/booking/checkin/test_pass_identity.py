"""A pass is accepted only for the booking it was issued for (issue 11 items 4 and 12).

Booking ids are reused after a restore to an older backup; a pass carries its booking's
nonce, so the reused id is another booking to the verifier. Also the numbering limits:
the revision and the key ids are checked before anything is written.
"""
from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from booking.checkin import passcode, passes, scanning
from booking.ops import setup
from booking.schedule import bookings
from booking.store import audit
from booking.schedule.bookings import Request
from booking.store.errors import DeskError

from tests.conftest import ADMIN, TWO_ENGINES, sqlite_only

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)
CHECK_IN = datetime(2026, 11, 24, 19, 5)


def tonight(store, resident, code="P001"):
    return bookings.book(store, ADMIN, Request(code, datetime(2026, 11, 24, 19, 0), datetime(2026, 11, 25, 7, 30),
                                               resident.id), NOW)


def test_a_pass_printed_before_a_restore_is_refused_for_the_other_booking_that_reuses_its_id(
        store, store_at, run_cli, resident, neighbour, tmp_path):
    older = tmp_path / "older.sqlite3"
    assert run_cli("backup", "--to", str(older)).code == 0
    first = tonight(store, resident)  # booking N, after the backup
    printed = passes.pass_text(store, first.id)
    store.close()
    assert run_cli("restore", "--from", str(older)).code == 0
    again = setup.open_ready(store_at, now=NOW)
    try:
        other = tonight(again, neighbour, "P002")  # booking N again, for a different resident
        assert other.id == first.id and other.resident_id != first.resident_id
        verdict = scanning.scan(again, ADMIN, printed, "desk", now=CHECK_IN)
        assert (verdict.ok, verdict.reason_key, verdict.booking) == (False, "scan_other_booking", None)
        assert str(first.id) in verdict.reason and "备份" in verdict.reason
        assert bookings.get(again, other.id).status == "booked"  # nothing was checked in
        assert scanning.verify(passes.pass_text(again, other.id), again, CHECK_IN, "desk").ok
    finally:
        again.close()


@sqlite_only("a plain copy of the closed store file (a server store is copied by copy-store: cli/test_copy_store.py)")
def test_a_copy_of_the_store_keeps_the_passes_of_the_same_bookings_valid(store, store_path, resident, tmp_path):
    made = tonight(store, resident)
    printed = passes.pass_text(store, made.id)
    store.close()
    copy_path = tmp_path / "copy.sqlite3"
    shutil.copyfile(store_path, copy_path)  # the store is closed: a plain file copy (another PC)
    copy = setup.open_ready(copy_path, now=NOW)
    try:
        assert scanning.verify(printed, copy, CHECK_IN, "desk").ok
    finally:
        copy.close()


@sqlite_only("two plain copies of one store file")
def test_two_copies_give_their_next_bookings_different_passes(store, store_path, resident, neighbour, tmp_path):
    store.close()
    copy_path = tmp_path / "copy.sqlite3"
    shutil.copyfile(store_path, copy_path)
    here, there = setup.open_ready(store_path, now=NOW), setup.open_ready(copy_path, now=NOW)
    try:
        mine, theirs = tonight(here, resident), tonight(there, neighbour)
        assert mine.id == theirs.id
        verdict = scanning.verify(passes.pass_text(there, theirs.id), here, CHECK_IN, "desk")
        assert verdict.reason_key == "scan_other_booking"
    finally:
        here.close()
        there.close()


def test_an_old_version_1_pass_of_an_untouched_store_stays_valid(store, resident):
    made = tonight(store, resident)
    with store.write():  # as the bookings an older version made: no nonce
        store.sql("UPDATE booking SET pass_nonce = NULL WHERE id = :id", id=made.id)
    old = passes.pass_text(store, made.id)
    assert old.startswith("1") and len(old) == passcode.PASS_LENGTH
    assert scanning.verify(old, store, CHECK_IN, "desk").ok


def test_a_version_1_pass_cannot_check_in_a_booking_made_with_a_nonce(store, resident):
    made = tonight(store, resident)
    kid = passes.ensure_key(store, now=NOW)
    v1 = passcode.make_pass(kid, passes.secret_for(store, kid), made.id, made.pass_rev)  # genuinely signed
    assert scanning.verify(v1, store, CHECK_IN, "desk").reason_key == "scan_other_booking"


def test_reissuing_a_booking_made_before_nonces_gives_a_version_2_pass(store, resident):
    made = tonight(store, resident)
    with store.write():
        store.sql("UPDATE booking SET pass_nonce = NULL WHERE id = :id", id=made.id)
    old = passes.pass_text(store, made.id)
    new = passes.reissue(store, ADMIN, made.id, "换证", now=NOW)
    assert new.startswith("2") and len(new) == passcode.PASS_LENGTH_V2
    assert scanning.verify(new, store, CHECK_IN, "desk").ok
    assert scanning.verify(old, store, CHECK_IN, "desk").reason_key == "scan_replaced"


# --- numbering limits, checked before writing (item 12) -------------------------------------------

def test_the_1000th_reissue_is_refused_before_writing_and_the_pass_still_works(store, resident):
    made = tonight(store, resident)
    with store.write():  # the counter driven to its edge directly, to keep the test fast
        store.sql("UPDATE booking SET pass_rev = :rev WHERE id = :id", rev=passcode.MAX_REVISION - 1, id=made.id)
    last = passes.reissue(store, ADMIN, made.id, "丢失", now=NOW)  # revision 999: the last that fits
    with pytest.raises(DeskError) as caught:
        passes.reissue(store, ADMIN, made.id, "又丢失", now=NOW)
    assert (caught.value.code, caught.value.key) == ("state", "pass_revision_limit")
    assert bookings.get(store, made.id).pass_rev == passcode.MAX_REVISION
    assert passes.pass_text(store, made.id) == last and scanning.verify(last, store, CHECK_IN, "desk").ok


def test_the_reissue_command_at_the_limit_is_refused_with_exit_1(store, run_cli, resident):
    made = tonight(store, resident)
    with store.write():
        store.sql("UPDATE booking SET pass_rev = :rev WHERE id = :id", rev=passcode.MAX_REVISION, id=made.id)
    result = run_cli("reissue", str(made.id), "--reason", "丢失")
    assert result.code == 1 and result.json["code"] == "state"


def test_a_rotation_with_every_key_id_live_is_refused_and_key_1_keeps_its_passes(store, resident):
    made = tonight(store, resident)
    printed = passes.pass_text(store, made.id)  # signed by key 1
    for _ in range(passcode.MAX_KEY_ID - 1):  # keys 2..99: every id live
        passes.rotate_key(store, ADMIN, now=NOW)
    with pytest.raises(DeskError) as caught:
        passes.rotate_key(store, ADMIN, now=NOW)  # the 100th key would have overwritten live key 1
    assert caught.value.key == "pass_keys_full"
    assert scanning.verify(printed, store, CHECK_IN, "desk").ok
    assert passes.rotate_key(store, ADMIN, retire_old=True, now=NOW) == 1  # retiring the old ones frees the ids


def test_every_reissue_is_recorded_once_with_its_revision(store, resident):
    made = tonight(store, resident)
    for _ in range(3):
        passes.reissue(store, ADMIN, made.id, "丢失", now=NOW)
    revisions = [e["after"]["pass_rev"] for e in audit.entries(store, "booking", made.id) if e["action"] == "reissue"]
    assert sorted(revisions) == [2, 3, 4]
