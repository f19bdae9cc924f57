"""The booking dialog with whatever a clerk types or pastes into its fields (hypothesis): it never
falls over, every refusal appears beside its field, and what is saved is what was typed. A
purpose with HTML in it is shown as the characters typed, not as markup."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui's Qt namespace

from booking.people import residents
from booking.policy import rules
from booking.schedule import bookings
from booking.store.audit import Actor
from booking.schedule.bookings import Request
from ui.bookings.booking_dialog import BookingDialog
from ui.desk.session import Desk
from ui.bookings.details import DetailsDialog

NOW = datetime(2026, 11, 24, 10, 0)
ADMIN = Actor("管理员甲", "admin")

NASTY = ["'; DROP TABLE resident; --", "<b>粗体</b>", "<img src=x onerror=alert(1)>", "&lt;&amp;", "\x1b[31m",
         "\u202e反向", "\u200b", "ＡＢＣ１２３", "３栋２单元５０１", "川Ａ１２３４５", "１３８１２３４５６７８", "😀🚗",
         "𠀀𪚥", "%s{0}{name}", "\t", "x" * 2000, "汉" * 500, "", " "]
TEXT = st.one_of(st.sampled_from(NASTY),
                 st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40))
DOORS = st.one_of(st.sampled_from(["3栋2单元501", "3-2-502", "9栋1单元1203", "0-0-0"]), TEXT)
PHONES = st.one_of(st.sampled_from(["13812345678", "+86 139 8765 4321", "5678"]), TEXT)
PLATES = st.one_of(st.sampled_from(["川A12345", "川AD12345", "川Ａ１２３４５", "川AI2345"]), TEXT)


@pytest.fixture
def desk(store):
    for scope in ("*", "kind:parking", "kind:room"):
        rules.set_rule(store, ADMIN, scope, "max_active_per_household", 100000, now=NOW)
    residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    return Desk(store, ADMIN, fixed_now=NOW)


def shows_plainly(label, text: str) -> bool:
    """The label holds `text` and will draw it as the characters themselves, not as markup."""
    return label.text() == text and (label.textFormat() == Qt.TextFormat.PlainText or not GuiQt.mightBeRichText(text))


_slot = iter(range(10**6))


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(find=TEXT, name=TEXT, door=DOORS, phone=PHONES, plate=st.one_of(st.just(""), PLATES), room=st.booleans(),
       purpose=TEXT, override=TEXT, booking_plate=st.one_of(st.just(""), PLATES))
def test_the_booking_dialog_takes_any_text_and_answers_beside_the_fields(qtbot, desk, find, name, door, phone, plate,
                                                                         room, purpose, override, booking_plate):
    n = next(_slot)
    start = datetime(2026, 11, 26, 8, 0) + timedelta(hours=n)
    dialog = BookingDialog(desk, "R01" if room else f"P{n % 100 + 1:03d}", start, start + timedelta(hours=1))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.find_edit.setText(find)  # finding: any text, never a crash
    dialog.register_button.setChecked(True)
    for edit, text in ((dialog.reg_name, name), (dialog.reg_door, door), (dialog.reg_phone, phone),
                       (dialog.reg_plate, plate)):
        edit.setText(text)
    dialog.register_resident()
    refusals = [label for label in dialog.reg_errors.values() if label.isVisible()]
    if refusals:
        assert len(refusals) == 1 and refusals[0].text().strip()
        dialog.find_edit.setText("13812345678")  # book for 张三丰 instead
        dialog.pick_current()
    else:
        assert dialog.resident().name == " ".join(name.split())
    dialog.plate_box.setEditText(booking_plate)
    dialog.purpose_edit.setText(purpose)
    dialog.override_edit.setText(override)
    saved = []
    dialog.submitted.connect(saved.append)
    dialog.accept()
    if saved:
        booking = bookings.book(desk.store, desk.actor, saved[0].request, NOW)
        assert booking.purpose == ((purpose.strip() or None) if room else None)
    else:
        shown = [label.text() for label in dialog.errors.values() if label.isVisible()]
        assert dialog.check_label.text().strip()
        assert all(text.strip() for text in shown)
    assert dialog.isVisible()


@pytest.mark.parametrize("purpose", ["<b>粗体</b>", "<img src=x onerror=alert(1)>", "a &lt; b", "<i>邻里</i>议事会"])
def test_a_purpose_with_markup_is_shown_in_the_details_as_typed(qtbot, desk, purpose):
    booking = bookings.book(desk.store, ADMIN, Request("R01", datetime(2026, 11, 26, 14, 0),
                                                      datetime(2026, 11, 26, 16, 0), 1, purpose=purpose), NOW)
    dialog = DetailsDialog(desk, booking.id, confirm=lambda _t, _x: False)
    qtbot.addWidget(dialog)
    assert shows_plainly(dialog.info_labels["purpose"][1], purpose)


def test_a_plate_and_a_door_with_markup_cannot_exist_so_only_the_purpose_needed_it(desk):
    # Plates and doors are normalized (only letters, digits, 栋/单元): markup never reaches them.
    from booking.store.errors import DeskError
    for call in (lambda: residents.add(desk.store, ADMIN, "王五", "<b>3栋</b>", "13700001111", now=NOW),
                 lambda: residents.add(desk.store, ADMIN, "王五", "3栋2单元502", "13700001111", "川A<b>12", now=NOW)):
        with pytest.raises(DeskError):
            call()
