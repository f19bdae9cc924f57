"""English words: a count never stands before a plural it does not agree with ("1 days")."""
from __future__ import annotations

import re

import pytest

import app  # noqa: F401  the program as a real start loads it
from booking.store import i18n
from booking.store.i18n import tr

ONE_AND_A_PLURAL = re.compile(r"\b1 (?:[a-z-]+ )?(days|minutes|hours|bookings|dates|rows|times|scans|characters|"
                              r"spaces|households|plates|entries|pages|keys|digits|units|residents|rooms|are|have)\b")


def _parameters(key: str) -> set[str]:
    texts = tr(key, "en") + (tr(key, "en", **{i18n.COUNTS[key]: 2}) if key in i18n.COUNTS else "")
    return set(re.findall(r"\{(\w+)", texts))


def test_one_day_is_singular_and_two_days_plural():
    assert tr("unit_days", "en", n=1) == "1 day" and tr("unit_days", "en", n=2) == "2 days"
    assert tr("unit_days", "en", n=0) == "0 days" and tr("unit_days", "en", n=21) == "21 days"
    assert tr("unit_days", "zh", n=1) == "1 天" and tr("unit_days", "zh", n=2) == "2 天"


def test_no_english_message_says_one_of_a_plural():
    # Every message with every count 1: "1 pages", "1 keys still verify" and "digit(s)" are gone.
    # (imp_missing_column's "column(s)" names columns, it counts nothing.)
    found = []
    for key in i18n.keys():
        text = tr(key, "en", **dict.fromkeys(_parameters(key), 1))
        if ONE_AND_A_PLURAL.search(text) or ("(s)" in text and key != "imp_missing_column"):
            found.append(f"{key}: {text}")
    assert found == []


@pytest.mark.parametrize(("key", "params", "one", "two"), [
    ("booking_too_long", {}, "One booking lasts at most 1 day", "One booking lasts at most 2 days"),
    ("sheetcmd_pdf", {"path": "a.pdf"}, "Daily sheet PDF: a.pdf (1 page)", "Daily sheet PDF: a.pdf (2 pages)"),
    ("scan_too_early", {"start": "19:00", "opens": "18:59"}, "check-in opens 1 minute before", "opens 2 minutes"),
    ("pass_too_short", {}, "incomplete, 1 digit short", "incomplete, 2 digits short"),
    ("uio_key_state", {"kid": "k2"}, "1 key still verifies printed passes", "2 keys still verify printed passes"),
    ("clerk_password_short", {}, "at least 1 character.", "at least 2 characters."),
])
def test_an_english_count_agrees_with_its_noun(key, params, one, two):
    counted = i18n.COUNTS[key]
    assert one in tr(key, "en", **params, **{counted: 1})
    assert two in tr(key, "en", **params, **{counted: 2})


def test_a_sentence_that_counts_several_things_agrees_with_each():
    one = dict(file="a.csv", rows=1, added=1, exists=1, plates=1, bad=1)
    assert tr("uimp_summary", "en", **one) == ("a.csv: 1 row. 1 new resident can be imported, 1 is registered already, "
                                               "1 new plate; 1 row has mistakes (listed below, skipped by the import).")
    two = dict.fromkeys(one, 2) | {"file": "a.csv"}
    assert tr("uimp_summary", "en", **two) == ("a.csv: 2 rows. 2 new residents can be imported, 2 are registered "
                                               "already, 2 new plates; 2 rows have mistakes (listed below, skipped by "
                                               "the import).")
    assert tr("udemo_done", "en", bookings=1, days=2, first="11-24") == "Generated 1 booking (2 days from 11-24)."
    assert tr("udemo_done", "zh", bookings=1, days=2, first="11-24") == "已生成 1 条预约（2 天，自 11-24 起）。"
    assert tr("uig_sum_bookings", "en", total=1, parking=1, room=1, cancelled=1) == (
        "1 booking: 1 parking, 1 room; 1 more was cancelled.")


def test_a_count_kept_as_text_or_recorded_still_chooses_its_form():
    assert tr("unit_days", "en", n="1") == "1 day" and tr("unit_days", "en", n="1.5") == "1.5 days"
    reason = i18n.Message("scan_too_early", {"early": 1, "start": "19:00", "opens": "18:59"})
    assert reason.text("en") == "Too early: check-in opens 1 minute before 19:00 (at 18:59)."
    assert reason.text("zh") == "太早了：19:00 前 1 分钟起可签到（18:59）。"


def test_the_heat_map_writes_its_date_as_every_other_field_does(qtbot, store, admin, now):
    from ui.desk import language
    from ui.desk.session import Desk
    from ui.reports.heatmap import HeatmapDialog
    desk = Desk(store, admin, fixed_now=now)
    language.apply("en", desk, remember=False)
    dialog = HeatmapDialog(desk)
    qtbot.addWidget(dialog)
    assert dialog.day.text() == "2026-11-24"


def test_english_words_in_tables_are_capitalised_and_codes_are_not(qapp):
    from booking.store.i18n import set_language
    from ui.widgets.tables import TextTable

    class Payments(TextTable):
        COLUMNS = ("ledger_method_cash", "ledger_method_waived", "uig_stmt_open")

    set_language("en")
    model = Payments()
    model._set([(tr("ledger_method_cash"), tr("ledger_method_waived"), "P001"), ("kind:parking", "12.50", "open")])
    shown = [[model.data(model.index(r, c)) for c in range(3)] for r in range(2)]
    assert shown == [["Cash", "Waived", "P001"], ["kind:parking", "12.50", "Open"]]


def test_a_recorded_scan_reason_shows_in_the_language_in_use(qapp, store, clerk, now):
    from booking.checkin import scanning
    from booking.store.i18n import set_language
    from ui.passes.scan_panel import RecentScansModel
    set_language("zh")
    scanning.scan(store, clerk, "1" * 45, now=now)  # unreadable: recorded while the desk spoke Chinese
    set_language("en")
    model = RecentScansModel(store, None, 20, now=lambda: now)
    model.refresh()
    reason = model.data(model.index(0, 5))
    assert reason and reason == reason.encode("ascii", "ignore").decode()  # English, no Chinese left


def test_the_system_actor_is_named_in_the_language_in_use():
    from booking.store import audit
    from booking.store.i18n import set_language
    set_language("en")
    assert audit.actor_text(audit.SYSTEM.name) == "System" and audit.actor_text("小李") == "小李"


def _mnemonic(text: str) -> str | None:
    match = re.search(r"&([^&])", text.replace("&&", ""))
    return match.group(1).lower() if match else None


@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_two_items_of_a_menu_share_an_access_key(qtbot, store, admin, now, tmp_path, language):
    # Alt+M then T must do one thing: with two items on T, Qt only moves between them.
    from PySide6.QtCore import QSettings
    from ui.desk import language as languages
    from ui.desk.session import Desk
    from ui.app.mainwindow import MainWindow
    desk = Desk(store, admin, fixed_now=now)
    window = MainWindow(desk, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    languages.apply(language, desk, remember=False)
    clashes = []
    for menu in [a.menu() for a in window.menuBar().actions() if a.menu()]:
        keys = [_mnemonic(a.text()) for a in menu.actions() if a.isVisible() and not a.isSeparator()]
        clashes += [f"{menu.title()}: {key}" for key in set(keys) if key and keys.count(key) > 1]
    assert clashes == []


def test_the_admin_tables_capitalise_their_english_words_not_names(qapp, store):
    from booking.store.i18n import set_language
    from ui.office.admin_models import ResourcesModel, RulesModel
    set_language("en")
    spaces = ResourcesModel(store)
    first = [spaces.data(spaces.index(0, c)) for c in range(spaces.columnCount())]
    assert first[:2] == ["P001", "Parking"] and first[4] == "Accessible"
    rules = RulesModel(store)
    scopes = {rules.data(rules.index(r, 0)) for r in range(rules.rowCount())}
    assert {"Everything", "All spaces"} <= scopes
