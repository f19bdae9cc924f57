"""Make docs/pass-slip.png and docs/pass-phone.png: a pass as printed and as sent to a phone.

    python docs/make_pass_slip.py

Books an overnight space for a resident in a fresh store in a temporary
folder, runs the real `pass` command for its slip (PDF) and phone image, and
rasterises the slip the way the tests do (pdftoppm, here at 100 dpi).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="linli-slip-"))
os.environ["LINLI_DATA_DIR"] = str(WORK)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import app  # noqa: E402
from booking.ops import setup
from booking.people import residents
from booking.schedule import bookings  # noqa: E402
from booking.store.audit import Actor  # noqa: E402


def main() -> None:
    db = WORK / "desk.sqlite3"
    now = datetime(2026, 11, 24, 10, 0)
    store = setup.open_ready(db, now=now)
    clerk = Actor("值班员乙", "clerk")
    resident = residents.add(store, clerk, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=now)
    booking = bookings.book(store, clerk, bookings.Request(
        resource="P012", start=datetime(2026, 11, 24, 19, 0), end=datetime(2026, 11, 25, 7, 30),
        resident_id=resident.id, plate="川A12345"), now)
    store.close()
    code = app.main(["--db", str(db), "--now", "2026-11-24 10:00", "--json", "pass", str(booking.id),
                     "--slip", str(WORK / "slip.pdf"), "--png", str(ROOT / "docs" / "pass-phone.png")])
    if code:
        sys.exit(code)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(WORK / "slip.pdf"),
                    str(ROOT / "docs" / "pass-slip")], check=True)
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
