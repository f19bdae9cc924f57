"""Who acts, and by which clock (issue 11 items 1 and 2): a command acts as the account it proved,
or as an anonymous clerk, never as a name it merely claims; fixing the clock is an admin's act."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from booking.ops import setup
from booking.people import clerks, residents
from booking.schedule import bookings
from booking.store import audit
from booking.store.errors import DeskError

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)
BOSS, BOSS_PASSWORD = "王主任", "admin-pass-1"
CLERK, CLERK_PASSWORD = "小李", "zhiban-2026!"


@pytest.fixture
def office(store_path: Path) -> Path:
    """A store with an admin and a clerk account, and one resident."""
    store = setup.open_ready(store_path, now=NOW)
    boss = clerks.create_first_admin(store, BOSS, BOSS_PASSWORD, now=NOW)
    clerks.add(store, boss, CLERK, "clerk", CLERK_PASSWORD, now=NOW)
    residents.add(store, boss, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    store.close()
    return store_path


def signs_in(store_path: Path, name: str, password: str) -> bool:
    store = setup.open_ready(store_path, now=NOW)
    try:
        clerks.authenticate(store, name, password, now=NOW)
        return True
    except DeskError:
        return False
    finally:
        store.close()


def audit_entries(store_path: Path) -> list[dict]:
    store = setup.open_ready(store_path, now=NOW)
    try:
        return audit.entries(store)
    finally:
        store.close()


def test_a_claimed_admin_name_without_a_password_cannot_replace_the_admins_password(
        office, run_cli, monkeypatch):
    monkeypatch.delenv("LINLI_PASSWORD", raising=False)
    result = run_cli("--user", BOSS, "clerk", "passwd", BOSS, "--password", "taken-over", now=None)
    assert (result.code, result.json["code"]) == (1, "forbidden")
    assert signs_in(office, BOSS, BOSS_PASSWORD) and not signs_in(office, BOSS, "taken-over")


def test_a_signed_in_clerk_cannot_replace_the_admins_password(office, run_cli, monkeypatch):
    monkeypatch.setenv("LINLI_PASSWORD", CLERK_PASSWORD)
    result = run_cli("--user", CLERK, "clerk", "passwd", BOSS, "--password", "taken-over", now=None)
    assert (result.code, result.json["code"]) == (1, "forbidden")
    assert signs_in(office, BOSS, BOSS_PASSWORD)


def test_a_clerk_signed_in_changes_their_own_password(office, run_cli, monkeypatch):
    monkeypatch.setenv("LINLI_PASSWORD", CLERK_PASSWORD)  # signing in proves the old password
    result = run_cli("--user", CLERK, "clerk", "passwd", CLERK, "--password", "new-pass-2026", now=None)
    assert result.code == 0, result.json
    assert signs_in(office, CLERK, "new-pass-2026")


def test_an_unsigned_command_is_logged_as_an_anonymous_clerk_not_the_name_it_claims(
        office, run_cli, monkeypatch):
    monkeypatch.delenv("LINLI_PASSWORD", raising=False)
    result = run_cli("--user", BOSS, "resident", "add", "--name", "李四", "--door", "5栋1单元302",
                     "--phone", "13987654321", now=None)
    assert result.code == 0, result.json
    newest = audit_entries(office)[0]
    assert newest["action"] == "add" and newest["entity"] == "resident"
    assert newest["actor"] != BOSS and "未验证" in newest["actor"]


def test_a_signed_in_command_is_logged_with_the_proven_name(office, run_cli, monkeypatch):
    monkeypatch.setenv("LINLI_PASSWORD", CLERK_PASSWORD)
    result = run_cli("--user", CLERK, "resident", "add", "--name", "李四", "--door", "5栋1单元302",
                     "--phone", "13987654321", now=None)
    assert result.code == 0, result.json
    assert audit_entries(office)[0]["actor"] == CLERK


def test_a_clerks_fixed_clock_is_refused_and_nothing_is_booked(office, run_cli, monkeypatch):
    monkeypatch.setenv("LINLI_PASSWORD", CLERK_PASSWORD)
    # half a year ahead: the clerk would need an admin's override for it by the real clock
    result = run_cli("--user", CLERK, "book", "--resource", "P001", "--start", "2027-05-24 19:00",
                     "--end", "2027-05-24 22:00", "--resident", "1", now="2027-05-24 10:00")
    assert (result.code, result.json["code"]) == (1, "forbidden")
    assert "--now" in result.json["error"]
    store = setup.open_ready(office, now=NOW)
    try:
        assert bookings.on_date(store, datetime(2027, 5, 24).date()) == []
    finally:
        store.close()


def test_an_unsigned_fixed_clock_is_refused_too(office, run_cli, monkeypatch):
    monkeypatch.delenv("LINLI_PASSWORD", raising=False)
    result = run_cli("list", "--date", "2026-11-24")  # run_cli fixes the clock at 2026-11-24 10:00
    assert (result.code, result.json["code"]) == (1, "forbidden")


def test_an_admins_fixed_clock_is_noted_in_the_audit_entry(office, run_cli, monkeypatch):
    monkeypatch.setenv("LINLI_PASSWORD", BOSS_PASSWORD)
    result = run_cli("--user", BOSS, "book", "--resource", "P001", "--start", "2026-11-24 19:00",
                     "--end", "2026-11-25 07:00", "--resident", "1")
    assert result.code == 0, result.json
    newest = audit_entries(office)[0]
    assert newest["action"] == "book" and newest["actor"] == BOSS
    assert newest["at"] == "2026-11-24 10:00:00"  # the operation's own clock
    assert "固定时钟" in newest["reason"]


def test_a_real_clock_leaves_no_fixed_clock_note(office, run_cli, monkeypatch):
    monkeypatch.setenv("LINLI_PASSWORD", BOSS_PASSWORD)
    result = run_cli("--user", BOSS, "resident", "add", "--name", "李四", "--door", "5栋1单元302",
                     "--phone", "13987654321", now=None)
    assert result.code == 0, result.json
    assert audit_entries(office)[0]["reason"] is None


def test_a_new_store_without_accounts_still_trusts_its_command_line_with_the_clock(run_cli, resident):
    result = run_cli("book", "--resource", "P001", "--start", "2026-11-24 19:00",
                     "--end", "2026-11-25 07:00", "--resident", str(resident.id), now="2026-11-24 10:00")
    assert result.code == 0, result.json


def test_an_admins_fixed_clock_ahead_marks_no_real_booking_a_no_show(run_cli, resident):
    far = "2099-01-01 09:00"  # later than any real clock this test meets, and in the desk's years (2000-2099)
    booked = run_cli("book", "--resource", "P001", "--start", "2099-01-01 10:00", "--end", "2099-01-01 12:00",
                     "--resident", str(resident.id), now=far)
    assert booked.code == 0, booked.json
    listed = run_cli("list", "--date", "2099-01-01", now="2099-01-02 10:00")  # a read that sweeps
    assert listed.code == 0, listed.json
    assert run_cli("show", str(booked.json["bookings"][0]["id"]), now=far).json["booking"]["status"] == "booked"
