"""The one confirmation (ui/widgets/confirm.py): Yes/No, No the default, Qt's words in the user's language."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.desk import language
from ui.widgets.confirm import ask, confirmer


def answer_with(press: str, seen: dict) -> None:
    """When the question is up: note its buttons and default, then press `press` ('yes', 'no', 'enter')."""
    def look() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, look)
            return
        yes, no = box.button(QMessageBox.StandardButton.Yes), box.button(QMessageBox.StandardButton.No)
        seen.update(title=box.windowTitle(), text=box.text(), default=box.defaultButton(), no=no, yes=yes,
                    words=(yes.text(), no.text()))
        if press == "enter":
            box.defaultButton().click()
        else:
            (yes if press == "yes" else no).click()
    QTimer.singleShot(10, look)


def test_no_is_the_default_and_enter_says_no(qapp):
    seen: dict = {}
    answer_with("enter", seen)
    assert ask(None, "取消预约", "确定取消吗？") is False
    assert (seen["title"], seen["text"]) == ("取消预约", "确定取消吗？") and seen["default"] is seen["no"]


def test_yes_confirms_through_the_confirm_a_window_keeps(qapp):
    seen: dict = {}
    answer_with("yes", seen)
    assert confirmer(None)("标题", "问题") is True


def test_the_buttons_speak_the_users_language(qapp):
    language.apply("zh", None, remember=False)
    try:
        seen: dict = {}
        answer_with("no", seen)
        ask(None, "t", "q")
        chinese = seen["words"]
        language.apply("en", None, remember=False)
        answer_with("no", seen)
        ask(None, "t", "q")
        assert chinese != seen["words"] and seen["words"] == ("&Yes", "&No")
    finally:
        language.apply("zh", None, remember=False)


def test_the_first_start_offer_keeps_yes_as_its_default(qapp):
    seen: dict = {}
    answer_with("enter", seen)
    assert ask(None, "t", "q", default_yes=True) is True and seen["default"] is seen["yes"]
