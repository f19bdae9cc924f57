"""Correcting a resident, moving them to another door, taking off a sold car, moving away."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from booking.checkin import scanning
from booking.people import residents
from booking.schedule import bookings
from booking.store import audit
from booking.store.errors import DeskError
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)

TODAY_START, TODAY_END = datetime(2026, 11, 24, 10, 0), datetime(2026, 11, 24, 12, 0)
TONIGHT_START, TONIGHT_END = datetime(2026, 11, 24, 19, 0), datetime(2026, 11, 25, 7, 30)


def book(store, actor, now, resident, start=TONIGHT_START, end=TONIGHT_END, code="P001"):
    return bookings.book(store, actor, bookings.Request(code, start, end, resident.id), now)


def count(store, table):
    return store.sql(f"SELECT count(*) FROM {table}").fetchone()[0]


def last_entry(store, entity, entity_id):
    return audit.entries(store, entity, entity_id, limit=1)[0]


# --- update -------------------------------------------------------------------------------------

def test_a_name_is_corrected_and_audited(store, clerk, resident):
    changed = residents.update(store, clerk, resident.id, name=" 张三峰 ", now=NOW)
    assert changed.name == "张三峰" and changed.phone == resident.phone
    entry = last_entry(store, "resident", resident.id)
    assert (entry["action"], entry["actor"]) == ("set", clerk.name)
    assert (entry["before"], entry["after"]) == ({"name": "张三丰"}, {"name": "张三峰"})


def test_a_new_phone_is_found_by_its_last_four_digits_and_audited_masked(store, clerk, resident):
    changed = residents.update(store, clerk, resident.id, phone="139 0000 4321", now=NOW)
    assert changed.phone == "13900004321"
    assert [r.id for r in residents.find(store, "4321")] == [resident.id]
    assert residents.find(store, "5678") == []
    entry = last_entry(store, "resident", resident.id)
    assert (entry["before"], entry["after"]) == ({"phone": "138****5678"}, {"phone": "139****4321"})
    assert "13812345678" not in json.dumps(entry) and "13900004321" not in json.dumps(entry)


def test_moving_to_a_new_door_makes_its_household_and_takes_the_residents_car(store, clerk, resident):
    households = count(store, "household")
    moved = residents.update(store, clerk, resident.id, door="7-1-1203", now=NOW)
    assert moved.door == "7栋1单元1203" and moved.household_id != resident.household_id
    assert count(store, "household") == households + 1
    assert moved.plates == ("川A12345",)
    assert residents.find(store, "川A12345")[0].door == "7栋1单元1203"
    entry = last_entry(store, "resident", resident.id)
    assert entry["before"] == {"door": "3栋2单元501"}
    assert entry["after"] == {"door": "7栋1单元1203", "plates": ["川A12345"]}


def test_moving_to_a_known_door_joins_that_household(store, clerk, resident, neighbour):
    moved = residents.update(store, clerk, resident.id, door="5栋1单元302", now=NOW)
    assert moved.household_id == neighbour.household_id
    assert moved.plates == ("川A12345", "川AD12345")


def test_a_housemates_car_stays_at_the_old_door(store, clerk, resident):
    mate = residents.add(store, clerk, "张小丰", "3栋2单元501", "13700001111", "川B54321", now=NOW)
    moved = residents.update(store, clerk, mate.id, door="7栋1单元1203", now=NOW)
    assert moved.plates == ("川B54321",)
    assert residents.get(store, resident.id).plates == ("川A12345",)


def test_bookings_keep_the_door_they_were_made_for(store, clerk, now, resident):
    booking = book(store, clerk, now, resident)
    residents.update(store, clerk, resident.id, door="7栋1单元1203", name="张三峰", now=now)
    kept = bookings.get(store, booking.id)
    assert (kept.household_id, kept.door, kept.resident_id) == (resident.household_id, "3栋2单元501", resident.id)


@pytest.mark.parametrize("field,value,words", [
    ("name", "  ", "姓名"), ("phone", "12345", "手机号"), ("door", "楼下", "门牌"),
])
def test_a_bad_value_names_its_field_and_changes_nothing(store, clerk, resident, field, value, words):
    entries = count(store, "audit")
    with pytest.raises(DeskError) as err:
        residents.update(store, clerk, resident.id, **{field: value}, now=NOW)
    assert (err.value.code, err.value.field) == ("invalid", field)
    assert words in err.value.message()
    assert residents.get(store, resident.id) == resident and count(store, "audit") == entries


def test_a_bad_door_leaves_a_good_name_unsaved(store, clerk, resident):
    with pytest.raises(DeskError):
        residents.update(store, clerk, resident.id, name="张三峰", door="3-2", now=NOW)
    assert residents.get(store, resident.id).name == "张三丰"


def test_the_same_values_write_nothing(store, clerk, resident):
    entries = count(store, "audit")
    same = residents.update(store, clerk, resident.id, name="张三丰", phone="138-1234-5678", door="3-2-501", now=NOW)
    assert same == resident and count(store, "audit") == entries


def test_an_edit_with_nothing_to_change_is_refused(store, clerk, resident):
    with pytest.raises(DeskError) as err:
        residents.update(store, clerk, resident.id, now=NOW)
    assert err.value.code == "invalid" and "姓名、手机号或门牌" in err.value.message()


def test_a_phone_already_registered_at_the_door_is_refused_on_the_phone(store, clerk, resident):
    mate = residents.add(store, clerk, "张小丰", "3栋2单元501", "13700001111", now=NOW)
    with pytest.raises(DeskError) as err:
        residents.update(store, clerk, mate.id, phone="13812345678", now=NOW)
    assert err.value.field == "phone" and "3栋2单元501" in err.value.message()
    assert residents.get(store, mate.id).phone == "13700001111"


def test_an_unknown_resident_is_not_found(store, clerk):
    with pytest.raises(DeskError) as err:
        residents.update(store, clerk, 999, name="王五", now=NOW)
    assert err.value.code == "not_found"


# --- remove_plate -------------------------------------------------------------------------------

def test_a_sold_car_is_taken_off_the_household_and_audited(store, clerk, resident):
    removed = residents.remove_plate(store, clerk, "川a 12345", now=NOW)
    assert removed == {"plate": "川A12345", "door": "3栋2单元501", "household_id": resident.household_id}
    assert residents.get(store, resident.id).plates == ()
    entry = last_entry(store, "vehicle", "川A12345")
    assert (entry["action"], entry["before"]) == ("remove", {"door": "3栋2单元501", "resident": resident.id})


def test_a_sold_car_can_be_registered_by_its_new_owner(store, clerk, resident, neighbour):
    residents.remove_plate(store, clerk, "川A12345", now=NOW)
    assert "川A12345" in residents.add_vehicle(store, clerk, neighbour.id, "川A12345", now=NOW).plates


def test_a_plate_with_a_booking_is_not_removed_and_the_booking_is_named(store, clerk, now, resident):
    booking = book(store, clerk, now, resident)
    with pytest.raises(DeskError) as err:
        residents.remove_plate(store, clerk, "川A12345", now=now)
    assert (err.value.code, err.value.field) == ("state", "plate")
    assert f"预约号 {booking.id}（P001，2026-11-24 19:00–2026-11-25 07:30）" in err.value.message()
    assert err.value.details == [booking.id]
    assert residents.get(store, resident.id).plates == ("川A12345",)


def test_a_plate_checked_in_is_not_removed(store, clerk, now, resident):
    booking = book(store, clerk, now, resident, TODAY_START, TODAY_END)
    scanning.manual(store, clerk, booking.id, "通行证丢失", now=now)
    with pytest.raises(DeskError) as err:
        residents.remove_plate(store, clerk, "川A12345", now=now)
    assert err.value.code == "state" and str(booking.id) in err.value.message()


def test_past_bookings_keep_a_removed_plate(store, clerk, now, resident):
    booking = book(store, clerk, now, resident, TODAY_START, TODAY_END)
    scanning.manual(store, clerk, booking.id, "通行证丢失", now=now)
    scanning.manual(store, clerk, booking.id, "通行证丢失", now=datetime(2026, 11, 24, 11, 0))
    residents.remove_plate(store, clerk, "川A12345", now=now)
    assert bookings.get(store, booking.id).plate == "川A12345"


def test_an_unregistered_plate_is_not_found_on_the_plate_field(store, clerk, resident):
    with pytest.raises(DeskError) as err:
        residents.remove_plate(store, clerk, "川B99999", now=NOW)
    assert (err.value.code, err.value.field) == ("not_found", "plate") and "川B99999" in err.value.message()


def test_a_malformed_plate_is_invalid_on_the_plate_field(store, clerk, resident):
    with pytest.raises(DeskError) as err:
        residents.remove_plate(store, clerk, "川A1234", now=NOW)
    assert (err.value.code, err.value.field) == ("invalid", "plate")


# --- set_active ---------------------------------------------------------------------------------

def test_a_resident_who_moved_away_is_no_longer_found_but_kept(store, clerk, resident):
    gone = residents.set_active(store, clerk, resident.id, False, now=NOW)
    assert not gone.active and gone.door == "3栋2单元501"
    assert residents.find(store, "张三丰") == []
    assert [r.id for r in residents.find(store, "张三丰", include_moved=True)] == [resident.id]
    entry = last_entry(store, "resident", resident.id)
    assert (entry["action"], entry["before"], entry["after"]) == ("disable", {"active": True}, {"active": False})


def test_a_resident_who_returns_is_found_again(store, clerk, resident):
    residents.set_active(store, clerk, resident.id, False, now=NOW)
    back = residents.set_active(store, clerk, resident.id, True, now=NOW)
    assert back.active and [r.id for r in residents.find(store, "张三丰")] == [resident.id]
    assert last_entry(store, "resident", resident.id)["action"] == "enable"


def test_a_resident_with_a_booking_cannot_move_away_and_it_is_named(store, clerk, now, resident):
    booking = book(store, clerk, now, resident)
    with pytest.raises(DeskError) as err:
        residents.set_active(store, clerk, resident.id, False, now=now)
    assert err.value.code == "state" and f"预约号 {booking.id}" in err.value.message()
    assert residents.get(store, resident.id).active
    bookings.cancel(store, clerk, booking.id, now=now)
    assert not residents.set_active(store, clerk, resident.id, False, now=now).active


def test_many_bookings_in_progress_are_counted(store, admin, clerk, now, resident):
    for code in ("P001", "P002", "P003", "P004"):  # an admin overrides the household's limit
        bookings.book(store, admin, bookings.Request(code, TONIGHT_START, TONIGHT_END, resident.id, "川A12345",
                                                     override="测试"), now)
    with pytest.raises(DeskError) as err:
        residents.set_active(store, clerk, resident.id, False, now=now)
    assert err.value.message().endswith("等共 4 个。请先取消预约或签退后再登记迁出。")


def test_moving_away_twice_writes_once(store, clerk, resident):
    residents.set_active(store, clerk, resident.id, False, now=NOW)
    entries = count(store, "audit")
    residents.set_active(store, clerk, resident.id, False, now=NOW)
    assert count(store, "audit") == entries


def test_bookings_of_a_resident_who_moved_away_keep_their_name(store, clerk, now, resident):
    booking = book(store, clerk, now, resident)
    bookings.cancel(store, clerk, booking.id, now=now)
    residents.set_active(store, clerk, resident.id, False, now=now)
    kept = bookings.get(store, booking.id)
    assert (kept.resident_id, kept.resident_name, kept.door) == (resident.id, "张三丰", "3栋2单元501")


# --- the commands -------------------------------------------------------------------------------

def test_resident_edit_command_answers_the_masked_resident(run_cli, resident):
    result = run_cli("resident", "edit", str(resident.id), "--phone", "13900004321", "--door", "7-1-1203")
    assert result.code == 0
    shown = result.json["resident"]
    assert (shown["id"], shown["name"], shown["phone"]) == (resident.id, "张*丰", "139****4321")
    assert (shown["door"], shown["plates"], shown["active"]) == ("7栋1单元1203", ["川A12345"], True)


def test_resident_edit_command_names_the_bad_field(run_cli, resident):
    result = run_cli("resident", "edit", str(resident.id), "--phone", "12345")
    assert result.code == 1 and result.json["field"] == "phone" and result.json["code"] == "invalid"


def test_resident_unplate_command_refuses_a_booked_plate_then_removes_it(run_cli, store, clerk, now, resident):
    booking = book(store, clerk, now, resident)
    refused = run_cli("resident", "unplate", "川A12345")
    assert refused.code == 1 and refused.json["code"] == "state" and refused.json["details"] == [booking.id]
    run_cli("cancel", str(booking.id))
    result = run_cli("resident", "unplate", "川A12345")
    assert result.code == 0 and result.json == {"removed": "川A12345", "door": "3栋2单元501"}


def test_resident_leave_and_return_commands(run_cli, resident):
    left = run_cli("resident", "leave", str(resident.id))
    assert left.code == 0 and left.json["resident"]["active"] is False
    assert run_cli("resident", "find", "张三丰").json == {"residents": []}
    back = run_cli("resident", "return", str(resident.id))
    assert back.code == 0 and back.json["resident"]["active"] is True
