"""The audit log's search answers alike on the SQLite file and on the server: A-Z case folded,
what the clerk typed looked for as typed (`%`, `_` and a backslash are no wildcards), Chinese
found in the before and after of an entry, the log paged by id."""
from __future__ import annotations

import pytest

from booking.store import audit
from booking.store.audit import Actor
from tests.conftest import NOW, TWO_ENGINES

pytestmark = TWO_ENGINES

CLERK = Actor("Wang Li", "clerk")


@pytest.fixture
def log(store):
    """Entries whose texts tell the engines' LIKE apart; their ids by a name."""
    def add(name: str, **entry) -> None:
        with store.write():
            audit.record(store, entry.pop("actor", CLERK), entry.pop("action", "set"),
                         entry.pop("entity", "setting"), entry.pop("entity_id", name), at=NOW, **entry)
        ids[name] = store.sql("SELECT max(id) FROM audit").scalar()

    ids: dict[str, int] = {}
    add("camera", reason="Gate Camera replaced")
    add("discount", reason="打折 50% 给志愿者")
    add("fifty", reason="打折 50 给志愿者")
    add("under", entity_id="night_rate")
    add("nounder", entity_id="nightXrate")
    add("path", reason="备份到 D:\\linli\\备份")
    add("resident", action="add", entity="resident", entity_id="77", after={"name": "张三丰", "door": "3栋2单元501"})
    add("accent", reason="Café Élan")
    return ids


def found(store, text: str, **options) -> list[int]:
    return [row[0] for row in audit.search(store, text, **options)]


def test_case_is_folded_for_latin_letters(store, log):
    assert found(store, "gate camera") == [log["camera"]]
    assert found(store, "GATE CAMERA") == [log["camera"]]
    assert log["camera"] in found(store, "wang li")  # the actor, stored "Wang Li"


def test_a_typed_percent_is_a_percent_not_a_wildcard(store, log):
    assert found(store, "50%") == [log["discount"]]


def test_a_typed_underscore_is_an_underscore_not_a_wildcard(store, log):
    assert found(store, "night_rate") == [log["under"]]


def test_a_typed_backslash_is_a_backslash(store, log):
    assert found(store, "D:\\linli") == [log["path"]]
    assert found(store, "\\") == [log["path"]]


def test_chinese_is_found_in_what_an_entry_changed(store, log):
    assert found(store, "张三丰") == [log["resident"]]
    assert found(store, "三丰") == [log["resident"]]
    assert found(store, "3栋2单元") == [log["resident"]]
    assert found(store, "志愿者") == [log["fifty"], log["discount"]]  # newest first


def test_other_letters_are_matched_as_typed_on_both_engines(store, log):
    assert found(store, "Élan") == [log["accent"]]
    assert found(store, "élan") == []  # not folded on either engine: the same answer, not a guess
    assert found(store, "cafÉ") == []


def test_runs_of_spaces_are_one_space_and_no_text_is_every_entry(store, log):
    assert found(store, "  gate   camera ") == [log["camera"]]
    assert found(store, "") == found(store, None) == [row[0] for row in store.sql(
        "SELECT id FROM audit ORDER BY id DESC LIMIT 200")]


def test_the_codes_a_word_names_are_found_too(store, log):
    assert found(store, "预订", codes=("book",)) == []  # no booking here: the codes add nothing
    assert found(store, "resident", codes=("resident",)) == [log["resident"]]
    assert set(found(store, "设置", codes=("set",))) & set(log.values()) == set(log.values()) - {log["resident"]}


def test_the_search_pages_by_id(store, log):
    first = found(store, "志愿者", limit=1)
    assert first == [log["fifty"]]
    assert found(store, "志愿者", before_id=first[-1], limit=1) == [log["discount"]]


def test_the_audit_command_finds_as_the_window_does(store, log):
    entries = audit.entries(store, find="GATE")
    assert [entry["id"] for entry in entries] == [log["camera"]]
    assert [entry["id"] for entry in audit.entries(store, "setting", "night_rate", find="night_")] == [log["under"]]
