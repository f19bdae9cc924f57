"""The printed pass slip: its code decodes from a raster of the PDF, its words are real text."""
from __future__ import annotations

import subprocess
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
import zxingcpp
from PySide6.QtGui import QImage, QPainter

from booking.checkin import passinfo
from booking.policy import rules
from booking.schedule import bookings
from booking.store import i18n
from booking.places.inventory import get as get_resource
from ui.passes import slip


def book(store, admin, resident, now, resource: str, start: datetime, end: datetime, **extra) -> bookings.Booking:
    req = bookings.Request(resource=resource, start=start, end=end, resident_id=resident.id, **extra)
    return bookings.book(store, admin, req, now)


@pytest.fixture
def overnight(store, admin, resident, now) -> bookings.Booking:
    return book(store, admin, resident, now, "P012", datetime(2026, 11, 24, 19, 0), datetime(2026, 11, 25, 7, 30),
                plate="川A12345")


@pytest.fixture
def out(tmp_path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def write(store, booking_id: int, now, out: Path, name: str = "slip.pdf") -> tuple[passinfo.PassInfo, Path]:
    info = passinfo.pass_info(store, booking_id, now)
    return info, slip.write_slip_pdf(info, out / name)


def text_of(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_the_slip_rasterised_at_150_dpi_decodes_to_the_pass(qapp, store, overnight, now, out):
    info, pdf = write(store, overnight.id, now, out)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(out / "page")], check=True)
    found = zxingcpp.read_barcodes(QImage(str(out / "page.png")))
    assert [(f.format.name, f.text) for f in found] == [("QRCode", info.payload)]


def test_the_slip_text_has_the_resource_plate_grace_time_and_masked_household(qapp, store, overnight, now, out):
    _, pdf = write(store, overnight.id, now, out)
    text = text_of(pdf)
    grace = rules.effective(store, get_resource(store, "P012"))["grace_minutes"]
    assert "P012" in text
    assert "川A12345" in text
    assert f"超过开始时间 {grace} 分钟未签到，预约将作废，车位释放" in text
    assert "3栋2单元501 张*丰" in text and "张三丰" not in text


def test_the_slip_shows_the_pass_number_in_groups_of_five(qapp, store, overnight, now, out):
    info, pdf = write(store, overnight.id, now, out)
    flat = " ".join(text_of(pdf).split())
    assert info.grouped in flat


def test_an_overnight_booking_shows_both_dates(qapp, store, overnight, now, out):
    _, pdf = write(store, overnight.id, now, out)
    flat = "".join(text_of(pdf).split())
    assert "2026年11月24日（周二）19:00→11月25日（周三）07:30（过夜）" in flat


def test_the_slip_embeds_a_cjk_font(qapp, store, overnight, now, out):
    _, pdf = write(store, overnight.id, now, out)
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    cjk = [row for row in rows if "CJK" in row[0] or "YaHei" in row[0] or "Hei" in row[0]]
    assert cjk and all(row[-5] == "yes" for row in cjk)  # the 'emb' column


def test_copied_text_has_everyday_characters_not_radicals(qapp, store, overnight, now, out):
    # CJK fonts share one glyph between 车 and the radical ⻋; the slip must copy out as 车
    _, pdf = write(store, overnight.id, now, out)
    text = text_of(pdf)
    assert "车位" in text and "车牌" in text and "住户" in text
    assert [ch for ch in text if "RADICAL" in unicodedata.name(ch, "")] == []


def test_the_slip_is_an_a6_page(qapp, store, overnight, now, out):
    _, pdf = write(store, overnight.id, now, out)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    width, _, height = info.split("Page size:")[1].split()[:3]
    assert abs(float(width) - 105 / 25.4 * 72) < 1 and abs(float(height) - 148 / 25.4 * 72) < 1


def test_a_room_slip_says_the_room_is_released_and_shows_the_purpose(qapp, store, admin, resident, now, out):
    room = book(store, admin, resident, now, "R01", datetime(2026, 11, 26, 14, 0), datetime(2026, 11, 26, 16, 0),
                purpose="书法兴趣小组活动")
    _, pdf = write(store, room.id, now, out)
    flat = "".join(text_of(pdf).split())
    assert "场地通行证" in flat and "R01党群驿站" in flat
    assert "2026年11月26日（周四）14:00–16:00" in flat and "过夜" not in flat
    assert "超过开始时间15分钟未签到，预约将作废，场地释放" in flat
    assert "书法兴趣小组活动" in flat and "车牌" not in flat


def test_a_long_purpose_still_leaves_the_code_readable_and_the_footer_on_the_page(qapp, store, admin, resident,
                                                                                  now, out):
    room = book(store, admin, resident, now, "R03", datetime(2026, 11, 26, 9, 0), datetime(2026, 11, 26, 11, 0),
                purpose="社区志愿者服务队月度例会暨时间银行积分登记、新志愿者培训与院落公约宣讲；" * 3)
    info, pdf = write(store, room.id, now, out)
    assert "出证" in text_of(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(out / "page")], check=True)
    assert [f.text for f in zxingcpp.read_barcodes(QImage(str(out / "page.png")))] == [info.payload]


def test_the_slip_in_english(qapp, store, overnight, now, out):
    i18n.set_language("en")
    _, pdf = write(store, overnight.id, now, out)
    flat = " ".join(text_of(pdf).split())
    assert "Parking pass" in flat and "Plate 川A12345" in flat
    assert "Tue 24 Nov 2026 19:00 →" in flat and "Wed 25 Nov 07:30 (overnight)" in flat


def test_writing_a_slip_over_a_folder_is_refused(qapp, store, overnight, now, out):
    with pytest.raises(passinfo.DeskError):
        write(store, overnight.id, now, out.parent, name="out")
    assert list(out.iterdir()) == []


def test_the_slip_painted_on_an_image_decodes_as_print_preview_shows_it(qapp, store, overnight, now):
    info = passinfo.pass_info(store, overnight.id, now)
    image = QImage(round(105 / 25.4 * 150), round(148 / 25.4 * 150), QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(150 / 0.0254))
    image.setDotsPerMeterY(round(150 / 0.0254))
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    slip.paint_slip(painter, slip.slip_rect(image), info)
    painter.end()
    assert [f.text for f in zxingcpp.read_barcodes(image)] == [info.payload]
