"""Make docs/daily-sheet.png and docs/heatmap.png: the printed daily sheet and a month's heat-map.

    python docs/make_report_pictures.py

Fills a fresh store in a temporary folder with three weeks of demo history,
runs the real `sheet` command for today's sheet at 10:00 (the busiest kind of
sheet: last night's stays, this morning's check-ins, tonight's bookings),
rasterises its first page the way the tests read it (pdftoppm at 80 dpi), and
runs the `heatmap` command for the month by spaces × days.
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
WORK = Path(tempfile.mkdtemp(prefix="linli-sheet-"))
os.environ["LINLI_DATA_DIR"] = str(WORK)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import app  # noqa: E402
from booking.ops import demo, setup  # noqa: E402

NOW = "2026-11-24 10:00"


def main() -> None:
    db = WORK / "desk.sqlite3"
    store = setup.open_ready(db, now=datetime.fromisoformat(NOW))
    demo.fill(store, years=21 / 365, now=datetime.fromisoformat(NOW))
    store.close()
    common = ["--db", str(db), "--now", NOW, "--json"]
    pdf = WORK / "sheet.pdf"
    if app.main(common + ["sheet", "--date", NOW[:10], "--clerk", "值班员乙", "--pdf", str(pdf)]):
        raise SystemExit("the sheet command failed")
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", str(pdf), str(WORK / "page")],
                   check=True)
    shutil.copyfile(next(WORK.glob("page*.png")), ROOT / "docs" / "daily-sheet.png")
    if app.main(common + ["heatmap", "--month", NOW[:7], "--by", "spaces", "--png",
                          str(ROOT / "docs" / "heatmap.png")]):
        raise SystemExit("the heatmap command failed")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
