"""The start-up check: each way a store can be unusable gets its own message, and nothing is changed."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from booking.ops import backup, setup, startup
from booking.people import residents
from booking.store import audit, i18n
from booking.store.connection import DamageCheck, Store, connect_read_only, inspect_quickly, known_migrations
from booking.store.errors import DeskError
from tests.conftest import ADMIN, NOW


@pytest.fixture
def closed_store(store: Store, store_path: Path) -> Path:
    """A real, seeded store file, closed (as at the desk's start)."""
    store.close()
    return store_path


def refused(path: Path, backups: Path | None = None, **options) -> startup.StoreProblem:
    """Run the check; the file's bytes and the folder's contents must not change."""
    folder = path.parent
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    with pytest.raises(startup.StoreProblem) as caught:
        startup.startup_check(path, backups, **options)
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    return caught.value


def test_a_sound_store_passes(closed_store):
    assert startup.startup_check(closed_store)["ok"] is True


def test_a_missing_store_passes_because_the_first_start_makes_it(tmp_path):
    result = startup.startup_check(tmp_path / "new.sqlite3")
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
    assert problem.backup == Path(made.daily)
    assert problem.details["backup"] == made.daily
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


# --- the window's quick start: the whole-file check after the open ------------------------------

def digest(path: Path) -> str:
    """SHA-256 of the store file itself (read while nothing has it open)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def damage_the_middle(store: Store, path: Path, backups: Path | None = None, entries: int = 2000) -> int:
    """Close `store` with a long audit log (backed up into `backups` first, if given), then garble
    the page holding its middle entry: a leaf page that no first read touches (the window's day,
    the sign-in, the ends of each table). Returns the page's number."""
    with store.write():
        for n in range(entries):
            audit.record(store, ADMIN, "note", "setting", f"MARK-{n:05d}-", after={"text": "x" * 200}, at=NOW)
    if backups is not None:
        backup.auto_backup(store, backups, today=date(2026, 11, 24))
    store.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    page = data.index(f"MARK-{entries // 2:05d}-".encode()) // page_size
    data[page * page_size:(page + 1) * page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))
    return page + 1


def test_a_store_damaged_out_of_the_first_reads_passes_the_quick_checks(store, store_path):
    damage_the_middle(store, store_path)
    assert startup.startup_check(store_path, damage=False)["ok"]  # what the window's start asks
    with pytest.raises(startup.StoreProblem) as caught:
        startup.startup_check(store_path)  # what store-check asks
    assert caught.value.problem == "damaged"


def test_a_store_opened_quickly_refuses_every_write_once_its_whole_file_check_finds_damage(store, store_path):
    damage_the_middle(store, store_path)
    before = digest(store_path)
    opened = setup.open_ready(store_path, now=NOW, create=False, full_check=False)
    try:
        assert opened.conn.execute("SELECT count(*) FROM resource").fetchone()[0] > 0  # it reads
        assert opened.damage_check.wait(60)
        assert opened.damage_check.problem.key == "store_damaged"
        with pytest.raises(DeskError) as caught:
            residents.add(opened, ADMIN, "王五", "7栋1单元101", "13700000000", now=NOW)
        assert caught.value.key == "store_damaged" and "已损坏" in caught.value.message()
        with pytest.raises(DeskError):
            opened.set_setting("probe", "1")
    finally:
        opened.close()
    assert digest(store_path) == before
    assert not store_path.with_name(store_path.name + "-wal").exists()  # nothing was left to fold in


def test_a_sound_store_opened_quickly_writes_once_its_whole_file_check_passed(store, store_path):
    store.close()
    opened = setup.open_ready(store_path, now=NOW, create=False, full_check=False)
    try:
        # the write waits for the check
        found = residents.add(opened, ADMIN, "王五", "7栋1单元101", "13700000000", now=NOW)
        assert opened.damage_check.answered and opened.damage_check.problem is None
        assert opened.conn.execute("SELECT name FROM resident WHERE id = ?", (found.id,)).fetchone() == ("王五",)
    finally:
        opened.close()


def test_background_work_does_not_wait_for_the_whole_file_check(store, store_path):
    check = DamageCheck(store_path)  # owed, not started yet
    store.damage_check = check
    with pytest.raises(DeskError) as caught, store.patience(0.2):
        store.set_setting("probe", "1")  # the minute's sweep: it tries again later
    assert caught.value.key == "store_checking"
    assert store.setting("probe") is None
    check.start()
    assert check.wait(60)
    store.set_setting("probe", "2")
    assert store.setting("probe") == "2"


def test_the_quick_checks_refuse_a_store_cut_short_at_a_page(closed_store):
    data = closed_store.read_bytes()
    page_size = int.from_bytes(data[16:18], "big")
    closed_store.write_bytes(data[:-3 * page_size])  # whole pages gone: only the header says so
    before = digest(closed_store)
    with pytest.raises(DeskError) as caught:
        setup.open_ready(closed_store, now=NOW, create=False, full_check=False)
    assert caught.value.key == "store_damaged"
    assert digest(closed_store) == before
    assert refused(closed_store, damage=False).problem == "damaged"


def test_the_quick_checks_refuse_a_store_with_a_garbled_table_root(closed_store):
    conn = sqlite3.connect(closed_store)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'booking'").fetchone()[0]
    conn.close()
    data = bytearray(closed_store.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[(root - 1) * page_size:root * page_size] = b"\xa5" * page_size
    closed_store.write_bytes(bytes(data))
    probe = connect_read_only(closed_store)
    try:
        with pytest.raises(DeskError) as caught:
            inspect_quickly(probe, closed_store)
    finally:
        probe.close()
    assert caught.value.key == "store_damaged"


def test_a_store_to_migrate_waits_for_the_whole_file_check_before_the_migration_writes(store, store_path):
    store.conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", (known_migrations()[-1],))
    store.conn.commit()
    damage_the_middle(store, store_path)
    before = digest(store_path)
    with pytest.raises(DeskError) as caught:
        setup.open_ready(store_path, now=NOW, create=False, full_check=False)
    assert caught.value.key == "store_damaged"
    assert digest(store_path) == before


def test_the_quick_start_check_refuses_as_the_full_one_does(store, store_path, tmp_path):
    folder = tmp_path / "backups"
    backup.auto_backup(store, folder, today=date(2026, 11, 24))
    store.close()
    store_path.write_bytes(store_path.read_bytes()[:50_000])
    quick, full = refused(store_path, folder, damage=False), refused(store_path, folder)
    assert quick.problem == full.problem == "damaged"
    assert quick.message() == full.message() and "malformed" in quick.message("en")
    assert quick.backup == full.backup is not None


def test_the_quick_start_check_changes_no_byte_beside_a_wal_that_holds_data(store_path):
    from tests.booking.store.test_store_safety import _store_with_data_in_the_wal
    _store_with_data_in_the_wal(store_path)
    before = {p.name: p.read_bytes() for p in store_path.parent.iterdir() if p.is_file()}
    assert startup.startup_check(store_path, damage=False)["ok"]
    assert {p.name: p.read_bytes() for p in store_path.parent.iterdir() if p.is_file()} == before
