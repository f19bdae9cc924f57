"""What the desk accepts from the clerk's keyboard, and what it says when it does not."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booking.store import i18n
from booking.store.errors import DeskError
from booking.store.validation import (PROVINCES, is_new_energy, mask_name, mask_phone, normalize_door,
                                      normalize_name, normalize_phone, normalize_plate, parse_date,
                                      parse_minute, split_door)


def refusal(func, *args) -> DeskError:
    """The DeskError `func(*args)` raises; fails the test if it returns."""
    with pytest.raises(DeskError) as caught:
        func(*args)
    assert caught.value.code == "invalid"
    return caught.value


# --- plates -------------------------------------------------------------------------------


def test_ordinary_plate_is_accepted_as_typed():
    assert normalize_plate("川A12345") == "川A12345"


def test_ordinary_plate_may_hold_letters_in_its_serial():
    assert normalize_plate("川AB123C") == "川AB123C"


def test_plate_is_upper_cased():
    assert normalize_plate("川a1b2c3") == "川A1B2C3"


def test_plate_spaces_are_dropped_including_ideographic_space():
    assert normalize_plate(" 川 A\u300012345 ") == "川A12345"


@pytest.mark.parametrize("typed", ["川A·12345", "川A•12345", "川A.12345", "川A-12345", "川A・12345"])
def test_plate_separators_are_dropped(typed):
    assert normalize_plate(typed) == "川A12345"


def test_full_width_plate_is_folded_to_half_width():
    assert normalize_plate("川Ａ１２３４５") == "川A12345"


@pytest.mark.parametrize("suffix", list("挂学警港澳领试超"))
def test_ordinary_plate_may_end_in_a_special_character(suffix):
    assert normalize_plate(f"川A1234{suffix}") == f"川A1234{suffix}"


def test_special_character_is_refused_inside_the_serial():
    assert refusal(normalize_plate, "川A12学45").key == "val_plate_chars"


def test_small_new_energy_plate_is_accepted():
    assert normalize_plate("川AD12345") == "川AD12345"
    assert normalize_plate("川AF12345") == "川AF12345"


def test_small_new_energy_plate_may_have_a_letter_second():
    assert normalize_plate("川ADA1234") == "川ADA1234"


def test_small_new_energy_plate_needs_four_digits_at_the_end():
    assert refusal(normalize_plate, "川AD1A234").key == "val_plate_new_energy"


def test_small_new_energy_plate_must_start_with_an_energy_letter():
    assert refusal(normalize_plate, "川AL12345").key == "val_plate_new_energy"


def test_large_new_energy_plate_is_accepted():
    assert normalize_plate("川A12345D") == "川A12345D"
    assert normalize_plate("川A12345F") == "川A12345F"


def test_large_new_energy_plate_must_end_in_d_or_f():
    assert refusal(normalize_plate, "川A12345X").key == "val_plate_new_energy"


def test_new_energy_plate_with_spaces_and_dot_lower_case():
    assert normalize_plate("川a·d 12345") == "川AD12345"


def test_is_new_energy_tells_eight_character_plates():
    assert is_new_energy("川AD12345")
    assert is_new_energy("川a12345d")
    assert not is_new_energy("川A12345")


def test_is_new_energy_is_false_for_a_non_plate():
    assert not is_new_energy("hello")
    assert not is_new_energy(None)


@pytest.mark.parametrize("typed", ["川A1234", "川A1234567", "A12345"])
def test_plate_of_wrong_length_is_refused_with_the_length_message(typed):
    error = refusal(normalize_plate, typed)
    assert error.key == "val_plate_length"
    assert error.field == "plate"


@pytest.mark.parametrize("province", list(PROVINCES))
def test_every_province_is_accepted(province):
    assert normalize_plate(f"{province}B12345") == f"{province}B12345"


def test_all_31_provinces_are_known():
    assert len(set(PROVINCES)) == len(PROVINCES) == 31


@pytest.mark.parametrize("typed", ["台A12345", "AB12345", "1A12345", "中A12345"])
def test_unknown_province_is_refused(typed):
    assert refusal(normalize_plate, typed).key == "val_plate_province"


def test_second_character_must_be_a_letter():
    assert refusal(normalize_plate, "川112345").key == "val_plate_authority"


@pytest.mark.parametrize("typed", ["川AI2345", "川A1234O", "川ao1234", "川AD1O234", "川AO2345D"])
def test_letters_i_and_o_are_refused_in_the_serial(typed):
    assert refusal(normalize_plate, typed).key == "val_plate_io"


def test_full_width_letter_o_is_refused_too():
    assert refusal(normalize_plate, "川A1234Ｏ").key == "val_plate_io"


def test_other_bad_characters_in_plate_are_refused():
    assert refusal(normalize_plate, "川A12#45").key == "val_plate_chars"


@pytest.mark.parametrize("typed", [None, "", "   ", "·-"])
def test_empty_plate_asks_for_one(typed):
    error = refusal(normalize_plate, typed)
    assert error.key == "val_plate_required"
    assert error.field == "plate"


def test_plate_message_says_what_to_type_in_both_languages():
    error = refusal(normalize_plate, "川A1234")
    assert error.message("zh") == "车牌号应为7位（新能源8位），如 川A12345"
    assert error.message("en") == "A plate has 7 characters (8 for new-energy), e.g. 川A12345"


# --- phones -------------------------------------------------------------------------------


def test_plain_mobile_number_is_accepted():
    assert normalize_phone("13812341234") == "13812341234"


@pytest.mark.parametrize(
    "typed",
    ["138 1234 1234", "138-1234-1234", "+86 138 1234 1234", "+8613812341234", "8613812341234",
     "0086 13812341234", "１３８１２３４１２３４", "＋８６ １３８－１２３４－１２３４", "(138) 1234 1234"],
)
def test_mobile_number_in_common_forms_gives_11_digits(typed):
    assert normalize_phone(typed) == "13812341234"


def test_phone_with_10_digits_is_refused():
    error = refusal(normalize_phone, "1381234123")
    assert error.key == "val_phone_length"
    assert error.field == "phone"


def test_phone_with_12_digits_is_refused():
    assert refusal(normalize_phone, "138123412345").key == "val_phone_length"


@pytest.mark.parametrize("typed", ["12812341234", "10012341234", "23812341234"])
def test_phone_not_starting_13_to_19_is_refused(typed):
    assert refusal(normalize_phone, typed).key == "val_phone_prefix"


def test_foreign_country_code_is_refused():
    assert refusal(normalize_phone, "+44 7911 123456").key == "val_phone_country"


def test_phone_with_letters_is_refused():
    assert refusal(normalize_phone, "138abcd1234").key == "val_phone_chars"


def test_phone_with_non_ascii_digits_is_refused():
    assert refusal(normalize_phone, "١٣٨١٢٣٤١٢٣٤").key == "val_phone_chars"


@pytest.mark.parametrize("typed", [None, "", "  - "])
def test_empty_phone_asks_for_one(typed):
    assert refusal(normalize_phone, typed).key == "val_phone_required"


# --- doors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["3栋2单元501", "3栋2单元501室", "3-2-501", "3 2 501", "3幢2单元501", "3号楼2单元501",
     "３－２－５０１", "３栋２单元５０１", " 3 栋 2 单元 501 室 ", "3 - 2 - 501", "03-02-501", "3-2-501室"],
)
def test_door_in_every_accepted_form_gives_the_canonical_one(typed):
    assert normalize_door(typed) == "3栋2单元501"


def test_four_digit_door_number_is_floor_and_room():
    assert normalize_door("12-9-3220") == "12栋9单元3220"


def test_split_door_gives_building_unit_and_number():
    assert split_door("3-2-501") == (3, 2, 501)
    assert split_door("3栋2单元501") == (3, 2, 501)


@pytest.mark.parametrize("typed", ["0-2-501", "100-2-501"])
def test_building_outside_1_to_99_is_refused(typed):
    error = refusal(normalize_door, typed)
    assert error.key == "val_door_building"
    assert error.field == "door"


@pytest.mark.parametrize("typed", ["3-0-501", "3-10-501"])
def test_unit_outside_1_to_9_is_refused(typed):
    assert refusal(normalize_door, typed).key == "val_door_unit"


@pytest.mark.parametrize("typed", ["3-2-50", "3-2-500", "3-2-521", "3-2-3301", "3-2-12345", "3-2-001"])
def test_door_number_that_is_not_floor_and_room_is_refused(typed):
    assert refusal(normalize_door, typed).key == "val_door_number"


@pytest.mark.parametrize("typed", ["3-2", "3栋501", "三栋二单元501", "3-2-5O1", "3/2/501", "3栋2单元"])
def test_door_in_another_shape_is_refused_with_the_format(typed):
    assert refusal(normalize_door, typed).key == "val_door_format"


@pytest.mark.parametrize("typed", [None, "", "  "])
def test_empty_door_asks_for_one(typed):
    assert refusal(normalize_door, typed).key == "val_door_required"


# --- names --------------------------------------------------------------------------------


def test_name_is_stripped_and_inner_whitespace_collapsed():
    assert normalize_name("  John \t  Smith\n") == "John Smith"


def test_ideographic_space_counts_as_whitespace_in_names():
    assert normalize_name("\u3000张三\u3000") == "张三"


def test_name_keeps_chinese_and_middle_dot_verbatim():
    assert normalize_name("阿卜杜·热合曼") == "阿卜杜·热合曼"


def test_name_is_not_folded_to_half_width():
    assert normalize_name("Ｌｉ") == "Ｌｉ"


def test_name_of_30_characters_is_accepted():
    assert normalize_name("张" * 30) == "张" * 30


def test_name_longer_than_30_characters_is_refused():
    error = refusal(normalize_name, "张" * 31)
    assert error.key == "val_name_length"
    assert error.field == "name"


@pytest.mark.parametrize("typed", ["张\x00三", "张\x07三", "张\u200b三", "\ufeff张三", "张\ud800"])
def test_name_with_control_or_invisible_character_is_refused(typed):
    assert refusal(normalize_name, typed).key == "val_name_chars"


@pytest.mark.parametrize("typed", [None, "", " \t\u3000"])
def test_empty_name_asks_for_one(typed):
    assert refusal(normalize_name, typed).key == "val_name_required"


# --- masking ------------------------------------------------------------------------------


def test_mask_phone_hides_the_middle_four_digits():
    assert mask_phone("13812341234") == "138****1234"


def test_mask_phone_of_other_length_keeps_only_last_four():
    assert mask_phone("02812345678") == "028****5678"
    assert mask_phone("1234567") == "***4567"
    assert mask_phone("123") == "***"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三丰", "张*丰"), ("张三", "张*"), ("张", "张"), ("欧阳娜娜", "欧**娜"), ("阿卜杜·热合曼", "阿**·**曼")],
)
def test_mask_chinese_name_keeps_first_and_last_character(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [("John Smith", "J*** S****"), ("Anna", "A***"), ("J", "J"), ("Jean-Luc Picard", "J******* P*****")],
)
def test_mask_latin_name_keeps_first_letter_of_each_word(name, masked):
    assert mask_name(name) == masked


def test_mask_empty_name_is_empty():
    assert mask_name("") == ""


# --- times --------------------------------------------------------------------------------


def test_minute_with_space_is_parsed():
    assert parse_minute("2024-05-01 19:00", "start") == datetime(2024, 5, 1, 19, 0)


def test_minute_with_t_is_parsed():
    assert parse_minute("2024-05-01T07:30", "end") == datetime(2024, 5, 1, 7, 30)


def test_minute_with_zero_seconds_is_parsed():
    assert parse_minute("2024-05-01 19:00:00", "start") == datetime(2024, 5, 1, 19, 0)


def test_minute_in_full_width_is_parsed():
    assert parse_minute("２０２４－０５－０１　１９：００", "start") == datetime(2024, 5, 1, 19, 0)


def test_minute_without_leading_zeros_is_parsed():
    assert parse_minute("2024-5-1 9:05", "start") == datetime(2024, 5, 1, 9, 5)


def test_parsed_minute_is_naive():
    assert parse_minute("2024-05-01 19:00", "start").tzinfo is None


def test_minute_with_nonzero_seconds_is_refused():
    error = refusal(parse_minute, "2024-05-01 19:00:30", "start")
    assert error.key == "val_minute_seconds"
    assert error.field == "start"


@pytest.mark.parametrize("typed", ["2024-05-01", "19:00", "01-05-2024 19:00", "2024-05-01 1900", "明天 19:00"])
def test_minute_in_another_format_is_refused_naming_the_format(typed):
    error = refusal(parse_minute, typed, "start")
    assert error.key == "val_minute_format"
    assert "2024-05-01 19:00" in error.message("zh")
    assert "YYYY-MM-DD HH:MM" in error.message("en")


def test_nonexistent_date_in_a_minute_is_refused():
    error = refusal(parse_minute, "2023-02-29 19:00", "start")
    assert error.key == "val_date_nonexistent"
    assert "2023-02-29" in error.message("en")


@pytest.mark.parametrize("typed", ["2024-05-01 24:00", "2024-05-01 19:60"])
def test_nonexistent_time_is_refused(typed):
    assert refusal(parse_minute, typed, "start").key == "val_time_nonexistent"


def test_empty_minute_asks_for_one():
    error = refusal(parse_minute, "", "end")
    assert error.key == "val_minute_required"
    assert error.field == "end"


def test_date_is_parsed():
    assert parse_date("2024-05-01", "day") == date(2024, 5, 1)


def test_date_with_slashes_and_full_width_is_parsed():
    assert parse_date("２０２４/５/１", "day") == date(2024, 5, 1)


@pytest.mark.parametrize("typed", ["2024-05-01 19:00", "20240501", "2024-05/01", "May 1"])
def test_date_in_another_format_is_refused_naming_the_format(typed):
    error = refusal(parse_date, typed, "day")
    assert error.key == "val_date_format"
    assert error.field == "day"
    assert "YYYY-MM-DD" in error.message("en")


def test_nonexistent_date_is_refused():
    assert refusal(parse_date, "2024-13-01", "day").key == "val_date_nonexistent"


def test_empty_date_asks_for_one():
    assert refusal(parse_date, None, "day").key == "val_date_required"


# --- every message ------------------------------------------------------------------------


def test_every_validation_message_has_both_languages_and_no_unfilled_parameter():
    keys = [key for key in i18n.keys() if key.startswith("val_")]
    assert len(keys) >= 20
    for key in keys:
        zh, en = i18n.tr(key, "zh", value="x"), i18n.tr(key, "en", value="x")
        assert zh != en and zh and en
        assert "{" not in zh and "{" not in en


# --- arbitrary input ----------------------------------------------------------------------

NORMALIZERS = {
    normalize_plate: "plate",
    normalize_phone: "phone",
    normalize_door: "door",
    normalize_name: "name",
}

plate_like = st.text(alphabet="川京粤台ADFIOXadfo0123456789学挂 ·.-Ａ１\u3000", max_size=12)
phone_like = st.text(alphabet="0123456789+86 -()１３８", max_size=18)
door_like = st.text(alphabet="0123456789-栋幢号楼单元室 ３－", max_size=16)
valid_plates = st.builds(
    lambda p, a, s: p + a + s,
    st.sampled_from(PROVINCES),
    st.sampled_from("ABCXYZ"),
    st.one_of(
        st.from_regex(r"\A[0-9A-HJ-NP-Z]{4}[0-9A-HJ-NP-Z挂学警港澳领试超]\Z"),
        st.from_regex(r"\A[DF][0-9A-HJ-NP-Z][0-9]{4}\Z"),
        st.from_regex(r"\A[0-9]{5}[DF]\Z"),
    ),
)


def _each_normalizer_returns_a_fixed_point_or_refuse(text: str) -> None:
    for normalize, field in NORMALIZERS.items():
        try:
            out = normalize(text)
        except DeskError as error:
            assert error.code == "invalid"
            assert error.field == field
            assert i18n.has(error.key) and error.key.startswith("val_")
            error.message("zh"), error.message("en")
        else:
            assert normalize(out) == out


@given(st.text())
def test_normalizers_return_a_fixed_point_or_refuse_on_any_text(text):
    _each_normalizer_returns_a_fixed_point_or_refuse(text)


@given(st.one_of(plate_like, phone_like, door_like))
def test_normalizers_return_a_fixed_point_or_refuse_on_near_valid_text(text):
    _each_normalizer_returns_a_fixed_point_or_refuse(text)


@given(valid_plates)
def test_every_well_formed_plate_is_accepted_unchanged(plate):
    assert normalize_plate(plate) == plate


@given(st.text())
def test_parsers_return_a_value_or_refuse_on_any_text(text):
    for parse in (parse_minute, parse_date):
        try:
            parse(text, "when")
        except DeskError as error:
            assert error.field == "when"
            assert "{" not in error.message("en")


@given(valid_plates, st.lists(st.sampled_from([" ", "·", "-", ".", "\u3000"]), max_size=3), st.booleans())
def test_well_formed_plate_typed_messily_gives_itself_back(plate, separators, lower):
    messy = plate[:2] + "".join(separators) + (plate[2:].lower() if lower else plate[2:])
    assert normalize_plate(messy) == plate
    assert normalize_plate(normalize_plate(messy)) == plate


@given(
    st.integers(1, 99),
    st.integers(1, 9),
    st.integers(1, 32),
    st.integers(1, 20),
    st.sampled_from(["{b}-{u}-{n}", "{b} {u} {n}", "{b}幢{u}单元{n}室", "{b}号楼{u}单元{n}", "{b}栋{u}单元{n}"]),
)
def test_every_door_in_range_gives_the_canonical_form(building, unit, floor, room, form):
    number = floor * 100 + room
    door = normalize_door(form.format(b=building, u=unit, n=number))
    assert door == f"{building}栋{unit}单元{number}"
    assert normalize_door(door) == door
    assert split_door(door) == (building, unit, number)
