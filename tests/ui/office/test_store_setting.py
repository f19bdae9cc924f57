"""The 数据存储 (store) setting: this PC's file or the community's server, a connection test in plain
words, the password in the credential store (never in QSettings), nothing saved on bad input.

Real widgets offscreen, a real PostgreSQL server (tests/pgserver.py) where a server is tried, and a
keyring of the test's own (`keyring.set_keyring`, as the gate camera's tests do)."""
from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QSettings
from sqlalchemy.engine import URL

from booking.store import location
from booking.store.postgres import probe
from booking.store.postgres.store import open_server_store
from tests.booking.gatehouse.gate_sim import MemoryKeyring
from tests.conftest import ADMIN, CLERK, NOW, server_location
from ui.desk import language
from ui.desk.session import Desk
from ui.office import store_setting
from ui.office.store_setting import KEYRING_SERVICE, StoreSettingDialog
from ui.widgets import fit


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture
def where(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "setting.ini"), QSettings.Format.IniFormat)


def dialog_for(qtbot, where: QSettings, desk: Desk | None = None,
               answers: list[str] | None = None) -> StoreSettingDialog:
    def confirm(_parent, _title, text) -> bool:
        if answers is not None:
            answers.append(text)
        return False  # no restart in a test
    dialog = StoreSettingDialog(desk, where=where, confirm=confirm)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(dialog: StoreSettingDialog, url: URL, *, password: str | None = None, database: str | None = None,
         port: str | None = None, host: str | None = None) -> None:
    dialog.server_radio.setChecked(True)
    dialog.host.setText(url.host if host is None else host)
    dialog.port.setText(str(url.port) if port is None else port)
    dialog.database.setText(url.database if database is None else database)
    dialog.user.setText(url.username)
    dialog.password.setText(url.password if password is None else password)
    dialog.sslmode.setCurrentIndex(dialog.sslmode.findData("prefer"))  # the test server has no TLS


def nothing_saved(where: QSettings, ring: MemoryKeyring) -> bool:
    where.sync()
    return store_setting.saved(where) == "" and ring.passwords == {}


# --- the server: a good one is saved, the password in the keyring only -----------------------------

def test_a_server_that_works_is_saved_without_its_password_which_goes_to_the_keyring(
        qtbot, where, memory_keyring, pg_url, tmp_path, store) -> None:
    answers: list[str] = []
    dialog = dialog_for(qtbot, where, Desk(store, ADMIN, fixed_now=NOW), answers=answers)
    fill(dialog, pg_url)
    dialog.save_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = store_setting.saved(where)
    assert saved == f"postgresql://{pg_url.username}@{pg_url.host}:{pg_url.port}/{pg_url.database}?sslmode=prefer"
    assert pg_url.password not in (tmp_path / "setting.ini").read_text(encoding="utf-8")
    account = f"{pg_url.username}@{pg_url.host}:{pg_url.port}/{pg_url.database}"
    assert memory_keyring.passwords == {(KEYRING_SERVICE, account): pg_url.password}
    assert answers and "重新启动" in answers[0]  # switching asks for a restart


def test_the_next_start_reads_the_saved_server_and_its_password_from_the_keyring(
        qtbot, where, memory_keyring, pg_url) -> None:
    dialog = dialog_for(qtbot, where)
    fill(dialog, pg_url)
    dialog.save_button.click()
    chosen = store_setting.chosen_store(None, {}, where)
    assert isinstance(chosen, location.StoreServer) and chosen.password is None
    ready = store_setting.with_password(chosen, {})
    assert ready.password == pg_url.password
    opened = open_server_store(ready, now=NOW, create=False)
    opened.close()


def test_the_test_button_says_connected_with_the_version_and_that_the_store_is_there(qtbot, where, memory_keyring,
                                                                                     pg_url) -> None:
    dialog = dialog_for(qtbot, where)
    fill(dialog, pg_url)
    dialog.test_button.click()
    text = dialog.outcome.text()
    assert "已连接" in text and "PostgreSQL 1" in text and "可用的邻里数据存储" in text, text
    assert nothing_saved(where, memory_keyring)  # a test saves nothing


def test_an_empty_database_is_said_to_hold_no_store_and_is_not_saved(qtbot, where, memory_keyring,
                                                                     pg_empty_url) -> None:
    dialog = dialog_for(qtbot, where)
    fill(dialog, pg_empty_url)
    dialog.save_button.click()
    assert dialog.isVisible() and "是空的" in dialog.outcome.text()
    assert nothing_saved(where, memory_keyring)


# --- bad input: said clearly, nothing saved ----------------------------------------------------------

def test_a_wrong_password_is_said_and_nothing_is_saved(qtbot, where, memory_keyring, pg_url) -> None:
    dialog = dialog_for(qtbot, where)
    fill(dialog, pg_url, password="not-the-password")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "密码不对" in dialog.outcome.text() and "not-the-password" not in dialog.outcome.text()
    assert nothing_saved(where, memory_keyring)


def test_a_database_that_does_not_exist_is_named(qtbot, where, memory_keyring, pg_url) -> None:
    dialog = dialog_for(qtbot, where)
    fill(dialog, pg_url, database="no_such_db")
    dialog.test_button.click()
    assert "没有数据库 no_such_db" in dialog.outcome.text()


def test_a_port_that_is_not_a_number_is_said_beside_the_port_and_nothing_is_saved(qtbot, where,
                                                                                  memory_keyring) -> None:
    dialog = dialog_for(qtbot, where)
    fill(dialog, URL.create("postgresql", "linli_desk", "secret-1", "192.168.1.10", None, "linli"), port="54x2")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert not dialog.field_messages.messages["port"].isHidden()
    assert "端口" in dialog.field_messages.messages["port"].text()
    assert nothing_saved(where, memory_keyring)


def test_an_empty_host_is_said_beside_the_host_and_nothing_is_saved(qtbot, where, memory_keyring) -> None:
    dialog = dialog_for(qtbot, where)
    fill(dialog, URL.create("postgresql", "linli_desk", "secret-1", "x", 5432, "linli"), host="")
    dialog.save_button.click()
    assert not dialog.field_messages.messages["host"].isHidden()
    assert nothing_saved(where, memory_keyring)


def test_a_server_nobody_answers_on_is_said_with_its_host_and_port(qtbot, where, memory_keyring) -> None:
    dialog = dialog_for(qtbot, where)
    fill(dialog, URL.create("postgresql", "linli_desk", "secret-1", "127.0.0.1", 1, "linli"))
    dialog.save_button.click()
    assert "连不上服务器 127.0.0.1:1" in dialog.outcome.text()
    assert nothing_saved(where, memory_keyring)


def test_on_a_short_screen_the_connection_tests_answer_is_scrolled_into_sight(qtbot, where, memory_keyring) -> None:
    dialog = dialog_for(qtbot, where)
    scroll = fit.make_scrollable(dialog)  # as ui/widgets/fit.py makes it on 1366×768 at 150 %
    assert scroll is not None
    dialog.resize(dialog.width(), dialog.minimumSizeHint().height() // 2)
    fill(dialog, URL.create("postgresql", "linli_desk", "secret-1", "127.0.0.1", 1, "linli"))
    scroll.verticalScrollBar().setValue(0)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().value() > 0)
    answer = dialog.outcome.mapTo(scroll.viewport(), dialog.outcome.rect().bottomLeft())
    assert 0 <= answer.y() <= scroll.viewport().height()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_compounds_hint_shows_whole_in_its_field(qtbot, where, memory_keyring, lang) -> None:
    language.apply(lang, remember=False)
    dialog = dialog_for(qtbot, where)
    assert dialog.schema is not None
    dialog.server_radio.setChecked(True)
    hint = dialog.schema.placeholderText()
    room = dialog.schema.width() - 2 * dialog.schema.fontMetrics().averageCharWidth() - 8  # the frame and margins
    assert dialog.schema.fontMetrics().horizontalAdvance(hint) <= room, hint
    assert "guidong_01" in dialog.schema.toolTip()  # the whole explanation


# --- the file ------------------------------------------------------------------------------------

def test_the_default_file_is_saved_as_empty_and_a_chosen_file_by_its_path(qtbot, where, memory_keyring,
                                                                        tmp_path) -> None:
    dialog = dialog_for(qtbot, where)
    dialog.file_radio.setChecked(True)
    dialog.save_button.click()
    assert store_setting.saved(where) == ""
    assert store_setting.chosen_store(None, {}, where) == location.StoreFile(store_setting.default_store())
    chosen = tmp_path / "office.sqlite3"
    again = dialog_for(qtbot, where)
    again.file_edit.setText(str(chosen))
    again.save_button.click()
    assert store_setting.chosen_store(None, {}, where) == location.StoreFile(chosen)


def test_a_url_typed_as_the_file_is_refused(qtbot, where, memory_keyring) -> None:
    dialog = dialog_for(qtbot, where)
    dialog.file_radio.setChecked(True)
    dialog.file_edit.setText("postgresql://linli@server/linli")
    dialog.save_button.click()
    assert dialog.isVisible() and "文件路径" in dialog.general.text()
    assert nothing_saved(where, memory_keyring)


def test_the_saved_server_is_shown_again_with_its_password_kept(qtbot, where, memory_keyring) -> None:
    server = location.parse("postgresql://linli_desk@192.168.1.10:5433/linli?sslmode=verify-full&schema=guidong")
    assert isinstance(server, location.StoreServer)
    store_setting.save(server.shown(), where)
    store_setting.keep_password(server, "secret-1")
    dialog = dialog_for(qtbot, where)
    assert dialog.server_radio.isChecked()
    assert (dialog.host.text(), dialog.port.text(), dialog.database.text(), dialog.user.text()) == (
        "192.168.1.10", "5433", "linli", "linli_desk")
    assert dialog.sslmode.currentData() == "verify-full" and dialog.password.text() == ""
    assert dialog.server() == server and dialog.server().password == "secret-1"
    if dialog.schema is not None:
        assert dialog.schema.text() == "guidong"


# --- where the window starts ----------------------------------------------------------------------

def test_db_comes_before_linli_db_before_the_setting_before_the_default_file(where, tmp_path) -> None:
    store_setting.save("postgresql://linli_desk@server:5432/linli", where)
    server = store_setting.chosen_store(None, {}, where)
    assert isinstance(server, location.StoreServer) and server.host == "server"
    env = {location.ENV: str(tmp_path / "env.sqlite3")}
    assert store_setting.chosen_store(None, env, where) == location.StoreFile(tmp_path / "env.sqlite3")
    assert store_setting.chosen_store(str(tmp_path / "db.sqlite3"), env, where) == location.StoreFile(
        tmp_path / "db.sqlite3")
    store_setting.save("", where)
    assert store_setting.chosen_store(None, {}, where) == location.StoreFile(store_setting.default_store())


def test_a_password_in_the_url_or_the_keyring_or_linli_db_password_in_that_order(memory_keyring) -> None:
    server = location.parse("postgresql://linli_desk@server:5432/linli")
    assert isinstance(server, location.StoreServer)
    assert store_setting.with_password(server, {"LINLI_DB_PASSWORD": "from-env"}).password == "from-env"
    store_setting.keep_password(server, "from-keyring")
    assert store_setting.with_password(server, {"LINLI_DB_PASSWORD": "from-env"}).password == "from-keyring"
    typed = location.parse("postgresql://linli_desk:in-url@server:5432/linli")
    assert isinstance(typed, location.StoreServer)
    assert store_setting.with_password(typed, {}).password == "in-url"


# --- the office menu -------------------------------------------------------------------------------

def test_the_store_setting_is_in_the_office_menu_for_an_admin_and_greyed_for_a_clerk(qtbot, store) -> None:
    from ui.office.admin import AdminMenu
    menu = AdminMenu(Desk(store, ADMIN, fixed_now=NOW), None)
    assert menu.store_action.isEnabled() and "数据存储" in menu.store_action.text()
    dialog = menu.open_store_setting()
    assert isinstance(dialog, StoreSettingDialog)
    qtbot.addWidget(dialog)
    clerk_menu = AdminMenu(Desk(store, CLERK, fixed_now=NOW), None)
    assert not clerk_menu.store_action.isEnabled() and "管理员" in clerk_menu.store_action.toolTip()
    assert clerk_menu.open_store_setting() is None


# --- the probe's words for what libpq says --------------------------------------------------------

@pytest.mark.parametrize(("said", "kind"), [
    ('connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  password authentication '
     'failed for user "linli_desk"', "wrong_password"),
    ('connection failed: connection to server at "10.0.0.5", port 5432 failed: fe_sendauth: no password supplied',
     "password_needed"),
    ('connection failed: ... failed: FATAL:  database "linli" does not exist', "no_database"),
    ("connection failed: ... failed: Connection refused\n\tIs the server running on that host", "unreachable"),
    ("failed to resolve host 'desk-server': [Errno -2] Name or service not known", "unreachable"),
    ("connection failed: ... failed: timeout expired", "unreachable"),
    ("connection failed: ... failed: server does not support SSL, but SSL was required", "tls_unsupported"),
    ('connection failed: ... failed: FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "linli_desk", '
     'database "linli", no encryption', "tls_required"),
    ('connection failed: ... failed: FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "linli_desk", '
     'database "linli", SSL encryption', "not_allowed"),
    ("connection failed: ... failed: SSL error: certificate verify failed", "tls_certificate"),
    ("something else entirely", "other"),
])
def test_each_failure_libpq_reports_is_told_apart(said: str, kind: str) -> None:
    assert probe.failure_kind(said) == kind


def test_a_probe_of_a_migrated_store_counts_its_migrations(pg_url) -> None:
    found = probe.probe(server_location(pg_url))
    assert found.kind == "ready" and found.usable and found.applied == len(probe.migrate.NAMES)
    assert found.version.split(".")[0].isdigit() and int(found.version.split(".")[0]) >= 15
