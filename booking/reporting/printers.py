"""Which printer an unattended print may use.

`sheet --print` without `--printer` is what the 07:00 scheduled task runs. On
many Windows PCs the default printer is a virtual one (Microsoft Print to PDF,
Microsoft XPS Document Writer, OneNote, Fax, a PDF printer): with nobody at the
desk it waits for a file name in a dialog nobody sees, and the sheet is never
printed. So unattended printing takes the default printer only if it is a real
one, or the only real one when there is no default; otherwise it refuses,
naming the installed printers, so the technician adds `--printer NAME` to the task.
"""
from __future__ import annotations

from collections.abc import Sequence

from booking.store.errors import DeskError

# Words in the names Windows and the usual PDF tools give their virtual printers.
VIRTUAL_WORDS = ("pdf", "xps", "onenote", "fax", "传真", "document writer", "send to", "发送至", "snagit")


def is_virtual(name: str) -> bool:
    """True for a printer that makes a file or sends elsewhere instead of printing on paper."""
    lowered = name.casefold()
    return any(word in lowered for word in VIRTUAL_WORDS)


def unattended_printer(installed: Sequence[str], default: str | None) -> str:
    """The printer `sheet --print` uses when no --printer is named; DeskError if none is safe."""
    if not installed:
        raise DeskError("system", "printers_none", field="printer")
    names = "、".join(installed)
    if default:
        if is_virtual(default):
            raise DeskError("system", "printers_virtual_default", field="printer", printer=default, names=names)
        return default
    real = [name for name in installed if not is_virtual(name)]
    if len(real) == 1:
        return real[0]
    raise DeskError("system", "printers_no_default", field="printer", names=names)
