"""English words: a count never stands before a plural it does not agree with ("1 days")."""
from __future__ import annotations

import re

import pytest

import app  # noqa: F401  every module that defines messages, as a real start loads them
from booking.store import i18n
from booking.store.i18n import tr

PLURAL_AFTER_COUNT = re.compile(r"\{(\w+)\} (?:[a-z-]+ )?(days|minutes|hours|bookings|dates|rows|times|scans|"
                                r"characters|spaces|households|plates|entries)\b")


def test_one_day_is_singular_and_two_days_plural():
    assert tr("unit_days", "en", n=1) == "1 day" and tr("unit_days", "en", n=2) == "2 days"
    assert tr("unit_days", "zh", n=1) == "1 天"


def test_no_english_message_puts_a_bare_count_before_a_plural():
    import importlib
    import pkgutil

    import booking
    import ui
    for package in (booking, ui):  # every module's messages, whatever the other tests imported
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            importlib.import_module(module.name)
    found = [f"{key}: {tr(key, 'en')}" for key in i18n.keys() if PLURAL_AFTER_COUNT.search(tr(key, "en"))]
    assert found == []


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
