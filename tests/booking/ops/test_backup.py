"""Backups and restore: copies are checked, restores refuse bad files and never lose the current data."""
from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from booking.ops import backup
from booking.schedule import bookings
from booking.store.errors import DeskError
from booking.store.connection import Store

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)

TONIGHT = bookings.Request(resource="P001", start=datetime(2026, 11, 24, 19, 0),
                           end=datetime(2026, 11, 25, 7, 30), resident_id=0, plate="川A12345")


def dump(path: Path) -> list[str]:
    """Every table's schema and rows, as SQL text (the WAL is read through SQLite).

    Without the restore generation, which every restore changes on purpose (Store.write).
    """
    conn = sqlite3.connect(str(path))
    try:
        return [line for line in conn.iterdump() if "store_generation" not in line]
    finally:
        conn.close()


def book_tonight(store: Store, actor, resident, now) -> bookings.Booking:
    req = bookings.Request(**{**TONIGHT.__dict__, "resident_id": resident.id})
    return bookings.book(store, actor, req, now)


@pytest.fixture
def booked(store, admin, resident, now) -> Store:
    book_tonight(store, admin, resident, now)
    return store


def test_backup_then_restore_gives_identical_data(booked, store_path, tmp_path, admin, now):
    before = dump(store_path)
    copy = tmp_path / "copy.sqlite3"
    backup.backup(booked, copy)
    bookings.cancel(booked, admin, 1, now=now)  # a change made after the backup ...
    booked.close()
    backup.restore(copy, store_path, now=now)  # ... is undone by the restore
    assert dump(store_path) == before


def test_a_backup_is_one_checked_self_contained_file(booked, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    result = backup.backup(booked, copy)
    assert result["integrity"] == "ok" and result["bookings"] == 1
    assert not copy.with_name("copy.sqlite3-wal").exists()
    assert sqlite3.connect(str(copy)).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_a_backup_reads_bookings_still_in_the_wal(booked, store_path, tmp_path):
    assert store_path.with_name(store_path.name + "-wal").stat().st_size > 0
    copy = tmp_path / "from-path.sqlite3"
    assert backup.backup(store_path, copy)["bookings"] == 1


def test_a_backup_is_never_written_over_the_store_itself(booked, store_path):
    before = store_path.read_bytes()
    with pytest.raises(DeskError) as caught:
        backup.backup(booked, store_path)
    assert caught.value.key == "backup_same_file"
    assert store_path.read_bytes() == before


def test_restore_keeps_the_current_store_aside(booked, store_path, tmp_path, admin):
    copy = tmp_path / "copy.sqlite3"
    backup.backup(booked, copy)
    bookings.cancel(booked, admin, 1, now=NOW)
    current = dump(store_path)
    booked.close()
    result = backup.restore(copy, store_path, now=datetime(2026, 11, 24, 10, 30, 5))
    aside = Path(result["kept_aside"])
    assert aside.name == "desk.sqlite3.before-restore-20261124-103005"
    assert dump(aside) == current


def test_two_restores_in_one_second_keep_both_earlier_stores(booked, store_path, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    backup.backup(booked, copy)
    booked.close()
    moment = datetime(2026, 11, 24, 10, 30, 5)
    first = backup.restore(copy, store_path, now=moment)["kept_aside"]
    second = backup.restore(copy, store_path, now=moment)["kept_aside"]
    assert first != second and Path(first).exists() and Path(second).exists()


def test_restore_while_the_desk_has_the_store_open_shows_the_restored_data(booked, store_path, tmp_path, admin):
    copy = tmp_path / "copy.sqlite3"
    backup.backup(booked, copy)
    bookings.cancel(booked, admin, 1, now=NOW)
    backup.restore(copy, store_path, now=NOW)
    assert bookings.get(booked, 1).status == "booked"  # the open connection reads the restored file


def test_restore_records_who_restored_it_when_told(booked, store_path, tmp_path, admin):
    copy = tmp_path / "copy.sqlite3"
    backup.backup(booked, copy)
    booked.close()
    backup.restore(copy, store_path, actor=admin, now=NOW)
    conn = sqlite3.connect(str(store_path))
    action, actor = conn.execute("SELECT action, actor FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert (action, actor) == ("restore", admin.name)


def test_restore_of_a_damaged_store_replaces_it_and_keeps_its_bytes(booked, store_path, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    backup.backup(booked, copy)
    booked.close()
    store_path.write_bytes(store_path.read_bytes()[:5000])  # cut short by a power cut
    damaged = store_path.read_bytes()
    result = backup.restore(copy, store_path, now=NOW)
    assert Path(result["kept_aside"]).read_bytes() == damaged
    assert result["bookings"] == 1
    assert backup.startup_check(store_path)["ok"]


# --- refusals: a clear message, nothing lost ------------------------------------------------------

def restore_refused(source: Path, store_path: Path) -> DeskError:
    """Try to restore `source`; the store and its folder must be exactly as before."""
    folder = store_path.parent
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    with pytest.raises(DeskError) as caught:
        backup.restore(source, store_path, now=NOW)
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert after == before
    assert [p.name for p in folder.iterdir() if p.is_dir()] == []  # no work folder left behind
    return caught.value


def test_restore_refuses_a_file_that_is_not_a_database(booked, store_path, tmp_path):
    booked.close()
    elsewhere = tmp_path.parent / (tmp_path.name + "-elsewhere")
    elsewhere.mkdir()
    notes = elsewhere / "notes.sqlite3"
    notes.write_text("值班记录：一切正常", encoding="utf-8")
    error = restore_refused(notes, store_path)
    assert error.key == "restore_not_database"
    assert "不是 SQLite 数据文件" in error.message() and "未作任何改动" in error.message()


def test_restore_refuses_a_truncated_backup(booked, store_path, tmp_path_factory):
    copy = tmp_path_factory.mktemp("usb") / "copy.sqlite3"
    backup.backup(booked, copy)
    booked.close()
    copy.write_bytes(copy.read_bytes()[:40960])
    error = restore_refused(copy, store_path)
    assert error.key == "restore_damaged"
    assert "已损坏" in error.message()


def test_restore_refuses_another_programs_database(booked, store_path, tmp_path_factory):
    other = tmp_path_factory.mktemp("other") / "other.sqlite3"
    conn = sqlite3.connect(str(other))
    conn.execute("CREATE TABLE song (title TEXT)")
    conn.commit()
    conn.close()
    booked.close()
    assert restore_refused(other, store_path).key == "restore_not_linli"


def test_restore_refuses_a_backup_from_a_newer_program(booked, tmp_path_factory, store_path):
    newer = tmp_path_factory.mktemp("newer") / "newer.sqlite3"
    backup.backup(booked, newer)
    conn = sqlite3.connect(str(newer))
    conn.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) "
                 "VALUES ('linli', '9999_future', '2030-01-01')")
    conn.commit()
    conn.close()
    booked.close()
    error = restore_refused(newer, store_path)
    assert error.key == "restore_newer" and "9999_future" in error.message()


def test_restore_never_touches_the_chosen_file(booked, tmp_path_factory, store_path):
    copy = tmp_path_factory.mktemp("usb") / "copy.sqlite3"
    backup.backup(booked, copy)
    chosen = copy.read_bytes()
    booked.close()
    backup.restore(copy, store_path, now=NOW)
    assert copy.read_bytes() == chosen
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.sqlite3"]


def test_restore_into_a_read_only_store_is_refused(booked, store_path, tmp_path_factory):
    copy = tmp_path_factory.mktemp("usb") / "copy.sqlite3"
    backup.backup(booked, copy)
    booked.close()
    store_path.chmod(0o444)
    try:
        assert restore_refused(copy, store_path).key == "restore_readonly"
    finally:
        store_path.chmod(0o644)


# --- the automatic daily backup -------------------------------------------------------------------

def test_the_daily_backup_is_made_at_most_once_a_day(booked, tmp_path):
    folder = tmp_path / "backups"
    first = backup.auto_backup(booked, folder, today=date(2026, 11, 24))
    second = backup.auto_backup(booked, folder, today=date(2026, 11, 24))
    assert Path(first["daily"]).name == "linli-desk-2026-11-24.sqlite3"
    assert Path(first["monthly"]).name == "linli-desk-2026-11.sqlite3"
    assert second["daily"] is None and second["skipped"] == "already_today"


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
    newest = backup.auto_backup(booked, folder, today=date(2026, 11, 24))["daily"]
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
