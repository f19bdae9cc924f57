"""The PostgreSQL store refuses by itself what SQLite's triggers refuse, whatever code path writes.

Each test tries to break one invariant on the real server and sees the refusal, with its
SQLSTATE (docs/shared-store.md lists them) and the same message text as SQLite's RAISE.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import text

from booking.store.postgres.locking import WRITE_LOCK, take_write_lock
from booking.store.postgres.refusals import refusal


@pytest.fixture
def db(pg_engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection on the test's own migrated database, with one household, resident and space."""
    with pg_engine.connect() as conn:
        conn.execute(text("INSERT INTO household (id, door, building, unit, room) "
                          "VALUES (1, '3栋2单元501', 3, 2, 501)"))
        conn.execute(text("INSERT INTO resident (id, household_id, name, phone, phone_tail) "
                          "VALUES (1, 1, '张三', '13800000000', '0000')"))
        conn.execute(text("INSERT INTO resource (id, code, kind, name_zh, name_en) "
                          "VALUES (1, 'P001', 'parking', '车位1', 'Space 1')"))
        conn.commit()
        yield conn


def book(conn: sa.Connection, start: str, end: str, status: str = "booked", resource: int = 1) -> int:
    booking_id: int = conn.execute(text(
        "INSERT INTO booking (resource_id, household_id, resident_id, start_at, end_at, status) "
        "VALUES (:resource, 1, 1, :start, :end, :status) RETURNING id"),
        {"resource": resource, "start": start, "end": end, "status": status}).scalar_one()
    return booking_id


def refused(conn: sa.Connection, sql: str, params: dict[str, Any] | None = None) -> psycopg.Error:
    """The server's refusal of `sql` (the transaction is rolled back after it)."""
    with pytest.raises(sa.exc.DBAPIError) as caught:
        conn.execute(text(sql), params or {})
    conn.rollback()
    assert isinstance(caught.value.orig, psycopg.Error)
    return caught.value.orig


def test_an_overlapping_active_booking_is_refused_by_the_exclusion_constraint(db: sa.Connection) -> None:
    book(db, "2026-11-24 10:00", "2026-11-24 12:00")
    db.commit()
    error = refused(db, "INSERT INTO booking (resource_id, household_id, resident_id, start_at, end_at) "
                        "VALUES (1, 1, 1, '2026-11-24 11:00', '2026-11-24 13:00')")
    assert error.sqlstate == "23P01"
    assert error.diag.constraint_name == "booking_no_overlap"


def test_back_to_back_bookings_and_a_cancelled_one_do_not_clash(db: sa.Connection) -> None:
    book(db, "2026-11-24 10:00", "2026-11-24 12:00")
    book(db, "2026-11-24 12:00", "2026-11-24 13:00")
    book(db, "2026-11-24 09:00", "2026-11-24 10:00", status="checked_in")
    book(db, "2026-11-24 10:30", "2026-11-24 11:00", status="cancelled")
    db.commit()
    assert db.execute(text("SELECT count(*) FROM booking")).scalar() == 4


def test_moving_or_reviving_a_booking_into_another_is_refused(db: sa.Connection) -> None:
    book(db, "2026-11-24 10:00", "2026-11-24 12:00")
    later = book(db, "2026-11-24 14:00", "2026-11-24 15:00")
    gone = book(db, "2026-11-24 11:00", "2026-11-24 11:30", status="cancelled")
    db.commit()
    moved = refused(db, "UPDATE booking SET start_at = '2026-11-24 11:00' WHERE id = :id", {"id": later})
    revived = refused(db, "UPDATE booking SET status = 'booked' WHERE id = :id", {"id": gone})
    assert (moved.sqlstate, revived.sqlstate) == ("23P01", "23P01")


def test_a_booking_ending_before_it_starts_or_with_an_unknown_status_is_refused(db: sa.Connection) -> None:
    backwards = refused(db, "INSERT INTO booking (resource_id, household_id, resident_id, start_at, end_at) "
                            "VALUES (1, 1, 1, '2026-11-24 12:00', '2026-11-24 12:00')")
    unknown = refused(db, "INSERT INTO booking (resource_id, household_id, resident_id, start_at, end_at, status) "
                          "VALUES (1, 1, 1, '2026-11-24 10:00', '2026-11-24 12:00', 'lost')")
    shapeless = refused(db, "INSERT INTO booking (resource_id, household_id, resident_id, start_at, end_at) "
                            "VALUES (1, 1, 1, '2026-11-24T10:00', '2026-11-24 12:00')")
    for error in (backwards, unknown, shapeless):
        assert error.sqlstate == "23514"
        assert error.diag.constraint_name == "booking_valid"


def test_a_booking_outside_2000_2099_or_longer_than_366_days_is_refused(db: sa.Connection) -> None:
    beyond = refused(db, "INSERT INTO booking (resource_id, household_id, resident_id, start_at, end_at) "
                         "VALUES (1, 1, 1, '2099-12-31 10:00', '9999-12-31 00:00')")
    too_long = refused(db, "INSERT INTO booking (resource_id, household_id, resident_id, start_at, end_at) "
                           "VALUES (1, 1, 1, '2026-01-01 00:00', '2027-01-02 00:01')")
    for error in (beyond, too_long):
        assert error.sqlstate == "23514"
        assert error.diag.constraint_name == "booking_in_range"
    book(db, "2026-01-01 00:00", "2027-01-02 00:00")  # 366 days exactly is allowed


def test_a_booking_is_never_deleted(db: sa.Connection) -> None:
    booking_id = book(db, "2026-11-24 10:00", "2026-11-24 12:00")
    db.commit()
    deleted = refused(db, "DELETE FROM booking WHERE id = :id", {"id": booking_id})
    truncated = refused(db, "TRUNCATE booking CASCADE")
    for error in (deleted, truncated):
        assert (error.sqlstate, error.diag.message_primary) == ("LN003", "booking_keep")


def test_the_longest_booking_of_a_resource_is_kept_up_to_date(db: sa.Connection) -> None:
    booking_id = book(db, "2026-11-24 10:00", "2026-11-24 12:30")
    assert db.execute(text("SELECT longest_minutes FROM resource WHERE id = 1")).scalar() == 150
    db.execute(text("UPDATE booking SET end_at = '2026-11-24 15:00' WHERE id = :id"), {"id": booking_id})
    assert db.execute(text("SELECT longest_minutes FROM resource WHERE id = 1")).scalar() == 300
    db.commit()
    version = db.execute(text("SELECT xmin::text FROM resource WHERE id = 1")).scalar()
    book(db, "2026-11-25 10:00", "2026-11-25 11:00")  # shorter: the resource's row is left alone (0014)
    assert db.execute(text("SELECT longest_minutes, xmin::text FROM resource WHERE id = 1")).one() == (300, version)


def test_every_new_booking_gets_a_pass_nonce_and_a_given_one_is_kept(db: sa.Connection) -> None:
    first = book(db, "2026-11-24 10:00", "2026-11-24 11:00")
    given = db.execute(text(
        "INSERT INTO booking (resource_id, household_id, resident_id, start_at, end_at, pass_nonce) "
        "VALUES (1, 1, 1, '2026-11-24 11:00', '2026-11-24 12:00', 42) RETURNING id")).scalar_one()
    nonces = dict(db.execute(text("SELECT id, pass_nonce FROM booking")).all())
    assert 0 <= nonces[first] < 1_000_000_000
    assert nonces[given] == 42


@pytest.mark.parametrize(("table", "message", "insert"), [
    ("audit", "audit_append_only",
     "INSERT INTO audit (at, actor, action, entity) VALUES ('2026-11-24 10:00:00', 'a', 'add', 'booking')"),
    ("scan", "scan_append_only",
     "INSERT INTO scan (at, station, text, ok, reason_key) VALUES ('2026-11-24 10:00:00', 'desk', 'x', 0, 'k')"),
    ("payment", "ledger_append_only",
     "INSERT INTO payment (receipt_no, at, clerk, entry, method, amount_fen, recorded_at) "
     "VALUES ('R1', '2026-11-24 10:00', 'c', 'payment', 'cash', 100, '2026-11-24 10:00:00')"),
    ("timebank", "timebank_append_only",
     "INSERT INTO timebank (resident_id, at, entry, minutes, actor, recorded_at) "
     "VALUES (1, '2026-11-24 10:00', 'earn', 60, 'c', '2026-11-24 10:00:00')"),
    ("gate_event", "gate_event_append_only",
     "INSERT INTO gate_event (camera, event_key, station, at, received_at, plate_read, opened, reason_key, reason, "
     "led) VALUES ('cam', 'k1', 'gate', '2026-11-24 10:00:00', '2026-11-24 10:00:00', '川A12345', 1, 'ok', 'ok', '')"),
])
def test_an_append_only_table_refuses_update_delete_and_truncate(
        db: sa.Connection, table: str, message: str, insert: str) -> None:
    db.execute(text(insert))
    db.commit()
    errors = [refused(db, f"UPDATE {table} SET id = id"), refused(db, f"DELETE FROM {table}"),
              refused(db, f"TRUNCATE {table} CASCADE")]
    for error in errors:
        assert (error.sqlstate, error.diag.message_primary) == ("LN001", message)
    assert db.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1


def test_no_entry_is_added_to_a_closed_month_and_a_closing_stands(db: sa.Connection) -> None:
    db.execute(text("INSERT INTO ledger_month (month, closed_at, closed_by) "
                    "VALUES ('2026-10', '2026-11-01 09:00:00', 'admin')"))
    db.commit()
    into_closed = refused(db, "INSERT INTO payment (receipt_no, at, clerk, entry, method, amount_fen, recorded_at) "
                              "VALUES ('R2', '2026-10-31 23:00', 'c', 'payment', 'cash', 100, '2026-11-24 10:00:00')")
    reopened = refused(db, "DELETE FROM ledger_month")
    edited = refused(db, "UPDATE ledger_month SET closed_by = 'x'")
    for error in (into_closed, reopened, edited):
        assert (error.sqlstate, error.diag.message_primary) == ("LN002", "ledger_month_closed")
    db.execute(text("INSERT INTO payment (receipt_no, at, clerk, entry, method, amount_fen, recorded_at) "
                    "VALUES ('R3', '2026-11-01 08:00', 'c', 'payment', 'cash', 100, '2026-11-24 10:00:00')"))


def test_a_waived_fee_needs_a_reason(db: sa.Connection) -> None:
    error = refused(db, "INSERT INTO payment (receipt_no, at, clerk, entry, method, amount_fen, recorded_at) "
                        "VALUES ('R4', '2026-11-24 10:00', 'c', 'payment', 'waived', 100, '2026-11-24 10:00:00')")
    assert error.sqlstate == "23514"


def test_the_time_bank_balance_never_goes_below_zero(db: sa.Connection) -> None:
    entry = ("INSERT INTO timebank (resident_id, at, entry, minutes, actor, recorded_at) "
             "VALUES (1, '2026-11-24 10:00', :entry, :minutes, 'c', '2026-11-24 10:00:00')")
    db.execute(text(entry), {"entry": "earn", "minutes": 90})
    db.execute(text(entry), {"entry": "redeem", "minutes": -60})
    db.commit()
    error = refused(db, entry, {"entry": "redeem", "minutes": -31})
    assert (error.sqlstate, error.diag.message_primary) == ("LN004", "timebank_negative")
    assert db.execute(text("SELECT minutes FROM timebank_balance WHERE resident_id = 1")).scalar() == 30
    forced = refused(db, "UPDATE timebank_balance SET minutes = -1")
    assert forced.sqlstate == "23514"
    assert refusal(error) == refusal(forced) == "timebank_negative"


def test_a_clerk_role_is_clerk_or_admin(db: sa.Connection) -> None:
    error = refused(db, "INSERT INTO clerk (name, display_name, role, kdf, kdf_params, salt, password_hash, "
                        "created_at) VALUES ('x', 'X', 'root', 'scrypt', '{}', 's', 'h', '2026-11-24 10:00:00')")
    assert error.sqlstate == "23514"


def test_a_second_writer_waits_for_the_first_ones_write_lock(pg_engine: sa.Engine) -> None:
    with pg_engine.connect() as first, pg_engine.connect() as second:
        with first.begin():
            take_write_lock(first)
            try_lock = text("SELECT pg_try_advisory_xact_lock(:key)")
            with second.begin():
                assert second.execute(try_lock, {"key": WRITE_LOCK}).scalar() is False
        with second.begin():  # the first one's commit let go of it
            assert second.execute(try_lock, {"key": WRITE_LOCK}).scalar() is True


def test_each_refusal_is_told_in_sqlites_words(db: sa.Connection) -> None:
    book(db, "2026-11-24 10:00", "2026-11-24 12:00")
    db.commit()
    tries = {
        "booking_clash": "INSERT INTO booking (resource_id, household_id, resident_id, start_at, end_at) "
                         "VALUES (1, 1, 1, '2026-11-24 11:00', '2026-11-24 13:00')",
        "booking_invalid": "UPDATE booking SET end_at = start_at",
        "booking_in_range": "UPDATE booking SET end_at = '2099-12-31 23:59'",
        "booking_keep": "DELETE FROM booking",
        "audit_append_only": "DELETE FROM audit",
    }
    db.execute(text("INSERT INTO audit (at, actor, action, entity) VALUES ('2026-11-24 10:00:00', 'a', 'b', 'c')"))
    db.commit()
    for expected, sql in tries.items():
        with pytest.raises(sa.exc.DBAPIError) as caught:
            db.execute(text(sql))
        db.rollback()
        assert refusal(caught.value) == expected, sql
    with pytest.raises(sa.exc.DBAPIError) as caught:  # not a guard: a bug, told as none of them
        db.execute(text("SELECT no_such_column FROM booking"))
    db.rollback()
    assert refusal(caught.value) is None
    assert refusal(ValueError("booking_clash")) is None
