"""The day board: every space and room down the side, the day's hours across, bookings as blocks.

The model holds the resources and, for the chosen day, the blocks of each row,
read with ONE query (`bookings.on_date`) per day change; the delegate paints
from those cached blocks. The filter proxy hides rows by zone, kind, free or
taken at an hour, and by a find text (plate, phone or its last 4, door, code).

This module is the widget (DayBoard: the board with its date heading, filters, find box and
legend); its parts are ui/board/model.py, filter.py, delegate.py and view.py.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from booking.places import holidays
from booking.store.i18n import tr
from booking.store.connection import Store
from ui.widgets.flow import flow_row, pair
from ui.widgets.keepplace import keep_place
from ui.desk.fonts import ui_font
from ui.board.delegate import BoardDelegate, legend_swatch
from ui.board.filter import BoardFilter
from ui.board.model import HOURS, LEGEND_ORDER, BoardModel, day_text, status_text, zone_text
from ui.board.view import BoardView


class DayBoard(QWidget):
    """The board with its date heading, filters, find box and legend."""

    booking_clicked = Signal(int)
    new_booking_requested = Signal(str, object, object)
    day_changed = Signal(object)

    def __init__(self, store: Store, now: Callable[[], datetime], parent: Any = None) -> None:
        super().__init__(parent)
        self._now = now
        self.model = BoardModel(store, now, self)
        self.proxy = BoardFilter(self)
        self.proxy.setSourceModel(self.model)
        self.delegate = BoardDelegate(self)
        self.delegate.watch(self.model)
        self.view = BoardView(self)
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(self.delegate)
        # the spaces read again (an admin's edit at another desk, the server back) keep the chosen
        # hours and the scroll, by each row's code (a group heading by its kind)
        keep_place(self.view, lambda model, row: model.index(row, 0).data(BoardModel.CodeRole)
                   or ("group", model.index(row, 0).data(BoardModel.KindRole)))
        self.view.booking_clicked.connect(self.booking_clicked)
        self.view.new_booking_requested.connect(self.new_booking_requested)

        self.date_label = QLabel()
        self.date_label.setFont(ui_font(16, bold=True))
        self.date_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_label = QLabel()
        nav_box = QWidget()
        self.nav = QHBoxLayout(nav_box)  # the window puts the day's arrows here
        self.nav.setContentsMargins(0, 0, 0, 0)
        self.nav.setSpacing(4)
        heading = flow_row([nav_box, self.date_label, self.count_label], spacing=16)

        self.zone_box = QComboBox()
        self.kind_box = QComboBox()
        self.state_box = QComboBox()
        self.hour_box = QComboBox()
        for box in (self.zone_box, self.kind_box, self.state_box, self.hour_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # "Free and taken" whole
        self.cancelled_box = QCheckBox()
        self.find_label = QLabel()
        self.find_edit = QLineEdit()
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.installEventFilter(self)  # Esc empties it, as in every Windows search field
        self.find_label.setBuddy(self.find_edit)
        self.find_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 16)
        self._zones = sorted({r.resource.zone for r in self.model._rows
                              if r.resource is not None and r.resource.zone},
                             key=lambda z: (len(z) > 2, z))
        # The filters and the legend wrap onto a second line on a narrow screen (1366×768 at
        # 150 %) instead of making the window wider than the screen.
        filters = flow_row([pair(self.find_label, self.find_edit), self.zone_box, self.kind_box, self.state_box,
                            self.hour_box, self.cancelled_box])

        self._legend_labels: list[QLabel] = []
        self.legend_title = QLabel()
        entries: list[QWidget] = [self.legend_title]
        for look in LEGEND_ORDER:
            swatch = QLabel()
            swatch.setPixmap(legend_swatch(look, self.fontMetrics().height()))
            label = QLabel()
            self._legend_labels.append(label)
            entries.append(pair(swatch, label))
        self.legend = flow_row(entries, spacing=14)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(heading)
        layout.addWidget(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)

        self.retranslate()
        self.zone_box.currentIndexChanged.connect(self._apply_filters)
        self.kind_box.currentIndexChanged.connect(self._apply_filters)
        self.state_box.currentIndexChanged.connect(self._apply_filters)
        self.hour_box.currentIndexChanged.connect(self._apply_filters)
        self.find_edit.textChanged.connect(self._apply_filters)
        self.cancelled_box.toggled.connect(self._show_cancelled)
        self.model.day_loaded.connect(self._day_loaded)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self._day_loaded(self.model.day)

    # --- the day -----------------------------------------------------------------------------

    def day(self) -> date:
        return self.model.day

    def set_day(self, day: date) -> None:
        """Show another day (one query); filters, scroll position and selection stay."""
        self.model.set_day(day)
        if self.proxy.occupancy != "any":
            self._apply_filters()

    def go_today(self) -> None:
        self.set_day(self._now().date())

    def go_previous(self) -> None:
        self.set_day(self.day() - timedelta(days=1))

    def go_next(self) -> None:
        self.set_day(self.day() + timedelta(days=1))

    def refresh(self) -> None:
        """Read the day again (after a booking, scan or sweep changed it)."""
        self.model.refresh()
        if self.proxy.occupancy != "any" or self.proxy.text:
            self._apply_filters()

    def reload_resources(self) -> None:
        self.model.load_resources()
        self.model.refresh()

    def tick(self) -> None:
        """Move the now line (each minute)."""
        now = self._now()
        self.delegate.now_minute = now.hour * 60 + now.minute if now.date() == self.day() else None
        self.view.viewport().update()

    def _day_loaded(self, day: date) -> None:
        text = day_text(day)
        if day == self._now().date():
            text += tr("ui_board_today_mark", today=tr("ui_board_today"))
        calendar = holidays.day(self.model._store, day)  # a public holiday or a make-up workday, said beside the date
        if calendar.kind:
            text += "　" + calendar.text()
        self.date_label.setText(text)
        self.tick()
        self.day_changed.emit(day)

    # --- filters -----------------------------------------------------------------------------

    def _apply_filters(self) -> None:
        text = self.find_edit.text()
        self.delegate.find_text = text
        self.proxy.set_filters(zone=self.zone_box.currentData(), kind=self.kind_box.currentData(),
                               occupancy=self.state_box.currentData() or "any",
                               hour=self.hour_box.currentData() if self.hour_box.currentData() is not None else 19,
                               text=text)
        self.hour_box.setEnabled(self.proxy.occupancy != "any")
        self.view.viewport().update()
        self._update_count()

    def _show_cancelled(self, show: bool) -> None:
        self.model.set_show_cancelled(show)
        if self.proxy.text:
            self._apply_filters()

    def _update_count(self) -> None:
        shown = sum(1 for n in range(self.proxy.rowCount())
                    if self.proxy.index(n, 0).data(BoardModel.RowKindRole) == "resource")
        self.count_label.setText(tr("ui_board_shown", shown=shown, total=self.model.resource_count()))

    def focus_find(self) -> None:
        self.find_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_edit.selectAll()

    def filter_state(self) -> dict[str, Any]:
        """What the clerk chose to see (kept in the settings between runs)."""
        return {"zone": self.zone_box.currentData() or "", "kind": self.kind_box.currentData() or "",
                "state": self.state_box.currentData() or "any", "hour": self.hour_box.currentData(),
                "cancelled": self.cancelled_box.isChecked()}

    def restore_filter_state(self, state: dict[str, Any]) -> None:
        def pick(box: QComboBox, value: Any) -> None:
            found = box.findData(value)
            if found >= 0:
                box.setCurrentIndex(found)
        pick(self.zone_box, state.get("zone") or None)
        pick(self.kind_box, state.get("kind") or None)
        pick(self.state_box, state.get("state") or "any")
        try:
            pick(self.hour_box, int(state.get("hour", 19)))
        except (TypeError, ValueError):
            pass
        self.cancelled_box.setChecked(str(state.get("cancelled")).lower() in ("true", "1"))
        self._apply_filters()

    # --- language ------------------------------------------------------------------------------

    def _fill(self, box: QComboBox, items: list[tuple[str, Any]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        for text, data in items:
            box.addItem(text, data)
        found = box.findData(current)
        box.setCurrentIndex(found if found >= 0 else 0)
        box.blockSignals(False)

    def eventFilter(self, watched: Any, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (watched is self.find_edit and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Escape and self.find_edit.text()):
            self.find_edit.clear()
            return True
        return super().eventFilter(watched, event)

    def retranslate(self) -> None:
        self._fill(self.zone_box, [(tr("ui_board_all_zones"), None)] +
                   [(zone_text(z), z) for z in self._zones])
        self._fill(self.kind_box, [(tr("ui_board_all_kinds"), None), (tr("ui_board_kind_parking"), "parking"),
                                   (tr("ui_board_kind_room"), "room")])
        self._fill(self.state_box, [(tr("ui_board_any_state"), "any"), (tr("ui_board_free_at"), "free"),
                                    (tr("ui_board_taken_at"), "taken")])
        if self.hour_box.count() == 0:
            self._fill(self.hour_box, [(tr("ui_board_hour", h=h), h) for h in range(HOURS)])
            self.hour_box.setCurrentIndex(19)
        self.hour_box.setEnabled(self.state_box.currentData() not in (None, "any"))
        self.cancelled_box.setText(tr("ui_board_show_cancelled"))
        self.find_label.setText(tr("ui_board_find"))
        self.find_edit.setPlaceholderText(tr("ui_board_find_hint"))
        # the whole hint in view, and room for the clear button (the row wraps rather than widens)
        self.find_edit.setMinimumWidth(max(self.fontMetrics().horizontalAdvance("M") * 16,
                                           self.find_edit.fontMetrics().horizontalAdvance(tr("ui_board_find_hint"))
                                           + 3 * self.find_edit.fontMetrics().height()))
        self.legend_title.setText(tr("ui_board_legend"))
        for label, look in zip(self._legend_labels, LEGEND_ORDER, strict=True):
            label.setText(status_text(look))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 0)
        self.model.refresh()
        self._day_loaded(self.model.day)
        self._update_count()
