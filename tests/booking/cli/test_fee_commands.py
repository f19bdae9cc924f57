"""The fee, ledger, credits, waitlist, tariff and restriction commands answer in JSON."""
from __future__ import annotations

import pytest
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server


@pytest.fixture
def room(run_cli):
    """张三丰 (resident 1) with a ¥40 booking of the 200 m² room (booking 1)."""
    run_cli("resident", "add", "--name", "张三丰", "--door", "3-2-501", "--phone", "13812345678", "--plate", "川A12345")
    booked = run_cli("book", "--resource", "R04", "--start", "2026-11-27 14:00", "--end", "2026-11-27 16:00",
                     "--resident", "1")
    assert booked.code == 0
    return booked.json["bookings"][0]["id"]


def test_charge_gives_the_estimate_and_what_is_due(run_cli, room):
    result = run_cli("charge", str(room))
    assert result.code == 0
    assert (result.json["state"], result.json["total_fen"], result.json["due"]) == ("estimate", 4000, "40.00")


def test_charge_can_flag_a_volunteer_teams_booking(run_cli, room):
    result = run_cli("charge", str(room), "--exempt", "volunteer", "--note", "志愿服务一队")
    assert (result.json["exempt"], result.json["total_fen"]) == ("volunteer", 0)


def test_pay_records_the_amount_exactly_and_gives_a_receipt(run_cli, room):
    result = run_cli("pay", str(room), "--amount", "12.50", "--method", "wechat", "--user", "值班员乙")
    assert result.code == 0
    assert result.json["payment"]["amount_fen"] == 1250 and result.json["payment"]["clerk"] == "值班员乙"
    assert result.json["receipt"]["amount_words"] == "壹拾贰元伍角整"
    assert result.json["account"]["due"] == "27.50"


@pytest.mark.parametrize("amount", ["12.345", "abc", "-5", "0"])
def test_pay_refuses_a_bad_amount_next_to_the_field(run_cli, room, amount):
    result = run_cli("pay", str(room), "--amount", amount, "--method", "cash")
    assert result.code == 1 and result.json["code"] == "invalid" and result.json["field"] == "amount"


def test_pay_refuses_online_payment(run_cli, room):
    assert run_cli("pay", str(room), "--amount", "1", "--method", "online").code == 2


def test_refund_by_the_rules_is_only_for_a_cancelled_booking(run_cli, room):
    run_cli("pay", str(room), "--amount", "40", "--method", "cash")
    result = run_cli("refund", str(room))
    assert result.code == 1 and result.json["code"] == "state" and "金额和原因" in result.json["error"]


def test_refund_of_an_amount_with_a_reason(run_cli, room):
    run_cli("pay", str(room), "--amount", "40", "--method", "cash")
    result = run_cli("refund", str(room), "--amount", "10", "--reason", "空调坏了")
    assert result.code == 0 and result.json["refunds"][0]["amount"] == "-10.00"


def test_ledger_gives_the_month_and_the_welfare_fund(run_cli, room):
    run_cli("pay", str(room), "--amount", "40", "--method", "cash")
    result = run_cli("ledger", "--month", "2026-11")
    assert result.code == 0 and result.json["fund"] == "40.00" and not result.json["closed"]


def test_ledger_closes_a_month_and_then_refuses_it(run_cli, room):
    run_cli("pay", str(room), "--amount", "10", "--method", "cash", now="2026-10-31 20:00")
    assert run_cli("ledger", "--month", "2026-10", "--close").json["closed"] is True
    late = run_cli("pay", str(room), "--amount", "10", "--method", "cash", now="2026-10-31 21:00")
    assert late.code == 1 and late.json["code"] == "state"


def test_ledger_writes_csv_and_corrects(run_cli, room, tmp_path):
    run_cli("pay", str(room), "--amount", "10", "--method", "cash")
    fixed = run_cli("ledger", "--correct", "1", "--amount", "-2.00", "--reason", "多收",
                    "--csv", str(tmp_path / "l.csv"))
    assert fixed.code == 0 and fixed.json["correction"]["amount_fen"] == -200
    assert fixed.json["csv"]["rows"] == 2 and fixed.json["total"]["income"] == "8.00"
    assert (tmp_path / "l.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_ledger_refuses_a_bad_month(run_cli):
    result = run_cli("ledger", "--month", "2026-13")
    assert result.code == 1 and result.json["field"] == "month"


def test_shift_report_per_clerk(run_cli, room):
    run_cli("pay", str(room), "--amount", "10", "--method", "cash", "--user", "值班员乙")
    run_cli("pay", str(room), "--amount", "5", "--method", "alipay", "--user", "值班员丙")
    result = run_cli("shift-report", "--clerk", "值班员乙")
    assert result.code == 0 and result.json["cash"] == "10.00" and len(result.json["clerks"]) == 1


def test_credits_add_redeem_show(run_cli, room):
    added = run_cli("credits", "add", "--resident", "1", "--hours", "5", "--team", "志愿服务一队",
                    "--activity", "清扫院落", "--approved-by", "王队长")
    assert added.code == 0 and added.json["balance"] == "5"
    redeemed = run_cli("credits", "redeem", "--resident", "1", "--booking", str(room))
    assert redeemed.json["hours"] == "4" and redeemed.json["account"]["due_fen"] == 0
    shown = run_cli("credits", "show", "--resident", "1").json
    assert shown["balance"] == "1" and [e["entry"] for e in shown["history"]] == ["earn", "redeem"]


def test_credits_refuse_more_hours_than_held(run_cli, room):
    result = run_cli("credits", "redeem", "--resident", "1", "--booking", str(room), "--hours", "2")
    assert result.code == 1 and result.json["code"] == "state"


def test_credits_rate(run_cli):
    assert run_cli("credits", "rate").json["rate"] == "10.00"
    assert run_cli("credits", "rate", "12.5").json["rate_fen"] == 1250


def test_waitlist_add_process_accept(run_cli, room):
    run_cli("resident", "add", "--name", "李四", "--door", "5-1-302", "--phone", "13987654321")
    joined = run_cli("waitlist", "add", "--resident", "2", "--resource", "R04", "--start", "2026-11-27 14:00",
                     "--end", "2026-11-27 16:00")
    assert joined.code == 0 and joined.json["entry"]["status"] == "waiting"
    run_cli("cancel", str(room))
    processed = run_cli("waitlist", "process", now="2026-11-24 10:05")
    assert processed.json["offered"] == [joined.json["entry"]["id"]]
    assert processed.json["calls"][0]["phone"] == "13987654321"
    listed = run_cli("waitlist", "list", now="2026-11-24 10:06").json
    assert listed["calls"][0]["entry"] == joined.json["entry"]["id"]
    accepted = run_cli("waitlist", "accept", str(joined.json["entry"]["id"]), now="2026-11-24 10:10")
    assert accepted.code == 0 and accepted.json["booking"]["resource"] == "R04"


def test_waitlist_refuses_when_something_is_free(run_cli, room):
    result = run_cli("waitlist", "add", "--resident", "1", "--kind", "room", "--start", "2026-11-27 14:00",
                     "--end", "2026-11-27 16:00")
    assert result.code == 1 and result.json["code"] == "state"


def test_tariff_list_and_set(run_cli):
    assert any(t["scope"] == "res:R04" for t in run_cli("tariff", "list").json["tariffs"])
    result = run_cli("tariff", "set", "kind:parking", "visitor", "--bands", "07:30-19:00=4,19:00-07:30=1",
                     "--free", "15", "--cap", "25.00")
    assert result.code == 0 and result.json["tariff"]["daily_cap_fen"] == 2500
    assert run_cli("tariff", "set", "kind:parking", "visitor", "--bands", "7-19=4").json["field"] == "bands"


def test_restriction_show_and_lift(run_cli, room):
    shown = run_cli("restriction", "show", "--door", "3栋2单元501")
    assert shown.code == 0 and shown.json["restricted"] is False and shown.json["rules"][0]["no_shows"] == 3
    lifted = run_cli("restriction", "lift", "--resident", "1", "--reason", "已核实")
    assert lifted.code == 0 and lifted.json["household"] == "3栋2单元501"
