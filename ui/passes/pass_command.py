"""The `pass` command: a booking's pass as text, and on request as a phone image or a slip.

    pass BOOKING_ID [--png FILE] [--slip FILE.pdf] --json

Without --png or --slip it loads no Qt (the text is all a script needs). The
outputs are checked before anything is drawn and each file is written whole or
not at all, so a refusal never leaves a half-written image or slip behind.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from booking.checkin import passes, passinfo
from booking.cli import registry as cli
from booking.store.errors import DeskError
from booking.store.i18n import tr
from ui.desk.offscreen import offscreen_app


def _plain(result: dict[str, Any]) -> str:
    lines = [result["grouped"]]
    if result["png"]:
        lines.append(tr("passcmd_png", path=result["png"]))
    if result["slip"]:
        lines.append(tr("passcmd_slip", path=result["slip"]))
    return "\n".join(lines)


@cli.command("pass", _plain)
def _pass(ctx: cli.Context) -> dict[str, Any]:
    result = passes.describe(ctx.store, ctx.args.id)  # unknown or cancelled: refused here
    result["png"] = result["slip"] = None
    png = passinfo.output_target(ctx.args.png) if ctx.args.png else None
    slip = passinfo.output_target(ctx.args.slip) if ctx.args.slip else None
    if png is not None and png == slip:
        raise DeskError("invalid", "passcmd_same_file", field="path", path=str(png))
    if png is None and slip is None:
        return result

    offscreen_app()
    from ui.passes import passimage, slip as slips

    info = passinfo.pass_info(ctx.store, ctx.args.id, ctx.now)
    # Draw everything first: a drawing failure then writes nothing at all.
    png_data = passimage.png_bytes(passimage.phone_image(info)) if png else None
    pdf_data = slips.slip_pdf(info) if slip else None
    for target, data, key in ((png, png_data, "png"), (slip, pdf_data, "slip")):
        if target is not None and data is not None:
            result[key] = str(_write(target, data))
    return result


def _write(target: Path, data: bytes) -> Path:
    return passinfo.write_whole(target, lambda partial: partial.write_bytes(data))
