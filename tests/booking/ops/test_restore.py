"""Restore: it refuses bad files, never touches the chosen one, and never loses the current data."""
from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from booking.ops import backup, restore, startup
from booking.schedule import bookings
from booking.store.errors import DeskError
from tests.booking.ops.conftest import dump

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


def test_restore_keeps_the_current_store_aside(booked, store_path, tmp_path, admin):
    copy = tmp_path / "copy.sqlite3"
    backup.backup(booked, copy)
    bookings.cancel(booked, admin, 1, now=NOW)
    current = dump(store_path)
    booked.close()
    result = restore.restore(copy, store_path, now=datetime(2026, 11, 24, 10, 30, 5))
    aside = Path(result.kept_aside)
    assert aside.name == "desk.sqlite3.before-restore-20261124-103005"
    assert dump(aside) == current


def test_two_restores_in_one_second_keep_both_earlier_stores(booked, store_path, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    backup.backup(booked, copy)
    booked.close()
    moment = datetime(2026, 11, 24, 10, 30, 5)
    first = restore.restore(copy, store_path, now=moment).kept_aside
    second = restore.restore(copy, store_path, now=moment).kept_aside
    assert first != second and Path(first).exists() and Path(second).exists()


def test_restore_while_the_desk_has_the_store_open_shows_the_restored_data(booked, store_path, tmp_path, admin):
    copy = tmp_path / "copy.sqlite3"
    backup.backup(booked, copy)
    bookings.cancel(booked, admin, 1, now=NOW)
    restore.restore(copy, store_path, now=NOW)
    assert bookings.get(booked, 1).status == "booked"  # the open connection reads the restored file


def test_restore_records_who_restored_it_when_told(booked, store_path, tmp_path, admin):
    copy = tmp_path / "copy.sqlite3"
    backup.backup(booked, copy)
    booked.close()
    restore.restore(copy, store_path, actor=admin, now=NOW)
    conn = sqlite3.connect(str(store_path))
    action, actor = conn.execute("SELECT action, actor FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert (action, actor) == ("restore", admin.name)


def test_restore_of_a_damaged_store_replaces_it_and_keeps_its_bytes(booked, store_path, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    backup.backup(booked, copy)
    booked.close()
    store_path.write_bytes(store_path.read_bytes()[:5000])  # cut short by a power cut
    damaged = store_path.read_bytes()
    result = restore.restore(copy, store_path, now=NOW)
    assert Path(result.kept_aside).read_bytes() == damaged
    assert result.bookings == 1
    assert startup.startup_check(store_path)["ok"]


# --- refusals: a clear message, nothing lost ------------------------------------------------------

def restore_refused(source: Path, store_path: Path) -> DeskError:
    """Try to restore `source`; the store and its folder must be exactly as before."""
    folder = store_path.parent
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    with pytest.raises(DeskError) as caught:
        restore.restore(source, store_path, now=NOW)
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
    restore.restore(copy, store_path, now=NOW)
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
