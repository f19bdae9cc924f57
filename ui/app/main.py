"""Starting the desk window: options, the Qt application, language and fonts, the store, the window.

The store is --db, else LINLI_DB, else this PC's store setting (ui/office/store_setting.py),
else the data folder's file: a file on this PC or the community's PostgreSQL server. A store
that cannot be opened (not a store, written by a newer version, no room on the disk, a server
that refuses the password or can't be reached ...) is explained in a message box and the
program exits 1; the user never sees a traceback.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

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
from ui.office import store_setting


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

    named = args.db or os.environ.get(location.ENV, "").strip()
    try:
        fixed_now = parse_minute(args.now, "now") if args.now else None
        # --db, else LINLI_DB, else this PC's store setting (数据存储), else the data folder's file
        where = store_setting.chosen_store(args.db, os.environ)
    except DeskError as exc:
        return _fail(tr("ui_main_cannot_start"), exc.message())
    try:
        while isinstance(where, location.StoreServer):
            code = _run_on_server(app, where, fixed_now, named)
            if code != RETRY:
                return code
            try:  # the saved server could not be used, and the store setting was changed: try again
                where = store_setting.chosen_store(args.db, os.environ)
            except DeskError as exc:
                return _fail(tr("ui_main_cannot_start"), exc.message())
        return _run_on_file(app, where.path, fixed_now, bool(named))
    finally:
        store_setting.restart_if_asked()  # the store setting was changed and a restart asked for


#: what _run_on_server answers when the store setting was changed at a failed start
RETRY = -1


def _run_on_file(app: Any, store_path: Path, fixed_now: datetime | None, named: bool) -> int:
    """The window on a store file on this PC."""
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
            return _run_desk(app, store, instance, fixed_now, report,
                             lambda: backups.start_daily_backup(store_path, current_minute(fixed_now).date()), "")
        finally:
            store.close()
    finally:
        instance.release()


def _run_on_server(app: Any, server: location.StoreServer, fixed_now: datetime | None, named: str) -> int:
    """The window on the community's server: the password from the credential store (or
    LINLI_DB_PASSWORD), the claim keyed by the URL without the password. The file's checks (damage,
    leftovers of a killed restore, the earlier per-user store) have no server equivalent here: the
    server keeps its own data sound. The daily backup is a Linli SQLite file in the backups folder,
    taken on a worker thread by the desk signed in as the store's owner only (docs/shared-store.md).
    A server that can't be used is explained in plain words (probe)."""
    server = store_setting.with_password(server)
    instance = instances.claim_or_explain(server)
    if instance is None:
        return 0
    try:
        try:
            # never create=True: a mistyped database must not become a new, empty store with a new pass key
            store = setup.open_ready(server, now=current_minute(fixed_now), create=False)
        except DeskError as exc:
            if named:  # the command line or LINLI_DB named it: the setting would not change this start
                return _fail(tr("ui_main_cannot_start"), server_refusal(server, exc))
            return RETRY if _offer_setting(server_refusal(server, exc)) else 1
        try:
            report = backups.StoreCheckReport(store, lambda: current_minute(fixed_now))  # nothing owed: passes
            return _run_desk(app, store, instance, fixed_now, report,
                             lambda: backups.start_daily_backup(server, current_minute(fixed_now).date()), named)
        finally:
            store.close()
    finally:
        instance.release()


def _offer_setting(message: str) -> bool:
    """The saved server could not be used: say why, and offer the store setting; True if it was changed.

    No one is signed in yet (the accounts are in the store that could not be opened), so the offer
    is only where the store is, as --db is to anyone who can start the program; the copy of the
    file to the server stays an admin's, in the open window."""
    box = QMessageBox(QMessageBox.Icon.Critical, tr("ui_main_cannot_start"), message,
                      QMessageBox.StandardButton.NoButton, None)
    change = box.addButton(tr("ui_main_change_store"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("ui_main_quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(change)
    box.exec()
    if box.clickedButton() is not change:
        return False
    dialog = store_setting.StoreSettingDialog(None)
    return dialog.exec() == QDialog.DialogCode.Accepted


def server_refusal(server: location.StoreServer, exc: DeskError) -> str:
    """Why the window cannot open the store on `server`, in plain words: the probe's reading of the
    failure (wrong password, host unreachable, no such database, no Linli store ...) where it has
    one, with what to do; else the store's own refusal."""
    from booking.store.postgres import probe  # psycopg: loaded already by the failed open

    found = probe.probe(server)
    if found.usable:  # it connects and holds a store: the refusal was something else (rights, a newer store)
        return exc.message()
    return found.message() + "\n\n" + tr("ui_main_server_setting")


def _run_desk(app: Any, store: Any, instance: Any, fixed_now: datetime | None,
              report: backups.StoreCheckReport, daily_backup: Callable[[], object] | None, named: str) -> int:
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
    window.admin_menu.named_store = location.redacted(named)  # the store setting says it comes first
    report.attach(window, desk)
    window.show()
    if unchecked:
        report.after_pass(window.minute)
    # on a worker thread, once the store passed its whole-file check: the window is usable at once
    if daily_backup is not None:
        report.after_pass(daily_backup)
    smoke = os.environ.get("LINLI_SMOKE_EXIT_MS")
    if smoke:
        QTimer.singleShot(int(smoke), lambda: _smoke_close(window))
    code = app.exec()
    report.end()
    window.hide()
    window.deleteLater()
    app.processEvents()
    return code
