"""`Store.sql_many`, the seam's batch (an import's thousands of rows): the same answers on both engines."""
from __future__ import annotations

import pytest

from booking.store import audit
from booking.store.connection import IntegrityError, refusal
from tests.conftest import NOW, TWO_ENGINES

pytestmark = TWO_ENGINES


def test_a_batch_gives_each_rows_new_id_in_the_order_of_its_rows(store):
    doors = [f"9-1-{n}01" for n in range(1, 8)]
    with store.write():
        ids = [row[0] for row in store.sql_many(
            "INSERT INTO household(door, building, unit, room, created_at) "
            "VALUES (:door, 9, 1, :room, '2026-11-24 10:00') RETURNING id",
            [{"door": door, "room": door.rsplit("-", 1)[1]} for door in doors])]
    assert ids == sorted(ids) and len(set(ids)) == len(doors)
    assert [store.sql("SELECT door FROM household WHERE id = :id", id=i).scalar() for i in ids] == doors


def test_a_batch_without_returning_gives_nothing_back_and_an_empty_batch_does_nothing(store):
    with store.write():
        assert store.sql_many("INSERT INTO setting(key, value) VALUES (:key, :value)",
                              [{"key": "desk.a", "value": "1"}, {"key": "desk.b", "value": "2"}]) == []
        assert store.sql_many("INSERT INTO setting(key, value) VALUES (:key, :value)", []) == []
    assert (store.setting("desk.a"), store.setting("desk.b")) == ("1", "2")


def test_a_refused_row_undoes_its_whole_batch_and_leaves_the_write_usable(store):
    with store.write():
        with pytest.raises(IntegrityError):  # the third row's key is the first's: UNIQUE
            store.sql_many("INSERT INTO setting(key, value) VALUES (:key, :value)",
                           [{"key": "desk.x", "value": "1"}, {"key": "desk.y", "value": "2"},
                            {"key": "desk.x", "value": "3"}])
        assert store.setting("desk.x") is None and store.setting("desk.y") is None  # in the same write
        store.sql("INSERT INTO setting(key, value) VALUES ('desk.after', 'kept')")
    assert (store.setting("desk.x"), store.setting("desk.after")) == (None, "kept")


def test_a_batch_the_stores_guards_refuse_is_refused_in_sqlites_words(store, admin):
    with store.write():
        audit.record(store, admin, "add", "setting", None, after={"n": 1}, at=NOW)
        audit.record(store, admin, "add", "setting", None, after={"n": 2}, at=NOW)
    before = store.sql("SELECT id, actor FROM audit ORDER BY id").fetchall()
    ids = [row[0] for row in before]
    with store.write():
        with pytest.raises(IntegrityError) as err:
            store.sql_many("UPDATE audit SET actor = 'someone else' WHERE id = :id", [{"id": i} for i in ids])
        assert refusal(err.value) == "audit_append_only"
    assert store.sql("SELECT id, actor FROM audit ORDER BY id").fetchall() == before
