"""Take docs/server-restore-progress.png and docs/server-backup-progress.png: 文件 › 恢复… and 备份… in the
window on a store on the PostgreSQL server, each with its progress dialog over the window while the worker
(a connection of its own, ui/app/backups.py `in_background`) restores or backs up, the whole screen at
1366×768 under a window manager:

    Xvfb :47 -screen 0 1366x768x24 & DISPLAY=:47 openbox &
    LINLI_DB_PASSWORD=… DISPLAY=:47 python docs/make_backup_screenshots.py \
        "postgresql://linli_owner@127.0.0.1:PORT/linli?sslmode=verify-full&sslrootcert=/path/ca.crt"

The URL names the store's owner (only the owner may restore: docs/shared-store.md, step 3) on a store made
by `init`; whatever it holds is replaced (and kept aside in this run's temporary backups folder). The script
makes a half-year demo store file in a temporary folder (and restores it onto a server store with no booking
yet, so that a desk's board is behind the dialogs), restores it onto the server from the menu (the file
chooser and the question answered as the admin answers them), then backs the server store up into a file;
each picture is taken a moment after its progress dialog came up (the restore of the half year takes
15-30 s here, the backup 1-3 s). `--lang en` takes them in English. The
docs' pictures were taken against the throwaway TLS server of docs/make_screen_screenshots.py.
"""
from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["LINLI_DATA_DIR"] = tempfile.mkdtemp(prefix="linli-backup-shots-")

from PySide6.QtCore import QElapsedTimer, QSettings, QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox, QProgressDialog, QWidget  # noqa: E402

from booking.ops import demo, serverrestore, setup  # noqa: E402
from booking.store import location  # noqa: E402
from booking.store.audit import Actor  # noqa: E402
from ui.app import backups  # noqa: E402
from ui.app.main import BASE_POINT_SIZE  # noqa: E402
from ui.app.mainwindow import MainWindow  # noqa: E402
from ui.desk import language  # noqa: E402
from ui.desk.fonts import ui_font  # noqa: E402
from ui.desk.session import Desk  # noqa: E402

NOW = datetime(2026, 11, 24, 15, 40)
ADMIN = Actor("王主任", "admin")
TEMP = Path(os.environ["LINLI_DATA_DIR"])


def settle(ms: int = 400) -> None:
    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < ms:
        QApplication.processEvents()


def until(found: Callable[[], QWidget | None], what: str, ms: int = 120_000) -> QWidget:
    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < ms:
        widget = found()
        if widget is not None:
            return widget
        QApplication.processEvents()
    raise SystemExit(f"{what} never came")


def modal(kind: type) -> Callable[[], QWidget | None]:
    def find() -> QWidget | None:
        widget = QApplication.activeModalWidget()
        return widget if isinstance(widget, kind) and widget.isVisible() else None
    return find


def answer_chooser(path: Path, then: Callable[[], None] | None = None) -> None:
    """The file chooser: the file typed in and accepted, as the admin does; then the next window's answer
    (armed only now: two waiting at once would nest, and the outer one could never go on)."""
    def answer() -> None:
        chooser = until(modal(QFileDialog), "the file chooser")
        assert isinstance(chooser, QFileDialog)
        settle(300)
        typed = chooser.findChild(QLineEdit, "fileNameEdit")  # Qt's own chooser (no platform dialog here)
        typed.setFocus()
        typed.setText(str(path))
        if then is not None:
            QTimer.singleShot(100, then)
        chooser.accept()
    QTimer.singleShot(100, answer)


def answer_question_yes() -> None:
    box = until(modal(QMessageBox), "the restore's question")
    assert isinstance(box, QMessageBox)
    settle(300)
    yes = box.button(QMessageBox.StandardButton.Yes)
    if yes is None:  # a refusal instead of the question
        QGuiApplication.primaryScreen().grabWindow(0).save(str(TEMP / "refused.png"))
        print(box.text(), file=sys.stderr)
        os._exit(1)
    yes.click()


def shoot_progress(name: str) -> None:
    """A moment after the progress dialog came up: the whole screen; then the work's answer, closed."""
    dialog = until(modal(QProgressDialog), f"{name}'s progress dialog")
    settle(700)
    if not dialog.isVisible():
        raise SystemExit(f"{name}: the work ended before its picture (use a bigger store)")
    QGuiApplication.primaryScreen().grabWindow(0).save(str(ROOT / "docs" / name))
    print(name, repr(dialog.labelText()))
    answers: list[str] = []

    def close_the_answer() -> None:  # a timer, not a wait: the answer's exec() runs inside this loop's events
        box = modal(QMessageBox)()
        if isinstance(box, QMessageBox):
            answers.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(100, close_the_answer)

    QTimer.singleShot(100, close_the_answer)
    timer = QElapsedTimer()
    timer.start()
    while not answers and timer.elapsed() < 600_000:
        QApplication.processEvents()
    print("  ", answers[0] if answers else "no answer within 10 minutes")
    settle(300)


def main(url: str, lang: str) -> None:
    app = QApplication(sys.argv[:1])
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(TEMP))
    language.apply(lang, remember=False)
    app.setFont(ui_font(BASE_POINT_SIZE))
    source = TEMP / "demo-half-year.sqlite3"
    made = setup.open_ready(source, now=NOW)
    demo.fill(made, years=0.5, now=NOW)
    made.close()
    server = location.parse(url)
    assert isinstance(server, location.StoreServer), url
    server = dataclasses.replace(server, password=os.environ.get("LINLI_DB_PASSWORD") or None)
    store = setup.open_ready(server, now=NOW)
    if not store.sql("SELECT count(*) FROM booking").fetchone()[0]:  # a new store: a desk's board behind the dialogs
        serverrestore.restore_server(source, store, NOW, actor=ADMIN, folder=TEMP / "backups")
    desk = Desk(store, ADMIN, fixed_now=NOW)
    window = MainWindow(desk, QSettings(str(TEMP / "w.ini"), QSettings.Format.IniFormat))
    backups.add_menu_actions(window, desk)  # as ui/app/main.py does
    window.show()
    settle(1500)
    window.minute()
    settle(300)

    answer_chooser(source, then=answer_question_yes)
    window.restore_action.trigger()
    shoot_progress("server-restore-progress.png")

    answer_chooser(TEMP / "linli-desk-2026-11-24-1540.sqlite3")
    window.backup_action.trigger()
    shoot_progress("server-backup-progress.png")
    window.close()
    store.close()


def option(flag: str) -> str | None:
    return sys.argv[sys.argv.index(flag) + 1] if flag in sys.argv else None


if __name__ == "__main__":
    main(sys.argv[1], option("--lang") or "zh")
