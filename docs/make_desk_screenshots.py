"""Take the desk screenshots in docs/ from real windows (run under a display, e.g. Xvfb):

    xvfb-run -a -s "-screen 0 1600x1000x24" python docs/make_desk_screenshots.py

docs/main-window.png (the day board with the scan panel, mid-afternoon on a
busy day) and docs/booking-dialog.png (a walk-in found by the last 4 digits of
the phone, tonight's space already taken: the clash named before saving and the
nearest free space offered), in Chinese, from a demo store in a temporary folder, with the two
barrier gates set up as docs/make_screen_screenshots.py does (their list docked by the scan panel).
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["LINLI_DATA_DIR"] = tempfile.mkdtemp(prefix="linli-desk-shots-")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from booking.ops import demo, setup
from booking.people import residents
from booking.schedule import bookings  # noqa: E402
from booking.store.audit import Actor  # noqa: E402
from ui.desk import language  # noqa: E402
from ui.desk.session import Desk  # noqa: E402
from ui.desk.fonts import ui_font  # noqa: E402
from ui.app.main import BASE_POINT_SIZE  # noqa: E402
from ui.app.mainwindow import MainWindow  # noqa: E402
from make_screen_screenshots import add_gates  # noqa: E402  (its own temporary folder from here on)

NOW = datetime(2026, 11, 24, 15, 40)
CLERK = Actor("李值班", "clerk")


def settle(app: QApplication, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()


def main() -> None:
    app = QApplication(sys.argv)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, os.environ["LINLI_DATA_DIR"])
    language.apply("zh", remember=False)
    app.setFont(ui_font(BASE_POINT_SIZE))
    store = setup.open_ready(Path(os.environ["LINLI_DATA_DIR"]) / "shots.sqlite3", now=NOW)
    demo.fill(store, years=0.05, now=NOW)
    walk_in = residents.add(store, CLERK, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    add_gates(store, [r.code for r in bookings.free(store, NOW, NOW + timedelta(hours=2), "parking")])

    desk = Desk(store, CLERK, fixed_now=NOW)
    window = MainWindow(desk, QSettings(str(Path(os.environ["LINLI_DATA_DIR"]) / "w.ini"),
                                        QSettings.Format.IniFormat))
    window.resize(1600, 960)
    window.show()
    settle(app)
    window.minute()  # the sweep: no-shows marked as the desk would have done
    settle(app)
    window.grab().save(str(ROOT / "docs" / "main-window.png"))

    taken = next(code for code in (f"P{n:03d}" for n in range(12, 111))
                 if any(b.active and b.start >= 19 * 60
                        for b in window.board.model.blocks(
                            next(r for r in range(window.board.model.rowCount())
                                 if window.board.model.index(r, 0).data(window.board.model.CodeRole) == code))))
    dialog = window.new_booking(taken)
    settle(app)
    dialog.find_edit.setText("5678")
    dialog.pick_current()
    dialog.choose_tonight()
    dialog.run_check()
    dialog.adjustSize()
    settle(app)
    assert dialog.resident() == walk_in
    dialog.grab().save(str(ROOT / "docs" / "booking-dialog.png"))
    store.close()


if __name__ == "__main__":
    main()
