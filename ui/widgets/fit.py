"""Every window fits the screen it opens on: the PCs of a community office are 1366×768
laptops and monitors at Windows' 125 % or 150 %, where a 1400×860 window hides half itself.

- `place_first_window` sizes the desk window from the screen's available geometry the first
  time (maximised on a small screen, centred otherwise); `bring_on_screen` brings a
  remembered geometry back when the monitor it was saved on is gone.
- `install()` puts one application-wide filter in place that fits every dialog as it is shown:
  never larger than the available geometry, and when its content cannot shrink that far it
  scrolls, its buttons staying below the scrolling part, always visible. One helper for every
  dialog, including those written after this one, so nobody has to remember to call it.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import (QApplication, QBoxLayout, QDialog, QDialogButtonBox, QFileDialog, QFrame,
                               QMainWindow, QMessageBox, QProgressDialog, QProxyStyle, QScrollArea, QStyle,
                               QVBoxLayout, QWidget)

from booking.store.i18n import tr

#: below this available size (logical pixels) the desk window opens maximised
SMALL = QSize(1600, 900)
#: the desk window's size on a larger screen: room for the board and the scan panel
COMFORTABLE = QSize(1440, 880)
#: room kept for the title bar and borders a window manager adds around a window
FRAME = QSize(16, 40)
SCROLLED = "fitScrolls"  # dynamic property: the dialog's content was put in a scroll area


def screen_of(widget: QWidget) -> QScreen:
    """The screen the widget is on (or will open on): its parent's, else the primary one."""
    parent = widget.parentWidget()
    anchor = parent.window() if parent is not None else widget
    screen = anchor.screen() if anchor.isVisible() else None
    if screen is None:
        screen = QGuiApplication.screenAt(anchor.frameGeometry().center()) or QGuiApplication.primaryScreen()
    return screen


def available(widget: QWidget) -> QRect:
    return screen_of(widget).availableGeometry()


def _frame_extra(widget: QWidget) -> QSize:
    """The window manager's frame around the widget (a guess before it is shown)."""
    if widget.isVisible() and widget.windowHandle() is not None:
        frame, inner = widget.frameGeometry(), widget.geometry()
        extra = QSize(frame.width() - inner.width(), frame.height() - inner.height())
        if extra.width() > 0 or extra.height() > 0:
            return extra
    return FRAME


def room(widget: QWidget) -> QSize:
    """The largest client size whose frame still fits the available geometry."""
    area, extra = available(widget), _frame_extra(widget)
    return QSize(max(200, area.width() - extra.width()), max(150, area.height() - extra.height()))


def place_first_window(window: QMainWindow) -> None:
    """The first start: maximised on a small screen, else a comfortable size centred on it."""
    area, limit = available(window), room(window)
    if area.width() < SMALL.width() or area.height() < SMALL.height():
        window.resize(limit)
        window.move(area.topLeft())
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
        return
    size = COMFORTABLE.boundedTo(limit)
    window.resize(size)
    centre = area.center()
    window.move(QPoint(centre.x() - size.width() // 2, centre.y() - size.height() // 2))


def bring_on_screen(window: QWidget) -> None:
    """A geometry remembered on a larger or another monitor: shrunk and moved to fit this one."""
    if window.isMaximized() or window.isFullScreen():
        return
    area, limit = available(window), room(window)
    size = window.size().boundedTo(limit).expandedTo(window.minimumSizeHint().boundedTo(limit))
    if size != window.size():
        window.resize(size)
    extra = _frame_extra(window)
    frame = QRect(window.pos(), QSize(size.width() + extra.width(), size.height() + extra.height()))
    x = min(max(frame.left(), area.left()), area.right() + 1 - frame.width())
    y = min(max(frame.top(), area.top()), area.bottom() + 1 - frame.height())
    if (x, y) != (frame.left(), frame.top()):
        window.move(x, y)


def _holds_buttons(item) -> bool:
    """Does this layout item hold the dialog's buttons (a button box, or a row of buttons)?"""
    widget = item.widget()
    if widget is not None:
        return isinstance(widget, QDialogButtonBox) or bool(widget.findChildren(QDialogButtonBox))
    layout = item.layout()
    if layout is None:
        return False
    for n in range(layout.count()):
        if _holds_buttons(layout.itemAt(n)):
            return True
    return False


def make_scrollable(dialog: QDialog) -> QScrollArea | None:
    """Put everything above the dialog's buttons in a scroll area; the buttons stay below it.

    Only the top-level layout is rearranged (its items keep their order and stretch); the
    widgets themselves are untouched, so the dialog's own code goes on using them."""
    if dialog.property(SCROLLED):
        return dialog.findChild(QScrollArea, "fitScroll")
    top = dialog.layout()
    if not isinstance(top, QBoxLayout) or top.direction() not in (QBoxLayout.Direction.TopToBottom,):
        return None
    split = top.count()
    for n in range(top.count() - 1, -1, -1):
        if _holds_buttons(top.itemAt(n)):
            split = n
            break
    if split == 0:
        return None
    inner = QWidget()
    inner.setObjectName("fitContent")
    inner_layout = QVBoxLayout(inner)
    inner_layout.setContentsMargins(0, 0, 0, 0)
    inner_layout.setSpacing(top.spacing())
    stretches = [top.stretch(n) for n in range(split)]
    for stretch in stretches:
        item = top.takeAt(0)
        assert item is not None  # one of the `split` items counted above
        child, sub = item.widget(), item.layout()
        if child is not None:
            inner_layout.addWidget(child, stretch)
        elif sub is not None:
            sub.setParent(None)
            inner_layout.addLayout(sub, stretch)
        else:
            inner_layout.addItem(item)
    scroll = QScrollArea(dialog)
    scroll.setObjectName("fitScroll")
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidgetResizable(True)
    scroll.setWidget(inner)
    top.insertWidget(0, scroll, 1)
    dialog.setProperty(SCROLLED, True)
    return scroll


def _builtin(dialog: QDialog) -> bool:
    """Qt's own dialogs lay themselves out; they are only kept within the screen."""
    kind = type(dialog)
    return kind is not QDialog and (isinstance(dialog, (QMessageBox, QFileDialog, QProgressDialog))
                                    or kind.__module__.startswith("PySide6"))


def fit_dialog(dialog: QDialog) -> None:
    """Keep `dialog` within the available geometry, scrolling its content if it must."""
    limit = room(dialog)
    dialog.ensurePolished()
    layout = dialog.layout()
    if layout is not None:
        layout.activate()
    needed = dialog.minimumSizeHint()
    wanted = dialog.sizeHint()
    if (needed.height() > limit.height() or needed.width() > limit.width()) and not _builtin(dialog):
        scroll = make_scrollable(dialog)
        if scroll is not None and layout is not None:
            layout.activate()
            # room beside the content for the scroll bar, or the widest row scrolls sideways too
            bar = scroll.verticalScrollBar().sizeHint().width()
            wanted.setWidth(wanted.width() + bar)
            needed.setWidth(needed.width() + bar)
    # the size its content asked for before it scrolled: a scroll area's own hint can be a few lines
    # (the store setting opened 126 px tall at 1366×768 and 150 %, its fields out of sight)
    size = dialog.size() if dialog.testAttribute(Qt.WidgetAttribute.WA_Resized) else wanted.expandedTo(needed)
    size = size.boundedTo(limit)
    dialog.setMaximumSize(dialog.maximumSize().expandedTo(QSize(1, 1)))
    if dialog.minimumWidth() > limit.width() or dialog.minimumHeight() > limit.height():
        dialog.setMinimumSize(dialog.minimumSize().boundedTo(limit))
    dialog.resize(size)


def grow(dialog: QWidget) -> None:
    """After a message appeared in an open dialog: taller if its text needs it (never beyond the
    screen, never narrower), so a wrapped sentence is not cut off at the bottom."""
    layout = dialog.layout()
    if layout is not None:
        layout.activate()
    needed = dialog.sizeHint().expandedTo(dialog.size()).boundedTo(room(dialog))
    if layout is not None and layout.hasHeightForWidth():
        needed.setHeight(min(max(needed.height(), layout.totalHeightForWidth(dialog.width())), room(dialog).height()))
    if needed != dialog.size():
        dialog.resize(needed)
        keep_on_screen(dialog)  # taller downwards: its bottom and buttons must not leave the screen


def keep_on_screen(widget: QWidget) -> None:
    """After the window manager placed it: move a window that sticks out back within the screen."""
    if widget.isVisible() and not widget.isMaximized():
        bring_on_screen(widget)


class RoomyMenus(QProxyStyle):
    """Menu entries a little wider than the style measures them.

    At 125 % and 150 % Qt measures a Chinese menu entry a few pixels narrower than it draws it
    (the fallback CJK font's advances round differently), and the menu then elides it:
    "车位、场地…(P)…" for 车位、场地与规则(P)…, "月度使用…U)…". Half an em more keeps every entry whole."""

    def sizeFromContents(self, kind: QStyle.ContentsType, option, size: QSize, widget=None) -> QSize:  # noqa: N802
        found = super().sizeFromContents(kind, option, size, widget)
        if kind == QStyle.ContentsType.CT_MenuItem and option is not None:
            found.setWidth(found.width() + option.fontMetrics.height())
        return found


def name_untitled(window: QWidget) -> None:
    """A window without a title would show the program's file name, "LinliDesk": give it the
    program's name in the language in use instead."""
    if window.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog) and not window.windowTitle():
        window.setWindowTitle(tr("uis_app_name"))


class _Fitter(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            name_untitled(watched)
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog) and watched.isWindow():
            fit_dialog(watched)
            QTimer.singleShot(0, watched, lambda w=watched: keep_on_screen(w))
        return False


_fitter: _Fitter | None = None


def install() -> None:
    """Fit every dialog the application shows from now on (once per application)."""
    global _fitter
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if _fitter is None:
        _fitter = _Fitter(app)
        app.installEventFilter(_fitter)
    if not isinstance(app.style(), RoomyMenus):  # again after a setStyle (the theme's) put a plain style back
        app.setStyle(RoomyMenus(app.style().name()))

