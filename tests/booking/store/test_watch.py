"""A store file's watch: another connection's commits are heard by `data_version`, named by the logs'
new rows (audit, scans, gate events); this connection's own commits are not heard."""
from __future__ import annotations

from datetime import datetime

from booking.ops import setup
from booking.people import residents
from booking.schedule import bookings
from booking.schedule.bookings import Request
from booking.store.changes import ANY_WRITE, Changes, of_tables
from booking.store.connection import open_store
from booking.store.watch import UNLOGGED, SQLiteWatch, Watch
from tests.conftest import ADMIN, NOW


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")



def started(store) -> SQLiteWatch:
    watch = store.watch()
    assert isinstance(watch, SQLiteWatch)
    watch.start(lambda: None)
    return watch


def told(watch: SQLiteWatch) -> Changes:
    found = Changes()
    for notice in watch.poll():
        found = found | notice.changes
    return found


def test_a_booking_by_another_connection_is_heard_as_bookings_and_residents(store, store_path):
    watch = started(store)
    other = setup.open_ready(store_path, now=NOW)
    try:
        resident = residents.add(other, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
        bookings.book(other, ADMIN, Request("P001", at("2026-11-24 19:00"), at("2026-11-25 07:00"), resident.id), NOW)
    finally:
        other.close()
    heard = told(watch)
    assert heard.bookings and heard.residents and not heard.spaces
    assert told(watch) == Changes()  # told once


def test_this_connections_own_writes_are_not_heard(store):
    watch = started(store)
    residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    assert told(watch) == Changes()


def test_own_log_rows_are_not_told_as_the_other_connections(store, store_path):
    watch = started(store)
    residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    assert told(watch) == Changes()  # the poll after this desk's write moves past its audit rows
    other = open_store(store_path)
    try:
        other.set_setting("desk.note", "x")  # unaudited: no log row names it
    finally:
        other.close()
    assert told(watch) == UNLOGGED


def test_a_store_in_memory_has_nothing_to_hear():
    store = open_store(":memory:")
    try:
        watch = store.watch()
        assert type(watch) is Watch and watch.poll() == []
    finally:
        store.close()


def test_tables_name_their_kinds_and_an_unknown_one_is_any_write():
    assert of_tables(["booking", "audit"]) == Changes(bookings=True, passes=True)
    assert of_tables([]) == Changes()
    assert of_tables(["a_table_of_a_newer_version"]) == ANY_WRITE
    assert not ANY_WRITE.signed_in
