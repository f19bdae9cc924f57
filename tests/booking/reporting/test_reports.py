"""Usage reports: the monthly summary, heat-map matrices, and exports that open, agree and stay masked."""
from __future__ import annotations

import csv
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from booking.checkin import passes, scanning
from booking.ops import demo
from booking.reporting import exports, reports
from booking.schedule import bookings
from booking.store import audit
from booking.schedule.bookings import Request
from booking.store.errors import DeskError
from booking.checkin.sweep import sweep
from tests.conftest import TWO_ENGINES, sqlite_only

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


NOVEMBER = date(2026, 11, 1)


def scan(store, actor, booking, moment: str) -> None:
    scanning.scan(store, actor, passes.pass_text(store, booking.id), "desk", now=at(moment))


@pytest.fixture
def month(store, admin, resident, neighbour) -> dict[str, bookings.Booking]:
    """Early November: one stay overnight, two no-shows by 3栋2单元501, two room meetings by 5栋1单元302."""
    made = {}
    made["night"] = bookings.book(store, admin, Request("P001", at("2026-11-02 19:00"), at("2026-11-03 07:00"),
                                                        resident.id), at("2026-11-01 08:00"))
    made["missed1"] = bookings.book(store, admin, Request("P002", at("2026-11-04 08:00"), at("2026-11-04 10:00"),
                                                          resident.id), at("2026-11-01 08:00"))
    scan(store, admin, made["night"], "2026-11-02 18:55")
    scan(store, admin, made["night"], "2026-11-03 06:50")
    made["missed2"] = bookings.book(store, admin, Request("P003", at("2026-11-06 08:00"), at("2026-11-06 10:00"),
                                                          resident.id), at("2026-11-03 07:00"))
    made["meeting"] = bookings.book(store, admin, Request("R01", at("2026-11-05 14:00"), at("2026-11-05 16:00"),
                                                          neighbour.id, purpose="邻里议事会"), at("2026-11-01 08:00"))
    made["calligraphy"] = bookings.book(store, admin, Request("R02", at("2026-11-07 09:00"), at("2026-11-07 10:00"),
                                                              neighbour.id, purpose="书法练习"), at("2026-11-01 08:00"))
    scan(store, admin, made["meeting"], "2026-11-05 13:55")
    scan(store, admin, made["calligraphy"], "2026-11-07 08:58")
    sweep(store, at("2026-11-24 10:00"))
    return made


# --- the monthly summary ---------------------------------------------------------------------------

def test_the_summary_counts_the_bookings_of_the_month_by_kind(store, month):
    counts = reports.monthly_summary(store, NOVEMBER)["bookings"]
    assert counts == {"total": 5, "cancelled": 0, "parking": 3, "room": 2}


def test_the_no_show_rate_is_no_shows_over_bookings(store, month):
    no_shows = reports.monthly_summary(store, NOVEMBER)["no_shows"]
    assert (no_shows["total"], no_shows["rate_pct"]) == (2, 40.0)
    assert no_shows["parking"] == {"bookings": 3, "no_shows": 2, "rate_pct": 66.7}


def test_a_household_with_two_no_shows_in_the_month_is_listed(store, month):
    assert reports.monthly_summary(store, NOVEMBER)["repeated_no_shows"] == [
        {"household": "3栋2单元501", "no_shows": 2}]


def test_room_use_is_given_by_room_purpose_and_masked_organiser(store, month):
    rooms = reports.monthly_summary(store, NOVEMBER)["rooms"]
    assert [(r["code"], r["hours"]) for r in rooms["by_room"]] == [("R01", 2.0), ("R02", 1.0)]
    assert {p["purpose"] for p in rooms["by_purpose"]} == {"邻里议事会", "书法练习"}
    assert rooms["by_organiser"] == [{"household": "5栋1单元302", "name": "李*", "bookings": 2, "hours": 3.0}]


def test_the_busiest_hours_are_those_the_overnight_stay_covered(store, month):
    busiest = [h["hour"] for h in reports.monthly_summary(store, NOVEMBER)["busiest_hours"]]
    assert set(busiest) <= set(range(19, 24)) | set(range(0, 7))


def test_occupancy_is_given_for_each_zone_of_each_kind(store, month):
    zones = reports.monthly_summary(store, NOVEMBER)["occupancy"]["zones"]
    assert [(z["kind"], z["zone"]) for z in zones if z["kind"] == "parking"] == [
        ("parking", "A"), ("parking", "B"), ("parking", "C"), ("parking", "D")]
    assert sum(z["resources"] for z in zones) == 117


def test_a_month_is_written_as_year_and_month(store):
    with pytest.raises(DeskError) as caught:
        reports.parse_month("2026/11")
    assert (caught.value.code, caught.value.field) == ("invalid", "month")


# --- heat-maps -------------------------------------------------------------------------------------

def test_the_spaces_heatmap_has_a_row_per_resource_and_a_column_per_day(store, month):
    hm = reports.heatmap(store, *reports.month_range(NOVEMBER), "spaces", month=True)
    assert (len(hm.rows), len(hm.columns)) == (117, 30)
    assert len(hm.values) == 117 and all(len(row) == 30 for row in hm.values)


def test_an_overnight_stay_fills_both_days_of_its_space(store, month):
    hm = reports.heatmap(store, *reports.month_range(NOVEMBER), "spaces", month=True)
    p001 = hm.values[hm.rows.index("P001")]
    assert (p001[1], p001[2]) == (300 / 1440, 420 / 1440)  # 2 Nov 19:00–24:00, 3 Nov 00:00–07:00


def test_a_no_show_leaves_its_space_empty_on_the_heatmap(store, month):
    hm = reports.heatmap(store, *reports.month_range(NOVEMBER), "spaces", month=True)
    assert hm.values[hm.rows.index("P002")][3] == 0.0


def test_the_hours_heatmap_is_hour_by_weekday(store, month):
    hm = reports.heatmap(store, *reports.week_range(date(2026, 11, 3)), "hours")
    assert (len(hm.rows), len(hm.columns)) == (24, 7)
    assert hm.values[19][0] == 1 / 110  # Monday 2 Nov 19:00–20:00: one space of 110
    assert hm.values[12][0] == 0.0


def test_a_week_runs_monday_to_sunday(store):
    assert reports.period("2026-11-26") == (date(2026, 11, 23), date(2026, 11, 30), False)
    assert reports.period("2026-02") == (date(2026, 2, 1), date(2026, 3, 1), True)


# --- exports ---------------------------------------------------------------------------------------

def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def read_xlsx(path) -> list[list[str]]:
    book = load_workbook(path, read_only=True)
    rows = [["" if v is None else str(v) for v in row] for row in book.active.iter_rows(values_only=True)]
    book.close()
    return rows


def test_the_csv_starts_with_a_byte_order_mark_for_excel(store, admin, month, tmp_path):
    exports.export_bookings(store, admin, date(2026, 11, 1), date(2026, 11, 30), csv_path=str(tmp_path / "b.csv"),
                            now=NOW)
    assert (tmp_path / "b.csv").read_bytes().startswith(b"\xef\xbb\xbf")


@sqlite_only("demo.fill writes through the SQLite connection only")
def test_csv_and_excel_hold_the_same_rows(store, admin, now, tmp_path):
    demo.fill(store, years=3 / 365, now=now, days_ahead=2)
    result = exports.export_bookings(store, admin, date(2026, 11, 21), date(2026, 11, 25),
                                     csv_path=str(tmp_path / "b.csv"), xlsx_path=str(tmp_path / "b.xlsx"), now=now)
    from_csv, from_xlsx = read_csv(tmp_path / "b.csv"), read_xlsx(tmp_path / "b.xlsx")
    assert result.rows == len(from_csv) - 1 > 500
    assert from_csv == from_xlsx


def test_an_export_masks_names_and_phones_by_default(store, admin, month, tmp_path):
    exports.export_bookings(store, admin, date(2026, 11, 1), date(2026, 11, 30), csv_path=str(tmp_path / "b.csv"),
                            now=NOW)
    text = (tmp_path / "b.csv").read_text(encoding="utf-8-sig")
    assert "张*丰" in text and "138****5678" in text
    assert "张三丰" not in text and "13812345678" not in text


def test_an_admin_may_export_unmasked_and_that_is_audited(store, admin, month, tmp_path):
    target = tmp_path / "full.xlsx"
    exports.export_bookings(store, admin, date(2026, 11, 1), date(2026, 11, 30), xlsx_path=str(target),
                            masked=False, reason="派出所调查", now=NOW)
    assert any("13812345678" in row for row in read_xlsx(target))
    entry = audit.entries(store, "booking")[0]
    assert (entry["action"], entry["actor"], entry["reason"]) == ("export_unmasked", admin.name, "派出所调查")
    assert entry["after"]["files"] == [str(target.resolve())]


def test_a_clerk_may_not_export_unmasked_and_nothing_is_written(store, clerk, month, tmp_path):
    with pytest.raises(DeskError) as caught:
        exports.export_bookings(store, clerk, date(2026, 11, 1), date(2026, 11, 30),
                                csv_path=str(tmp_path / "b.csv"), masked=False, now=NOW)
    assert caught.value.code == "forbidden"
    assert not (tmp_path / "b.csv").exists()
    assert all(e["action"] != "export_unmasked" for e in audit.entries(store))


def test_an_export_to_a_missing_folder_is_refused_before_writing(store, admin, tmp_path):
    with pytest.raises(DeskError) as caught:
        exports.export_bookings(store, admin, date(2026, 11, 1), date(2026, 11, 30),
                                csv_path=str(tmp_path / "nowhere" / "b.csv"), now=NOW)
    assert (caught.value.code, caught.value.field) == ("invalid", "csv")  # under that file in the window


def test_an_export_over_an_old_file_replaces_it_whole_and_leaves_no_partial_file(store, admin, month, tmp_path):
    target = tmp_path / "b.xlsx"
    target.write_bytes(b"an older export")
    exports.export_bookings(store, admin, date(2026, 11, 1), date(2026, 11, 30), xlsx_path=str(target), now=NOW)
    assert len(read_xlsx(target)) == 6
    assert [p.name for p in tmp_path.iterdir() if "sqlite3" not in p.name] == ["b.xlsx"]


# --- the commands ----------------------------------------------------------------------------------

def test_the_report_command_answers_with_the_summary(run_cli, month):
    result = run_cli("report", "--month", "2026-11")
    assert result.code == 0 and result.json["no_shows"]["total"] == 2


def test_the_export_command_writes_both_files(run_cli, month, tmp_path):
    result = run_cli("export", "--from", "2026-11-01", "--to", "2026-11-30",
                     "--csv", str(tmp_path / "b.csv"), "--xlsx", str(tmp_path / "b.xlsx"))
    assert result.code == 0 and result.json["rows"] == 5 and result.json["masked"] is True
    assert read_csv(tmp_path / "b.csv") == read_xlsx(tmp_path / "b.xlsx")


def test_the_export_command_needs_a_file(run_cli):
    result = run_cli("export", "--from", "2026-11-01", "--to", "2026-11-30")
    assert result.code == 1 and result.json["code"] == "usage"


def test_the_export_command_refuses_an_end_before_the_start(run_cli, tmp_path):
    result = run_cli("export", "--from", "2026-11-30", "--to", "2026-11-01", "--csv", str(tmp_path / "b.csv"))
    assert result.code == 1 and result.json["code"] == "invalid"
