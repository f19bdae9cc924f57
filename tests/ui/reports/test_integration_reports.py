"""Reports reachable from the desk window: the heat-map, the monthly summary, and the export of
bookings with progress, masking by default, an admin's unmasked export with a reason, and Cancel."""
from __future__ import annotations

import csv
import pytest
from PySide6.QtCore import QDate, QSettings
from PySide6.QtWidgets import QPushButton

from booking.ops import demo
from booking.schedule import bookings
from booking.store import audit
from booking.schedule.bookings import Request
from tests.ui.integration_window import at, make_window
from ui.desk.session import Desk
from ui.reports.heatmap import HeatmapDialog
from ui.reports.report_views import ExportDialog, SummaryDialog, summary_html


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def booked(store, admin, resident, neighbour, now):
    """Tonight's P001 for 张三丰 and a meeting in R01 for 李四."""
    return [bookings.book(store, admin, Request("P001", at("2026-11-24 19:00"), at("2026-11-25 07:30"),
                                                resident.id), now),
            bookings.book(store, admin, Request("R01", at("2026-11-26 14:00"), at("2026-11-26 16:00"),
                                                neighbour.id, purpose="邻里议事会"), now)]


def export_dialog(qtbot, desk, tmp_path) -> ExportDialog:
    dialog = ExportDialog(desk)
    qtbot.addWidget(dialog)
    dialog.from_edit.setDate(QDate(2026, 11, 1))
    dialog.to_edit.setDate(QDate(2026, 11, 30))
    dialog.csv_path.setText(str(tmp_path / "bookings.csv"))
    return dialog


def run(qtbot, dialog: ExportDialog):
    with qtbot.waitSignal(dialog.finished_export, timeout=20_000) as done:
        assert dialog.start_export() is not None
    return done.args[0]


def test_the_heatmap_dialog_opens_from_the_reports_menu(qtbot, store, clerk, now, settings, booked):
    window = make_window(qtbot, Desk(store, clerk, fixed_now=now), settings)
    assert window.act_heatmap in window.menu_reports.actions()
    window.act_heatmap.trigger()
    dialog = next(d for d in window.findChildren(HeatmapDialog) if d.isVisible())
    assert not dialog.image.isNull() and dialog.period_text() == "2026-11"


def test_the_monthly_summary_opens_from_the_menu_and_reads_as_a_page(qtbot, store, clerk, now, settings, booked):
    window = make_window(qtbot, Desk(store, clerk, fixed_now=now), settings)
    window.act_summary.trigger()
    dialog = next(d for d in window.findChildren(SummaryDialog) if d.isVisible())
    text = dialog.page.toPlainText()
    assert "2026-11 使用报告" in text and "预约 2 个：车位 1，场地 1" in text
    assert "最忙的时段" in text and "邻里议事会" in text and "李*" in text and "李四" not in text


def test_the_summary_page_lists_households_with_repeated_no_shows(store):
    summary = {"month": "2026-11", "from": "2026-11-01", "to": "2026-11-30", "days": 30,
               "bookings": {"total": 3, "cancelled": 0, "parking": 3, "room": 0},
               "occupancy": {"parking_pct": 1.0, "room_pct": 0.0, "zones": [], "room_hours": "08:00–22:00"},
               "busiest_hours": [], "no_shows": {"total": 2, "rate_pct": 66.7, "parking": {"rate_pct": 66.7},
                                                 "room": {"rate_pct": 0.0}},
               "repeated_no_shows": [{"household": "3栋2单元501", "no_shows": 2}],
               "rooms": {"by_room": [], "by_purpose": [], "by_organiser": []}}
    assert "3栋2单元501：2 次" in summary_html(summary)


def test_the_export_dialog_writes_csv_masked_by_default(qtbot, store, clerk, now, booked, tmp_path):
    dialog = export_dialog(qtbot, Desk(store, clerk, fixed_now=now), tmp_path)
    assert dialog.masked_box.isChecked()
    result = run(qtbot, dialog)
    assert result.rows == 2 and result.masked
    text = (tmp_path / "bookings.csv").read_text(encoding="utf-8-sig")
    assert "张*丰" in text and "138****5678" in text and "13812345678" not in text
    assert "已导出 2 条预约" in dialog.message.text()


def test_the_export_dialog_opens_from_the_menu(qtbot, store, clerk, now, settings):
    window = make_window(qtbot, Desk(store, clerk, fixed_now=now), settings)
    window.act_export.trigger()
    assert any(d.isVisible() for d in window.findChildren(ExportDialog))


def test_a_clerk_cannot_untick_masking(qtbot, store, clerk, now, tmp_path):
    dialog = export_dialog(qtbot, Desk(store, clerk, fixed_now=now), tmp_path)
    assert not dialog.masked_box.isEnabled() and "管理员" in dialog.masked_box.toolTip()


def test_an_unmasked_export_needs_a_reason_and_is_audited(qtbot, store, admin, now, booked, tmp_path):
    dialog = export_dialog(qtbot, Desk(store, admin, fixed_now=now), tmp_path)
    dialog.masked_box.setChecked(False)
    assert dialog.start_export() is None
    assert dialog.field_errors["reason"].isVisibleTo(dialog) and "理由" in dialog.field_errors["reason"].text()
    dialog.reason_edit.setText("派出所调查")
    result = run(qtbot, dialog)
    assert not result.masked
    with open(tmp_path / "bookings.csv", encoding="utf-8-sig", newline="") as stream:
        assert any("13812345678" in row for row in csv.reader(stream))
    entry = audit.entries(store, "booking")[0]
    assert (entry["action"], entry["reason"]) == ("export_unmasked", "派出所调查")


def test_cancelling_the_progress_dialog_stops_the_export_and_keeps_no_file(qtbot, store, admin, now, tmp_path):
    demo.fill(store, years=3 / 365, now=now, days_ahead=2)
    dialog = export_dialog(qtbot, Desk(store, admin, fixed_now=now), tmp_path)
    dialog.csv_box.setChecked(False)
    dialog.xlsx_box.setChecked(True)
    dialog.xlsx_path.setText(str(tmp_path / "bookings.xlsx"))
    with qtbot.waitSignal(dialog.finished_export, timeout=20_000) as done:
        dialog.start_export()
        dialog.progress.findChild(QPushButton).click()  # the clerk's Cancel
    assert done.args[0] is None and dialog.error is not None and dialog.error.key == "export_cancelled"
    assert not (tmp_path / "bookings.xlsx").exists()
    assert dialog.go_button.isEnabled()
