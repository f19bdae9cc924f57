"""Headless commands for scanning: scan, reissue, sweep, station, key.

A refused pass is a normal answer (exit 0, "ok": false): the scanner did its
job and the desk said no. Only wrong usage, such as an unknown station or
booking, is an error. Each command sweeps no-shows first, so a headless run
sees the same states as the window, which sweeps every minute.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from booking.checkin import passcode, passes, scanning
from booking.cli import registry as cli
from booking.places import stations
from booking.store.i18n import tr
from booking.places.inventory import KINDS
from booking.checkin.sweep import sweep


@cli.parser_section
def _parsers(sub: Any) -> None:
    p = cli.add(sub, "scan", "check a pass in or out, as a scanner at a station would")
    p.add_argument("text", help="the pass text as scanned (quote it; put -- before it if it starts with -)")
    p.add_argument("--station", default=stations.DESK, help="where it is scanned (default: desk)")

    p = cli.add(sub, "manual", "check a booking in or out by hand (lost or unreadable pass), with a reason")
    p.add_argument("id", type=int)
    p.add_argument("--reason", required=True)

    p = cli.add(sub, "reissue", "issue a new pass for a booking; its older passes stop working")
    p.add_argument("id", type=int)
    p.add_argument("--reason")

    cli.add(sub, "sweep", "mark no-shows and list overstays now")

    p = cli.add(sub, "station", "scan stations and which passes they take (admin)")
    inner = cli.nested(p, "action")
    a = cli.add(inner, "add", "set up a station; without --kind or --resource it takes every pass")
    a.add_argument("name")
    a.add_argument("--kind", action="append", default=[], choices=KINDS)
    a.add_argument("--resource", action="append", default=[], metavar="CODE")
    a.add_argument("--mode", choices=stations.MODES, default="both",
                   help="both (default), in (entry only) or out (exit only)")
    a.add_argument("--gate", choices=stations.GATES, help="a barrier gate with a plate camera of this protocol")
    a.add_argument("--camera", help="the gate's camera: a Vzenith serial, or a Hikvision HOST[:PORT]")
    a.add_argument("--camera-user", help="the account on a Hikvision camera (default admin)")
    a.add_argument("--camera-ip", dest="camera_address", metavar="IP",
                   help="a Vzenith camera's fixed IP address: only its posts from there are answered")
    cli.add(inner, "list", "every station")
    r = cli.add(inner, "remove", "take a station away (its scans stay recorded)")
    r.add_argument("name")

    p = cli.add(sub, "key", "the pass signing keys (admin)")
    inner = cli.nested(p, "action")
    k = cli.add(inner, "rotate", "sign new passes with a new key; old passes stay valid unless retired")
    k.add_argument("--retire-old", action="store_true", help="also stop accepting passes signed by older keys")


def _scan_time(ctx: cli.Context) -> datetime:
    """The fixed --now if given, else the real time with seconds (repeats are told apart by seconds)."""
    return ctx.moment or ctx.now


def _fmt_scan(result: dict[str, Any]) -> str:
    head = tr("cli_scan_ok") if result["ok"] else tr("cli_scan_refused")
    return f"{head}  {result['reason']}"


def _fmt_sweep(result: dict[str, Any]) -> str:
    lines = []
    if result["no_shows"]:
        lines.append(tr("cli_sweep_no_shows", ids=", ".join(map(str, result["no_shows"]))))
    for item in result["overstays"]:
        lines.append(tr("cli_sweep_overstay", id=item["id"], resource=item["resource"], end=item["end"],
                        minutes=item["minutes_over"]))
    return "\n".join(lines) or tr("cli_sweep_none")


@cli.command("scan", _fmt_scan)
def _scan(ctx: cli.Context) -> dict[str, Any]:
    at = _scan_time(ctx)
    station = stations.get(ctx.store, ctx.args.station)  # an unknown station is wrong usage
    sweep(ctx.store, at.replace(second=0))
    verdict = scanning.scan(ctx.store, ctx.actor, ctx.args.text, station.name, now=at)
    return {**verdict.to_json(), "station": station.name, "at": at.strftime(scanning.SECONDS_FMT)}


@cli.command("manual")
def _manual(ctx: cli.Context) -> dict[str, Any]:
    sweep(ctx.store, ctx.now)
    verdict = scanning.manual(ctx.store, ctx.actor, ctx.args.id, ctx.args.reason, now=ctx.now)
    return verdict.to_json()


@cli.command("reissue")
def _reissue(ctx: cli.Context) -> dict[str, Any]:
    sweep(ctx.store, ctx.now)  # a booking that has become a no-show gets no new pass
    payload = passes.reissue(ctx.store, ctx.actor, ctx.args.id, ctx.args.reason, now=ctx.now)
    fields = passcode.parse_pass(payload)
    return {"payload": payload, "grouped": passcode.grouped(payload), "revision": fields.revision,
            "booking": ctx.args.id}


@cli.command("sweep", _fmt_sweep)
def _sweep(ctx: cli.Context) -> dict[str, Any]:
    return sweep(ctx.store, ctx.now, ctx.actor).to_json()


@cli.command("station add")
def _station_add(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    station = stations.add(ctx.store, ctx.actor, a.name, a.kind, a.resource, a.mode, gate=a.gate,
                           camera=a.camera, camera_user=a.camera_user, camera_address=a.camera_address,
                           now=ctx.now)
    return {"station": station.to_json()}


@cli.command("station list")
def _station_list(ctx: cli.Context) -> dict[str, Any]:
    return {"stations": [s.to_json() for s in stations.all_stations(ctx.store)]}


@cli.command("station remove")
def _station_remove(ctx: cli.Context) -> dict[str, Any]:
    return {"removed": stations.remove(ctx.store, ctx.actor, ctx.args.name, now=ctx.now).name}


@cli.command("key rotate")
def _key_rotate(ctx: cli.Context) -> dict[str, Any]:
    return {"kid": passes.rotate_key(ctx.store, ctx.actor, retire_old=ctx.args.retire_old, now=ctx.now),
            "retired_old": ctx.args.retire_old}
