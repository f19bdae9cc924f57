"""The commands on the store on the PostgreSQL server: `--db postgresql://...` and LINLI_DB, against the
real test server. They run in this process, through the command line's own entry (`cli.run`, what
app.py calls), so each costs its work and not 1.5 s of starting Python; one test runs the real
`python app.py` the way a scheduled task does."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from unittest import mock

import pytest

from booking.cli import main as cli
from booking.ops import setup
from booking.store import audit, location
from tests.conftest import server_location

ROOT = Path(__file__).resolve().parents[3]
AT_10 = ("--now", "2026-11-24 10:00")


def app(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict]:
    out = io.StringIO()
    with mock.patch.dict(os.environ, env or {}):
        code = cli.run([*args, "--json"], out)
    return code, json.loads(out.getvalue().splitlines()[-1])


def program(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict]:
    """`python app.py ARGS --json` in a process of its own, as a scheduled task runs it."""
    environment = {**os.environ, **(env or {})}
    done = subprocess.run([sys.executable, str(ROOT / "app.py"), *args, "--json"], capture_output=True, text=True,
                          env=environment, cwd=ROOT, timeout=120)
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout.splitlines()[-1])


@pytest.fixture
def server_db(pg_empty_url) -> str:
    """The --db URL of an empty database on the server, made a store by `init --db URL`."""
    url = server_location(pg_empty_url).url()
    code, made = app("--db", url, *AT_10, "init")
    assert code == 0 and made["resources"] == 117 and made["migrations"][0] == "0001_core", made
    return url


def test_a_booking_is_made_listed_scanned_and_refused_cancelling_on_the_server(server_db):
    code, added = app("--db", server_db, *AT_10, "resident", "add", "--name", "张三丰", "--door", "3栋2单元501",
                      "--phone", "13812345678", "--plate", "川A12345")
    assert code == 0, added
    resident = str(added["id"])
    code, booked = app("--db", server_db, *AT_10, "book", "--resource", "P001", "--resident", resident,
                       "--start", "2026-11-24 19:00", "--end", "2026-11-25 07:30")
    assert code == 0, booked
    booking = booked["bookings"][0]["id"]
    code, clash = app("--db", server_db, *AT_10, "book", "--resource", "P001", "--resident", resident,
                      "--start", "2026-11-24 20:00", "--end", "2026-11-24 21:00")
    assert (code, clash["code"]) == (1, "clash") and f"预约号 {booking}" in clash["error"]
    code, day = program(*AT_10, "list", "--date", "2026-11-24", env={"LINLI_DB": server_db})  # LINLI_DB as --db
    assert code == 0 and [b["id"] for b in day["bookings"]] == [booking]
    code, shown = app("--db", server_db, *AT_10, "pass", str(booking))
    assert code == 0, shown
    code, scanned = app("--db", server_db, "--now", "2026-11-24 19:02", "scan", shown["payload"])
    assert (code, scanned["ok"], scanned["action"]) == (0, True, "check-in"), scanned
    code, refused = app("--db", server_db, *AT_10, "cancel", str(booking))
    assert (code, refused["code"]) == (1, "state")  # checked in: no longer cancellable, as on the file


def test_a_booking_is_cancelled_on_the_server(server_db):
    code, added = app("--db", server_db, *AT_10, "resident", "add", "--name", "李四", "--door", "5栋1单元302",
                      "--phone", "13987654321", "--plate", "川AD12345")
    code, booked = app("--db", server_db, *AT_10, "book", "--resource", "P002", "--resident", str(added["id"]),
                       "--start", "2026-11-24 19:00", "--end", "2026-11-24 21:00")
    booking = booked["bookings"][0]["id"]
    code, cancelled = app("--db", server_db, *AT_10, "cancel", str(booking), "--reason", "居民来电取消")
    assert code == 0, cancelled
    code, day = app("--db", server_db, *AT_10, "list", "--date", "2026-11-24", "--active")
    assert code == 0 and day["bookings"] == []


def test_a_database_without_a_store_is_refused_naming_it_and_left_empty(pg_empty_url):
    where = server_location(pg_empty_url.set(password="not-shown-pw"))
    code, refused = app("--db", where.url(), *AT_10, "list", "--date", "2026-11-24")
    assert (code, refused["code"]) in ((1, "not_found"), (1, "store"))
    assert "not-shown-pw" not in json.dumps(refused, ensure_ascii=False)
    real = server_location(pg_empty_url)
    code, refused = app("--db", real.url(), *AT_10, "list", "--date", "2026-11-24")
    assert (code, refused["code"]) == (1, "not_found") and real.shown() in refused["error"]


def test_a_command_on_the_store_file_itself_is_refused_on_the_server(server_db):
    # (backup and restore work on the server: tests/booking/ops/test_server_backup.py)
    code, refused = app("--db", server_db, "store-check")
    assert (code, refused["code"]) == (1, "store") and "store-check" in refused["error"]


def test_demo_data_on_the_server_is_refused_saying_how_to_get_it_there_and_nothing_is_written(server_db):
    code, refused = app("--db", server_db, *AT_10, "demo", "--years", "0.1")  # it was an internal error, exit 3
    assert (code, refused["code"]) == (1, "store"), refused
    assert "copy-store" in refused["error"] and location.parse(server_db).shown() in refused["error"]
    code, english = app("--db", server_db, *AT_10, "--lang", "en", "demo", "--years", "0.1")
    assert code == 1 and english["error"].startswith("Demo data can only be made in a store file on this PC")
    store = setup.open_ready(location.parse(server_db), now=datetime(2026, 11, 24, 10, 0))
    try:
        written = [store.sql(f"SELECT count(*) FROM {table}").fetchone()[0]
                   for table in ("booking", "household", "resident", "series")]
        assert written == [0, 0, 0, 0]
        assert not [e for e in audit.entries(store, None, None, 50) if e["action"] == "demo"]
    finally:
        store.close()


def test_each_compound_of_a_district_is_chosen_by_the_schema_in_the_url(pg_empty_url):
    def url(schema: str) -> str:  # as a clerk types it: every option, the schema among them
        return pg_empty_url.set(drivername="postgresql").update_query_dict({"schema": schema}).render_as_string(
            hide_password=False)
    for schema in ("guidong_01", "xinfu_02"):
        code, made = app("--db", url(schema), *AT_10, "init")
        assert code == 0 and made["migrations"][0] == "0001_core", made
    code, added = app("--db", url("guidong_01"), *AT_10, "resident", "add", "--name", "张三丰", "--door",
                      "3栋2单元501", "--phone", "13812345678", "--plate", "川A12345")
    assert code == 0, added
    code, booked = app("--db", url("guidong_01"), *AT_10, "book", "--resource", "P001", "--resident",
                       str(added["id"]), "--start", "2026-11-24 19:00", "--end", "2026-11-25 07:30")
    assert code == 0, booked
    code, there = app(*AT_10, "list", "--date", "2026-11-24", env={"LINLI_DB": url("xinfu_02")})
    assert code == 0 and there["bookings"] == []  # the other compound's day is empty
    code, refused = app("--db", url("guidong_10"), *AT_10, "list", "--date", "2026-11-24")  # mistyped
    assert (code, refused["code"]) == (1, "not_found") and "schema=guidong_10" in refused["error"]
    code, bad = app("--db", url("Guidong"), *AT_10, "list", "--date", "2026-11-24")
    assert (code, bad["code"], bad["field"]) == (2, "invalid", "db") and "guidong_01" in bad["error"]  # the rule
