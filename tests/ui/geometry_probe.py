"""Open the desk window and every dialog on one virtual screen, in both languages, and print what
does not fit as JSON. Run by tests/ui/test_geometry.py in a fresh process per screen and scale
(Qt fixes both when the QApplication starts):

    QT_QPA_PLATFORM=offscreen:configfile=screen.json QT_SCALE_FACTOR=1.5 python geometry_probe.py out.json

Dialogs are found three ways, so a new one is covered without editing this file:
1. every entry of every menu of the window is triggered (new office screens under 管理 too);
2. OPENERS lists the dialogs opened from inside other dialogs (details → payment ...);
3. any QDialog subclass in ui/ that neither reached is constructed from the desk directly,
   and one that cannot be is reported as not covered.
"""
from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

import shiboken6  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QSettings, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractScrollArea, QAbstractSpinBox,  # noqa: E402
                               QApplication, QComboBox, QDateTimeEdit, QDialog, QDockWidget, QLabel, QLineEdit,
                               QMainWindow, QPlainTextEdit, QScrollArea, QStyle, QStyleOptionComboBox, QTextEdit,
                               QTimeEdit, QWidget)

NOW = datetime(2026, 11, 24, 10, 0)
#: at 125 % and 150 % Qt rounds logical pixels: a frame flush with the screen's edge may be 1 px over
SLACK = 1
INPUTS = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QTextEdit, QPlainTextEdit)
#: menu entries not opened: leaving, handing over, switching the language (done around the walk)
SKIP_ACTIONS = {"quit", "switchClerk"}


def wait(ms: int = 30) -> None:
    """Let `ms` pass with the events handled, asleep between them (QTest.qWait; for
    tests/ui/test_language_switch.py, which lets the closed dialogs' deleteLater run)."""
    QTest.qWait(ms)


def wait_until(done: Callable[[], bool], limit_ms: int = 3000) -> None:
    timer = QElapsedTimer()
    timer.start()
    while not done() and timer.elapsed() < limit_ms:
        QTest.qWait(1)


def _still(windows: list[QWidget]) -> tuple[Any, ...] | None:
    """What the probe judges of `windows` as it stands, or None while one has the check it runs a
    moment after its fields change still to come (the booking dialog's)."""
    state = []
    for window in windows:
        if not shiboken6.isValid(window) or not window.isVisible():
            continue
        if getattr(window, "check_pending", lambda: False)():
            return None
        state.append((window.frameGeometry().getRect(), window.size().toTuple(),
                      tuple(w.geometry().getRect() for w in window.findChildren(QWidget) if w.isVisible())))
    return tuple(state)


def settle(windows: list[QWidget], limit_ms: int = 3000) -> None:
    """Handle the events until `windows` stand still: laid out (posted events and zero-time
    timers handled), the booking dialog's delayed check answered, and the
    frames and every visible widget where they were one round of events earlier. So the probe
    judges what the clerk sees once it has answered, not the instant between a new sentence and
    the dialog growing for it; and it waits on that, not on fixed pauses (a walk of fixed 20-60 ms
    pauses took 18 s of a core per screen for 7 s of work)."""
    timer = QElapsedTimer()
    timer.start()
    last: tuple[Any, ...] | None = None
    while timer.elapsed() < limit_ms:
        QApplication.sendPostedEvents()
        QApplication.processEvents()
        now = _still(windows)
        if now is not None and now == last:
            return
        last = now
        QTest.qWait(1)


def _clipped_by(widget: QWidget, window: QWidget) -> str | None:
    """The first ancestor that cuts off part of `widget` (a scroll area's content may scroll)."""
    rect = widget.rect()
    child = widget
    while child is not window:
        parent = child.parentWidget()
        if parent is None:
            return None
        rect = rect.translated(child.pos())
        if isinstance(parent.parentWidget(), QAbstractScrollArea) and parent is parent.parentWidget().viewport():
            if isinstance(parent.parentWidget(), QScrollArea):  # scrolls into view: check the area instead
                child = parent.parentWidget()
                rect = child.rect()
                continue
            return None  # an item view's own editors and widgets
        if not parent.rect().contains(rect):
            return f"{type(parent).__name__}:{parent.objectName()}"
        child = parent
    return None


def _combo_cut(combo: QComboBox) -> str | None:
    """The chosen entry does not fit the combo's text field (Qt draws it cut off)."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    needs = combo.fontMetrics().horizontalAdvance(combo.currentText())
    return f"'{combo.currentText()}' needs {needs} px in {field.width()} px" if needs > field.width() + 4 else None


def _name(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, (QAbstractButton, QLabel)):
        text = widget.text()
    elif isinstance(widget, QLineEdit):
        text = widget.placeholderText()
    return f"{type(widget).__name__}:{widget.objectName() or text[:30]}"


def _in_item_view(widget: QWidget, window: QWidget) -> bool:
    """Inside a table (its editors), or in a dock behind another dock's tab (shown when its tab is chosen)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractItemView):
            return True
        if isinstance(parent, QDockWidget) and parent.visibleRegion().isEmpty():
            return True
        parent = parent.parentWidget()
    return False


def check(window: QWidget, where: str) -> list[dict[str, Any]]:
    """What does not fit in `window`: its frame, its buttons and inputs, its labels."""
    found = []

    def bad(what: str, detail: str) -> None:
        found.append({"window": where, "class": type(window).__name__, "what": what, "detail": detail})

    if not window.windowTitle():
        bad("title", "no title: the system would show the file name LinliDesk")
    area = window.screen().availableGeometry()
    frame = window.frameGeometry()
    if not area.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(frame):
        bad("frame", f"{frame.getRect()} outside {area.getRect()}")
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window or _in_item_view(widget, window):
            continue
        if isinstance(widget, QDockWidget) and widget.visibleRegion().isEmpty():
            continue
        if widget.objectName() in ("qt_toolbar_ext_button", "qt_menubar_ext_button"):
            bad("overflow", f"{widget.parentWidget().objectName()} hides entries behind »")
            continue
        # a date is written 2026-12-02 everywhere; a time of day alone (a tariff's hours) is just HH:mm
        if (isinstance(widget, QDateTimeEdit) and not isinstance(widget, QTimeEdit)
                and not widget.displayFormat().startswith("yyyy-MM")):
            bad("date format", f"{_name(widget)} shows {widget.displayFormat()!r}, not 2026-12-02")
        if isinstance(widget, INPUTS):
            if widget.width() < 4 or widget.height() < 4:
                bad("squashed", _name(widget))
            clip = _clipped_by(widget, window)
            if clip:
                bad("clipped", f"{_name(widget)} by {clip}")
            cut = _combo_cut(widget) if isinstance(widget, QComboBox) else None
            if cut:
                bad("combo", f"{_name(widget)} {cut}")
        elif isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
            if isinstance(widget.parentWidget(), QAbstractButton):
                continue
            if widget.wordWrap():
                if widget.height() + 2 < widget.heightForWidth(widget.width()):
                    bad("label", f"{_name(widget)} wraps taller than its {widget.height()} px")
            elif widget.width() + 2 < widget.sizeHint().width():
                bad("label", f"{_name(widget)} {widget.width()} px < {widget.sizeHint().width()} px")
            clip = _clipped_by(widget, window)
            if clip:
                bad("clipped", f"{_name(widget)} by {clip}")
    return found


def top_levels() -> set[int]:
    return {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}


class Walk:
    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.found: list[dict[str, Any]] = []
        self.seen: set[str] = set()
        self.where = ""

    def sweep(self, before: set[int]) -> None:
        """Check and close every window that opened since `before` (modal ones from inside exec())."""
        for _ in range(4):
            fresh = [w for w in QApplication.topLevelWidgets()
                     if w.isVisible() and id(w) not in before and w is not self.window]
            if not fresh:
                return
            settle(fresh)
            for widget in fresh:
                if not shiboken6.isValid(widget) or not widget.isVisible():  # closed and deleted meanwhile
                    continue
                self.seen.add(type(widget).__name__)
                self.found += check(widget, f"{self.where}/{type(widget).__name__}")
                if isinstance(widget, QDialog):
                    widget.reject()
                widget.close()
            settle([self.window])

    def open(self, where: str, opener: Callable[[], Any]) -> Any:
        self.where = where
        before = top_levels()
        swept: list[bool] = []
        returned: list[bool] = []

        def sweep_soon() -> None:
            # fires inside a modal exec() too; until the opener has shown something or returned,
            # it looks again (an opener may handle events before its dialog is shown)
            fresh = [w for w in QApplication.topLevelWidgets()
                     if w.isVisible() and id(w) not in before and w is not self.window]
            if fresh or returned:
                self.sweep(before)
                swept.append(True)
            else:
                QTimer.singleShot(1, sweep_soon)

        QTimer.singleShot(0, sweep_soon)
        try:
            result = opener()
        except Exception as exc:  # noqa: BLE001 - reported, the walk goes on
            self.found.append({"window": where, "class": "", "what": "error", "detail": repr(exc)})
            return None
        finally:
            returned.append(True)
        wait_until(lambda: bool(swept))  # a dialog shown without exec(): until the sweep has seen it
        settle([self.window])
        return result

    def run_and_sweep(self, where: str, opener: Callable[[], Any]) -> None:
        before = top_levels()
        self.open(where, opener)
        self.sweep(before)


def menu_actions(window: QMainWindow) -> list[tuple[str, Any]]:
    found = []

    def walk(menu: Any, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{path}>{action.text()}")
            elif (not action.isSeparator() and action.isEnabled() and not action.isCheckable()
                  and action.objectName() not in SKIP_ACTIONS and action is not window.act_language):
                found.append((f"{path}>{action.text()}", action))

    for action in window.menuBar().actions():
        if action.menu() is not None:
            walk(action.menu(), action.text())
    return found


def dialog_classes() -> list[type]:
    """Every QDialog subclass defined in the ui package."""
    import ui
    classes = []
    for info in pkgutil.walk_packages(ui.__path__, prefix="ui."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, QDialog) and value.__module__ == module.__name__:
                classes.append(value)
    return classes


def construct(cls: type, desk: Any, window: QWidget) -> QDialog | None:
    for args in ((desk, window), (desk,), (window,), ()):
        try:
            return cls(*args)
        except Exception:  # noqa: BLE001 - the next way of constructing it, else not covered
            continue
    return None


def _a_payment(store: Any, actor: Any, booking_id: int) -> int | None:
    from booking.money import ledger
    from booking.store.errors import DeskError
    for amount, method, reason in ((500, "cash", None), (0, "waived", "演示")):
        try:
            return ledger.pay(store, actor, booking_id, amount, method, NOW, reason=reason).id
        except DeskError:
            continue
    return None


def covered(cls: type, seen: set[str]) -> bool:
    """Seen itself, or a base class whose subclasses were seen (FieldForm)."""
    return cls.__name__ in seen or any(covered(sub, seen) for sub in cls.__subclasses__())


class Desktop:
    """A store with a resident, a booking and a payment, and the desk window over it."""

    def __init__(self, tmp: Path) -> None:
        from booking.ops import setup
        from booking.people import residents
        from booking.places import stations
        from booking.schedule import bookings
        from booking.store.audit import Actor
        from booking.schedule.bookings import Request
        from ui.app import backups
        from ui.desk.session import Desk
        from ui.app.mainwindow import MainWindow

        self.store = setup.open_ready(tmp / "desk.sqlite3", now=NOW)
        self.admin = Actor("管理员甲", "admin")
        self.resident = residents.add(self.store, self.admin, "张三丰", "3栋2单元501", "13812345678", "川A12345",
                                      now=NOW)
        self.booking = bookings.book(self.store, self.admin,
                                     Request("P002", datetime(2026, 11, 24, 11, 0), datetime(2026, 11, 24, 18, 0),
                                             self.resident.id), NOW)
        # a plate camera, so the window has its gates dock (ui/gates/panel.py) to check too
        stations.add(self.store, self.admin, "东门入口", gate="vzenith", camera="VZ-IN-01",
                     camera_address="127.0.0.1", mode="in", now=NOW)
        self.desk = Desk(self.store, self.admin, fixed_now=NOW)
        self.csv_path = tmp / "residents.csv"
        self.csv_path.write_text("姓名,门牌,手机,车牌\n李四,5栋1单元302,13987654321,川AD12345\n", encoding="utf-8")
        self.window = MainWindow(self.desk, QSettings(str(tmp / "window.ini"), QSettings.Format.IniFormat),
                                 confirm=lambda *_a: False)
        backups.add_menu_actions(self.window, self.desk)
        self.payment = _a_payment(self.store, self.admin, self.booking.id)

    def openers(self) -> list[tuple[str, Callable[[], Any]]]:
        """The dialogs opened from inside other dialogs, which no menu entry opens directly."""
        from ui.office.residents_view import ResidentEditDialog
        from ui.office.closures import HitsDialog, HolidayYearDialog
        from ui.office.settings import LiftDialog
        from ui.office.import_dialog import ImportDialog
        from ui.money.receipt import ReceiptDialog
        from ui.app.signin import SignInDialog
        from ui.office.store_copy import CopyStoreDialog
        from booking.store import location
        window, desk, booking = self.window, self.desk, self.booking
        found: list[tuple[str, Callable[[], Any]]] = [
            ("booking", window.new_booking),
            ("details", lambda: window.open_details(booking.id)),
            ("pass", lambda: window.show_pass([booking.id])),
            ("payment", lambda: window.open_details(booking.id).take_payment()),
            ("refund", lambda: window.open_details(booking.id).refund_amount()),
            ("signin", lambda: SignInDialog(self.store, desk, window).open()),
            ("resident-edit", lambda: ResidentEditDialog(desk, self.resident, window).open()),
            ("import", lambda: ImportDialog(desk, str(self.csv_path), window).open()),
            ("gate-reason", lambda: window.gates.panel._ask_reason("川A12345")),
            ("gate-visitor", lambda: window.gates.book_visitor("川A12345")),
            # the office screens' dialogs opened from inside their views (管理)
            ("closure-hits", lambda: HitsDialog([booking], window).open()),
            ("holiday-year", lambda: HolidayYearDialog(desk, 2026, window).open()),
            # the store setting's copy screen: nothing connects until its start button is pressed
            ("copy-store", lambda: CopyStoreDialog(desk, Path(self.store.path), location.parse(
                "postgresql://linli_desk@db.guidong.lan:5432/linli?sslmode=verify-full"), window).open()),
            ("lift", lambda: LiftDialog(desk, {"door": self.resident.door, "household_id": 1}, window).open()),
        ]
        if self.payment is not None:
            found.append(("receipt", lambda: ReceiptDialog(desk, self.payment, window).open()))
        return found

    def open_everything(self, walk: Walk, lang: str) -> None:
        """Every menu entry, every opener, then any other dialog class of ui/: each checked and closed."""
        for where, action in menu_actions(self.window):
            walk.run_and_sweep(f"{lang}/{where}", action.trigger)
        for where, opener in self.openers():
            walk.run_and_sweep(f"{lang}/{where}", opener)
        for cls in dialog_classes():
            if cls.__name__ in walk.seen:
                continue
            dialog = construct(cls, self.desk, self.window)
            if dialog is not None:
                walk.run_and_sweep(f"{lang}/{cls.__name__}", dialog.show)


def main(out: str) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="linli-geometry-"))
    os.environ["LINLI_DATA_DIR"] = str(tmp / "appdata")
    os.environ["LINLI_LANG"] = "zh"
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    app = QApplication([sys.argv[0]])

    from ui.desk import language
    from ui.desk.fonts import ui_font
    from ui.app.main import BASE_POINT_SIZE

    app.setFont(ui_font(BASE_POINT_SIZE))
    desktop = Desktop(tmp)
    window = desktop.window
    window.show()
    settle([window])
    walk = Walk(window)
    found: list[dict[str, Any]] = []
    for lang in ("zh", "en"):
        language.apply(lang, desktop.desk, remember=False)
        settle([window])
        found += check(window, f"{lang}/main")
        desktop.open_everything(walk, lang)
        found += walk.found
        walk.found = []
    uncovered = sorted(c.__name__ for c in dialog_classes() if not covered(c, walk.seen))
    Path(out).write_text(json.dumps({"violations": found, "seen": sorted(walk.seen), "uncovered": uncovered,
                                     "screen": app.primaryScreen().availableGeometry().getRect()},
                                    ensure_ascii=False, indent=1), encoding="utf-8")
    window.close()
    desktop.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
