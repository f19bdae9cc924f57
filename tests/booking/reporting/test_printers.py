"""The unattended print (the 07:00 task) never goes to a virtual printer."""
from __future__ import annotations

import pytest

from booking.reporting import printers
from booking.store.errors import DeskError

OFFICE = ["Microsoft Print to PDF", "Microsoft XPS Document Writer", "OneNote (Desktop)", "Fax",
          "HP LaserJet Pro M404dn"]


@pytest.mark.parametrize("name", ["Microsoft Print to PDF", "Microsoft XPS Document Writer", "OneNote (Desktop)",
                                  "OneNote for Windows 10", "Fax", "Adobe PDF", "Foxit PDF Reader Printer",
                                  "导出为WPS PDF", "Send To OneNote 2016"])
def test_virtual_printers_are_recognised(name):
    assert printers.is_virtual(name)


@pytest.mark.parametrize("name", ["HP LaserJet Pro M404dn", "Brother HL-L2350DW series", "Canon LBP2900",
                                  "EPSON L3150 Series", "\\\\desk-pc\\得力DL-888D"])
def test_real_printers_are_not_virtual(name):
    assert not printers.is_virtual(name)


def test_a_real_default_printer_is_used():
    assert printers.unattended_printer(OFFICE, "HP LaserJet Pro M404dn") == "HP LaserJet Pro M404dn"


@pytest.mark.parametrize("default", ["Microsoft Print to PDF", "Microsoft XPS Document Writer", "OneNote (Desktop)"])
def test_a_virtual_default_printer_is_refused_naming_the_printers(default):
    with pytest.raises(DeskError) as refused:
        printers.unattended_printer(OFFICE, default)
    assert (refused.value.code, refused.value.field) == ("system", "printer")
    message = refused.value.message()
    assert default in message and "HP LaserJet Pro M404dn" in message and "--printer" in message


def test_with_no_default_the_only_real_printer_is_used():
    assert printers.unattended_printer(OFFICE, None) == "HP LaserJet Pro M404dn"


def test_with_no_default_and_two_real_printers_it_refuses():
    with pytest.raises(DeskError) as refused:
        printers.unattended_printer(OFFICE + ["Canon LBP2900"], None)
    assert "Canon LBP2900" in refused.value.message()


def test_with_only_virtual_printers_it_refuses():
    with pytest.raises(DeskError):
        printers.unattended_printer(["Microsoft Print to PDF", "Fax"], None)


def test_with_no_printer_at_all_it_refuses():
    with pytest.raises(DeskError) as refused:
        printers.unattended_printer([], None)
    assert refused.value.key == "printers_none"
