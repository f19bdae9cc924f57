"""The scan panel of the desk window: a scan field that is always ready, a big
green or red answer, and the last 20 scans.

A USB scanner is a keyboard that types the pass digits and Enter. Three things
keep it from being lost: the field turns the input method off (a Chinese IME
would catch the digits as pinyin), focus comes back to the field after every
scan and whenever the window is activated, and nothing else in the panel takes
focus. The verdict itself is the domain's (`booking.checkin.scanning.scan`); the panel
only shows it, plays the sound and announces the change.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QComboBox, QFrame, QHBoxLayout, QSizePolicy, QLabel,
                               QLineEdit, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget)

from booking.checkin import scanning
from booking.places import stations
from booking.schedule import bookings
from booking.store import audit
from booking.schedule.bookings import Booking
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.checkin.scanning import Verdict
from booking.store.validation import mask_name
from booking.store.changes import Changes
from ui.desk.session import Desk, current_minute, follow
from ui.desk.fonts import mono_font, ui_font
from ui.widgets.keepplace import keep_place
from ui.widgets.sounds import Chime
from ui.widgets.tables import TableModel, read_only_view

RECENT = 20
#: what the recent scans show: each scan, with its booking's space, door and plate
RECENT_SHOWS = Changes(scans=True, bookings=True, residents=True, spaces=True)
#: the banner goes back to "请扫描通行证" this long after a verdict, so an old red answer is not
#: taken for the next resident's
RESET_MS = 8_000
PLAIN_YES = ("scan_check_in", "scan_check_out")

# Colours chosen for white text at WCAG AA contrast (green 5.1:1, red 5.6:1, amber 5.0:1).
GREEN = "#1e7d34"
RED = "#c0262d"
AMBER = "#a35200"
BLUE = "#1f4e9c"  # a check-out: 7.9:1 with white, told apart from a check-in's green
IDLE = "#eef1f4"
BANNER_CSS = f"""
VerdictBanner {{ border-radius: 10px; background: {IDLE}; }}
VerdictBanner QLabel {{ color: #263238; background: transparent; }}
VerdictBanner[verdict="ok"] {{ background: {GREEN}; }}
VerdictBanner[verdict="ok"][direction="out"] {{ background: {BLUE}; }}
VerdictBanner[verdict="refused"] {{ background: {RED}; }}
VerdictBanner[verdict="repeat"], VerdictBanner[verdict="problem"] {{ background: {AMBER}; }}
VerdictBanner[verdict="ok"] QLabel, VerdictBanner[verdict="refused"] QLabel,
VerdictBanner[verdict="repeat"] QLabel, VerdictBanner[verdict="problem"] QLabel {{ color: white; }}
"""


def verdict_kind(verdict: Verdict) -> str:
    """'ok', 'refused' or 'repeat': the banner's dynamic property "verdict"."""
    if verdict.reason_key == "scan_repeat":
        return "repeat"
    return "ok" if verdict.ok else "refused"


def headline(verdict: Verdict) -> str:
    """The one or two words the banner shouts: 已签到, 已签退, 不能通过, 重复扫描."""
    kind = verdict_kind(verdict)
    if kind == "repeat":
        return tr("uis_scan_repeat")
    if not verdict.ok:
        return tr("uis_scan_refused")
    return tr("uis_scan_in" if verdict.action == scanning.CHECK_IN else "uis_scan_out")


def _md(moment: datetime) -> str:
    return tr("uis_md", m=moment.month, d=moment.day)


def window_text(start: datetime, end: datetime, now: datetime) -> str:
    """'19:00–07:30' style, with dates where they are not today: '11月24日 19:00 – 11月25日 07:30'."""
    def one(moment: datetime, anchor: datetime) -> str:
        hm = moment.strftime("%H:%M")
        return hm if moment.date() == anchor.date() else f"{_md(moment)} {hm}"
    first = one(start, now)
    return f"{first} – {one(end, start if start.date() != now.date() else now)}"


def booking_lines(booking: Booking, now: datetime) -> tuple[str, str]:
    """(who, what and when) for the banner; the name masked, the phone left out."""
    who = "  ·  ".join(part for part in (mask_name(booking.resident_name), booking.door, booking.plate) if part)
    name = booking.resource_name
    place = name if booking.resource in name else f"{booking.resource} {name}"  # not "P012 共享车位 P012"
    what = f"{place}  ·  {window_text(booking.start, booking.end, now)}"
    return who, what


class ScanInput(QLineEdit):
    """A line that takes what a scanner types and hands it over on Enter.

    The input method is off (so 0–9 arrive as digits under a Chinese IME) and
    the hints ask virtual keyboards for digits; the text is cleared at once so
    the next pass can follow without a key press.
    """

    scanned = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._no_input_method()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.returnPressed.connect(self._hand_over)

    def _no_input_method(self) -> None:
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhPreferLatin
                                 | Qt.InputMethodHint.ImhLatinOnly | Qt.InputMethodHint.ImhNoPredictiveText
                                 | Qt.InputMethodHint.ImhNoAutoUppercase)

    def focusInEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        # QLineEdit turns the input method back on in some state changes; insist.
        self._no_input_method()
        super().focusInEvent(event)

    def _hand_over(self) -> None:
        text = self.text()
        self.clear()
        if text.strip():
            self.scanned.emit(text)


class VerdictBanner(QFrame):
    """The big answer: a mark and headline, reason, who and what, and the time of the verdict.
    Its colour follows the dynamic property "verdict" ('idle', 'ok', 'refused', 'repeat',
    'problem'); a check-out also sets "direction" to 'out': another colour and mark than a
    check-in, so the two are told apart from across the desk.

    The text is scaled to the banner's box (never the box to the text): the banner never
    widens the window, and on a small screen its lines shrink instead of overlapping."""

    SIZES = (30, 17, 14, 14, 11)  # points: headline, reason, who, what, time

    def __init__(self, scale: float = 1.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictBanner")
        self.setStyleSheet(BANNER_CSS)
        self.scale = scale
        self.mark = QLabel(self)  # ✔ → for a check-in, ← for a check-out, ✘ for a refusal
        self.headline = QLabel(self)
        self.reason = QLabel(self)
        self.who = QLabel(self)
        self.what = QLabel(self)
        self.time = QLabel(self)
        self.labels = (self.headline, self.reason, self.who, self.what, self.time)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(int(18 * scale), int(12 * scale), int(18 * scale), int(14 * scale))
        layout.setSpacing(int(4 * scale))
        layout.addStretch(1)  # the lines stay together in the middle however tall the banner is
        top = QHBoxLayout()
        top.setSpacing(int(8 * scale))
        top.addStretch(1)
        top.addWidget(self.mark)
        top.addWidget(self.headline, 100)
        top.addStretch(1)
        layout.addLayout(top)
        for label, points, bold in zip(self.labels, self.SIZES, (True, True, False, False, False), strict=True):
            label.setFont(ui_font(points * scale, bold))
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            # a long plate or reason wraps and shrinks; it never asks for a wider window
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(1)
            if label is not self.headline:
                layout.addWidget(label)
        self.mark.setFont(ui_font(self.SIZES[0] * scale, True))
        self.mark.setAlignment(Qt.AlignmentFlag.AlignVCenter)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(int(ui_font(self.SIZES[0] * scale).pointSizeF() * 3))
        self.setProperty("verdict", "idle")
        self.setProperty("direction", "")
        self.time.hide()
        self.mark.hide()

    @property
    def verdict(self) -> str:
        return str(self.property("verdict"))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(int(120 * self.scale), self.minimumHeight())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(int(300 * self.scale), int(230 * self.scale))

    def _set(self, kind: str, headline_text: str, reason: str = "", who: str = "", what: str = "",
             mark: str = "", direction: str = "", at: str = "") -> None:
        self.setProperty("verdict", kind)
        self.setProperty("direction", direction)
        self.style().unpolish(self)  # a dynamic property needs a re-polish to restyle
        self.style().polish(self)
        for label in (self.mark, *self.labels):
            self.style().unpolish(label)
            self.style().polish(label)
        self.headline.setText(headline_text)
        for label, text in ((self.mark, mark), (self.reason, reason), (self.who, who), (self.what, what),
                            (self.time, at)):
            label.setText(text)
            label.setVisible(bool(text))
        self.setAccessibleName(" ".join(t for t in (headline_text, reason, who, what, at) if t))
        self.fit_text()

    def fit_text(self) -> None:
        """The largest text (at most the designed size) whose wrapped lines fit the banner's box."""
        layout = self.layout()
        assert layout is not None  # made in __init__
        box = self.contentsRect().marginsRemoved(layout.contentsMargins())
        if box.width() < 10 or box.height() < 10:
            return
        shown = [(label, points) for label, points in zip(self.labels, self.SIZES, strict=True) if label.text()]
        spacing = layout.spacing() * max(0, len(shown) - 1)
        mark_width = QFontMetrics(self.mark.font()).horizontalAdvance(self.mark.text() + " ") if self.mark.text() else 0
        factor = 1.0
        while factor > 0.3:
            height = spacing
            for label, points in shown:
                font = ui_font(points * self.scale * factor, label.font().bold())
                width = box.width() - (mark_width * factor if label is self.headline else 0)
                height += QFontMetrics(font).boundingRect(QRect(0, 0, max(1, int(width)), 100_000),
                                                          int(Qt.TextFlag.TextWordWrap), label.text()).height()
            if height <= box.height():
                break
            factor -= 0.05
        for label, points in zip(self.labels, self.SIZES, strict=True):
            label.setFont(ui_font(points * self.scale * factor, label.font().bold()))
        self.mark.setFont(ui_font(self.SIZES[0] * self.scale * factor, True))
        self.text_factor = factor

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit_text()

    def show_idle(self, prompt: str, hint: str = "") -> None:
        self._set("idle", prompt, hint)

    def show_verdict(self, verdict: Verdict, now: datetime) -> None:
        who, what = booking_lines(verdict.booking, now) if verdict.booking else ("", "")
        # A plain yes needs no sentence: the headline and the booking's lines say it all.
        # Refusals, repeats and a late check-out (minutes over) keep the domain's words.
        reason = "" if verdict.reason_key in PLAIN_YES else verdict.message()
        kind = verdict_kind(verdict)
        out = kind == "ok" and verdict.action != scanning.CHECK_IN
        mark = {"ok": "←" if out else "→", "refused": "✘", "repeat": "↺"}.get(kind, "")
        self._set(kind, headline(verdict), reason, who, what, mark=mark, direction="out" if out else "in",
                  at=tr("uis_scan_at", time=now.strftime("%H:%M:%S")))

    def show_problem(self, message: str) -> None:
        self._set("problem", tr("uis_scan_problem"), message, mark="!")


def scan_time(desk: Desk) -> datetime:
    """The moment to record: the desk's fixed clock if it has one, else real time to the second."""
    return desk.moment()


def run_scan(desk: Desk, text: str, station: str, origin: object | None = None) -> Verdict:
    """Scan `text` at `station` for the signed-in clerk; the desk announces what it changed
    (the verdict says: a check-in or check-out changed its booking, every scan the record)."""
    return desk.run(lambda: scanning.scan(desk.store, desk.actor, text, station, now=scan_time(desk)),
                    origin=origin)


class RecentScansModel(TableModel):
    """The newest scans first (at one station, or everywhere), read from the scan record; the
    result alone is coloured (green in, amber a repeat, red refused)."""

    COLUMNS = ("uis_scan_col_time", "uis_scan_col_result", "uis_scan_col_resource", "uis_scan_col_door",
               "uis_scan_col_plate", "uis_scan_col_reason")
    RESULT = 1  # the coloured column

    def __init__(self, store: Any, station: str | None = None, limit: int = RECENT,
                 parent: QObject | None = None, now: Callable[[], datetime] = current_minute) -> None:
        super().__init__(parent)
        self._store = store
        self._now = now  # the desk's clock: a time of today shows without its date
        self._station = station
        self._limit = limit
        self._rows: list[dict[str, Any]] = []
        self._cells: list[tuple[str, ...]] = []
        self._colours: list[QColor] = []
        self.refresh()

    def refresh(self) -> None:
        """Read the newest scans again; each row's texts are made here once, so painting is cheap."""
        self.beginResetModel()
        self._rows = scanning.recent(self._store, self._station, self._limit)
        cache: dict[int, Booking | None] = {}
        today = self._now().strftime("%Y-%m-%d")
        self._cells = []
        self._colours = []
        for row in self._rows:
            booking_id = row["booking_id"]
            if booking_id is not None and booking_id not in cache:
                try:
                    cache[booking_id] = bookings.get(self._store, booking_id)
                except DeskError:  # never expected: scans keep their booking; show the row anyway
                    cache[booking_id] = None
            booking = row["booking"] = cache.get(booking_id) if booking_id is not None else None
            at = row["at"]
            self._cells.append((
                at[11:19] if at[:10] == today else at[5:16],
                self._result(row),
                booking.resource if booking else "",
                booking.door if booking else "",
                (booking.plate or "") if booking else "",
                audit.stored_text(row["reason_key"], row["reason"], row["reason_params"]),  # in the language in use
            ))
            self._colours.append(QColor(AMBER if row["reason_key"] == "scan_repeat" else GREEN if row["ok"] else RED))
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._rows)

    def value(self, number: int, column: int) -> Any:
        return self._cells[number][column]

    def foreground(self, number: int, column: int) -> QColor | None:
        return self._colours[number] if column == self.RESULT else None

    def row(self, number: int) -> dict[str, Any]:
        return self._rows[number]

    @staticmethod
    def _result(row: dict[str, Any]) -> str:
        if row["reason_key"] == "scan_repeat":
            return tr("uis_scan_result_repeat")
        if not row["ok"]:
            return tr("uis_scan_result_no")
        return tr("uis_scan_result_in" if row["action"] == scanning.CHECK_IN else "uis_scan_result_out")


def _takes_typing(widget: QWidget | None) -> bool:
    """Is the clerk typing into this widget (so the scan field must not take focus from it)?"""
    if isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)):
        return not getattr(widget, "isReadOnly", lambda: False)()
    return isinstance(widget, QComboBox) and widget.isEditable()


class ScanPanel(QWidget):
    """The desk's scan field, its banner and the last 20 scans."""

    scanned = Signal(object)  # the Verdict, for whoever wants to follow up (e.g. open the booking)

    def __init__(self, desk: Desk, station: str = stations.DESK, parent: QWidget | None = None,
                 sound: bool = True) -> None:
        super().__init__(parent)
        self.desk = desk
        self.station = station
        self.last_verdict: Verdict | None = None
        self.chime = Chime(self, enabled=sound)

        self.title = QLabel(self)
        self.title.setFont(ui_font(11, True))
        self.field = ScanInput(self)
        self.field.setFont(mono_font(15))
        self.field.setMinimumHeight(40)
        self.banner = VerdictBanner(parent=self)
        self.recent_title = QLabel(self)
        self.recent_title.setFont(ui_font(10, True))
        self.model = RecentScansModel(desk.store, None, RECENT, self, now=desk.now)
        self.table = read_only_view(self.model, self, single=False, striped=True)
        self.table.setFont(ui_font(10))
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # clicking the list never takes the scanner's keys
        # another desk's scan reads the list again: the clerk's chosen scans and scroll stay (by scan id)
        keep_place(self.table, lambda _model, row: self.model.row(row)["id"])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.field)
        layout.addWidget(self.banner)
        layout.addWidget(self.recent_title)
        layout.addWidget(self.table, 1)

        self.focus_action = QAction(self)
        self.focus_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.focus_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.focus_action.triggered.connect(self.focus_scan)
        self.addAction(self.focus_action)

        self.reset_timer = QTimer(self)
        self.reset_timer.setSingleShot(True)
        self.reset_timer.setInterval(RESET_MS)
        self.reset_timer.timeout.connect(self.show_ready)

        self.field.scanned.connect(self.scan)
        follow(desk.changed, self, self.on_changes)
        follow(desk.language_changed, self, self.retranslate)
        self._watched: QWidget | None = None
        self.retranslate()

    # --- what the panel does --------------------------------------------------------------

    def scan(self, text: str, take_focus: bool = True) -> Verdict | None:
        """Scan `text` as if the scanner had typed it; shows and returns the verdict.

        `take_focus=False` for a pass caught while the clerk was elsewhere (ui.passes.scancatcher):
        the keyboard stays where it was."""
        try:
            verdict = run_scan(self.desk, text, self.station, origin=self)
        except DeskError as exc:  # the store is busy or read-only: say so, keep the field ready
            self.last_verdict = None
            self.banner.show_problem(exc.message())
            self.chime.play(False)
            self.reset_timer.start()
            if take_focus:
                self.focus_scan()
            return None
        self.last_verdict = verdict
        self.banner.show_verdict(verdict, self.desk.now())
        self.reset_timer.start()
        self.chime.play(verdict.ok)
        self.scanned.emit(verdict)
        if take_focus:
            self.focus_scan()
        return verdict

    def show_ready(self) -> None:
        """The banner back at rest: ready for the next pass."""
        self.last_verdict = None
        self.banner.show_idle(tr("uis_scan_ready"), tr("uis_scan_ready_hint"))

    def focus_scan(self) -> None:
        """Give the keyboard back to the scan field."""
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- keeping the field ready ------------------------------------------------------------

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        window = self.window()
        if window is not self._watched:
            if self._watched is not None:
                self._watched.removeEventFilter(self)
            window.installEventFilter(self)
            self._watched = window
        self.focus_scan()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._watched and event.type() == QEvent.Type.WindowActivate:
            self._reclaim_focus()
        return False

    def _reclaim_focus(self) -> None:
        """Back to the scan field unless the clerk is typing somewhere else in this window."""
        if not self.isVisible():
            return
        current = QApplication.focusWidget()
        if current is self.field:
            return
        if current is not None and current.window() is self.window() and _takes_typing(current):
            return
        self.focus_scan()

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.touches(RECENT_SHOWS):
            self.model.refresh()
        if self.window().isActiveWindow():
            self._reclaim_focus()

    def retranslate(self, _language: str = "") -> None:
        self.title.setText(tr("uis_scan_label"))
        self.field.setPlaceholderText(tr("uis_scan_placeholder"))
        self.field.setAccessibleName(tr("uis_scan_label"))
        self.recent_title.setText(tr("uis_scan_recent", n=RECENT))
        self.focus_action.setText(tr("uis_scan_focus"))
        self.focus_action.setToolTip(tr("uis_scan_focus_tip"))
        if self.last_verdict is None:
            self.banner.show_idle(tr("uis_scan_ready"), tr("uis_scan_ready_hint"))
        else:
            verdict = self.last_verdict
            if verdict.booking is not None:  # the resource's name is in the language of the moment
                verdict = Verdict(verdict.ok, verdict.action, verdict.reason_key, verdict.reason,
                                  bookings.get(self.desk.store, verdict.booking.id), verdict.params)
            self.banner.show_verdict(verdict, self.desk.now())
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.model.COLUMNS) - 1)
        self.model.refresh()
