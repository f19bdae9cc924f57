"""Talking to a Hikvision camera: opening its barrier and writing its allow-list.

The desk signs in with HTTP Digest auth (urllib's HTTPDigestAuthHandler). The
camera's password is kept in the operating system's keyring (Windows
Credential Manager on the desk PC) under the service KEYRING_SERVICE and the
name "CAMERA|USER"; the store only knows the camera's address and user name.
A test sets its own keyring backend with `keyring.set_keyring`.
"""
from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import datetime

import keyring
import keyring.errors

from booking.gatehouse import gate_protocols, gates
from booking.store.errors import DeskError, invalid
from booking.places.stations import Station
from booking.store.connection import Store

log = logging.getLogger("linli.gates")
KEYRING_SERVICE = "linli-desk-gate"
TIMEOUT_S = 3.0
BARRIER_PATH = "/ISAPI/Parking/channels/1/barrierGate"
ALLOW_LIST_PATH = "/ISAPI/Traffic/channels/1/licensePlateAuditData/record?format=json"
ALLOW_LIST_DELETE_PATH = "/ISAPI/Traffic/channels/1/DelLicensePlateAuditData?format=json"


class CameraError(Exception):
    """The camera could not be reached or refused the desk; the message is for the log."""


def _account(station: Station) -> str:
    return f"{station.camera}|{station.camera_user or 'admin'}"


def set_password(station: Station, password: str) -> None:
    """Keep the camera's password in the OS keyring."""
    if station.gate != "hikvision":
        raise invalid("gate_password_not_hikvision", field="name", name=station.name, gate=station.gate or "-")
    if not password:
        raise invalid("gate_password_required", field="password")
    try:
        keyring.set_password(KEYRING_SERVICE, _account(station), password)
    except keyring.errors.KeyringError as exc:
        raise DeskError("store", "gate_keyring_unavailable", detail=str(exc)) from exc


def has_password(station: Station) -> bool:
    try:
        return keyring.get_password(KEYRING_SERVICE, _account(station)) is not None
    except keyring.errors.KeyringError:
        return False


class HikvisionCamera:
    """One Hikvision camera at `station.camera` (HOST[:PORT]), reached over plain HTTP on the LAN."""

    def __init__(self, station: Station, timeout: float = TIMEOUT_S) -> None:
        self.station = station
        self.base = f"http://{station.camera}"
        self.timeout = timeout

    def _opener(self) -> urllib.request.OpenerDirector:
        try:
            password = keyring.get_password(KEYRING_SERVICE, _account(self.station))
        except keyring.errors.KeyringError as exc:
            raise CameraError(f"keyring: {exc}") from exc
        if password is None:
            raise CameraError(f"no password in the keyring for {self.station.name}")
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, self.base, self.station.camera_user or "admin", password)
        # No proxy: the camera is on the LAN, and a system proxy must not see its password exchange.
        return urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                           urllib.request.HTTPDigestAuthHandler(manager))

    def put(self, path: str, body: bytes, content_type: str) -> int:
        """PUT `body` to `path`; CameraError unless the camera says it did it.

        An ISAPI JSON call answers HTTP 200 even when it refuses the content:
        its own `statusCode` must be 1 as well.
        """
        request = urllib.request.Request(self.base + path, data=body, method="PUT",
                                         headers={"Content-Type": content_type})
        try:
            with self._opener().open(request, timeout=self.timeout) as answer:
                text = answer.read(65536)
                status = answer.status
        except urllib.error.HTTPError as exc:
            raise CameraError(f"{self.station.name}: {path} answered {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise CameraError(f"{self.station.name}: {path} unreachable: {exc}") from None
        try:
            said = json.loads(text.decode("utf-8")) if "format=json" in path else None
        except (UnicodeDecodeError, ValueError):
            said = None
        if isinstance(said, dict) and said.get("statusCode", 1) != 1:
            raise CameraError(f"{self.station.name}: {path} refused: {said.get('statusCode')} "
                              f"{str(said.get('subStatusCode') or said.get('statusString') or '')[:80]}")
        return status

    def open_gate(self) -> None:
        self.put(BARRIER_PATH, gate_protocols.barrier_open_xml(), "application/xml")

    def write_allow_list(self, adds: list[gates.WhitelistEntry]) -> None:
        self.put(ALLOW_LIST_PATH, gate_protocols.allow_list_json(adds), "application/json")

    def delete_allow_list(self, plates: list[str]) -> None:
        self.put(ALLOW_LIST_DELETE_PATH, gate_protocols.allow_list_delete_json(plates), "application/json")


def sync_allow_list(store: Store, station: Station, now: datetime,
                    camera: HikvisionCamera | None = None) -> dict[str, int]:
    """Bring a Hikvision camera's allow-list in step with the bookings; what was sent.

    Only what the camera accepted is recorded as sent, so a camera that was
    unreachable is brought in step by the next call. A plate whose window
    changed is taken off and written again: some firmware refuses to add a
    record it holds already.
    """
    camera = camera or HikvisionCamera(station)
    adds, deletes = gates.whitelist_changes(store, station, now)
    held = gates.whitelist_held(store, station.name)
    deletes = deletes + [e.plate for e in adds if e.plate in held]
    sent = {"added": 0, "deleted": 0}
    try:
        if deletes:
            camera.delete_allow_list(deletes)
            gates.mark_sent(store, station.name, [], deletes, now)
            sent["deleted"] = len(deletes)
        if adds:
            camera.write_allow_list(adds)
            gates.mark_sent(store, station.name, adds, [], now)
            sent["added"] = len(adds)
    except CameraError as exc:
        log.warning("gate %s: allow-list not written: %s", station.name, exc)
    return sent
