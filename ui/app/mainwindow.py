"""The desk window: the day board in the middle, the scan panel on the right,
menus and a toolbar whose every frequent action has a shortcut.

The window owns the flow between screens: the board asks for a booking or its
details, the window opens the dialog, calls the domain with what the dialog
returns, announces the change on the desk and shows the pass. Views refresh
themselves from `desk.changed`.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QByteArray, QDate, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (QCalendarWidget, QDialog, QDialogButtonBox, QDockWidget, QFrame, QLabel, QMainWindow,
                               QMessageBox, QTextBrowser, QSizePolicy, QStyle, QToolBar, QToolButton, QVBoxLayout,
                               QWidget)

from booking.schedule import bookings, waitlist
from booking.checkin.sweep import sweep
from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.paths import APPLICATION, ORGANIZATION
from ui.app import signin
from ui.desk import language
from ui.gates import panel as gates_ui
from ui.office import admin, screens as office
from ui.reports import printing
from ui.board.day_board import DayBoard
from booking.schedule.quick_times import next_hours, tonight
from ui.bookings.booking_dialog import BookingDialog, BookingPlan
from ui.widgets import fit
from ui.widgets.confirm import confirmer
from ui.desk.live import LiveRefresh
from ui.desk.session import Desk, follow
from ui.bookings.details import DetailsDialog
from ui.bookings.pass_dialog import PassDialog
from ui.money.cashdesk import ShiftReportView
from ui.passes.scan_panel import ScanInput
from ui.passes.scancatcher import ScanCatcher
from ui.reports.heatmap import open_dialog as open_heatmap_dialog
from ui.money.money_views import CreditsView, StatementView, admin_only
from ui.reports.report_views import ExportDialog, SummaryDialog
from ui.passes.scan_panel import ScanPanel
from ui.bookings.waitlist import JoinWaitlist, WaitlistView, call_text, joined_text

log = logging.getLogger("linli.window")

SWEEP_MS = 60_000

#: what the board shows: the day's bookings, with their residents' doors and their passes
BOARD_SHOWS = Changes(bookings=True, residents=True, passes=True)
BOOKED = Changes(bookings=True)


def plain_text(label: str) -> str:
    """A menu label without its mnemonic: "新建预约(&N)…" -> "新建预约", "&New booking…" -> "New booking"."""
    return re.sub(r"\(&.\)", "", label).replace("&", "").rstrip("…").strip()


#: the minute's sweep and waitlist wait at most this long for another program's lock, then try
#: again next minute, so a long lock never freezes the window
BACKGROUND_WAIT_S = 0.2

class CalendarDialog(QDialog):
    """Pick a day: arrows move, Enter goes there."""

    def __init__(self, day: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self.calendar.activated.connect(lambda _d: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.calendar)
        layout.addWidget(buttons)
        self.setWindowTitle(tr("ui_win_calendar_title"))
        self.calendar.setFocus()

    def day(self) -> date:
        d = self.calendar.selectedDate()
        return date(d.year(), d.month(), d.day())


class MainWindow(QMainWindow):
    """The window a duty clerk keeps open all day."""

    # File > Backup… and Restore…, and the watch for another desk's restore: ui/app/backups.py adds them.
    backup_action: QAction
    restore_action: QAction
    restore_watch: QTimer

    def __init__(self, desk: Desk, settings: QSettings | None = None,
                 confirm: Callable[[str, str], bool] | None = None) -> None:
        super().__init__()
        fit.install()  # every dialog from now on fits the screen or scrolls
        self.desk = desk
        self.settings = settings if settings is not None else QSettings(ORGANIZATION, APPLICATION)
        #: asked before anything that cannot be undone (a plain callable: tests answer it directly)
        self.confirm = confirm or confirmer(self)
        self.setObjectName("mainWindow")
        self.booking_dialog: BookingDialog | None = None
        self.details_dialog: DetailsDialog | None = None
        self.pass_dialog: PassDialog | None = None
        self.calendar_dialog: CalendarDialog | None = None
        self.help_dialog: QDialog | None = None
        self.print_preview: QDialog | None = None
        self._today = desk.now().date()
        self._size_docks = False

        self.board = DayBoard(desk.store, desk.now, self)
        self.setCentralWidget(self.board)
        self.board.booking_clicked.connect(self.open_details)
        self.board.new_booking_requested.connect(lambda code, start, end: self.new_booking(code, start, end))
        self.board.day_changed.connect(lambda _day: self._update_title())

        self._make_actions()
        self._make_menus()
        self._make_toolbar()
        self.scan_panel = self._make_scan_dock()
        self.gates = gates_ui.install(self)  # the plate cameras' cars, live, when gates are set up
        if self.gates is not None:
            self._stack_docks_if_short(self.gates)
        self.store_label = QLabel()
        self.reach_label = QLabel()  # "连不上数据服务器…" while the server can't be reached
        self.reach_label.setObjectName("reachLabel")
        self.reach_label.setStyleSheet("color: #b91c1c; font-weight: bold;")
        self.reach_label.setWordWrap(False)
        self.reach_label.hide()
        self.statusBar().addPermanentWidget(self.reach_label)
        self.overstay_label = QLabel()
        self.overstay_label.setStyleSheet("color: #c2410c; font-weight: bold;")
        self.statusBar().addPermanentWidget(self.overstay_label)
        self.statusBar().addPermanentWidget(self.store_label)

        self.waitlist_button = QToolButton(self)  # "候补：2 户待联系" while an offer waits for a call
        self.waitlist_button.setAutoRaise(True)
        self.waitlist_button.setStyleSheet("color: #b45309; font-weight: bold;")
        self.waitlist_button.clicked.connect(self.open_waitlist)
        self.waitlist_button.hide()
        self.statusBar().addPermanentWidget(self.waitlist_button)
        self.tool_windows: dict[str, QDialog] = {}

        self.sweep_timer = QTimer(self)
        self.sweep_timer.setInterval(SWEEP_MS)
        self.sweep_timer.timeout.connect(self.minute)
        self.sweep_timer.start()

        follow(desk.changed, self, self.on_changes)
        follow(desk.language_changed, self, lambda _code: self.retranslate())
        # other desks' and programs' writes, and the server going away and coming back
        self.live = LiveRefresh(desk, self)
        self.live.reach_changed.connect(self.show_reach)
        self._gone_at = ""
        self.retranslate()
        self.restore_settings()
        self.minute()

    # --- building -------------------------------------------------------------------------------

    def _action(self, name: str, keys: QKeySequence | str | QKeySequence.StandardKey | None,
                slot: Callable[..., Any], icon: QStyle.StandardPixmap | None = None) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        if keys is not None:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        sp = QStyle.StandardPixmap
        # Only the arrows get icons: the style's other stock icons say nothing a word does not say better.
        self.act_new = self._action("new", "Ctrl+N", self.new_booking)
        self.act_today = self._action("today", "Ctrl+T", self.board.go_today)
        self.act_previous = self._action("previous", "Alt+Left", self.board.go_previous, sp.SP_ArrowLeft)
        self.act_next = self._action("next", "Alt+Right", self.board.go_next, sp.SP_ArrowRight)
        self.act_calendar = self._action("calendar", "Ctrl+G", self.open_calendar)
        self.act_find = self._action("find", "Ctrl+F", self.board.focus_find)
        self.act_print = self._action("print", "Ctrl+P", self.print_sheet)
        self.act_refresh = self._action("refresh", "F5", self.refresh)
        self.act_quit = self._action("quit", "Ctrl+Q", self.close)
        self.act_help = self._action("help", "F1", self.show_help)
        self.act_about = self._action("about", None, self.show_about)
        self.act_cancelled = QAction(self)
        self.act_cancelled.setCheckable(True)
        self.act_cancelled.toggled.connect(self.board.cancelled_box.setChecked)
        self.board.cancelled_box.toggled.connect(self.act_cancelled.setChecked)
        self.act_language = language.switch_action(self.desk, self)

    def _make_menus(self) -> None:
        bar = self.menuBar()
        self.menu_file = bar.addMenu("")
        self.menu_file.addAction(self.act_print)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_quit)
        self.menu_booking = bar.addMenu("")
        self.menu_booking.addAction(self.act_new)
        self.menu_booking.addAction(self.act_find)
        self.menu_view = bar.addMenu("")
        for action in (self.act_today, self.act_previous, self.act_next, self.act_calendar):
            self.menu_view.addAction(action)
        self.menu_view.addSeparator()
        self.menu_view.addAction(self.act_refresh)
        self.menu_view.addAction(self.act_cancelled)
        self.menu_view.addSeparator()
        self.menu_view.addAction(self.act_language)
        # residents, spaces and rules, clerks, audit log, scan station; and the office's screens:
        # closures, holidays, tariffs, no-shows, stations, pass key
        self.admin_menu = admin.AdminMenu(self.desk, self, office.VIEWS)
        bar.addMenu(self.admin_menu.menu)
        # the shift hand-over: the next clerk signs in
        self.act_switch_clerk = self._action("switchClerk", "Ctrl+L", self.switch_clerk)
        self.menu_file.insertAction(self.act_quit, self.act_switch_clerk)
        self.menu_file.insertSeparator(self.act_quit)
        self._make_office_menus(bar)
        self.menu_help = bar.addMenu("")
        self.menu_help.addAction(self.act_help)
        self.menu_help.addAction(self.act_about)

    def _make_office_menus(self, bar: Any) -> None:
        """The waitlist under Booking; the cash desk and the office's money; the usage reports."""
        self.act_waitlist = self._action("waitlist", "F7", self.open_waitlist)
        self.menu_booking.addSeparator()
        self.menu_booking.addAction(self.act_waitlist)
        self.act_shift = self._action("shiftReport", None, self.open_shift_report)
        self.act_statement = self._action("statement", None, self.open_statement)
        self.act_credits = self._action("credits", None, self.open_credits)
        self.menu_money = bar.addMenu("")
        for action in (self.act_shift, self.act_credits, self.act_statement):
            self.menu_money.addAction(action)
        self.act_heatmap = self._action("heatmap", None, self.open_heatmap)
        self.act_summary = self._action("summary", None, self.open_summary)
        self.act_export = self._action("export", None, self.open_export)
        self.menu_reports = bar.addMenu("")
        for action in (self.act_heatmap, self.act_summary, self.act_export):
            self.menu_reports.addAction(action)

    def _update_permissions(self) -> None:
        """The monthly statement is the office's: disabled for a clerk, with the reason as its tooltip."""
        refusal = admin_only(self.desk, "uig_win_statement_what")
        self.act_statement.setEnabled(refusal is None)
        tip = refusal or plain_text(tr("uig_win_statement"))
        self.act_statement.setToolTip(tip)
        self.act_statement.setStatusTip(refusal or "")

    def _make_toolbar(self) -> None:
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addAction(self.act_new)
        self.toolbar.addSeparator()
        for action in (self.act_previous, self.act_today, self.act_next, self.act_calendar):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_find)
        self.toolbar.addAction(self.act_print)
        spacer = QWidget()  # English one click away, at the far right
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.toolbar.addAction(self.act_language)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        # The day's arrows also sit beside the date on the board, where the eye is.
        for action in (self.act_previous, self.act_today, self.act_next):
            button = QToolButton(self.board)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly if action is not self.act_today
                                      else Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setAutoRaise(True)
            self.board.nav.addWidget(button)

    def _make_scan_dock(self) -> ScanPanel:
        panel = ScanPanel(self.desk)
        dock = QDockWidget(self)
        dock.setObjectName("scanDock")
        dock.setWidget(panel)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable |
                         QDockWidget.DockWidgetFeature.DockWidgetFloatable |
                         QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.scan_dock = dock
        toggle = dock.toggleViewAction()
        toggle.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.menu_view.insertAction(self.act_refresh, toggle)
        # the scan's Changes refresh the board (on_changes), once
        # a pass scanned while the focus is in the find box, a filter or a dialog is still a scan
        self.scan_catcher = ScanCatcher(self, lambda text: panel.scan(text, take_focus=False),
                                        lambda widget: isinstance(widget, ScanInput))
        return panel

    def _stack_docks_if_short(self, gates: gates_ui.GateDock) -> None:
        """On a screen too short for the scan panel and the gate panel one above the other (1366×768
        at 150 %), the gate panel becomes a tab behind the scan panel: scans come first."""
        scan_dock = self.findChild(QDockWidget, "scanDock")
        if scan_dock is None:
            return
        dock = gates.dock
        chrome = sum(w.sizeHint().height() for w in (self.menuBar(), self.statusBar(), *self.findChildren(QToolBar)))
        need = scan_dock.minimumSizeHint().height() + dock.minimumSizeHint().height() + chrome
        if need > fit.room(self).height():
            self.tabifyDockWidget(scan_dock, dock)
            scan_dock.raise_()
            gates.panel.photo.setMinimumHeight(gates_ui.PHOTO_HEIGHT // 2)  # the camera's picture, smaller

    # --- the day, the minute and what changed -------------------------------------------------------

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        """The board shows the day's bookings (with their residents and passes) on the spaces."""
        if changes.signed_in:
            self._update_permissions()
        if changes.waitlist and origin is not self:  # the minute's own run shows its calls itself
            self.show_calls(waitlist.to_call(self.desk.store, self.desk.now()))
        if changes.spaces:
            self.board.reload_resources()
        elif changes.touches(BOARD_SHOWS):
            self.board.refresh()

    def refresh(self) -> None:
        self.board.reload_resources()

    def show_reach(self, problem: object) -> None:
        """The server gone (`problem`, a DeskError) or back (None), in the status bar, in plain words.
        While gone the views keep what they last read, and every write is refused with the reason."""
        if problem is not None:
            self._gone_at = f"{self.desk.moment():%H:%M}"
            self.reach_label.setText(tr("ui_win_server_gone", at=self._gone_at))
            self.reach_label.setToolTip(problem.message() if isinstance(problem, DeskError) else "")
            self.reach_label.show()
            log.warning("store gone: %s", problem)
        else:
            self.reach_label.hide()
            self.statusBar().showMessage(tr("ui_win_server_back"), 30_000)
            log.info("store back")

    def minute(self) -> None:
        """Every minute: mark no-shows (the domain's sweep), count overstays, move the now line,
        and follow the date at midnight if the board was showing today."""
        now = self.desk.now()
        if now.date() != self._today:
            if self.board.day() == self._today:
                self.board.set_day(now.date())
            self._today = now.date()
        try:
            with self.desk.store.patience(BACKGROUND_WAIT_S):
                # never ahead of the real clock: a window opened with a fixed clock in the future
                # must not mark real bookings as no-shows for good
                result = self.desk.run(lambda: sweep(self.desk.store, self.desk.sweep_now()), origin=self)
        except DeskError as exc:  # the store is busy in another desk: try again next minute
            log.warning("sweep skipped: %s", exc.message("en"))
            result = None
        if result is not None:
            if result.no_shows:
                self.statusBar().showMessage(tr("ui_win_no_shows", n=len(result.no_shows)), 30_000)
            over = len(result.overstays)
            self.overstay_label.setText(tr("ui_win_overstays", n=over) if over else "")
        self.process_waitlist(now)
        self.board.tick()

    def process_waitlist(self, now: datetime) -> waitlist.Processed | None:
        """After the sweep: expire old offers and offer what is free to the first household waiting
        (booking.schedule.waitlist.process); say whom to call, in the status bar and its indicator."""
        try:
            with self.desk.store.patience(BACKGROUND_WAIT_S):
                result = self.desk.run(lambda: waitlist.process(self.desk.store, now), origin=self)
        except DeskError as exc:  # the store is busy in another desk: next minute
            log.warning("waitlist skipped: %s", exc.message("en"))
            return None
        if result.calls:
            self.statusBar().showMessage(tr("uig_wait_offered_now", n=len(result.calls),
                                            calls="；".join(call_text(c) for c in result.calls)), 120_000)
        self.show_calls(result.open_offers)
        return result

    def show_calls(self, calls: list[waitlist.Call]) -> None:
        """The status bar's waitlist indicator: how many households to phone (hidden when none)."""
        self.waitlist_button.setText(tr("uig_wait_indicator", n=len(calls)))
        self.waitlist_button.setToolTip(tr("uig_wait_indicator_tip", calls="；".join(call_text(c) for c in calls)))
        self.waitlist_button.setVisible(bool(calls))

    def open_calendar(self) -> None:
        dialog = CalendarDialog(self.board.day(), self)
        dialog.accepted.connect(lambda: self.board.set_day(dialog.day()))
        self.calendar_dialog = dialog
        dialog.open()

    # --- booking ----------------------------------------------------------------------------------

    def new_booking(self, resource: str | None = None, start: datetime | None = None,
                    end: datetime | None = None) -> BookingDialog:
        """Open the booking dialog (pre-filled from the board when a cell was chosen)."""
        now = self.desk.now()
        if start is None or end is None:
            day = self.board.day()
            start, end = tonight(day, now) if day > now.date() else next_hours(now)
        dialog = BookingDialog(self.desk, resource, start, end, parent=self)
        dialog.submitted.connect(lambda plan: self.save_booking(dialog, plan))
        self.join_waitlist = JoinWaitlist(dialog, self.desk)  # offered when nothing fitting is free
        self.join_waitlist.joined.connect(lambda entry: self.statusBar().showMessage(joined_text(entry), 15_000))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.booking_dialog = dialog
        dialog.open()
        dialog.find_edit.setFocus()
        return dialog

    def save_booking(self, dialog: BookingDialog, plan: BookingPlan) -> list[int]:
        """Book what the dialog asked for; a refusal goes back to the dialog, which stays open."""
        try:
            if plan.rule:
                rule = plan.rule
                result = self.desk.run(lambda: bookings.book_series(
                    self.desk.store, self.desk.actor, plan.request, rule, self.desk.now(),
                    skip_clashes=plan.skip_clashes, skip_holidays=plan.skip_holidays, workdays=plan.workdays),
                    BOOKED, self)
                ids = [b.id for b in result.bookings]
                message = tr("ui_win_saved_series", n=len(ids), skipped=len(result.skipped))
            else:
                booking = self.desk.run(lambda: bookings.book(self.desk.store, self.desk.actor, plan.request,
                                                              self.desk.now()), BOOKED, self)
                ids = [booking.id]
                message = tr("ui_win_saved", ids=booking.id)
        except DeskError as exc:
            dialog.show_error(exc)
            return []
        dialog.finish()
        self.statusBar().showMessage(message, 15_000)
        self.show_pass(ids)
        return ids

    def show_pass(self, booking_ids: list[int] | int) -> PassDialog | None:
        ids = [booking_ids] if isinstance(booking_ids, int) else list(booking_ids)
        if not ids:
            return None
        try:
            dialog = PassDialog(self.desk, ids, self)
        except DeskError as exc:
            QMessageBox.warning(self, tr("ui_passview_title", id=ids[0]), exc.message())
            return None
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.pass_dialog = dialog
        dialog.open()
        return dialog

    def open_details(self, booking_id: int) -> DetailsDialog:
        dialog = DetailsDialog(self.desk, booking_id, confirm=self.confirm, parent=self)
        dialog.show_pass.connect(self.show_pass)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.details_dialog = dialog
        dialog.open()
        return dialog

    def switch_clerk(self) -> None:
        """Hand the desk to the next clerk: they sign in, and every later change carries their name."""
        actor = signin.sign_in(self.desk.store, self.desk, self)
        if actor is None:
            return
        self.desk.take_over(actor)  # a clerk taking over a desk with a fixed clock gets the real one
        self.admin_menu.update_permissions()
        self._update_title()
        self.desk.notify(Changes(signed_in=True), self)

    # --- the waitlist, money and reports -------------------------------------------------------------

    def _tool(self, name: str, make: Callable[[], QWidget]) -> QDialog:
        """A non-modal window around a view (reused while open, so a second click raises it)."""
        window = self.tool_windows.get(name)
        if window is None:
            view = make()
            window = QDialog(self)
            window.setObjectName(f"{name}Window")
            window.setWindowTitle(view.windowTitle())
            view.windowTitleChanged.connect(window.setWindowTitle)
            QVBoxLayout(window).addWidget(view)
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            window.destroyed.connect(lambda _obj=None, key=name: self.tool_windows.pop(key, None))
            window.resize(1000, 640)
            window.view = view  # type: ignore[attr-defined]
            self.tool_windows[name] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_waitlist(self) -> QDialog:
        def make() -> QWidget:
            view = WaitlistView(self.desk, self.confirm)
            view.booked.connect(self.show_pass)
            return view
        return self._tool("waitlist", make)

    def open_shift_report(self) -> QDialog:
        return self._tool("shift", lambda: ShiftReportView(self.desk))

    def open_statement(self) -> QDialog | None:
        if not self.desk.actor.is_admin:
            return None
        return self._tool("statement", lambda: StatementView(self.desk, self.confirm))

    def open_credits(self) -> QDialog:
        return self._tool("credits", lambda: CreditsView(self.desk))

    def open_heatmap(self) -> QDialog:
        return open_heatmap_dialog(self.desk, self)

    def open_summary(self) -> QDialog:
        dialog = SummaryDialog(self.desk, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.show()
        return dialog

    def open_export(self) -> QDialog:
        dialog = ExportDialog(self.desk, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        return dialog

    # --- printing, help ----------------------------------------------------------------------------

    def print_sheet(self) -> None:
        """The print preview of the board's day (ui.reports.printing), with Qt's Print button."""
        try:
            self.print_preview = printing.preview_sheet(self.desk, self.board.day(), self)
        except DeskError as exc:
            QMessageBox.warning(self, plain_text(tr("ui_win_print")), exc.message())

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """Every action with a shortcut, as the help page lists them."""
        rows = []
        for action in self.findChildren(QAction):
            if not action.shortcut().isEmpty() and action.text():
                rows.append((plain_text(action.text()),
                             action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)))
        return sorted(set(rows), key=lambda r: r[1])

    def show_help(self) -> None:
        rows = "".join(f"<tr><td style='padding:3px 16px 3px 0'>{a}</td><td><b>{k}</b></td></tr>"
                       for a, k in self.shortcut_rows())
        html = (f"<p>{tr('ui_win_help_intro')}</p><table>"
                f"<tr><th align=left>{tr('ui_win_col_action')}</th><th align=left>{tr('ui_win_col_keys')}</th></tr>"
                f"{rows}</table><p>{tr('ui_win_help_board')}</p><p>{tr('ui_win_help_dialog')}</p>")
        dialog = QDialog(self)
        dialog.setWindowTitle(tr("ui_win_help_title"))
        text = QTextBrowser()  # scrolls on a small screen; the Close button stays below it
        text.setHtml(html)
        text.setFrameShape(QFrame.Shape.NoFrame)
        text.setMinimumSize(text.fontMetrics().horizontalAdvance("M") * 30, text.fontMetrics().height() * 8)
        document = text.document()
        document.setTextWidth(text.fontMetrics().horizontalAdvance("M") * 40)
        text.resize(int(document.idealWidth()) + 24, int(document.size().height()) + 24)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(text)
        layout.addWidget(buttons)
        dialog.resize(text.size().width() + 24, text.size().height() + buttons.sizeHint().height() + 36)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.help_dialog = dialog
        dialog.open()

    def show_about(self) -> None:
        QMessageBox.about(self, tr("ui_win_about").replace("&", ""),
                          tr("ui_win_about_text", path=self.desk.store.path))

    # --- settings ---------------------------------------------------------------------------------

    def restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
            fit.bring_on_screen(self)  # remembered on a monitor that may be gone
        else:
            fit.place_first_window(self)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        else:
            self._size_docks = True
        view = self.settings.value("window/view")
        if isinstance(view, dict):
            self.board.restore_filter_state(view)

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/view", self.board.filter_state())
        self.settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._size_docks:
            # First start: the scan panel wide enough for its banner and the last scans' columns.
            self._size_docks = False
            width = self.fontMetrics().horizontalAdvance("M") * 36
            QTimer.singleShot(0, lambda: self.resizeDocks([self.scan_dock], [width], Qt.Orientation.Horizontal))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.sweep_timer.stop()
        self.live.stop()
        if self.gates is not None:
            self.gates.stop()
        super().closeEvent(event)

    # --- language ---------------------------------------------------------------------------------

    def _update_title(self) -> None:
        role = tr("ui_win_role_admin" if self.desk.actor.is_admin else "ui_win_role_clerk")
        self.setWindowTitle(tr("ui_win_title", who=tr("ui_win_who", name=self.desk.actor.name, role=role)))

    def retranslate(self) -> None:
        self._update_title()
        self.menu_file.setTitle(tr("ui_win_menu_file"))
        self.menu_booking.setTitle(tr("ui_win_menu_booking"))
        self.menu_view.setTitle(tr("ui_win_menu_view"))
        self.menu_help.setTitle(tr("ui_win_menu_help"))
        self.menu_money.setTitle(tr("uig_win_menu_money"))
        self.menu_reports.setTitle(tr("uig_win_menu_reports"))
        self.toolbar.setWindowTitle(tr("ui_win_toolbar"))
        texts = {self.act_new: "ui_win_new", self.act_today: "ui_win_today", self.act_previous: "ui_win_previous",
                 self.act_next: "ui_win_next", self.act_calendar: "ui_win_calendar", self.act_find: "ui_win_find",
                 self.act_print: "ui_win_print", self.act_refresh: "ui_win_refresh", self.act_quit: "ui_win_quit",
                 self.act_help: "ui_win_help", self.act_about: "ui_win_about",
                 self.act_switch_clerk: "ui_win_switch_clerk",
                 self.act_cancelled: "ui_win_show_cancelled",
                 self.act_waitlist: "uig_win_waitlist", self.act_shift: "uig_win_shift",
                 self.act_statement: "uig_win_statement", self.act_credits: "uig_win_credits",
                 self.act_heatmap: "uig_win_heatmap", self.act_summary: "uig_win_summary",
                 self.act_export: "uig_win_export"}
        for action, key in texts.items():
            action.setText(tr(key))
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            tip = plain_text(tr(key))
            action.setToolTip(f"{tip} ({keys})" if keys else tip)
        self.scan_dock.setWindowTitle(tr("ui_win_scan_panel"))
        self.store_label.setText(tr("ui_win_store", path=self.desk.store.path))
        if self.live.gone is not None:
            self.reach_label.setText(tr("ui_win_server_gone", at=self._gone_at))
        self._update_permissions()
        if not self.waitlist_button.isHidden():
            self.show_calls(waitlist.to_call(self.desk.store, self.desk.now()))
        self.board.retranslate()
