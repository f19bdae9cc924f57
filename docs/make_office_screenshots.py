"""Take the office screenshots in docs/ from real widgets (offscreen is enough):

    QT_QPA_PLATFORM=offscreen python docs/make_office_screenshots.py

docs/office-closures.png (the closures list and a weekly closure being built from the form),
docs/office-holidays.png (the 2026 calendar from the package), docs/office-holidays-unknown.png
(a year nobody announced yet), docs/office-resources.png, docs/office-stations.png,
docs/office-tariff.png (a tariff with the preview of a sample night), docs/office-noshow.png and
docs/office-keys.png, in Chinese, from a small store in a temporary folder.
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["LINLI_DATA_DIR"] = tempfile.mkdtemp(prefix="linli-office-shots-")

from PySide6.QtCore import QDate, QDateTime, QTime  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from booking.money import fees
from booking.ops import setup
from booking.people import residents
from booking.places import closures, stations
from booking.schedule import bookings, closure_admin  # noqa: E402
from booking.store.audit import Actor  # noqa: E402
from ui.desk import language  # noqa: E402
from ui.office.admin import ResourcesRulesView, ViewWindow  # noqa: E402
from ui.desk.session import Desk  # noqa: E402
from ui.desk.fonts import ui_font  # noqa: E402
from ui.app.main import BASE_POINT_SIZE  # noqa: E402
from ui.office.closures import ClosureDialog, ClosuresView, HolidaysView  # noqa: E402
from ui.office.settings import KeysSettingsView, NoShowView, StationsView, TariffDialog  # noqa: E402

NOW = datetime(2026, 11, 24, 10, 0)
ADMIN = Actor("王主任", "admin")


def settle(app: QApplication) -> None:
    for _ in range(20):
        app.processEvents()


def save(app: QApplication, widget: QWidget, name: str) -> None:
    widget.show()
    settle(app)
    widget.grab().save(str(ROOT / "docs" / name))
    widget.hide()


def window(view: QWidget, width: int = 900, height: int = 520) -> ViewWindow:
    shown = ViewWindow(view)
    shown.resize(width, height)
    return shown


def main() -> None:
    app = QApplication(sys.argv)
    language.apply("zh", remember=False)
    app.setFont(ui_font(BASE_POINT_SIZE))
    store = setup.open_ready(Path(os.environ["LINLI_DATA_DIR"]) / "shots.sqlite3", now=NOW)
    who = residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    bookings.book(store, ADMIN, bookings.Request("R06", datetime(2026, 12, 5, 9), datetime(2026, 12, 5, 11),
                                                 who.id), NOW)
    closures.add(store, ADMIN, "res:R06", datetime(2026, 12, 12, 8), datetime(2026, 12, 12, 12), "周六早市",
                 "FREQ=WEEKLY;BYDAY=SA;UNTIL=20270130T235959", now=NOW)
    closures.add(store, ADMIN, "kind:room", datetime(2026, 12, 1, 13), datetime(2026, 12, 1, 17), "消毒", now=NOW)
    closure_admin.add_on_holidays(store, ADMIN, "kind:room", "节假日闭馆", date(2026, 1, 1), NOW)
    stations.add(store, ADMIN, "北门道闸", ["parking"], mode="in", now=NOW)
    stations.add(store, ADMIN, "广场门口", [], ["R06", "R07"], now=NOW)
    for day in (18, 20, 22):
        made = bookings.book(store, ADMIN, bookings.Request("R02", datetime(2026, 11, day, 9),
                                                            datetime(2026, 11, day, 10), who.id),
                             datetime(2026, 11, 15, 9))
        with store.write():
            store.conn.execute("UPDATE booking SET status = 'no_show' WHERE id = ?", (made.id,))
    desk = Desk(store, ADMIN, fixed_now=NOW)

    save(app, window(ClosuresView(desk)), "office-closures.png")
    dialog = ClosureDialog(desk)
    dialog.fields["scope"].setCurrentIndex(dialog.fields["scope"].findData("res:R06"))
    dialog.start_edit.setDateTime(QDateTime(QDate(2026, 12, 5), QTime(8, 0)))
    dialog.end_edit.setDateTime(QDateTime(QDate(2026, 12, 5), QTime(12, 0)))
    dialog.set_pattern("weekly")
    dialog.fields["reason"].setText("周六早市")
    save(app, dialog, "office-closure-form.png")
    holidays_view = HolidaysView(desk)
    holidays_view.year_spin.setValue(2026)
    save(app, window(holidays_view, 640, 560), "office-holidays.png")
    holidays_view.year_spin.setValue(2027)
    save(app, window(holidays_view, 640, 300), "office-holidays-unknown.png")
    resources_view = ResourcesRulesView(desk)
    resources_view.kind_filter.setCurrentIndex(resources_view.kind_filter.findData("room"))
    save(app, window(resources_view, 1100, 480), "office-resources.png")
    save(app, window(StationsView(desk), 700, 300), "office-stations.png")
    tariff = TariffDialog(desk, fees.tariff_for_scope(store, "kind:parking", "visitor"))
    save(app, tariff, "office-tariff.png")
    save(app, window(NoShowView(desk), 700, 480), "office-noshow.png")
    save(app, window(KeysSettingsView(desk), 760, 560), "office-keys.png")
    store.close()


if __name__ == "__main__":
    main()
