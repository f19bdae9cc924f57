"""Saving over a file that another program holds open (a PDF viewer, Excel) says to close it."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from booking.checkin import passinfo
from booking.money import ledger
from booking.store.errors import DeskError
from tests.conftest import ADMIN


def _held_by_another_program(monkeypatch, target: Path, name: str = "replace") -> None:
    """What Windows does while Acrobat or Excel has `target` open: replacing it is refused."""
    real = getattr(os, name)

    def refuse(src, dst, *args, **kwargs):
        if Path(dst) == target:
            raise PermissionError(13, "Access is denied", str(dst))
        return real(src, dst, *args, **kwargs)
    monkeypatch.setattr(os, name, refuse)


def test_saving_over_an_open_pdf_names_it_and_says_to_close_it(tmp_path, monkeypatch):
    target = tmp_path / "日表-2026-11-24.pdf"
    target.write_bytes(b"%PDF-1.4 the sheet the clerk is looking at")
    _held_by_another_program(monkeypatch, target)
    with pytest.raises(DeskError) as refused:
        passinfo.write_whole(target, lambda partial: partial.write_bytes(b"%PDF-1.4 new"))
    message = refused.value.message()
    assert refused.value.field == "path" and "日表-2026-11-24.pdf" in message and "关闭" in message


def test_a_refused_save_leaves_the_open_file_and_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"old")
    _held_by_another_program(monkeypatch, target)
    with pytest.raises(DeskError):
        passinfo.write_whole(target, lambda partial: partial.write_bytes(b"new"))
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"] and target.read_bytes() == b"old"


def test_exporting_over_a_csv_open_in_excel_names_it_and_says_to_close_it(store, tmp_path, monkeypatch):
    target = tmp_path / "ledger-2026-11.csv"
    target.write_text("open in Excel", encoding="utf-8")
    real_open = Path.open

    def excel_holds_it(self, *args, **kwargs):
        if self == target:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)
    monkeypatch.setattr(Path, "open", excel_holds_it)
    with pytest.raises(DeskError) as refused:
        ledger.export_csv(store, "2026-11", target, actor=ADMIN)
    message = refused.value.message()
    assert "ledger-2026-11.csv" in message and "Excel" in message and "关闭" in message
