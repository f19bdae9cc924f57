"""A district: one PostgreSQL database holds one store per compound, each in its own schema
(`?schema=` in the URL), side by side on the real test server. Each compound is migrated on its
own, keeps its bookings, its overlap guard, its pass keys and its write lock to itself; a database's
own store in `public` (every database from before districts) goes on working beside them."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import URL

from booking.checkin import passes
from booking.checkin.scanning import verify
from booking.ops import setup
from booking.people import residents
from booking.places import inventory
from booking.schedule import bookings
from booking.schedule.bookings import Request
from booking.store.connection import IntegrityError, refusal
from booking.store.errors import DeskError
from booking.store.postgres import migrate
from booking.store.postgres.engine import engine_for
from booking.store.postgres.locking import WRITE_LOCK, take_write_lock, write_lock_key
from booking.store.postgres.store import ServerStore
from tests.conftest import ADMIN, NOW, server_location

GUIDONG, XINFU = "guidong_01", "xinfu_02"
TONIGHT = (datetime(2026, 11, 24, 19, 0), datetime(2026, 11, 25, 7, 30))


def compound(url: URL, schema: str) -> URL:
    return url.update_query_dict({"schema": schema})


def open_compound(url: URL, schema: str, create: bool = True) -> ServerStore:
    opened = setup.open_ready(server_location(compound(url, schema)), now=NOW, create=create)
    assert isinstance(opened, ServerStore)
    return opened


@pytest.fixture
def district(pg_empty_url: URL) -> Iterator[tuple[ServerStore, ServerStore]]:
    """Two compounds' stores made side by side in one empty database, as their first desks start."""
    guidong, xinfu = open_compound(pg_empty_url, GUIDONG), open_compound(pg_empty_url, XINFU)
    yield guidong, xinfu
    guidong.close()
    xinfu.close()


def book_tonight(store: ServerStore, name: str) -> bookings.Booking:
    resident = residents.add(store, ADMIN, name, "3栋2单元501", "13812345678", "川A12345", now=NOW)
    return bookings.book(store, ADMIN, Request("P001", *TONIGHT, resident.id), NOW)


def test_each_compound_is_migrated_and_seeded_in_its_own_schema_and_public_stays_empty(district, pg_empty_url):
    guidong, xinfu = district
    for store, schema in ((guidong, GUIDONG), (xinfu, XINFU)):
        assert store.sql("SELECT current_schema()").scalar() == schema
        assert store.applied_migrations() == list(migrate.NAMES)
        assert store.sql(f"SELECT count(*) FROM {schema}._linli_migrations").scalar() == len(migrate.NAMES)
        assert store.sql("SELECT count(*) FROM resource").scalar() > 100
    assert guidong.path.endswith(f"?schema={GUIDONG}") and xinfu.path.endswith(f"?schema={XINFU}")  # shown()
    tables_in_public = guidong.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").scalar()
    assert tables_in_public == 0
    assert guidong.sql("SELECT extnamespace::regnamespace::text FROM pg_extension "
                       "WHERE extname = 'btree_gist'").scalar() == "public"


def test_a_booking_in_one_compound_is_not_seen_in_the_other_and_the_same_space_is_free_there(district):
    guidong, xinfu = district
    first = book_tonight(guidong, "张三丰")
    assert xinfu.sql("SELECT count(*) FROM booking").scalar() == 0
    assert bookings.clashes(xinfu, inventory.get(xinfu, "P001"), *TONIGHT) == []
    there = book_tonight(xinfu, "李四")  # the same space, the same night: another compound's P001
    assert (first.status, there.status) == ("booked", "booked")
    assert [b.id for b in bookings.on_date(guidong, TONIGHT[0].date())] == [first.id]
    assert [b.id for b in bookings.on_date(xinfu, TONIGHT[0].date())] == [there.id]


def test_each_compound_has_its_own_overlap_guard(district):
    guidong, xinfu = district
    booked = book_tonight(guidong, "张三丰")
    book_tonight(xinfu, "李四")
    overlap = ("INSERT INTO booking(resource_id, household_id, resident_id, start_at, end_at, status, visitor, "
               "pass_rev) SELECT resource_id, household_id, resident_id, '2026-11-25 06:00', '2026-11-25 08:00', "
               "'booked', 0, 1 FROM booking WHERE id = :id")
    for store in district:
        with pytest.raises(IntegrityError) as caught, store.write():
            store.sql(overlap, id=booked.id)  # each compound's first booking is id 1
        assert refusal(caught.value) == "booking_clash"
    with pytest.raises(DeskError) as err:
        bookings.book(guidong, ADMIN, Request("P001", datetime(2026, 11, 24, 20, 0), datetime(2026, 11, 24, 21, 0),
                                              booked.resident_id), NOW)
    assert err.value.code == "clash"


def test_a_pass_signed_in_one_compound_does_not_verify_in_the_other(district):
    guidong, xinfu = district
    booked = book_tonight(guidong, "张三丰")
    book_tonight(xinfu, "李四")  # a booking with the same id there, so only the signature can tell them apart
    secrets = [store.sql("SELECT secret FROM pass_key ORDER BY kid").fetchall() for store in district]
    assert secrets[0] != secrets[1]
    issued = passes.pass_text(guidong, booked.id)
    at = datetime(2026, 11, 24, 18, 45)
    assert verify(issued, guidong, at, "desk").ok
    refused = verify(issued, xinfu, at, "desk")
    assert (refused.ok, refused.reason_key) == (False, "scan_forged")


def test_one_compounds_write_lock_does_not_block_the_other(district, pg_empty_url):
    guidong, xinfu = district
    second_desk = open_compound(pg_empty_url, GUIDONG, create=False)
    try:
        assert len({guidong.write_lock, xinfu.write_lock, WRITE_LOCK}) == 3
        assert second_desk.write_lock == guidong.write_lock == write_lock_key(GUIDONG)
        with guidong.write():
            guidong.set_setting("desk.holding", "yes")
            with xinfu.patience(0.2), xinfu.write():  # the other compound does not wait
                xinfu.set_setting("desk.meanwhile", "written")
            with second_desk.patience(0.2), pytest.raises(DeskError) as busy, second_desk.write():
                pass  # the same compound's second desk waits, and gives up
        assert busy.value.key == "store_busy"
        assert xinfu.setting("desk.meanwhile") == "written" and guidong.setting("desk.holding") == "yes"
    finally:
        second_desk.close()


def test_migrations_and_copies_take_the_lock_of_the_schema_they_are_in(district, pg_empty_url):
    guidong = server_location(compound(pg_empty_url, GUIDONG))
    migrating, watching = engine_for(guidong, None, poolclass=sa.NullPool), sa.create_engine(pg_empty_url)
    try_lock = text("SELECT pg_try_advisory_xact_lock(:key)")
    with migrating.connect() as conn, watching.connect() as other:
        with conn.begin():
            take_write_lock(conn)
            for key, free in ((write_lock_key(GUIDONG), False), (write_lock_key(XINFU), True), (WRITE_LOCK, True)):
                assert other.execute(try_lock, {"key": key}).scalar() is free
                other.rollback()
    migrating.dispose()
    watching.dispose()


def test_the_databases_own_store_in_public_goes_on_working_beside_a_compound(pg_url):
    public = setup.open_ready(server_location(pg_url), now=NOW, create=False)  # from before districts
    try:
        assert isinstance(public, ServerStore) and public.write_lock == WRITE_LOCK
        book_tonight(public, "王五")
        guidong = open_compound(pg_url, GUIDONG)  # a compound's schema added to that database
        try:
            assert guidong.applied_migrations() == list(migrate.NAMES)  # its own, not public's record
            assert guidong.sql("SELECT count(*) FROM booking").scalar() == 0
            book_tonight(guidong, "张三丰")  # the same space and night as public's booking
        finally:
            guidong.close()
        assert public.sql("SELECT count(*) FROM booking").scalar() == 1
        assert public.sql("SELECT current_schema()").scalar() == "public"
    finally:
        public.close()


def test_a_compound_that_does_not_exist_is_refused_by_every_command_but_init(district, pg_empty_url):
    with pytest.raises(DeskError) as caught:
        open_compound(pg_empty_url, "guidong_10", create=False)  # a mistyped compound
    assert (caught.value.code, caught.value.key) == ("not_found", "pg_store_missing")
    assert "schema=guidong_10" in caught.value.message("en")
    guidong = district[0]
    assert guidong.sql("SELECT count(*) FROM pg_namespace WHERE nspname = 'guidong_10'").scalar() == 0
