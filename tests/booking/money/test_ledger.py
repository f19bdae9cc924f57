"""The ledger: payments, refunds by the rules, closed months, shift reports, statements, CSV, receipts."""
from __future__ import annotations

import csv
import json
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from booking.money import ledger
from booking.ops import setup
from booking.people import residents
from booking.schedule import bookings
from booking.store.audit import Actor
from booking.store.errors import DeskError
from booking.store.connection import IntegrityError
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

NOW = datetime(2026, 11, 24, 10, 0)
ADMIN = Actor("管理员甲", "admin")


def room(store, actor, resident, start="2026-11-27 14:00", end="2026-11-27 16:00", code="R04"):
    """A ¥40 booking of the 200 m² room."""
    return bookings.book(store, actor, bookings.Request(code, datetime.fromisoformat(start),
                                                        datetime.fromisoformat(end), resident.id), NOW)


def cancel_at(store, booking_id: int, when: str) -> None:
    bookings.cancel(store, ADMIN, booking_id, now=NOW)
    # The booking core stamps a cancellation with the wall clock; the tests fix it.
    with store.write():
        store.sql("UPDATE booking SET cancelled_at = :when WHERE id = :id", when=when, id=booking_id)


def test_a_payment_reduces_what_is_due(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    ledger.pay(store, clerk, booking.id, 1500, "wechat", NOW)
    acct = ledger.account(store, booking.id, NOW)
    assert (acct.charge.total_fen, acct.paid_fen, acct.due_fen) == (4000, 1500, 2500)


def test_paying_more_than_is_due_is_refused(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    with pytest.raises(DeskError) as err:
        ledger.pay(store, clerk, booking.id, 4001, "cash", NOW)
    assert err.value.code == "invalid" and err.value.field == "amount" and "40.00" in err.value.message()


def test_nothing_is_taken_for_a_free_booking(store, admin, clerk, resident):
    booking = room(store, admin, resident, code="R01")
    with pytest.raises(DeskError) as err:
        ledger.pay(store, clerk, booking.id, 100, "cash", NOW)
    assert err.value.code == "state"


def test_waiving_needs_a_reason(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    with pytest.raises(DeskError) as err:
        ledger.pay(store, clerk, booking.id, 4000, "waived", NOW)
    assert err.value.field == "reason"
    ledger.pay(store, clerk, booking.id, 4000, "waived", NOW, reason="低保户")
    assert ledger.account(store, booking.id, NOW).due_fen == 0


def test_an_online_method_is_not_accepted(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    with pytest.raises(DeskError) as err:
        ledger.pay(store, clerk, booking.id, 100, "online", NOW)
    assert err.value.field == "method"


@pytest.mark.parametrize("hours_before,percent", [(48, 100), (24, 100), (23.99, 0), (1, 0), (-2, 0)])
def test_the_refund_steps_of_the_convention(hours_before, percent):
    steps = [{"min_hours_before": 24, "percent": 100}, {"min_hours_before": 0, "percent": 0}]
    start = datetime(2026, 11, 27, 14, 0)
    cancelled = start - (datetime(2026, 1, 3) - datetime(2026, 1, 1)) * (hours_before / 48)
    assert ledger.refund_percent(steps, start, cancelled) == percent


def test_cancelling_a_day_ahead_refunds_everything_the_way_it_was_paid(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    ledger.pay(store, clerk, booking.id, 1000, "cash", NOW)
    ledger.pay(store, clerk, booking.id, 3000, "alipay", NOW)
    cancel_at(store, booking.id, "2026-11-25 09:00:00")
    done = ledger.refund(store, clerk, booking.id, NOW)
    assert [(p.method, p.amount_fen) for p in done] == [("alipay", -3000), ("cash", -1000)]
    assert ledger.net_paid(store, booking.id) == 0


def test_a_refund_by_the_rules_is_given_only_once(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    ledger.pay(store, clerk, booking.id, 4000, "cash", NOW)
    cancel_at(store, booking.id, "2026-11-25 09:00:00")
    ledger.refund(store, clerk, booking.id, NOW)
    with pytest.raises(DeskError) as err:
        ledger.refund(store, clerk, booking.id, NOW)
    assert err.value.code == "state"


def test_cancelling_late_refunds_nothing(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    ledger.pay(store, clerk, booking.id, 4000, "cash", NOW)
    cancel_at(store, booking.id, "2026-11-27 12:00:00")
    with pytest.raises(DeskError) as err:
        ledger.refund(store, clerk, booking.id, NOW)
    assert err.value.key == "ledger_refund_policy" and "0%" in err.value.message()
    assert ledger.net_paid(store, booking.id) == 4000


def test_a_refund_of_a_given_amount_needs_a_reason_and_no_more_than_was_paid(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    ledger.pay(store, clerk, booking.id, 4000, "cash", NOW)
    with pytest.raises(DeskError):
        ledger.refund(store, admin, booking.id, NOW, amount_fen=1000)
    with pytest.raises(DeskError) as err:
        ledger.refund(store, admin, booking.id, NOW, amount_fen=4001, reason="空调坏了")
    assert "40.00" in err.value.message()
    ledger.refund(store, admin, booking.id, NOW, amount_fen=1000, reason="空调坏了")
    assert ledger.net_paid(store, booking.id) == 3000


def test_a_closed_month_refuses_new_entries(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    ledger.close_month(store, admin, "2026-10", NOW)
    with pytest.raises(DeskError) as err:
        ledger.pay(store, clerk, booking.id, 100, "cash", datetime(2026, 10, 31, 23, 0))
    assert err.value.key == "ledger_month_closed"


def test_the_store_itself_refuses_to_change_a_closed_month(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    ledger.pay(store, clerk, booking.id, 1000, "cash", datetime(2026, 10, 30, 9, 0))
    ledger.close_month(store, admin, "2026-10", NOW)
    for sql in ("INSERT INTO payment(receipt_no, at, clerk, entry, method, amount_fen, recorded_at) "
                "VALUES ('x', '2026-10-31 12:00', 'x', 'payment', 'cash', 5, 'x')",
                "UPDATE payment SET amount_fen = 1", "DELETE FROM payment",
                "DELETE FROM ledger_month", "UPDATE ledger_month SET month = '2026-09'"):
        with pytest.raises(IntegrityError), store.write():
            store.sql(sql)


def test_corrections_are_new_entries_in_the_open_month(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    first = ledger.pay(store, clerk, booking.id, 1000, "cash", datetime(2026, 10, 30, 9, 0))
    ledger.close_month(store, admin, "2026-10", NOW)
    before = ledger.statement(store, "2026-10")
    fix = ledger.correct(store, admin, first.id, -200, "多收了2元", NOW)
    assert (fix.entry, fix.at[:7], fix.corrects) == ("correction", "2026-11", first.id)
    assert ledger.statement(store, "2026-10") == before
    assert ledger.statement(store, "2026-11").total.income_fen == -200


def test_only_an_admin_closes_a_month_and_only_a_finished_one(store, admin, clerk):
    with pytest.raises(DeskError) as err:
        ledger.close_month(store, clerk, "2026-10", NOW)
    assert err.value.code == "forbidden"
    with pytest.raises(DeskError) as err:
        ledger.close_month(store, admin, "2026-11", NOW)
    assert err.value.key == "ledger_month_open"
    ledger.close_month(store, admin, "2026-10", NOW)
    with pytest.raises(DeskError) as err:
        ledger.close_month(store, admin, "2026-10", NOW)
    assert err.value.key == "ledger_already_closed"


def test_the_statement_splits_by_kind_and_gives_the_welfare_fund_its_income(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    visitor = bookings.book(store, admin, bookings.Request(
        "P096", datetime(2026, 11, 24, 10, 0), datetime(2026, 11, 24, 12, 30), resident.id, plate="川A99999",
        visitor=True), NOW)
    ledger.pay(store, clerk, booking.id, 3000, "cash", NOW)
    ledger.pay(store, clerk, booking.id, 1000, "waived", NOW, reason="公益")
    ledger.pay(store, clerk, visitor.id, 600, "wechat", NOW)
    report = ledger.statement(store, "2026-11")
    by_kind = {k.kind: k for k in report.kinds}
    assert by_kind["room"].income_fen == 3000 and by_kind["room"].by_method["waived"] == 1000
    assert by_kind["parking"].by_method["wechat"] == 600
    assert (report.total.income_fen, report.fund_fen, report.fund) == (3600, 3600, "36.00")


def test_the_shift_report_gives_each_clerk_the_cash_to_hand_over(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    other = Actor("值班员丙", "clerk")
    ledger.pay(store, clerk, booking.id, 1000, "cash", datetime(2026, 11, 24, 9, 0))
    ledger.pay(store, other, booking.id, 500, "cash", datetime(2026, 11, 24, 15, 0))
    ledger.pay(store, clerk, booking.id, 700, "alipay", datetime(2026, 11, 24, 9, 30))
    report = ledger.shift_report(store, datetime(2026, 11, 24, 8, 0), datetime(2026, 11, 24, 14, 0))
    assert [(c.clerk, c.cash_fen, c.income_fen) for c in report.clerks] == [("值班员乙", 1000, 1700)]
    mine = ledger.shift_report(store, datetime(2026, 11, 24), datetime(2026, 11, 25), clerk="值班员丙")
    assert mine.to_json()["cash"] == "5.00" and len(mine.entries) == 1


def test_the_csv_export_opens_in_excel_in_chinese(store, admin, clerk, resident, tmp_path):
    booking = room(store, admin, resident)
    ledger.pay(store, clerk, booking.id, 1250, "cash", NOW)
    out = ledger.export_csv(store, "2026-11", tmp_path / "ledger.csv", actor=admin)
    raw = (tmp_path / "ledger.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and out.rows == 1
    rows = list(csv.reader((tmp_path / "ledger.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][0] == "收据号" and rows[1][7] == "12.50" and rows[1][4] == "现金"


def test_a_receipt_masks_the_payer_and_writes_the_amount_in_words(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    paid = ledger.pay(store, clerk, booking.id, 1250, "cash", NOW)
    slip = ledger.receipt(store, paid.id)
    assert slip.number == "202611-00001" and slip.date == "2026-11-24"
    assert slip.payer == "张*丰" and slip.amount == "12.50" and slip.amount_words == "壹拾贰元伍角整"
    assert "R04" not in slip.items[0].text and "2026-11-27 14:00" in slip.items[0].text


def test_receipt_numbers_run_on_within_a_month(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    numbers = [ledger.pay(store, clerk, booking.id, 100, "cash", NOW).receipt_no for _ in range(3)]
    assert numbers == ["202611-00001", "202611-00002", "202611-00003"]


# --- ledger totals equal the sum of payments, whatever the sequence -----------------------

operation = st.one_of(
    st.tuples(st.just("pay"), st.sampled_from(["cash", "wechat", "alipay", "waived"]), st.integers(1, 1500)),
    st.tuples(st.just("refund"), st.just(""), st.integers(1, 1500)),
    st.tuples(st.just("correct"), st.just(""), st.integers(-500, 500).filter(bool)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(operation, max_size=12))
def test_ledger_totals_equal_the_sum_of_the_entries(ops):
    store = setup.open_ready(":memory:", now=NOW)
    try:
        clerk = Actor("值班员乙", "clerk")
        person = residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", now=NOW)
        booking = room(store, ADMIN, person)
        money_in = {"cash": 0, "wechat": 0, "alipay": 0, "waived": 0}
        expected = 0  # what the accepted operations add up to, counted here independently
        for kind, method, amount in ops:
            try:
                if kind == "pay":
                    ledger.pay(store, clerk, booking.id, amount, method, NOW, reason="减免")
                    expected += amount
                elif kind == "refund":
                    ledger.refund(store, ADMIN, booking.id, NOW, amount_fen=amount, reason="退")
                    expected -= amount
                else:
                    last = store.sql("SELECT max(id) FROM payment").scalar()
                    if last is None:
                        continue
                    ledger.correct(store, ADMIN, last, amount, "更正", NOW)
                    expected += amount
            except DeskError:
                continue
        for p in ledger.entries(store, "2026-11"):
            money_in[p.method] += p.amount_fen
        report = ledger.statement(store, "2026-11")
        amounts = [r[0] for r in store.sql("SELECT amount_fen FROM payment")]
        assert report.total.all_fen == sum(amounts) == ledger.net_paid(store, booking.id) == expected
        assert report.total.income_fen == money_in["cash"] + money_in["wechat"] + money_in["alipay"]
        assert report.total.entries == len(amounts)
        assert report.total.by_method["waived"] == money_in["waived"]
        assert sum(k.all_fen for k in report.kinds) == sum(amounts)
        shift = ledger.shift_report(store, datetime(2026, 11, 1), datetime(2026, 12, 1))
        assert shift.income_fen == report.total.income_fen
    finally:
        store.close()


def test_a_chosen_refund_and_a_correction_are_an_admins(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    paid = ledger.pay(store, clerk, booking.id, 4000, "cash", NOW)
    with pytest.raises(DeskError) as err:
        ledger.refund(store, clerk, booking.id, NOW, amount_fen=1000, reason="空调坏了")
    assert err.value.code == "forbidden"
    with pytest.raises(DeskError) as err:
        ledger.correct(store, clerk, paid.id, -200, "多收了2元", NOW)
    assert err.value.code == "forbidden"
    assert len(ledger.for_booking(store, booking.id)) == 1


# --- corrections are bounded as refunds are (issue 11 item 14) ---------------------------------

def test_a_correction_cannot_take_off_more_than_was_paid(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    paid = ledger.pay(store, clerk, booking.id, 200, "cash", NOW)
    with pytest.raises(DeskError) as caught:
        ledger.correct(store, admin, paid.id, -50000, "录错了", NOW)  # −500.00 against 2.00
    assert (caught.value.code, caught.value.field) == ("invalid", "amount")
    assert caught.value.params["max"] == "¥2.00"
    assert ledger.statement(store, "2026-11").total.income_fen == 200


def test_corrections_and_refunds_together_cannot_take_a_payment_below_nothing(store, admin, clerk, resident):
    booking = room(store, admin, resident)
    paid = ledger.pay(store, clerk, booking.id, 1000, "cash", NOW)
    ledger.refund(store, admin, booking.id, NOW, amount_fen=600, reason="少用了一小时")
    fix = ledger.correct(store, admin, paid.id, -300, "多收了3元", NOW)
    with pytest.raises(DeskError) as caught:  # 1.00 is left; correcting the correction is bounded too
        ledger.correct(store, admin, fix.id, -101, "又错了", NOW)
    assert caught.value.params["max"] == "¥1.00"
    assert ledger.correct(store, admin, fix.id, -100, "又错了", NOW).amount_fen == -100
    assert ledger.statement(store, "2026-11").total.income_fen == 0


def test_the_ledger_command_refuses_an_oversized_correction_beside_the_amount(run_cli, store, admin, clerk,
                                                                             resident):
    booking = room(store, admin, resident)
    paid = ledger.pay(store, clerk, booking.id, 200, "cash", NOW)
    result = run_cli("ledger", "--correct", str(paid.id), "--amount", "-500.00", "--reason", "录错了")
    assert result.code == 1 and result.json["code"] == "invalid" and result.json["field"] == "amount"


def test_the_statement_is_typed_and_its_json_keeps_the_old_keys_in_order(store, admin, clerk, resident):
    """The UI reads a Statement by attribute; `ledger --json` prints to_json(), the dict it always printed."""
    booking = room(store, clerk, resident)
    ledger.pay(store, clerk, booking.id, 2000, "cash", NOW)
    report = ledger.statement(store, "2026-11")
    assert isinstance(report, ledger.Statement) and isinstance(report.total, ledger.Sums)
    out = report.to_json()
    assert list(out) == ["month", "closed", "closed_at", "closed_by", "kinds", "total", "fund_percent", "fund_fen",
                         "fund"]
    sums = ["entries", "payments_fen", "refunds_fen", "corrections_fen", "by_method", "income_fen", "all_fen",
            "income", "by_method_text"]
    assert list(out["total"]) == sums and [list(k) for k in out["kinds"]] == [[*sums, "kind", "name"]]
    assert out["kinds"][0]["kind"] == "room" and out["total"]["by_method"]["cash"] == 2000
    assert (out["total"]["income"], out["fund"], out["closed"]) == ("20.00", "20.00", False)
    assert json.loads(json.dumps(out)) == out


def test_the_shift_report_is_typed_and_its_json_keeps_the_old_keys_in_order(store, clerk, resident):
    """The cash desk reads a ShiftReport by attribute; `shift-report --json` prints to_json(), as before."""
    booking = room(store, clerk, resident)
    ledger.pay(store, clerk, booking.id, 1000, "cash", datetime(2026, 11, 24, 9, 0))
    report = ledger.shift_report(store, datetime(2026, 11, 24), datetime(2026, 11, 25))
    assert isinstance(report, ledger.ShiftReport) and isinstance(report.entries[0], ledger.Payment)
    out = report.to_json()
    assert list(out) == ["from", "to", "clerk", "clerks", "cash_fen", "cash", "income_fen", "income", "entries"]
    assert [list(c) for c in out["clerks"]] == [["clerk", "methods", "cash_fen", "cash", "income_fen", "income"]]
    methods = out["clerks"][0]["methods"]
    assert list(methods) == list(ledger.METHODS)
    assert methods["cash"] == {"count": 1, "in_fen": 1000, "out_fen": 0, "net_fen": 1000}
    assert list(methods["cash"]) == ["count", "in_fen", "out_fen", "net_fen"]
    assert (out["from"], out["clerk"], out["cash"], out["entries"]) == (
        "2026-11-24 00:00", None, "10.00", [p.to_json() for p in report.entries])
    assert json.loads(json.dumps(out)) == out
