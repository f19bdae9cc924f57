"""A bad day for the desk's PC: the disk fills up, the store turns read-only, another program
locks it, the clock is set back. Each time the clerk gets a clear message in Chinese, the
program keeps going, and nothing already stored is lost or changed (compared as a full dump
of the store before and after).

How each fault is made real, without mounts and although CI runs as root (so chmod stops
nothing):

- full disk: SQLite's `PRAGMA max_page_count` on the desk's own connection, set to the pages
  the store has now: the next page SQLite needs is refused exactly as on a full disk
  (SQLITE_FULL). For a separate process (the headless command) the file-size limit of that
  process (RLIMIT_FSIZE) is set to nothing, so the operating system refuses its writes.
- read-only: the store file made immutable with `chattr +i`, which stops root too; where the
  file system or the container does not allow that, the store is opened through SQLite's
  read-only URI (`mode=ro`) instead. Either way it is SQLite that refuses the write.
- locked: a second connection holding `BEGIN EXCLUSIVE`, as another program would.
- clock moved back: the domain's `now` (the commands' --now) earlier than what is stored.
"""
from __future__ import annotations

import contextlib
import io
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from booking import bookings, cli, passes, residents, rules, scanning, stations, store as store_module, sweep
from booking.audit import Actor
from booking.bookings import Request
from booking.errors import DeskError
from booking.store import Store, open_store

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 24, 10, 0)
ADMIN = Actor("管理员甲", "admin")
CLERK = Actor("值班员乙", "clerk")


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def dump(path: Path) -> list[str]:
    """Everything in the store as SQL text, read through a connection of its own."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def sound(path: Path) -> bool:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                and conn.execute("PRAGMA foreign_key_check").fetchall() == [])
    finally:
        conn.close()


def refused(call, *args, **kwargs) -> DeskError:
    with pytest.raises(DeskError) as caught:
        call(*args, **kwargs)
    return caught.value


@pytest.fixture
def day(store: Store, store_path: Path) -> dict:
    """A morning at the desk: two households, bookings booked, checked in and cancelled, scans."""
    for scope in ("*", "kind:parking", "kind:room"):  # so that only the fault under test can refuse
        rules.set_rule(store, ADMIN, scope, "max_active_per_household", 100000)
    zhang = residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345")
    li = residents.add(store, ADMIN, "李四", "5栋1单元302", "13987654321", "川AD12345")
    inside = bookings.book(store, ADMIN, Request("P001", at("2026-11-24 09:00"), at("2026-11-24 12:00"), zhang.id),
                           at("2026-11-24 08:00"))
    waiting = bookings.book(store, ADMIN, Request("P002", at("2026-11-24 19:00"), at("2026-11-25 07:30"), li.id), NOW)
    gone = bookings.book(store, ADMIN, Request("P003", at("2026-11-24 14:00"), at("2026-11-24 16:00"), li.id), NOW)
    bookings.cancel(store, ADMIN, gone.id, reason="住户来电取消")
    verdict = scanning.scan(store, CLERK, passes.pass_text(store, inside.id), stations.DESK, at("2026-11-24 09:05"))
    assert verdict.action == "check-in"
    return {"zhang": zhang, "li": li, "inside": inside, "waiting": waiting, "path": store_path}


def request(day: dict, code: str = "P010", start: str = "2026-11-26 09:00", hours: int = 1) -> Request:
    begin = at(start)
    return Request(code, begin, begin + timedelta(hours=hours), day["zhang"].id)


# --- the disk is full ---------------------------------------------------------------------------

def fill_disk(store: Store) -> None:
    """From now on SQLite may not grow the store by a single page: the disk is full."""
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")


def book_until_full(store: Store, day: dict) -> tuple[list[int], DeskError, list[str]]:
    """Book one slot after another until the disk refuses; (booked ids, the refusal, dump before it)."""
    fill_disk(store)
    made = []
    for n in range(500):
        before = dump(day["path"])
        try:
            made.append(bookings.book(store, CLERK, request(day, f"P{n % 100 + 1:03d}",
                                                            f"2026-11-{26 + n // 100} 09:00"), NOW).id)
        except DeskError as exc:
            return made, exc, before
    raise AssertionError("500 bookings fitted on a full disk: the disk was never full")


def test_a_booking_on_a_full_disk_is_refused_in_chinese(store, day):
    _made, error, _before = book_until_full(store, day)
    assert (error.code, error.key) == ("store", "store_full")
    assert error.message() == "磁盘已满，更改未保存。请清理磁盘后重试。"


def test_a_full_disk_keeps_every_earlier_booking_and_writes_nothing_of_the_refused_one(store, day):
    made, _error, before = book_until_full(store, day)
    assert dump(day["path"]) == before
    assert [bookings.get(store, i).status for i in made] == ["booked"] * len(made)
    assert sound(day["path"])


def test_a_scan_on_a_full_disk_is_refused_and_the_booking_stays_checked_in(store, day):
    book_until_full(store, day)
    before = dump(day["path"])
    error = refused(scanning.scan, store, CLERK, passes.pass_text(store, day["inside"].id), stations.DESK,
                    at("2026-11-24 11:50"))
    assert error.key == "store_full"
    assert dump(day["path"]) == before
    assert bookings.get(store, day["inside"].id).status == "checked_in"


def test_once_space_is_freed_the_refused_booking_succeeds(store, day):
    _made, _error, _before = book_until_full(store, day)
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    again = bookings.book(store, CLERK, request(day, "P100", "2026-11-30 09:00"), NOW)
    assert bookings.get(store, again.id).status == "booked"
    assert sound(day["path"])
