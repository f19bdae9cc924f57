"""Store.read_all: several reads asked at once, answered in order, alike on both engines; on the server
one message, and inside a write what waits (a savepoint, an appended change) goes first and is seen."""
from __future__ import annotations

import pytest

from booking.store.connection import Read
from booking.store.errors import DeskError
from booking.store.postgres.store import ServerStore
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES


def count_of(table: str) -> Read[int]:
    return Read(f"SELECT count(*) FROM {table}", {}, lambda rows: int(rows.fetchone()[0]))


def test_reads_asked_at_once_are_answered_in_order_with_their_own_values(store):
    codes = Read("SELECT code FROM resource WHERE kind = :kind AND code IN :codes ORDER BY code",
                 {"kind": "parking", "codes": ("P001", "P002", "R01")}, lambda rows: [r[0] for r in rows])
    nothing = Read("SELECT code FROM resource WHERE code = :code", {"code": "50% 'x'"}, lambda rows: rows.fetchall())
    again = Read("SELECT 1", {}, lambda rows: store.setting("pass_kid") is not None)  # an answer may read again
    assert store.read_all(count_of("resource"), codes, nothing, again) == [
        store.sql("SELECT count(*) FROM resource").scalar(), ["P001", "P002"], [], True]
    assert store.read(codes) == ["P001", "P002"]


def test_inside_a_write_they_see_what_the_write_did(store):
    before = store.read(count_of("setting"))
    with store.write():
        store.append("INSERT INTO setting(key, value) VALUES ('desk.read_all', 'x')")
        with store.write():
            assert store.read_all(count_of("setting"), count_of("resource"))[0] == before + 1
    assert store.read(count_of("setting")) == before + 1


def test_a_read_the_store_refuses_is_said_in_words(store):
    with pytest.raises(Exception) as err:
        store.read_all(count_of("resource"), count_of("no_such_table"))
    if isinstance(store, ServerStore):
        assert isinstance(err.value, DeskError) and "no_such_table" in err.value.message()
        assert store.read(count_of("resource")) > 0  # the store goes on


def test_on_the_server_they_are_one_message(store, monkeypatch):
    if not isinstance(store, ServerStore):
        pytest.skip("a file has no messages: SQLite runs the reads one after the other")
    import psycopg
    sent = []
    original, raw = psycopg.Cursor.execute, store.raw
    monkeypatch.setattr(psycopg.Cursor, "execute",
                        lambda cursor, *a, **k: (sent.append(a[0]) if cursor.connection is raw else None,
                                                 original(cursor, *a, **k))[1])
    store.read_all(count_of("resource"), count_of("rule"), count_of("closure"))
    assert len(sent) == 1
