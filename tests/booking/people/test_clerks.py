"""Clerk accounts: hashed passwords, sign-in that tells nothing away, admin-only actions."""
from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from booking.people import clerks
from booking.places import inventory
from booking.policy import rules
from booking.schedule import bookings
from booking.store.audit import Actor
from booking.store.errors import DeskError
from booking.store.connection import Store
from tests.conftest import TWO_ENGINES, sqlite_only

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)

PASSWORD = "zhiban-2026!"


@pytest.fixture
def boss(store: Store) -> Actor:
    return clerks.create_first_admin(store, "王主任", "admin-pass-1", now=NOW)


@pytest.fixture
def signed_in_clerk(store: Store, boss: Actor) -> Actor:
    clerks.add(store, boss, "小李", "clerk", PASSWORD, now=NOW)
    return clerks.authenticate(store, "小李", PASSWORD, now=NOW)


def test_first_admin_can_be_made_only_on_an_empty_store(store, boss):
    assert boss == Actor("王主任", "admin")
    with pytest.raises(DeskError) as refused:
        clerks.create_first_admin(store, "另一人", "another-pass", now=NOW)
    assert refused.value.code == "forbidden"


def test_the_right_password_signs_in_with_the_role(store, boss, signed_in_clerk):
    assert signed_in_clerk == Actor("小李", "clerk")
    assert clerks.authenticate(store, "王主任", "admin-pass-1", now=NOW).is_admin


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(store, signed_in_clerk):
    with pytest.raises(DeskError) as wrong_password:
        clerks.authenticate(store, "小李", PASSWORD + "x", now=NOW)
    with pytest.raises(DeskError) as wrong_name:
        clerks.authenticate(store, "小王", PASSWORD, now=NOW)
    assert wrong_password.value.message() == wrong_name.value.message() == "用户名或密码错误。"
    assert wrong_password.value.code == "forbidden"


def test_a_disabled_account_cannot_sign_in(store, boss, signed_in_clerk):
    clerks.set_active(store, boss, "小李", False, now=NOW)
    with pytest.raises(DeskError) as refused:
        clerks.authenticate(store, "小李", PASSWORD, now=NOW)
    assert refused.value.message() == "用户名或密码错误。"


@sqlite_only("reads the store's own files; on the server the same rows are checked by the tests below")
def test_the_password_is_never_in_the_store_file(store: Store, store_path: Path, boss):
    clerks.add(store, boss, "小李", "clerk", PASSWORD, now=NOW)
    store.close()  # checkpoints the write-ahead log into the file
    files = [store_path, *store_path.parent.glob(store_path.name + "-*")]
    data = b"".join(f.read_bytes() for f in files)
    assert PASSWORD.encode() not in data
    assert b"admin-pass-1" not in data
    assert PASSWORD.encode("utf-16-le") not in data


def test_the_hash_is_stored_with_its_function_and_parameters(store, boss):
    row = store.sql("SELECT kdf, kdf_params, salt, password_hash FROM clerk").fetchone()
    assert row[0] == "scrypt"
    assert '"n": 16384' in row[1] and '"r": 8' in row[1] and '"p": 1' in row[1]
    assert len(bytes.fromhex(row[2])) == 16 and len(bytes.fromhex(row[3])) == 32


def test_two_accounts_with_one_password_get_different_hashes(store, boss):
    clerks.add(store, boss, "甲", "clerk", PASSWORD, now=NOW)
    clerks.add(store, boss, "乙", "clerk", PASSWORD, now=NOW)
    hashes = [r[0] for r in store.sql("SELECT password_hash FROM clerk WHERE name IN ('甲', '乙')")]
    assert hashes[0] != hashes[1]


def test_a_short_password_is_refused_with_a_clear_message(store, boss):
    with pytest.raises(DeskError) as refused:
        clerks.add(store, boss, "小李", "clerk", "12345", now=NOW)
    assert refused.value.field == "password" and refused.value.message() == "密码至少需要6个字符。"


def test_a_clerk_cannot_add_clerks(store, signed_in_clerk):
    with pytest.raises(DeskError) as refused:
        clerks.add(store, signed_in_clerk, "小赵", "clerk", PASSWORD, now=NOW)
    assert refused.value.code == "forbidden"
    assert [c.name for c in clerks.all_clerks(store)] == ["王主任", "小李"]


def test_a_clerk_can_change_only_their_own_password(store, signed_in_clerk):
    clerks.set_password(store, signed_in_clerk, "小李", "new-password", PASSWORD, now=NOW)
    assert clerks.authenticate(store, "小李", "new-password", now=NOW) == signed_in_clerk
    with pytest.raises(DeskError) as refused:
        clerks.set_password(store, signed_in_clerk, "王主任", "taken-over", "new-password", now=NOW)
    assert refused.value.code == "forbidden"


def test_changing_ones_own_password_needs_the_old_one(store, signed_in_clerk):
    for old in (None, "", "not-the-old-one"):
        with pytest.raises(DeskError) as refused:
            clerks.set_password(store, signed_in_clerk, "小李", "new-password", old, now=NOW)
        assert refused.value.code == "forbidden" and refused.value.field == "old_password"
    assert clerks.authenticate(store, "小李", PASSWORD, now=NOW) == signed_in_clerk


def test_a_name_merely_claimed_cannot_change_that_accounts_password(store, boss):
    claimed = Actor("王主任", "clerk", proven=False)  # what an unsigned command line used to be
    with pytest.raises(DeskError) as refused:
        clerks.set_password(store, claimed, "王主任", "taken-over", now=NOW)
    assert refused.value.code == "forbidden"
    assert clerks.authenticate(store, "王主任", "admin-pass-1", now=NOW) == boss


def test_an_admin_sets_anyones_password_without_the_old_one(store, boss, signed_in_clerk):
    clerks.set_password(store, boss, "小李", "reset-by-admin", now=NOW)
    assert clerks.authenticate(store, "小李", "reset-by-admin", now=NOW) == signed_in_clerk


def test_the_last_active_admin_cannot_be_disabled(store, boss):
    with pytest.raises(DeskError) as refused:
        clerks.set_active(store, boss, "王主任", False, now=NOW)
    assert refused.value.code == "state"


def test_the_audit_log_names_the_admin_and_keeps_no_password(store, boss):
    clerks.add(store, boss, "小李", "clerk", PASSWORD, now=NOW)
    clerks.set_password(store, boss, "小李", "changed-pass", now=NOW)
    rows = store.sql("SELECT actor, action, after FROM audit WHERE entity = 'clerk' ORDER BY id").fetchall()
    assert [(actor, action) for actor, action, _ in rows] == [
        ("王主任", "add"), ("王主任", "add"), ("王主任", "passwd")]
    assert not any(PASSWORD in (after or "") or "changed-pass" in (after or "") for *_, after in rows)


def test_a_clerk_cannot_change_rules(store, signed_in_clerk):
    with pytest.raises(DeskError) as refused:
        rules.set_rule(store, signed_in_clerk, "kind:parking", "grace_minutes", "30", now=NOW)
    assert refused.value.code == "forbidden"


def test_a_clerk_cannot_add_a_space(store, signed_in_clerk):
    with pytest.raises(DeskError) as refused:
        inventory.add(store, signed_in_clerk, "P111", "parking", "车位111", now=NOW)
    assert refused.value.code == "forbidden"


def test_a_clerk_cannot_override_the_rules_when_booking(store, signed_in_clerk, resident, now):
    too_long = bookings.Request(resource="P001", start=now + timedelta(hours=1), end=now + timedelta(days=6),
                                resident_id=resident.id, plate="川A12345", override="家里有事")
    with pytest.raises(DeskError) as refused:
        bookings.book(store, signed_in_clerk, too_long, now)
    assert refused.value.code == "forbidden"


def test_clerk_commands_add_list_and_change_a_password(run_cli, monkeypatch):
    monkeypatch.setenv("LINLI_NEW_PASSWORD", "admin-pass-1")
    first = run_cli("clerk", "add", "王主任", "--role", "admin")  # a new store trusts its command line
    assert first.code == 0 and first.json["clerk"]["role"] == "admin"
    monkeypatch.setenv("LINLI_PASSWORD", "admin-pass-1")  # from now on the admin signs in
    monkeypatch.setenv("LINLI_NEW_PASSWORD", PASSWORD)
    added = run_cli("--user", "王主任", "clerk", "add", "小李", "--role", "clerk")
    assert added.code == 0 and added.json["clerk"]["role"] == "clerk"
    listed = run_cli("--user", "王主任", "clerk", "list").json["clerks"]
    assert [(c["name"], c["role"], c["active"]) for c in listed] == [("王主任", "admin", True), ("小李", "clerk", True)]
    changed = run_cli("--user", "王主任", "clerk", "passwd", "小李", "--password", "other-pass")
    assert changed.code == 0
    assert "password" not in changed.text and PASSWORD not in changed.text


def test_clerk_add_without_a_password_is_refused(run_cli, monkeypatch):
    monkeypatch.delenv("LINLI_NEW_PASSWORD", raising=False)
    result = run_cli("clerk", "add", "小李")
    assert result.code == 1 and result.json["code"] == "usage" and "LINLI_NEW_PASSWORD" in result.json["error"]


def test_with_no_console_the_password_prompt_refuses_clearly(run_cli, store, monkeypatch):
    """The windowed LinliDesk.exe has sys.stdin None: asking for a password there crashed (exit 3)."""
    monkeypatch.setattr(sys, "stdin", None)
    monkeypatch.delenv("LINLI_NEW_PASSWORD", raising=False)
    result = run_cli("clerk", "add", "小王")
    assert result.code == 1 and result.json["field"] == "password"
    assert "没有控制台" in result.json["error"] and "--password" in result.json["error"]
