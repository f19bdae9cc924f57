"""Switching the language after dialogs were opened and closed: closed windows no longer listen
to the desk, so nothing raises and nothing is logged at ERROR (issue 12: a RuntimeError about a
deleted QComboBox from ui/bookings/waitlist.py, once for every booking dialog opened so far).
A deleted window no longer listens to the desk at all, though its Python object lives on in the
attribute of the view that opened it (ui/desk/session.py follow)."""
from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import Any

import pytest
import shiboken6
from PySide6.QtWidgets import QMainWindow, QWidget

from booking.places import stations
from geometry_probe import Desktop, Walk, wait
from ui.app import backups
from ui.bookings.booking_dialog import BookingDialog
from ui.bookings.details import DetailsDialog
from ui.bookings.pass_dialog import PassDialog
from ui.bookings.waitlist import WaitlistView
from ui.desk import language
from ui.gates.panel import GatePanel
from ui.money.cashdesk import AmountDialog, PaymentDialog, ShiftReportView
from ui.money.money_views import CreditsView, StatementView
from ui.money.receipt import ReceiptDialog
from ui.office.settings import TariffsView
from ui.passes.scan_panel import ScanPanel
from ui.passes.station import ScanStation, station_action
from ui.reports.report_views import ExportDialog, SummaryDialog


def test_switching_twice_after_every_dialog_was_opened_and_closed_logs_nothing(qtbot, tmp_path, caplog):
    desktop = Desktop(tmp_path)
    qtbot.addWidget(desktop.window)
    desktop.window.show()
    qtbot.waitExposed(desktop.window)
    walk = Walk(desktop.window)
    desktop.open_everything(walk, "zh")
    wait(100)  # the closed dialogs' deleteLater
    assert {"BookingDialog", "DetailsDialog", "HeatmapDialog"} <= walk.seen
    with caplog.at_level(logging.ERROR), qtbot.capture_exceptions() as raised:
        language.apply("en", desktop.desk, remember=False)
        language.apply("zh", desktop.desk, remember=False)
        wait(50)
    assert [str(e[1]) for e in raised] == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def _amount(desktop: Desktop) -> AmountDialog:
    texts = {"title": "退款", "summary": "", "amount": "金额", "button": "退款"}
    return AmountDialog(desktop.desk, lambda: texts, lambda _fen, _reason: None, parent=desktop.window)


def _no(*_args: Any) -> bool:
    return False


#: each window that listens to the desk, made as the program makes it (over the desk window)
LISTENERS: dict[str, Callable[[Desktop], Any]] = {
    "gate panel": lambda d: GatePanel(d.desk, d.window),
    "language entry": lambda d: language.switch_action(d.desk, d.window),
    "station entry": lambda d: station_action(d.desk, d.window),
    "backup entries": lambda d: backups.add_menu_actions(QMainWindow(), d.desk)[0].parent(),
    "receipt": lambda d: ReceiptDialog(d.desk, d.payment, d.window),
    "payment": lambda d: PaymentDialog(d.desk, d.booking.id, d.window),
    "refund amount": _amount,
    "details": lambda d: DetailsDialog(d.desk, d.booking.id, _no, parent=d.window),
    "booking": lambda d: BookingDialog(d.desk, parent=d.window),
    "pass": lambda d: PassDialog(d.desk, [d.booking.id], d.window),
    "waitlist": lambda d: WaitlistView(d.desk, _no, d.window),
    "statement": lambda d: StatementView(d.desk, _no, parent=d.window),
    "credits": lambda d: CreditsView(d.desk, d.window),
    "shift report": lambda d: ShiftReportView(d.desk, d.window),
    "summary": lambda d: SummaryDialog(d.desk, d.window),
    "export": lambda d: ExportDialog(d.desk, d.window),
    "scan panel": lambda d: ScanPanel(d.desk, parent=d.window, sound=False),
    "scan station": lambda d: ScanStation(d.desk, stations.DESK, sound=False),
    "office view": lambda d: TariffsView(d.desk, d.window),
}


def _listening(desktop: Desktop) -> tuple[int, int]:
    desk = desktop.desk
    return desk.receivers("2language_changed(QString)"), desk.receivers("2changed(PyObject,PyObject)")


@pytest.mark.parametrize("name", list(LISTENERS))
def test_a_deleted_window_no_longer_listens_to_the_desk(qtbot, tmp_path, name):
    desktop = Desktop(tmp_path)
    qtbot.addWidget(desktop.window)
    before = _listening(desktop)
    kept = LISTENERS[name](desktop)  # held on, as the view that opened a dialog holds it
    assert sum(_listening(desktop)) > sum(before)
    if isinstance(kept, QWidget):
        kept.close()  # as the clerk closes it
    kept.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(kept))  # by the event loop, as the program's are
    assert _listening(desktop) == before
    with qtbot.capture_exceptions() as raised:  # before: "Internal C++ object (QAction) already deleted"
        language.apply("en", desktop.desk, remember=False)
        desktop.desk.notify(backups.EVERYTHING)
    assert [str(e[1]) for e in raised] == []


def test_following_the_desk_keeps_no_window_alive_that_nothing_else_keeps(qtbot, tmp_path):
    desktop = Desktop(tmp_path)
    qtbot.addWidget(desktop.window)
    before = _listening(desktop)
    gone: list[bool] = []
    receipt = ReceiptDialog(desktop.desk, desktop.payment)  # no parent: Python's to delete
    receipt.destroyed.connect(lambda *_: gone.append(True))
    del receipt
    gc.collect()
    assert gone == [True] and _listening(desktop) == before
