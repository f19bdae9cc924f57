"""Starting the desk window: options, the Qt application, language and fonts, the store, the window.

A store that cannot be opened (not a store, written by a newer version, no
room on the disk ...) is explained in a message box and the program exits 1;
the user never sees a traceback.
"""
from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from booking import cli, i18n
from booking.audit import Actor
from booking.errors import DeskError
from booking.i18n import define, tr
from booking.paths import APPLICATION, ORGANIZATION, default_store, earlier_user_store
from booking.validation import parse_minute

define(
    ui_main_cannot_start=("邻里服务台无法启动", "Linli Desk cannot start"),
)

BASE_POINT_SIZE = 11.0  # larger than Windows' 9 pt: the clerks read the board from a step away


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _install_qt_translations(app: Any, language: str) -> None:
    """Qt's own words (dialog buttons, file and print dialogs) in Chinese."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
    if language == "zh":
        translator = QTranslator(app)
        if translator.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(translator)
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def _fail(title: str, message: str) -> int:
    from PySide6.QtWidgets import QMessageBox
    QMessageBox.critical(None, title, message)
    return 1


def _sign_in(store: Any) -> Actor | None:
    """The clerk at the desk, from the sign-in dialog (None if they quit)."""
    signin = _optional("ui.signin")
    if signin is None or not hasattr(signin, "sign_in"):
        return Actor("值班员", "admin")  # a build without accounts: the duty clerk
    spec = os.environ.get("LINLI_SMOKE_SIGNIN")
    if spec:
        _type_sign_in(spec)
    return signin.sign_in(store)


def _type_sign_in(spec: str, tries: int = 100) -> None:
    """For the start-up smoke test: type "name:password" into the sign-in dialog and submit it,
    exactly as a clerk would (the password is checked as always; nothing is bypassed)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    name, _, password = spec.partition(":")

    def fill(left: int = tries) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not hasattr(dialog, "submit"):
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

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.fonts import ui_font

    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationName(APPLICATION)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "linli-desk"])
    language = _optional("ui.language")
    if language is not None:
        language.start(list(argv))  # --lang, else the remembered choice; Qt's catalogs and locale with it
    else:
        _install_qt_translations(app, i18n.language())
    app.setFont(ui_font(BASE_POINT_SIZE))
    errors = _optional("ui.errors")
    if errors is not None:
        errors.install()

    try:
        fixed_now = parse_minute(args.now, "now") if args.now else None
    except DeskError as exc:
        return _fail(tr("ui_main_cannot_start"), exc.message())
    store_path = Path(args.db) if args.db else default_store()
    instance_module = _optional("ui.instance")
    instance = None
    if instance_module is not None:
        instance = instance_module.claim_or_explain(store_path)
        if instance is None:
            return 0  # the store is open in another desk window, which was brought forward

    store_backups = _optional("ui.backups")
    earlier = earlier_user_store() if not args.db and not store_path.exists() else None
    if store_backups is not None and earlier is not None:
        store_backups.offer_adoption(earlier, store_path)  # once: afterwards the store exists
    if store_backups is not None and not store_backups.check_store(store_path):
        return 1  # damaged, locked, read-only or full: explained (a restore offered), nothing changed

    from booking import setup
    try:
        store = setup.open_ready(store_path, create=True)  # the window's first start makes the store
    except DeskError as exc:
        return _fail(tr("ui_main_cannot_start"), exc.message())

    from ui.desk import Desk
    from ui.mainwindow import MainWindow

    try:
        actor = _sign_in(store)
        if actor is None:  # the clerk chose Quit at the sign-in
            return 0
        desk = Desk(store, actor, fixed_now)
        window = MainWindow(desk)
        if instance is not None:
            instance.watch(window)
        if store_backups is not None:
            store_backups.add_menu_actions(window, desk)  # File > Backup…, Restore…
        window.show()
        if store_backups is not None:
            store_backups.start_daily_backup(store_path)  # on a worker thread: the window is usable at once
        smoke = os.environ.get("LINLI_SMOKE_EXIT_MS")
        if smoke:
            QTimer.singleShot(int(smoke), lambda: _smoke_close(window))
        code = app.exec()
        window.hide()
        window.deleteLater()
        app.processEvents()
        return code
    finally:
        if instance is not None:
            instance.release()
        store.close()
