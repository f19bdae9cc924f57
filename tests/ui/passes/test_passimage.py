"""Pass QR images decode back to exactly the pass, read by a real decoder (zxing-cpp)."""
from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pytest
import zxingcpp
from PySide6.QtGui import QImage, QRawFont

from booking.checkin import passcode, passinfo
from booking.schedule import bookings
from booking.store.errors import DeskError
from ui.passes import passimage
from ui.desk.fonts import mono_font, ui_font


def decoded(image: QImage) -> list[tuple[str, str]]:
    return [(found.format.name, found.text) for found in zxingcpp.read_barcodes(image)]


@pytest.fixture
def overnight(store, admin, resident, now) -> bookings.Booking:
    req = bookings.Request(resource="P012", start=datetime(2026, 11, 24, 19, 0), end=datetime(2026, 11, 25, 7, 30),
                           resident_id=resident.id, plate="川A12345")
    return bookings.book(store, admin, req, now)


@pytest.fixture
def info(qapp, store, overnight, now) -> passinfo.PassInfo:
    return passinfo.pass_info(store, overnight.id, now)


@pytest.fixture
def out(tmp_path) -> Path:
    """An empty folder for the files (the test store lives beside it)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_the_phone_png_decodes_to_the_pass(info, out):
    path = passimage.save_png(passimage.phone_image(info), out / "pass.png")
    assert decoded(QImage(str(path))) == [("QRCode", info.payload)]


def test_the_screen_image_decodes_to_the_pass(info):
    assert decoded(passimage.qr_image(info.payload)) == [("QRCode", info.payload)]


def test_two_thousand_random_passes_decode_at_screen_size(qapp):
    rng = random.Random(20201022)
    extremes = [(0, 0, 0), (99, passcode.MAX_BOOKING_ID, passcode.MAX_REVISION), (1, 1, 0)]
    fields = extremes + [(rng.randint(0, 99), rng.randint(0, passcode.MAX_BOOKING_ID), rng.randint(0, 999))
                         for _ in range(2000 - len(extremes))]
    wrong = []
    for key_id, booking_id, revision in fields:
        text = passcode.make_pass(key_id, rng.randbytes(32), booking_id, revision)
        found = zxingcpp.read_barcodes(passimage.qr_image(text), formats=zxingcpp.BarcodeFormat.QRCode)
        if [f.text for f in found] != [text]:
            wrong.append(text)
    passimage.modules.cache_clear()
    assert wrong == []


def test_every_pass_fits_a_version_2_code_at_level_q(qapp):
    rng = random.Random(7)
    for _ in range(50):
        text = passcode.make_pass(rng.randint(0, 99), rng.randbytes(32), rng.randint(0, 10**9 - 1), rng.randint(0, 999))
        assert passimage.module_count(text) == 25 + 2 * passimage.QUIET_ZONE  # numeric mode, Q, quiet zone


def test_the_screen_image_has_whole_pixel_modules_and_the_quiet_zone(info):
    image = passimage.qr_image(info.payload, module_px=6)
    assert image.width() == image.height() == passimage.module_count(info.payload) * 6 == (29 + 8) * 6  # version 3
    quiet = 4 * 6
    border = [image.pixelColor(x, y).lightness() for x in range(image.width()) for y in range(quiet)]
    assert set(border) == {255}
    assert {image.pixelColor(x, y).lightness() for x in range(image.width()) for y in range(image.height())} == {0, 255}


def test_the_phone_image_is_portrait_and_the_code_spans_most_of_its_width(info):
    image = passimage.phone_image(info)
    assert 600 <= image.width() <= 800 and image.height() > image.width()
    side = passimage.module_count(info.payload) * (image.width() // passimage.module_count(info.payload))
    assert side >= 0.9 * image.width()


def test_the_fonts_have_every_character_the_pass_shows(info):
    # a character missing from the font would print as an empty box
    needed = "".join(sorted({ch for line in info.lines() for ch in line if not ch.isspace()}))
    for font, text in ((ui_font(), needed), (ui_font(bold=True), needed), (mono_font(), info.grouped)):
        glyphs = QRawFont.fromFont(font).glyphIndexesForString(text)  # 0: the font has no such character
        assert [ch for ch, glyph in zip(text, glyphs) if glyph == 0 and not ch.isspace()] == []


def test_a_folder_is_refused_and_nothing_is_written(info, out):
    with pytest.raises(DeskError) as refused:
        passimage.save_png(passimage.phone_image(info), out)
    assert refused.value.field == "path" and "文件夹" in refused.value.message()
    assert list(out.iterdir()) == []


def test_a_missing_folder_is_refused(info, out):
    with pytest.raises(DeskError) as refused:
        passimage.save_png(passimage.phone_image(info), out / "no such folder" / "pass.png")
    assert refused.value.code == "invalid" and "不存在" in refused.value.message()
    assert list(out.iterdir()) == []


def test_saving_over_an_old_image_replaces_it_whole_and_leaves_no_partial_file(info, out):
    target = out / "pass.png"
    target.write_bytes(b"an older pass")
    passimage.save_png(passimage.phone_image(info), target)
    assert decoded(QImage(str(target))) == [("QRCode", info.payload)]
    assert [p.name for p in out.iterdir()] == ["pass.png"]


def test_a_failed_write_leaves_the_old_file_and_no_partial_file(out):
    target = out / "pass.png"
    target.write_bytes(b"an older pass")

    def fails(partial: Path) -> None:
        partial.write_bytes(b"half an ima")
        raise OSError(28, "No space left on device")

    with pytest.raises(DeskError) as refused:
        passinfo.write_whole(target, fails)
    assert "No space left" in refused.value.message()
    assert target.read_bytes() == b"an older pass"
    assert [p.name for p in out.iterdir()] == ["pass.png"]
