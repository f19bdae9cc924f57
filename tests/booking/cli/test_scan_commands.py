"""The headless scan, reissue, sweep, station and key commands and their JSON answers."""
from __future__ import annotations

from datetime import datetime

import pytest

from booking.checkin import passcode, passes
from booking.schedule import bookings
from booking.schedule.bookings import Request
from tests.conftest import TWO_ENGINES, db_arg

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server


@pytest.fixture
def tonight(store, admin, resident, now) -> bookings.Booking:
    return bookings.book(store, admin, Request("P001", datetime(2026, 11, 24, 19), datetime(2026, 11, 25, 7, 30),
                                               resident.id), now)


@pytest.fixture
def text(store, tonight) -> str:
    return passes.pass_text(store, tonight.id)


def test_scan_checks_in_and_answers_with_the_booking(run_cli, text, tonight):
    result = run_cli("scan", text, now="2026-11-24 18:45")
    assert result.code == 0
    answer = result.json
    assert (answer["ok"], answer["action"], answer["reason_key"], answer["station"]) == (
        True, "check-in", "scan_check_in", "desk")
    assert answer["booking"]["id"] == tonight.id and answer["booking"]["status"] == "checked_in"
    assert answer["booking"]["phone"] == "138****5678"  # masked, as everywhere outside the desk's own view


def test_the_next_scan_checks_out(run_cli, text):
    run_cli("scan", text, now="2026-11-24 18:45")
    assert run_cli("scan", text, now="2026-11-25 07:00").json["action"] == "check-out"


def test_a_refused_pass_is_a_normal_answer(run_cli, text):
    result = run_cli("scan", text, now="2026-11-24 18:00")
    assert result.code == 0
    assert (result.json["ok"], result.json["action"], result.json["reason_key"]) == (False, None, "scan_too_early")
    assert result.json["reason"] == "太早了：19:00 前 30 分钟起可签到（18:30）。"


@pytest.mark.parametrize("junk", ["hello", "", "'; DROP TABLE booking;--", "１２３"])
def test_junk_is_refused_not_an_error(run_cli, junk):
    result = run_cli("scan", junk)
    assert result.code == 0 and result.json["ok"] is False and result.json["booking"] is None


def test_scan_answers_in_english_when_asked(run_cli, text):
    assert run_cli("--lang", "en", "scan", text, now="2026-11-24 18:00").json["reason"].startswith("Too early")


def test_scan_without_text_is_wrong_usage(run_cli):
    result = run_cli("scan")
    assert result.code == 2 and result.json["code"] == "usage"


def test_scan_at_an_unknown_station_is_an_error_naming_the_known_ones(run_cli, text):
    result = run_cli("scan", text, "--station", "gate")
    assert result.code == 1 and result.json["code"] == "not_found" and "desk" in result.json["error"]


def test_scan_sweeps_first_so_a_late_pass_is_a_no_show(run_cli, text, store, tonight):
    assert run_cli("scan", text, now="2026-11-24 19:40").json["reason_key"] == "scan_no_show"
    assert bookings.get(store, tonight.id).status == "no_show"


def test_station_add_and_list(run_cli):
    added = run_cli("station", "add", "车场入口", "--kind", "parking", "--mode", "in")
    assert added.code == 0
    assert added.json["station"] == {"name": "车场入口", "kinds": ["parking"], "resources": [], "mode": "in",
                                     "mode_text": "只进", "takes": "车位"}
    names = [s["name"] for s in run_cli("station", "list").json["stations"]]
    assert names == ["desk", "车场入口"]


def test_a_station_for_rooms_refuses_a_parking_pass(run_cli, text):
    run_cli("station", "add", "党群驿站门口", "--resource", "R01")
    result = run_cli("scan", text, "--station", "党群驿站门口", now="2026-11-24 18:45")
    assert (result.code, result.json["reason_key"]) == (0, "scan_wrong_station")


def test_station_add_refuses_an_unknown_resource_and_the_desk_name(run_cli):
    assert run_cli("station", "add", "x", "--resource", "P999").json["code"] == "not_found"
    assert run_cli("station", "add", "desk").json["code"] == "invalid"
    assert run_cli("station", "add", "x", "--kind", "boat").code == 2


def test_station_remove(run_cli):
    run_cli("station", "add", "出口", "--mode", "out")
    assert run_cli("station", "remove", "出口").json == {"removed": "出口"}
    assert [s["name"] for s in run_cli("station", "list").json["stations"]] == ["desk"]


def test_reissue_gives_a_new_pass_and_the_old_one_stops_working(run_cli, text, tonight):
    result = run_cli("reissue", str(tonight.id), "--reason", "凭条丢失")
    assert result.code == 0
    assert result.json["revision"] == 2 and result.json["payload"] != text
    assert len(result.json["payload"]) == passcode.PASS_LENGTH_V2
    assert run_cli("scan", text, now="2026-11-24 18:45").json["reason_key"] == "scan_replaced"
    assert run_cli("scan", result.json["payload"], now="2026-11-24 18:46").json["ok"] is True


def test_reissue_of_an_unknown_booking_is_an_error(run_cli):
    result = run_cli("reissue", "424242")
    assert result.code == 1 and result.json["code"] == "not_found"


def test_sweep_lists_no_shows_and_overstays(run_cli, tonight):
    assert run_cli("sweep", now="2026-11-24 19:00").json == {"no_shows": [], "overstays": []}
    assert run_cli("sweep", now="2026-11-24 19:30").json == {"no_shows": [tonight.id], "overstays": []}


def test_sweep_lists_an_overstay(run_cli, text, tonight):
    run_cli("scan", text, now="2026-11-24 18:45")
    over = run_cli("sweep", now="2026-11-25 08:00").json["overstays"]
    assert [(o["id"], o["minutes_over"]) for o in over] == [(tonight.id, 30)]


def test_key_rotate_keeps_old_passes_and_retire_old_refuses_them(run_cli, text):
    assert run_cli("key", "rotate").json["kid"] == 2
    assert run_cli("scan", text, now="2026-11-24 18:45").json["ok"] is True
    assert run_cli("key", "rotate", "--retire-old").json == {"kid": 3, "retired_old": True}
    assert run_cli("scan", text, now="2026-11-25 07:00").json["reason_key"] == "scan_unknown_key"


def test_plain_output_says_ok_or_refused(store_at, text, capsys):
    import io
    from booking import cli
    out = io.StringIO()
    assert cli.run(["--db", db_arg(store_at), "--now", "2026-11-24 18:00", "scan", text], out) == 0
    assert out.getvalue().startswith("✗ 拒绝  太早了")


def test_manual_command_checks_in_by_hand_and_needs_a_reason(run_cli):
    run_cli("resident", "add", "--name", "张三丰", "--door", "3-2-501", "--phone", "13812345678", "--plate", "川A12345")
    run_cli("book", "--resource", "P001", "--start", "2026-11-24 19:00", "--end", "2026-11-25 07:30", "--resident", "1")
    done = run_cli("manual", "1", "--reason", "扫码枪坏了", now="2026-11-24 19:10")
    assert done.code == 0 and done.json["action"] == "check-in" and done.json["ok"] is True
    assert run_cli("manual", "1").code == 2
