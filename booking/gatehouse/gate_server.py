"""The desk's HTTP server for the plate cameras (the standard library's ThreadingHTTPServer).

    POST /gate/vzenith     Vzenith plates (JSON) and heartbeats (form posts)
    POST /gate/hikvision   Hikvision ANPR events (multipart with anpr.xml)

The HTTP threads only read and parse bodies; every decision and write runs on
one worker thread that owns the store (an SQLite connection belongs to the
thread that opened it), so events are decided one after another in the order
they arrive. The worker also ticks: each minute it marks no-shows (at night
this server may be the only program running) and brings the Hikvision
allow-lists in step; each second it sends the openings clerks asked for.

Only configured cameras are answered, and only from their own address: an
unknown camera, or a known one posting from another address than the one it
is bound to (booking/places/stations.py, `source_address`), gets 403, is logged, and
changes nothing. Bodies over MAX_BODY get 413; unreadable ones 400 and a log
line. The server is an edge: its clock is the `now` function it is given
(booking/store/clock.py's time in `gate serve`, the window's in the desk).
"""
from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from booking.gatehouse import gate_camera, gate_protocols, gates
from booking.places import stations
from booking.store import clock
from booking.store.errors import DeskError
from booking.gatehouse.gate_protocols import BadEvent, Heartbeat
from booking.gatehouse.gates import Decision, PlateRead
from booking.ops.setup import open_ready
from booking.store.location import StoreServer
from booking.places.stations import Station
from booking.store.connection import Store
from booking.checkin.sweep import sweep

log = logging.getLogger("linli.gates")

MAX_BODY = 4 * 1024 * 1024     # a plate event with its photos stays well below this
JOB_TIMEOUT_S = 10.0
TICK_S = 1.0
_TICK = object()  # the metronome's item in the worker's queue
SYNC_EVERY_S = 60.0
#: How long an empty answer to a Vzenith comet poll is held back: the camera polls again as soon as it
#: is answered, so without a pause two cameras would keep the desk PC busy answering "nothing new".
HEARTBEAT_HOLD_S = 1.0
HOLD_STEP_S = 0.05  # how soon a held poll notices that the server stops

Job = Callable[[Store], Any]


class Refused(Exception):
    """An unknown camera, or one posting from the wrong address: answered 403 and logged."""


def _bound(station: Station, claimed: str | None, client: str) -> Station:
    """`station`, if the post came from the address its camera is bound to; else Refused.

    The socket's peer must be that address, and so must the address the body
    names, when it names one: a serial or an ipAddress in a body is easy to
    copy, the source address of a TCP connection on the LAN much less so.
    """
    bound = station.source_address
    if not stations.same_address(bound, client):
        raise Refused(f"{station.gate} camera {station.camera!r} of {station.name} posted from {client}, "
                      f"but it is bound to {bound or 'no address'}")
    if claimed is not None and not stations.same_address(bound, claimed):
        raise Refused(f"{station.gate} camera {station.camera!r} of {station.name} says it is at {claimed!r}, "
                      f"but it is bound to {bound}")
    return station


class GateService:
    """The worker that owns the store: it decides every event and keeps the cameras in step."""

    def __init__(self, store_path: str | Path | StoreServer, now: Callable[[], datetime],
                 on_event: Callable[[dict[str, Any]], None] | None = None,
                 camera: Callable[[Station], gate_camera.HikvisionCamera] = gate_camera.HikvisionCamera,
                 auto_sync: bool = True, heartbeat_hold_s: float = HEARTBEAT_HOLD_S) -> None:
        self.store_path = store_path
        self.auto_sync = auto_sync
        self.heartbeat_hold_s = heartbeat_hold_s
        self.now = now
        self.on_event = on_event
        self.camera = camera
        self._jobs: queue.Queue[tuple[Job, queue.Queue] | object | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="gate-worker", daemon=True)
        self._metronome = threading.Thread(target=self._beat, name="gate-ticks", daemon=True)
        self._ready = threading.Event()
        self._stopped = threading.Event()
        self._error: BaseException | None = None
        self._last_sync: float | None = None
        self.sync_every_s = SYNC_EVERY_S
        self._plans: dict[str, tuple[tuple, list[gates.WhitelistEntry]]] = {}

    # -- the worker thread ------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            store = open_ready(self.store_path, now=self.now())
        except BaseException as exc:  # the caller reports it (a missing or newer store)
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._metronome.start()
        clock_s = 0.0
        try:
            while not self._stopped.is_set():
                item = self._jobs.get()
                if item is None:  # stop() woke us
                    break
                if item is _TICK:
                    clock_s += TICK_S
                    self._tick(store, clock_s)
                    continue
                assert isinstance(item, tuple)  # the rest are (job, answer) from call()
                job, answer = item
                try:
                    answer.put((True, job(store)))
                except BaseException as exc:  # handed back to the HTTP thread that asked
                    answer.put((False, exc))
        finally:
            store.close()

    def _hold(self, seconds: float) -> None:
        """Wait up to `seconds` on this thread, ending early when the server stops.

        Short sleeps, not `Event.wait(timeout)`, for the reason given in `_beat`."""
        clock.pause(self._stopped, seconds, HOLD_STEP_S)

    def _beat(self) -> None:
        """Put a tick in the worker's queue every TICK_S, between the jobs.

        A sleeping thread rather than `queue.get(timeout=…)`: a timed lock wait measures its
        deadline on a clock that libfaketime cannot fake (sem_clockwait, libfaketime#390), so
        under the suite's faketime run the ticks, and with them the whitelist sync, never came.
        """
        while not self._stopped.is_set():
            time.sleep(TICK_S)
            self._jobs.put(_TICK)

    def _tick(self, store: Store, clock_s: float) -> None:
        try:
            now = self.now()
            for station in stations.gates(store):
                if station.gate == "hikvision" and gates.pending_opens(store, station.name, now):
                    self._open_hikvision(station)
            if self.auto_sync and (self._last_sync is None or clock_s - self._last_sync >= self.sync_every_s):
                self._last_sync = clock_s
                self.sync_all(store, now)
        except Exception:  # a tick must never stop the server; the next one tries again
            log.exception("gate tick failed")

    def sync_all(self, store: Store, now: datetime) -> None:
        """Mark due no-shows, then bring every Hikvision allow-list in step."""
        with store.patience(0.2):
            sweep(store, now)
        for station in stations.gates(store):
            if station.gate == "hikvision":
                gate_camera.sync_allow_list(store, station, now, self.camera(station))

    def _open_hikvision(self, station: Station) -> None:
        try:
            self.camera(station).open_gate()
        except gate_camera.CameraError as exc:
            log.warning("gate %s: could not open: %s", station.name, exc)

    def call(self, job: Job) -> Any:
        """Run `job(store)` on the worker and return its result (or raise its exception)."""
        answer: queue.Queue = queue.Queue(maxsize=1)
        self._jobs.put((job, answer))
        ok, value = answer.get(timeout=JOB_TIMEOUT_S)
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        self._stopped.set()
        self._jobs.put(None)  # wake the worker now rather than at its next tick
        self._thread.join(10)

    # -- the protocols ---------------------------------------------------------------
    def _announce(self, station: Station, decision: Decision, read: PlateRead) -> None:
        if self.on_event is not None and not decision.duplicate:
            self.on_event({"station": station.name, "plate_read": read.text, **decision.to_json()})

    def _plan(self, store: Store, station: Station, now: datetime) -> list[gates.WhitelistEntry]:
        """The station's whitelist plan, computed again only when the minute or the store changed.

        Heartbeats come every few seconds from each camera; nothing they would be
        told changes unless a booking did (any connection's commit moves
        data_version, this one's total_changes) or the minute turned.
        """
        key = (now.replace(second=0, microsecond=0), store.change_mark())
        cached = self._plans.get(station.name)
        if cached is None or cached[0] != key:
            cached = (key, gates.whitelist_plan(store, station, now))
            self._plans[station.name] = cached
        return cached[1]

    def _whitelist_operate(self, store: Store, station: Station, now: datetime) -> dict[str, Any] | None:
        adds, deletes = gates.whitelist_changes(store, station, now, self._plan(store, station, now))
        deletes, adds = deletes[:gates.WHITELIST_BATCH], ([] if deletes else adds[:gates.WHITELIST_BATCH])
        operate = gate_protocols.whitelist_operate(adds, deletes)
        if operate:
            gates.mark_sent(store, station.name, adds, deletes, now)
        return operate

    def vzenith(self, body: bytes, content_type: str, client: str) -> dict[str, Any]:
        """The reply to one Vzenith post (plate or heartbeat) that came from the address `client`."""
        def job(store: Store) -> tuple[dict[str, Any], bool]:
            now = self.now()
            parsed = gate_protocols.parse_vzenith(body, content_type, now)
            station = stations.gate_for_camera(store, "vzenith", parsed.camera)
            if station is None:
                raise Refused(f"vzenith camera {parsed.camera!r} is not configured")
            _bound(station, parsed.address, client)
            if isinstance(parsed, Heartbeat):
                opens = gates.pending_opens(store, station.name, now)
                return gate_protocols.heartbeat_reply(bool(opens), self._whitelist_operate(store, station, now)), True
            decision = gates.handle(store, station, parsed, now)
            self._announce(station, decision, parsed)
            log.info("gate %s: %s %s -> %s (%s)%s", station.name, parsed.key, parsed.text,
                     "open" if decision.opened else "shut", decision.reason_key,
                     " [repeat]" if decision.duplicate else "")
            # The whitelist travels with the heartbeats (every few seconds), not here: the car waits.
            return gate_protocols.vzenith_reply(parsed.key, decision, offline=parsed.offline), False
        reply, heartbeat = self.call(job)
        if heartbeat and not gate_protocols.heartbeat_has_news(reply):
            self._hold(self.heartbeat_hold_s)  # on this HTTP thread; the worker goes on
        return reply

    def hikvision(self, body: bytes, content_type: str, client: str) -> None:
        """Handle one Hikvision post; opens the barrier itself when the decision says so."""
        def job(store: Store) -> tuple[Station, Decision] | None:
            now = self.now()
            read = gate_protocols.parse_hikvision(body, content_type, now)
            if read is None:
                return None
            station = _hikvision_gate(store, read.camera)
            if station is None:
                raise Refused(f"hikvision camera {read.camera!r} (from {client}) is not configured")
            _bound(station, read.address, client)
            decision = gates.handle(store, station, read, now)
            self._announce(station, decision, read)
            log.info("gate %s: %s %s -> %s (%s)%s", station.name, read.key, read.text,
                     "open" if decision.opened else "shut", decision.reason_key,
                     " [repeat]" if decision.duplicate else "")
            return station, decision
        done = self.call(job)
        if done is not None and done[1].opened and not done[1].duplicate:
            self._open_hikvision(done[0])  # on this HTTP thread: the worker goes on with the next car


def parse_listen(text: str) -> tuple[str, int]:
    """'HOST:PORT' as (host, port); DeskError 'usage' when it is not one."""
    host, _, port = (text or "").strip().rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise DeskError("usage", "gate_listen_bad")
    return host.strip("[]"), int(port)


def _hikvision_gate(store: Store, ip: str) -> Station | None:
    """The Hikvision gate whose camera is at `ip` (the event's ipAddress), if there is one."""
    for station in stations.gates(store):
        if station.gate == "hikvision" and stations.same_address(station.source_address, ip):
            return station
    return None


class _Handler(BaseHTTPRequestHandler):
    server_version = "LinliDeskGate/1"
    protocol_version = "HTTP/1.1"
    service: GateService

    def log_message(self, fmt: str, *args: Any) -> None:  # into the program's log, not stderr
        log.debug("%s %s", self.address_string(), fmt % args)

    def _answer(self, code: int, payload: dict[str, Any] | None = None) -> None:
        data = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding") or length is None or not length.strip().isdigit():
            log.warning("gate: %s %s without a Content-Length refused", self.client_address[0], self.path)
            self.close_connection = True
            self._answer(411)
            return None
        size = int(length)
        if size > MAX_BODY:
            log.warning("gate: %s %s body of %d bytes refused", self.client_address[0], self.path, size)
            self.close_connection = True
            self._answer(413)
            return None
        return self.rfile.read(size)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(404)

    def do_POST(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0]
        if path not in ("/gate/vzenith", "/gate/hikvision"):
            self._answer(404)
            return
        body = self._body()
        if body is None:
            return
        content_type = self.headers.get("Content-Type", "")
        try:
            if path == "/gate/vzenith":
                self._answer(200, self.service.vzenith(body, content_type, self.client_address[0]))
            else:
                self.service.hikvision(body, content_type, self.client_address[0])
                self._answer(200)
        except BadEvent as exc:
            log.warning("gate: %s %s unreadable: %s", self.client_address[0], path, exc)
            self._answer(400)
        except Refused as exc:
            log.warning("gate: %s refused: %s", self.client_address[0], exc)
            self._answer(403)
        except queue.Empty:
            log.error("gate: %s %s not decided in %ss", self.client_address[0], path, JOB_TIMEOUT_S)
            self._answer(503)
        except Exception:  # the store failed: logged in full here, the camera gets a 500
            log.exception("gate: %s %s failed", self.client_address[0], path)
            self._answer(500)


class GateServer:
    """The HTTP server and its worker. `start()` serves on its own thread; `stop()` ends both."""

    def __init__(self, store_path: str | Path | StoreServer, host: str, port: int, now: Callable[[], datetime],
                 on_event: Callable[[dict[str, Any]], None] | None = None,
                 camera: Callable[[Station], gate_camera.HikvisionCamera] = gate_camera.HikvisionCamera,
                 auto_sync: bool = True, heartbeat_hold_s: float = HEARTBEAT_HOLD_S) -> None:
        self.service = GateService(store_path, now, on_event, camera, auto_sync, heartbeat_hold_s)
        handler = type("GateHandler", (_Handler,), {"service": self.service})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="gate-http", daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.httpd.server_address[:2]
        return str(host), int(port)

    def start(self) -> GateServer:
        self.service.start()
        self._thread.start()
        log.info("gate server listening on %s:%s", *self.address)
        return self

    def serve_forever(self) -> None:
        """Serve on this thread until interrupted (the headless `gate serve`)."""
        self.service.start()
        log.info("gate server listening on %s:%s", *self.address)
        try:
            self.httpd.serve_forever()
        finally:
            self.httpd.server_close()
            self.service.stop()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(10)
        self.service.stop()
