"""Backup and restore of a store on the PostgreSQL server, on the real test server (issue 15, the promises
of issue 11 items 6 and 10): a backup is a Linli SQLite file with everything; a restore checks the file
first, keeps the server's data aside and replaces it in one transaction, or changes nothing."""
from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from booking import cli
from booking.checkin import passes, scanning
from booking.ops import backup, serverbackup, serverrestore, setup
from booking.ops.storefile import check_file
from booking.people import residents
from booking.schedule import bookings
from booking.store.connection import open_store
from booking.store.errors import DeskError
from booking.store.postgres import copy, migrate
from tests.booking.ops.conftest import book_tonight
from tests.booking.store.test_pg_roles import owned, roles  # noqa: F401  (the roles docs/shared-store.md sets up)
from tests.conftest import ADMIN, NOW, server_location

ON_SERVER = pytest.mark.parametrize("engine", ["postgres"], indirect=True)
ROOT = Path(__file__).resolve().parents[3]


def run(db: str, *args: str, now: str = "2026-11-24 10:00") -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = cli.run(["--db", db, "--now", now, *args, "--json"], out)
    return code, json.loads(out.getvalue())


def url_of(store: Any) -> str:
    return store.server.url()


def server_sums(store: Any) -> dict[str, tuple[int, str]]:
    """Each table's row count and checksum on the server, read as copy.py reads it."""
    engine = sa.create_engine(store.server.url().replace("postgresql://", "postgresql+psycopg://", 1),
                              poolclass=sa.NullPool)
    try:
        with engine.connect() as conn, conn.begin():
            tables = [t for t in conn.execute(text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY 1")).scalars()
                if t != migrate.RECORD_TABLE]
            return {t: copy._checksum(copy._pg_rows(conn, t)) for t in tables}
    finally:
        engine.dispose()


def file_sums(path: Path) -> dict[str, tuple[int, str]]:
    lite = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: copy._checksum(copy._rows(lite, t)) for t in sorted(copy._tables_in_order(lite))}
    finally:
        lite.close()


def without(sums: dict[str, tuple[int, str]], *tables: str) -> dict[str, tuple[int, str]]:
    return {t: s for t, s in sums.items() if t not in tables}


@pytest.fixture
def filled(store, resident, now):
    """The server store with tonight's booking (a pass printed for it), a paid room, and a scan."""
    tonight = book_tonight(store, ADMIN, resident, now)
    room = bookings.book(store, ADMIN, bookings.Request("R04", datetime(2026, 11, 27, 14, 0),
                                                        datetime(2026, 11, 27, 16, 0), resident.id), now)
    code, paid = run(url_of(store), "pay", str(room.id), "--amount", "12.50", "--method", "wechat")
    assert code == 0, paid
    scanning.scan(store, ADMIN, "not a pass", now=now)  # a refused scan: a row of the append-only scan table
    return store, tonight


@ON_SERVER
def test_a_backup_of_the_server_store_is_a_sqlite_store_with_everything(filled, tmp_path):
    store, tonight = filled
    printed = passes.pass_text(store, tonight.id)  # printed while the store was on the server
    target = tmp_path / "server-backup.sqlite3"
    code, made = run(url_of(store), "backup", "--to", str(target))
    assert code == 0, made
    assert set(made) == {"backup", "bytes", "integrity", "migrations", "bookings", "ms"}  # the file backup's keys
    assert (made["integrity"], made["bookings"], made["migrations"]) == ("ok", 2, list(migrate.NAMES))
    assert not list(tmp_path.glob(".*.partial"))
    # every table, row for row, with the server's values (ids, nonces, pass keys, settings, the audit log)
    assert file_sums(target) == server_sums(store)
    # a normal store for any desk: it opens, lists the bookings, and the pass printed on the server is accepted
    local = tmp_path / "desk.sqlite3"
    shutil.copyfile(target, local)
    opened = open_store(local, create=False)
    try:
        assert [b.id for b in bookings.on_date(opened, datetime(2026, 11, 24).date())] == [tonight.id]
        checked = scanning.scan(opened, ADMIN, printed, now=datetime(2026, 11, 24, 19, 2))
        assert (checked.ok, checked.action) == (True, "check-in"), checked
    finally:
        opened.close()
    with sqlite3.connect(target) as lite:  # the file's triggers are back: the audit log is append-only there too
        with pytest.raises(sqlite3.IntegrityError):
            lite.execute("DELETE FROM audit")
    lite.close()


@ON_SERVER
def test_a_refused_backup_leaves_the_target_file_as_it_was(filled, tmp_path):
    store, _ = filled
    target = tmp_path / "kept.sqlite3"
    target.write_bytes(b"an earlier backup")
    with pytest.raises(DeskError) as refused:  # the server's read fails midway
        serverbackup.write_file(_broken_connection(store), target, store.path)
    store._rollback()
    assert refused.value.code == "store"
    assert target.read_bytes() == b"an earlier backup"
    assert not list(tmp_path.glob(".*.partial"))


def _broken_connection(store: Any) -> Any:
    """The store's connection in a transaction a failed statement has aborted: every read after it fails."""
    from booking.store.postgres import transfer

    conn = transfer.connection(store)
    store._run("BEGIN")
    with pytest.raises(sa.exc.DBAPIError):
        conn.exec_driver_sql("SELECT * FROM no_such_table")
    return conn


@ON_SERVER
def test_a_backup_restored_onto_another_server_database_round_trips(filled, pg_server, tmp_path):
    store, tonight = filled
    first = tmp_path / "first.sqlite3"
    backup.backup(store, first)
    other = setup.open_ready(server_location(pg_server.database_url(pg_server.create())), now=NOW)
    try:
        made_there = residents.add(other, ADMIN, "李四", "5栋1单元302", "13987654321", "川AD12345", now=NOW)
        code, done = run(url_of(other), "restore", "--from", str(first))
        assert code == 0, done
        assert (done["bookings"], done["backup_bookings"]) == (2, 2)
        assert other.notice_restore()  # this desk's connection sees the restore another made (and takes it)
        assert not other.notice_restore()
        # the other database's own data is kept aside as a Linli file, and nothing of it is left on the server
        aside = Path(done["kept_aside"])
        kept = open_store(aside, create=False)
        try:
            assert [r.name for r in residents.find(kept, "李四")] == [made_there.name]
        finally:
            kept.close()
        after = server_sums(other)
        # the same store, but for what a restore changes on purpose: its generation and its audit entry
        assert without(after, "setting", "audit") == without(file_sums(first), "setting", "audit")
        assert after["audit"][0] == file_sums(first)["audit"][0] + 1
        assert other.sql("SELECT action FROM audit ORDER BY id DESC LIMIT 1").scalar() == "restore"
        # the pass printed on the first server is accepted on the second
        checked = scanning.scan(other, ADMIN, passes.pass_text(store, tonight.id), now=datetime(2026, 11, 24, 19, 2))
        assert checked.ok, checked
        # its next id follows the restored ones, and its guards are on again
        assert bookings.book(other, ADMIN, bookings.Request("P002", datetime(2026, 11, 28, 9, 0),
                                                            datetime(2026, 11, 28, 10, 0), 1), NOW).id == 3
        with pytest.raises(sa.exc.IntegrityError, match="audit_append_only"):
            other.sql("DELETE FROM audit")
    finally:
        other.close()


def table_order(path: Path) -> list[str]:
    """The backup's tables in the order a copy walks them (each after those its keys point to)."""
    lite = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return copy._tables_in_order(lite)
    finally:
        lite.close()


@ON_SERVER
def test_a_server_backup_tells_each_table_as_it_is_written_then_as_it_is_checked(filled, tmp_path):
    store, _ = filled
    seen: list[Any] = []
    target = tmp_path / "told.sqlite3"
    backup.backup(store, target, progress=seen.append)
    tables = table_order(target)
    n = len(tables)
    assert [(s.stage, s.table) for s in seen] == [("backup", t) for t in tables] + [("verify", t) for t in tables]
    assert [s.number for s in seen] == [*range(1, n + 1)] * 2 and {s.count for s in seen} == {n}
    assert [s.done for s in seen] == list(range(2 * n)) and {s.total for s in seen} == {2 * n}


@ON_SERVER
def test_a_server_restore_tells_each_stage_and_table_in_order_and_replaces_nothing_before_its_check(
        filled, tmp_path):
    """The progress a restore's dialog shows: the file's check, then each table kept aside, cleared,
    restored and verified, in the copy's order; while the last table is verified, another connection
    still reads the server's data as it was (issue 9: verified before anything is replaced)."""
    store, _ = filled
    good = tmp_path / "good.sqlite3"
    backup.backup(store, good)
    residents.add(store, ADMIN, "王五", "6栋1单元101", "13700001111", "川A55555", now=NOW)  # after the backup
    before = server_sums(store)
    tables = table_order(good)
    n = len(tables)
    seen: list[Any] = []
    while_verifying: list[dict[str, tuple[int, str]]] = []

    def told(stage: Any) -> None:
        seen.append(stage)
        if stage.stage == "verify" and stage.number == stage.count:
            while_verifying.append(server_sums(store))  # a connection of its own: what other desks read

    done = serverrestore.restore_server(good, store, NOW, actor=ADMIN, folder=tmp_path, progress=told)
    assert [(s.stage, s.table) for s in seen] == [("file", "")] + [("keep", t) for t in tables] + [
        ("clear", t) for t in reversed(tables)] + [("restore", t) for t in tables] + [("verify", t) for t in tables]
    assert [s.number for s in seen[1:]] == [*range(1, n + 1)] * 4 and {s.count for s in seen[1:]} == {n}
    assert [s.done for s in seen] == list(range(1 + 4 * n))
    assert seen[0].total == 0 and {s.total for s in seen[1:]} == {1 + 4 * n}  # unknown until the tables are
    assert while_verifying == [before]
    assert server_sums(store) != before and done.kept_aside is not None
    assert file_sums(Path(done.kept_aside)) == before  # 王五 is in the kept-aside file


@ON_SERVER
def test_a_restore_stopped_midway_by_its_progress_leaves_the_server_unchanged(filled, tmp_path):
    store, _ = filled
    good = tmp_path / "good.sqlite3"
    backup.backup(store, good)
    residents.add(store, ADMIN, "王五", "6栋1单元101", "13700001111", "川A55555", now=NOW)
    before = server_sums(store)

    def told(stage: Any) -> None:
        if stage.stage == "restore" and stage.number == 3:  # the old rows deleted, some of the backup's in
            raise KeyboardInterrupt("the desk's program is stopped")

    with pytest.raises(KeyboardInterrupt):
        serverrestore.restore_server(good, store, NOW, actor=ADMIN, folder=tmp_path, progress=told)
    assert server_sums(store) == before
    assert not list(tmp_path.glob("*.before-restore-*"))  # rolled back: nothing kept aside for nothing


def _damaged(source: Path, target: Path) -> Path:
    data = bytearray(source.read_bytes())
    page = 4096
    for at in range(page * 3, min(len(data), page * 12)):
        data[at] = 0xA5
    target.write_bytes(bytes(data))
    return target


@ON_SERVER
@pytest.mark.parametrize("kind", ["damaged", "not_sqlite", "foreign", "missing"])
def test_a_bad_backup_file_is_refused_with_a_clear_message_and_the_server_is_unchanged(filled, tmp_path, kind):
    store, _ = filled
    good = tmp_path / "good.sqlite3"
    backup.backup(store, good)
    chosen = tmp_path / f"{kind}.sqlite3"
    if kind == "damaged":
        _damaged(good, chosen)
    elif kind == "not_sqlite":
        chosen.write_bytes(b"PK\x03\x04 a zip, not a store" * 100)
    elif kind == "foreign":
        with sqlite3.connect(chosen) as other:
            other.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        other.close()
    before = server_sums(store)
    code, refused = run(url_of(store), "restore", "--from", str(chosen))
    assert code == 1 and refused["code"] in ("store", "not_found"), refused
    expected = {"damaged": "损坏", "not_sqlite": "不是", "foreign": "不是", "missing": str(chosen)}[kind]
    assert expected in refused["error"], refused
    assert server_sums(store) == before
    assert not list((Path(backup.backup_dir())).glob("*.before-restore-*"))  # nothing kept aside for nothing


@ON_SERVER
def test_a_row_the_server_refuses_stops_the_restore_and_leaves_the_server_unchanged(filled, tmp_path):
    store, tonight = filled
    bad = tmp_path / "bad.sqlite3"
    backup.backup(store, bad)
    with sqlite3.connect(bad) as lite:  # an overlap the file's trigger would have refused, slipped in around it
        lite.execute("DROP TRIGGER booking_no_overlap")
        lite.execute("INSERT INTO booking (resource_id, household_id, resident_id, start_at, end_at, status) "
                     "SELECT resource_id, household_id, resident_id, start_at, end_at, status FROM booking "
                     "WHERE id = ?", (tonight.id,))
    lite.close()
    before = server_sums(store)
    code, refused = run(url_of(store), "restore", "--from", str(bad))
    assert (code, refused["code"]) == (1, "store"), refused
    assert "booking" in refused["error"] and "未改动" in refused["error"], refused
    assert server_sums(store) == before
    assert not list(Path(backup.backup_dir()).glob("*.before-restore-*"))


@ON_SERVER
def test_a_restore_whose_connection_is_killed_midway_leaves_the_server_unchanged(filled, pg_server, tmp_path):
    store, _ = filled
    good = tmp_path / "good.sqlite3"
    backup.backup(store, good)
    residents.add(store, ADMIN, "王五", "6栋1单元101", "13700001111", "川A55555", now=NOW)  # after the backup
    before = server_sums(store)
    holder = store.server.url().replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(holder, poolclass=sa.NullPool)
    conn = engine.connect()
    try:
        # a row the restore must delete late (a resource, after the bookings pointing to it) is held, so the
        # restore stops there, midway: the current data kept aside, the bookings already deleted
        conn.execute(text("SELECT id FROM resource ORDER BY id LIMIT 1 FOR UPDATE"))
        restoring = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--db", url_of(store), "--now",
                                      "2026-11-24 10:00", "restore", "--from", str(good), "--json"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        watch = sa.create_engine(holder, poolclass=sa.NullPool)
        try:
            with watch.connect() as look:
                pid = None
                while pid is None and restoring.poll() is None:
                    pid = look.execute(text(
                        "SELECT a.pid FROM pg_stat_activity a WHERE a.datname = current_database() "
                        "AND a.wait_event_type = 'Lock' AND a.query LIKE 'DELETE FROM%'")).scalar()
                    look.rollback()
                assert pid is not None, restoring.communicate()
                look.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        finally:
            watch.dispose()
        out, err = restoring.communicate(timeout=120)
    finally:
        conn.rollback()
        conn.close()
        engine.dispose()
    answer = json.loads(out.splitlines()[-1])
    assert (restoring.returncode, answer["code"]) == (1, "store"), (out, err)
    assert "未改变" in answer["error"] or "未改动" in answer["error"], answer
    assert server_sums(store) == before
    assert not list(Path(backup.backup_dir()).glob("*.before-restore-*"))


@ON_SERVER
def test_a_desk_whose_server_store_was_restored_underneath_it_is_told_and_saves_nothing(filled, tmp_path):
    store, _ = filled
    good = tmp_path / "good.sqlite3"
    backup.backup(store, good)
    other = setup.open_ready(store.server, now=NOW)  # a second desk on the same server
    try:
        serverrestore.restore_server(good, store, NOW, actor=ADMIN, folder=tmp_path)
        with pytest.raises(DeskError) as told:
            residents.add(other, ADMIN, "赵六", "7栋1单元101", "13600002222", "川A66666", now=NOW)
        assert told.value.key == "store_restored"
        assert residents.find(store, "赵六") == []  # nothing of it was saved
        residents.add(other, ADMIN, "赵六", "7栋1单元101", "13600002222", "川A66666", now=NOW)  # then it works
        assert [r.name for r in residents.find(store, "赵六")] != []
        # the desk that restored is not told of its own restore
        residents.add(store, ADMIN, "钱七", "8栋1单元101", "13500003333", "川A77777", now=NOW)
    finally:
        other.close()


def test_only_the_owner_may_restore_and_the_desks_role_changes_nothing(pg_server, request, tmp_path):
    """The restore switches the append-only triggers off for its copy: the desks' role cannot, and is told so."""
    owner_url, desk_url = request.getfixturevalue("roles")
    owner, desk = (server_location(u).url() for u in (owner_url, desk_url))
    assert run(owner, "init")[0] == 0
    code, added = run(desk, "resident", "add", "--name", "张三丰", "--door", "3-2-501", "--phone", "13812345678",
                      "--plate", "川A12345")
    assert code == 0, added
    good = tmp_path / "good.sqlite3"
    code, made = run(desk, "backup", "--to", str(good))  # any desk may take a backup
    assert code == 0, made
    assert run(desk, "resident", "add", "--name", "李四", "--door", "5-1-302", "--phone", "13987654321")[0] == 0
    code, refused = run(desk, "restore", "--from", str(good))
    assert (code, refused["code"]) == (1, "forbidden"), refused
    assert "linli_owner" in refused["error"] or "所有者" in refused["error"], refused
    code, found = run(desk, "resident", "find", "李四")
    assert code == 0 and found["residents"], found  # unchanged
    code, done = run(owner, "restore", "--from", str(good))
    assert code == 0, done
    code, found = run(desk, "resident", "find", "李四")
    assert code == 0 and not found["residents"], found  # restored: 李四 came after the backup (and is kept aside)


BOOKER = textwrap.dedent("""
    import sys
    from datetime import datetime
    sys.path.insert(0, sys.argv[1])
    from booking.ops import setup
    from booking.schedule import bookings
    from booking.store import location
    from booking.store.audit import Actor
    from booking.store.errors import DeskError
    from tests.booking.store.test_store_safety import slot, HOUSEHOLDS
    store = setup.open_ready(location.parse(sys.argv[2]), now=datetime(2026, 11, 24, 10, 0), create=False)
    ids = [int(x) for x in sys.argv[3].split(",")]
    stop, now, actor = sys.argv[4], datetime(2026, 11, 24, 10, 0), Actor("desk2", "admin")
    print("ready", flush=True)
    import os
    k = 0
    while not os.path.exists(stop) and k < 5000:
        code, start, end = slot(k)
        req = bookings.Request(code, datetime.strptime(start, "%Y-%m-%d %H:%M"),
                               datetime.strptime(end, "%Y-%m-%d %H:%M"), ids[k % HOUSEHOLDS],
                               plate=f"川A1{k % HOUSEHOLDS:04d}")
        try:
            bookings.book(store, actor, req, now)
            print("ok", k, flush=True)   # the clerk is told "confirmed" only now
        except DeskError as exc:
            print("no", k, exc.key, flush=True)
        k += 1
    store.close()
""")


def _held_on_server(store: Any, code: str, start: str) -> bool:
    return store.sql("SELECT 1 FROM booking b JOIN resource r ON r.id = b.resource_id "
                     "WHERE r.code = :code AND b.start_at = :start", code=code, start=start).fetchone() is not None


def _held_in_file(path: Path, code: str, start: str) -> bool:
    lite = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return lite.execute("SELECT 1 FROM booking b JOIN resource r ON r.id = b.resource_id "
                            "WHERE r.code = ? AND b.start_at = ?", (code, start)).fetchone() is not None
    finally:
        lite.close()


@ON_SERVER
def test_every_booking_confirmed_during_a_server_restore_is_on_the_server_or_in_the_kept_aside_file(store, tmp_path):
    from tests.booking.store.test_store_safety import HOUSEHOLDS, slot

    ids = [residents.add(store, ADMIN, f"住户{n}", f"{n + 1}栋1单元101", f"1381234{n:04d}", f"川A1{n:04d}", now=NOW).id
           for n in range(HOUSEHOLDS)]
    before = tmp_path / "before.sqlite3"
    backup.backup(store, before)
    stop = tmp_path / "stop"
    desk2 = subprocess.Popen([sys.executable, "-c", BOOKER, str(ROOT), url_of(store), ",".join(map(str, ids)),
                              str(stop)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    lines: list[list[str]] = []
    acked = threading.Event()

    def read() -> None:
        assert desk2.stdout is not None
        for line in desk2.stdout:
            lines.append(line.split())
            if sum(1 for x in lines if x[0] == "ok") >= 40:
                acked.set()
    reader = threading.Thread(target=read)
    reader.start()
    try:
        assert acked.wait(120)
        kept = []
        for n in range(3):  # three restores while it books
            kept.append(serverrestore.restore_server(before, store, NOW + timedelta(seconds=n), actor=ADMIN,
                                                    folder=tmp_path).kept_aside)
        after = sum(1 for x in lines if x[0] == "ok")
        while sum(1 for x in lines if x[0] == "ok") < after + 20 and desk2.poll() is None:
            acked.clear()
            acked.wait(1)
    finally:
        stop.touch()
        desk2.wait(120)
        reader.join(60)
    oks = [int(x[1]) for x in lines if x[0] == "ok"]
    refusals = [x[2] for x in lines if x[0] == "no"]
    assert "store_restored" in refusals  # the desk noticed, said so, and saved nothing that time
    lost = [k for k in oks if not (_held_on_server(store, slot(k)[0], slot(k)[1])
                                   or any(_held_in_file(Path(p), slot(k)[0], slot(k)[1]) for p in kept))]
    assert lost == []
    assert _held_on_server(store, slot(oks[-1])[0], slot(oks[-1])[1])  # it kept booking into the restored store
    print(f"server restore race: {len(oks)} bookings confirmed, {refusals.count('store_restored')} told, 0 lost")


def test_a_compounds_backup_and_restore_are_its_own_and_hold_its_write_lock_not_the_others(pg_empty_url, tmp_path):
    """On a district's server each compound is backed up and restored alone, under its own write lock
    (locking.write_lock_key): a restore in one compound never holds up, nor touches, another's desks."""
    from booking.store.postgres import transfer
    from booking.store.postgres.locking import write_lock_key
    from tests.booking.store.test_pg_district import GUIDONG, XINFU, book_tonight, open_compound

    guidong, xinfu = open_compound(pg_empty_url, GUIDONG), open_compound(pg_empty_url, XINFU)
    try:
        book_tonight(guidong, "张三丰")
        good = tmp_path / "guidong.sqlite3"
        assert backup.backup(guidong, good).bookings == 1
        residents.add(guidong, ADMIN, "王五", "6栋1单元101", "13700001111", "川A55555", now=NOW)
        with transfer.replacing(guidong, []):  # the restore's lock, as it holds it while it copies
            held = [row[0] for row in xinfu.sql(
                "SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks WHERE locktype = 'advisory' "
                "AND granted AND pid <> pg_backend_pid() "  # this database's: the other workers' tests share the server
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")]
            assert held == [write_lock_key(GUIDONG)]
            book_tonight(xinfu, "李四")  # the other compound's desk writes meanwhile, without waiting
        done = serverrestore.restore_server(good, guidong, NOW, actor=ADMIN, folder=tmp_path)
        assert (done.bookings, done.store) == (1, guidong.path)
        assert Path(done.kept_aside or "").name.startswith(f"{pg_empty_url.database}.{GUIDONG}.before-restore-")
        assert residents.find(guidong, "王五") == []  # came after the backup: kept aside, not on the server
        assert xinfu.sql("SELECT count(*) FROM booking").scalar() == 1  # the other compound untouched
        assert [r.name for r in residents.find(xinfu, "李四")] == ["李四"]
    finally:
        guidong.close()
        xinfu.close()


@ON_SERVER
def test_the_daily_backup_of_a_server_store_has_names_of_its_own_beside_the_store_files(filled, tmp_path,
                                                                                       monkeypatch):
    """`backup --daily` on the server: a file's copy of the same day in the same folder neither stops it
    ("already today") nor is pushed out by it; a desk with the desks' role is left to the owner's desk
    only when it starts (backup.desk_daily_backup), not when asked on the command line."""
    store, _ = filled
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "linli-desk-2026-11-24.sqlite3").write_bytes(b"the store file's copy of today")
    code, made = run(url_of(store), "backup", "--daily")
    assert code == 0, made
    prefix = backup.daily_prefix(store)
    assert prefix == f"linli-server-{store.server.host}_{store.server.database}"
    assert made["daily"] == str(folder / f"{prefix}-2026-11-24.sqlite3") and made["removed"] == []
    assert made["monthly"] == str(folder / f"{prefix}-2026-11.sqlite3")
    assert check_file(Path(made["daily"])).bookings == 2  # a Linli store, intact
    assert (folder / "linli-desk-2026-11-24.sqlite3").read_bytes() == b"the store file's copy of today"
    assert backup.backups(folder) == [folder / "linli-desk-2026-11-24.sqlite3"]  # what a file's start-up offers
    code, again = run(url_of(store), "backup", "--daily")
    assert (code, again["skipped"]) == (0, "already_today")
    assert backup.desk_daily_backup(store, folder, today=NOW.date()).skipped == "already_today"  # the owner
