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
from booking.store.i18n import define

# Words in the names Windows and the usual PDF tools give their virtual printers.
VIRTUAL_WORDS = ("pdf", "xps", "onenote", "fax", "传真", "document writer", "send to", "发送至", "snagit")

define(
    printers_none=("没有安装打印机。请在 Windows 设置中添加打印机，或用 --pdf 保存为文件。",
                   "No printer is installed. Add one in Windows Settings, or save a file with --pdf."),
    printers_virtual_default=(
        "默认打印机“{printer}”不是真正的打印机（它会弹出对话框等人回答），无人值守时不能用它打印。"
        "请用 --printer 指定一台打印机。已安装：{names}。",
        "The default printer “{printer}” is not a real printer (it would wait for an answer in a dialog), "
        "so nothing is printed unattended. Name one with --printer. Installed: {names}."),
    printers_no_default=(
        "没有默认打印机，无法确定用哪一台。请用 --printer 指定一台打印机。已安装：{names}。",
        "There is no default printer, so it is not clear which to use. Name one with --printer. "
        "Installed: {names}."),
)


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
