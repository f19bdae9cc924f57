"""Take docs/details-fees.png and docs/waitlist.png from real windows (run under a display, e.g. Xvfb):

    xvfb-run -a -s "-screen 0 1600x1000x24" python docs/make_fee_screenshots.py

details-fees.png: a room booking's details after part of its charge was paid in cash,
with Take payment / Refund / Receipt. waitlist.png: the waitlist view with one household
offered a freed space (full number, to call) and two still waiting (masked). In Chinese,
from a small store in a temporary folder.
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["LINLI_DATA_DIR"] = tempfile.mkdtemp(prefix="linli-fee-shots-")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from booking.checkin import scanning
from booking.money import ledger
from booking.ops import setup
from booking.people import residents
from booking.places import inventory
from booking.schedule import bookings, waitlist  # noqa: E402
from booking.store.audit import Actor  # noqa: E402
from booking.schedule.bookings import Request  # noqa: E402
from ui.desk import language  # noqa: E402
from ui.desk.session import Desk  # noqa: E402
from ui.desk.fonts import ui_font  # noqa: E402
from ui.app.main import BASE_POINT_SIZE  # noqa: E402
from ui.app.mainwindow import MainWindow  # noqa: E402

NOW = datetime(2026, 11, 24, 15, 40)
ADMIN = Actor("王主任", "admin")
CLERK = Actor("李值班", "clerk")


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def settle(app: QApplication, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()


def main() -> None:
    app = QApplication(sys.argv)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, os.environ["LINLI_DATA_DIR"])
    language.apply("zh", remember=False)
    app.setFont(ui_font(BASE_POINT_SIZE))
    folder = Path(os.environ["LINLI_DATA_DIR"])
    store = setup.open_ready(folder / "shots.sqlite3", now=NOW)
    zhang = residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    li = residents.add(store, ADMIN, "李四", "5栋1单元302", "13987654321", "川AD12345", now=NOW)
    wang = residents.add(store, ADMIN, "王五", "7栋1单元101", "13700001111", "川A8K520", now=NOW)
    zhao = residents.add(store, ADMIN, "赵六", "2栋3单元204", "15912345678", "川AF12345", now=NOW)

    room = bookings.book(store, ADMIN, Request("R04", at("2026-11-24 14:00"), at("2026-11-24 18:00"), zhang.id,
                                               purpose="书法班"), at("2026-11-20 09:00"))
    scanning.manual(store, CLERK, room.id, reason="通行证忘带", now=at("2026-11-24 13:55"))
    ledger.pay(store, CLERK, room.id, 4000, "cash", at("2026-11-24 13:56"))

    # Tonight every space is taken (all but two disabled for the picture), and households wait.
    with store.write():
        for space in inventory.all_resources(store, "parking"):
            if space.code not in ("P001", "P002"):
                inventory.set_enabled(store, ADMIN, space.code, False, now=NOW)
    tonight = (at("2026-11-24 19:00"), at("2026-11-25 07:30"))
    taken = [bookings.book(store, ADMIN, Request(code, *tonight, person.id), NOW - timedelta(hours=3))
             for code, person in (("P001", li), ("P002", zhao))]
    waitlist.join(store, CLERK, zhang.id, *tonight, NOW - timedelta(minutes=30), kind="parking")
    waitlist.join(store, CLERK, wang.id, *tonight, NOW - timedelta(minutes=20), kind="parking")
    bookings.book(store, ADMIN, Request("R01", at("2026-11-26 14:00"), at("2026-11-26 16:00"), li.id,
                                        purpose="邻里议事会"), NOW - timedelta(days=1))
    waitlist.join(store, CLERK, zhao.id, at("2026-11-26 14:00"), at("2026-11-26 16:00"),
                  NOW - timedelta(minutes=10), resource="R01")
    bookings.cancel(store, ADMIN, taken[0].id, now=NOW)

    desk = Desk(store, CLERK, fixed_now=NOW)
    window = MainWindow(desk, QSettings(str(folder / "w.ini"), QSettings.Format.IniFormat))
    window.resize(1600, 960)
    window.show()
    settle(app)  # the window's first minute offers the freed P001 to the first household waiting

    details = window.open_details(room.id)
    settle(app)
    details.grab().save(str(ROOT / "docs" / "details-fees.png"))
    details.close()

    waiting = window.open_waitlist()
    waiting.resize(1240, 400)
    settle(app)
    waiting.grab().save(str(ROOT / "docs" / "waitlist.png"))
    window.grab().save(str(folder / "window.png"))
    print(folder / "window.png")
    store.close()


if __name__ == "__main__":
    main()
