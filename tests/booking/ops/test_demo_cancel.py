"""Demo data can be stopped between chunks; what was written stays whole and is audited."""
from __future__ import annotations

from booking.ops import demo
from booking.store import audit


def bookings(store) -> int:
    return store.conn.execute("SELECT count(*) FROM booking").fetchone()[0]


def test_answering_false_stops_the_demo_after_the_chunk_being_written(store, now):
    told: list[tuple[int, int]] = []
    result = demo.fill(store, years=0.5, now=now, progress=lambda done, total: told.append((done, total)) or False)
    assert result["cancelled"] is True and told == [(60, result["days"])]  # one chunk of 60 days, then stop
    assert 0 < bookings(store) == result["bookings"]
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert audit.entries(store, "booking")[0]["after"]["cancelled"] is True


def test_a_progress_that_answers_nothing_runs_to_the_end(store, now):
    told: list[int] = []
    result = demo.fill(store, years=0.3, now=now, progress=lambda done, total: told.append(done))
    assert result["cancelled"] is False and told[-1] == result["days"]
