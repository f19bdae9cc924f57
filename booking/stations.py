"""Scan stations: where a pass is scanned, and which passes that place takes.

The duty desk ("desk") is always there and takes every pass, both ways. Other
stations are set up by the admin: a scanner at the car-park gate takes only
parking passes, one at a room's door only that room's passes; a gate may
only let people in or only out, so that a second "in" or an "out" without an
"in" is refused there instead of toggling.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from booking import audit, clock
from booking.audit import Actor
from booking.errors import DeskError, invalid, not_found
from booking.i18n import define, tr
from booking.inventory import KINDS, get as get_resource
from booking.store import Store

DESK = "desk"
MODES = ("both", "in", "out")
MAX_NAME = 20

define(
    station_not_found=("没有名为“{name}”的扫码点。可用：{names}。",
                       "There is no scan station “{name}”. Known: {names}."),
    station_name_bad=("扫码点名称为1–20个字符，不能含控制字符。",
                      "A station name is 1–20 characters, without control characters."),
    station_name_taken=("扫码点“{name}”已存在。", "The station “{name}” already exists."),
    station_desk_reserved=("“desk”是服务台本身，接受所有通行证，不能修改。",
                           "“desk” is the duty desk itself; it takes every pass and cannot be changed."),
    station_kind_bad=("类型应为 parking（车位）或 room（场地）。", "A kind is parking or room."),
    station_mode_bad=("方式应为 both（进出）、in（只进）或 out（只出）。",
                      "The mode is both, in (entry only) or out (exit only)."),
    station_admin_only=("只有管理员可以设置扫码点。", "Only an admin can set up scan stations."),
    station_mode_both=("进出", "in and out"),
    station_mode_in=("只进", "entry only"),
    station_mode_out=("只出", "exit only"),
    station_takes_all=("全部", "everything"),
)


@dataclass(frozen=True)
class Station:
    """A place with a scanner; empty `kinds` and `resources` mean it takes every pass."""

    name: str
    kinds: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    mode: str = "both"
    created_at: str | None = field(default=None, compare=False)

    @property
    def takes_everything(self) -> bool:
        return not self.kinds and not self.resources

    def accepts(self, kind: str, resource_code: str) -> bool:
        """Does this station take passes for a resource of this kind and code?"""
        return self.takes_everything or kind in self.kinds or resource_code in self.resources

    def does(self, action: str) -> bool:
        """Can a scan here check in ('check-in') or check out ('check-out')?"""
        return self.mode == "both" or (self.mode == "in") == (action == "check-in")

    def takes_text(self) -> str:
        """What it takes, in words: '车位', 'R01、R02', or '全部'."""
        parts = [tr(f"kind_{k}") for k in self.kinds] + list(self.resources)
        return "、".join(parts) if parts else tr("station_takes_all")

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kinds": list(self.kinds), "resources": list(self.resources),
                "mode": self.mode, "mode_text": tr(f"station_mode_{self.mode}"), "takes": self.takes_text()}


DESK_STATION = Station(DESK)


def _clean_name(name: str | None) -> str:
    text = " ".join((name or "").split())
    if not 1 <= len(text) <= MAX_NAME or any(unicodedata.category(c)[0] == "C" for c in text):
        raise invalid("station_name_bad", field="name")
    return text


def _row_to_station(row: tuple) -> Station:
    name, kinds, resources, mode, created_at = row
    return Station(name, tuple(json.loads(kinds or "[]")), tuple(json.loads(resources or "[]")),
                   mode or "both", created_at)


def find(store: Store, name: str) -> Station | None:
    """The station called `name`, or None (never raises; the verifier uses it)."""
    if name == DESK:
        return DESK_STATION
    row = store.conn.execute("SELECT name, kinds, resources, mode, created_at FROM station WHERE name = ?",
                             (name,)).fetchone()
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
    rows = store.conn.execute("SELECT name, kinds, resources, mode, created_at FROM station ORDER BY name")
    return [DESK_STATION] + [_row_to_station(r) for r in rows]


def add(store: Store, actor: Actor, name: str, kinds: list[str] | tuple[str, ...] = (),
        resources: list[str] | tuple[str, ...] = (), mode: str = "both", *, now: datetime) -> Station:
    """Set up a station (admin). It takes passes of the given kinds or resources, or all if none."""
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
    with store.write():
        if store.conn.execute("SELECT 1 FROM station WHERE name = ?", (name,)).fetchone():
            raise invalid("station_name_taken", field="name", name=name)
        row = {"name": name, "kinds": json.dumps(list(kinds)), "resources": json.dumps(list(codes)),
               "mode": mode, "created_at": clock.to_stamp(now)}
        store.db["station"].insert(row)
        audit.record(store, actor, "add", "station", name,
                     after={"kinds": list(kinds), "resources": list(codes), "mode": mode}, at=now)
    return get(store, name)


def remove(store: Store, actor: Actor, name: str, *, now: datetime) -> Station:
    """Take a station away (admin). Its scans stay in the record under its name."""
    if not actor.is_admin:
        raise DeskError("forbidden", "station_admin_only")
    station = get(store, name)
    if station.name == DESK:
        raise invalid("station_desk_reserved", field="name")
    with store.write():
        store.conn.execute("DELETE FROM station WHERE name = ?", (station.name,))
        audit.record(store, actor, "remove", "station", station.name, before=station.to_json(), at=now)
    return station


# The names the rest of the program was promised (`stations.all`); `all_stations`
# is the one to use inside this module, where `all` would hide the builtin.
all = all_stations  # noqa: A001
