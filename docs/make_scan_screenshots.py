"""Take the scan screenshots in docs/ from real windows (run under a display, e.g. Xvfb):

    xvfb-run -a -s "-screen 0 1600x1000x24" python docs/make_scan_screenshots.py

docs/scan-ok.png (the desk's scan panel after a check-in), docs/scan-refused.png
(after a refused pass) and docs/scan-station.png (the self-service station), in
Chinese, from a fresh store in a temporary folder.
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["LINLI_DATA_DIR"] = tempfile.mkdtemp(prefix="linli-shots-")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from booking.checkin import passes
from booking.ops import setup
from booking.people import residents
from booking.places import stations
from booking.schedule import bookings  # noqa: E402
from booking.store.audit import Actor  # noqa: E402
from ui.desk import language  # noqa: E402
from ui.desk.session import Desk  # noqa: E402
from ui.passes.scan_panel import ScanPanel  # noqa: E402
from ui.passes.station import ScanStation  # noqa: E402

NOW = datetime(2026, 11, 24, 18, 52)
ADMIN = Actor("王主任", "admin")


def settle(app: QApplication, rounds: int = 20) -> None:
    for _ in range(rounds):
        app.processEvents()


def main() -> None:
    app = QApplication(sys.argv)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, os.environ["LINLI_DATA_DIR"])
    language.apply("zh", remember=False)
    store = setup.open_ready(Path(os.environ["LINLI_DATA_DIR"]) / "shots.sqlite3", now=NOW)
    zhang = residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    li = residents.add(store, ADMIN, "李秀英", "5栋1单元302", "13987654321", "川AD12345", now=NOW)
    chen = residents.add(store, ADMIN, "陈建国", "7栋3单元1203", "13600001111", "川A8K2L3", now=NOW)
    wang = residents.add(store, ADMIN, "王淑芬", "2栋1单元601", "13500002222", "川A6B7C8", now=NOW)

    def book(who, code, start, hours, plate):
        request = bookings.Request(resource=code, start=start, end=start + timedelta(hours=hours),
                                   resident_id=who.id, plate=plate)
        made = bookings.book(store, ADMIN, request, NOW - timedelta(hours=6))
        return made.id, passes.pass_text(store, made.id)

    tonight = NOW.replace(hour=19, minute=0)
    _, pass_zhang = book(zhang, "P012", tonight, 12.5, "川A12345")
    _, pass_li = book(li, "P047", tonight, 12.5, "川AD12345")
    _, pass_wang = book(wang, "P088", tonight, 12.5, "川A6B7C8")
    _, pass_chen = book(chen, "P003", NOW.replace(hour=18, minute=30), 0.25, "川A8K2L3")
    cancelled_id, cancelled = book(li, "R02", NOW + timedelta(days=1), 2, None)
    bookings.cancel(store, ADMIN, cancelled_id, reason="家里有事", now=NOW)

    desk = Desk(store, Actor("小李", "clerk"), fixed_now=NOW - timedelta(minutes=8))
    panel = ScanPanel(desk, sound=False)
    panel.setWindowTitle("扫码")
    panel.resize(620, 760)
    panel.show()
    settle(app)
    panel.scan(pass_chen)                           # 18:30–18:45: checked in at 18:44
    desk.set_now(NOW - timedelta(minutes=4))
    panel.scan(cancelled)                           # refused: cancelled
    desk.set_now(NOW - timedelta(minutes=2))
    panel.scan(pass_chen)                           # checked out at 18:50, 5 minutes over
    desk.set_now(NOW)
    panel.scan(pass_li)
    desk.set_now(NOW + timedelta(minutes=1))
    panel.scan(pass_zhang)
    settle(app)
    panel.grab().save(str(ROOT / "docs" / "scan-ok.png"))
    desk.set_now(NOW + timedelta(minutes=3))
    forged = pass_li[:-16] + "0000000000000000"
    panel.scan(forged)
    settle(app)
    panel.grab().save(str(ROOT / "docs" / "scan-refused.png"))
    panel.close()

    gate = stations.add(store, ADMIN, "停车场入口", kinds=["parking"], mode="both", now=NOW)
    station_desk = Desk(store, Actor("自助扫码", "clerk"), fixed_now=NOW + timedelta(minutes=10))
    station = ScanStation(station_desk, gate.name, reset_seconds=600, sound=False)
    station.resize(1600, 1000)
    station.show()
    settle(app)
    station.scan(pass_wang)  # 19:02: checks in
    settle(app)
    station.grab().save(str(ROOT / "docs" / "scan-station.png"))
    station.close()
    store.close()


if __name__ == "__main__":
    main()
