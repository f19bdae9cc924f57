"""Headless commands for the barrier gates: gate serve, password, events, let-in, whitelist, sync.

`gate serve --listen HOST:PORT` is for the gate-booth PC or a Windows service
started at boot; it serves until stopped (Ctrl+C), or for --for-seconds.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from booking.cli import registry as cli
from booking.gatehouse import gate_camera, gates
from booking.places import stations
from booking.store import clock
from booking.store.errors import DeskError
from booking.gatehouse.gate_server import GateServer, parse_listen
from booking.store.i18n import tr

DEFAULT_LISTEN = "0.0.0.0:8089"
PASSWORD_ENV = "LINLI_CAMERA_PASSWORD"


@cli.parser_section
def _parsers(sub: Any) -> None:
    p = cli.add(sub, "gate", "the barrier gates' plate cameras")
    inner = cli.nested(p, "action")
    s = cli.add(inner, "serve", "answer the plate cameras over HTTP (POST /gate/vzenith, /gate/hikvision)")
    s.add_argument("--listen", default=DEFAULT_LISTEN, metavar="HOST:PORT",
                   help=f"where the cameras post (default {DEFAULT_LISTEN})")
    s.add_argument("--for-seconds", type=float, default=None, help="stop after this long (default: until Ctrl+C)")
    w = cli.add(inner, "password", "keep a Hikvision camera's password in the system keyring "
                                   "(from the LINLI_CAMERA_PASSWORD environment variable)")
    w.add_argument("name", help="the gate (station) name")
    e = cli.add(inner, "events", "the newest plates the cameras reported")
    e.add_argument("--limit", type=int, default=20)
    e.add_argument("--station")
    li = cli.add(inner, "let-in", "open the gate by hand for a refused car (a reason is required)")
    li.add_argument("event", type=int)
    li.add_argument("--reason", required=True)
    wl = cli.add(inner, "whitelist", "the plates a gate's camera opens for by itself now, with their windows")
    wl.add_argument("name")
    cli.add(inner, "sync", "write every Hikvision camera's allow-list now")


def _clock(ctx: cli.Context) -> Callable[[], datetime]:
    """The server's clock: the fixed --now if given, else the real time with seconds (it is an edge)."""
    if ctx.args.now:
        return lambda: ctx.now
    return clock.moment


@cli.command("gate serve", lambda r: tr("cli_gate_served", listen=r["listen"]))
def _serve(ctx: cli.Context) -> dict[str, Any]:
    host, port = parse_listen(ctx.args.listen)
    ctx.store  # noqa: B018  (refuse a missing or newer store before listening)
    try:
        server = GateServer(ctx.store_target, host, port, _clock(ctx))
    except OSError as exc:
        raise DeskError("usage", "gate_listen_failed", listen=ctx.args.listen, detail=exc.strerror or str(exc)) \
            from None
    host, port = server.address
    listen = f"{host}:{port}"
    if ctx.args.for_seconds is None:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    else:
        server.start()
        time.sleep(max(0.0, ctx.args.for_seconds))  # not a timed lock wait: see GateServer._beat
        server.stop()
    return {"listen": listen}


@cli.command("gate password")
def _password(ctx: cli.Context) -> dict[str, Any]:
    ctx.require_admin()
    station = gates.require_gate(stations.get(ctx.store, ctx.args.name))
    gate_camera.set_password(station, cli.env_password(PASSWORD_ENV) or "")
    return {"station": station.name, "camera": station.camera, "user": station.camera_user, "stored": True}


def _fmt_events(result: dict[str, Any]) -> str:
    lines = [tr("cli_gate_event", id=e["id"], at=e["at"], station=e["station"], plate=e["plate_read"],
                verdict=tr("cli_gate_open") if e["opened"] else tr("cli_gate_shut"), reason=e["reason"])
             for e in result["events"]]
    return "\n".join(lines) or tr("cli_nothing")


@cli.command("gate events", _fmt_events)
def _events(ctx: cli.Context) -> dict[str, Any]:
    return {"events": gates.events(ctx.store, max(1, min(ctx.args.limit, 500)), ctx.args.station)}


@cli.command("gate let-in")
def _let_in(ctx: cli.Context) -> dict[str, Any]:
    return gates.let_in(ctx.store, ctx.actor, ctx.args.event, ctx.args.reason, ctx.now)


@cli.command("gate whitelist")
def _whitelist(ctx: cli.Context) -> dict[str, Any]:
    station = gates.require_gate(stations.get(ctx.swept_store(), ctx.args.name))
    return {"station": station.name, "plates": [e.to_json() for e in gates.whitelist_plan(ctx.store, station, ctx.now)]}


@cli.command("gate sync")
def _sync(ctx: cli.Context) -> dict[str, Any]:
    store = ctx.swept_store()
    return {"synced": {s.name: gate_camera.sync_allow_list(store, s, ctx.now)
                       for s in stations.gates(store) if s.gate == "hikvision"}}
