"""The message catalogs, for developers: find the keys the code uses and keep the catalogs in step.

    python resources/locale/catalogs.py update    # after adding or removing a message in the code
    python resources/locale/catalogs.py compile   # after editing a .po by hand
    python resources/locale/catalogs.py check     # what tests/booking/store/test_catalogs.py checks
    python resources/locale/catalogs.py template linli.pot   # for a translator starting a language
    python resources/locale/catalogs.py absorb FILE...       # define(key=(zh, en)) calls into the catalogs

`update` adds every key the code uses to every catalog (an empty text, to write), drops the
entries nothing uses, and compiles each linli.po to the linli.mo beside it. The program reads only
the .mo files, with the standard library's gettext (booking/store/i18n.py), and they are
committed, so a fresh clone runs without this tool; Babel (requirements-dev.txt) is needed here only.
A new language: `pybabel init -D linli -d resources/locale -i linli.pot -l zh_TW`, translate,
`compile`; no code changes.

Keys are found by Babel's extraction over booking/, ui/ and app.py, through `extract_keys` (a
Python-AST method, because Babel's own python method joins `tr("a" if x else "b")` into one id
"ab"), with the keyword spec KEYWORDS: the functions whose argument is a message key. Two more
kinds of use it cannot see as a call: a key kept in a table (`COLUMNS = ("report_col_id", ...)`),
which counts as used wherever the exact key is a string in the code, and a key the code builds
(`tr(f"status_{state}")`), listed in BUILT below; the `{days:unit_days}` counted phrases are used
by the catalogs' own texts.
"""
from __future__ import annotations

import ast
import functools
import io
import re
import sys
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "resources" / "locale"
DOMAIN = "linli"
SOURCES = ("booking", "ui")
sys.path.insert(0, str(ROOT))
from booking.store.i18n import COUNTS  # noqa: E402  (after ROOT is importable: this runs as a script)

# The functions whose argument at this position (from 1) is a message key.
KEYWORDS: dict[str, tuple[int, ...]] = {
    "tr": (1,), "Message": (1,), "DeskError": (2,), "invalid": (1,), "not_found": (1,), "admin_only": (2,),
    "Breach": (2,), "ChargeItem": (1,), "parse_whole": (3,), "Verdict": (3,), "Decision": (4,),
    "_refuse": (1,), "_accept": (2,), "_search_box": (1,), "_no_booking": (5,),
}

# Keys the code builds from a code, a state or a kind: f"clerk_role_{role}" makes these.
BUILT: dict[str, tuple[str, ...]] = {
    "clerk_role_{}": (
        "clerk_role_admin", "clerk_role_clerk",
    ),
    "credit_entry_{}": (
        "credit_entry_earn", "credit_entry_redeem", "credit_entry_refund",
    ),
    "fee_item_exempt_{}": (
        "fee_item_exempt_volunteer", "fee_item_exempt_welfare",
    ),
    "fee_state_{}": (
        "fee_state_cancelled", "fee_state_estimate", "fee_state_no_show", "fee_state_settled",
    ),
    "holiday_pkg_{}": (
        "holiday_pkg_0", "holiday_pkg_1", "holiday_pkg_2", "holiday_pkg_3", "holiday_pkg_4", "holiday_pkg_5",
        "holiday_pkg_6", "holiday_pkg_7",
    ),
    "holiday_source_{}": (
        "holiday_source_admin", "holiday_source_none", "holiday_source_package",
    ),
    "imp_field_{}": (
        "imp_field_door", "imp_field_name", "imp_field_phone", "imp_field_plate",
    ),
    "kind_{}": (
        "kind_parking", "kind_room",
    ),
    "ledger_csv_{}": (
        "ledger_csv_amount", "ledger_csv_at", "ledger_csv_booking", "ledger_csv_clerk", "ledger_csv_corrects",
        "ledger_csv_entry", "ledger_csv_kind", "ledger_csv_method", "ledger_csv_reason", "ledger_csv_receipt",
    ),
    "ledger_entry_{}": (
        "ledger_entry_correction", "ledger_entry_payment", "ledger_entry_refund",
    ),
    "ledger_method_{}": (
        "ledger_method_alipay", "ledger_method_cash", "ledger_method_timebank", "ledger_method_waived",
        "ledger_method_wechat",
    ),
    "passinfo_grace_{}": (
        "passinfo_grace_parking", "passinfo_grace_room",
    ),
    "passinfo_leave_{}": (
        "passinfo_leave_parking", "passinfo_leave_room",
    ),
    "passinfo_no_grace_{}": (
        "passinfo_no_grace_parking", "passinfo_no_grace_room",
    ),
    "passinfo_resource_{}": (
        "passinfo_resource_parking", "passinfo_resource_room",
    ),
    "passinfo_title_{}": (
        "passinfo_title_parking", "passinfo_title_room",
    ),
    "rule_{}": (
        "rule_checkin_early_minutes", "rule_closure", "rule_grace_minutes", "rule_max_active_per_household",
        "rule_max_days_ahead", "rule_max_duration_minutes", "rule_min_notice_minutes", "rule_no_show_limit",
        "rule_residents_only_hours",
    ),
    "scan_{}": (
        "scan_empty", "scan_not_digits", "scan_too_long", "scan_too_short", "scan_unknown_version",
        "scan_unreadable",
    ),
    "sheet_long_{}": (
        "sheet_long_booked", "sheet_long_checked_in", "sheet_long_completed", "sheet_long_late",
        "sheet_long_no_show", "sheet_long_overstay",
    ),
    "sheet_short_{}": (
        "sheet_short_booked", "sheet_short_checked_in", "sheet_short_completed", "sheet_short_late",
        "sheet_short_no_show", "sheet_short_overstay",
    ),
    "startup_{}": (
        "startup_damaged", "startup_full", "startup_locked", "startup_newer", "startup_not_database",
        "startup_readonly", "startup_readonly_folder", "startup_unreadable",
    ),
    "station_gate_{}": (
        "station_gate_hikvision", "station_gate_vzenith",
    ),
    "station_mode_{}": (
        "station_mode_both", "station_mode_in", "station_mode_out",
    ),
    "status_{}": (
        "status_booked", "status_cancelled", "status_checked_in", "status_completed", "status_no_show",
    ),
    "ui_action_{}": (
        "ui_action_book", "ui_action_cancel", "ui_action_check_in", "ui_action_check_out", "ui_action_no_show",
        "ui_action_reissue", "ui_action_reschedule",
    ),
    "ui_board_group_{}": (
        "ui_board_group_parking", "ui_board_group_room",
    ),
    "ui_book_repeat_{}": (
        "ui_book_repeat_daily", "ui_book_repeat_none", "ui_book_repeat_weekly", "ui_book_repeat_weeknights",
    ),
    "ui_detail_{}": (
        "ui_detail_door", "ui_detail_id", "ui_detail_in", "ui_detail_out", "ui_detail_over", "ui_detail_phone",
        "ui_detail_plate", "ui_detail_purpose", "ui_detail_resident", "ui_detail_series", "ui_detail_time",
    ),
    "uig_exp_{}": (
        "uig_exp_csv_filter", "uig_exp_xlsx_filter",
    ),
    "uig_wait_kind_{}": (
        "uig_wait_kind_parking", "uig_wait_kind_room",
    ),
    "uio_gate_{}": (
        "uio_gate_hikvision", "uio_gate_vzenith",
    ),
    "uio_pattern_{}": (
        "uio_pattern_holidays", "uio_pattern_monthly", "uio_pattern_once", "uio_pattern_weekly",
        "uio_pattern_yearly",
    ),
    "uio_payer_{}": (
        "uio_payer_resident", "uio_payer_visitor",
    ),
    "uio_purpose_{}": (
        "uio_purpose_volunteer", "uio_purpose_welfare",
    ),
    "uis_audit_{}": (
        "uis_audit_add", "uis_audit_book", "uis_audit_booking", "uis_audit_cancel", "uis_audit_check_in",
        "uis_audit_check_out", "uis_audit_clerk", "uis_audit_closure", "uis_audit_create", "uis_audit_demo",
        "uis_audit_disable", "uis_audit_enable", "uis_audit_import", "uis_audit_no_show", "uis_audit_pass_key",
        "uis_audit_passwd", "uis_audit_reissue", "uis_audit_remove", "uis_audit_rename", "uis_audit_reschedule",
        "uis_audit_resident", "uis_audit_resource", "uis_audit_restore", "uis_audit_rotate", "uis_audit_rule",
        "uis_audit_seed", "uis_audit_set", "uis_audit_setting", "uis_audit_station", "uis_audit_store",
        "uis_audit_vehicle",
    ),
    "uis_feature_{}": (
        "uis_feature_accessible", "uis_feature_ev", "uis_feature_visitor",
    ),
    "uis_leave_{}": (
        "uis_leave_confirm", "uis_leave_title",
    ),
    "uis_return_{}": (
        "uis_return_confirm", "uis_return_title",
    ),
    "uis_station_input_{}": (
        "uis_station_input_camera", "uis_station_input_scanner",
    ),
    "uis_unit_fixed_{}": (
        "uis_unit_fixed_count", "uis_unit_fixed_days", "uis_unit_fixed_hours",
    ),
    "wait_status_{}": (
        "wait_status_booked", "wait_status_expired", "wait_status_lapsed", "wait_status_offered",
        "wait_status_waiting", "wait_status_withdrawn",
    ),
}


def extract_keys(fileobj: Any, keywords: Mapping[str, Any], comment_tags: Collection[str],
                 options: Mapping[str, Any]) -> Iterator[tuple[int, Any, Any, Any]]:
    """A Babel extraction method: each call of a keyword, with its literal string arguments (None
    for any other), once per branch of a conditional argument (`tr("a" if x else "b")`).
    It yields what Babel's own python method does, (line, function, arguments, comments)."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if not isinstance(name, str) or name not in keywords:
            continue
        choices: list[list[str | None]] = [[]]
        for arg in node.args:
            values = _literals(arg)
            choices = [done + [value] for done in choices for value in values]
        for messages in choices:
            yield node.lineno, name, tuple(messages), []


def _literals(node: ast.expr) -> list[str | None]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return [None]


def called_keys() -> dict[str, list[str]]:
    """Every key passed to a keyword function, with where ("booking/x.py:12")."""
    return _called(ROOT, SOURCES)


def strings_in_code() -> set[str]:
    """Every string constant in the program's code (a key in a table is one)."""
    return _strings(ROOT, SOURCES)


@functools.cache
def _files(root: Path, sources: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    return tuple((path.relative_to(root).as_posix(), path.read_bytes())
                 for package in sources for path in sorted((root / package).rglob("*.py")))


@functools.cache
def _called(root: Path, sources: tuple[str, ...]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, source in _files(root, sources):
        for lineno, message, _comments, _context in extract(extract_keys, io.BytesIO(source), keywords=KEYWORDS):
            if isinstance(message, str):
                found.setdefault(message, []).append(f"{name}:{lineno}")
    return found


@functools.cache
def _strings(root: Path, sources: tuple[str, ...]) -> set[str]:
    return {node.value for _name, source in _files(root, sources) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def built_keys() -> set[str]:
    return {key for keys in BUILT.values() for key in keys}


_SPEC = re.compile(r"\{\w+:(\w+)\}")


def phrases_in(catalog: Catalog) -> set[str]:
    """The counted phrases a catalog's texts write through (`{days:unit_days}`)."""
    found: set[str] = set()
    for message in catalog:
        texts = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        found |= {name for text in texts if text for name in _SPEC.findall(text) if name in COUNTS}
    return found


def catalog_path(language: str, suffix: str = "po") -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.{suffix}"


def languages() -> list[str]:
    return sorted(path.parent.parent.name for path in LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read(language: str) -> Catalog:
    with catalog_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def entry_keys(catalog: Catalog) -> set[str]:
    return {message.id[0] if isinstance(message.id, (list, tuple)) else message.id for message in catalog if message.id}


def used_keys() -> set[str]:
    """Every key the program uses: called, built, in a table, or a phrase a catalog writes through."""
    known = set().union(*(entry_keys(read(language)) for language in languages()))
    phrases = set().union(*(phrases_in(read(language)) for language in languages()))
    return set(called_keys()) | built_keys() | (strings_in_code() & known) | phrases


def template() -> Catalog:
    """The catalog of every used key, without texts (a .pot); plural where COUNTS says."""
    pot = Catalog(domain=DOMAIN, project="Linli Desk", fuzzy=False)
    for key in sorted(used_keys()):
        pot.add((key, key) if key in COUNTS else key)
    return pot


def compiled(language: str) -> bytes:
    """The .mo of a catalog's .po, as `compile` writes it (fuzzy and empty entries left out)."""
    out = io.BytesIO()
    write_mo(out, read(language))
    return out.getvalue()


def compile_all() -> None:
    for language in languages():
        catalog_path(language, "mo").write_bytes(compiled(language))


def write(language: str, catalog: Catalog) -> None:
    with catalog_path(language).open("wb") as handle:
        write_po(handle, catalog, width=0, no_location=True, sort_output=True, ignore_obsolete=True)


def update() -> list[str]:
    """Every catalog gets the used keys and loses the unused; returns what changed, then compiles."""
    pot = template()
    changes = []
    for language in languages():
        catalog = read(language)
        before, created = entry_keys(catalog), catalog.creation_date
        catalog.update(pot, no_fuzzy_matching=True, update_header_comment=False)
        catalog.creation_date = created  # the header stays as it was: no diff for a message
        after = entry_keys(catalog)
        changes += [f"{language}: + {key} (write its text)" for key in sorted(after - before)]
        changes += [f"{language}: - {key}" for key in sorted(before - after)]
        write(language, catalog)
    compile_all()
    return changes


def problems() -> list[str]:
    """What is wrong between the code and the catalogs (empty when all is well)."""
    found = []
    called, used = called_keys(), used_keys()
    for language in languages():
        catalog = read(language)
        keys = entry_keys(catalog)
        found += [f"{language}: no entry for {key} ({', '.join(called.get(key, ['BUILT']))})"
                  for key in sorted((set(called) | built_keys()) - keys)]
        found += [f"{language}: {key} is used nowhere" for key in sorted(keys - used)]
        for message in catalog:
            if not message.id:
                continue
            key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
            if message.pluralizable != (key in COUNTS):
                found.append(f"{language}: {key} has plural forms if and only if COUNTS names it")
            texts = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            if not all(texts) or message.fuzzy:
                found.append(f"{language}: {key} has no text yet (or is fuzzy)")
        mo = catalog_path(language, "mo")
        if not mo.is_file() or mo.read_bytes() != compiled(language):
            found.append(f"{language}: linli.mo is not the compiled linli.po (run compile)")
    return found


def absorb(paths: list[Path]) -> list[str]:
    """Move the old scheme's module-level `define(key=(zh, en), ...)` calls of `paths` (a branch
    written before the catalogs) into the Chinese and English catalogs, and remove them and the
    `define` import from the code. A text that counts with {n:one|many} is reported, to be made a
    plural entry by hand; a define() built by a comprehension is left for a person."""
    catalogs = {language: read(language) for language in ("zh_CN", "en")}
    notes = []
    for path in paths:
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines(keepends=True)
        cut: set[int] = set()
        for node in ast.parse(source).body:
            call = node.value if isinstance(node, ast.Expr) else None
            if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "define"):
                continue
            try:
                pairs = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords if kw.arg}
            except ValueError:
                pairs = {}
            if not pairs or len(pairs) != len(call.keywords):
                notes.append(f"{path}:{node.lineno}: define() not made of literal pairs, left as it is")
                continue
            for key, (zh, en) in pairs.items():
                for language, text in (("zh_CN", zh), ("en", en)):
                    known = catalogs[language].get(key)
                    if known is not None and known.string != text:
                        notes.append(f"{language}: {key} already reads {known.string!r}; kept, not {text!r}")
                    elif known is None:
                        catalogs[language].add(key, text)
                if "|" in en:
                    notes.append(f"{key}: counts with {{n:one|many}}: make it a plural entry and name it in COUNTS")
            start = node.lineno - 1
            while start > 0 and lines[start - 1].lstrip().startswith("#"):
                start -= 1
            cut |= set(range(start, node.end_lineno or node.lineno))
        if cut:
            kept = "".join(line for i, line in enumerate(lines) if i not in cut)
            kept = re.sub(r"\n{4,}", "\n\n\n", kept)
            kept = re.sub(r"^(from booking\.store\.i18n import )(.*)\n",
                          lambda m: (m.group(1) + ", ".join(n for n in m.group(2).split(", ") if n != "define") + "\n")
                          if m.group(2) != "define" else "", kept, flags=re.M)
            path.write_text(kept.rstrip("\n") + "\n", encoding="utf-8")
            notes.append(f"{path}: {len(cut)} lines of define() moved into the catalogs")
    for language, catalog in catalogs.items():
        write(language, catalog)
    compile_all()
    return notes


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        print("\n".join(update()) or "the catalogs already match the code")
    elif command == "compile":
        compile_all()
    elif command == "template":
        with open(argv[1] if len(argv) > 1 else "linli.pot", "wb") as handle:
            write_po(handle, template(), width=0, no_location=True, sort_output=True)
    elif command == "absorb":
        print("\n".join(absorb([Path(arg) for arg in argv[1:]])))
    elif command == "check":
        found = problems()
        print("\n".join(found) or "the catalogs match the code")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
