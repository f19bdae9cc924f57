"""Scan stations: where a pass is scanned, and which passes that place takes.

The duty desk ("desk") is always there and takes every pass, both ways. Other
stations are set up by the admin: a scanner at the car-park gate takes only
parking passes, one at a room's door only that room's passes; a gate may
only let people in or only out, so that a second "in" or an "out" without an
"in" is refused there instead of toggling.

A barrier gate with a plate camera is a station too: `gate` names the camera's
protocol (vzenith or hikvision), `camera` the camera (a Vzenith serial number,
or a Hikvision camera's address HOST[:PORT]) and `camera_user` the account the
desk signs in with on a Hikvision camera (its password is in the OS keyring,
see booking/gatehouse/gate_camera.py). A gate takes parking passes unless told otherwise.

A camera is bound to its address on the LAN, as commercial parking software
binds its devices: a Vzenith camera's `camera_address` (its fixed IP), a
Hikvision camera's HOST. The gate server answers a camera only when the post
comes from that address (`source_address`, `same_address`), so knowing a
camera's serial is not enough to pose as it.
"""
from __future__ import annotations

import ipaddress
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from booking.store import audit, clock
from booking.store.audit import Actor
from booking.store.errors import DeskError, invalid, not_found
from booking.store.i18n import tr
from booking.places.inventory import KINDS, get as get_resource
from booking.store.connection import Store, insert_sql

DESK = "desk"
MODES = ("both", "in", "out")
GATES = ("vzenith", "hikvision")
MAX_NAME = 20
MAX_CAMERA = 64
_CAMERA_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.:-_")
_COLUMNS = "name, kinds, resources, mode, created_at, gate, camera, camera_user, camera_address"


@dataclass(frozen=True)
class Station:
    """A place with a scanner; empty `kinds` and `resources` mean it takes every pass."""

    name: str
    kinds: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    mode: str = "both"
    created_at: str | None = field(default=None, compare=False)
    gate: str | None = None          # 'vzenith' or 'hikvision' for a barrier gate's plate camera
    camera: str | None = None        # the camera's serial (Vzenith) or address HOST[:PORT] (Hikvision)
    camera_user: str | None = None   # the account on a Hikvision camera (password in the keyring)
    camera_address: str | None = None  # a Vzenith camera's fixed IP: its posts must come from there

    @property
    def is_gate(self) -> bool:
        return self.gate is not None

    @property
    def takes_everything(self) -> bool:
        return not self.kinds and not self.resources

    def accepts(self, kind: str, resource_code: str) -> bool:
        """Does this station take passes for a resource of this kind and code?"""
        return self.takes_everything or kind in self.kinds or resource_code in self.resources

    @property
    def source_address(self) -> str | None:
        """The address this gate's camera posts from: a Vzenith camera's IP, a Hikvision camera's HOST."""
        if self.gate == "hikvision" and self.camera:
            host = self.camera
            return host.rsplit(":", 1)[0] if host.count(":") == 1 else host.strip("[]")
        return self.camera_address

    def does(self, action: str) -> bool:
        """Can a scan here check in ('check-in') or check out ('check-out')?"""
        return self.mode == "both" or (self.mode == "in") == (action == "check-in")

    def takes_text(self, language: str | None = None) -> str:
        """What it takes, in words: '车位', 'R01、R02', or '全部' (in `language`, default the current one)."""
        parts = [tr(f"kind_{k}", language) for k in self.kinds] + list(self.resources)
        return "、".join(parts) if parts else tr("station_takes_all", language)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kinds": list(self.kinds), "resources": list(self.resources),
               "mode": self.mode, "mode_text": tr(f"station_mode_{self.mode}"), "takes": self.takes_text()}
        if self.gate is not None:  # a barrier gate says which camera it is
            out.update(gate=self.gate, gate_text=tr(f"station_gate_{self.gate}"), camera=self.camera,
                       camera_user=self.camera_user, camera_address=self.camera_address)
        return out


DESK_STATION = Station(DESK)


def _clean_name(name: str | None) -> str:
    text = " ".join((name or "").split())
    if not 1 <= len(text) <= MAX_NAME or any(unicodedata.category(c)[0] == "C" for c in text):
        raise invalid("station_name_bad", field="name")
    return text


def _clean_camera(camera: str | None) -> str:
    text = (camera or "").strip()
    if not text:
        raise invalid("station_camera_required", field="camera")
    if len(text) > MAX_CAMERA or not set(text) <= _CAMERA_CHARS:
        raise invalid("station_camera_bad", field="camera")
    return text


def _clean_address(address: str | None) -> str | None:
    """A camera's IP address, written the one way ipaddress writes it; None if none was given."""
    text = (address or "").strip()
    if not text:
        return None
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        raise invalid("station_address_bad", field="camera_address") from None


def same_address(configured: str | None, seen: str | None) -> bool:
    """Is `seen` (a socket's peer, or the address a body names) the configured address? Never for None.

    IPv4 written inside IPv6 (::ffff:192.168.1.20) is the IPv4 address.
    """
    def parse(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        try:
            found = ipaddress.ip_address((text or "").strip().strip("[]"))
        except ValueError:
            return None
        mapped = getattr(found, "ipv4_mapped", None)
        return mapped or found

    a, b = parse(configured), parse(seen)
    return a is not None and a == b


def _row_to_station(row: tuple[Any, ...]) -> Station:
    name, kinds, resources, mode, created_at, gate, camera, camera_user, camera_address = row
    return Station(name, tuple(json.loads(kinds or "[]")), tuple(json.loads(resources or "[]")),
                   mode or "both", created_at, gate, camera, camera_user, camera_address)


def find(store: Store, name: str) -> Station | None:
    """The station called `name`, or None (never raises; the verifier uses it)."""
    if name == DESK:
        return DESK_STATION
    row = store.sql(f"SELECT {_COLUMNS} FROM station WHERE name = :name", name=name).fetchone()
    return _row_to_station(row) if row else None


def get(store: Store, name: str) -> Station:
    """The station called `name`, or DeskError(not_found) naming the known ones."""
    found = find(store, " ".join((name or "").split()))
    if found is None:
        raise not_found("station_not_found", name=name,
                        names="、".join(s.name for s in all_stations(store)))
    return found


def all_stations(store: Store) -> list[Station]:
    """The desk first, then the others by name."""
    rows = store.sql(f"SELECT {_COLUMNS} FROM station ORDER BY name")
    return [DESK_STATION] + [_row_to_station(r) for r in rows]


def gates(store: Store) -> list[Station]:
    """The barrier gates (stations with a plate camera), by name."""
    rows = store.sql(f"SELECT {_COLUMNS} FROM station WHERE gate IS NOT NULL ORDER BY name")
    return [_row_to_station(r) for r in rows]


def gate_for_camera(store: Store, gate: str, camera: str) -> Station | None:
    """The gate whose camera is `camera` speaking protocol `gate`, or None (an unknown camera)."""
    row = store.sql(f"SELECT {_COLUMNS} FROM station WHERE gate = :gate AND camera = :camera",
                    gate=gate, camera=camera).fetchone()
    return _row_to_station(row) if row else None


def add(store: Store, actor: Actor, name: str, kinds: list[str] | tuple[str, ...] = (),
        resources: list[str] | tuple[str, ...] = (), mode: str = "both", *, gate: str | None = None,
        camera: str | None = None, camera_user: str | None = None, camera_address: str | None = None,
        now: datetime) -> Station:
    """Set up a station (admin). It takes passes of the given kinds or resources, or all if none.

    With `gate` it is a barrier gate whose plate camera is `camera`; a gate
    takes parking passes unless kinds or resources say otherwise. A Vzenith
    camera also needs `camera_address`, the fixed IP it posts from.
    """
    if not actor.is_admin:
        raise DeskError("forbidden", "station_admin_only")
    name = _clean_name(name)
    if name == DESK:
        raise invalid("station_desk_reserved", field="name")
    if mode not in MODES:
        raise invalid("station_mode_bad", field="mode")
    kinds = tuple(dict.fromkeys(k.strip().lower() for k in kinds))
    for kind in kinds:
        if kind not in KINDS:
            raise invalid("station_kind_bad", field="kinds")
    codes = tuple(dict.fromkeys(get_resource(store, code).code for code in resources))
    camera_address = _clean_address(camera_address)
    if gate is not None:
        if gate not in GATES:
            raise invalid("station_gate_bad", field="gate")
        camera = _clean_camera(camera)
        camera_user = (camera_user or "").strip() or ("admin" if gate == "hikvision" else None)
        if gate == "vzenith" and camera_address is None:
            raise invalid("station_address_required", field="camera_address")
        if gate == "hikvision" and camera_address is not None:
            raise invalid("station_address_hikvision", field="camera_address")
        if not kinds and not codes:
            kinds = ("parking",)
    elif camera or camera_address:
        raise invalid("station_camera_without_gate", field="camera")
    with store.write():
        if store.sql("SELECT 1 FROM station WHERE name = :name", name=name).fetchone():
            raise invalid("station_name_taken", field="name", name=name)
        if camera is not None:
            other = store.sql("SELECT name FROM station WHERE camera = :camera", camera=camera).fetchone()
            if other:
                raise invalid("station_camera_taken", field="camera", camera=camera, name=other[0])
        row = {"name": name, "kinds": json.dumps(list(kinds)), "resources": json.dumps(list(codes)),
               "mode": mode, "created_at": clock.to_stamp(now),
               "gate": gate, "camera": camera, "camera_user": camera_user, "camera_address": camera_address}
        store.sql(insert_sql("station", row), **row)
        after: dict[str, Any] = {"kinds": list(kinds), "resources": list(codes), "mode": mode}
        if gate is not None:
            after.update(gate=gate, camera=camera, camera_user=camera_user, camera_address=camera_address)
        audit.record(store, actor, "add", "station", name, after=after, at=now)
    return get(store, name)


def remove(store: Store, actor: Actor, name: str, *, now: datetime) -> Station:
    """Take a station away (admin). Its scans stay in the record under its name."""
    if not actor.is_admin:
        raise DeskError("forbidden", "station_admin_only")
    station = get(store, name)
    if station.name == DESK:
        raise invalid("station_desk_reserved", field="name")
    with store.write():
        store.sql("DELETE FROM station WHERE name = :name", name=station.name)
        audit.record(store, actor, "remove", "station", station.name, before=station.to_json(), at=now)
    return station


# The names the rest of the program was promised (`stations.all`); `all_stations`
# is the one to use inside this module, where `all` would hide the builtin.
all = all_stations  # noqa: A001
