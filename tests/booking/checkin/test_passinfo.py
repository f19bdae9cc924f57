"""The words printed beside a pass's code, as data (no Qt)."""
from __future__ import annotations

from datetime import datetime

import pytest

from booking.checkin import passinfo
from booking.policy import rules
from booking.schedule import bookings
from booking.store import i18n
from booking.store.errors import DeskError
from booking.checkin.passinfo import when_text
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server


def book(store, admin, resident, now, resource="P012", start=datetime(2026, 11, 24, 19, 0),
         end=datetime(2026, 11, 25, 7, 30), **extra) -> bookings.Booking:
    if resource.startswith("P"):
        extra.setdefault("plate", "川A12345")
    req = bookings.Request(resource=resource, start=start, end=end, resident_id=resident.id, **extra)
    return bookings.book(store, admin, req, now)


def test_a_booking_within_a_day_shows_one_date():
    assert (when_text(datetime(2026, 11, 26, 14, 0), datetime(2026, 11, 26, 16, 0))
            == "2026年11月26日（周四）14:00–16:00")


def test_an_overnight_booking_shows_both_dates_and_says_overnight():
    assert (when_text(datetime(2026, 11, 24, 19, 0), datetime(2026, 11, 25, 7, 30))
            == "2026年11月24日（周二）19:00 → 11月25日（周三）07:30（过夜）")


def test_a_booking_into_the_new_year_shows_both_years():
    assert (when_text(datetime(2026, 12, 31, 19, 0), datetime(2027, 1, 1, 7, 30))
            == "2026年12月31日（周四）19:00 → 2027年1月1日（周五）07:30（过夜）")


def test_a_booking_of_several_days_is_not_called_overnight():
    assert (when_text(datetime(2026, 11, 24, 8, 0), datetime(2026, 11, 26, 8, 0))
            == "2026年11月24日（周二）08:00 → 11月26日（周四）08:00")


def test_times_in_english():
    i18n.set_language("en")
    assert (when_text(datetime(2026, 11, 24, 19, 0), datetime(2026, 11, 25, 7, 30))
            == "Tue 24 Nov 2026 19:00 → Wed 25 Nov 07:30 (overnight)")


def test_the_details_name_the_space_time_masked_household_and_plate(store, admin, resident, now):
    info = passinfo.pass_info(store, book(store, admin, resident, now).id, now)
    assert info.title == "停车通行证" and info.overnight
    assert dict(info.details) == {"车位": "P012 共享车位",
                                  "时间": "2026年11月24日（周二）19:00 → 11月25日（周三）07:30（过夜）",
                                  "住户": "3栋2单元501 张*丰", "车牌": "川A12345"}
    assert "张三丰" not in "".join(info.lines()) and "13812345678" not in "".join(info.lines())


def test_the_rules_come_from_the_convention(store, admin, resident, now):
    info = passinfo.pass_info(store, book(store, admin, resident, now).id, now)
    assert info.rules[:3] == ("签到时间：18:30 至 19:30（开始前 30 分钟起可签到）。",
                              "超过开始时间 30 分钟未签到，预约将作废，车位释放。",
                              "请于 11月25日（周三）07:30 前驶离，超时离场将被记录。")


def test_a_changed_grace_time_is_what_the_pass_says(store, admin, resident, now):
    rules.set_rule(store, admin, "res:P012", "grace_minutes", "45", now=now)
    info = passinfo.pass_info(store, book(store, admin, resident, now).id, now)
    assert "超过开始时间 45 分钟未签到，预约将作废，车位释放。" in info.rules
    assert info.rules[0].startswith("签到时间：18:30 至 19:45")


def test_without_a_grace_time_the_pass_says_check_in_closes_at_the_end(store, admin, resident, now):
    for scope in ("kind:parking", "*"):
        rules.set_rule(store, admin, scope, "grace_minutes", "off", now=now)
    info = passinfo.pass_info(store, book(store, admin, resident, now).id, now)
    assert "到结束时间仍未签到，预约将作废，车位释放。" in info.rules
    assert info.rules[0].startswith("签到时间：18:30 至 11月25日（周三）07:30")


def test_a_room_pass_names_the_room_and_its_purpose(store, admin, resident, now):
    room = book(store, admin, resident, now, "R01", datetime(2026, 11, 26, 14, 0), datetime(2026, 11, 26, 16, 0),
                purpose="书法兴趣小组")
    info = passinfo.pass_info(store, room.id, now)
    assert info.title == "场地通行证" and not info.overnight
    assert info.detail("场地") == "R01 党群驿站" and info.detail("用途") == "书法兴趣小组"
    assert info.detail("车牌") is None
    assert "超过开始时间 15 分钟未签到，预约将作废，场地释放。" in info.rules


def test_a_visitor_booking_says_so(store, admin, resident, now):
    visitor = book(store, admin, resident, now, "P100", plate="川A9F123", visitor=True)
    assert passinfo.pass_info(store, visitor.id, now).detail("住户") == "3栋2单元501 张*丰（访客）"


def test_a_cancelled_booking_has_no_pass_info(store, admin, resident, now):
    booking = book(store, admin, resident, now)
    bookings.cancel(store, admin, booking.id, now=now)
    with pytest.raises(DeskError) as refused:
        passinfo.pass_info(store, booking.id, now)
    assert refused.value.code == "state"


def test_the_footer_names_the_booking_revision_and_issue_time(store, admin, resident, now):
    booking = book(store, admin, resident, now)
    info = passinfo.pass_info(store, booking.id, now)
    assert info.footer == f"预约号 {booking.id} · 第 {booking.pass_rev} 版 · 2026-11-24 10:00 出证"
    assert info.to_json()["payload"] == info.payload


def test_a_long_purpose_is_cut_to_fit_the_slip(store, admin, resident, now):
    room = book(store, admin, resident, now, "R01", datetime(2026, 11, 26, 14, 0), datetime(2026, 11, 26, 16, 0),
                purpose="志愿者培训\n" * 40)
    shown = passinfo.pass_info(store, room.id, now).detail("用途")
    assert len(shown) == passinfo.PURPOSE_CHARS and shown.endswith("…") and "\n" not in shown
