"""Two desks on one PostgreSQL store: each hears what the other wrote (LISTEN/NOTIFY), never its
own writes; and when the server goes away, writes are refused whole and the store reconnects."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
import sqlalchemy as sa

from booking.ops import setup
from booking.people import residents
from booking.schedule import bookings
from booking.schedule.bookings import Request
from booking.store.changes import ANY_WRITE, Changes
from booking.store.errors import DeskError
from booking.store.postgres.listen import ServerWatch, channel_for
from booking.store.postgres.store import ServerStore
from booking.store.watch import Notice
from tests.conftest import ADMIN, NOW, server_location

BOUND_S = 3.0  # a bound on waiting, not a measure of speed (bench/ measures that)


@pytest.fixture
def database(pg_server, pg_template_store) -> Iterator[sa.URL]:
    name = pg_server.create(template=pg_template_store)
    yield pg_server.database_url(name)
    pg_server.drop(name)


@pytest.fixture
def desks(database) -> Iterator[Callable[[], ServerStore]]:
    opened: list[ServerStore] = []

    def open_desk() -> ServerStore:
        store = setup.open_ready(server_location(database), now=NOW)
        assert isinstance(store, ServerStore)
        opened.append(store)
        return store

    yield open_desk
    for store in opened:
        store.close()


@pytest.fixture
def watching() -> Iterator[Callable[[ServerStore], ServerWatch]]:
    watches: list[ServerWatch] = []

    def watch(store: ServerStore) -> ServerWatch:
        found = store.watch()
        assert isinstance(found, ServerWatch)
        found.start(lambda: None)
        assert found.wait_listening(BOUND_S)
        watches.append(found)
        return found

    yield watch
    for found in watches:
        found.stop()


def heard(watch: ServerWatch, until: Callable[[list[Notice]], bool], seconds: float = BOUND_S) -> list[Notice]:
    """Everything `watch` told, polled as the window polls, until `until(told)` or the bound."""
    told: list[Notice] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        told += watch.poll()
        if until(told):
            break
        time.sleep(0.02)
    return told


def changed(told: list[Notice]) -> Changes:
    found = Changes()
    for notice in told:
        found = found | notice.changes
    return found


def kill(database: sa.URL, pid: int) -> None:
    """End one server process from another connection, as a restart or a dropped network would."""
    engine = sa.create_engine(database, poolclass=sa.NullPool)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    engine.dispose()


def test_a_booking_at_one_desk_is_heard_at_the_other_as_bookings(desks, watching):
    first, second = desks(), desks()
    watch = watching(second)
    resident = residents.add(first, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    bookings.book(first, ADMIN, Request("P001", datetime(2026, 11, 24, 19, 0), datetime(2026, 11, 25, 7, 0),
                                        resident.id), NOW)
    told = heard(watch, lambda told: changed(told).bookings)
    assert changed(told).bookings and changed(told).residents
    assert not changed(told).spaces  # precise: the tables the writes named, not everything


def test_a_desk_does_not_hear_its_own_writes(desks, watching):
    first, second = desks(), desks()
    own, other = watching(first), watching(second)
    first.set_setting("desk.test", "一")
    assert changed(heard(other, lambda told: bool(changed(told)))) == Changes(settings=True)
    assert heard(own, lambda told: False, seconds=0.5) == []


def test_a_write_rolled_back_tells_nobody(desks, watching):
    first, second = desks(), desks()
    watch = watching(second)
    with pytest.raises(RuntimeError), first.write():
        first.sql("INSERT INTO setting(key, value) VALUES ('desk.half', 'x')")
        raise RuntimeError("the clerk's power cut")
    first.set_setting("desk.after", "kept")  # a later write's notice comes; the rolled back one never did
    told = heard(watch, lambda told: bool(changed(told)))
    assert changed(told) == Changes(settings=True) and len(told) == 1


def test_each_compound_has_its_own_channel():
    assert channel_for(None) == "linli_changes"
    assert channel_for("guidong_01") == "linli_changes_guidong_01"
    assert len(channel_for("x" * 80)) <= 63


def test_a_write_cut_off_by_the_server_is_refused_whole_and_the_desk_reconnects(desks, watching, database):
    store, other = desks(), desks()
    watch = watching(store)
    with pytest.raises(DeskError) as refused, store.write():
        store.sql("INSERT INTO setting(key, value) VALUES ('desk.first', 'half')")
        kill(database, store.backend_pid)
        store.sql("INSERT INTO setting(key, value) VALUES ('desk.second', 'half')")
    assert refused.value.key == "store_server_gone"
    assert "nothing was saved" in refused.value.message("en")
    assert other.setting("desk.first") is None and other.setting("desk.second") is None  # nothing half-done
    with pytest.raises(DeskError) as again:  # refused at once while gone, without a wait on the network
        store.set_setting("desk.meanwhile", "x")
    assert again.value.key == "store_server_gone"
    told = heard(watch, lambda told: any(n.back for n in told), seconds=30)  # a bound, on a loaded CI
    assert [n.gone is not None for n in told][:1] == [True] and told[-1].back
    assert told[-1].changes == ANY_WRITE  # what was written meanwhile was not heard: read everything
    store.set_setting("desk.after", "saved")
    assert other.setting("desk.after") == "saved"


def test_a_lost_listening_connection_marks_the_store_gone_until_the_server_answers(desks, watching, database):
    store = desks()
    watch = watching(store)
    engine = sa.create_engine(database, poolclass=sa.NullPool)
    with engine.connect() as conn:  # both of the desk's connections, as a server restart ends them
        pids = conn.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                    "AND pid <> pg_backend_pid() AND application_name = 'linli-desk'")).scalars().all()
        for pid in pids:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    engine.dispose()
    # a bound, not a measure: the thread notices (PING_S), waits (RETRY_S) and connects again, on a loaded CI
    told = heard(watch, lambda told: any(n.back for n in told), seconds=30)
    assert any(n.gone is not None for n in told) and told[-1].back
    store.set_setting("desk.after", "saved")
    assert store.setting("desk.after") == "saved"
