"""The store on a PostgreSQL server: opened, migrated and seeded as a file is, one writer at a time,
refusals in SQLite's words, and a change mark that moves when another desk commits."""
from __future__ import annotations

import pytest

from booking.ops import setup
from booking.store.connection import IntegrityError, refusal
from booking.store.errors import DeskError
from booking.store.postgres import migrate
from booking.store.postgres.store import ServerStore
from tests.conftest import NOW, server_location


@pytest.fixture
def server_store(pg_empty_url):
    opened = setup.open_ready(server_location(pg_empty_url), now=NOW)
    yield opened
    opened.close()


def test_an_empty_database_is_migrated_and_seeded_by_the_first_start(server_store):
    assert isinstance(server_store, ServerStore)
    assert server_store.sql("SELECT count(*) FROM _linli_migrations").scalar() == len(migrate.NAMES)
    assert server_store.sql("SELECT count(*) FROM resource").scalar() > 100
    assert server_store.sql("SELECT count(*) FROM pass_key").scalar() == 1


def test_a_second_start_finds_nothing_to_migrate_and_seeds_nothing_twice(pg_empty_url, server_store):
    resources = server_store.sql("SELECT count(*) FROM resource").scalar()
    again = setup.open_ready(server_location(pg_empty_url), now=NOW)
    try:
        assert again.sql("SELECT count(*) FROM resource").scalar() == resources
    finally:
        again.close()


def test_settings_are_written_and_read(server_store):
    server_store.set_setting("desk.test", "一")
    server_store.set_setting("desk.test", "二")
    assert server_store.setting("desk.test") == "二"
    assert server_store.setting("desk.none", "default") == "default"


def test_a_write_that_fails_keeps_nothing(server_store):
    with pytest.raises(RuntimeError), server_store.write():
        server_store.set_setting("desk.half", "written")  # nested: a savepoint inside the write
        raise RuntimeError("power cut")
    assert server_store.setting("desk.half") is None


def test_a_refused_statement_leaves_the_write_usable(server_store):
    with server_store.write():
        with pytest.raises(IntegrityError) as err:
            server_store.sql("DELETE FROM audit")
        assert refusal(err.value) == "audit_append_only"  # SQLite's words
        server_store.sql("INSERT INTO setting(key, value) VALUES ('desk.after', 'kept')")
    assert server_store.setting("desk.after") == "kept"


def test_refusals_past_the_prepare_threshold_leave_every_write_usable(server_store):
    """A changing statement travels in one message with its savepoint and its release; one the server
    refuses stops the rest of that message, and the write goes on from the savepoint, again and
    again past psycopg's `prepare_threshold` (the store's reads are prepared after that many uses)."""
    runs = 3 * (server_store.raw.prepare_threshold or 5)
    for n in range(runs):
        with server_store.write():
            with pytest.raises(IntegrityError) as err:
                server_store.sql("DELETE FROM audit")
            assert refusal(err.value) == "audit_append_only"
            server_store.sql("INSERT INTO setting(key, value) VALUES (:key, 'kept')", key=f"desk.after.{n}")
    assert [server_store.setting(f"desk.after.{n}") for n in range(runs)] == ["kept"] * runs
    with pytest.raises(IntegrityError), server_store.write():  # a refusal that ends the write keeps nothing
        server_store.sql("INSERT INTO setting(key, value) VALUES ('desk.lost', 'no')")
        server_store.sql("DELETE FROM audit")
    assert server_store.setting("desk.lost") is None


def test_a_nested_write_keeps_its_own_savepoint_though_it_travels_with_the_next_statement(server_store):
    """A nested write's SAVEPOINT and RELEASE go with the next statement, not on their own: what it
    wrote is still rolled back alone, a refusal inside it still leaves it usable, and one that ran
    nothing sends nothing."""
    with server_store.write():
        server_store.sql("INSERT INTO setting(key, value) VALUES ('desk.outer', 'kept')")
        with pytest.raises(RuntimeError), server_store.write():
            server_store.sql("INSERT INTO setting(key, value) VALUES ('desk.inner', 'lost')")
            raise RuntimeError("the inner part fails")
        with server_store.write():
            with pytest.raises(IntegrityError):
                server_store.sql("DELETE FROM audit")
            server_store.sql("INSERT INTO setting(key, value) VALUES ('desk.refused', 'kept')")
        with server_store.write(), server_store.write():
            pass  # nothing inside: nothing to send
        with pytest.raises(RuntimeError), server_store.write():
            raise RuntimeError("nothing written, nothing rolled back")
        with server_store.write():
            with server_store.write():
                server_store.sql("INSERT INTO setting(key, value) VALUES ('desk.deep', 'kept')")
        assert server_store.setting("desk.inner") is None  # read in the same transaction
    assert [server_store.setting(key) for key in ("desk.outer", "desk.inner", "desk.refused", "desk.deep")] == [
        "kept", None, "kept", "kept"]
    assert not server_store.in_transaction()


def test_a_second_desk_waits_for_the_write_lock_and_gives_up_with_the_busy_message(pg_empty_url, server_store):
    other = setup.open_ready(server_location(pg_empty_url), now=NOW)
    try:
        with server_store.write():
            with other.patience(0.2), pytest.raises(DeskError) as err, other.write():
                pass
        assert err.value.key == "store_busy"
        with other.write():  # the lock went with the first desk's commit
            other.sql("INSERT INTO setting(key, value) VALUES ('desk.other', 'yes')")
    finally:
        other.close()


def test_the_change_mark_moves_when_another_desk_commits(pg_empty_url, server_store):
    other = setup.open_ready(server_location(pg_empty_url), now=NOW)
    try:
        before = server_store.change_mark()
        other.set_setting("desk.mark", "moved")
        assert server_store.change_mark() != before
    finally:
        other.close()


def test_a_compound_schema_named_in_the_url_holds_that_compounds_store(pg_empty_url):
    first = setup.open_ready(server_location(pg_empty_url.update_query_dict({"schema": "guidong_a"})), now=NOW)
    second = setup.open_ready(server_location(pg_empty_url.update_query_dict({"schema": "guidong_b"})), now=NOW)
    try:
        first.set_setting("compound", "a")
        second.set_setting("compound", "b")
        assert (first.setting("compound"), second.setting("compound")) == ("a", "b")
        assert first.sql("SELECT current_schema()").scalar() == "guidong_a"
    finally:
        first.close()
        second.close()


def test_a_server_that_cannot_be_reached_is_named_without_its_password(pg_empty_url):
    unreachable = pg_empty_url.set(port=1, password="secret-pw")
    with pytest.raises(DeskError) as err:
        setup.open_ready(server_location(unreachable), now=NOW)
    assert err.value.key == "pg_store_unreachable"
    assert "secret-pw" not in err.value.message()


def test_an_appended_change_goes_with_the_next_message_and_is_read_in_the_same_write(server_store, monkeypatch):
    """`append` sends nothing by itself: the change travels with the write's next statement (here a
    read, which sees it) or its COMMIT; a nested write that fails takes what it appended with it."""
    sent = _counting(server_store, monkeypatch)
    with server_store.write():
        before = len(sent)
        server_store.append("INSERT INTO setting(key, value) VALUES ('desk.appended', :value)", value="50% 'quoted'")
        assert len(sent) == before  # not sent on its own
        assert server_store.setting("desk.appended") == "50% 'quoted'"  # the read carries it, and sees it
        with pytest.raises(RuntimeError), server_store.write():
            server_store.append("INSERT INTO setting(key, value) VALUES ('desk.nested.lost', 'no')")
            raise RuntimeError("the inner part fails before anything was sent")
        with server_store.write():
            server_store.sql("INSERT INTO setting(key, value) VALUES ('desk.nested.sent', 'no')")
            with pytest.raises(RuntimeError), server_store.write():
                server_store.append("INSERT INTO setting(key, value) VALUES ('desk.nested.deep', 'no')")
                server_store.sql("SELECT 1")
                server_store.append("INSERT INTO setting(key, value) VALUES ('desk.nested.unsent', 'no')")
                raise RuntimeError("the inner part fails after its savepoint went out")
        with server_store.write():  # a nested write that sent nothing keeps what it appended
            server_store.append("INSERT INTO setting(key, value) VALUES ('desk.nested.kept', 'yes')")
        server_store.append("INSERT INTO setting(key, value) VALUES ('desk.last', 'with the commit')")
        commits = len(sent)
    assert len(sent) == commits + 1  # the last append and the COMMIT: one message
    assert [server_store.setting(k) for k in ("desk.nested.lost", "desk.nested.sent", "desk.nested.deep",
                                               "desk.nested.unsent", "desk.nested.kept", "desk.last")] == [
        None, "no", None, None, "yes", "with the commit"]
    assert not server_store.in_transaction()


def test_a_refused_appended_change_refuses_its_whole_write_as_sql_would(server_store):
    for last in (True, False):  # refused with the COMMIT, or with a later statement of the write
        with pytest.raises(IntegrityError) as err, server_store.write():
            server_store.sql("INSERT INTO setting(key, value) VALUES ('desk.before', 'lost')")
            server_store.append("DELETE FROM audit")
            if not last:
                server_store.sql("INSERT INTO setting(key, value) VALUES ('desk.after', 'lost')")
        assert refusal(err.value) == "audit_append_only"  # SQLite's words, as `sql` gives them
        assert server_store.setting("desk.before") is None and server_store.setting("desk.after") is None
        assert not server_store.in_transaction()
    server_store.set_setting("desk.usable", "yes")  # the store goes on
    assert server_store.setting("desk.usable") == "yes"


def test_a_booking_is_five_messages_to_the_server(server_store, monkeypatch):
    """What a booking costs in round trips, counted at the driver: the BEGIN with the write lock; the
    resource and the resident, asked at once; the rules, the household's count, its no-shows and the
    closures, asked at once (`Store.read_all`); the INSERT (the store's own guard checks the overlap);
    and the audit entry with the notice and the COMMIT. Each round trip is the server's time and a
    wait to be woken (0.04 ms on this machine busy, 0.4 ms idle): a new one is a choice to make on purpose."""
    from datetime import datetime

    from booking.people import residents
    from booking.schedule import bookings
    from booking.store.audit import Actor
    clerk = Actor("值班员", "clerk")
    resident = residents.add(server_store, clerk, "张三", "1-1-101", "13800001111", now=NOW)
    sent = _counting(server_store, monkeypatch)
    for day in range(7):  # past psycopg's prepare threshold: what it prepares, prepared
        sent.clear()
        bookings.book(server_store, clerk, bookings.Request(
            resource="R01", start=datetime(2026, 12, 1 + day, 9), end=datetime(2026, 12, 1 + day, 10),
            resident_id=resident.id), NOW)
        assert len(sent) <= 5, "\n".join(sent)
    assert len(sent) == 5, "\n".join(sent)


def test_a_check_in_is_six_messages_and_a_check_out_eight(server_store, monkeypatch):
    """A scan's round trips, counted as a booking's are (above): the BEGIN, the repeat check with the pass
    key (asked at once), the booking with its nonce, the rules (check-in) or the tariff and any exemption (check-out),
    the UPDATE, and what is appended (audit, scan, settled charge) with the COMMIT."""
    from datetime import datetime, timedelta

    from booking.checkin import passes, scanning
    from booking.people import residents
    from booking.schedule import bookings
    from booking.store.audit import Actor
    clerk = Actor("值班员", "clerk")
    resident = residents.add(server_store, clerk, "张三", "1-1-101", "13800001111", plate="川A12345", now=NOW)
    made = [bookings.book(server_store, clerk, bookings.Request(
        resource="P001", start=datetime(2026, 12, 1 + day, 9), end=datetime(2026, 12, 1 + day, 10),
        resident_id=resident.id), NOW) for day in range(7)]
    sent = _counting(server_store, monkeypatch)
    for booking in made:  # past psycopg's prepare threshold, as a desk's day is
        text = passes.pass_text(server_store, booking.id)
        for minutes, messages in ((1, 6), (2, 8)):
            sent.clear()
            verdict = scanning.scan(server_store, clerk, text, scanning.stations.DESK,
                                    now=booking.start + timedelta(minutes=minutes))
            assert verdict.ok, verdict.reason
            assert len(sent) <= messages, "\n".join(sent)
    assert len(sent) == 8, "\n".join(sent)


def _counting(store: ServerStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The messages `store` sends from now on (each execute on its connection's cursors), as they go."""
    import psycopg
    sent: list[str] = []
    original = psycopg.Cursor.execute
    raw = store.raw

    def counted(cursor, query, *args, **kwargs):
        if cursor.connection is raw:
            sent.append(str(query))
        return original(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", counted)
    return sent
