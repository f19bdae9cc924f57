"""Households by door, residents, vehicles, and finding them the way the clerk asks."""
from __future__ import annotations

from datetime import datetime

import pytest

from booking.people import residents
from booking.store.errors import DeskError
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


def test_a_resident_is_registered_with_a_household_and_a_car(store, admin):
    r = residents.add(store, admin, " 张三丰 ", "3-2-501", "138 1234 5678", "川a·12345", now=NOW)
    assert (r.name, r.door, r.phone, r.plates) == ("张三丰", "3栋2单元501", "13812345678", ("川A12345",))


def test_two_residents_of_one_door_share_a_household(store, admin):
    a = residents.add(store, admin, "张三", "3栋2单元501", "13812345678", now=NOW)
    b = residents.add(store, admin, "张四", "3-2-501", "13812345679", now=NOW)
    assert a.household_id == b.household_id


def test_a_plate_belongs_to_one_household(store, admin, resident):
    with pytest.raises(DeskError) as err:
        residents.add(store, admin, "李四", "5栋1单元302", "13987654321", "川A12345", now=NOW)
    assert err.value.field == "plate" and "3栋2单元501" in err.value.message()
    assert residents.find(store, "李四") == []  # nothing half-written


@pytest.mark.parametrize("query", ["13812345678", "5678", "川A12345", "川a 12345", "3-2-501", "3栋2单元501",
                                   "三丰", "张"])
def test_find_by_phone_tail_plate_door_or_name(store, resident, neighbour, query):
    assert resident.id in [r.id for r in residents.find(store, query)]


@pytest.mark.parametrize("query", ["anna", "ANNA SMITH", "Smith", "桂a1", "a12345", "桂A12345"])
def test_find_ignores_the_case_of_latin_letters_on_either_engine(store, admin, query):
    """SQLite's LIKE ignores ASCII case and PostgreSQL's does not: the search is the same on both."""
    anna = residents.add(store, admin, "Anna Smith", "7栋1单元101", "13700001111", "桂a12345", now=NOW)
    assert [r.id for r in residents.find(store, query)] == [anna.id]


def test_find_does_not_return_other_households(store, resident, neighbour):
    assert [r.id for r in residents.find(store, "4321")] == [neighbour.id]


def test_find_treats_sql_and_wildcards_as_plain_text(store, resident):
    assert residents.find(store, "%") == []
    assert residents.find(store, "' OR 1=1 --") == []


def test_a_latin_name_is_found_in_either_case_on_both_engines(store, admin):
    found = residents.add(store, admin, "Anna Müller", "5栋1单元302", "13987654321", now=NOW)
    assert [r.id for r in residents.find(store, "anna")] == [found.id]
    assert [r.id for r in residents.find(store, "MÜLLER")] == []  # Ü is not folded, on either engine
    assert [r.id for r in residents.find(store, "Müller")] == [found.id]


def test_an_empty_search_is_a_clear_error(store):
    with pytest.raises(DeskError) as err:
        residents.find(store, "   ")
    assert err.value.code == "invalid"


@pytest.mark.parametrize("field,kwargs", [
    ("phone", {"phone": "12345"}), ("door", {"door": "楼下"}), ("name", {"name": ""}), ("plate", {"plate": "川A1234"}),
])
def test_bad_input_names_the_field_and_stores_nothing(store, admin, field, kwargs):
    values = {"name": "王五", "door": "7栋2单元101", "phone": "13700001111", "plate": None} | kwargs
    with pytest.raises(DeskError) as err:
        residents.add(store, admin, **values, now=NOW)
    assert err.value.field == field
    assert store.sql("SELECT count(*) FROM resident").scalar() == 0
