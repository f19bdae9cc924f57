"""The import command: residents (with households and plates) from a CSV file.

    import residents --csv FILE [--check] [--skip-invalid]
        -> {"rows", "added", "exists", "plates", "invalid": [{"line", "field", "error", "value"}],
            "invalid_rows", "applied", "encoding"}

`--check` is a dry run. Without it, rows with mistakes refuse the whole import
(exit 1, code "invalid", the same report under "details") unless
`--skip-invalid` imports the other rows.
"""
from __future__ import annotations

import sys
from typing import Any

from booking.cli import registry as cli
from booking.people import imports
from booking.store.i18n import tr


@cli.parser_section
def _parsers(sub: Any) -> None:
    p = cli.add(sub, "import", tr("importcmd_help"))
    inner = cli.nested(p, "action")
    r = cli.add(inner, "residents", tr("importcmd_residents_help"))
    r.add_argument("--csv", required=True, metavar="FILE",
                   help="UTF-8 (with or without BOM) or GBK; header 姓名,门牌,手机,车牌 or name,door,phone,plate")
    r.add_argument("--check", action="store_true", help="only check the rows; write nothing")
    r.add_argument("--skip-invalid", action="store_true", help="import the valid rows, skip those with mistakes")


def _plain(result: dict[str, Any]) -> str:
    lines = [tr("importcmd_summary", mode=tr("importcmd_applied" if result["applied"] else "importcmd_checked"),
                rows=result["rows"], added=result["added"], exists=result["exists"], plates=result["plates"],
                bad=result["invalid_rows"])]
    lines += [tr("importcmd_error_line", line=e["line"], field=tr(f"imp_field_{e['field']}"), error=e["error"])
              for e in result["invalid"]]
    return "\n".join(lines)


def _progress(done: int, total: int) -> bool:
    sys.stderr.write(f"\r{done * 100 // max(total, 1):3d}%")
    if done >= total:
        sys.stderr.write("\n")
    return True


@cli.command("import residents", _plain)
def _import_residents(ctx: cli.Context) -> dict[str, Any]:
    a = ctx.args
    progress = None if a.json else _progress
    if a.check:
        return imports.check(ctx.store, a.csv, progress).to_json()
    return imports.apply(ctx.store, ctx.actor, a.csv, skip_invalid=a.skip_invalid, progress=progress,
                         now=ctx.now).to_json()
