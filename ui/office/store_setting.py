"""The 数据存储 (store) setting of this PC: the store file on this PC, or the community's server.

What is saved is only where the store is: in QSettings the file's path ("" for the default file
in the data folder) or the server's URL without its password (`location.StoreServer.shown()`).
The password goes into the operating system's credential store through `keyring` (Windows
Credential Manager), under KEYRING_SERVICE and the account user@host:port/database; never into
QSettings or any file. The window starts on: --db, else LINLI_DB, else this setting, else the
default file (ui/app/main.py). The headless commands read only --db and LINLI_DB (and the
password from LINLI_DB_PASSWORD): QSettings is Qt's, and a command imports no Qt.

A server is saved only after a connection to it worked and found a Linli store the desk can use
(`booking.store.postgres.probe`); a wrong password, an unknown host or a bad port is said beside
its field and nothing is saved. The new store is used from the next start: the dialog offers to
restart the program at once (`restart`), which closes the window cleanly first.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import keyring
import keyring.errors
from PySide6.QtCore import QProcess, QSettings, QTimer
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QRadioButton, QScrollArea,
                               QVBoxLayout, QWidget)

from booking.store import location
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.paths import APPLICATION, ORGANIZATION, default_store
from ui.desk.fonts import ui_font
from ui.desk.session import Desk
from ui.office.store_copy import CopyStoreDialog
from ui.widgets.confirm import ask
from ui.widgets.fieldmessages import ERROR_CSS, FieldMessages

log = logging.getLogger("linli.store_setting")

#: the commands' variable for the server's password (booking/cli/registry.py's DB_PASSWORD_ENV; the
#: office may not import the command line)
DB_PASSWORD_ENV = "LINLI_DB_PASSWORD"
#: the QSettings key: "" the default file, a file's path, or a server's URL without password
SETTING = "store/location"
#: the credential store's service name for the server's password (the account: `account(server)`)
KEYRING_SERVICE = "Linli Desk store"
#: whether the district's compound (the URL's `schema`) can be chosen: booking/store/location.py says
HAS_SCHEMA = "schema" in location.OPTIONS
#: the sslmode the setting offers first: encrypted, and the server proven to be the community's
SSL_DEFAULT = "verify-full"
#: each sslmode in plain words
SSL_TEXTS = {"disable": "ust_ssl_disable", "allow": "ust_ssl_allow", "prefer": "ust_ssl_prefer",
             "require": "ust_ssl_require", "verify-ca": "ust_ssl_verify_ca", "verify-full": "ust_ssl_verify_full"}
#: the field each refusal of a server URL belongs beside (booking/store/location.py's keys)
URL_FIELDS = {"store_url_host": "host", "store_url_port": "port", "store_url_user": "user",
              "store_url_database": "database"}


def settings() -> QSettings:
    return QSettings(ORGANIZATION, APPLICATION)


def account(server: location.StoreServer) -> str:
    """The credential store's account of a server's password: user@host:port/database."""
    return f"{server.user}@{server.host}:{server.port}/{server.database}"


def saved(where: QSettings | None = None) -> str:
    """The saved choice: "" for the default file, a file's path, or a server's URL (no password)."""
    value = (where or settings()).value(SETTING, "")
    return str(value).strip() if value else ""


def save(text: str, where: QSettings | None = None) -> None:
    """Remember the choice (`text` must hold no password: a server's `shown()`)."""
    chosen = where or settings()
    chosen.setValue(SETTING, location.redacted(text))
    chosen.sync()


def password_for(server: location.StoreServer) -> str | None:
    """The server's password from the credential store (None if none is kept or there is no keyring)."""
    try:
        return keyring.get_password(KEYRING_SERVICE, account(server))
    except keyring.errors.KeyringError as exc:
        log.warning("no credential store to read the server's password from: %s", exc)
        return None


def keep_password(server: location.StoreServer, password: str) -> None:
    """Keep the server's password in the credential store (DeskError if there is none)."""
    try:
        keyring.set_password(KEYRING_SERVICE, account(server), password)
    except keyring.errors.KeyringError as exc:
        raise DeskError("store", "store_keyring_unavailable", field="password", detail=str(exc)) from exc


def with_password(server: location.StoreServer, env: Mapping[str, str] = os.environ) -> location.StoreServer:
    """`server` with the password to sign in with: the URL's own, else the credential store's, else
    LINLI_DB_PASSWORD; none at all leaves it to libpq (PGPASSFILE, or a server that asks none)."""
    if server.password:
        return server
    found = password_for(server) or env.get(DB_PASSWORD_ENV) or None
    return dataclasses.replace(server, password=found)


def chosen_store(db: str | None, env: Mapping[str, str], where: QSettings | None = None) -> location.Location:
    """The window's store: --db, else LINLI_DB, else the saved setting, else the default file."""
    if db or env.get(location.ENV, "").strip():
        return location.resolve(db, env)
    text = saved(where)
    return location.parse(text) if text else location.StoreFile(default_store())


# --- restarting on the new store ----------------------------------------------------------------

_restart: list[bool] = []


def restart(window: QWidget | None) -> None:
    """Close the window (as Quit does) and start the program again once it has ended (`restart_if_asked`)."""
    _restart.append(True)
    if window is not None:
        window.close()


def restart_if_asked(launch: Callable[[str, list[str]], Any] = QProcess.startDetached) -> bool:
    """After the window ended and gave up its claim on the store: start the program again if asked.

    The new start is given the same arguments: a --db among them still comes first (the setting
    said so when it was saved)."""
    if not _restart:
        return False
    _restart.clear()
    frozen = getattr(sys, "frozen", False)
    program = sys.executable
    arguments = sys.argv[1:] if frozen else [str(Path(sys.argv[0]).resolve()), *sys.argv[1:]]
    launch(program, arguments)
    return True


# --- the dialog ---------------------------------------------------------------------------------

class StoreSettingDialog(QDialog):
    """Choose this PC's store: the file (the default one or another) or the community's server.

    `desk` is the open desk (None at a start that could not reach the saved server: then only the
    choice itself is offered, not the copy, which is an admin's). `named` is what this start was
    given on its command line or in LINLI_DB, which comes before the setting. After Save, `saved_text`
    is what was saved.
    """

    def __init__(self, desk: Desk | None, parent: QWidget | None = None, *, where: QSettings | None = None,
                 named: str = "", confirm: Callable[[QWidget, str, str], bool] | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.where = where or settings()
        self.confirm = confirm or (lambda widget, title, text: ask(widget, title, text))
        self.saved_text: str | None = None
        self.last_probe: Any = None
        self.copy_dialog: QDialog | None = None
        self.setWindowTitle(tr("ust_title"))
        self.setFont(ui_font(11))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)

        self.file_radio = QRadioButton(tr("ust_file"), self)
        self.server_radio = QRadioButton(tr("ust_server"), self)
        group = QButtonGroup(self)
        group.addButton(self.file_radio)
        group.addButton(self.server_radio)

        layout.addWidget(self.file_radio)
        self.file_box = QGroupBox(self)
        file_row = QHBoxLayout(self.file_box)
        self.file_edit = QLineEdit(self.file_box)
        self.file_edit.setPlaceholderText(tr("ust_file_default", path=str(default_store())))
        self.file_edit.setToolTip(self.file_edit.placeholderText())  # a long default path is cut in the field
        self.browse_button = QPushButton(tr("ust_browse"), self.file_box)
        self.browse_button.clicked.connect(self._browse)
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)
        layout.addWidget(self.file_box)

        layout.addWidget(self.server_radio)
        self.server_box = QGroupBox(self)
        form = QFormLayout(self.server_box)
        self.field_messages = FieldMessages(self.server_box, form)
        self.fields = self.field_messages.fields
        self.host = self.field_messages.add("host", QLineEdit(self.server_box), tr("ust_host"))
        self.host.setPlaceholderText("192.168.1.10")
        self.port = self.field_messages.add("port", QLineEdit(self.server_box), tr("ust_port"))
        self.port.setPlaceholderText(str(location.DEFAULT_PORT))
        self.database = self.field_messages.add("database", QLineEdit(self.server_box), tr("ust_database"))
        self.database.setPlaceholderText("linli")
        self.user = self.field_messages.add("user", QLineEdit(self.server_box), tr("ust_user"))
        self.user.setPlaceholderText("linli_desk")
        self.password = self.field_messages.add("password", QLineEdit(self.server_box), tr("ust_password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sslmode = self.field_messages.add("sslmode", QComboBox(self.server_box), tr("ust_sslmode"))
        for mode in location.SSL_MODES:
            self.sslmode.addItem(tr(SSL_TEXTS[mode]), mode)
        # as wide as its longest choice, in either language (tests/ui/test_geometry.py)
        self.sslmode.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sslrootcert = self.field_messages.add("sslrootcert", QLineEdit(self.server_box), tr("ust_sslrootcert"))
        self.sslrootcert.setPlaceholderText("ca.crt")
        self.schema: QLineEdit | None = None
        if HAS_SCHEMA:  # a district: one server, one schema per compound
            self.schema = self.field_messages.add("schema", QLineEdit(self.server_box), tr("ust_schema"))
            self.schema.setPlaceholderText(tr("ust_schema_hint"))
            self.schema.setToolTip(tr("ust_schema_tip"))  # the whole explanation; the hint is short
            metrics = self.schema.fontMetrics()  # and shown whole: the field is at least as wide
            self.schema.setMinimumWidth(metrics.horizontalAdvance(self.schema.placeholderText())
                                        + 2 * metrics.averageCharWidth() + 12)
        layout.addWidget(self.server_box)

        actions = QHBoxLayout()
        self.test_button = QPushButton(tr("ust_test"), self)
        self.test_button.clicked.connect(self.test_connection)
        self.copy_button = QPushButton(tr("ust_copy"), self)
        self.copy_button.clicked.connect(self.open_copy)
        self.copy_button.setVisible(desk is not None)
        actions.addWidget(self.test_button)
        actions.addWidget(self.copy_button)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.outcome = QLabel(self)
        self.outcome.setWordWrap(True)
        self.outcome.hide()
        layout.addWidget(self.outcome)
        self.note = QLabel(tr("ust_named", named=location.redacted(named)) if named else "", self)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(named))
        layout.addWidget(self.note)
        self.general = self.field_messages.general
        layout.addWidget(self.general)

        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(tr("uis_save"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("uis_cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.file_radio.toggled.connect(lambda _on: self._kind_changed())
        self._load(saved(self.where))

    # --- what is shown ---

    def _load(self, text: str) -> None:
        try:
            chosen = location.parse(text) if text else None
        except DeskError:
            chosen = None  # a setting no longer valid: offered as new
        self.sslmode.setCurrentIndex(self.sslmode.findData(SSL_DEFAULT))
        if isinstance(chosen, location.StoreServer):
            self.server_radio.setChecked(True)
            self.host.setText(chosen.host)
            self.port.setText(str(chosen.port))
            self.database.setText(chosen.database)
            self.user.setText(chosen.user)
            options = dict(chosen.options)
            self.sslmode.setCurrentIndex(max(0, self.sslmode.findData(options.get("sslmode", "prefer"))))
            self.sslrootcert.setText(options.get("sslrootcert", ""))
            if self.schema is not None:
                self.schema.setText(options.get("schema", ""))
            if password_for(chosen):
                self.password.setPlaceholderText(tr("ust_password_kept"))
        else:
            self.file_radio.setChecked(True)
            self.file_edit.setText(str(chosen.path) if isinstance(chosen, location.StoreFile) else "")
        self._kind_changed()

    def _kind_changed(self) -> None:
        on_file = self.file_radio.isChecked()
        self.file_box.setEnabled(on_file)
        self.server_box.setEnabled(not on_file)
        self.test_button.setEnabled(not on_file)
        self.copy_button.setEnabled(not on_file and self.desk is not None and self.desk.actor.is_admin)
        self.field_messages.show(None, "")
        self.outcome.hide()

    def _browse(self) -> None:
        suggested = self.file_edit.text().strip() or str(default_store())  # the file's own folder
        path, _ = QFileDialog.getSaveFileName(self, tr("ust_file"), suggested, tr("uib_files"),
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.file_edit.setText(path)

    def _show_outcome(self, text: str, good: bool) -> None:
        self.outcome.setText(text)
        self.outcome.setStyleSheet("" if good else ERROR_CSS)
        self.outcome.show()
        QTimer.singleShot(0, self._outcome_in_sight)

    def _outcome_in_sight(self) -> None:
        """On a short screen the dialog scrolls (ui/widgets/fit.py): the connection test's answer is
        scrolled into sight, not left below the fold under the button that asked for it."""
        scroll = self.findChild(QScrollArea, "fitScroll")
        inner = scroll.widget() if scroll is not None else None
        if scroll is not None and inner is not None and self.outcome.isVisible():
            bottom = self.outcome.mapTo(inner, self.outcome.rect().bottomLeft()).y()
            scroll.ensureVisible(0, bottom, 0, 8)  # downwards only: the lines keep their left edge

    # --- the server's fields ---

    def url(self) -> str:
        """The URL the server's fields make, without the password (each part quoted as a URL needs)."""
        host = self.host.text().strip()
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        port = self.port.text().strip()
        options = [("sslmode", str(self.sslmode.currentData()))]
        if self.sslrootcert.text().strip():
            options.append(("sslrootcert", self.sslrootcert.text().strip()))
        if self.schema is not None and self.schema.text().strip():
            options.append(("schema", self.schema.text().strip()))
        query = "&".join(f"{k}={quote(v, safe='/:')}" for k, v in options)
        return (f"postgresql://{quote(self.user.text().strip(), safe='')}@{host}{':' + port if port else ''}"
                f"/{quote(self.database.text().strip(), safe='')}?{query}")

    def server(self) -> location.StoreServer:
        """The server the fields name, with the password typed (or the one kept); DeskError by its field."""
        try:
            found = location.parse(self.url())
        except DeskError as exc:
            name = exc.params.get("name")
            exc.field = URL_FIELDS.get(exc.key) or (str(name) if name in self.fields else None)
            raise
        assert isinstance(found, location.StoreServer)
        typed = self.password.text()
        return dataclasses.replace(found, password=typed or password_for(found))

    def test_connection(self) -> Any:
        """Try the server the fields name; the outcome is shown in plain words and returned (a Probe)."""
        from booking.store.postgres import probe  # psycopg: only when a server is tried

        self.field_messages.show(None, "")
        try:
            server = self.server()
        except DeskError as exc:
            self.field_messages.show_error(exc)
            self.outcome.hide()
            return None
        found = probe.probe(server)
        self.last_probe = found
        self._show_outcome(found.message(), found.usable)
        if found.kind in ("wrong_password", "password_needed"):
            self.password.setFocus()
        return found

    # --- saving ---

    def submit(self) -> None:
        try:
            text = self.save_changes()
        except DeskError as exc:
            self.field_messages.show_error(exc)
            return
        if text is None:
            return
        self.saved_text = text
        self.accept()
        parent = self.parentWidget()
        if self.desk is not None and self.confirm(parent or self, tr("ust_title"), tr("ust_restart_question")):
            restart(parent.window() if parent is not None else None)

    def save_changes(self) -> str | None:
        """Save the choice (None: the server is not usable, said in the outcome; nothing saved)."""
        if self.file_radio.isChecked():
            text = self.file_edit.text().strip()
            if text:
                chosen = location.parse(text)
                if not isinstance(chosen, location.StoreFile):
                    raise DeskError("invalid", "ust_file_not_url")
                if chosen.path.is_dir():
                    raise DeskError("invalid", "store_not_database", path=text)
            save(text, self.where)
            return text
        found = self.test_connection()
        if found is None or not found.usable:
            return None
        server = self.server()
        if self.password.text():
            keep_password(server, self.password.text())
        save(server.shown(), self.where)
        log.info("the store setting is now %s", server.shown())
        return server.shown()

    # --- the copy of this PC's file ---

    def source_file(self) -> Path:
        """The file the copy reads: the one the file choice names, or the default one."""
        text = self.file_edit.text().strip()
        return Path(text) if text else default_store()

    def open_copy(self) -> QDialog | None:
        """The screen of `copy-store`: this PC's file copied to the server the fields name (an admin's)."""
        if self.desk is None or not self.desk.actor.is_admin:
            return None
        self.field_messages.show(None, "")
        try:
            server = self.server()
        except DeskError as exc:
            self.field_messages.show_error(exc)
            return None
        dialog = CopyStoreDialog(self.desk, self.source_file(), server, self)
        self.copy_dialog = dialog
        dialog.copied.connect(lambda _result: self._copied())
        dialog.open()
        return dialog

    def _copied(self) -> None:
        self._show_outcome(tr("ust_copied_save"), True)
