"""Take docs/NAME-restore-progress.png: File > Restore… of a server store under way, its progress dialog
saying which table of how many it is restoring, over the window, under a real window manager.

    Xvfb :7 -screen 0 1366x768x24 & openbox &
    DISPLAY=:7 python docs/make_restore_screenshots.py desk-1366x768 --server URL
    Xvfb :8 -screen 0 1920x1080x24 & openbox &
    DISPLAY=:8 QT_SCALE_FACTOR=1.5 python docs/make_restore_screenshots.py desk-150pct --server URL

URL: a PostgreSQL server's URL with a role that may create databases (the test server's, .ci/pg). A new
database is made for the pictures and dropped afterwards; it gets a quarter-year demo store (copy-store),
its backup is taken, and the window, signed in as an admin, restores that backup over it as the menu's
Restore… does after its question (ui/app/backups.restore_in_background). The picture is taken when the
dialog first says it is restoring the bookings. `--lang en` takes it in English.
"""
from __future__ import annotations

import os
import sys
import tempfile
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["LINLI_DATA_DIR"] = tempfile.mkdtemp(prefix="linli-restore-shots-")

import psycopg  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QSettings, QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from booking.ops import demo, serverbackup, setup  # noqa: E402
from booking.store import location  # noqa: E402
from booking.store.audit import Actor  # noqa: E402
from booking.store.i18n import tr  # noqa: E402
from booking.store.postgres import copy  # noqa: E402
from ui.app import backups  # noqa: E402
from ui.app.main import BASE_POINT_SIZE  # noqa: E402
from ui.app.mainwindow import MainWindow  # noqa: E402
from ui.desk import language  # noqa: E402
from ui.desk.fonts import ui_font  # noqa: E402
from ui.desk.session import Desk  # noqa: E402

NOW = datetime(2026, 11, 24, 15, 40)
ADMIN = Actor("管理员", "admin")


def settle(ms: int) -> None:
    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < ms:
        QApplication.processEvents()


def main(name: str, lang: str, server_url: str) -> None:
    app = QApplication(sys.argv[:1])
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, os.environ["LINLI_DATA_DIR"])
    language.apply(lang, remember=False)
    app.setFont(ui_font(BASE_POINT_SIZE))
    folder = Path(os.environ["LINLI_DATA_DIR"])
    source = folder / "demo.sqlite3"
    made = setup.open_ready(source, now=NOW)
    demo.fill(made, years=0.25, now=NOW)
    made.close()
    database = f"linli_restore_shots_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    try:
        server = location.parse(server_url.rsplit("/", 1)[0] + f"/{database}")
        assert isinstance(server, location.StoreServer)
        copy.copy_file_to(source, server, None, NOW)
        store = setup.open_ready(server, now=NOW)
        backup = folder / "linli-backup.sqlite3"
        serverbackup.backup_server(store, backup)
        desk = Desk(store, ADMIN, fixed_now=NOW)
        window = MainWindow(desk, QSettings(str(folder / "w.ini"), QSettings.Format.IniFormat))
        backups.add_menu_actions(window, desk)
        window.show()
        settle(1500)
        taken: list[str] = []
        ended: list[object] = []
        restoring = tr("uib_stage_restore", table="booking", number=0, count=0).split("booking")[0]

        def grab() -> None:
            QGuiApplication.primaryScreen().grabWindow(0).save(str(ROOT / "docs" / f"{name}-restore-progress.png"))

        def look(words: str, _value: int, _most: int) -> None:
            if not taken and words.startswith(restoring) and " booking" in words:
                taken.append(words)
                QTimer.singleShot(250, grab)  # the dialog drawn with these words first

        def answer() -> None:  # a refusal's box, had there been one: said, and closed (it runs in its own loop)
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox):
                print("the window said:", box.text())
                box.accept()

        boxes = QTimer()
        boxes.timeout.connect(answer)
        boxes.start(100)
        job = backups.restore_in_background(window, desk, backup, ended.append)
        job.shown.connect(look)
        job.finished.connect(lambda: ended.append(None))
        while not ended:
            settle(100)
        settle(500)
        print("taken at:", taken[0] if taken else "never (the restore was too quick)")
        window.close()
        store.close()
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def option(flag: str) -> str | None:
    return sys.argv[sys.argv.index(flag) + 1] if flag in sys.argv else None


if __name__ == "__main__":
    main(sys.argv[1], option("--lang") or "zh", option("--server") or os.environ["LINLI_TEST_PG"])
