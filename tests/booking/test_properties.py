"""Bad input at scale: whatever is typed, scanned or passed on a command line, the desk answers
with a result or a refusal in words -- never a traceback -- and stores text verbatim.

Hypothesis writes the inputs: plausible values (times, ids, plates, doors, codes) mixed with
SQL, HTML, control characters, very long strings, full-width forms, emoji and any other
Unicode except lone surrogates (which no keyboard, scanner or UTF-8 command line can send).

Every command example runs on a fresh copy of one prepared store, so a failure is
reproducible and shrinks to the smallest argument list that shows it.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import string
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings, strategies as st

from booking import cli
from booking.checkin import passcode, passes, scanning
from booking.ops import setup
from booking.people import residents
from booking.policy import rules
from booking.schedule import bookings
from booking.store.audit import Actor
from booking.schedule.bookings import Request
from booking.store.errors import CODES, DeskError

NOW = datetime(2026, 11, 24, 10, 0)
ADMIN = Actor("管理员甲", "admin")
CLERK = Actor("值班员乙", "clerk")

#: Commands left out of the argument storm, and why.
SLOW = {"demo": "writes weeks of history per run; its --years have their own tests below"}

# --- the text a hostile or careless user types --------------------------------------------------

NASTY = [
    "'; DROP TABLE booking; --", "1 OR 1=1", "\" OR \"\"=\"", "Robert'); DELETE FROM audit;--", "%", "_", "\\",
    "<script>alert('x')</script>", "<b>粗体</b>", "&amp;&lt;", "<img src=x onerror=alert(1)>",
    "{0}", "{name}", "%s%s%n", "%(x)s", "{{}}", "\t", "\r\n", "\x1b[31m红\x1b[0m", "\x7f", "\x08",
    "\u202e5010单元2栋3", "\u200b", "\ufeff", "ＡＢＣ１２３", "３栋２单元５０１", "川Ａ１２３４５",
    "１３８１２３４５６７８",
    "😀🚗🅿️", "👨‍👩‍👧", "𠀀𪚥", "é", "Ω", "ﷺ", "\u3000", "0", "00", "-0", "1e308", "nan", "inf", "-inf", "0x10",
    "99999999999999999999999", "9223372036854775808", "-9223372036854775809", "2026-02-30 10:00",
    "2026-11-24 24:00", "9999-12-31 23:59", "0001-01-01 00:00", "2026-13-01", "2026-11-24T10:00", "..",
    "x" * 5000, "汉" * 3000, "\n" * 50,
]

#: Any Unicode text but lone surrogates and NUL (an operating system's argv cannot carry either).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=60)
HOSTILE = st.one_of(st.sampled_from(NASTY), ANY_TEXT, st.text(alphabet=string.printable, max_size=30))

TIMES = st.builds(lambda d, m: (NOW + timedelta(days=d, minutes=30 * m)).strftime("%Y-%m-%d %H:%M"),
                  st.integers(-40, 40), st.integers(0, 47))
DAYS = st.builds(lambda d: (NOW + timedelta(days=d)).strftime("%Y-%m-%d"), st.integers(-40, 40))
IDS = st.one_of(st.integers(1, 8).map(str), st.sampled_from(["0", "-1", "99999999", "99999999999999999999999"]))
PLAUSIBLE: dict[str, Any] = {
    "start": TIMES, "end": TIMES, "at": TIMES, "from": st.one_of(TIMES, DAYS), "to": st.one_of(TIMES, DAYS),
    "date": DAYS, "week": DAYS, "month": st.sampled_from(["2026-11", "2026-12", "2026-1", "1999-12"]),
    "id": IDS, "resident": IDS, "booking": IDS, "correct": IDS, "receipt": IDS,
    "resource": st.sampled_from(["P001", "P002", "P110", "R01", "R02", "p001", "Ｐ００１", "P999"]),
    "code": st.sampled_from(["P001", "P200", "R09", "X1"]),
    "plate": st.sampled_from(["川A12345", "川AD12345", "川A1234学", "川AI2345", "沪B99999"]),
    "door": st.sampled_from(["3栋2单元501", "3-2-501", "99-9-3220", "0-0-0"]),
    "phone": st.sampled_from(["13812345678", "+86 138 1234 5678", "5678", "12345"]),
    "name": st.sampled_from(["张三丰", "阿卜杜·热合曼", "John Smith", "小李", "王主任"]),
    "scope": st.sampled_from(["*", "kind:parking", "kind:room", "res:P001", "res:NOPE", "kind:car"]),
    "value": st.sampled_from(["0", "30", "120", "19:00-07:30", "off", "-5", "abc"]),
    "amount": st.sampled_from(["0", "12.50", "-3", "0.001", "1e9", "¥5", "５"]),
    "hours": st.sampled_from(["1", "2.5", "-1", "0", "1000000"]),
    "repeat": st.sampled_from(["FREQ=DAILY;COUNT=3", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270131", "FREQ=DAILY",
                               "FREQ=SECONDLY;COUNT=5", "FREQ=YEARLY;COUNT=5000", "BYDAY=XX"]),
    "bands": st.sampled_from(["07:30-19:00=1.00", "19:00-07:30=0.50", "garbage"]),
    "minutes": st.sampled_from(["0", "15", "-1", "99999999"]),
    "yuan": st.sampled_from(["0", "1.5", "-1", "x"]),
    "limit": st.sampled_from(["1", "0", "-1", "100000"]),
}


COMMANDS = cli.command_parsers()  # every command's own parser, by its full name ('resident add')
GLOBAL = {"help", "db", "now", "json", "lang", "user"}


def _paths(folder: Path, store_path: Path) -> st.SearchStrategy[str]:
    """A file a command may write or read: only ever inside the test's folder (or the store itself)."""
    names = st.text(st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="/\\\x00:*?\"<>|"),
                    min_size=1, max_size=20).filter(lambda n: n.strip(" .") == n and n not in (".", ".."))
    return st.one_of(names.map(lambda n: str(folder / n)),
                     st.sampled_from([str(folder), str(folder / "no such folder" / "x.csv"), str(store_path),
                                      str(folder / "out.csv"), str(folder / "out.xlsx"), ""]))


def mostly(plausible: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A plausible value four times in five, else a hostile one: enough arguments get past the
    parser for the storm to reach the domain's own checks, and every argument still meets junk."""
    return st.integers(0, 4).flatmap(lambda k: HOSTILE if k == 0 else plausible)


def _value(action: argparse.Action, paths: st.SearchStrategy[str],
           odd: dict[str, st.SearchStrategy[str]] | None = None) -> st.SearchStrategy[str]:
    if odd is not None and action.dest in odd:
        return odd[action.dest]
    if action.choices:
        return mostly(st.sampled_from([str(c) for c in action.choices]))
    if action.metavar in ("FILE", "FOLDER", "FILE.pdf"):
        return paths
    plausible = PLAUSIBLE.get(action.dest)
    return mostly(plausible) if plausible is not None else HOSTILE


@st.composite
def command_lines(draw: st.DrawFn, folder: Path, store_path: Path,
                  odd: dict[str, st.SearchStrategy[str]] | None = None, only: str | None = None) -> list[str]:
    """One headless command with hostile arguments: options in --name=value form, so that a value
    that looks like an option is still taken as the value. `odd` replaces the values of the
    options it names (and restricts the draw to commands that have one)."""
    names = sorted(set(COMMANDS) - set(SLOW))
    if odd is not None:
        names = [n for n in names if any(a.dest in odd for a in COMMANDS[n]._actions)]
    name = only or draw(st.sampled_from(names))
    parser = COMMANDS[name]
    paths = _paths(folder, store_path)
    argv = name.split()
    for action in parser._actions:
        if action.dest in GLOBAL or isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:  # a positional
            if action.nargs == "?" and draw(st.booleans()):
                continue
            value = draw(_value(action, paths, odd))
            if value.startswith("-") and not value.lstrip("-").isdigit():
                value = " " + value  # argparse would read it as an option
            argv.append(value)
        elif draw(st.integers(0, 3)) > 0 or action.required:
            flag = action.option_strings[-1]
            if action.nargs == 0:
                argv.append(flag)
            else:
                argv.append(f"{flag}={draw(_value(action, paths, odd))}")
    if draw(st.integers(0, 9)) == 0:  # a stray word, as a slip of the hand adds one
        argv.insert(draw(st.integers(0, len(argv))), draw(HOSTILE.filter(lambda w: not w.startswith("-"))))
    now = draw(mostly(st.one_of(st.just("2026-11-24 10:00"), TIMES)))
    lang = draw(st.sampled_from([[], [], ["--lang", "en"], ["--lang", "zh"]]))
    user = draw(st.sampled_from([[], ["--user", "小李"], [f"--user={draw(HOSTILE)}"]]))
    return ["--db", str(store_path), f"--now={now}", *lang, *user, *argv, "--json"]


# --- one prepared store, copied for every example -----------------------------------------------

@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with residents, bookings in every state, a series and a scan: ids 1-8 mean something."""
    path = tmp_path_factory.mktemp("prepared") / "desk.sqlite3"
    store = setup.open_ready(path, now=NOW)
    zhang = residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    li = residents.add(store, ADMIN, "李四", "5栋1单元302", "13987654321", "川AD12345", now=NOW)
    early = datetime(2026, 11, 24, 8, 0)
    inside = bookings.book(store, ADMIN, Request("P001", early + timedelta(hours=1), early + timedelta(hours=4),
                                                 zhang.id), early)
    scanning.scan(store, CLERK, passes.pass_text(store, inside.id), "desk", now=early + timedelta(hours=1, minutes=5))
    bookings.book(store, ADMIN, Request("P002", NOW + timedelta(hours=9), NOW + timedelta(hours=21), li.id), NOW)
    gone = bookings.book(store, ADMIN, Request("R01", NOW + timedelta(days=1), NOW + timedelta(days=1, hours=2),
                                               li.id, purpose="邻里议事会"), NOW)
    bookings.cancel(store, ADMIN, gone.id, now=NOW)
    bookings.book_series(store, ADMIN, Request("R02", NOW + timedelta(days=2), NOW + timedelta(days=2, hours=2),
                                               zhang.id, purpose="书法练习"), "FREQ=WEEKLY;COUNT=3", NOW)
    store.close()
    return path


@pytest.fixture
def fresh(prepared: Path, tmp_path: Path):
    """A function that gives a new copy of the prepared store in a new folder, for one example."""
    counter = iter(range(10**6))

    def make() -> tuple[Path, Path]:
        folder = tmp_path / f"ex{next(counter)}"
        folder.mkdir()
        path = folder / "desk.sqlite3"
        shutil.copyfile(prepared, path)
        return folder, path
    return make


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.run(argv, out)
    return code, out.getvalue()


def assert_answered(code: int, text: str, argv: list[str]) -> Any:
    """Exit 0, 1 or 2, and one JSON object on stdout: the result, or {"error", "code"} in words."""
    assert code != 3, f"internal error (a bug) for {argv!r}: {text}"
    assert code in (0, 1, 2), (code, argv, text)
    assert text.endswith("\n") and text.count("\n") == 1, (argv, text)  # one line (JSON escapes newlines)
    answer = json.loads(text)
    assert isinstance(answer, dict)
    if code:
        assert answer["code"] in CODES and answer["code"] != "internal", answer
        assert isinstance(answer["error"], str) and answer["error"].strip(), answer
    return answer


#: 300 in every test run (about 10 s); set LINLI_STORM_EXAMPLES=5000 for a deeper run (docs/reliability.md).
STORM_EXAMPLES = int(os.environ.get("LINLI_STORM_EXAMPLES", "300"))
STORM = settings(max_examples=STORM_EXAMPLES, deadline=None, derandomize=STORM_EXAMPLES == 300,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                        HealthCheck.data_too_large])


@STORM
@given(data=st.data())
def test_every_command_answers_any_arguments_with_json_and_exit_0_1_or_2(fresh, data, monkeypatch) -> None:
    folder, path = fresh()
    monkeypatch.chdir(folder)  # a relative path that slipped through would land here, nowhere else
    argv = data.draw(command_lines(folder, path))
    code, text = run(argv)
    assert_answered(code, text, argv)
    event(f"exit {code}")  # shown with --hypothesis-show-statistics: how deep the storm went


#: Digits that are not ours: superscripts, circled, other scripts', Roman numerals (issue 11 item 15).
ODD_DIGITS = "²³¹⁰⁹①②⑩⑳٣٤۵߁०৭๓Ⅻⅷ〇"
NUMBER_TEXT = st.text(alphabet="0123456789０１２３９-+. :/" + ODD_DIGITS, min_size=1, max_size=8)
FAR_YEARS = st.sampled_from(["9999-12-31", "9999-12-31 23:59", "9998-12-31 23:00", "9999-12", "0999-01-01",
                             "0999-01-01 10:00", "0001-01-01 00:00", "2100-01-01 00:00", "1999-12-31 23:59",
                             "2099-12-31 23:59", "2099-12-31", "2099-12", "²⁰²⁶-11-24", "２０２６-１１-２４ １０:００"])
NUMERIC = ("id", "resident", "booking", "correct", "receipt", "minutes", "limit", "free", "unit", "value",
           "capacity", "hours", "amount", "cap", "seed", "rate", "keep", "days")
DATED = ("start", "end", "at", "from", "to", "date", "week", "month", "first", "last")
ODD = {**{d: st.one_of(st.sampled_from(list(ODD_DIGITS)), st.sampled_from(list(ODD_DIGITS)), NUMBER_TEXT)
           for d in NUMERIC},
       **{d: st.one_of(st.sampled_from(["9999-12-31", "9999-12", "9999-12-31 23:59"]), FAR_YEARS, TIMES,
                       NUMBER_TEXT) for d in DATED}}


WITH_NUMBERS = sorted(n for n in set(COMMANDS) - set(SLOW) if any(a.dest in ODD for a in COMMANDS[n]._actions))
ODD_EXAMPLES = settings(STORM, max_examples=max(12, STORM_EXAMPLES // 25))


@pytest.mark.parametrize("name", WITH_NUMBERS)
@ODD_EXAMPLES
@given(data=st.data())
def test_every_numeric_and_date_option_answers_odd_digits_and_far_years_with_exit_0_1_or_2(fresh, data, name,
                                                                                          monkeypatch) -> None:
    folder, path = fresh()
    monkeypatch.chdir(folder)
    argv = data.draw(command_lines(folder, path, ODD, only=name))
    code, text = run(argv)
    assert_answered(code, text, argv)
    event(f"exit {code}")


@pytest.mark.parametrize("now", ["9999-12-31 23:59", "0999-01-01 10:00", "２０２６-１１-２４ １０:００", "²⁰²⁶-11-24 10:00"])
def test_a_clock_fixed_outside_the_desks_years_is_wrong_usage(fresh, now) -> None:
    _folder, path = fresh()
    argv = ["--db", str(path), "--now", now, "list", "--date", "2026-11-24", "--json"]
    code, text = run(argv)
    assert_answered(code, text, argv)


def test_the_storm_covers_every_command_but_the_slow_ones() -> None:
    # The drawing commands (pass, sheet, heatmap, self-test) load Qt: tests/ui/test_hostile_ui.py.
    assert set(SLOW) <= set(COMMANDS)
    assert len(set(COMMANDS) - set(SLOW)) >= 55


@pytest.mark.parametrize("years", ["inf", "nan", "-1", "1e300", "1e5", "-0.5", "abc", "100"])
def test_demo_refuses_a_number_of_years_it_cannot_make(fresh, years) -> None:
    _folder, path = fresh()
    code, text = run(["--db", str(path), "--now", "2026-11-24 10:00", "demo", f"--years={years}", "--json"])
    assert code in (1, 2) and assert_answered(code, text, [years])["code"] in ("invalid", "usage")


def test_demo_run_twice_on_one_store_answers_both_times(tmp_path) -> None:
    argv = ["--db", str(tmp_path / "new.sqlite3"), "--now", "2026-11-24 10:00", "demo", "--years", "0.01", "--json"]
    assert_answered(*run(["--db", str(tmp_path / "new.sqlite3"), "init", "--json"]), argv)  # only init makes a store
    first = assert_answered(*run(argv), argv)
    second = assert_answered(*run(argv), argv)  # it failed with IndexError: every door already existed
    assert first["bookings"] > 0 and second["bookings"] >= 0


# --- the scan field ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scan_store(prepared: Path, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("scans") / "desk.sqlite3"
    shutil.copyfile(prepared, path)
    store = setup.open_ready(path, now=NOW)
    yield store
    store.close()


def _mutated(text: str, data: st.DataObject) -> str:
    """A real pass as a bad scan, a phone app or a tired clerk may deliver it."""
    ops = data.draw(st.lists(st.sampled_from(["flip", "drop", "dup", "fullwidth", "space", "aim", "junk", "case"]),
                             max_size=4))
    chars = list(text)
    for op in ops:
        i = data.draw(st.integers(0, max(0, len(chars) - 1)))
        if op == "flip" and chars:
            chars[i] = str((int(chars[i]) + data.draw(st.integers(1, 9))) % 10) if chars[i].isdigit() else "0"
        elif op == "drop" and chars:
            del chars[i]
        elif op == "dup" and chars:
            chars.insert(i, chars[i])
        elif op == "fullwidth" and chars and chars[i].isdigit():
            chars[i] = chr(ord(chars[i]) - ord("0") + ord("０"))
        elif op == "space":
            chars.insert(i, data.draw(st.sampled_from([" ", "\u3000", "\t", "\r", "\n", "\u200b"])))
        elif op == "aim":
            chars[:0] = list("]Q1")
        elif op == "junk":
            chars.insert(i, data.draw(HOSTILE))
    return "".join(chars)


SCANS = settings(max_examples=400, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SCANS
@given(text=st.one_of(HOSTILE, st.text(st.characters(exclude_categories=("Cs",)), max_size=2000)),
       station=st.one_of(st.just("desk"), HOSTILE))
@example(text="9" * 10_000, station="desk")
@example(text="１" * 45, station="desk")
def test_a_scan_of_any_text_never_raises_and_refuses_what_is_not_a_pass(scan_store, text, station) -> None:
    verdict = scanning.scan(scan_store, CLERK, text, station, now=datetime(2026, 11, 24, 10, 30))
    assert not verdict.ok and verdict.action is None
    assert verdict.reason.strip() and verdict.reason_key.startswith("scan_")


@SCANS
@given(data=st.data())
def test_a_damaged_pass_is_never_taken_for_another_and_only_the_true_digits_pass(scan_store, data) -> None:
    genuine = passes.pass_text(scan_store, 2)
    text = _mutated(genuine, data)
    verdict = scanning.verify(text, scan_store, datetime(2026, 11, 24, 18, 50), "desk")
    if passcode.clean_scan(text) == genuine:
        assert verdict.ok and verdict.booking.id == 2
    else:
        assert not verdict.ok and verdict.reason.strip()
        assert verdict.booking is None or verdict.booking.id == 2


# --- text stored verbatim ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def text_store(prepared: Path, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("texts") / "desk.sqlite3"
    shutil.copyfile(prepared, path)
    store = setup.open_ready(path, now=NOW)
    for scope in ("*", "kind:parking", "kind:room"):
        rules.set_rule(store, ADMIN, scope, "max_active_per_household", 100000, now=NOW)
    yield store
    store.close()


TEXTS = settings(max_examples=150, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_phones = iter(range(10**7))


@TEXTS
@given(name=HOSTILE)
def test_a_resident_name_is_stored_and_found_verbatim_or_refused_beside_the_field(text_store, name) -> None:
    phone = f"139{next(_phones):08d}"
    try:
        made = residents.add(text_store, CLERK, name, "7栋1单元101", phone, now=NOW)
    except DeskError as exc:
        assert (exc.code, exc.field) == ("invalid", "name") and exc.message().strip()
        return
    assert made.name == " ".join(name.split())  # only the outer and repeated spaces are tidied
    (found,) = residents.find(text_store, phone)
    assert found == made
    if not re.fullmatch(r"[\d\s\-]+", made.name):  # digits, spaces and dashes are searched as a phone
        assert made in residents.find(text_store, made.name, limit=100_000)


_slots = iter(range(10**6))


@TEXTS
@given(purpose=HOSTILE)
def test_a_room_purpose_is_stored_and_shown_verbatim(text_store, purpose, run_cli_on) -> None:
    n = next(_slots)
    start = datetime(2027, 1, 1, 8, 0) + timedelta(days=n // 6, hours=2 * (n % 6))
    req = Request(f"R0{1 + n % 3}", start, start + timedelta(hours=1), 1, purpose=purpose)
    try:
        made = bookings.book(text_store, ADMIN, req, NOW)
    except DeskError as exc:
        assert exc.code == "invalid" and exc.field == "purpose" and exc.message().strip()
        return
    assert bookings.get(text_store, made.id).purpose == purpose
    shown = run_cli_on(text_store, "show", str(made.id))
    assert shown["booking"]["purpose"] == purpose


@pytest.fixture
def run_cli_on():
    def run_on(store, *args: str) -> Any:
        argv = ["--db", store.path, "--now", "2026-11-24 10:00", *args, "--json"]
        code, text = run(argv)
        return assert_answered(code, text, argv)
    return run_on


@TEXTS
@given(name=HOSTILE, door=st.one_of(PLAUSIBLE["door"], HOSTILE), phone=st.one_of(PLAUSIBLE["phone"], HOSTILE),
       plate=st.one_of(st.none(), PLAUSIBLE["plate"], HOSTILE))
def test_registering_a_resident_with_any_fields_saves_or_names_the_wrong_field(text_store, name, door, phone,
                                                                               plate) -> None:
    try:
        residents.add(text_store, CLERK, name, door, phone, plate, now=NOW)
    except DeskError as exc:
        assert exc.code == "invalid" and exc.field in ("name", "door", "phone", "plate"), exc.key
        assert exc.message().strip() and exc.message() != exc.key


@pytest.mark.parametrize("args", [["show", "99999999999999999999999"], ["waitlist", "withdraw", "-9223372036854775809"],
                                  ["audit", "--limit", "9223372036854775808"], ["cancel", "18446744073709551616"]])
def test_a_number_too_large_for_the_store_is_wrong_usage_not_a_crash(fresh, args) -> None:
    _folder, path = fresh()
    argv = ["--db", str(path), *args, "--json"]
    code, text = run(argv)
    assert code == 2 and assert_answered(code, text, argv)["code"] == "usage"
