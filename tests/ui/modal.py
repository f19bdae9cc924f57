"""Answering the modal windows a click opens, in order, as a person would (tests/ui helper).

A dialog's exec(), a question, a file chooser: each blocks the click that opened it, so the test
hands `Modal` one step per window beforehand; a step is given the window, fills it, and returns what
to press. Every question (a QMessageBox with Yes) must have No as its default button.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox


class Modal:
    """Answers, in order, the modal windows that the code inside `with` opens (a dialog's exec(), a
    question, a file chooser): each step is given the window, fills it and returns what to press.

    Every question answered by `yes` must have No as its default button. A window that stays open
    after its button was pressed (a refusal) fails the test, and so does a step that never found its
    window; either way every window is closed, so nothing hangs.
    """

    def __init__(self, *steps: Callable[[Any], Callable[[], Any]]) -> None:
        self.steps = list(steps)
        self.failure: BaseException | None = None
        self.handled: list[Any] = []
        #: the windows whose press has not returned yet, innermost last: while its press is at work a
        #: window that is active again is not answered (the question it asked has just closed)
        self.at_work: list[Any] = []
        self.running = False

    def __enter__(self) -> Modal:
        self.before = [w for w in QApplication.topLevelWidgets() if w.isVisible()]  # a dialog `with` works in
        self.running = True
        QTimer.singleShot(10, self._poll)
        return self

    def __exit__(self, kind: Any, *_rest: Any) -> None:
        self.running = False
        if self.failure is not None:
            raise self.failure
        if kind is None:
            assert not self.steps, f"{len(self.steps)} window(s) never opened"

    def _fail(self, window: Any, failure: BaseException) -> None:
        self.failure = self.failure or failure
        self.steps.clear()
        window.reject() if hasattr(window, "reject") else window.close()

    def _poll(self) -> None:
        if not self.running:
            return
        QTimer.singleShot(10, self._poll)  # armed first: a press below may open a nested event loop
        window = QApplication.activeModalWidget()
        if window is None or any(window is open_ for open_ in self.before):
            return
        if any(window is busy for busy in self.at_work):
            # Its press has not returned: a question it asked may have closed (hidden, its exec() not yet
            # back, so this poll ran in the question's loop), or one comes next. Not a new step, and
            # not a refusal yet. Only that window's own press counts: the closure form's save keeps
            # working while its question is shown again after the list it offered, a new step.
            return
        # a window shown again after another is a new step, unless none is left
        if self.handled and window is self.handled[-1] or not self.steps and any(window is h for h in self.handled):
            # pressed, its press returned, and still open: it refused
            texts = [label.text() for label in window.findChildren(QLabel) if label.isVisible() and label.text()]
            self._fail(window, AssertionError(f"{type(window).__name__} stayed open: {texts}"))
            return
        if not self.steps:
            self._fail(window, AssertionError(f"an unexpected {type(window).__name__}: {window.windowTitle()}"))
            return
        step = self.steps.pop(0)
        self.handled.append(window)
        try:
            press = step(window)
        except BaseException as exc:  # noqa: BLE001 -- reported by __exit__, after the window is closed
            self._fail(window, exc)
            return
        self.at_work.append(window)  # from now until the press has done its work
        QTimer.singleShot(0, lambda: self._press(window, press))

    def _press(self, window: Any, press: Callable[[], Any]) -> None:
        try:
            press()
        finally:
            del self.at_work[next(i for i, busy in enumerate(self.at_work) if busy is window)]


def yes(modal_steps: list[str] | None = None) -> Callable[[Any], Callable[[], Any]]:
    """The step that answers a question Yes, after checking that No is its default."""
    def step(box: Any) -> Callable[[], Any]:
        assert isinstance(box, QMessageBox), type(box).__name__
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.No), f"Yes by default: {box.text()}"
        if modal_steps is not None:
            modal_steps.append(box.text())
        return box.button(QMessageBox.StandardButton.Yes).click
    return step


def form(kind: type, fill: Callable[[Any], None]) -> Callable[[Any], Callable[[], Any]]:
    """The step that fills a dialog of `kind` and presses its Save (FieldForm) button."""
    def step(dialog: Any) -> Callable[[], Any]:
        assert isinstance(dialog, kind), type(dialog).__name__
        fill(dialog)
        return dialog.save.click
    return step
