"""Switching between Chinese and English while the program runs, and remembering the choice."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QDate, QLocale

from booking.store import i18n
from ui.desk import language
from ui.desk.session import Desk


@pytest.fixture
def desk(store, clerk, now):
    return Desk(store, clerk, fixed_now=now)


def qt_cancel() -> str:
    return QCoreApplication.translate("QPlatformTheme", "Cancel")


def test_switching_to_english_changes_the_domain_and_qt_words(qapp, desk):
    language.apply("zh", desk)
    assert qt_cancel() == "取消" and i18n.tr("status_booked") == "已预约"
    language.apply("en", desk)
    assert qt_cancel() == "Cancel" and i18n.tr("status_booked") == "booked"


def test_the_switch_is_announced_on_the_desk(qtbot, desk):
    with qtbot.waitSignal(desk.language_changed) as switched:
        language.toggle(desk)
    assert switched.args == ["en"]


def test_dates_follow_the_language(qapp, desk):
    day = QDate(2026, 11, 24)
    language.apply("zh", desk)
    chinese = QLocale().toString(day, QLocale.FormatType.LongFormat)
    language.apply("en", desk)
    assert "2026年11月24日" in chinese
    assert "November" in QLocale().toString(day, QLocale.FormatType.LongFormat)


def test_the_choice_is_remembered_for_the_next_start(qapp, desk):
    language.apply("en", desk)
    i18n.set_language("zh")
    assert language.startup_language([]) == "en"


def test_lang_on_the_command_line_wins_and_is_not_remembered(qapp, desk):
    language.apply("en", desk)
    assert language.start(["--lang", "zh"]) == "zh"
    assert language.settings().value(language.SETTING) == "en"


def test_the_menu_entry_names_the_other_language(qapp, desk):
    action = language.switch_action(desk, desk)
    assert action.text() == "English"
    action.trigger()
    assert i18n.language() == "en" and action.text() == "中文"


def test_a_third_language_needs_only_its_catalog(qapp, desk, tmp_path, monkeypatch):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    catalog = Catalog(locale="zh_TW", domain="linli")
    catalog.add("uis_lang_switch", "English")
    (tmp_path / "zh_TW" / "LC_MESSAGES").mkdir(parents=True)
    with (tmp_path / "zh_TW" / "LC_MESSAGES" / "linli.mo").open("wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setenv("LINLI_LOCALE_DIR", str(tmp_path))
    assert language.apply("zh_TW", desk, remember=False) == "zh_TW"
    assert i18n.tr("uis_lang_switch") == "English" and i18n.tr("status_booked") == "已预约"
    assert QCoreApplication.translate("QPlatformTheme", "Save") == "儲存"  # Qt's own zh_TW catalog
    assert QLocale().name() == "zh_TW"
