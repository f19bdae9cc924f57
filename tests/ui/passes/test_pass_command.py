"""The `pass` command: the pass as JSON, the files it writes, and what it refuses."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import zxingcpp
from PySide6.QtGui import QImage

from booking.checkin import passes
from booking.schedule import bookings

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def booked(store, admin, resident, now) -> bookings.Booking:
    req = bookings.Request(resource="P012", start=datetime(2026, 11, 24, 19, 0), end=datetime(2026, 11, 25, 7, 30),
                           resident_id=resident.id, plate="川A12345")
    return bookings.book(store, admin, req, now)


@pytest.fixture
def out(tmp_path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def read_code(path: Path) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(QImage(str(path)))]


def test_the_pass_as_json(run_cli, store, booked):
    result = run_cli("pass", str(booked.id))
    assert result.code == 0
    answer = result.json
    assert answer["payload"] == passes.pass_text(store, booked.id)
    assert answer["grouped"].replace(" ", "") == answer["payload"] and len(answer["grouped"].split()) == 9
    assert answer["revision"] == booked.pass_rev
    assert answer["booking"]["id"] == booked.id and answer["booking"]["resident"] == "张*丰"
    assert answer["png"] is None and answer["slip"] is None


def test_the_png_and_the_slip_are_written_and_decode_to_the_payload(qapp, run_cli, booked, out):
    result = run_cli("pass", str(booked.id), "--png", str(out / "pass.png"), "--slip", str(out / "pass.pdf"))
    assert result.code == 0
    answer = result.json
    assert answer["png"] == str(out / "pass.png") and answer["slip"] == str(out / "pass.pdf")
    assert read_code(out / "pass.png") == [answer["payload"]]
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", answer["slip"], str(out / "page")], check=True)
    assert read_code(out / "page.png") == [answer["payload"]]
    assert sorted(p.name for p in out.iterdir()) == ["page.png", "pass.pdf", "pass.png"]


def test_a_cancelled_booking_gets_no_pass_and_no_files(run_cli, store, admin, booked, out):
    bookings.cancel(store, admin, booked.id, now=NOW)
    result = run_cli("pass", str(booked.id), "--png", str(out / "pass.png"), "--slip", str(out / "pass.pdf"))
    assert result.code == 1
    assert result.json["code"] == "state" and "已取消" in result.json["error"]
    assert list(out.iterdir()) == []


def test_an_unknown_booking_is_refused(run_cli, store):
    result = run_cli("pass", "424242")
    assert result.code == 1 and result.json["code"] == "not_found" and "424242" in result.json["error"]


def test_a_folder_as_the_output_is_refused_before_anything_is_drawn(run_cli, booked, out):
    result = run_cli("pass", str(booked.id), "--png", str(out / "ok.png"), "--slip", str(out))
    assert result.code == 1
    assert result.json["field"] == "path" and "文件夹" in result.json["error"]
    assert list(out.iterdir()) == []  # not even the PNG that could have been written


def test_an_output_in_a_missing_folder_is_refused(run_cli, booked, out):
    result = run_cli("pass", str(booked.id), "--png", str(out / "nowhere" / "pass.png"))
    assert result.code == 1 and "不存在" in result.json["error"]
    assert list(out.iterdir()) == []


def test_an_output_under_a_file_is_refused(run_cli, booked, out):
    (out / "notes.txt").write_text("a file, not a folder")
    result = run_cli("pass", str(booked.id), "--slip", str(out / "notes.txt" / "pass.pdf"))
    assert result.code == 1 and result.json["field"] == "path"
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_the_png_and_the_slip_cannot_be_the_same_file(run_cli, booked, out):
    result = run_cli("pass", str(booked.id), "--png", str(out / "pass"), "--slip", str(out / "pass"))
    assert result.code == 1 and result.json["field"] == "path"
    assert list(out.iterdir()) == []


def test_the_pass_text_alone_loads_no_qt(store_path, booked):
    code = ("import sys, app\n"
            f"rc = app.main(['--db', {str(store_path)!r}, 'pass', '{booked.id}', '--json'])\n"
            "print(rc, 'PySide6' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert '"payload": "2' in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "0 False"
