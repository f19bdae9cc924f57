"""The office's settings screens: scan stations, tariffs (with a preview of a sample booking's
charge), the no-show consequences and restricted households, and the pass key with the
time-bank rate and the waitlist's offer time. Each applies the domain's checks beside the field.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateTimeEdit, QFormLayout, QGroupBox, QHBoxLayout,
                               QInputDialog, QLabel, QLineEdit, QPushButton, QSpinBox, QTimeEdit, QVBoxLayout, QWidget)

from booking.checkin import passes
from booking.gatehouse import gate_camera
from booking.money import credits, fees
from booking.places import stations
from booking.policy import restrictions
from booking.schedule import waitlist
from booking.store.changes import Changes
from booking.store.errors import DeskError, invalid
from booking.store.i18n import tr
from booking.places.inventory import KINDS
from ui.office.base import REFUSED, FieldForm, _selected_row, _View, fit_columns
from ui.office.admin_models import scope_text
from ui.widgets.fieldmessages import FieldMessages
from ui.widgets.tables import read_only_view
from ui.office.closures import _from_qdt, _to_qdt
from ui.office.common import RowsModel, choose, fit_to_content, scope_box
from ui.widgets.confirm import confirmer
from ui.desk.session import Desk

#: the no-show rules and the households restricted by them (after the no-shows bookings and scans make)
RESTRICTIONS_SHOW = Changes(rules=True, restrictions=True, bookings=True, scans=True)


def _station_rows(store: Any) -> list[dict[str, Any]]:
    """Every station's fields as its to_json gives them (so new fields show without a change here)."""
    out = []
    for station in stations.all_stations(store):
        data = station.to_json()
        desk = station.name == stations.DESK
        camera = " · ".join(p for p in (data.get("gate_text"), data.get("camera"), data.get("camera_address")) if p)
        out.append({**data, "uio_col_station": tr("uio_station_desk") if desk else data["name"],
                    "uio_col_takes": data.get("takes", ""), "uio_col_mode": data.get("mode_text", ""),
                    "uio_col_gate": camera, "_grey": desk})
    return out


class StationDialog(FieldForm):
    """A new scan station: name, what it takes (kinds and codes) and whether it checks in, out or both."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(tr("uio_station_title"), parent)
        self.desk = desk
        self.saved: stations.Station | None = None
        self.add_field("name", tr("uio_field_station_name"), QLineEdit(self))
        kinds = QWidget(self)
        row = QHBoxLayout(kinds)
        row.setContentsMargins(0, 0, 0, 0)
        self.kind_boxes = {kind: QCheckBox(tr(f"kind_{kind}"), kinds) for kind in KINDS}
        for box in self.kind_boxes.values():
            row.addWidget(box)
        row.addStretch(1)
        self.add_field("kinds", tr("uio_field_kinds"), kinds)
        self.add_field("resources", tr("uio_field_resources"), QLineEdit(self)).setPlaceholderText("R01, R02")
        mode = QComboBox(self)
        for value in stations.MODES:
            mode.addItem(tr(f"station_mode_{value}"), value)
        self.add_field("mode", tr("uio_field_mode"), mode)
        gate = QComboBox(self)
        gate.addItem(tr("uio_gate_none"), None)
        for value in ("vzenith", "hikvision"):
            gate.addItem(tr(f"uio_gate_{value}"), value)
        self.add_field("gate", tr("uio_field_gate"), gate)
        self.add_field("camera", tr("uio_field_camera"), QLineEdit(self)).setPlaceholderText(
            "VZ-IN-01 / 192.168.1.64")
        self.add_field("camera_user", tr("uio_field_camera_user"), QLineEdit(self)).setPlaceholderText("admin")
        self.add_field("camera_address", tr("uio_field_camera_address"), QLineEdit(self)).setPlaceholderText(
            "192.168.1.20")
        gate.currentIndexChanged.connect(lambda _i: self._gate_changed())
        self._gate_changed()
        self.note.setText(tr("uio_resources_hint"))
        self.note.show()
        fit_to_content(self)

    def _gate_changed(self) -> None:
        """A camera's serial or address for a gate only; the account for a Hikvision camera, the IP
        address for a Vzenith one."""
        gate = self.fields["gate"].currentData()  # type: ignore[attr-defined]
        self.fields["camera"].setEnabled(gate is not None)
        self.fields["camera_user"].setEnabled(gate == "hikvision")
        self.fields["camera_address"].setEnabled(gate == "vzenith")

    def save_changes(self) -> None:
        codes = [c.strip() for c in self.fields["resources"].text().replace("，", ",").split(",")  # type: ignore
                 if c.strip()]
        kinds = [k for k, box in self.kind_boxes.items() if box.isChecked()]
        try:
            self.saved = self.desk.run(lambda: stations.add(
                self.desk.store, self.desk.actor, self.fields["name"].text(),  # type: ignore
                kinds, codes, self.fields["mode"].currentData(),  # type: ignore
                gate=self.fields["gate"].currentData(),  # type: ignore
                camera=self.fields["camera"].text().strip() or None,  # type: ignore
                camera_user=self.fields["camera_user"].text().strip() or None,  # type: ignore
                camera_address=self.fields["camera_address"].text(),  # type: ignore
                now=self.desk.now()), Changes(stations=True), self)
        except DeskError as exc:
            if exc.key == "res_not_found":
                exc.field = "resources"
            raise


class StationsView(_View):
    """The scan stations: the desk (always there) and those the admin set up; add or remove."""

    VIEW_KEY = "uio_view_stations"
    TEXTS = {"add_button": "uio_add", "remove_button": "uio_remove", "password_button": "uio_camera_password"}
    REFRESH_ON = Changes(stations=True, spaces=True)

    def build(self) -> None:
        self.confirm = confirmer(self)
        self.model = RowsModel(("uio_col_station", "uio_col_takes", "uio_col_mode", "uio_col_gate"),
                               lambda: _station_rows(self.desk.store), self)
        self.add_button, self.remove_button = self.button(self.add_station), self.button(self.remove_station)
        self.password_button = self.button(self.set_camera_password)
        self.list_with_buttons(self.model, self.add_button, self.remove_button, self.password_button)

    def update_buttons(self) -> None:
        row = _selected_row(self.table)
        self.remove_button.setEnabled(row is not None and self.model.row(row)["name"] != stations.DESK)
        self.password_button.setEnabled(row is not None and self.model.row(row).get("gate") == "hikvision")

    def set_camera_password(self, password: str | None = None) -> bool:
        """Keep a Hikvision gate camera's password in the OS credential store (as `gate password`)."""
        row = _selected_row(self.table)
        if row is None:
            return False
        name = self.model.row(row)["name"]
        if password is None:
            password, ok = QInputDialog.getText(self, tr("uio_camera_password_title"),
                                                tr("uio_camera_password_text", name=name), QLineEdit.EchoMode.Password)
            if not ok:
                return False
        done = self.attempt(lambda: gate_camera.set_password(stations.get(self.desk.store, name), password))
        return done is not REFUSED

    def add_station(self) -> stations.Station | None:
        return StationDialog(self.desk, self).saved_on_accept()

    def remove_station(self) -> str | None:
        row = _selected_row(self.table)
        if row is None:
            return None
        name = self.model.row(row)["name"]
        if not self.confirm(tr("uio_station_remove_title"), tr("uio_station_remove_text", name=name)):
            return None
        if self.attempt(lambda: stations.remove(self.desk.store, self.desk.actor, name, now=self.desk.now()),
                        Changes(stations=True)) is REFUSED:
            return None
        return name


def _tariff_rows(store: Any) -> list[dict[str, Any]]:
    out = []
    for t in fees.all_tariffs(store):
        out.append({"tariff": t, "uio_col_scope": scope_text(store, t.scope),
                    "uio_col_payer": tr(f"uio_payer_{t.payer}"),
                    "uio_col_bands": "；".join(f"{b.text} {fees.money(b.rate_fen)}" for b in t.bands),
                    "uio_col_free": t.free_minutes, "uio_col_unit": t.unit_minutes,
                    "uio_col_cap": tr("uio_no_cap") if t.daily_cap_fen is None else fees.money(t.daily_cap_fen),
                    "uio_col_exempt": "、".join(tr(f"uio_purpose_{p}") for p in t.exempt)})
    return out


class BandRow(QWidget):
    """One time band: from, to (crossing midnight when earlier), yuan per unit."""

    def __init__(self, band: fees.Band | None, parent: QWidget) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        band = band or fees.Band(0, 0, 0)
        self.start = QTimeEdit(QTime(band.start // 60, band.start % 60), self)
        self.end = QTimeEdit(QTime(band.end // 60, band.end % 60), self)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.rate = QLineEdit(fees.yuan_text(band.rate_fen), self)
        self.remove = QPushButton(tr("uio_remove_band"), self)
        for widget in (self.start, QLabel("–", self), self.end, QLabel("¥", self), self.rate, self.remove):
            row.addWidget(widget)

    def band(self) -> fees.Band:
        s, e = self.start.time(), self.end.time()
        return fees.Band(s.hour() * 60 + s.minute(), e.hour() * 60 + e.minute(),
                         fees.parse_yuan(self.rate.text(), "bands", allow_zero=True))


class TariffDialog(FieldForm):
    """A tariff's bands, free minutes, unit, daily cap and free purposes, with a live preview of
    what a sample booking would cost under it; saving asks first (every later charge follows it)."""

    def __init__(self, desk: Desk, tariff: fees.Tariff | None = None, parent: QWidget | None = None) -> None:
        super().__init__(tr("uio_tariff_title"), parent)
        self.desk = desk
        self.saved: fees.Tariff | None = None
        self.confirm = confirmer(self)
        self.add_field("scope", tr("uio_col_scope"), scope_box(desk.store, self, include_all=False))
        payer = QComboBox(self)
        for value in fees.PAYERS:
            payer.addItem(tr(f"uio_payer_{value}"), value)
        self.add_field("payer", tr("uio_col_payer"), payer)
        bands = QWidget(self)
        self.band_layout = QVBoxLayout(bands)
        self.band_layout.setContentsMargins(0, 0, 0, 0)
        self.band_rows: list[BandRow] = []
        add_band = QPushButton(tr("uio_add_band"), bands)
        add_band.clicked.connect(lambda: self.add_band(None))
        self.band_layout.addWidget(add_band)
        self.add_field("bands", tr("uio_field_bands"), bands)
        self.free_spin, self.unit_spin = QSpinBox(self), QSpinBox(self)
        self.free_spin.setRange(0, 1440)
        self.unit_spin.setRange(1, 1440)
        self.unit_spin.setValue(60)
        self.add_field("free_minutes", tr("uio_field_free"), self.free_spin)
        self.add_field("unit_minutes", tr("uio_field_unit"), self.unit_spin)
        self.add_field("cap", tr("uio_field_cap"), QLineEdit(self))
        exempt = QWidget(self)
        exempt_row = QHBoxLayout(exempt)
        exempt_row.setContentsMargins(0, 0, 0, 0)
        self.exempt_boxes = {p: QCheckBox(tr(f"uio_purpose_{p}"), exempt) for p in fees.EXEMPT_PURPOSES}
        for box in self.exempt_boxes.values():
            exempt_row.addWidget(box)
        exempt_row.addStretch(1)
        self.add_field("exempt", tr("uio_field_exempt"), exempt)
        self._build_preview()
        if tariff is not None:
            choose(self.fields["scope"], tariff.scope)  # type: ignore[arg-type]
            choose(payer, tariff.payer)
            for band in tariff.bands:
                self.add_band(band)
            self.free_spin.setValue(tariff.free_minutes)
            self.unit_spin.setValue(tariff.unit_minutes)
            self.fields["cap"].setText("" if tariff.daily_cap_fen is None  # type: ignore[attr-defined]
                                       else fees.yuan_text(tariff.daily_cap_fen))
            for p in tariff.exempt:
                self.exempt_boxes[p].setChecked(True)
        else:
            self.add_band(None)
        for signal in (self.free_spin.valueChanged, self.unit_spin.valueChanged, self.fields["cap"].textChanged):  # type: ignore
            signal.connect(lambda *_: self.update_preview())
        for box in self.exempt_boxes.values():
            box.toggled.connect(lambda *_: self.update_preview())
        self.update_preview()
        fit_to_content(self)

    def _build_preview(self) -> None:
        group = QGroupBox(tr("uio_preview"), self)
        form = QFormLayout(group)
        self.preview_messages = FieldMessages(group, form)
        start = datetime.combine(self.desk.now().date(), datetime.min.time()).replace(hour=19)
        self.sample_start = QDateTimeEdit(_to_qdt(start), group)
        self.sample_end = QDateTimeEdit(_to_qdt(start + timedelta(hours=12, minutes=30)), group)
        for edit in (self.sample_start, self.sample_end):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
            edit.dateTimeChanged.connect(lambda *_: self.update_preview())
        span = QWidget(group)
        row = QHBoxLayout(span)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.sample_start)
        row.addWidget(QLabel("–", span))
        row.addWidget(self.sample_end)
        self.sample_purpose = QComboBox(group)
        self.sample_purpose.addItem(tr("uio_preview_none"), None)
        for p in fees.EXEMPT_PURPOSES:
            self.sample_purpose.addItem(tr(f"uio_purpose_{p}"), p)
        self.sample_purpose.currentIndexChanged.connect(lambda *_: self.update_preview())
        self.preview_messages.add("sample", span, tr("uio_preview_sample"))
        self.preview_messages.add("purpose", self.sample_purpose, tr("uio_preview_purpose"))
        self.preview = QLabel(group)
        self.preview.setWordWrap(True)
        form.addRow(self.preview)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)  # FieldForm's
        layout.insertWidget(1, group)

    def add_band(self, band: fees.Band | None) -> BandRow:
        row = BandRow(band, self)
        row.remove.clicked.connect(lambda: self.remove_band(row))
        for signal in (row.start.timeChanged, row.end.timeChanged, row.rate.textChanged):
            signal.connect(lambda *_: self.update_preview())
        self.band_rows.append(row)
        self.band_layout.insertWidget(len(self.band_rows) - 1, row)
        self.update_preview()
        return row

    def remove_band(self, row: BandRow) -> None:
        self.band_rows.remove(row)
        row.deleteLater()
        self.update_preview()

    def tariff(self) -> fees.Tariff:
        """The tariff as the form has it (DeskError on a field the domain would refuse)."""
        cap_text = self.fields["cap"].text().strip()  # type: ignore[attr-defined]
        cap = fees.parse_yuan(cap_text, "cap", allow_zero=True) if cap_text else None
        bands = tuple(row.band() for row in self.band_rows)
        if not bands:
            raise invalid("fee_band_bad", field="bands")
        return fees.Tariff(self.fields["scope"].currentData(), self.fields["payer"].currentData(),  # type: ignore
                           self.free_spin.value(), self.unit_spin.value(), cap,
                           tuple(p for p, box in self.exempt_boxes.items() if box.isChecked()), bands)

    def update_preview(self) -> str:
        """What the sample booking would cost under the form's tariff, line by line."""
        if not hasattr(self, "preview") or not hasattr(self, "exempt_boxes"):
            return ""
        try:
            tariff = self.tariff()
        except DeskError as exc:
            self.preview.setText("")
            self.show_error(exc)
            return ""
        self.show_error(None)  # type: ignore[arg-type]
        start, end = _from_qdt(self.sample_start.dateTime()), _from_qdt(self.sample_end.dateTime())
        if end <= start:
            self.preview_messages.show("sample", tr("closure_order"))
            self.preview.setText("")
            return ""
        self.preview_messages.show(None, "")
        items = fees.price(tariff, start, end, self.sample_purpose.currentData())
        total = sum(item.fen for item in items)
        lines = [f"{item.text()}  {fees.money(item.fen)}" if item.fen else item.text() for item in items]
        text = "\n".join(lines + [tr("uio_preview_total", total=fees.money(total))])
        self.preview.setText(text)
        return text

    def save_changes(self) -> bool | None:
        tariff = self.tariff()
        if not self.confirm(tr("uio_tariff_confirm_title"),
                            tr("uio_tariff_confirm", scope=scope_text(self.desk.store, tariff.scope),
                               payer=tr(f"uio_payer_{tariff.payer}"))):
            return False
        self.saved = self.desk.run(lambda: fees.set_tariff(
            self.desk.store, self.desk.actor, tariff.scope, tariff.payer, tariff.bands, tariff.free_minutes,
            tariff.unit_minutes, tariff.daily_cap_fen, tariff.exempt, now=self.desk.now()),
            Changes(tariffs=True), self)
        return None


class TariffsView(_View):
    """Every tariff; New or Edit opens the tariff form with its preview."""

    VIEW_KEY = "uio_view_tariffs"
    TEXTS = {"add_button": "uio_add", "edit_button": "uio_edit"}
    REFRESH_ON = Changes(tariffs=True, spaces=True)

    def build(self) -> None:
        self.model = RowsModel(("uio_col_scope", "uio_col_payer", "uio_col_bands", "uio_col_free", "uio_col_unit",
                                "uio_col_cap", "uio_col_exempt"), lambda: _tariff_rows(self.desk.store), self)
        self.add_button, self.edit_button = self.button(self.add_tariff), self.button(self.edit_tariff)
        self.list_with_buttons(self.model, self.add_button, self.edit_button)
        self.table.doubleClicked.connect(lambda _index: self.edit_tariff())

    def update_buttons(self) -> None:
        self.edit_button.setEnabled(_selected_row(self.table) is not None)

    def dialog(self, tariff: fees.Tariff | None = None) -> TariffDialog:
        return TariffDialog(self.desk, tariff, self)

    def add_tariff(self) -> fees.Tariff | None:
        return self.dialog().saved_on_accept()

    def edit_tariff(self) -> fees.Tariff | None:
        row = _selected_row(self.table)
        if row is None:
            return None
        return self.dialog(self.model.row(row)["tariff"]).saved_on_accept()


class NoShowRuleDialog(FieldForm):
    """The no-show rule of one kind: how many no-shows within how many days restrict for how long."""

    def __init__(self, desk: Desk, rule: restrictions.NoShowRule | None = None, parent: QWidget | None = None) -> None:
        super().__init__(tr("uio_noshow_title"), parent)
        self.desk = desk
        self.saved: list[restrictions.NoShowRule] | None = None
        kind = QComboBox(self)
        for value in restrictions.NO_SHOW_KINDS:
            kind.addItem(tr("uio_kind_all") if value == "*" else tr(f"kind_{value}"), value)
        self.add_field("kind", tr("uio_col_rule_kind"), kind)
        for name, key, top in (("no_shows", "uio_field_no_shows", 99), ("within_days", "uio_field_within", 3650),
                               ("ban_days", "uio_field_ban", 3650)):
            spin = QSpinBox(self)
            spin.setRange(0, top)
            self.add_field(name, tr(key), spin)
        if rule is not None:
            choose(kind, rule.kind)
            for name in ("no_shows", "within_days", "ban_days"):
                self.fields[name].setValue(getattr(rule, name))  # type: ignore[attr-defined]
        fit_to_content(self)

    def value(self, name: str) -> int:
        return self.fields[name].value()  # type: ignore[attr-defined]

    def save_changes(self) -> None:
        try:
            self.saved = self.desk.run(lambda: restrictions.set_no_show_rule(
                self.desk.store, self.desk.actor, self.fields["kind"].currentData(),  # type: ignore
                self.value("no_shows"), self.value("within_days"), self.value("ban_days"), now=self.desk.now()),
                Changes(rules=True), self)
        except DeskError as exc:
            if exc.field == "rule":
                exc.field = "within_days" if self.value("within_days") <= 0 else "ban_days" \
                    if self.value("ban_days") <= 0 else "no_shows"
            raise


class LiftDialog(FieldForm):
    """Lift a household's no-show restriction, with the reason the log keeps."""

    def __init__(self, desk: Desk, household: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(tr("uio_lift_title", door=household["door"]), parent)
        self.desk = desk
        self.household = household
        self.saved: dict[str, Any] | None = None
        self.add_field("reason", tr("uio_lift_reason"), QLineEdit(self))
        self.note.setText(tr("uio_lift_note"))
        self.note.show()
        fit_to_content(self)

    def save_changes(self) -> None:
        self.saved = self.desk.run(lambda: restrictions.lift(
            self.desk.store, self.desk.actor, self.household["household_id"],
            self.fields["reason"].text(), self.desk.now()),  # type: ignore[attr-defined]
            Changes(restrictions=True), self)


def _rule_rows(store: Any) -> list[dict[str, Any]]:
    return [{"rule": r, "uio_col_rule_kind": tr("uio_kind_all") if r.kind == "*" else tr(f"kind_{r.kind}"),
             "uio_col_no_shows": r.no_shows, "uio_col_within": r.within_days, "uio_col_ban": r.ban_days}
            for r in restrictions.no_show_rules(store)]


def _restricted_rows(store: Any, now: datetime) -> list[dict[str, Any]]:
    return [{**r, "uio_col_household": r["door"], "uio_col_count": r["count"], "uio_col_until": r["until"]}
            for r in restrictions.restricted(store, now)]


class NoShowView(_View):
    """The convention's no-show rules (change one) and the households restricted now (lift one)."""

    VIEW_KEY = "uio_view_noshow"
    TEXTS = {"rules_heading": "uio_rules_heading", "restricted_heading": "uio_restricted_heading",
             "rule_button": "uio_edit_noshow", "lift_button": "uio_lift"}

    def build(self) -> None:
        self.rules = RowsModel(("uio_col_rule_kind", "uio_col_no_shows", "uio_col_within", "uio_col_ban"),
                               lambda: _rule_rows(self.desk.store), self)
        self.restricted = RowsModel(("uio_col_household", "uio_col_count", "uio_col_until"),
                                    lambda: _restricted_rows(self.desk.store, self.desk.now()), self)
        self.rule_table = read_only_view(self.rules, self, fit=False, striped=True)
        self.restricted_table = read_only_view(self.restricted, self, fit=False, striped=True)
        self.rule_table.doubleClicked.connect(lambda _index: self.edit_rule())
        self.rules_heading, self.restricted_heading = QLabel(self), QLabel(self)
        self.rule_button, self.lift_button = self.button(self.edit_rule), self.button(self.lift)
        self.restricted_table.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        for widget in (self.rules_heading, self.rule_table):
            self.layout_.addWidget(widget)
        self.button_row(self.rule_button)
        for widget in (self.restricted_heading, self.restricted_table):
            self.layout_.addWidget(widget)
        self.button_row(self.lift_button)
        fit_columns(self.rule_table)
        fit_columns(self.restricted_table)

    def update_buttons(self) -> None:
        self.lift_button.setEnabled(_selected_row(self.restricted_table) is not None)

    def edit_rule(self) -> list[restrictions.NoShowRule] | None:
        row = _selected_row(self.rule_table)
        rule = self.rules.row(row)["rule"] if row is not None else None
        return NoShowRuleDialog(self.desk, rule, self).saved_on_accept()

    def lift(self) -> dict[str, Any] | None:
        row = _selected_row(self.restricted_table)
        if row is None:
            return None
        return LiftDialog(self.desk, self.restricted.row(row), self).saved_on_accept()

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.touches(RESTRICTIONS_SHOW):
            self.rules.refresh()
            self.restricted.refresh()
            self.update_buttons()

    def retranslate(self, _language: str = "") -> None:
        super().retranslate()
        for model in (self.rules, self.restricted):
            model.refresh()
            model.retranslate()


class KeysSettingsView(_View):
    """The pass signing key (rotate, optionally retiring the old ones, said in plain words), the
    time-bank rate in yuan per hour and the waitlist's offer time in minutes."""

    VIEW_KEY = "uio_view_keys"
    TEXTS = {"retire_box": "uio_retire", "retire_note": "uio_retire_note", "rotate_button": "uio_rotate",
             "rate_save": "uis_save", "offer_save": "uis_save"}

    def build(self) -> None:
        self.confirm = confirmer(self)
        key_group = QGroupBox(self)
        key_layout = QVBoxLayout(key_group)
        self.key_state = QLabel(key_group)
        self.key_state.setWordWrap(True)
        self.retire_box = QCheckBox(key_group)
        self.retire_note = QLabel(key_group)
        self.retire_note.setWordWrap(True)
        self.rotate_button = self.button(self.rotate)
        self.key_done = QLabel(key_group)
        for widget in (self.key_state, self.retire_note, self.retire_box):
            key_layout.addWidget(widget)
        self.button_row(self.rotate_button, layout=key_layout)
        key_layout.addWidget(self.key_done)
        self.key_group = key_group
        self.layout_.addWidget(key_group)
        self.rate_group, self.rate_messages, self.rate_edit, self.rate_save = self._one_setting(
            "rate", lambda group: QLineEdit(fees.yuan_text(credits.rate(self.desk.store)), group), self.save_rate)
        self.offer_group, self.offer_messages, self.offer_spin, self.offer_save = self._one_setting(
            "minutes", QSpinBox, self.save_offer)
        self.offer_spin.setRange(0, 100000)
        self.offer_spin.setValue(waitlist.offer_minutes(self.desk.store))
        self.layout_.addStretch(1)

    def _one_setting(self, field: str, make: Callable[[QWidget], Any], save: Callable[[], Any]) -> tuple[Any, ...]:
        """(group, its field messages, the field, Save): one setting in its unit, refused under its field."""
        group = QGroupBox(self)
        form = QFormLayout(group)
        messages = FieldMessages(group, form)
        widget = messages.add(field, make(group))
        button = QPushButton(group)
        button.clicked.connect(lambda: save())
        form.addRow(messages.general)
        form.addRow("", button)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)  # a short field, a button
        self.layout_.addWidget(group)
        return group, messages, widget, button

    def _save_setting(self, messages: FieldMessages, act: Callable[[], Any]) -> Any:
        """Store one setting: the domain's refusal under its field (None), or the value stored."""
        try:
            value = self.desk.run(act, Changes(settings=True), self)
        except DeskError as exc:
            messages.show_error(exc)
            return None
        messages.show(None, "")
        return value

    def _show_key(self) -> None:
        kid = passes.ensure_key(self.desk.store, now=self.desk.now())
        live = self.desk.store.sql("SELECT count(*) FROM pass_key WHERE retired_at IS NULL").fetchone()[0]
        self.key_state.setText(tr("uio_key_state", kid=kid, live=live))

    def rotate(self) -> int | None:
        retire = self.retire_box.isChecked()
        if not self.confirm(tr("uio_rotate_title"), tr("uio_rotate_retire_text" if retire else "uio_rotate_text")):
            return None
        try:
            kid = self.desk.run(lambda: passes.rotate_key(self.desk.store, self.desk.actor, retire_old=retire,
                                                          now=self.desk.now()), Changes(pass_key=True), self)
        except DeskError as exc:
            self.key_done.setText(exc.message())
            return None
        self.key_done.setText(tr("uio_rotated", kid=kid))
        self.retire_box.setChecked(False)
        return kid

    def save_rate(self) -> int | None:
        fen = self._save_setting(self.rate_messages, lambda: credits.set_rate(
            self.desk.store, self.desk.actor, self.rate_edit.text(), now=self.desk.now()))
        if fen is not None:
            self.rate_edit.setText(fees.yuan_text(fen))
        return fen

    def save_offer(self) -> int | None:
        return self._save_setting(self.offer_messages, lambda: waitlist.set_offer_minutes(
            self.desk.store, self.desk.actor, self.offer_spin.value(), now=self.desk.now()))

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.pass_key:
            self._show_key()

    def retranslate(self, _language: str = "") -> None:
        super().retranslate()
        self.key_group.setTitle(tr("uio_key_heading"))
        self.rate_group.setTitle(tr("uio_rate_heading"))
        self.offer_group.setTitle(tr("uio_offer_heading"))
        self.rate_messages.labels["rate"].setText(tr("uio_field_rate"))
        self.offer_messages.labels["minutes"].setText(tr("uio_field_offer"))
        self._show_key()
