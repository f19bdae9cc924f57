"""Importing residents from CSV: encodings, per-row mistakes, all-or-nothing, cancel, hostile files."""
from __future__ import annotations

import json
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.people import imports, residents
from booking.store import audit
from booking.store.errors import DeskError
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)

HEADER = "姓名,门牌,手机,车牌"


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "residents.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def counts(store) -> tuple[int, int, int]:
    return tuple(store.sql(f"SELECT count(*) FROM {table}").fetchone()[0]
                 for table in ("resident", "household", "vehicle"))


def imported(store, phone: str) -> residents.Resident:
    rid = store.sql("SELECT id FROM resident WHERE phone = :phone", phone=phone).fetchone()[0]
    return residents.get(store, rid)


VALID = "\n".join([HEADER,
                   "王五,3-2-502,13712345678,川A54321",
                   "赵六,7栋1单元1203,13698765432,川AD12345、川B12345",
                   "钱七,7-1-1203,15912345678,"])


# --- reading files -------------------------------------------------------------------------------

def test_a_valid_file_adds_residents_households_and_plates(tmp_path, store, admin):
    report = imports.apply(store, admin, write(tmp_path, VALID), now=NOW)
    assert (report.rows, report.added, report.exists, report.plates, report.applied) == (3, 3, 0, 3, True)
    assert imported(store, "13698765432").plates == ("川AD12345", "川B12345")
    assert imported(store, "15912345678").door == "7栋1单元1203"
    assert imported(store, "15912345678").household_id == imported(store, "13698765432").household_id


def test_a_gbk_file_as_chinese_excel_saves_it_is_read(tmp_path, store, admin):
    report = imports.apply(store, admin, write(tmp_path, VALID, "gbk"), now=NOW)
    assert report.encoding == "gb18030" and report.added == 3
    assert imported(store, "13712345678").name == "王五"


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path, store, admin):
    report = imports.apply(store, admin, write(tmp_path, VALID, "utf-8-sig"), now=NOW)
    assert report.encoding == "utf-8" and report.added == 3


def test_an_english_header_in_any_order_with_extra_columns_works(tmp_path, store, admin):
    text = "Phone,Note,Name,Door\n13712345678,2nd floor,Wang Wu,3-2-502\n"
    report = imports.apply(store, admin, write(tmp_path, text), now=NOW)
    assert report.added == 1 and imported(store, "13712345678").name == "Wang Wu"


def test_crlf_line_ends_and_quoted_cells_keep_line_numbers(tmp_path, store):
    text = HEADER + '\r\n"王\n五",3-2-502,13712345678,\r\n赵六,3-2-502,1,\r\n'
    report = imports.check(store, write(tmp_path, text))
    assert [(e["line"], e["field"]) for e in report.invalid] == [(4, "phone")]  # the record at 2 spans 2 lines


# --- rows with mistakes -------------------------------------------------------------------------

BAD = "\n".join([HEADER,
                 "王五,3-2-502,13712345678,川A54321",
                 ",3-2-503,12345,川A1O345",
                 "",
                 "孙八,99栋9单元9999,13712345679,"])


def test_check_lists_each_mistake_with_its_line_and_field_and_writes_nothing(tmp_path, store):
    before = counts(store)
    report = imports.check(store, write(tmp_path, BAD))
    assert [(e["line"], e["field"]) for e in report.invalid] == [(3, "name"), (3, "phone"), (3, "plate"),
                                                                 (5, "door")]
    assert "手机号" in report.invalid[1]["error"] and report.invalid[2]["value"] == "川A1O345"
    assert (report.rows, report.added, report.invalid_rows, report.applied) == (3, 1, 2, False)
    assert counts(store) == before


def test_apply_with_mistakes_refuses_the_whole_file_and_says_why(tmp_path, store, admin):
    before = counts(store)
    with pytest.raises(DeskError) as caught:
        imports.apply(store, admin, write(tmp_path, BAD), now=NOW)
    assert caught.value.code == "invalid" and "2 行" in caught.value.message()
    assert caught.value.details["invalid_rows"] == 2 and not caught.value.details["applied"]
    assert counts(store) == before


def test_skip_invalid_imports_the_other_rows(tmp_path, store, admin):
    report = imports.apply(store, admin, write(tmp_path, BAD), skip_invalid=True, now=NOW)
    assert report.applied and report.added == 1 and report.invalid_rows == 2
    assert imported(store, "13712345678").plates == ("川A54321",)


def test_a_plate_of_another_household_is_that_rows_mistake(tmp_path, store, resident):
    text = HEADER + "\n王五,3-2-502,13712345678,川A12345\n"
    report = imports.check(store, write(tmp_path, text))
    assert report.invalid == [{"line": 2, "field": "plate", "value": "川A12345",
                               "error": "车牌 川A12345 已登记在 3栋2单元501 名下。"}]


def test_the_same_plate_for_two_doors_in_one_file_is_the_second_rows_mistake(tmp_path, store):
    text = HEADER + "\n王五,3-2-502,13712345678,川A54321\n赵六,3-2-503,13612345678,川A 54321\n"
    report = imports.check(store, write(tmp_path, text))
    assert [(e["line"], e["field"]) for e in report.invalid] == [(3, "plate")]


# --- duplicates -----------------------------------------------------------------------------------

def test_a_resident_already_registered_counts_as_exists_and_is_not_doubled(tmp_path, store, admin, resident):
    text = HEADER + "\n张三丰,3栋2单元501,138 1234 5678,川A12345;川B99999\n张三丰,3-2-501,13812345678,\n"
    report = imports.apply(store, admin, write(tmp_path, text), now=NOW)
    assert (report.added, report.exists, report.plates) == (0, 2, 1)
    assert store.sql("SELECT count(*) FROM resident WHERE phone = '13812345678'").fetchone()[0] == 1
    assert residents.get(store, resident.id).plates == ("川A12345", "川B99999")


def test_rows_far_apart_in_a_big_file_find_the_household_and_resident_an_earlier_row_made(
        tmp_path, store, admin, resident):
    """The rows are written in chunks of PROGRESS_EVERY: a later chunk's row of a door, or of a resident,
    that an earlier chunk made (or the store held) gets that household and that resident, as one row
    at a time did."""
    filler = [f"居民{i},{i % 50 + 10}-1-{i % 30 + 1}01,13{i:09d}," for i in range(2 * imports.PROGRESS_EVERY)]
    lines = [HEADER, "王五,88-8-808,13700000001,川A00001", *filler,
             "王五,88栋8单元808,137 0000 0001,川A00002",  # the first row's resident, a plate more
             "王小五,88-8-808,13700000002,",  # the first row's household
             "张三丰,3-2-501,13812345678,川C12345"]  # the store's resident, a plate more
    report = imports.apply(store, admin, write(tmp_path, "\n".join(lines)), now=NOW)
    assert (report.added, report.exists, report.plates) == (len(filler) + 2, 2, 3)
    wang = imported(store, "13700000001")
    assert wang.plates == ("川A00001", "川A00002")
    assert imported(store, "13700000002").household_id == wang.household_id
    assert store.sql("SELECT count(*) FROM resident WHERE phone = '13700000001'").scalar() == 1
    assert store.sql("SELECT resident_id FROM vehicle WHERE plate = '川A00002'").scalar() == wang.id
    assert residents.get(store, resident.id).plates == ("川A12345", "川C12345")


def test_importing_the_same_file_twice_adds_nobody_the_second_time(tmp_path, store, admin):
    path = write(tmp_path, VALID)
    imports.apply(store, admin, path, now=NOW)
    before = counts(store)
    report = imports.apply(store, admin, path, now=NOW)
    assert (report.added, report.exists, report.plates) == (0, 3, 0) and counts(store) == before


def test_one_audit_entry_per_import_with_its_counts(tmp_path, store, admin):
    imports.apply(store, admin, write(tmp_path, BAD), skip_invalid=True, now=NOW)
    entries = audit.entries(store, "resident")
    assert len(entries) == 1 and entries[0]["action"] == "import" and entries[0]["actor"] == admin.name
    assert entries[0]["after"] == {"file": "residents.csv", "rows": 3, "added": 1, "exists": 0, "plates": 1,
                                   "skipped": 2, "encoding": "utf-8"}


# --- progress and cancel ----------------------------------------------------------------------------

def many(count: int) -> str:
    return "\n".join([HEADER] + [f"居民{i},{i % 99 + 1}-{i % 9 + 1}-{i % 32 + 1}{i % 20 + 1:02d},13{i:09d},"
                                 for i in range(count)])


def test_progress_reaches_the_total_and_a_cancel_rolls_everything_back(tmp_path, store, admin):
    path = write(tmp_path, many(1000))
    seen: list[tuple[int, int]] = []
    with pytest.raises(DeskError) as caught:
        imports.apply(store, admin, path, progress=lambda done, total: seen.append((done, total)) or done < 1400,
                      now=NOW)
    assert caught.value.code == "state" and "取消" in caught.value.message()
    assert seen[-1] == (1400, 2000)  # cancelled while writing: 400 residents were inserted, then rolled back
    assert counts(store)[0] == 0 and audit.entries(store, "resident") == []


def test_progress_of_a_finished_import_ends_at_the_total(tmp_path, store, admin):
    seen: list[tuple[int, int]] = []
    imports.apply(store, admin, write(tmp_path, many(450)), progress=lambda d, t: seen.append((d, t)) or True, now=NOW)
    assert seen[0] == (200, 900) and seen[-1] == (900, 900)
    assert all(a[0] <= b[0] for a, b in pairwise(seen))


def test_a_big_file_is_imported_in_one_go(tmp_path, store, admin):
    """Ten thousand rows on both engines: written in batches, about a second on the server too
    (bench/import_speed.py; one round trip a statement, it was 11-26 s there)."""
    report = imports.apply(store, admin, write(tmp_path, many(10_000)), now=NOW)
    assert report.added == 10_000 and counts(store)[0] == 10_000


def test_a_hundred_thousand_wrong_rows_give_a_message_each_and_write_nothing(tmp_path, store, admin):
    path = write(tmp_path, "\n".join([HEADER] + ["王五,3-2-502,1234,"] * 100_000))
    with pytest.raises(DeskError) as caught:
        imports.apply(store, admin, path, now=NOW)
    assert caught.value.details["invalid_rows"] == 100_000
    assert caught.value.details["invalid"][-1]["line"] == 100_001 and counts(store)[0] == 0


# --- hostile input ------------------------------------------------------------------------------

def test_formula_like_text_is_stored_verbatim(tmp_path, store, admin):
    text = HEADER + "\n\"=cmd|' /C calc'!A0\",3-2-502,13712345678,\n"
    imports.apply(store, admin, write(tmp_path, text), now=NOW)
    assert imported(store, "13712345678").name == "=cmd|' /C calc'!A0"


@pytest.mark.parametrize("content, words", [
    (b"", "空的"),
    (b",,,\n,,\n", "表头"),
    (b"\xef\xbb\xbf  \r\n", "空的"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是文本格式"),
    (b"PK\x03\x04\x14\x00\x06\x00", "Excel"),
    ("王五,3-2-502,13712345678\n".encode(), "表头"),
    ("姓名,手机\n王五,13712345678\n".encode(), "门牌"),
    ("姓名,门牌,手机,姓名\n".encode(), "两次"),
    ("姓名,门牌,手机\n,,\n".encode(), "只有表头"),
    (b"\xff\xfe\x00\xd8", "编码"),
    (b"name,door,phone\n\x81\x30", "编码"),
])
def test_a_file_that_cannot_be_imported_gets_a_clear_message(tmp_path, store, content, words):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(DeskError) as caught:
        imports.check(store, path)
    assert caught.value.code == "invalid" and words in caught.value.message()


def test_a_missing_file_or_a_folder_is_refused_plainly(tmp_path, store):
    with pytest.raises(DeskError) as missing:
        imports.check(store, tmp_path / "nowhere.csv")
    with pytest.raises(DeskError) as folder:
        imports.check(store, tmp_path)
    assert missing.value.code == "not_found" and folder.value.code == "invalid"


def test_very_long_fields_and_control_characters_are_the_rows_mistakes(tmp_path, store):
    text = HEADER + "\n" + "王" * 200_000 + ",3-2-502,13712345678,\n王\x07五,3-2-503,13712345679,\n" \
        "王五,3-2-504\x1b,13712345670," + "川" * 1000 + "\n"
    report = imports.check(store, write(tmp_path, text))
    assert [(e["line"], e["field"]) for e in report.invalid] == [(2, "name"), (3, "name"), (4, "door"),
                                                                 (4, "plate")]
    assert all(len(e["value"]) <= imports.VALUE_SHOWN for e in report.invalid)


def test_a_tab_separated_file_works_too(tmp_path, store):
    report = imports.check(store, write(tmp_path, "姓名\t门牌\t手机\n王五\t3-2-502\t13712345678\n", "utf-16"))
    assert report.added == 1 and report.encoding == "utf-16"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(
    st.binary(max_size=300),
    st.lists(st.lists(st.text(max_size=20), max_size=5), max_size=6).map(
        lambda rows: "\n".join([HEADER] + [",".join(cells) for cells in rows]).encode("utf-8", "surrogatepass")),
    st.text(max_size=200).map(lambda text: text.encode("gb18030", "replace")),
))
def test_any_file_gives_a_report_or_a_desk_error_and_a_check_never_writes(tmp_path, store, body):
    path = tmp_path / "random.csv"
    path.write_bytes(body)
    changes = counts(store), store.sql("SELECT count(*) FROM audit").scalar_one()
    try:
        report = imports.check(store, path)
    except DeskError as exc:
        assert exc.message()
    else:
        json.dumps(report.to_json(), ensure_ascii=False)
        assert report.rows >= 1
    assert (counts(store), store.sql("SELECT count(*) FROM audit").scalar_one()) == changes


# --- the command ----------------------------------------------------------------------------------

def test_the_command_checks_without_writing(tmp_path, run_cli):
    result = run_cli("import", "residents", "--csv", str(write(tmp_path, BAD)), "--check")
    assert result.code == 0 and result.json["applied"] is False and result.json["invalid_rows"] == 2
    assert result.json["invalid"][0] == {"line": 3, "field": "name", "error": "请填写姓名", "value": ""}


def test_the_command_refuses_a_file_with_mistakes_with_exit_1_and_the_report(tmp_path, run_cli, store):
    result = run_cli("import", "residents", "--csv", str(write(tmp_path, BAD)))
    assert result.code == 1 and result.json["code"] == "invalid"
    assert result.json["details"]["invalid_rows"] == 2 and counts(store)[0] == 0


def test_the_command_skips_rows_with_mistakes_when_asked(tmp_path, run_cli):
    result = run_cli("import", "residents", "--csv", str(write(tmp_path, BAD)), "--skip-invalid")
    assert result.code == 0 and result.json["applied"] is True and result.json["added"] == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(["王五", "", "=cmd|'/C calc'!A0", "a\x00b", "王" * 31]),
                               st.sampled_from(["3-2-502", "3栋2单元501", "0-0-0", "5-1-302", ""]),
                               st.sampled_from(["13712345678", "13812345678", "123", "+8613912345678"]),
                               st.sampled_from(["", "川A12345", "川AD12345;川B12345", "川A1O345", "京A12345"])),
                     min_size=1, max_size=8))
def test_an_import_with_skipping_writes_only_valid_rows_and_never_crashes(tmp_path, store, engine, admin, rows):
    text = "\n".join([HEADER] + [",".join(f'"{cell}"' for cell in row) for row in rows])
    before = counts(store)
    try:
        report = imports.apply(store, admin, write(tmp_path, text), skip_invalid=True, now=NOW)
    except DeskError as exc:  # e.g. a NUL in a cell: the file is not text
        assert exc.message() and counts(store) == before
    else:
        assert counts(store)[0] == before[0] + report.added
        assert report.added + report.exists + report.invalid_rows == report.rows
    if engine == "sqlite":  # the server checks every foreign key as it is written
        assert store.sql("PRAGMA foreign_key_check").fetchall() == []
