"""English words: a count never stands before a plural it does not agree with ("1 days")."""
from __future__ import annotations

import re

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
