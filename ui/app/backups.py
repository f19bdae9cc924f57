"""Backups in the window: the start-up check, the daily backup, and Backup / Restore in the File menu.

The work is booking/ops/backup.py's; this module only asks (which file? really?)
and tells (done, kept aside here). ui/app/main.py calls three entry points:

    check_store(path)              before the store is opened: a damaged store is
                                   explained, with the offer to restore the newest good backup
    start_daily_backup(path)       after the window is up: today's backup on a worker thread
    add_menu_actions(window, desk) Backup... and Restore... in the window's File menu
"""
from __future__ import annotations

import logging
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from booking.ops import backup
from booking.store.audit import SYSTEM
from booking.store.errors import DeskError
from booking.store.i18n import define, tr
from ui.app.mainwindow import MainWindow
from ui.desk.session import Desk

log = logging.getLogger("linli.backup")

#: every kind of thing a restore may have changed, for `Desk.announce`
EVERYTHING = ("booking", "resident", "resource", "rule", "closure", "scan", "setting", "station", "clerk", "fee")

define(
    uib_backup=("备份数据(&K)…", "Bac&k up…"),
    uib_restore=("从备份恢复(&R)…", "&Restore from a backup…"),
    uib_restore_admin_only=("只有管理员可以恢复备份。", "Only an admin can restore a backup."),
    uib_backup_title=("备份数据", "Back up"),
    uib_restore_title=("从备份恢复", "Restore from a backup"),
    uib_files=("邻里服务台备份 (*.sqlite3);;所有文件 (*)", "Linli Desk backups (*.sqlite3);;All files (*)"),
    uib_backup_done=("已备份到：\n{path}\n（{bookings} 条预约，完整性检查通过。）",
                     "Backed up to:\n{path}\n({bookings:booking|bookings}, integrity check passed.)"),
    uib_restore_confirm=("用这份备份替换当前的全部数据吗？\n\n{path}\n备份时间 {taken}，{bookings} 条预约。\n\n"
                         "当前数据会先另存一份，不会丢失。",
                         "Replace all current data with this backup?\n\n{path}\n"
                         "Taken {taken}, {bookings:booking|bookings}.\n\n"
                         "The current data is kept aside first; nothing is lost."),
    uib_restore_done=("已从备份恢复（{bookings} 条预约）。\n恢复前的数据另存为：\n{aside}",
                      "Restored from the backup ({bookings:booking|bookings}).\n"
                      "The data from before is kept as:\n{aside}"),
    uib_restore_button=("恢复这份备份", "Restore this backup"),
    uib_quit_button=("退出", "Quit"),
    uib_start_title=("数据文件有问题", "The store has a problem"),
    uib_adopt_title=("数据文件的新位置", "The store's new place"),
    uib_adopt_question=("在本 Windows 用户的文件夹里找到了旧版本的数据文件：\n{source}\n\n"
                        "现在数据文件放在本机所有用户共用的位置：\n{target}\n\n"
                        "把旧数据复制过去吗？原文件保留不动。选“否”则从空白数据开始。",
                        "A store of an earlier version was found in this Windows user's folder:\n{source}\n\n"
                        "The store now lives where every user of this PC finds it:\n{target}\n\n"
                        "Copy the earlier data there? The original is left as it is. No starts with an "
                        "empty store."),
    uib_start_restored=("已恢复 {taken} 的备份。恢复前的文件另存为：\n{aside}",
                        "The backup of {taken} was restored. The file from before is kept as:\n{aside}"),
)


# --- at start ---------------------------------------------------------------------------------

def check_store(store_path: str | Path, now: datetime, parent: QWidget | None = None) -> bool:
    """True if the desk may open the store (it was sound, or a backup was restored over it).

    Otherwise the user has been told why, in a modal box, and the program should exit.
    """
    backup.clean_leftovers(store_path, now)  # what a killed backup or restore left behind
    try:
        backup.startup_check(store_path, backup.backup_dir())
        return True
    except backup.StoreProblem as problem:
        log.error("start-up check: %s (%s)", problem.problem, store_path)
        if problem.backup is None:
            QMessageBox.critical(parent, tr("uib_start_title"), problem.message())
            return False
        box = QMessageBox(QMessageBox.Icon.Critical, tr("uib_start_title"), problem.message(),
                          QMessageBox.StandardButton.NoButton, parent)
        restore_button = box.addButton(tr("uib_restore_button"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("uib_quit_button"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore_button)
        box.exec()
        if box.clickedButton() is not restore_button:
            return False
        try:
            done = backup.restore(problem.backup, store_path, now, actor=SYSTEM)
        except DeskError as exc:
            QMessageBox.critical(parent, tr("uib_start_title"), exc.message())
            return False
        QMessageBox.information(parent, tr("uib_restore_title"),
                                tr("uib_start_restored", taken=problem.details["backup_taken"],
                                   aside=done["kept_aside"] or "-"))
        return True


def offer_adoption(earlier: Path, store_path: Path, parent: QWidget | None = None) -> bool:
    """At the first start: offer once to copy an earlier per-user store to the per-machine place.

    Once the store exists (copied, or made empty after No) the question is not asked again.
    """
    answer = QMessageBox.question(parent, tr("uib_adopt_title"),
                                  tr("uib_adopt_question", source=str(earlier), target=str(store_path)))
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        done = backup.adopt(earlier, store_path)
    except DeskError as exc:
        QMessageBox.warning(parent, tr("uib_adopt_title"), exc.message())
        return False
    log.info("copied the earlier store %s to %s (%s bookings)", earlier, store_path, done["bookings"])
    return True


def start_daily_backup(store_path: str | Path, today: date,
                       folder: Path | None = None) -> threading.Thread:
    """Today's automatic backup on a worker thread (its own connection), so the window opens at once.

    A failure is not caught here: it reaches the error dialog through
    `threading.excepthook` (ui/app/errors.py), because a backup that silently
    stopped working is worse than an interruption.
    """
    def work() -> None:
        result = backup.auto_backup(store_path, folder, today=today)
        if result.get("daily"):
            log.info("daily backup %s in %s ms; removed %s", result["daily"], result.get("ms"), result["removed"])

    worker = threading.Thread(target=work, name="linli-daily-backup")  # not a daemon: finish before exit
    worker.start()
    return worker


# --- the menu ---------------------------------------------------------------------------------

def add_menu_actions(window: MainWindow, desk: Desk) -> tuple[QAction, QAction]:
    """Put Backup… and Restore… into the window's File menu, above Quit."""
    backup_action = QAction(window)
    restore_action = QAction(window)
    backup_action.triggered.connect(lambda: _ask_and_back_up(window, desk))
    restore_action.triggered.connect(lambda: _ask_and_restore(window, desk))
    menu = getattr(window, "menu_file", None) or window.menuBar().addMenu(tr("uib_backup_title"))
    before = getattr(window, "act_quit", None)
    if before is not None and before in menu.actions():
        separator = menu.insertSeparator(before)
        menu.insertAction(separator, backup_action)
        menu.insertAction(separator, restore_action)
    else:
        menu.addAction(backup_action)
        menu.addAction(restore_action)

    def retranslate(*_: Any) -> None:
        backup_action.setText(tr("uib_backup"))
        restore_action.setText(tr("uib_restore"))
        restore_action.setEnabled(desk.actor.is_admin)
        restore_action.setToolTip("" if desk.actor.is_admin else tr("uib_restore_admin_only"))

    retranslate()
    desk.language_changed.connect(retranslate)
    # A hand-over (MainWindow.switch_clerk) announces "clerk": Restore follows who is signed in now.
    desk.changed.connect(lambda what: retranslate() if "clerk" in what else None)
    window.backup_action, window.restore_action = backup_action, restore_action
    window.restore_watch = watch_for_restores(window, desk)
    return backup_action, restore_action


def back_up_to(desk: Desk, path: str | Path) -> dict[str, Any]:
    """Write a checked backup of the desk's store to `path`."""
    return backup.backup(desk.store, path)


def restore_from(desk: Desk, path: str | Path) -> dict[str, Any]:
    """Restore `path` over the desk's store (the current data kept aside) and refresh every view.

    The desk's own connection is closed first and opened again afterwards: Windows cannot
    replace a file this process holds open (WinError 32), which a damaged store needs.
    """
    if not desk.actor.is_admin:
        raise DeskError("forbidden", "uib_restore_admin_only")
    desk.store.disconnect()
    try:
        done = backup.restore(path, desk.store.path, desk.now(), actor=desk.actor)
    finally:
        desk.store.reopen()  # also takes the new restore generation: this desk did the restore
    desk.announce(*EVERYTHING)
    return done


def watch_for_restores(window: QWidget, desk: Desk, every_ms: int = 5000) -> QTimer:
    """Notice a restore another desk made underneath this one: reopen, refresh, tell the clerk.

    A write notices it too (Store.write refuses and reopens), so nothing is ever confirmed
    into replaced data; this only makes sure the clerk hears of it before trying.
    """
    def look() -> None:
        if desk.store.notice_restore():
            desk.announce(*EVERYTHING)
            QMessageBox.information(window, tr("uib_restore_title"), tr("store_restored"))

    desk.store.on_reopen.append(lambda: desk.announce(*EVERYTHING))  # a write that noticed it
    timer = QTimer(window)
    timer.timeout.connect(look)
    timer.start(every_ms)
    return timer


def _ask_and_back_up(window: QWidget, desk: Desk) -> None:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    suggested = Path(documents) / f"linli-desk-{desk.now():%Y-%m-%d-%H%M}.sqlite3"
    path, _ = QFileDialog.getSaveFileName(window, tr("uib_backup_title"), str(suggested), tr("uib_files"))
    if not path:
        return
    with _busy():
        try:
            done = back_up_to(desk, path)
        except DeskError as exc:
            QMessageBox.warning(window, tr("uib_backup_title"), exc.message())
            return
    QMessageBox.information(window, tr("uib_backup_title"),
                            tr("uib_backup_done", path=done["backup"], bookings=done["bookings"]))


def _ask_and_restore(window: QWidget, desk: Desk) -> None:
    path, _ = QFileDialog.getOpenFileName(window, tr("uib_restore_title"), str(backup.backup_dir()),
                                          tr("uib_files"))
    if not path:
        return
    try:
        about = backup.describe_backup(path)
    except DeskError as exc:
        QMessageBox.warning(window, tr("uib_restore_title"), exc.message())
        return
    answer = QMessageBox.question(window, tr("uib_restore_title"),
                                  tr("uib_restore_confirm", path=path, taken=about["taken"],
                                     bookings=about["bookings"]),
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)  # replacing every record: No unless asked
    if answer != QMessageBox.StandardButton.Yes:
        return
    with _busy():
        try:
            done = restore_from(desk, path)
        except DeskError as exc:
            QMessageBox.warning(window, tr("uib_restore_title"), exc.message())
            return
    log.info("restored %s over %s; kept aside %s", path, desk.store.path, done["kept_aside"])
    QMessageBox.information(window, tr("uib_restore_title"),
                            tr("uib_restore_done", bookings=done["bookings"], aside=done["kept_aside"] or "-"))


class _busy:
    """The wait cursor while a backup or restore runs in the window's thread."""

    def __enter__(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def __exit__(self, *_: object) -> None:
        QGuiApplication.restoreOverrideCursor()
