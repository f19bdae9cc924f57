"""Headless commands that correct residents: edit, unplate (a sold car), leave and return.

Their sub-parsers sit with 'resident add/find/plate' in core_commands._core_parsers (argparse
builds the 'resident' group once); the handlers live here.
"""
from __future__ import annotations

from typing import Any

from booking.cli import registry as cli
from booking.people import residents


@cli.command("resident edit")
def _resident_edit(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    resident = residents.update(ctx.store, ctx.actor, a.id, name=a.name, phone=a.phone, door=a.door, now=ctx.now)
    return {"resident": resident.to_json(masked=True)}


@cli.command("resident unplate")
def _resident_unplate(ctx: cli.Context) -> dict[str, Any]:
    removed = residents.remove_plate(ctx.store, ctx.actor, ctx.args.plate, now=ctx.now)
    return {"removed": removed["plate"], "door": removed["door"]}


@cli.command("resident leave")
def _resident_leave(ctx: cli.Context) -> dict[str, Any]:
    return {"resident": residents.set_active(ctx.store, ctx.actor, ctx.args.id, False, now=ctx.now).to_json(masked=True)}


@cli.command("resident return")
def _resident_return(ctx: cli.Context) -> dict[str, Any]:
    return {"resident": residents.set_active(ctx.store, ctx.actor, ctx.args.id, True, now=ctx.now).to_json(masked=True)}
