"""Take docs/desk-*.png: the desk as it opens the first time on an office's own screen, under a
real window manager, so the window frame and the screen's edges are in the picture.

    Xvfb :7 -screen 0 1366x768x24 & openbox &
    DISPLAY=:7 python docs/make_screen_screenshots.py desk-1366x768
    Xvfb :8 -screen 0 1920x1080x24 & openbox &
    DISPLAY=:8 QT_SCALE_FACTOR=1.5 python docs/make_screen_screenshots.py desk-150pct

Each run saves NAME.png (the whole screen: the window as the first start sizes it, a pass just
scanned into the find box) and NAME-details.png (a booking's details, the tallest dialog, fitted
to the screen). `--lang en` takes them in English. The store has the two barrier gates set up,
so the gates' list is docked beside the scan panel as at a desk with gates; its entry camera has
read a booked car (let in) and an unknown one (refused).

With `--server URL` (a desk role's URL without its password, the password in LINLI_DB_PASSWORD) it
also saves NAME-store-ok.png and NAME-store-wrong-password.png: the admin's 管理 › 数据存储 setting
opened from the menu, the server's fields typed in, and 测试连接 pressed, once with the password and
once with a wrong one, each outcome as the server answered it. The docs' pictures were taken against a
throwaway server on the same PC (.ci/pg, with TLS and the roles of docs/shared-store.md):

    LINLI_DB_PASSWORD=… DISPLAY=:7 python docs/make_screen_screenshots.py desk-1366x768 \
        --server "postgresql://linli_desk@127.0.0.1:PORT/linli?sslmode=verify-full&sslrootcert=/path/ca.crt"
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["LINLI_DATA_DIR"] = tempfile.mkdtemp(prefix="linli-screen-shots-")

from PySide6.QtCore import QElapsedTimer, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from booking.checkin import passes
from booking.gatehouse import gates
from booking.ops import demo, setup
from booking.people import residents
from booking.places import stations
from booking.schedule import bookings  # noqa: E402
from booking.store import location  # noqa: E402
from booking.store.audit import Actor  # noqa: E402
from booking.store.changes import Changes  # noqa: E402
from ui.desk import language  # noqa: E402
from ui.desk.session import Desk  # noqa: E402
from ui.desk.fonts import ui_font  # noqa: E402
from ui.app.main import BASE_POINT_SIZE  # noqa: E402
from ui.app.mainwindow import MainWindow  # noqa: E402

NOW = datetime(2026, 11, 24, 15, 40)
CLERK = Actor("李值班", "clerk")
ADMIN = Actor("管理员", "admin")


def add_gates(store, spaces: list[str]) -> None:
    """The east gate's entry and exit cameras; the entry has read a booked car and an unknown one."""
    entry = stations.add(store, ADMIN, "东门入口", kinds=["parking"], mode="in", gate="vzenith", camera="E-IN",
                         camera_address="192.168.1.20", now=NOW)
    stations.add(store, ADMIN, "东门出口", kinds=["parking"], mode="out", gate="vzenith", camera="E-OUT",
                 camera_address="192.168.1.21", now=NOW)
    driver = residents.add(store, CLERK, "王芳", "5栋1单元302", "13987654321", "川A88Q66", now=NOW)
    bookings.book(store, CLERK, bookings.Request(spaces[1], NOW, NOW + timedelta(hours=2), driver.id,
                                                 plate="川A88Q66"), NOW)
    for key, plate, minutes in (("1", "川A88Q66", 3), ("2", "川B7K219", 1)):
        gates.handle(store, entry, gates.PlateRead("E-IN", key, plate, NOW - timedelta(minutes=minutes)),
                     NOW - timedelta(minutes=minutes))


def settle(ms: int = 400) -> None:
    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < ms:
        QApplication.processEvents()


def grab_screen(path: Path) -> None:
    QGuiApplication.primaryScreen().grabWindow(0).save(str(path))


def type_into(field, text: str) -> None:
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, text, delay=2)
    settle(300)  # digits typed this fast are held back a moment (a scanner's pace: ui/passes/scancatcher.py)


def store_setting_shots(window: MainWindow, name: str, url: str, password: str) -> None:
    """The admin's store setting, the server's fields typed, the connection tested: right, then wrong."""
    server = location.parse(url)
    assert isinstance(server, location.StoreServer), url
    window.desk.take_over(ADMIN)  # as 换班 (switch clerk) hands the desk over
    window.admin_menu.update_permissions()
    window._update_title()
    window.desk.notify(Changes(signed_in=True), window)
    window.admin_menu.store_action.trigger()  # 管理 › 数据存储…, as the admin opens it
    settle(600)
    dialog = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "StoreSettingDialog"
                  and w.isVisible())
    dialog.server_radio.click()
    for field, text in ((dialog.host, server.host), (dialog.port, str(server.port)),
                        (dialog.database, server.database), (dialog.user, server.user)):
        type_into(field, text)
    options = dict(server.options)
    dialog.sslmode.setCurrentIndex(dialog.sslmode.findData(options.get("sslmode", "verify-full")))
    type_into(dialog.sslrootcert, options.get("sslrootcert", ""))
    for suffix, typed in (("store-ok", password), ("store-wrong-password", password + "-wrong")):
        type_into(dialog.password, typed)
        dialog.test_button.click()
        settle(800)
        grab_screen(ROOT / "docs" / f"{name}-{suffix}.png")
    dialog.reject()


def main(name: str, lang: str, server: str | None = None) -> None:
    app = QApplication(sys.argv[:1])
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, os.environ["LINLI_DATA_DIR"])
    language.apply(lang, remember=False)
    app.setFont(ui_font(BASE_POINT_SIZE))
    store = setup.open_ready(Path(os.environ["LINLI_DATA_DIR"]) / "shots.sqlite3", now=NOW)
    demo.fill(store, years=0.02, now=NOW)
    walk_in = residents.add(store, CLERK, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    free = [r.code for r in bookings.free(store, NOW, NOW + timedelta(hours=3), "parking")]
    booked = bookings.book(store, CLERK, bookings.Request(free[0], NOW, NOW + timedelta(hours=3), walk_in.id,
                                                          plate="川A12345"), NOW)
    add_gates(store, free)
    desk = Desk(store, CLERK, fixed_now=NOW)
    window = MainWindow(desk, QSettings(str(Path(os.environ["LINLI_DATA_DIR"]) / "w.ini"),
                                        QSettings.Format.IniFormat))
    window.show()
    settle(1500)
    window.minute()
    window.board.focus_find()
    QTest.keyClicks(window.board.find_edit, passes.pass_text(store, booked.id), delay=8)  # a scanner's pace
    QTest.keyClick(window.board.find_edit, Qt.Key.Key_Return, delay=8)
    settle(800)
    grab_screen(ROOT / "docs" / f"{name}.png")
    window.open_details(booked.id)
    settle(800)
    grab_screen(ROOT / "docs" / f"{name}-details.png")
    if server:
        for widget in QApplication.topLevelWidgets():  # the details closed, as the clerk closes them
            if widget is not window and widget.isVisible() and widget.isWindow():
                widget.close()
        settle(300)
        store_setting_shots(window, name, server, os.environ.get("LINLI_DB_PASSWORD", ""))
    store.close()


def option(flag: str) -> str | None:
    return sys.argv[sys.argv.index(flag) + 1] if flag in sys.argv else None


if __name__ == "__main__":
    main(sys.argv[1], option("--lang") or "zh", option("--server"))
