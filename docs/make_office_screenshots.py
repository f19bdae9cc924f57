"""Take the office screenshots in docs/ (office-*.png) in real windows, under a window manager, on a
screen of the office's 1366×768 laptops, as an admin opens them from the 管理 menu:

    Xvfb :47 -screen 0 1366x768x24 & DISPLAY=:47 openbox &
    DISPLAY=:47 python docs/make_office_screenshots.py

Each picture is one window with its frame, at the size the program gives it on that screen (the
dialogs fitted by ui/widgets/fit.py), cut where the screen ends: what does not fit is not in the picture.

office-closures.png (the closures list), office-closure-form.png (a weekly closure built from the
form), office-closure-hits.png and office-closure-hits-list.png (it meets a booking: the question,
and the bookings listed), office-holidays.png (2026 from the package), office-holidays-unknown.png
(a year nobody announced yet), office-holiday-year.png (entering that year's notice),
office-resources.png, office-stations.png, office-station-form.png (a gate camera's station),
office-tariff.png (a tariff with the preview of a sample night), office-noshow.png and
office-keys.png, in Chinese, from a small store in a temporary folder.
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from collections.abc import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["LINLI_DATA_DIR"] = tempfile.mkdtemp(prefix="linli-office-shots-")

from PySide6.QtCore import QDate, QDateTime, QElapsedTimer, QTime, QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget  # noqa: E402

from booking.money import fees  # noqa: E402
from booking.ops import setup  # noqa: E402
from booking.people import residents  # noqa: E402
from booking.places import closures, stations  # noqa: E402
from booking.schedule import bookings, closure_admin  # noqa: E402
from booking.store.audit import Actor  # noqa: E402
from ui.desk import language, theme  # noqa: E402
from ui.desk.fonts import ui_font  # noqa: E402
from ui.desk.session import Desk  # noqa: E402
from ui.app.main import BASE_POINT_SIZE  # noqa: E402
from ui.office.admin import AdminMenu  # noqa: E402
from ui.office.closures import ClosureDialog, HitsDialog, HolidayYearDialog  # noqa: E402
from ui.office.screens import VIEWS  # noqa: E402
from ui.office.settings import StationDialog, TariffDialog  # noqa: E402
from ui.widgets import fit  # noqa: E402

NOW = datetime(2026, 11, 24, 10, 0)
ADMIN = Actor("王主任", "admin")


def settle(ms: int = 700) -> None:
    """Let the window manager frame and place the window, and Qt paint it."""
    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < ms:
        QApplication.processEvents()


def grab(widget: QWidget, name: str) -> None:
    """The window with its frame, as the screen shows it (cut at the screen's edge)."""
    screen = QGuiApplication.primaryScreen()
    frame = widget.frameGeometry().intersected(screen.geometry())
    screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).save(str(ROOT / "docs" / name))
    print(f"{name}: {frame.width()}×{frame.height()} at {frame.x()},{frame.y()}")


def shown(widget: QWidget) -> None:
    """Until the window manager has framed and mapped the window (a few seconds at most)."""
    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < 5000 and not (widget.windowHandle() is not None and widget.windowHandle().isExposed()
                                          and widget.frameGeometry().height() > widget.height()):
        QApplication.processEvents()
    settle()


def shoot(widget: QWidget, name: str, close: bool = True) -> None:
    widget.show()
    widget.raise_()
    widget.activateWindow()
    shown(widget)
    grab(widget, name)
    if close:
        widget.close()


def later(ms: int, act: Callable[[], None]) -> None:
    QTimer.singleShot(ms, act)


def the_store() -> Desk:
    store = setup.open_ready(Path(os.environ["LINLI_DATA_DIR"]) / "shots.sqlite3", now=NOW)
    who = residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    other = residents.add(store, ADMIN, "李四", "5栋1单元302", "13987654321", "川AD12345", now=NOW)
    for day in (5, 19):
        bookings.book(store, ADMIN, bookings.Request("R06", datetime(2026, 12, day, 9), datetime(2026, 12, day, 11),
                                                     other.id, purpose="welfare"), NOW)
    closures.add(store, ADMIN, "res:R06", datetime(2026, 12, 12, 8), datetime(2026, 12, 12, 12), "周六早市",
                 "FREQ=WEEKLY;BYDAY=SA;UNTIL=20270130T235959", now=NOW)
    closures.add(store, ADMIN, "kind:room", datetime(2026, 12, 1, 13), datetime(2026, 12, 1, 17), "消毒", now=NOW)
    closure_admin.add_on_holidays(store, ADMIN, "kind:room", "节假日闭馆", date(2026, 1, 1), NOW)
    stations.add(store, ADMIN, "北门道闸", ["parking"], mode="in", gate="vzenith", camera="VZ-IN-01",
                 camera_address="192.168.1.20", now=NOW)
    stations.add(store, ADMIN, "广场门口", [], ["R06", "R07"], now=NOW)
    for day in (18, 20, 22):
        made = bookings.book(store, ADMIN, bookings.Request("R02", datetime(2026, 11, day, 9),
                                                            datetime(2026, 11, day, 10), who.id),
                             datetime(2026, 11, 15, 9))
        with store.write():
            store.conn.execute("UPDATE booking SET status = 'no_show' WHERE id = ?", (made.id,))
    return Desk(store, ADMIN, fixed_now=NOW)


def closure_shots(app: QApplication, menu: AdminMenu) -> None:
    window = menu.open("closures")
    shoot(window, "office-closures.png", close=False)
    dialog = ClosureDialog(window.view.desk, None, window)
    dialog.fields["scope"].setCurrentIndex(dialog.fields["scope"].findData("res:R06"))
    dialog.start_edit.setDateTime(QDateTime(QDate(2026, 12, 5), QTime(8, 0)))
    dialog.end_edit.setDateTime(QDateTime(QDate(2026, 12, 5), QTime(12, 0)))
    dialog.set_pattern("weekly")
    dialog.fields["reason"].setText("周六早市")
    shoot(dialog, "office-closure-form.png", close=False)

    # Save: the closure meets the bookings of 5 and 19 December; the question, then the list.
    def question() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        shown(box)
        grab(box, "office-closure-hits.png")
        later(100, hits_list)
        next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.ActionRole).click()

    def hits_list() -> None:
        listed = QApplication.activeModalWidget()
        assert isinstance(listed, HitsDialog), listed
        shown(listed)
        grab(listed, "office-closure-hits-list.png")
        later(100, lambda: QApplication.activeModalWidget().button(QMessageBox.StandardButton.No).click())
        listed.accept()

    later(900, question)
    dialog.save.click()
    dialog.close()
    window.close()


def holiday_shots(menu: AdminMenu) -> None:
    window = menu.open("holidays")
    window.view.year_spin.setValue(2026)
    shoot(window, "office-holidays.png", close=False)
    window.view.year_spin.setValue(2027)
    shoot(window, "office-holidays-unknown.png", close=False)
    dialog = HolidayYearDialog(window.view.desk, 2027, window)
    dialog.fields["days_off"].setPlainText("2027-01-01\n2027-02-06..2027-02-13\n2027-04-05")
    dialog.fields["workdays"].setPlainText("2027-02-20")
    shoot(dialog, "office-holiday-year.png")
    window.close()


def settings_shots(menu: AdminMenu) -> None:
    window = menu.open("resources")
    view = window.view
    view.kind_filter.setCurrentIndex(view.kind_filter.findData("room"))
    shoot(window, "office-resources.png")
    window = menu.open("stations")
    shoot(window, "office-stations.png", close=False)
    dialog = StationDialog(window.view.desk, window)
    dialog.fields["name"].setText("西门入口")
    dialog.kind_boxes["parking"].setChecked(True)
    dialog.fields["mode"].setCurrentIndex(dialog.fields["mode"].findData("in"))
    dialog.fields["gate"].setCurrentIndex(dialog.fields["gate"].findData("hikvision"))
    dialog.fields["camera"].setText("192.168.1.64")
    dialog.fields["camera_user"].setText("admin")
    shoot(dialog, "office-station-form.png")
    window.close()
    window = menu.open("tariffs")
    dialog = TariffDialog(window.view.desk, fees.tariff_for_scope(window.view.desk.store, "kind:parking", "visitor"),
                          window)
    shoot(dialog, "office-tariff.png")
    window.close()
    shoot(menu.open("noshow"), "office-noshow.png")
    shoot(menu.open("keys"), "office-keys.png")


def main() -> None:
    app = QApplication(sys.argv[:1])
    if QGuiApplication.platformName() != "xcb":
        sys.exit("Run under a display with a window manager (see this file's docstring), not offscreen.")
    language.apply("zh", remember=False)
    app.setFont(ui_font(BASE_POINT_SIZE))
    theme.apply(app)
    fit.install()  # as the desk window does: every dialog fits the screen
    desk = the_store()
    menu = AdminMenu(desk, None, VIEWS)
    closure_shots(app, menu)
    holiday_shots(menu)
    settings_shots(menu)
    desk.store.close()


if __name__ == "__main__":
    main()
