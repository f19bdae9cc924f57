"""Starting the desk window: options, the Qt application, language and fonts, the store, the window.

A store that cannot be opened (not a store, written by a newer version, no
room on the disk ...) is explained in a message box and the program exits 1;
the user never sees a traceback.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from booking import cli
from booking.ops import setup
from booking.people import clerks
from booking.store import i18n, location
from booking.store.audit import Actor
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.paths import APPLICATION, ORGANIZATION, earlier_user_store
from booking.store.validation import parse_minute
from ui.app import backups, errors, instance as instances, signin
from ui.desk import language, theme
from ui.desk.session import Desk, current_minute
from ui.desk.fonts import ui_font
from ui.app.mainwindow import MainWindow


BASE_POINT_SIZE = 11.0  # larger than Windows' 9 pt: the clerks read the board from a step away


def _fail(title: str, message: str) -> int:
    QMessageBox.critical(None, title, message)
    return 1


def _sign_in(store: Any, now: datetime | None = None) -> Actor | None:
    """The clerk at the desk, from the sign-in dialog (None if they quit). The sign-in module is a
    plain import: a program without it does not start, and nobody is ever signed in without it."""
    spec = os.environ.get("LINLI_SMOKE_SIGNIN")
    if spec:
        _type_sign_in(spec)
    return signin.sign_in(store, now=(lambda: now) if now is not None else None)


def may_fix_clock(store: Any, actor: Actor) -> bool:
    """Fixing the clock is an admin's act (as for the commands): a clerk's window follows the real clock.
    A store without accounts has nobody to ask yet; the first admin is made at the sign-in."""
    return actor.is_admin or not clerks.count(store)


def _type_sign_in(spec: str, tries: int = 100) -> None:
    """For the start-up smoke test: type "name:password" into the sign-in dialog and submit it,
    exactly as a clerk would (the password is checked as always; nothing is bypassed)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    name, _, password = spec.partition(":")

    def fill(left: int = tries) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, signin.SignInDialog):
            if left:
                QTimer.singleShot(50, lambda: fill(left - 1))
            return
        dialog.name.setText(name)
        dialog.password.setText(password)
        dialog.again.setText(password)
        dialog.submit()

    QTimer.singleShot(0, fill)


def _smoke_close(window: Any) -> None:
    """For the start-up smoke test: say what the window shows, then close it as a clerk would."""
    board = window.board
    shown = sum(len(board.model.blocks(n)) for n in range(board.model.rowCount()))
    print(f"linli-smoke: window shown for {window.desk.actor.name}, {shown} bookings on {board.day()}", flush=True)
    window.close()


def run_window(argv: Sequence[str]) -> int:
    """Open the desk window; returns the exit code (0 normal, 1 the store or an option was refused)."""
    args = cli.build_parser().parse_args(list(argv))
    i18n.set_language(args.lang or i18n.default_language())

    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationName(APPLICATION)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "linli-desk"])
    language.start(list(argv))  # --lang, else the remembered choice; Qt's catalogs and locale with it
    QApplication.setFont(ui_font(BASE_POINT_SIZE))
    theme.apply(app)  # light, whatever Windows' dark mode: the board's colours are light (ui/desk/theme.py)
    errors.install()

    try:
        fixed_now = parse_minute(args.now, "now") if args.now else None
        where = location.resolve(args.db, os.environ)  # --db, else LINLI_DB, else the data folder's file
        if isinstance(where, location.StoreServer):  # checked, but not usable yet (issue 15)
            raise DeskError("store", "store_server_not_yet", url=where.shown())
    except DeskError as exc:
        return _fail(tr("ui_main_cannot_start"), exc.message())
    store_path = where.path
    named = bool(args.db or os.environ.get(location.ENV, "").strip())
    instance = instances.claim_or_explain(store_path)
    if instance is None:
        return 0  # the store is open in another desk window, which was brought forward

    try:
        earlier = earlier_user_store() if not named and not store_path.exists() else None
        if earlier is not None:
            backups.offer_adoption(earlier, store_path)  # once: afterwards the store exists
        # damaged, locked, read-only or full: explained (a restore offered), nothing changed.
        # The whole-file damage check (a second or two on ten years) is left out here: it runs
        # on a worker thread once the store is open, and the store writes nothing before it passed.
        if not backups.check_store(store_path, current_minute(fixed_now), damage=False):
            return 1
        try:
            # the window's first start makes the store
            store = setup.open_ready(store_path, now=current_minute(fixed_now), create=True, full_check=False)
        except DeskError as exc:
            return _fail(tr("ui_main_cannot_start"), exc.message())
        try:
            report = backups.StoreCheckReport(store, lambda: current_minute(fixed_now))
            return _run_desk(app, store, store_path, instance, fixed_now, report)
        finally:
            store.close()
    finally:
        instance.release()


def _run_desk(app: Any, store: Any, store_path: Path, instance: Any, fixed_now: datetime | None,
              report: backups.StoreCheckReport) -> int:
    actor = _sign_in(store, fixed_now)  # the whole-file check runs meanwhile
    if actor is None:  # the clerk chose Quit at the sign-in
        return 0
    if fixed_now is not None and not may_fix_clock(store, actor):
        return _fail(tr("ui_main_cannot_start"), tr("ui_main_fixed_clock_admin"))
    desk = Desk(store, actor, fixed_now)
    desk.take_over(actor)  # an admin's fixed clock is noted in every audit entry
    unchecked = report.pending  # then the window's first sweep is turned away: it runs again on the pass
    window = MainWindow(desk)
    instance.watch(window)
    backups.add_menu_actions(window, desk)  # File > Backup…, Restore…
    report.attach(window, desk)
    window.show()
    if unchecked:
        report.after_pass(window.minute)
    # on a worker thread, once the store passed its whole-file check: the window is usable at once
    report.after_pass(lambda: backups.start_daily_backup(store_path, desk.now().date()))
    smoke = os.environ.get("LINLI_SMOKE_EXIT_MS")
    if smoke:
        QTimer.singleShot(int(smoke), lambda: _smoke_close(window))
    code = app.exec()
    report.end()
    window.hide()
    window.deleteLater()
    app.processEvents()
    return code
