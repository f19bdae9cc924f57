"""The residents view corrects a resident, removes a sold car's plate and marks residents as moved away."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from booking.people import residents
from booking.schedule import bookings
from ui.office.residents_view import ResidentEditDialog, ResidentsListModel, ResidentsView
from ui.desk.session import Desk

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


@pytest.fixture
def desk(store, clerk, now):
    return Desk(store, clerk, fixed_now=now)


@pytest.fixture
def view(qtbot, desk, resident):
    shown = ResidentsView(desk)
    qtbot.addWidget(shown)
    shown.resize(1000, 600)
    shown.show()
    return shown


class Asked:
    """Stands in for the clerk's answer to a confirmation, and remembers the questions."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.questions: list[str] = []

    def __call__(self, title: str, text: str) -> bool:
        self.questions.append(text)
        return self.answer


def when_modal(kind: type, act: Callable[[Any], None]) -> None:
    """Run `act` on the modal window of `kind` as soon as it is open (it blocks in exec())."""
    def poll() -> None:
        window = QApplication.activeModalWidget()
        if isinstance(window, kind):
            act(window)
        else:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(20, poll)


def double_click_row(qtbot, view, row: int) -> None:
    rect = view.table.visualRect(view.model.index(row, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_list_model_with_those_who_moved_away_is_a_proper_model(qtmodeltester, store, clerk, resident,
                                                                   neighbour):
    residents.set_active(store, clerk, neighbour.id, False, now=NOW)
    model = ResidentsListModel(store)
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    model.include_moved = True
    model.refresh()
    qtmodeltester.check(model)
    row = model.row_of(neighbour.id)
    assert model.index(row, 0).data() == "李四（已迁出）"
    assert model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_a_double_click_edits_the_resident_and_the_store_changes(qtbot, view, store, resident):
    def fill(dialog: ResidentEditDialog) -> None:
        assert dialog.fields["phone"].text() == "13812345678"  # pre-filled to be corrected
        dialog.fields["name"].setText("张三峰")
        dialog.fields["door"].setText("7-1-1203")
        dialog.save.click()
    when_modal(ResidentEditDialog, fill)
    double_click_row(qtbot, view, 0)
    changed = residents.get(store, resident.id)
    assert (changed.name, changed.door, changed.plates) == ("张三峰", "7栋1单元1203", ("川A12345",))
    assert view.model.index(0, 0).data() == "张三峰" and view.table.selectionModel().hasSelection()


def test_a_bad_phone_is_shown_next_to_the_phone_field_and_nothing_changes(qtbot, view, store, resident):
    seen: dict[str, Any] = {}

    def fill(dialog: ResidentEditDialog) -> None:
        dialog.fields["name"].setText("张三峰")
        dialog.fields["phone"].setText("12345")
        dialog.save.click()
        seen.update(visible=dialog.isVisible(), message=dialog.messages["phone"].text(),
                    shown=dialog.messages["phone"].isVisible(), others=dialog.messages["name"].isVisible())
        dialog.reject()
    when_modal(ResidentEditDialog, fill)
    view.table.selectRow(0)
    assert view.edit_button.isEnabled()
    assert view.edit_button.text() == "编辑(&E)…"
    view.edit_button.click()
    assert seen == {"visible": True, "message": "手机号应为11位数字，如 13812345678", "shown": True, "others": False}
    assert residents.get(store, resident.id) == resident


def test_removing_a_plate_asks_first_and_no_keeps_it(view, store, resident):
    view.confirm = Asked(False)
    view.table.selectRow(0)
    assert view.remove_plate() is None
    assert view.confirm.questions == ["确定从 3栋2单元501 移除车牌 川A12345 吗？\n（如车已卖出）以往的预约记录保留。"]
    assert residents.get(store, resident.id).plates == ("川A12345",)


def test_removing_a_plate_after_yes_takes_it_off(view, store, resident):
    view.confirm = Asked(True)
    view.table.selectRow(0)
    view.unplate_button.click()
    assert residents.get(store, resident.id).plates == ()
    assert view.model.index(0, 3).data() == "" and not view.unplate_button.isEnabled()


def test_the_real_confirmation_defaults_to_no(view, store, resident):
    seen: dict[str, Any] = {}

    def answer(box: QMessageBox) -> None:
        seen["default"] = box.defaultButton() is box.button(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).click()
    when_modal(QMessageBox, answer)
    view.table.selectRow(0)
    assert view.remove_plate() == "川A12345" and seen == {"default": True}


def test_with_several_cars_the_clerk_chooses_the_plate(view, store, clerk, resident):
    residents.add_vehicle(store, clerk, resident.id, "川B54321", now=NOW)
    view.apply_search("")
    view.confirm = Asked(True)
    offered: list[tuple[str, ...]] = []
    view.choose_plate = lambda person: offered.append(person.plates) or "川B54321"
    view.table.selectRow(0)
    assert view.remove_plate() == "川B54321"
    assert offered == [("川A12345", "川B54321")] and residents.get(store, resident.id).plates == ("川A12345",)


def test_a_booked_plate_is_refused_with_the_booking_named(view, store, clerk, now, resident):
    booking = bookings.book(store, clerk, bookings.Request("P001", datetime(2026, 11, 24, 19, 0),
                                                           datetime(2026, 11, 25, 7, 30), resident.id), now)
    view.confirm = Asked(True)
    view.table.selectRow(0)
    assert view.remove_plate() is None
    assert view.error.isVisible() and f"预约号 {booking.id}" in view.error.text()
    assert residents.get(store, resident.id).plates == ("川A12345",)


def test_a_resident_moves_away_after_confirming_and_comes_back(view, store, resident):
    view.confirm = Asked(True)
    view.table.selectRow(0)
    assert view.leave_button.text() == "迁出(&O)…"
    view.leave_button.click()
    assert not residents.get(store, resident.id).active and view.model.rowCount() == 0
    view.moved_box.setChecked(True)
    assert view.model.index(0, 0).data() == "张三丰（已迁出）"
    view.table.selectRow(0)
    assert view.leave_button.text() == "恢复(&B)…"
    view.leave_button.click()
    assert residents.get(store, resident.id).active and view.model.index(0, 0).data() == "张三丰"
    assert view.confirm.questions[0].startswith("确定登记 张三丰（3栋2单元501）已迁出吗？")


def test_moving_away_with_a_booking_is_refused_in_the_view(view, store, clerk, now, resident):
    bookings.book(store, clerk, bookings.Request("P001", datetime(2026, 11, 24, 19, 0),
                                                 datetime(2026, 11, 25, 7, 30), resident.id), now)
    view.confirm = Asked(True)
    view.table.selectRow(0)
    assert view.toggle_active() is None
    assert view.error.isVisible() and "还有未结束的预约" in view.error.text()
    assert residents.get(store, resident.id).active
