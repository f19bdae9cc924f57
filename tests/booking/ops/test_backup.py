"""Backups: copies are checked, a backup never overwrites the store, the daily ones are kept and pruned."""
from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from booking.ops import backup, restore
from booking.schedule import bookings
from booking.store.errors import DeskError
from tests.booking.ops.conftest import dump

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


def test_backup_then_restore_gives_identical_data(booked, store_path, tmp_path, admin, now):
    before = dump(store_path)
    copy = tmp_path / "copy.sqlite3"
    backup.backup(booked, copy)
    bookings.cancel(booked, admin, 1, now=now)  # a change made after the backup ...
    booked.close()
    restore.restore(copy, store_path, now=now)  # ... is undone by the restore
    assert dump(store_path) == before


def test_a_backup_is_one_checked_self_contained_file(booked, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    result = backup.backup(booked, copy)
    assert result.integrity == "ok" and result.bookings == 1
    assert not copy.with_name("copy.sqlite3-wal").exists()
    assert sqlite3.connect(str(copy)).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_a_backup_reads_bookings_still_in_the_wal(booked, store_path, tmp_path):
    assert store_path.with_name(store_path.name + "-wal").stat().st_size > 0
    copy = tmp_path / "from-path.sqlite3"
    assert backup.backup(store_path, copy).bookings == 1


def test_a_backup_is_never_written_over_the_store_itself(booked, store_path):
    before = store_path.read_bytes()
    with pytest.raises(DeskError) as caught:
        backup.backup(booked, store_path)
    assert caught.value.key == "backup_same_file"
    assert store_path.read_bytes() == before



def test_the_daily_backup_is_made_at_most_once_a_day(booked, tmp_path):
    folder = tmp_path / "backups"
    first = backup.auto_backup(booked, folder, today=date(2026, 11, 24))
    second = backup.auto_backup(booked, folder, today=date(2026, 11, 24))
    assert Path(first.daily).name == "linli-desk-2026-11-24.sqlite3"
    assert Path(first.monthly).name == "linli-desk-2026-11.sqlite3"
    assert second.daily is None and second.skipped == "already_today"


def test_daily_backups_keep_14_days_and_12_months(booked, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    stranger = folder / "notes.txt"
    stranger.write_text("not ours")
    day = date(2025, 1, 1)
    for n in range(40):  # far cheaper than 400 real backups: old ones copied by name
        (folder / f"linli-desk-{day + timedelta(days=n):%Y-%m-%d}.sqlite3").write_bytes(b"old")
    for month in range(1, 13):
        (folder / f"linli-desk-2025-{month:02d}.sqlite3").write_bytes(b"old")
    backup.auto_backup(booked, folder, today=date(2026, 11, 24))
    names = sorted(p.name for p in folder.iterdir())
    daily = [n for n in names if len(n) == len("linli-desk-2026-11-24.sqlite3")]
    monthly = [n for n in names if len(n) == len("linli-desk-2026-11.sqlite3")]
    assert len(daily) == 14 and daily[-1] == "linli-desk-2026-11-24.sqlite3"
    assert len(monthly) == 12 and monthly[0] == "linli-desk-2025-02.sqlite3"
    assert stranger.exists()


def test_the_newest_good_backup_skips_damaged_ones(booked, tmp_path):
    folder = tmp_path / "backups"
    backup.auto_backup(booked, folder, today=date(2026, 11, 23))
    newest = backup.auto_backup(booked, folder, today=date(2026, 11, 24)).daily
    Path(newest).write_bytes(Path(newest).read_bytes()[:4096])
    assert backup.newest_good_backup(folder).name in ("linli-desk-2026-11-23.sqlite3", "linli-desk-2026-11.sqlite3")


# --- the commands ---------------------------------------------------------------------------------

def test_backup_and_restore_commands_answer_in_json(booked, run_cli, tmp_path):
    copy = tmp_path / "cmd-copy.sqlite3"
    made = run_cli("backup", "--to", str(copy))
    assert made.code == 0 and made.json["backup"] == str(copy) and made.json["integrity"] == "ok"
    booked.close()
    restored = run_cli("restore", "--from", str(copy))
    assert restored.code == 0
    assert set(restored.json) >= {"restored_from", "store", "kept_aside", "migrations", "bookings"}
    assert restored.json["bookings"] == 1


def test_the_restore_command_refuses_a_bad_file_and_changes_nothing(booked, run_cli, store_path, tmp_path_factory):
    junk = tmp_path_factory.mktemp("usb") / "junk.sqlite3"
    junk.write_bytes(b"\x00" * 4096)
    booked.close()
    before = store_path.read_bytes()
    refused = run_cli("restore", "--from", str(junk))
    assert refused.code == 1 and refused.json["code"] == "store"
    assert "不是 SQLite 数据文件" in refused.json["error"]
    assert store_path.read_bytes() == before


def test_backup_daily_command_writes_into_the_app_data_backups_folder(booked, run_cli):
    made = run_cli("backup", "--daily")
    assert made.code == 0
    assert Path(made.json["daily"]).parent == backup.backup_dir()
