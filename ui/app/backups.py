"""Backups in the window: the start-up check, the daily backup, and Backup / Restore in the File menu.

The work is booking/ops/backup.py's, restore.py's and startup.py's; this module only asks (which file? really?)
and tells (done, kept aside here). ui/app/main.py calls four entry points:

    check_store(path)              before the store is opened: a damaged store is
                                   explained, with the offer to restore the newest good backup
    StoreCheckReport(store)        the whole-file check the window's quick open left owed
                                   (store.DamageCheck, on its worker thread): damage it finds
                                   is explained the same way; until it passed nothing is written
    start_daily_backup(place)      after the window is up: today's backup on a worker thread (of a
                                   server store: by the owner's desk only, backup.desk_daily_backup)
    add_menu_actions(window, desk) Backup... and Restore... in the window's File menu (on a server
                                   store: on a worker with its own connection, in_background)
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from booking.ops import backup, restore, serverrestore, startup
from booking.ops.outcomes import Backup, DailyBackup, Restored, Stage, StageProgress
from booking.store.audit import SYSTEM
from booking.store.connection import Store
from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.location import StoreServer
from ui.app.mainwindow import MainWindow
from ui.desk.session import Desk, follow
from ui.widgets.confirm import ask
from ui.widgets.longwork import LongWork, Progress, Work
from ui.widgets.storeplace import on_server, open_again, place_of

log = logging.getLogger("linli.backup")

#: a restore may have changed every kind of thing the store holds
EVERYTHING = Changes.everything()


# --- at start ---------------------------------------------------------------------------------

def check_store(store_path: str | Path, now: datetime, parent: QWidget | None = None, *,
                damage: bool = True) -> bool:
    """True if the desk may open the store (it was sound, or a backup was restored over it).

    Otherwise the user has been told why, in a modal box, and the program should exit.
    `damage=False` leaves the whole-file check to `StoreCheckReport` after the store is open.
    """
    restore.clean_leftovers(store_path, now)  # what a killed backup or restore left behind
    try:
        startup.startup_check(store_path, backup.backup_dir(), damage=damage)
        return True
    except startup.StoreProblem as problem:
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
            done = restore.restore(problem.backup, store_path, now, actor=SYSTEM)
        except DeskError as exc:
            QMessageBox.critical(parent, tr("uib_start_title"), exc.message())
            return False
        QMessageBox.information(parent, tr("uib_restore_title"),
                                tr("uib_start_restored", taken=problem.details["backup_taken"],
                                   aside=done.kept_aside or "-"))
        return True


class StoreCheckReport(QObject):
    """Tells the clerk what the whole-file check of the open store found (`store.DamageCheck`).

    The check runs on its own thread and read-only connection from the moment the store was
    opened (while the clerk signs in); the store itself holds every write back until it has
    passed and refuses them after it found damage. This only explains: on damage, the box
    of the start-up check (`check_store`) with its offer of the newest good backup, over the
    window once there is one; on a pass, whatever waited for it (`after_pass`).
    """

    passed = Signal()
    #: the StoreProblem, as the start-up check would have raised it
    found = Signal(object)

    def __init__(self, store: Store, now: Callable[[], datetime], backups_folder: Path | None = None) -> None:
        super().__init__()
        self.store = store
        self.check = store.damage_check
        self.now = now
        self.folder = backups_folder
        self.window: QWidget | None = None
        self.desk: Desk | None = None
        self.problem: startup.StoreProblem | None = None
        self._after_pass: list[Callable[[], object]] = []
        self._ended = False
        # queued: the check's thread emits, the GUI thread shows
        self.passed.connect(self._passed, Qt.ConnectionType.QueuedConnection)
        self.found.connect(self._found, Qt.ConnectionType.QueuedConnection)
        if self.check is not None:
            self.check.when_answered(self._answered)

    @property
    def pending(self) -> bool:
        return self.check is not None and not self.check.answered

    def attach(self, window: QWidget, desk: Desk) -> None:
        """From now on the box comes over `window`, and a restore is made as `desk`'s clerk."""
        self.window, self.desk = window, desk

    def end(self) -> None:
        """The window has closed: an answer still to come is only logged."""
        self._ended = True

    def after_pass(self, work: Callable[[], object]) -> None:
        """Run `work` on the GUI thread once the store passed (at once if it has, or was never owed)."""
        if self.check is None or (self.check.answered and self.check.problem is None):
            work()
        elif not self.check.answered:
            self._after_pass.append(work)

    def _answered(self, error: DeskError | None) -> None:  # on the check's thread
        if error is None:
            self.passed.emit()
            return
        # the backup to offer is itself checked (quick_check of each candidate): here, off the GUI thread
        self.found.emit(startup.whole_file_problem(self.store.path, error, self.folder or backup.backup_dir()))

    def _passed(self) -> None:
        log.info("whole-file check of %s passed in %.2f s", self.store.path, getattr(self.check, "seconds", 0) or 0)
        if self._ended:
            return
        waiting, self._after_pass = self._after_pass, []
        for work in waiting:
            work()

    def _found(self, problem: startup.StoreProblem) -> None:
        if self.store.damage_check is not self.check:
            return  # a restore replaced the file meanwhile: what was found is gone with it
        self.problem = problem
        self._after_pass.clear()
        log.error("whole-file check: %s (%s)", problem.problem, self.store.path)
        if self._ended:
            return
        text = problem.message() + "\n\n" + tr("uib_window_saves_nothing")
        if problem.backup is None:
            QMessageBox.critical(self.window, tr("uib_start_title"), text)
            return
        box = QMessageBox(QMessageBox.Icon.Critical, tr("uib_start_title"), text,
                          QMessageBox.StandardButton.NoButton, self.window)
        restore_button = box.addButton(tr("uib_restore_button"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("uib_not_now_button"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore_button)
        box.exec()
        if box.clickedButton() is not restore_button:
            return
        try:
            done = self._restore(problem.backup)
        except DeskError as exc:
            QMessageBox.critical(self.window, tr("uib_start_title"), exc.message())
            return
        QMessageBox.information(self.window, tr("uib_restore_title"),
                                tr("uib_start_restored", taken=problem.details["backup_taken"],
                                   aside=done.kept_aside or "-"))

    def _restore(self, offered: Path) -> Restored:
        """The start-up check's offer, taken from the window: any clerk may, as anyone who starts
        the program may at the start-up check, because it is only ever the newest intact backup
        that holds no less than what the damaged store still reads."""
        if self.desk is not None:
            return restore_from(self.desk, offered, offered=True)
        self.store.disconnect()  # before the sign-in: no desk yet, as at the start-up check
        try:
            return restore.restore(offered, self.store.path, self.now(), actor=SYSTEM)
        finally:
            self.store.reopen()


def offer_adoption(earlier: Path, store_path: Path, parent: QWidget | None = None) -> bool:
    """At the first start: offer once to copy an earlier per-user store to the per-machine place.

    Once the store exists (copied, or made empty after No) the question is not asked again.
    """
    # Yes by default, as ever: the first start offers what the person came for, and No loses nothing.
    if not ask(parent, tr("uib_adopt_title"), tr("uib_adopt_question", source=str(earlier), target=str(store_path)),
               default_yes=True):
        return False
    try:
        done = backup.adopt(earlier, store_path)
    except DeskError as exc:
        QMessageBox.warning(parent, tr("uib_adopt_title"), exc.message())
        return False
    log.info("copied the earlier store %s to %s (%s bookings)", earlier, store_path, done.bookings)
    return True


class DailyBackupThread(threading.Thread):
    """Today's automatic backup on its own thread and connection; `result` once it has run."""

    def __init__(self, place: str | Path | StoreServer, today: date, folder: Path | None) -> None:
        super().__init__(name="linli-daily-backup")  # not a daemon: finish before exit
        self.place, self.today, self.folder = place, today, folder
        self.result: DailyBackup | None = None

    def run(self) -> None:
        if isinstance(self.place, StoreServer):
            # a connection of its own (the window's stays free for the desk): a REPEATABLE READ
            # snapshot read while the desks go on booking (booking/ops/serverbackup.py)
            store = open_again(self.place)
            try:
                self.result = backup.desk_daily_backup(store, self.folder, today=self.today)
            finally:
                store.close()
        else:
            self.result = backup.desk_daily_backup(self.place, self.folder, today=self.today)
        if self.result.daily:
            log.info("daily backup %s in %s ms; removed %s", self.result.daily, self.result.ms, self.result.removed)
        elif self.result.skipped == "not_owner":
            log.info("no daily backup of the server store here: the desk signed in as its owner takes it")


def start_daily_backup(place: str | Path | StoreServer, today: date,
                       folder: Path | None = None) -> DailyBackupThread:
    """Today's automatic backup of the store file, or of the store on the server (`place`), on a worker
    thread with its own connection, so the window opens at once and stays usable while it runs.

    A failure is not caught here: it reaches the error dialog through
    `threading.excepthook` (ui/app/errors.py), because a backup that silently
    stopped working is worse than an interruption.
    """
    worker = DailyBackupThread(place, today, folder)
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
    follow(desk.language_changed, backup_action, retranslate)  # the two entries are deleted together
    # A hand-over (MainWindow.switch_clerk) announces signed_in: Restore follows who is signed in now.
    follow(desk.changed, backup_action, lambda changes, _origin: retranslate() if changes.signed_in else None)
    window.backup_action, window.restore_action = backup_action, restore_action
    window.restore_watch = watch_for_restores(window, desk)
    return backup_action, restore_action


def back_up_to(desk: Desk, path: str | Path) -> Backup:
    """Write a checked backup of the desk's store to `path` (of a server store: a Linli SQLite file)."""
    return backup.backup(desk.store, path)


def restore_from(desk: Desk, path: str | Path, *, offered: bool = False) -> Restored:
    """Restore `path` over the desk's store (the current data kept aside) and refresh every view.

    The desk's own connection is closed first and opened again afterwards: Windows cannot
    replace a file this process holds open (WinError 32), which a damaged store needs.
    Only an admin chooses a backup; `offered` is the start-up check's offer over a damaged
    store (`StoreCheckReport`), which the clerk at the desk may take.
    """
    if not offered and not desk.actor.is_admin:
        raise DeskError("forbidden", "uib_restore_admin_only")
    if on_server(desk.store):  # one transaction on the server: no file to let go of
        done = serverrestore.restore_server(path, desk.store, desk.now(), actor=desk.actor)
        desk.notify(EVERYTHING)
        return done
    desk.store.disconnect()
    try:
        done = restore.restore(path, desk.store.path, desk.now(), actor=desk.actor)
    finally:
        desk.store.reopen()  # also takes the new restore generation: this desk did the restore
    desk.notify(EVERYTHING)
    return done


def watch_for_restores(window: QWidget, desk: Desk, every_ms: int = 5000) -> QTimer:
    """Notice a restore another desk made underneath this one: reopen, refresh, tell the clerk.

    A write notices it too (Store.write refuses and reopens), so nothing is ever confirmed
    into replaced data; this only makes sure the clerk hears of it before trying.
    """
    def look() -> None:
        if desk.store.notice_restore():
            desk.notify(EVERYTHING)
            QMessageBox.information(window, tr("uib_restore_title"), tr("store_restored"))

    desk.store.on_reopen.append(lambda: desk.notify(EVERYTHING))  # a write that noticed it
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

    def said(done: Backup) -> None:
        QMessageBox.information(window, tr("uib_backup_title"),
                                tr("uib_backup_done", path=done.path, bookings=done.bookings))

    if on_server(desk.store):  # seconds of reading the server: on a worker, the window stays drawn
        in_background(window, desk, tr("uib_backup_title"),
                      lambda store, progress: backup.backup(store, path, told(progress)), said)
        return
    with _busy():
        try:
            done = back_up_to(desk, path)
        except DeskError as exc:
            QMessageBox.warning(window, tr("uib_backup_title"), exc.message())
            return
    said(done)


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
    if not ask(window, tr("uib_restore_title"),  # replacing every record: No unless asked
               tr("uib_restore_confirm", path=path, taken=about.taken, bookings=about.bookings)):
        return

    def said(done: Restored) -> None:
        log.info("restored %s over %s; kept aside %s", path, desk.store.path, done.kept_aside)
        QMessageBox.information(window, tr("uib_restore_title"),
                                tr("uib_restore_done", bookings=done.bookings, aside=done.kept_aside or "-"))

    if on_server(desk.store):
        try:
            restore_in_background(window, desk, path, said)
        except DeskError as exc:
            QMessageBox.warning(window, tr("uib_restore_title"), exc.message())
        return
    with _busy():
        try:
            done = restore_from(desk, path)
        except DeskError as exc:
            QMessageBox.warning(window, tr("uib_restore_title"), exc.message())
            return
    said(done)


#: the words of each stage of a server backup or restore (booking/ops/outcomes.Stage) in its progress dialog
STAGE_WORDS = {"file": "uib_stage_file", "keep": "uib_stage_keep", "clear": "uib_stage_clear",
               "restore": "uib_stage_restore", "verify": "uib_stage_verify", "backup": "uib_stage_backup"}


def stage_words(stage: Stage) -> str:
    """What a backup or a restore of a server store is doing, as its dialog says it: 正在恢复 booking（3/18）."""
    return tr(STAGE_WORDS[stage.stage], table=stage.table, number=stage.number, count=stage.count)


def told(progress: Progress) -> StageProgress:
    """The domain's stages to a LongWork's progress: the words, and the bar over the whole work."""
    return lambda stage: progress(stage.done, stage.total, stage_words(stage))


def in_background(window: QWidget, desk: Desk, title: str, work: Work,
                  said: Callable[[Any], object], ended: Callable[[], object] | None = None) -> LongWork:
    """`work` on a worker thread with a connection of its own to the desk's server store (a backup or
    a restore there takes seconds to a minute: the window stays drawn, its progress dialog over it,
    saying which table of how many it is at, `told`).
    One transaction, so no Cancel: it ends by itself, whole or not at all. `said(result)` or the
    refusal in a box, on the window's thread; then `ended()`."""
    job = LongWork(place_of(desk.store), work, title, window)
    job.dialog.setCancelButton(None)  # type: ignore[arg-type]  # Qt: None shows no Cancel button
    job.succeeded.connect(said)
    job.failed.connect(lambda exc: QMessageBox.warning(window, title, exc.message()))
    if ended is not None:
        job.finished.connect(ended)
    jobs: list[LongWork] = getattr(window, "backup_jobs", [])  # kept alive while it runs
    window.backup_jobs = jobs  # type: ignore[attr-defined]
    jobs.append(job)
    job.finished.connect(lambda: jobs.remove(job))
    job.start()
    return job


def restore_in_background(window: QWidget, desk: Desk, path: str | Path,
                          said: Callable[[Restored], object]) -> LongWork:
    """`restore_from` on a server store, on a worker (`in_background`): the restore's own connection
    holds the write lock and the transaction; this desk's takes the new generation afterwards, as from
    another desk's restore, but without "restored elsewhere" (its watch is paused meanwhile)."""
    if not desk.actor.is_admin:
        raise DeskError("forbidden", "uib_restore_admin_only")
    actor, now = desk.actor, desk.now()
    watch: QTimer | None = getattr(window, "restore_watch", None)
    if watch is not None:
        watch.stop()

    def taken(done: Restored) -> None:
        desk.store.notice_restore()  # the new generation; its on_reopen refreshes the views
        desk.notify(EVERYTHING)
        said(done)

    def ended() -> None:
        if watch is not None:
            watch.start()

    return in_background(window, desk, tr("uib_restore_title"),
                         lambda store, progress: serverrestore.restore_server(path, store, now, actor=actor,
                                                                              progress=told(progress)),
                         taken, ended)


class _busy:
    """The wait cursor while a backup or restore runs in the window's thread."""

    def __enter__(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def __exit__(self, *_: object) -> None:
        QGuiApplication.restoreOverrideCursor()
