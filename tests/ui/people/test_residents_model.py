"""The list of residents a find text matched: a sound Qt model, and masked."""
from __future__ import annotations

from booking.people import residents
from ui.people.residents import ResidentModel


def test_the_resident_list_model_passes_the_model_tester(qtmodeltester, store, resident, neighbour):
    model = ResidentModel()
    model.set_residents(residents.find(store, "川A"))
    qtmodeltester.check(model)


def test_found_residents_are_shown_masked(store, resident):
    model = ResidentModel()
    model.set_residents([resident])
    assert model.index(0).data() == "张*丰   3栋2单元501   138****5678   川A12345"
