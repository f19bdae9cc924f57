"""The gates in the window: each car the plate cameras read, live, with the clerk's choices.

`GatePanel` lists the newest gate events (booking/gatehouse/gates.py) with the photo of
the chosen one and, for a refused car, the booking it may be. From the
keyboard: F8 lets the car in by hand (a reason is required and audited), F9
books a visitor space for it now (the window's booking dialog, pre-filled).

`GateHost` serves the cameras from the window when this desk is the one chosen
to (a setting of this PC): booking/gatehouse/gate_server.py's server runs on its own
threads, never the GUI thread, and each event it decides is handed to the GUI
thread by the Qt signal `event_arrived` (a queued connection across threads).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QPixmap
from PySide6.QtWidgets import (QHBoxLayout, QInputDialog, QLabel, QMessageBox,
                               QDockWidget, QPushButton, QVBoxLayout, QWidget)

from booking.gatehouse import gates
from booking.places import stations
from booking.schedule import bookings
from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.gatehouse.gate_server import GateServer, parse_listen
from booking.store.i18n import tr
from ui.desk.fonts import ui_font
from ui.widgets.tables import TextTable, read_only_view
from ui.widgets.storeplace import place_of
from ui.desk.session import Desk, follow

LIMIT = 50
PHOTO_HEIGHT = 220
#: what a car at a gate changes: the gate's record, a scan, and the booking it checks in or out
GATE_EVENT = Changes(gates=True, scans=True, bookings=True)
SETTING_SERVE = "gates/serve"       # QSettings of this PC: does this window serve the cameras?
SETTING_LISTEN = "gates/listen"
DEFAULT_LISTEN = "0.0.0.0:8089"


class GateEventsModel(TextTable):
    """The newest gate events first; holds the event rows, the view owns the selection."""

    COLUMNS = ("uig_gates_col_time", "uig_gates_col_gate", "uig_gates_col_plate", "uig_gates_col_result",
               "uig_gates_col_reason")

    def __init__(self, store: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.events: list[dict[str, Any]] = []
        self.refresh()

    def refresh(self) -> None:
        self.events = gates.events(self._store, LIMIT)
        self.refresh_texts()

    def refresh_texts(self) -> None:
        self._set([self._texts(e) for e in self.events])

    @staticmethod
    def _texts(event: dict[str, Any]) -> tuple[str, ...]:
        if event["offline"]:
            result = tr("uig_gates_replay")
        else:
            result = tr("uig_gates_open") if event["opened"] else tr("uig_gates_shut")
        return (event["at"][5:16], event["station"], event["plate_read"], result, gates.reason_text(event))

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.column() == 3:
            event = self.events[index.row()]
            return QColor("#15803d") if event["opened"] else QColor("#b91c1c")
        return super().data(index, role)


class GatePanel(QWidget):
    """The gate events with the chosen car's photo and the clerk's two choices."""

    #: (plate) the clerk wants a visitor space booked for this car now
    book_visitor_requested = Signal(str)

    def __init__(self, desk: Desk, parent: QWidget | None = None,
                 ask_reason: Callable[[str], str | None] | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        #: asks the clerk for the reason; None when cancelled (tests answer it directly)
        self.ask_reason = ask_reason or self._ask_reason
        self.title = QLabel(self)
        self.model = GateEventsModel(desk.store, self)
        self.table = read_only_view(self.model, self)
        self.photo = QLabel(self)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setMinimumHeight(PHOTO_HEIGHT)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setFont(ui_font(11, True))
        self.title.setFont(ui_font(11, True))
        self.let_in_button = QPushButton(self)
        self.visitor_button = QPushButton(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.let_in_button)
        buttons.addWidget(self.visitor_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.photo)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)

        self.let_in_action = self._action(Qt.Key.Key_F8, self.let_in)
        self.visitor_action = self._action(Qt.Key.Key_F9, self.book_visitor)
        self.let_in_button.clicked.connect(self.let_in)
        self.visitor_button.clicked.connect(self.book_visitor)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_chosen())
        self.model.modelReset.connect(self._select_first)
        follow(desk.changed, self, self.on_changes)
        follow(desk.language_changed, self, lambda _code: self.retranslate())
        self.retranslate()
        self._select_first()

    def _action(self, key: Qt.Key, slot: Callable[[], Any]) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    # --- what it shows -----------------------------------------------------------------------

    def chosen(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.model.events):
            return None
        return self.model.events[rows[0].row()]

    def _select_first(self) -> None:
        if self.model.events:
            self.table.selectRow(0)
        self._show_chosen()

    def _show_chosen(self) -> None:
        event = self.chosen()
        refused = event is not None and not event["opened"] and not event["offline"]
        self.let_in_button.setEnabled(refused)
        self.let_in_action.setEnabled(refused)
        self.visitor_button.setEnabled(refused)
        self.visitor_action.setEnabled(refused)
        if event is None:
            self.photo.clear()
            self.detail.clear()
            return
        data = gates.photo(self.desk.store, event["id"]) if event["has_photo"] else None
        picture = QPixmap()
        if data and picture.loadFromData(data):
            self.photo.setPixmap(picture.scaledToHeight(self.photo.minimumHeight(),  # smaller on a short screen
                                                        Qt.TransformationMode.SmoothTransformation))
        else:
            self.photo.setText(tr("uig_gates_no_photo"))
        lines = [gates.reason_text(event)]  # in the language in use, whichever the event was recorded in
        suggested = event["suggested_id"]
        if suggested:
            booking = bookings.get(self.desk.store, suggested)
            lines.append(tr("uig_gates_suggested", resource=booking.resource, plate=booking.plate or "",
                            door=booking.door, start=booking.start.strftime("%m-%d %H:%M"),
                            end=booking.end.strftime("%m-%d %H:%M")))
        self.detail.setText("\n".join(lines))

    def refresh(self) -> None:
        self.model.refresh()

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.touches(GATE_EVENT):
            self.refresh()

    # --- the clerk's choices -----------------------------------------------------------------

    def _ask_reason(self, prompt: str) -> str | None:
        text, ok = QInputDialog.getText(self, tr("uig_gates_reason_title"), prompt)
        return text if ok else None

    def let_in(self) -> dict[str, Any] | None:
        """Ask for the reason and let the chosen refused car in; a refusal is shown, the event kept."""
        event = self.chosen()
        if event is None or event["opened"]:
            return None
        prompt = tr("uig_gates_reason_prompt", plate=event["plate_read"], gate=event["station"])
        while True:
            reason = self.ask_reason(prompt)
            if reason is None:
                return None
            try:
                done = self._let_in(event["id"], reason)
            except DeskError as exc:
                if exc.field == "reason":  # ask again, saying why
                    prompt = exc.message() + "\n" + tr("uig_gates_reason_prompt", plate=event["plate_read"],
                                                        gate=event["station"])
                    continue
                QMessageBox.warning(self, tr("uig_gates_reason_title"), exc.message())
                return None
            return done

    def _let_in(self, event_id: int, reason: str) -> dict[str, Any]:
        return self.desk.run(lambda: gates.let_in(self.desk.store, self.desk.actor, event_id, reason, self.desk.now()),
                             GATE_EVENT, self)

    def book_visitor(self) -> str | None:
        event = self.chosen()
        if event is None or event["opened"]:
            return None
        plate = event["plate"] or event["plate_read"]
        self.book_visitor_requested.emit(plate)
        return plate

    def retranslate(self) -> None:
        self.title.setText(tr("uig_gates_title"))
        self.let_in_button.setText(tr("uig_gates_let_in"))
        self.visitor_button.setText(tr("uig_gates_visitor"))
        self.model.retranslate()
        self._show_chosen()


class GateHost(QObject):
    """Serves the cameras from the window, off the GUI thread; events come back by a signal."""

    #: an event the server decided (its Decision as JSON, with the station), on the GUI thread
    event_arrived = Signal(object)

    def __init__(self, desk: Desk, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.server: GateServer | None = None
        self.event_arrived.connect(lambda _event: desk.notify(GATE_EVENT, self))

    def start(self, listen: str, now: Callable[[], datetime]) -> str:
        """Start serving on `listen` (HOST:PORT); returns the address it listens on."""
        host, port = parse_listen(listen)
        self.stop()
        # The server thread's emit reaches the GUI thread queued: Qt sees the sender's thread differs.
        self.server = GateServer(place_of(self.desk.store), host, port, now, on_event=self.event_arrived.emit)
        self.server.start()
        host, port = self.server.address
        return f"{host}:{port}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


def has_gates(desk: Desk) -> bool:
    return bool(stations.gates(desk.store))


def gate_clock(desk: Desk) -> Callable[[], datetime]:
    """The server's clock in the window: the desk's fixed clock if it has one, else real time to the second."""
    def now() -> datetime:
        return desk.moment()
    return now


class GateDock(QObject):
    """The gate panel as a dock of the main window, with the setting that makes this window serve the cameras."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.panel = GatePanel(window.desk)
        self.host = GateHost(window.desk, self)
        self.dock = QDockWidget(window)
        self.dock.setObjectName("gateDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.menu_view.insertAction(window.act_refresh, self.dock.toggleViewAction())
        self.serve_action = QAction(window)
        self.serve_action.setCheckable(True)
        self.serve_action.setChecked(_truthy(window.settings.value(SETTING_SERVE, False)))
        self.serve_action.toggled.connect(self._serve_toggled)
        window.menu_view.insertAction(window.act_refresh, self.serve_action)
        self.panel.book_visitor_requested.connect(self.book_visitor)
        follow(window.desk.language_changed, self, lambda _code: self.retranslate())
        self.retranslate()
        if self.serve_action.isChecked() and has_gates(window.desk):
            self.serve()

    def retranslate(self) -> None:
        self.dock.setWindowTitle(tr("uig_gates_title"))
        self.serve_action.setText(tr("uig_gates_serve_action"))

    def _serve_toggled(self, on: bool) -> None:
        self.window.settings.setValue(SETTING_SERVE, on)
        if on:
            self.serve()
        else:
            self.host.stop()

    def serve(self) -> str | None:
        listen = str(self.window.settings.value(SETTING_LISTEN, DEFAULT_LISTEN))
        try:
            address = self.host.start(listen, gate_clock(self.window.desk))
        except (OSError, DeskError) as exc:
            detail = exc.message() if isinstance(exc, DeskError) else (exc.strerror or str(exc))
            self.window.statusBar().showMessage(tr("uig_gates_serve_failed", listen=listen, detail=detail), 30_000)
            return None
        self.window.statusBar().showMessage(tr("uig_gates_serving", listen=address), 15_000)
        return address

    def book_visitor(self, plate: str) -> Any:
        """The window's booking dialog for a visitor's car with this plate, for the clerk to finish."""
        dialog = self.window.new_booking()
        dialog.visitor_box.setChecked(True)
        dialog.plate_box.setEditText(plate)
        return dialog

    def stop(self) -> None:
        self.host.stop()


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def install(window: Any) -> GateDock | None:
    """The gate dock, if any gate is set up (the admin adds gates as stations)."""
    return GateDock(window) if has_gates(window.desk) else None
