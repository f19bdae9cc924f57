"""Every headless command answers in JSON: success exits 0, a refusal exits 1 with error and code."""
from __future__ import annotations

from datetime import datetime

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from booking import cli

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def booked(run_cli):
    run_cli("resident", "add", "--name", "张三丰", "--door", "3-2-501", "--phone", "13812345678", "--plate", "川A12345")
    return run_cli("book", "--resource", "P001", "--start", "2026-11-24 19:00", "--end", "2026-11-25 07:30",
                   "--resident", "1")


def test_init_is_idempotent(run_cli):
    first, second = run_cli("init"), run_cli("init")
    assert first.code == second.code == 0
    assert first.json["resources"] == second.json["resources"] == 117


def test_resources_lists_110_spaces_and_the_rooms(run_cli):
    found = run_cli("resources").json["resources"]
    assert sum(r["kind"] == "parking" for r in found) == 110
    assert {"市民广场", "健身广场", "党群驿站", "邻里驿站"} <= {r["name"] for r in found}
    assert found[0]["code"] == "P001"


def test_resident_add_and_find(run_cli):
    added = run_cli("resident", "add", "--name", "李四", "--door", "5栋1单元302", "--phone", "13987654321")
    assert added.code == 0 and isinstance(added.json["id"], int)
    found = run_cli("resident", "find", "4321").json["residents"]
    assert [r["id"] for r in found] == [added.json["id"]]
    assert found[0]["phone"] == "139****4321"  # masked


def test_resident_add_refuses_a_bad_phone(run_cli):
    result = run_cli("resident", "add", "--name", "李四", "--door", "5栋1单元302", "--phone", "12345")
    assert result.code == 1 and result.json["code"] == "invalid" and "手机号" in result.json["error"]


def test_book_answers_with_the_booking(booked):
    assert booked.code == 0
    assert booked.json["bookings"] == [{"id": 1, "resource": "P001", "start": "2026-11-24 19:00",
                                        "end": "2026-11-25 07:30", "status": "booked"}]
    assert booked.json["skipped"] == []


def test_book_refuses_a_clash(run_cli, booked):
    result = run_cli("book", "--resource", "P001", "--start", "2026-11-25 07:00", "--end", "2026-11-25 08:00",
                     "--resident", "1")
    assert result.code == 1 and result.json["code"] == "clash"


def test_book_refuses_a_rule_breach(run_cli, booked):
    result = run_cli("book", "--resource", "P002", "--start", "2026-11-24 12:00", "--end", "2026-11-29 12:00",
                     "--resident", "1")
    assert result.code == 1 and result.json["code"] == "rule"


def test_book_with_a_repeat_and_skip_clashes(run_cli, booked):
    result = run_cli("book", "--resource", "P001", "--start", "2026-11-23 19:30", "--end", "2026-11-24 07:00",
                     "--resident", "1", "--repeat", "FREQ=DAILY;COUNT=3", "--skip-clashes", now="2026-11-23 10:00")
    assert result.code == 0
    assert [b["start"] for b in result.json["bookings"]] == ["2026-11-23 19:30", "2026-11-25 19:30"]
    assert [s["start"] for s in result.json["skipped"]] == ["2026-11-24 19:30"]


@pytest.mark.parametrize("args,field", [
    (["--start", "2026-11-24 19:00", "--end", "2026-11-24 18:00"], "end"),
    (["--start", "tonight", "--end", "2026-11-25 07:00"], "start"),
    (["--start", "2026-02-30 19:00", "--end", "2026-11-25 07:00"], "start"),
])
def test_book_refuses_bad_times(run_cli, booked, args, field):
    result = run_cli("book", "--resource", "P003", "--resident", "1", *args)
    assert result.code == 1 and result.json["code"] == "invalid" and result.json["field"] == field


def test_book_refuses_an_unknown_resource(run_cli, booked):
    result = run_cli("book", "--resource", "X9", "--start", "2026-11-24 19:00", "--end", "2026-11-25 07:00",
                     "--resident", "1")
    assert result.code == 1 and result.json["code"] == "not_found"


def test_cancel_then_list_shows_the_status(run_cli, booked):
    assert run_cli("cancel", "1").code == 0
    listed = run_cli("list", "--date", "2026-11-25").json["bookings"]
    assert [(b["id"], b["status"]) for b in listed] == [(1, "cancelled")]
    assert run_cli("list", "--date", "2026-11-25", "--active").json["bookings"] == []


def test_cancel_an_unknown_booking_is_not_found(run_cli):
    result = run_cli("cancel", "42")
    assert result.code == 1 and result.json["code"] == "not_found"


def test_list_includes_overnight_bookings_on_both_dates(run_cli, booked):
    assert [b["id"] for b in run_cli("list", "--date", "2026-11-24").json["bookings"]] == [1]
    assert [b["id"] for b in run_cli("list", "--date", "2026-11-25").json["bookings"]] == [1]


def test_free_for_a_window(run_cli, booked):
    free = run_cli("free", "--start", "2026-11-24 20:00", "--end", "2026-11-24 22:00", "--kind", "parking").json
    assert len(free["resources"]) == 109 and "P001" not in [r["code"] for r in free["resources"]]


def test_resource_add_rename_disable(run_cli):
    assert run_cli("resource", "add", "P111", "--kind", "parking", "--name-zh", "共享车位 P111").code == 0
    renamed = run_cli("resource", "rename", "P111", "--name-zh", "充电车位 P111", "--name-en", "EV space P111")
    assert renamed.json["resource"]["name_zh"] == "充电车位 P111"
    assert run_cli("resource", "disable", "P111").json["resource"]["enabled"] is False
    assert run_cli("resource", "add", "P111", "--kind", "parking", "--name-zh", "x").json["code"] == "invalid"


def test_rule_set_and_list(run_cli):
    assert run_cli("rule", "set", "kind:parking", "grace_minutes", "45").code == 0
    values = {(r["scope"], r["name"]): r["value"] for r in run_cli("rule", "list").json["rules"]}
    assert values[("kind:parking", "grace_minutes")] == 45


def test_closure_add_and_list(run_cli):
    made = run_cli("closure", "add", "--scope", "res:R06", "--start", "2026-12-05 08:00", "--end", "2026-12-05 18:00",
                   "--reason", "社区文化节")
    assert made.code == 0
    assert [c["reason"] for c in run_cli("closure", "list").json["closures"]] == ["社区文化节"]


def test_audit_lists_changes_newest_first(run_cli, booked):
    entries = run_cli("audit", "--entity", "booking").json["entries"]
    assert entries[0]["action"] == "book" and entries[0]["entity_id"] == "1"


def test_audit_find_keeps_the_entries_mentioning_a_text_in_either_case(run_cli, booked):
    entries = run_cli("audit", "--find", "BOOK").json["entries"]
    assert entries and {entry["action"] for entry in entries} >= {"book"}
    assert run_cli("audit", "--find", "50%").json["entries"] == []  # a typed % is no wildcard


def test_demo_fills_a_store(run_cli):
    result = run_cli("demo", "--years", "0.02")
    assert result.code == 0 and result.json["bookings"] > 500
    assert run_cli("list", "--date", "2026-11-23").json["bookings"]


def test_wrong_usage_exits_2_with_a_message(run_cli):
    result = run_cli("book", "--resource", "P001")
    assert result.code == 2 and result.json["code"] == "usage"


def test_a_malformed_now_exits_2(run_cli):
    result = run_cli("resources", now="yesterday")
    assert result.code == 2 and result.json["field"] == "now"


def test_messages_follow_the_language(run_cli):
    result = run_cli("cancel", "42", "--lang", "en")
    assert result.json["error"] == "There is no booking with id 42."


def test_a_store_that_is_not_a_database_exits_1_and_is_untouched(tmp_path):
    bad = tmp_path / "photo.sqlite3"
    bad.write_bytes(b"\x89PNG\r\n" + bytes(range(256)) * 4)
    before = bad.read_bytes()
    out = subprocess.run([sys.executable, "app.py", "--db", str(bad), "resources", "--json"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 1 and '"code": "store"' in out.stdout and "Traceback" not in out.stderr
    assert bad.read_bytes() == before


def test_a_no_show_frees_its_space_for_the_next_booking(run_cli, booked):
    run_cli("resident", "add", "--name", "李四", "--door", "5栋1单元302", "--phone", "13987654321",
            "--plate", "川AD12345")
    late = run_cli("book", "--resource", "P001", "--start", "2026-11-24 19:40", "--end", "2026-11-24 23:00",
                   "--resident", "2", now="2026-11-24 19:35")
    assert late.code == 0
    assert run_cli("show", "1").json["booking"]["status"] == "no_show"


def test_once_accounts_exist_a_command_without_sign_in_acts_as_a_clerk(run_cli, store_path, monkeypatch):
    from booking.ops import setup
    from booking.people import clerks
    store = setup.open_ready(store_path, now=NOW)
    clerks.create_first_admin(store, "admin", "secret-123", now=NOW)
    store.close()
    refused = run_cli("rule", "set", "kind:parking", "grace_minutes", "45")
    assert refused.code == 1 and refused.json["code"] == "forbidden"
    monkeypatch.setenv("LINLI_PASSWORD", "wrong-one")
    assert run_cli("rule", "set", "kind:parking", "grace_minutes", "45", "--user", "admin").json["code"] == "forbidden"
    monkeypatch.setenv("LINLI_PASSWORD", "secret-123")
    assert run_cli("rule", "set", "kind:parking", "grace_minutes", "45", "--user", "admin").code == 0


def test_the_top_level_help_lists_every_command(run_cli):
    result = run_cli("--help")
    assert result.code == 0 and "store-adopt" in result.json["help"] and "%APPDATA%" in result.json["help"]


def test_the_program_help_and_every_command_help_format(tmp_path):
    """argparse formats help texts with %: a bare % (as in %APPDATA%) made `app.py --help` crash."""
    out = subprocess.run([sys.executable, "app.py", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and "store-adopt" in out.stdout
    for name in sorted({name.split()[0] for name in cli.commands()}):
        answer = io.StringIO()
        assert cli.run([name, "--help", "--json"], answer) == 0, name
        assert json.loads(answer.getvalue())["help"], name


def test_help_with_json_answers_json(run_cli):
    result = run_cli("book", "--help")
    assert result.code == 0 and "--resource" in result.json["help"]
