"""The start-up check: each way a store can be unusable gets its own message, and nothing is changed."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from booking.ops import backup
from booking.store import i18n
from booking.store.connection import Store


@pytest.fixture
def closed_store(store: Store, store_path: Path) -> Path:
    """A real, seeded store file, closed (as at the desk's start)."""
    store.close()
    return store_path


def refused(path: Path, backups: Path | None = None, **options) -> backup.StoreProblem:
    """Run the check; the file's bytes and the folder's contents must not change."""
    folder = path.parent
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    with pytest.raises(backup.StoreProblem) as caught:
        backup.startup_check(path, backups, **options)
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    return caught.value


def test_a_sound_store_passes(closed_store):
    assert backup.startup_check(closed_store)["ok"] is True


def test_a_missing_store_passes_because_the_first_start_makes_it(tmp_path):
    result = backup.startup_check(tmp_path / "new.sqlite3")
    assert result["ok"] and result["exists"] is False


def test_a_truncated_store_is_called_damaged(closed_store):
    closed_store.write_bytes(closed_store.read_bytes()[:50_000])
    problem = refused(closed_store)
    assert problem.problem == "damaged"
    assert "已损坏" in problem.message() and "没有改动这个文件" in problem.message()
    assert "malformed" in problem.message("en")  # SQLite's own answer, not a guess from the header


def test_a_store_garbled_inside_is_called_damaged(closed_store):
    data = bytearray(closed_store.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[page_size * 2:page_size * 4] = b"\xa5" * (page_size * 2)  # a table's pages overwritten
    closed_store.write_bytes(bytes(data))
    assert refused(closed_store).problem == "damaged"


def test_a_file_that_is_not_a_database_is_called_so(tmp_path):
    notes = tmp_path / "linli-desk.sqlite3"
    notes.write_text("这是一份交班记录，不是数据库。", encoding="utf-8")
    problem = refused(notes)
    assert problem.problem == "not_database"
    assert "不是邻里服务台的数据文件" in problem.message()


def test_another_programs_database_is_not_taken_for_a_store(tmp_path):
    other = tmp_path / "music.sqlite3"
    conn = sqlite3.connect(str(other))
    conn.execute("CREATE TABLE song (title TEXT)")
    conn.commit()
    conn.close()
    assert refused(other).problem == "not_database"


def test_a_read_only_store_is_called_read_only(closed_store):
    closed_store.chmod(0o444)
    try:
        problem = refused(closed_store)
    finally:
        closed_store.chmod(0o644)
    assert problem.problem == "readonly"
    assert "只读" in problem.message()
    assert "read-only" in problem.message("en")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_called_so(closed_store):
    closed_store.parent.chmod(0o555)
    try:
        assert refused(closed_store).problem == "readonly_folder"
    finally:
        closed_store.parent.chmod(0o755)


def test_a_store_locked_by_another_program_is_called_locked(closed_store):
    # another program: a separate process (a lock this process held itself would be its own)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('PRAGMA locking_mode = EXCLUSIVE'); c.execute('BEGIN EXCLUSIVE')\n"
         "print('held', flush=True); sys.stdin.readline()", str(closed_store)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        problem = refused(closed_store, busy_timeout=0.1)
    finally:
        holder.communicate("\n", timeout=30)
    assert problem.problem == "locked"
    assert "另一个程序占用" in problem.message()


def test_a_nearly_full_disk_is_called_full(closed_store):
    problem = refused(closed_store, min_free_bytes=1 << 62)  # more than any disk has free
    assert problem.problem == "full"
    assert "磁盘几乎已满" in problem.message()


def test_a_damaged_store_is_offered_the_newest_good_backup(store, store_path, tmp_path):
    folder = tmp_path / "backups"
    made = backup.auto_backup(store, folder, today=date(2026, 11, 24))
    store.close()
    store_path.write_bytes(store_path.read_bytes()[:8192])
    problem = refused(store_path, folder)
    assert problem.backup == Path(made["daily"])
    assert problem.details["backup"] == made["daily"]
    assert "有一份完好的备份" in problem.message() and "linli-desk-2026-11-24.sqlite3" in problem.message()


def test_a_damaged_store_without_backups_says_there_is_none(closed_store, tmp_path):
    closed_store.write_bytes(closed_store.read_bytes()[:8192])
    problem = refused(closed_store, tmp_path / "no-backups")
    assert problem.backup is None and "没有找到可用的备份" in problem.message()


def test_a_full_disk_is_not_offered_a_restore_that_would_not_help(closed_store, tmp_path):
    problem = refused(closed_store, tmp_path, min_free_bytes=1 << 62)
    assert "备份" not in problem.message()


def test_the_message_follows_the_language(closed_store):
    closed_store.write_bytes(b"not a database at all" * 10)
    problem = refused(closed_store)
    i18n.set_language("en")
    assert "is not a Linli Desk store" in problem.message()


def test_the_store_check_command_reports_the_problem(closed_store, run_cli):
    closed_store.write_bytes(closed_store.read_bytes()[:50_000])
    result = run_cli("store-check")
    assert result.code == 1 and result.json["code"] == "store"
    assert result.json["details"]["problem"] == "damaged"
