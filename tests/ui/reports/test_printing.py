"""The printed daily sheet: read back from the PDF with poppler, as a clerk or a search would see it.

The full-day tests use a store filled by booking.ops.demo for three weeks (about
330 parking lines a day: last night's stays, a morning and an afternoon
booking on most spaces, tonight's stays). Bounds tested: no word of the sheet
is drawn smaller than 9 pt (read from the PDF, as poppler's word boxes), and
the whole sheet of the fullest of those days, parking, rooms and signature
lines, is 3 A4 landscape pages with parking first (at 9 pt two pages hold only
some 270 of its 350 lines: see booking/reporting/sheet.py).
"""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget

from booking.ops import demo, setup
from booking.reporting import sheet
from booking.schedule import bookings
from booking.store import i18n
from booking.store.audit import Actor
from booking.schedule.bookings import Request
from booking.store.errors import DeskError
from ui.reports import printing
from ui.desk.session import Desk

NOW = datetime(2026, 11, 24, 10, 0)
ROOT = Path(__file__).resolve().parents[3]


def pdftotext(path: Path, first: int | None = None, last: int | None = None) -> str:
    pages = (["-f", str(first)] if first else []) + (["-l", str(last)] if last else [])
    return subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    """A demo store, its fullest past day and that day's sheet as a PDF."""
    i18n.set_language("zh")  # module fixtures are made before the per-test language reset
    folder = tmp_path_factory.mktemp("full")
    store = setup.open_ready(folder / "demo.sqlite3", now=NOW)
    demo.fill(store, years=21 / 365, now=NOW, days_ahead=3)
    days = [NOW.date() - timedelta(days=n) for n in range(1, 15)]
    day = max(days, key=lambda d: len(sheet.build(store, d, NOW).lines()))
    path = printing.sheet_pdf(store, day, folder / "sheet.pdf", clerk="值班员乙", now=NOW)
    yield store, day, path
    store.close()


def test_every_booked_space_and_plate_of_the_day_is_in_the_pdf(qapp, full):
    store, day, path = full
    text = pdftotext(path)
    lines = sheet.build(store, day, NOW).lines()
    assert len(lines) > 300
    assert [line.code for line in lines if line.code not in text] == []
    assert [line.plate for line in lines if line.plate and line.plate not in text] == []


def test_no_plate_of_another_day_is_in_the_pdf(qapp, full):
    store, day, path = full
    text = pdftotext(path)
    today = {line.plate for line in sheet.build(store, day, NOW).lines()}
    others = {line.plate for d in (day - timedelta(days=3), day + timedelta(days=3))
              for line in sheet.build(store, d, NOW).lines()} - today - {""}
    assert len(others) > 5
    assert [plate for plate in others if plate in text] == []


def test_a_full_day_fits_on_three_pages_with_parking_first(qapp, full):
    store, day, path = full
    assert len(sheet.build(store, day, NOW).lines()) > 340
    assert pdf_pages(path) == 3
    assert "P110" in pdftotext(path, 3, 3) and "R01" not in pdftotext(path, 1, 2)
    assert "R01" in pdftotext(path, 3, 3) and "交班人" in pdftotext(path, 3, 3)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_full_day_on_a_1200_dpi_printer_has_the_same_pages_and_none_blank(qapp, full, tmp_path, language):
    # The preview and the printer lay the sheet out at the printer's resolution, not the PDF's:
    # rounding once left the empty line after page 1's table on page 2, and page 2 blank.
    store, day, _ = full
    i18n.set_language(language)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert printing.print_on(sheet.build(store, day, NOW), printer) == 3
    pages = [pdftotext(tmp_path / "printed.pdf", n, n) for n in (1, 2, 3)]
    assert [n for n, text in enumerate(pages, 1) if not re.search(r"\bP\d{3}\b", text)] == []


def word_heights(path: Path) -> list[tuple[float, str]]:
    """(height, word) of every word poppler finds in the PDF: the height is the font's size times its
    ascent-plus-descent, so for one font it grows with the size."""
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout
    return [(float(y1) - float(y0), word) for y0, y1, word in
            re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', boxes)]


def nine_point_height(folder: Path) -> float:
    """The height poppler gives a word drawn at exactly 9 pt in the sheet's own font."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QPageLayout, QPainter, QPdfWriter
    path = folder / "nine.pdf"
    writer = QPdfWriter(str(path))
    writer.setResolution(printing.PDF_DPI)
    writer.setPageLayout(printing.page_layout())
    painter = QPainter(writer)
    painter.setFont(printing._base_font(9.0))
    painter.drawText(QPointF(100, 300), "车位 P001 前日19:00→07:30")
    painter.end()
    return min(height for height, _ in word_heights(path))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_word_of_a_full_sheet_is_smaller_than_9_pt(qapp, full, tmp_path, language):
    store, day, _ = full
    i18n.set_language(language)
    path = printing.sheet_pdf(store, day, tmp_path / "sheet.pdf", clerk="值班员乙", now=NOW)
    nine = nine_point_height(tmp_path)
    words = word_heights(path)
    assert len(words) > 2000
    assert [(round(h, 2), w) for h, w in words if h < nine * 0.99][:5] == []
    # and the lines are that size, not larger: the legend and the lines are the sheet's 9 pt
    assert min(h for h, _ in words) == pytest.approx(nine, rel=0.02)


def test_the_chinese_font_is_embedded(qapp, full):
    _, _, path = full
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines()[2:] if re.search(r"CJK|YaHei|Han|Hei|Song", line)]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk)  # the 'emb' column


def test_the_pdf_text_is_the_chinese_that_was_drawn(qapp, full):
    _, day, path = full
    text = pdftotext(path, 1, 1)
    # 车 and 日 share glyphs with the radicals ⻋ and ⽇; the text must name the real characters.
    assert "车位" in text and "日期" in text and "交班人" in pdftotext(path)
    assert "⻋" not in text and "⽇" not in text


def test_the_sheet_header_names_the_community_date_and_clerk(qapp, full):
    _, day, path = full
    text = pdftotext(path, 1, 1)
    assert "桂东社区邻里服务台" in text and f"{day.month}月{day.day}日" in text and "值班员乙" in text


@pytest.fixture
def overnight(store, admin, resident, now) -> bookings.Booking:
    return bookings.book(store, admin, Request("P012", datetime(2026, 11, 24, 19, 0), datetime(2026, 11, 25, 7, 30),
                                               resident.id), now)


def test_an_overnight_booking_is_on_both_days_sheets(qapp, store, now, overnight, tmp_path):
    first = pdftotext(printing.sheet_pdf(store, date(2026, 11, 24), tmp_path / "a.pdf", now=now))
    second = pdftotext(printing.sheet_pdf(store, date(2026, 11, 25), tmp_path / "b.pdf", now=now))
    assert "川A12345" in first and "19:00→次日07:30" in first
    assert "川A12345" in second and "前日19:00→07:30" in second


def test_an_overnight_booking_is_not_on_the_day_after(qapp, store, now, overnight, tmp_path):
    assert "川A12345" not in pdftotext(printing.sheet_pdf(store, date(2026, 11, 26), tmp_path / "c.pdf", now=now))


def test_a_sheet_into_a_missing_folder_is_refused_and_nothing_is_written(qapp, store, now, tmp_path):
    with pytest.raises(DeskError) as refused:
        printing.sheet_pdf(store, date(2026, 11, 24), tmp_path / "missing" / "s.pdf", now=now)
    assert (refused.value.code, refused.value.field) == ("invalid", "path")
    assert list(tmp_path.glob("**/*.pdf")) == []


def test_a_printer_gets_the_same_pages_as_the_pdf(qapp, store, now, overnight, tmp_path):
    # A QPrinter writing PDF runs the very path a paper printer does.
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = printing.print_on(sheet.build(store, date(2026, 11, 24), now), printer)
    assert pages == pdf_pages(tmp_path / "printed.pdf") == 2  # 110 spaces, 7 rooms, the signatures at 9 pt
    assert "川A12345" in pdftotext(tmp_path / "printed.pdf")


def test_the_page_is_a4_landscape(qapp, store, now, tmp_path):
    path = printing.sheet_pdf(store, date(2026, 11, 24), tmp_path / "s.pdf", now=now)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    width, height = (float(v) for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (842, 595)  # points


def test_an_unknown_printer_is_refused_with_the_installed_ones_named(qapp):
    with pytest.raises(DeskError) as refused:
        printing.printer_for("没有这台打印机")
    assert refused.value.code == "invalid" and refused.value.field == "printer"


def test_the_preview_paints_the_sheet(qtbot, store, now, overnight):
    desk = Desk(store, Actor("值班员乙", "clerk"), fixed_now=now)
    dialog = printing.preview_sheet(desk, date(2026, 11, 24))
    qtbot.addWidget(dialog)
    assert isinstance(dialog, QPrintPreviewDialog)
    widget = dialog.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: widget.pageCount() >= 1)
    dialog.reject()


def test_the_sheet_command_writes_the_pdf(qapp, run_cli, overnight, tmp_path):
    result = run_cli("sheet", "--date", "2026-11-25", "--pdf", str(tmp_path / "s.pdf"))
    assert result.code == 0 and result.json["pages"] == pdf_pages(tmp_path / "s.pdf") == 2
    assert "前日19:00→07:30" in pdftotext(tmp_path / "s.pdf")


def test_the_sheet_command_without_output_gives_the_data(run_cli, overnight):
    result = run_cli("sheet", "--date", "2026-11-24")
    assert result.code == 0
    p012 = next(p for p in result.json["spaces"] if p["code"] == "P012")
    assert p012["lines"][0]["time"] == "19:00→次日07:30"


def test_the_sheet_command_refuses_a_printer_name_without_print(run_cli, tmp_path):
    result = run_cli("sheet", "--date", "2026-11-24", "--printer", "HP")
    assert result.code == 1 and result.json["code"] == "usage"


def test_the_sheet_command_says_when_there_is_no_such_printer(qapp, run_cli):
    result = run_cli("sheet", "--date", "2026-11-24", "--print", "--printer", "没有这台打印机")
    assert result.code == 1 and result.json["field"] == "printer"


def test_the_sheet_as_data_loads_no_qt(store_path, overnight):
    code = ("import sys, app\n"
            f"rc = app.main(['--db', {str(store_path)!r}, '--now', '2026-11-24 10:00', 'sheet', '--json'])\n"
            "print(rc, any(m.startswith('PySide6') for m in sys.modules), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stderr.strip().splitlines()[-1] == "0 False"


def test_save_as_pdf_writes_the_file_the_clerk_chose(qtbot, store, now, overnight, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog
    chosen = tmp_path / "日表.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(chosen), ""))
    desk = Desk(store, Actor("值班员乙", "clerk"), fixed_now=now)
    assert printing.save_pdf_dialog(desk, date(2026, 11, 24)) == chosen.resolve()
    assert "值班员乙" in pdftotext(chosen)


def test_ctrl_p_inside_the_preview_opens_the_print_dialog(qtbot, store, now, overnight):
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QApplication
    desk = Desk(store, Actor("值班员乙", "clerk"), fixed_now=now)
    dialog = printing.preview_sheet(desk, date(2026, 11, 24))
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    seen = []

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        seen.append(type(modal).__name__)
        if modal is not dialog:
            modal.reject()

    QTimer.singleShot(200, answer)
    qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [QPrintDialog.__name__]
    dialog.reject()


def test_the_preview_has_a_labelled_save_as_pdf_button(qtbot, store, now, overnight, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QToolBar, QToolButton
    chosen = tmp_path / "日表.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(chosen), ""))
    desk = Desk(store, Actor("值班员乙", "clerk"), fixed_now=now)
    dialog = printing.preview_sheet(desk, date(2026, 11, 24))
    qtbot.addWidget(dialog)
    buttons = [b for b in dialog.findChild(QToolBar).findChildren(QToolButton) if "PDF" in b.text()]
    assert [b.text().replace("&", "") for b in buttons] == ["另存为 PDF(D)"]
    buttons[0].click()
    assert chosen.exists()
    dialog.reject()


def test_the_unattended_sheet_never_prints_to_a_virtual_default_printer(qapp, run_cli, monkeypatch):
    """The 07:00 task on a PC whose default printer is Microsoft Print to PDF (QPrinterInfo knows no
    printers here, so the list is the one such a PC reports)."""
    office = ["Microsoft Print to PDF", "Microsoft XPS Document Writer", "OneNote (Desktop)", "HP LaserJet M404"]
    monkeypatch.setattr(printing, "installed_printers", lambda: (office, "Microsoft Print to PDF"))
    result = run_cli("sheet", "--date", "2026-11-24", "--print")
    assert result.code == 1 and (result.json["code"], result.json["field"]) == ("system", "printer")
    assert "Microsoft Print to PDF" in result.json["error"] and "HP LaserJet M404" in result.json["error"]
