"""Switching the language after dialogs were opened and closed: closed windows no longer listen
to the desk, so nothing raises and nothing is logged at ERROR (issue 12: a RuntimeError about a
deleted QComboBox from ui/bookings/waitlist.py, once for every booking dialog opened so far)."""
from __future__ import annotations

import logging

from geometry_probe import Desktop, Walk, wait
from ui.desk import language


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
