"""The pass text codec: layout, signature, and what a scanner or a clerk may type."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booking.store.errors import DeskError
from booking.store.i18n import has, tr
from booking.checkin.passcode import (MAX_BOOKING_ID, MAX_KEY_ID, MAX_REVISION, PASS_LENGTH, VERSION,
                                      PassFields, clean_scan, damm_digit, grouped, make_pass, new_secret,
                                      parse_pass, verify_mac)

SECRET = bytes(range(32))  # the fixed test secret of docs/passes.md
OTHER_SECRET = bytes(range(32, 64))
EXAMPLE = make_pass(1, SECRET, 123, 2)
DOCS = Path(__file__).resolve().parents[3] / "docs" / "passes.md"

key_ids = st.integers(0, MAX_KEY_ID)
booking_ids = st.integers(0, MAX_BOOKING_ID)
revisions = st.integers(0, MAX_REVISION)
secrets_ = st.binary(min_size=16, max_size=64)


def refusal(text: str) -> str:
    """The message key parse_pass refuses `text` with."""
    with pytest.raises(DeskError) as caught:
        parse_pass(text)
    assert caught.value.code == "invalid"
    assert caught.value.field == "pass"
    return caught.value.key


def with_check_digit(body: str) -> str:
    return body + damm_digit(body)


# --- layout -------------------------------------------------------------------

@given(key_ids, secrets_, booking_ids, revisions)
def test_a_made_pass_parses_back_to_its_fields_and_verifies(key_id, secret, booking_id, revision):
    fields = parse_pass(make_pass(key_id, secret, booking_id, revision))
    assert (fields.version, fields.key_id, fields.booking_id, fields.revision) == (
        VERSION, key_id, booking_id, revision)
    assert verify_mac(fields, secret)


@given(key_ids, secrets_, booking_ids, revisions)
def test_a_pass_is_at_most_60_ascii_digits(key_id, secret, booking_id, revision):
    text = make_pass(key_id, secret, booking_id, revision)
    assert len(text) == PASS_LENGTH <= 60
    assert text.isascii() and text.isdigit()


def test_the_layout_is_frozen_by_a_test_vector():
    # Changing this vector breaks every pass already printed: make a new version instead.
    assert EXAMPLE == "101000000123002389020722776436721025427167612"


def test_the_documented_example_pass_is_the_one_the_code_makes():
    assert EXAMPLE in DOCS.read_text(encoding="utf-8")


def test_damm_digit_matches_the_published_example():
    assert damm_digit("572") == "4"


def test_new_secret_is_32_fresh_bytes():
    assert len(new_secret()) == 32
    assert new_secret() != new_secret()


@pytest.mark.parametrize("key_id, booking_id, revision", [
    (MAX_KEY_ID + 1, 1, 1), (-1, 1, 1),
    (1, MAX_BOOKING_ID + 1, 1), (1, -1, 1),
    (1, 1, MAX_REVISION + 1), (1, 1, -1),
    (True, 1, 1), (1, 1.0, 1),
])
def test_make_pass_refuses_values_the_layout_cannot_hold(key_id, booking_id, revision):
    with pytest.raises(ValueError):
        make_pass(key_id, SECRET, booking_id, revision)


def test_make_pass_refuses_a_short_secret():
    with pytest.raises(ValueError):
        make_pass(1, b"short", 1, 1)


# --- tampering and misreading ---------------------------------------------------

def test_every_single_digit_change_is_refused():
    for position, original in enumerate(EXAMPLE):
        for digit in "0123456789".replace(original, ""):
            changed = EXAMPLE[:position] + digit + EXAMPLE[position + 1:]
            try:
                fields = parse_pass(changed)
            except DeskError:
                continue
            assert not verify_mac(fields, SECRET), changed


def test_a_single_digit_change_is_reported_unreadable_not_forged():
    changed = EXAMPLE[:20] + str((int(EXAMPLE[20]) + 1) % 10) + EXAMPLE[21:]
    assert refusal(changed) == "pass_unreadable"


def test_swapping_two_adjacent_digits_is_reported_unreadable():
    position = next(i for i in range(len(EXAMPLE) - 1) if EXAMPLE[i] != EXAMPLE[i + 1])
    swapped = (EXAMPLE[:position] + EXAMPLE[position + 1] + EXAMPLE[position]
               + EXAMPLE[position + 2:])
    assert refusal(swapped) == "pass_unreadable"


@pytest.mark.parametrize("cut", [1, 5, PASS_LENGTH - 1])
def test_a_truncated_pass_is_refused_as_too_short(cut):
    assert refusal(EXAMPLE[:-cut]) == "pass_too_short"


@pytest.mark.parametrize("padding", ["0", "00000", EXAMPLE])
def test_a_padded_pass_is_refused_as_too_long(padding):
    assert refusal(EXAMPLE + padding) == "pass_too_long"


def test_a_well_formed_pass_of_another_version_is_refused_as_unknown_version():
    other = with_check_digit("3" + EXAMPLE[1:-1])
    with pytest.raises(DeskError) as caught:
        parse_pass(other)
    assert caught.value.key == "pass_unknown_version"
    assert caught.value.params == {"version": 3}


def test_a_pass_signed_with_another_secret_does_not_verify():
    assert not verify_mac(parse_pass(make_pass(1, OTHER_SECRET, 123, 2)), SECRET)


@pytest.mark.parametrize("change", [
    {"key_id": 2}, {"booking_id": 124}, {"revision": 3}, {"revision": 1},
])
def test_the_mac_of_one_pass_does_not_cover_other_fields(change):
    moved = dataclasses.replace(parse_pass(EXAMPLE), **change)
    assert not verify_mac(moved, SECRET)


@pytest.mark.parametrize("change", [
    {"version": 2}, {"key_id": 100}, {"booking_id": -1}, {"mac": "１" * 29}, {"mac": "1"},
])
def test_fields_no_genuine_pass_can_hold_do_not_verify(change):
    assert not verify_mac(dataclasses.replace(parse_pass(EXAMPLE), **change), SECRET)


@given(st.text(alphabet="0123456789", min_size=PASS_LENGTH - 2, max_size=PASS_LENGTH - 2))
def test_a_well_formed_pass_with_made_up_digits_does_not_verify(middle):
    fields = parse_pass(with_check_digit("1" + middle))
    assert not verify_mac(fields, SECRET)


@given(st.text(alphabet="0123456789", min_size=PASS_LENGTH, max_size=PASS_LENGTH))
def test_random_digits_of_pass_length_do_not_verify(digits):
    try:
        fields = parse_pass(digits)
    except DeskError:
        return
    assert not verify_mac(fields, SECRET)


# --- what scanners and input methods add ----------------------------------------

@pytest.mark.parametrize("prefix", ["]Q1", "]C0", "]d2"])
def test_an_aim_symbology_prefix_is_removed(prefix):
    assert clean_scan(prefix + EXAMPLE) == EXAMPLE


@pytest.mark.parametrize("raw", [EXAMPLE + "\r\n", EXAMPLE + "\n", "\t" + EXAMPLE + "\r",
                                 "  " + EXAMPLE + " "])
def test_line_ends_tabs_and_surrounding_spaces_are_removed(raw):
    assert clean_scan(raw) == EXAMPLE


def test_full_width_digits_from_a_chinese_input_method_are_folded():
    full_width = "".join(chr(ord(ch) - ord("0") + ord("０")) for ch in EXAMPLE)
    assert clean_scan(full_width) == EXAMPLE


def test_spaces_inside_a_typed_number_are_removed():
    typed = grouped(EXAMPLE).replace(" ", "\u3000", 3)
    assert clean_scan(typed) == EXAMPLE


def test_a_scanned_pass_with_all_the_extras_parses():
    raw = "\ufeff］Ｑ１" + grouped(EXAMPLE) + "\r\n"
    assert verify_mac(parse_pass(raw), SECRET)


def test_grouped_prints_nine_groups_of_five():
    assert [len(group) for group in grouped(EXAMPLE).split(" ")] == [5] * 9


@given(st.text())
def test_clean_scan_never_raises(raw):
    assert isinstance(clean_scan(raw), str)


# --- refusals -------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["", "   ", "\r\n", "]Q1", "\u3000"])
def test_nothing_scanned_is_refused_as_empty(raw):
    assert refusal(raw) == "pass_empty"


@pytest.mark.parametrize("raw", [
    "ABC", EXAMPLE[:-1] + "x", "通行证", "https://example.com/p/1", "😀" + EXAMPLE,
    "١٢٣", "-" + EXAMPLE[1:],
])
def test_letters_chinese_and_emoji_are_refused_as_not_digits(raw):
    assert refusal(raw) == "pass_not_digits"


def test_the_check_digit_is_checked_before_the_version():
    # A misread first digit must say "scan again", not "unknown kind of pass".
    assert refusal("9" + EXAMPLE[1:]) == "pass_unreadable"


def test_every_refusal_has_a_message_in_both_languages():
    for key in ("pass_empty", "pass_not_digits", "pass_too_short", "pass_too_long",
                "pass_unreadable", "pass_unknown_version"):
        assert has(key)
        assert tr(key, "zh") != tr(key, "en")


@settings(max_examples=500)
@given(st.text() | st.text(alphabet="0123456789０１２３ ]Q\r\n\t\u3000x", max_size=60))
def test_parse_pass_raises_only_desk_errors(raw):
    try:
        fields = parse_pass(raw)
    except DeskError:
        return
    assert isinstance(fields, PassFields)
