"""The heat-map picture: its size follows the matrix, it is not blank, its scale prints in grey."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtGui import QColor, QImage

from booking.store.changes import Changes
from booking.schedule import bookings
from booking.store.audit import Actor
from booking.schedule.bookings import Request
from booking.store.errors import DeskError
from ui.reports import heatmap
from ui.desk.session import Desk


@pytest.fixture
def used(store, admin, resident, neighbour, now) -> None:
    """Two overnight stays and a room meeting in the week of 23 November."""
    bookings.book(store, admin, Request("P001", datetime(2026, 11, 24, 19, 0), datetime(2026, 11, 25, 7, 30),
                                        resident.id), now)
    bookings.book(store, admin, Request("P050", datetime(2026, 11, 25, 19, 0), datetime(2026, 11, 26, 7, 30),
                                        neighbour.id), now)
    bookings.book(store, admin, Request("R01", datetime(2026, 11, 26, 14, 0), datetime(2026, 11, 26, 16, 0),
                                        neighbour.id, purpose="邻里议事会"), now)


def cells_coloured(image: QImage) -> int:
    """How many pixels are neither white, nor black nor grey: the coloured cells."""
    count = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            c = image.pixelColor(x, y)
            if max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue()) > 20:
                count += 1
    return count


def test_the_month_picture_grows_with_its_rows_and_columns(qapp, store, used):
    hm = heatmap.build(store, "2026-11", "spaces")
    image = heatmap.heatmap_image(hm)
    assert (len(hm.rows), len(hm.columns)) == (117, 30)
    assert image.width() >= 30 * 22 and image.height() >= 117 * 13


def test_the_week_picture_has_seven_columns(qapp, store, used):
    hm = heatmap.build(store, "2026-11-25", "spaces")
    assert hm.columns == ("11-23", "11-24", "11-25", "11-26", "11-27", "11-28", "11-29")


def test_the_png_has_the_size_of_the_picture_and_is_not_blank(qapp, store, used, tmp_path):
    path = heatmap.heatmap_png(store, "2026-11-25", "hours", tmp_path / "h.png")
    image = QImage(str(path))
    expected = heatmap.heatmap_image(heatmap.build(store, "2026-11-25", "hours"))
    assert (image.width(), image.height()) == (expected.width(), expected.height())
    assert cells_coloured(image) > 100


def test_a_used_space_is_darker_than_an_unused_one(qapp, store, used):
    hm = heatmap.build(store, "2026-11-25", "spaces")
    p001, p002 = hm.values[hm.rows.index("P001")], hm.values[hm.rows.index("P002")]
    assert p001[1] > 0 and p002[1] == 0
    assert heatmap.colour(p001[1]).lightness() < heatmap.colour(p002[1]).lightness()


def test_the_scale_gets_darker_all_the_way_so_it_prints_in_grey(qapp):
    greys = [QColor(heatmap.colour(v / 20)).lightness() for v in range(21)]
    assert greys == sorted(greys, reverse=True) and len(set(greys)) == 21


def test_a_period_that_is_neither_month_nor_day_is_refused(qapp, store, tmp_path):
    with pytest.raises(DeskError) as refused:
        heatmap.heatmap_png(store, "November", "spaces", tmp_path / "never.png")
    assert refused.value.field == "period"
    assert not (tmp_path / "never.png").exists()


def test_the_heatmap_command_writes_the_png(qapp, run_cli, used, tmp_path):
    result = run_cli("heatmap", "--month", "2026-11", "--by", "spaces", "--png", str(tmp_path / "m.png"))
    assert result.code == 0
    image = QImage(result.json["png"])
    assert (image.width(), image.height()) == (result.json["width"], result.json["height"])
    assert (result.json["rows"], result.json["columns"]) == (117, 30)


def test_the_heatmap_command_without_png_gives_the_matrix(run_cli, used):
    result = run_cli("heatmap", "--week", "2026-11-24", "--by", "hours")
    assert result.code == 0 and len(result.json["values"]) == 24 and len(result.json["values"][0]) == 7


def test_the_dialog_shows_the_picture_and_saves_it(qtbot, store, used, now, tmp_path):
    desk = Desk(store, Actor("管理员甲", "admin"), fixed_now=now)
    dialog = heatmap.HeatmapDialog(desk)
    qtbot.addWidget(dialog)
    month = dialog.picture.pixmap().size()
    dialog.by.setCurrentIndex(dialog.by.findData("hours"))
    assert dialog.picture.pixmap().size() != month
    saved = dialog.save_to(str(tmp_path / "shown.png"))
    assert QImage(str(saved)).size() == dialog.image.size()
    assert str(saved) in dialog.status.text()


def test_the_dialog_follows_new_bookings(qtbot, store, admin, resident, now):
    desk = Desk(store, Actor("管理员甲", "admin"), fixed_now=now)
    dialog = heatmap.HeatmapDialog(desk)
    qtbot.addWidget(dialog)
    before = dialog.image.copy()
    bookings.book(store, admin, Request("P003", datetime(2026, 11, 24, 12, 0), datetime(2026, 11, 24, 18, 0),
                                        resident.id), now)
    desk.notify(Changes(bookings=True))
    assert dialog.image != before


def test_the_dialog_opens_beside_the_desk(qtbot, store, now):
    dialog = heatmap.open_dialog(Desk(store, Actor("管理员甲", "admin"), fixed_now=now))
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and not dialog.isModal()
