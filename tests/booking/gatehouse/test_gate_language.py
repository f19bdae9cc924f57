"""A gate event's reason reads in the language in use, whichever language the desk was in when it was
recorded; the LED line stays Chinese, as it was sent (issue 12, "Mixed languages")."""
from __future__ import annotations

import base64
import io
from datetime import datetime

import pytest

from booking import cli
from booking.checkin import scanning
from booking.gatehouse import gates
from booking.gatehouse.gate_server import GateServer
from booking.ops import setup
from booking.places import stations
from booking.schedule import bookings
from booking.schedule.bookings import Request
from booking.store import audit, schema
from booking.store.connection import open_store
from booking.store.i18n import set_language
from tests.booking.gatehouse.gate_sim import Vzenith
from tests.conftest import TWO_ENGINES, db_arg

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)          # when the office set things up
EARLY = datetime(2026, 11, 24, 17, 0)        # tonight's entry opens at 18:30
IN_TIME = datetime(2026, 11, 24, 18, 45)
EARLY_ZH = "川A12345 太早了：18:30 起可入场（预约 19:00 开始）。"
EARLY_EN = "川A12345 is too early: entry opens at 18:30 (the booking starts 19:00)."
EARLY_LED = "未到入场时间 请到服务台"
IN_ZH = "道闸放行入场：P001 川A12345，19:00–11月25日 07:30。"
IN_EN = "Gate opened, entry: P001 川A12345, 19:00–11/25 07:30."


@pytest.fixture
def tonight(store, admin, resident) -> bookings.Booking:
    return bookings.book(store, admin, Request("P001", datetime(2026, 11, 24, 19, 0),
                                               datetime(2026, 11, 25, 7, 30), resident.id), NOW)


@pytest.fixture
def gate(store, admin) -> stations.Station:
    return stations.add(store, admin, "东门入口", gate="vzenith", camera="VZ-IN-01", camera_address="127.0.0.1",
                        mode="in", now=NOW)


def plate(store, gate, moment: datetime, text: str = "川A12345", key: str = "1") -> gates.Decision:
    return gates.handle(store, gate, gates.PlateRead("VZ-IN-01", key, text, moment), moment)


@pytest.mark.parametrize(("recorded", "shown", "expected"), [("zh", "en", EARLY_EN), ("en", "zh", EARLY_ZH)])
def test_a_refusal_reads_in_the_language_in_use(store, gate, tonight, recorded, shown, expected):
    set_language(recorded)
    plate(store, gate, EARLY)
    set_language(shown)
    (event,) = gates.events(store)
    assert (event["reason_key"], event["reason"], event["opened"]) == ("gate_too_early", expected, 0)
    assert gates.event(store, event["id"])["reason"] == expected


@pytest.mark.parametrize("recorded", ["zh", "en"])
def test_the_led_line_stays_chinese_whatever_the_desks_language(store, gate, tonight, recorded):
    set_language(recorded)
    assert plate(store, gate, EARLY).led == EARLY_LED
    assert gates.events(store)[0]["led"] == EARLY_LED


def test_a_refusal_keeps_its_parameters_not_its_words(store, gate, tonight):
    plate(store, gate, EARLY)
    params = gates.events(store)[0]["reason_params"]
    assert params == {"plate": "川A12345", "opens": "18:30", "start": "19:00"}


def test_an_opening_reads_in_the_language_in_use_with_the_day_it_ends(store, gate, tonight):
    set_language("zh")
    assert plate(store, gate, IN_TIME).reason == IN_ZH
    set_language("en")
    assert gates.events(store)[0]["reason"] == IN_EN


def test_the_gates_scan_and_its_check_in_read_in_the_language_in_use(store, gate, tonight):
    """Both used to keep the Chinese text; the check-in's audit entry even read "{resource}，{window}"."""
    set_language("zh")
    plate(store, gate, IN_TIME)
    set_language("en")
    row = scanning.recent(store, limit=1)[0]
    assert audit.stored_text(row["reason_key"], row["reason"], row["reason_params"]) == IN_EN
    entry = audit.entries(store, "booking", tonight.id, limit=1)[0]
    assert (entry["action"], entry["reason"]) == ("check-in", IN_EN)


def test_a_near_read_reads_in_the_language_in_use(store, gate, tonight):
    set_language("zh")
    plate(store, gate, IN_TIME, text="川A1234S")
    set_language("en")
    assert gates.events(store)[0]["reason"] == ("“川A1234S” is close to the booked plate 川A12345 but not the same; "
                                                "the gate stays shut, please check.")


def test_a_resent_event_is_answered_in_the_language_in_use_and_the_led_as_sent(store, gate, tonight):
    set_language("zh")
    plate(store, gate, EARLY)
    set_language("en")
    again = plate(store, gate, EARLY)
    assert again.duplicate and (again.reason, again.led) == (EARLY_EN, EARLY_LED)


def test_letting_in_by_hand_reads_in_the_language_in_use_with_the_clerks_words(store, clerk, gate, tonight):
    set_language("zh")
    plate(store, gate, EARLY)
    gates.let_in(store, clerk, gates.events(store)[0]["id"], "住户提前回家，已核实", EARLY)
    set_language("en")
    row = [r for r in scanning.recent(store) if r["reason_key"] == "gate_let_in"][0]
    assert audit.stored_text(row["reason_key"], row["reason"], row["reason_params"]) == \
        "Let in by hand: 住户提前回家，已核实"


def test_reason_text_writes_a_listed_event_again_in_the_language_in_use(store, gate, tonight):
    set_language("zh")
    plate(store, gate, EARLY)
    (event,) = gates.events(store)
    set_language("en")
    assert gates.reason_text(event) == EARLY_EN


def test_an_event_recorded_before_the_migration_keeps_its_text(store_path):
    """An older version's store: migrated on open, its gate events show as they were recorded."""
    old = open_store(store_path, migrate=False)
    schema.MIGRATIONS.apply(old.db, stop_before="0012_gate_event_params")
    with old.write():
        old.conn.execute(
            "INSERT INTO gate_event(camera, event_key, station, at, received_at, plate_read, plate, opened, "
            "reason_key, reason, led) VALUES ('VZ-IN-01', '7', '东门入口', '2026-11-24 17:00:00', "
            "'2026-11-24 17:00:00', '川B99999', '川B99999', 0, 'gate_no_booking', "
            "'川B99999 没有可在此道闸使用的预约，未开闸。', '未预约 请到服务台')")
    old.close()
    migrated = setup.open_ready(store_path, now=NOW)
    try:
        set_language("en")
        (event,) = gates.events(migrated)
        assert (event["reason"], event["reason_params"], event["led"]) == \
            ("川B99999 没有可在此道闸使用的预约，未开闸。", None, "未预约 请到服务台")
        assert gates.reason_text(event) == event["reason"]
    finally:
        migrated.close()


# --- the command line: `gate events` -----------------------------------------------------

@pytest.mark.parametrize(("recorded", "lang", "expected"), [("zh", "en", EARLY_EN), ("en", "zh", EARLY_ZH)])
def test_gate_events_answers_in_the_language_asked_for(store, run_cli, gate, tonight, recorded, lang, expected):
    set_language(recorded)
    plate(store, gate, EARLY)
    answer = run_cli("--lang", lang, "gate", "events")
    assert answer.code == 0
    (event,) = answer.json["events"]
    assert (event["reason"], event["reason_key"], event["led"]) == (expected, "gate_too_early", EARLY_LED)
    assert event["reason_params"] == {"plate": "川A12345", "opens": "18:30", "start": "19:00"}
    assert {"id", "camera", "station", "at", "received_at", "plate_read", "plate", "confidence", "offline",
            "opened", "booking_id", "suggested_id", "scan_id", "has_photo"} <= set(event)


@pytest.mark.parametrize(("recorded", "lang", "expected"), [("zh", "en", EARLY_EN), ("en", "zh", EARLY_ZH)])
def test_gate_events_as_text_in_the_language_asked_for(store, store_at, gate, tonight, recorded, lang, expected):
    set_language(recorded)
    plate(store, gate, EARLY)
    out = io.StringIO()
    assert cli.run(["--db", db_arg(store_at), "--lang", lang, "gate", "events"], out) == 0
    assert expected in out.getvalue()


# --- a camera over loopback, the desk in English ------------------------------------------

def test_a_camera_at_an_english_desk_gets_its_led_line_in_chinese(store, store_at, gate, tonight):
    set_language("en")
    server = GateServer(store_at, "127.0.0.1", 0, lambda: EARLY, auto_sync=False, heartbeat_hold_s=0).start()
    try:
        body = Vzenith("http://{}:{}".format(*server.address), "VZ-IN-01").plate("川A12345", EARLY).json
    finally:
        server.stop()
    answer = body["Response_AlarmInfoPlate"]
    assert answer["info"] == "no"
    assert base64.b64decode(answer["serialData"][0]["data"]).decode("gb2312") == EARLY_LED
    set_language("zh")
    assert gates.events(store)[0]["reason"] == EARLY_ZH
