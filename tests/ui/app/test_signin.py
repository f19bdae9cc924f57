"""Sign-in at start: the first admin on a new store, then clerks and admins by password."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from booking.people import clerks
from booking.store.audit import Actor
from ui.app.signin import SignInDialog

NOW = datetime(2026, 11, 24, 10, 0)  # the suite's fixed clock (tests/conftest.py)


@pytest.fixture
def boss(store):
    return clerks.create_first_admin(store, "王主任", "admin-pass-1", now=NOW)


def open_dialog(qtbot, store) -> SignInDialog:
    dialog = SignInDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def type_and_enter(qtbot, dialog: SignInDialog, name: str, password: str, again: str | None = None) -> None:
    dialog.name.setText(name)  # an input method types Chinese; QTest can only type Latin-1 keys
    qtbot.keyClicks(dialog.password, password)
    if again is not None:
        qtbot.keyClicks(dialog.again, again)
    qtbot.keyClick(dialog.password if again is None else dialog.again, Qt.Key.Key_Return)


def test_a_new_store_offers_to_create_the_first_admin(qtbot, store):
    dialog = open_dialog(qtbot, store)
    assert dialog.first and dialog.again.isVisible()
    assert dialog.heading.text() == "首次使用：请创建管理员账号"
    type_and_enter(qtbot, dialog, "王主任", "admin-pass-1", "admin-pass-1")
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.actor == Actor("王主任", "admin")
    assert [c.name for c in clerks.all_clerks(store)] == ["王主任"]


def test_the_first_admin_needs_the_same_password_twice(qtbot, store):
    dialog = open_dialog(qtbot, store)
    type_and_enter(qtbot, dialog, "王主任", "admin-pass-1", "admin-pass-2")
    assert dialog.isVisible() and dialog.messages["again"].text() == "两次输入的密码不一致。"
    assert clerks.count(store) == 0


def test_a_short_first_password_is_refused_next_to_the_field(qtbot, store):
    dialog = open_dialog(qtbot, store)
    type_and_enter(qtbot, dialog, "王主任", "12345", "12345")
    assert dialog.messages["password"].isVisible()
    assert dialog.messages["password"].text() == "密码至少需要6个字符。"


def test_a_clerk_signs_in_with_the_clerk_role(qtbot, store, boss):
    clerks.add(store, boss, "小李", "clerk", "zhiban-2026", now=NOW)
    dialog = open_dialog(qtbot, store)
    assert not dialog.first and not dialog.again.isVisible()
    type_and_enter(qtbot, dialog, "小李", "zhiban-2026")
    assert dialog.actor == Actor("小李", "clerk")


def test_a_wrong_password_is_refused_and_cleared(qtbot, store, boss):
    dialog = open_dialog(qtbot, store)
    type_and_enter(qtbot, dialog, "王主任", "not-the-password")
    assert dialog.isVisible() and dialog.actor is None
    assert dialog.messages["password"].text() == "用户名或密码错误。"
    assert dialog.password.text() == "" and dialog.focusWidget() is dialog.password


def test_the_dialog_switches_to_english(qtbot, store, boss):
    dialog = open_dialog(qtbot, store)
    dialog.lang.click()
    assert dialog.heading.text() == "Please sign in" and dialog.ok.text() == "Sign in"


def test_the_next_sign_in_remembers_the_last_clerk(qtbot, store, boss):
    clerks.add(store, boss, "小李", "clerk", "zhiban-2026", now=NOW)
    type_and_enter(qtbot, open_dialog(qtbot, store), "小李", "zhiban-2026")
    again = open_dialog(qtbot, store)
    assert again.name.text() == "小李" and again.focusWidget() is again.password


def test_the_admin_creation_dialog_does_not_grow_with_each_refusal(qtbot, store):
    dialog = open_dialog(qtbot, store)
    type_and_enter(qtbot, dialog, "王主任", "12345", "12345")
    qtbot.wait(10)
    first = dialog.size()
    for password, again in (("admin-pass-1", "admin-pass-2"), ("12345", "12345"), ("abcdefg-1", "abcdefg-2")):
        dialog.password.clear()
        dialog.again.clear()
        type_and_enter(qtbot, dialog, "王主任", password, again)
        qtbot.wait(10)
        assert dialog.size() == first
