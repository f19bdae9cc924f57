"""A day on one PostgreSQL server: the service desk, the second desk at the station and the gate
booth, each with its own connection, working on the same bookings (issue 15's "done when").

The morning the two desks race for the same spaces; through the day the gate booth lets the cars
in and out over loopback (its cameras post as in tests/booking/gatehouse), one desk scans the room
passes while the other cancels, and each hears the others' writes. At the end every desk reads
the same day, and the store holds what each promised: no overlap, every booking and every scan
audited once, every car out with its charge settled, nothing let in that was cancelled.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest

from booking.checkin import passes, scanning
from booking.gatehouse.gate_server import GateServer
from booking.money import fees
from booking.ops import setup
from booking.people import residents
from booking.places import stations
from booking.schedule import bookings
from booking.schedule.bookings import Request
from booking.store.audit import Actor
from booking.store.changes import Changes
from booking.store.errors import DeskError
from booking.store.postgres.listen import ServerWatch
from booking.store.postgres.store import ServerStore
from tests.booking.gatehouse.gate_sim import Vzenith
from tests.conftest import ADMIN, NOW

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

DAY = datetime(2026, 11, 25)
SPACES = 12   # the spaces both desks want: one winner each
BOUND_S = 5.0  # a bound on waiting for a notice, not a measure of speed (bench/ measures that)
SERVICE = Actor("服务台值班员", "clerk")
STATION = Actor("驿站值班员", "clerk")


class Clock:
    """The gate booth's clock, moved by the test through the day."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def desks(server_store) -> Iterator[Callable[[], ServerStore]]:
    opened: list[ServerStore] = []

    def open_desk() -> ServerStore:
        store = setup.open_ready(server_store, now=NOW)
        assert isinstance(store, ServerStore)
        opened.append(store)
        return store

    yield open_desk
    for store in opened:
        store.close()


def heard(watch: ServerWatch, until: Callable[[Changes], bool]) -> Changes:
    """What `watch` told, polled as the window polls, until `until(changes)` or the bound."""
    found = Changes()
    deadline = time.monotonic() + BOUND_S
    while time.monotonic() < deadline and not until(found):
        for notice in watch.poll():
            found = found | notice.changes
        time.sleep(0.02)
    return found


def listening(store: ServerStore) -> ServerWatch:
    watch = store.watch()
    assert isinstance(watch, ServerWatch)
    watch.start(lambda: None)
    assert watch.wait_listening(BOUND_S)
    return watch


def test_two_desks_and_the_gate_booth_share_a_day_on_one_server(desks, server_store):
    service, station = desks(), desks()
    watches = [listening(service), listening(station)]
    try:
        _the_day(service, station, *watches, server_store)
    finally:
        for watch in watches:
            watch.stop()


def _the_day(service: ServerStore, station: ServerStore, service_watch: ServerWatch, watch: ServerWatch,
             where) -> None:
    people = [residents.add(service, ADMIN, f"住户{n:02d}", f"{1 + n // 10}-1-{101 + n % 10}",
                            f"1380000{n:04d}", f"川A{n:04d}X", now=NOW) for n in range(2 * SPACES + 3)]
    stations.add(service, ADMIN, "东门入口", gate="vzenith", camera="VZ-IN-01", camera_address="127.0.0.1",
                 mode="in", now=NOW)
    stations.add(service, ADMIN, "东门出口", gate="vzenith", camera="VZ-OUT-01", camera_address="127.0.0.1",
                 mode="out", now=NOW)

    # -- the morning: both desks book the same twelve windows, each for a household of its own
    slots = [(f"P{n + 1:03d}", DAY + timedelta(hours=8, minutes=20 * n), DAY + timedelta(hours=10, minutes=20 * n))
             for n in range(SPACES)]
    won: dict[str, list[bookings.Booking]] = {"service": [], "station": []}
    refused: dict[str, list[str]] = {"service": [], "station": []}
    barrier = threading.Barrier(2)

    def race(name: str, store: ServerStore, actor: Actor, offset: int) -> None:
        for n, (code, start, end) in enumerate(slots):
            barrier.wait(BOUND_S)
            try:
                won[name].append(bookings.book(store, actor, Request(code, start, end, people[n + offset].id), NOW))
            except DeskError as err:
                refused[name].append(err.code)

    racers = [threading.Thread(target=race, args=("service", service, SERVICE, 0)),
              threading.Thread(target=race, args=("station", station, STATION, SPACES))]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(60)
    winners = won["service"] + won["station"]
    assert len(winners) == SPACES, refused  # one winner a window, never two
    assert sorted(b.resource for b in winners) == [code for code, _, _ in slots]
    assert refused["service"] + refused["station"] == ["clash"] * SPACES
    assert heard(watch, lambda c: c.bookings).bookings  # the station heard the service desk's bookings

    # the station books three more cars and a room's three hours; the service desk will cancel the cars
    extra = [bookings.book(station, STATION, Request(f"P{40 + n:03d}", DAY + timedelta(hours=9),
                                                     DAY + timedelta(hours=11), people[2 * SPACES + n].id), NOW)
             for n in range(3)]
    rooms = [bookings.book(station, STATION, Request("R01", DAY + timedelta(hours=h), DAY + timedelta(hours=h + 1),
                                                     people[n].id), NOW) for n, h in enumerate((9, 13, 16))]

    # -- the day: the gate booth (its own connection, over loopback) lets the cars in and out
    clock = Clock(DAY + timedelta(hours=7))
    gate = GateServer(where, "127.0.0.1", 0, clock, auto_sync=False, heartbeat_hold_s=0).start()
    try:
        host, port = gate.address
        entry, exit_ = Vzenith(f"http://{host}:{port}", "VZ-IN-01"), Vzenith(f"http://{host}:{port}", "VZ-OUT-01")
        for cancelled in extra:  # before they come: the service desk cancels the station's three
            bookings.cancel(service, SERVICE, cancelled.id, reason="住户来电取消", now=clock.moment)
        plates = {b.id: b.plate for b in winners + extra}
        events = sorted([(b.start - timedelta(minutes=10), "in", b) for b in winners + extra]
                        + [(b.end + timedelta(minutes=40 if i % 4 == 0 else 5), "out", b)
                           for i, b in enumerate(winners)], key=lambda e: (e[0], e[1]))
        for moment, way, booking in events:
            clock.moment = moment
            camera = entry if way == "in" else exit_
            answer = camera.plate(plates[booking.id], moment)
            assert answer.status == 200
            opened = answer.json["Response_AlarmInfoPlate"]["info"] == "ok"
            assert opened == (booking not in extra), (way, booking.resource, answer.json)
            if booking is winners[0] and way == "in":  # the service desk hears the gate's check-in
                assert heard(service_watch, lambda c: c.scans and c.bookings).scans
        # the station scans the room passes at the desk, while the gate works
        for room in rooms:
            text = passes.pass_text(station, room.id)
            assert scanning.scan(station, STATION, text, stations.DESK, now=room.start + timedelta(minutes=2)).ok
            assert scanning.scan(station, STATION, text, stations.DESK, now=room.end - timedelta(minutes=3)).ok
        assert heard(watch, lambda c: c.scans and c.bookings).scans  # the gate's scans, heard at the station
    finally:
        gate.stop()

    # -- the evening: every desk reads the same day, and the store kept every promise
    days = [[(b.id, b.status, b.checked_in_at, b.checked_out_at) for b in bookings.on_date(store, DAY.date())]
            for store in (service, station)]
    assert days[0] == days[1]
    for booking in winners + rooms:
        after = bookings.get(service, booking.id)
        assert after.status == "completed", (booking.resource, after.status)
        assert fees.settled(service, booking.id) is not None
    late = [b for i, b in enumerate(winners) if i % 4 == 0]
    assert all(bookings.get(service, b.id).overstay_minutes == 40 for b in late)
    assert [bookings.get(station, b.id).status for b in extra] == ["cancelled"] * 3
    active = service.sql("SELECT a.id, b.id FROM booking a JOIN booking b ON a.resource_id = b.resource_id "
                         "AND a.id < b.id AND a.start_at < b.end_at AND b.start_at < a.end_at "
                         "WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'").fetchall()
    assert active == []
    audited = dict(service.sql("SELECT action, count(*) FROM audit WHERE entity = 'booking' "
                               "GROUP BY action").fetchall())
    assert audited["book"] == SPACES + 3 + 3
    assert audited["cancel"] == 3
    assert audited["check-in"] == audited["check-out"] == SPACES + len(rooms)  # once each
    scans = service.sql("SELECT station, ok, count(*) FROM scan GROUP BY station, ok ORDER BY station, ok").fetchall()
    assert scans == sorted([("东门入口", 0, 3), ("东门入口", 1, SPACES), ("东门出口", 1, SPACES),
                            (stations.DESK, 1, 2 * len(rooms))])
