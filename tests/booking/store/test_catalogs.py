"""The gettext catalogs (resources/locale) and the code agree: every key the code uses has a text in
every language, no entry is left over, plural forms are where COUNTS says, and the committed .mo
files are the compiled .po files the program reads."""
from __future__ import annotations

import importlib.util
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from booking.store import i18n
from booking.store.i18n import COUNTS, tr

ROOT = Path(__file__).resolve().parents[3]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "resources" / "locale" / "catalogs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


catalogs = _tool()


@pytest.fixture(scope="module")
def called() -> dict[str, list[str]]:
    return catalogs.called_keys()


@pytest.fixture(scope="module")
def read() -> dict[str, Catalog]:
    return {language: catalogs.read(language) for language in catalogs.languages()}


def test_chinese_and_english_are_the_catalogs():
    assert catalogs.languages() == ["en", "zh_CN"]


def test_every_key_the_code_uses_has_an_entry_in_every_catalog(called, read):
    wanted = set(called) | catalogs.built_keys()
    assert len(wanted) > 1000  # the extraction really saw the code
    for language, catalog in read.items():
        lacking = sorted(wanted - catalogs.entry_keys(catalog))
        missing = [f"{key} ({', '.join(called.get(key, ['BUILT']))})" for key in lacking]
        assert missing == [], f"{language}: add these, e.g. with: python resources/locale/catalogs.py update"


def test_no_catalog_entry_is_unused(read):
    used = catalogs.used_keys()
    for language, catalog in read.items():
        assert sorted(catalogs.entry_keys(catalog) - used) == [], f"{language}: nothing uses these entries"


def test_every_catalog_has_the_keys_of_the_chinese_one(read):
    chinese = catalogs.entry_keys(read["zh_CN"])
    for language, catalog in read.items():
        assert catalogs.entry_keys(catalog) == chinese, language


def test_an_entry_has_plural_forms_exactly_when_counts_names_it(read):
    for language, catalog in read.items():
        plural = {message.id[0] for message in catalog if message.id and message.pluralizable}
        assert plural == set(COUNTS), language
        assert len(next(m for m in catalog if m.pluralizable).string) == catalog.num_plurals
    assert (read["zh_CN"].num_plurals, read["en"].num_plurals) == (1, 2)


def test_every_entry_has_a_text_and_none_is_fuzzy(read):
    for language, catalog in read.items():
        empty = [m.id for m in catalog if m.id and (m.fuzzy or not all(m.string if m.pluralizable else [m.string]))]
        assert empty == [], language


def test_the_committed_mo_files_are_the_compiled_po_files():
    for language in catalogs.languages():
        shipped = catalogs.catalog_path(language, "mo").read_bytes()
        assert shipped == catalogs.compiled(language), f"{language}: run python resources/locale/catalogs.py compile"


def test_the_check_command_finds_nothing_wrong():
    assert catalogs.problems() == []


def test_the_extractor_sees_each_branch_of_a_conditional_key_and_skips_built_ones():
    source = b'tr("a_one" if x else "a_two", n=1)\nDeskError("invalid", "b_key")\ntr(f"c_{x}")\nlen("d_no")\n'
    found = [(line, name, args) for line, name, args, _ in
             catalogs.extract_keys(io.BytesIO(source), catalogs.KEYWORDS, (), {})]
    assert found == [(1, "tr", ("a_one",)), (1, "tr", ("a_two",)), (2, "DeskError", ("invalid", "b_key")),
                     (3, "tr", (None,))]


def test_a_key_the_code_uses_but_no_catalog_has_is_reported(tmp_path, monkeypatch):
    package = tmp_path / "booking"
    package.mkdir()
    (package / "new.py").write_text('from booking.store.i18n import tr\nWORD = tr("brand_new_key")\n')
    monkeypatch.setattr(catalogs, "ROOT", tmp_path)
    monkeypatch.setattr(catalogs, "SOURCES", ("booking",))
    assert catalogs.called_keys() == {"brand_new_key": ["booking/new.py:2"]}
    assert "zh_CN: no entry for brand_new_key (booking/new.py:2)" in catalogs.problems()


def test_a_badly_formed_pass_is_refused_in_the_codecs_own_words(read):
    # booking/checkin/scanning.py refuses with scan_<x> where the codec raised pass_<x>
    for language, catalog in read.items():
        for key in catalogs.BUILT["scan_{}"]:
            assert catalog[key].string == catalog["pass_" + key[len("scan_"):]].string, (language, key)


def test_the_program_reads_its_catalogs_without_babel():
    code = ("import importlib, pkgutil, sys\n"
            "import app, booking, ui\n"
            "for package in (booking, ui):\n"
            "    for module in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
            "        importlib.import_module(module.name)\n"
            "from booking.store.i18n import tr\n"
            "assert tr('unit_days', 'en', n=2) == '2 days'\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def _stub_catalog(folder: Path, language: str, texts: dict[str, str | tuple[str, ...]]) -> None:
    """A translator's first catalog: a few entries, compiled as `catalogs.py compile` would."""
    catalog = Catalog(locale=language, domain="linli")
    for key, text in texts.items():
        catalog.add((key, key) if isinstance(text, tuple) else key, text)
    (folder / language / "LC_MESSAGES").mkdir(parents=True)
    with (folder / language / "LC_MESSAGES" / "linli.mo").open("wb") as handle:
        write_mo(handle, catalog)


def test_a_third_language_is_a_catalog_file_and_falls_back_to_chinese(tmp_path, monkeypatch):
    assert i18n.set_language("zh_TW") == "zh"  # no such catalog yet: Chinese
    too_long = "一次預約最長 {days} 天（管理員越過規則也一樣）；更長的請用重複預約。"
    _stub_catalog(tmp_path, "zh_TW", {"uis_app_name": "鄰里服務台", "unit_days": ("{n} 天",),
                                      "booking_too_long": (too_long,)})
    monkeypatch.setenv("LINLI_LOCALE_DIR", str(tmp_path))
    assert "zh_TW" in i18n.catalogs()
    assert i18n.set_language("zh-TW") == "zh_TW" and i18n.language() == "zh_TW"
    assert tr("uis_app_name") == "鄰里服務台"
    assert tr("unit_days", n=3) == "3 天" and tr("booking_too_long", days=1).startswith("一次預約最長 1 天")
    assert tr("status_booked") == "已预约"  # not translated yet: the Chinese (zh_CN) text
    assert tr("uis_app_name", "en") == "Linli Desk" and tr("uis_app_name", "zh") == "邻里服务台"
    monkeypatch.setenv("LINLI_LANG", "zh_TW")
    assert i18n.default_language() == "zh_TW"


def test_absorb_moves_a_branchs_define_calls_into_the_catalogs(tmp_path, monkeypatch):
    # a branch written before the catalogs still declares its messages in the code
    shutil.copytree(catalogs.LOCALE, tmp_path / "locale", ignore=shutil.ignore_patterns("*.py"))
    monkeypatch.setattr(catalogs, "LOCALE", tmp_path / "locale")
    module = tmp_path / "late.py"
    module.write_text('from booking.store.i18n import define, tr\n\n# the late words\n'
                      'define(\n    late_word=("迟到", "late"),\n    status_booked=("已预约", "booked"),\n)\n\n\n'
                      'def word() -> str:\n    return tr("late_word")\n', encoding="utf-8")
    notes = catalogs.absorb([module])
    assert module.read_text(encoding="utf-8") == ('from booking.store.i18n import tr\n\n\n'
                                                  'def word() -> str:\n    return tr("late_word")\n')
    assert catalogs.read("zh_CN")["late_word"].string == "迟到" and catalogs.read("en")["late_word"].string == "late"
    assert any("late.py: 5 lines" in note for note in notes)
    assert catalogs.catalog_path("en", "mo").read_bytes() == catalogs.compiled("en")
