"""The ledger of the community service company's takings, which go to the welfare fund.

Every payment the clerk takes at the desk (cash, WeChat Pay, Alipay; or
waived, with a reason; or time-bank hours) is one entry, in integer fen, with a
receipt number. Refunds and corrections are new entries too: the store's
triggers refuse to edit or delete an entry, and refuse any new entry dated in
a month the admin has closed (migration 0005). So a closed month's statement
can be printed once and will never disagree with the file.

Refunds on cancellation follow the convention's steps (setting
`fee.refund_steps`, e.g. everything back when cancelled at least 24 hours
before the start, nothing after); each refund goes back the way it was paid,
newest payment first.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from booking.money import fees, timebank
from booking.schedule import bookings
from booking.store import audit, clock, files, validation
from booking.store.audit import Actor
from booking.store.errors import DeskError, invalid, not_found
from booking.money.fees import money, yuan_text, yuan_words
from booking.store.i18n import tr
from booking.store.connection import IntegrityError, Store, refusal
from booking.store.files import csv_cell
from booking.store.validation import mask_name
from booking.store.rowids import inserted_id

METHODS = ("cash", "wechat", "alipay", "waived", "timebank")
MONEY_METHODS = ("cash", "wechat", "alipay")   # what reaches the welfare fund
PAYABLE_METHODS = ("cash", "wechat", "alipay", "waived")  # what the clerk records with `pay`
ENTRIES = ("payment", "refund", "correction")


@dataclass(frozen=True)
class Payment:
    """One ledger entry. Refunds are negative; corrections carry their sign."""

    id: int
    receipt_no: str
    booking_id: int | None
    at: str
    clerk: str
    entry: str
    method: str
    amount_fen: int
    resource_kind: str | None
    reason: str | None
    corrects: int | None
    credit_minutes: int | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "receipt_no": self.receipt_no, "booking": self.booking_id, "at": self.at,
                "clerk": self.clerk, "entry": self.entry, "entry_text": tr(f"ledger_entry_{self.entry}"),
                "method": self.method, "method_text": tr(f"ledger_method_{self.method}"),
                "amount_fen": self.amount_fen, "amount": yuan_text(self.amount_fen),
                "kind": self.resource_kind, "reason": self.reason, "corrects": self.corrects,
                "credit_minutes": self.credit_minutes}


_COLUMNS = ("id, receipt_no, booking_id, at, clerk, entry, method, amount_fen, resource_kind, reason, "
            "corrects, credit_minutes")


def _rows(store: Store, where: str, **params: Any) -> list[Payment]:
    return [Payment(*row) for row in store.sql(
        f"SELECT {_COLUMNS} FROM payment WHERE {where} ORDER BY at, id", **params)]


def get(store: Store, payment_id: int) -> Payment:
    found = _rows(store, "id = :payment_id", payment_id=payment_id)
    if not found:
        raise not_found("ledger_payment_not_found", id=payment_id)
    return found[0]


def for_booking(store: Store, booking_id: int) -> list[Payment]:
    return _rows(store, "booking_id = :booking_id", booking_id=booking_id)


def parse_month(text: str | None, field: str = "month") -> str:
    """'YYYY-MM' checked, from '2026-11', '2026-1' or '2026/11'."""
    try:
        return validation.parse_month(text, field).isoformat()[:7]
    except DeskError as exc:  # the ledger's own words for a month that is not one; the year's range as is
        if exc.key == "val_month_format":
            raise invalid("ledger_month_bad", field=field) from None
        raise


def _month_bounds(month: str) -> tuple[str, str]:
    year, mon = int(month[:4]), int(month[5:])
    first = date(year, mon, 1)
    following = date(year + (mon == 12), mon % 12 + 1, 1)
    return first.isoformat(), following.isoformat()


def is_closed(store: Store, month: str) -> bool:
    return store.sql("SELECT 1 FROM ledger_month WHERE month = :month", month=month).fetchone() is not None


# --- writing entries ------------------------------------------------------------------------

def _insert(store: Store, actor: Actor, now: datetime, booking_id: int | None, entry: str, method: str,
            amount_fen: int, reason: str | None = None, corrects: int | None = None,
            credit_minutes: int | None = None, kind: str | None = None) -> Payment:
    """Append one entry; call inside the caller's write."""
    at = clock.to_text(now)
    month = at[:7]
    if kind is None and booking_id is not None:
        kind = bookings.get(store, booking_id).kind
    start, end = _month_bounds(month)
    seq = store.sql("SELECT count(*) FROM payment WHERE at >= :start AND at < :end", start=start, end=end).fetchone()[0]
    receipt_no = f"{month.replace('-', '')}-{seq + 1:05d}"
    try:
        payment_id = inserted_id(store.sql(
            "INSERT INTO payment(receipt_no, booking_id, at, clerk, entry, method, amount_fen, resource_kind, "
            "reason, corrects, credit_minutes, recorded_at) VALUES (:receipt_no, :booking_id, :at, :name, :entry, "
            ":method, :amount_fen, :kind, :reason, :corrects, :credit_minutes, :now_stamp) RETURNING id",
            receipt_no=receipt_no, booking_id=booking_id, at=at, name=actor.name, entry=entry, method=method,
            amount_fen=amount_fen, kind=kind,
            reason=(reason or "").strip() or None, corrects=corrects, credit_minutes=credit_minutes,
            now_stamp=clock.to_stamp(now)))
    except IntegrityError as exc:
        if "ledger_month_closed" in refusal(exc):
            raise DeskError("state", "ledger_month_closed", month=month) from exc
        raise
    audit.record(store, actor, entry, "payment", payment_id,
                 after={"booking": booking_id, "method": method, "amount_fen": amount_fen, "receipt": receipt_no,
                        "corrects": corrects}, reason=reason, at=now)
    return get(store, payment_id)


def net_paid(store: Store, booking_id: int) -> int:
    """What the booking's entries add up to (payments less refunds, with corrections)."""
    paid: int = store.sql("SELECT coalesce(sum(amount_fen), 0) FROM payment WHERE booking_id = :booking_id",
                          booking_id=booking_id).fetchone()[0]
    return paid


@dataclass(frozen=True)
class Account:
    """A booking's charge against what was paid for it."""

    charge: fees.Charge
    paid_fen: int

    @property
    def due_fen(self) -> int:
        return max(0, self.charge.total_fen - self.paid_fen)

    @property
    def over_fen(self) -> int:
        return max(0, self.paid_fen - self.charge.total_fen)

    def to_json(self) -> dict[str, Any]:
        out = self.charge.to_json()
        out.update({"paid_fen": self.paid_fen, "paid": yuan_text(self.paid_fen),
                    "due_fen": self.due_fen, "due": yuan_text(self.due_fen),
                    "over_fen": self.over_fen, "over": yuan_text(self.over_fen)})
        return out


def account(store: Store, booking_id: int, now: datetime | None = None) -> Account:
    """The booking's charge (settled once checked out) and what has been paid for it."""
    return Account(fees.charge_for(store, booking_id, now), net_paid(store, booking_id))


def pay(store: Store, actor: Actor, booking_id: int, amount_fen: int, method: str, now: datetime,
        reason: str | None = None) -> Payment:
    """Record what the clerk took for a booking (or waived, with a reason); never more than is due."""
    if method not in PAYABLE_METHODS:
        raise invalid("ledger_method_bad", field="method")
    if method == "waived" and not (reason or "").strip():
        raise invalid("ledger_reason_required", field="reason")
    if amount_fen <= 0:
        raise invalid("fee_amount_positive", field="amount")
    with store.write():
        due = account(store, booking_id, now).due_fen
        if due == 0:
            raise DeskError("state", "ledger_nothing_due", id=booking_id)
        if amount_fen > due:
            raise invalid("ledger_more_than_due", field="amount", amount=money(amount_fen), due=money(due))
        return _insert(store, actor, now, booking_id, "payment", method, amount_fen, reason)


# --- refunds and corrections ----------------------------------------------------------------

def refund_steps(store: Store) -> list[dict[str, int]]:
    steps = json.loads(store.setting("fee.refund_steps", "[]") or "[]")
    return sorted(steps, key=lambda s: -s["min_hours_before"])


def refund_percent(steps: list[dict[str, int]], start: datetime, cancelled_at: datetime) -> int:
    """The percent refunded for a cancellation at `cancelled_at` of a booking starting at `start`."""
    before = start - cancelled_at
    for step in sorted(steps, key=lambda s: -s["min_hours_before"]):
        if before >= timedelta(hours=step["min_hours_before"]):
            return int(step["percent"])
    return 0


def _root(store: Store, entry: Payment) -> int:
    """The payment an entry belongs to: refunds and corrections point (maybe via a correction) to it."""
    root = entry.id
    corrects = entry.corrects
    while corrects is not None:
        root = corrects
        corrects = store.sql("SELECT corrects FROM payment WHERE id = :root", root=root).fetchone()[0]
    return root


def _left_of(store: Store, payment_id: int) -> int:
    """What is left of a payment: its amount with every refund and correction of it (or of those)."""
    left: int = store.sql(
        "WITH RECURSIVE tree(id) AS (SELECT CAST(:payment_id AS BIGINT) UNION "
        "SELECT p.id FROM payment p JOIN tree ON p.corrects = tree.id) "
        "SELECT coalesce(sum(amount_fen), 0) FROM payment WHERE id IN (SELECT id FROM tree)",
        payment_id=payment_id).fetchone()[0]
    return left


def _refundable(store: Store, booking_id: int) -> list[tuple[Payment, int]]:
    """Each refundable payment of the booking (newest first) with what is left of it."""
    out = []
    for payment in reversed(for_booking(store, booking_id)):
        if payment.entry != "payment" or payment.method == "waived":
            continue
        left = _left_of(store, payment.id)
        if left > 0:
            out.append((payment, left))
    return out


def policy_refund_fen(store: Store, booking_id: int, now: datetime) -> tuple[int, int, float]:
    """(fen refundable under the rules, percent, hours before the start it was cancelled)."""
    booking = bookings.get(store, booking_id)
    if booking.status != "cancelled":
        raise DeskError("state", "ledger_refund_not_cancelled", id=booking_id)
    # The cancellation's own time decides, not the time the clerk gets round to the refund.
    stamp = _cancelled_at(store, booking_id)
    cancelled_at = datetime.fromisoformat(stamp) if stamp else now
    percent = refund_percent(refund_steps(store), booking.start, cancelled_at)
    hours = round((booking.start - cancelled_at).total_seconds() / 3600, 1)
    paid = store.sql(
        "SELECT coalesce(sum(p.amount_fen), 0) FROM payment p "
        "WHERE p.booking_id = :booking_id AND p.method <> 'waived' "
        "AND p.entry <> 'refund'", booking_id=booking_id).fetchone()[0]
    refunded = -store.sql(
        "SELECT coalesce(sum(amount_fen), 0) FROM payment WHERE booking_id = :booking_id AND entry = 'refund'",
        booking_id=booking_id).fetchone()[0]
    return max(0, paid * percent // 100 - refunded), percent, hours


def _cancelled_at(store: Store, booking_id: int) -> str | None:
    row = store.sql("SELECT cancelled_at FROM booking WHERE id = :booking_id", booking_id=booking_id).fetchone()
    return row[0] if row else None


def check_amount_refund(store: Store, actor: Actor, booking_id: int, amount_fen: int, reason: str | None) -> None:
    """What `refund` of a chosen amount refuses (an admin's, with a reason, more than 0 and at most
    what is left of the payments), said before it writes: the window asks for a confirmation only
    of a refund that will be made."""
    if not actor.is_admin:
        raise DeskError("forbidden", "ledger_amount_admin")
    bookings.get(store, booking_id)
    if not (reason or "").strip():
        raise invalid("ledger_reason_required", field="reason")
    if amount_fen <= 0:
        raise invalid("fee_amount_positive", field="amount")
    left_total = sum(left for _, left in _refundable(store, booking_id))
    if left_total == 0:
        raise DeskError("state", "ledger_nothing_to_refund", id=booking_id)
    if amount_fen > left_total:
        raise invalid("ledger_refund_too_much", field="amount", max=money(left_total))


def refund(store: Store, actor: Actor, booking_id: int, now: datetime, amount_fen: int | None = None,
           reason: str | None = None) -> list[Payment]:
    """Pay money back: by the rules for a cancelled booking, or a given amount with a reason.

    Each part goes back the way it was paid, newest payment first; time-bank
    hours go back to the resident's balance. The rules' refund is any clerk's; a chosen
    amount is an admin's decision.
    """
    if amount_fen is not None and not actor.is_admin:
        raise DeskError("forbidden", "ledger_amount_admin")
    with store.write():
        parts = _refundable(store, booking_id)
        left_total = sum(left for _, left in parts)
        if amount_fen is None:
            amount_fen, percent, hours = policy_refund_fen(store, booking_id, now)
            if amount_fen == 0:
                if left_total and percent < 100:
                    raise DeskError("state", "ledger_refund_policy", hours=hours, percent=percent)
                raise DeskError("state", "ledger_nothing_to_refund", id=booking_id)
            reason = (reason or "").strip() or tr("ledger_refund_policy_ok", percent=percent, hours=hours)
        else:
            check_amount_refund(store, actor, booking_id, amount_fen, reason)
        out = []
        remaining = amount_fen
        for payment, left in parts:
            if remaining == 0:
                break
            take = min(left, remaining)
            remaining -= take
            minutes = None
            if payment.method == "timebank" and payment.credit_minutes:
                minutes = payment.credit_minutes * take // payment.amount_fen
            entry = _insert(store, actor, now, booking_id, "refund", payment.method, -take, reason,
                            corrects=payment.id, credit_minutes=minutes, kind=payment.resource_kind)
            if minutes:
                timebank.give_back(store, actor, payment.id, entry.id, minutes, now)
            out.append(entry)
    return out


def correct(store: Store, actor: Actor, payment_id: int, amount_fen: int, reason: str, now: datetime) -> Payment:
    """A new entry this month that adds `amount_fen` (negative to take off) to an earlier entry (admin)."""
    if not actor.is_admin:
        raise DeskError("forbidden", "ledger_correct_admin")
    if not (reason or "").strip():
        raise invalid("ledger_reason_required", field="reason")
    if amount_fen == 0:
        raise invalid("ledger_correct_zero", field="amount")
    with store.write():
        original = get(store, payment_id)
        if original.method == "timebank":
            raise DeskError("state", "ledger_correct_timebank")
        # Bounded as refunds are: no correction takes a payment below nothing, or the month's
        # income and the welfare fund would go negative for money that never came in.
        root = get(store, _root(store, original))
        left = _left_of(store, root.id)
        if root.entry == "payment" and left + amount_fen < 0:
            raise invalid("ledger_correct_too_much", field="amount", max=money(max(left, 0)),
                          paid=money(root.amount_fen), taken=money(root.amount_fen - left))
        return _insert(store, actor, now, original.booking_id, "correction", original.method, amount_fen,
                       reason, corrects=original.id, kind=original.resource_kind)


# --- closing, statements, reports -----------------------------------------------------------

def close_month(store: Store, actor: Actor, month: str, now: datetime) -> Statement:
    """Close a finished month for good (admin): its entries can never change again."""
    if not actor.is_admin:
        raise DeskError("forbidden", "ledger_close_admin")
    month = parse_month(month)
    if month >= clock.to_text(now)[:7]:
        raise DeskError("state", "ledger_month_open", month=month)
    with store.write():
        if is_closed(store, month):
            raise DeskError("state", "ledger_already_closed", month=month)
        report = statement(store, month)
        store.sql("INSERT INTO ledger_month(month, closed_at, closed_by) VALUES (:month, :now_stamp, :name)",
                  month=month, now_stamp=clock.to_stamp(now), name=actor.name)
        audit.record(store, actor, "close", "ledger_month", month,
                     after={"income_fen": report.total.income_fen, "fund_fen": report.fund_fen,
                            "entries": report.total.entries}, at=now)
    return statement(store, month)


def _empty_sums() -> dict[str, Any]:
    return {"entries": 0, "payments_fen": 0, "refunds_fen": 0, "corrections_fen": 0,
            "by_method": {m: 0 for m in METHODS}, "income_fen": 0, "all_fen": 0}


def _add(sums: dict[str, Any], entry: str, method: str, amount: int, count: int) -> None:
    sums["entries"] += count
    sums[{"payment": "payments_fen", "refund": "refunds_fen", "correction": "corrections_fen"}[entry]] += amount
    sums["by_method"][method] += amount
    sums["all_fen"] += amount
    if method in MONEY_METHODS:
        sums["income_fen"] += amount


@dataclass(frozen=True)
class Sums:
    """One row of the statement: a resource kind's entries (or the month's), in fen, by entry and method."""

    entries: int
    payments_fen: int
    refunds_fen: int
    corrections_fen: int
    by_method: dict[str, int]
    income_fen: int  # what reaches the welfare fund (cash, WeChat Pay, Alipay)
    all_fen: int

    @property
    def income(self) -> str:
        return yuan_text(self.income_fen)

    def to_json(self) -> dict[str, Any]:
        return {"entries": self.entries, "payments_fen": self.payments_fen, "refunds_fen": self.refunds_fen,
                "corrections_fen": self.corrections_fen, "by_method": dict(self.by_method),
                "income_fen": self.income_fen, "all_fen": self.all_fen, "income": self.income,
                "by_method_text": {m: yuan_text(v) for m, v in self.by_method.items()}}


@dataclass(frozen=True)
class KindSums(Sums):
    """A resource kind's row; `kind` is None for entries without a booking, `name` is the row's label."""

    kind: str | None
    name: str

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "kind": self.kind, "name": self.name}


@dataclass(frozen=True)
class Statement:
    """A month's statement: by resource kind, the total, whether it is closed, the welfare-fund amount."""

    month: str
    closed: bool
    closed_at: str | None
    closed_by: str | None
    kinds: list[KindSums]
    total: Sums
    fund_percent: int
    fund_fen: int

    @property
    def fund(self) -> str:
        return yuan_text(self.fund_fen)

    def to_json(self) -> dict[str, Any]:
        return {"month": self.month, "closed": self.closed, "closed_at": self.closed_at, "closed_by": self.closed_by,
                "kinds": [k.to_json() for k in self.kinds], "total": self.total.to_json(),
                "fund_percent": self.fund_percent, "fund_fen": self.fund_fen, "fund": self.fund}


def fund_percent(store: Store) -> int:
    return int(store.setting("fee.welfare_fund_percent", "100") or 100)


def statement(store: Store, month: str) -> Statement:
    """The month by resource kind and method, and the amount for the community welfare fund."""
    month = parse_month(month)
    start, end = _month_bounds(month)
    kinds: dict[str, dict[str, Any]] = {}
    total = _empty_sums()
    for kind, entry, method, amount, count in store.sql(
            "SELECT coalesce(resource_kind, ''), entry, method, sum(amount_fen), count(*) FROM payment "
            "WHERE at >= :start AND at < :end GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", start=start, end=end):
        _add(kinds.setdefault(kind, _empty_sums()), entry, method, amount, count)
        _add(total, entry, method, amount, count)
    closed = store.sql("SELECT closed_at, closed_by FROM ledger_month WHERE month = :month", month=month).fetchone()
    percent = fund_percent(store)
    fund = total["income_fen"] * percent // 100
    return Statement(month, closed is not None, closed[0] if closed else None, closed[1] if closed else None,
                     [KindSums(**sums, kind=kind or None, name=tr(f"kind_{kind}") if kind else tr("ledger_kind_other"))
                      for kind, sums in sorted(kinds.items())],
                     Sums(**total), percent, fund)


def entries(store: Store, month: str) -> list[Payment]:
    start, end = _month_bounds(parse_month(month))
    return _rows(store, "at >= :start AND at < :end", start=start, end=end)


@dataclass(frozen=True)
class MethodLine:
    """A clerk's entries by one method in the shift: how many, what came in, what went back, the net."""

    count: int
    in_fen: int
    out_fen: int
    net_fen: int

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "in_fen": self.in_fen, "out_fen": self.out_fen, "net_fen": self.net_fen}


@dataclass(frozen=True)
class ClerkShift:
    """One clerk's shift: a line per method (every method, used or not), the cash to hand over, the income."""

    clerk: str
    methods: dict[str, MethodLine]

    @property
    def cash_fen(self) -> int:
        return self.methods["cash"].net_fen

    @property
    def income_fen(self) -> int:
        return sum(self.methods[m].net_fen for m in MONEY_METHODS)

    def to_json(self) -> dict[str, Any]:
        return {"clerk": self.clerk, "methods": {m: line.to_json() for m, line in self.methods.items()},
                "cash_fen": self.cash_fen, "cash": yuan_text(self.cash_fen),
                "income_fen": self.income_fen, "income": yuan_text(self.income_fen)}


@dataclass(frozen=True)
class ShiftReport:
    """What each clerk took and paid back in [start, end) (minute texts), and the entries themselves."""

    start: str
    end: str
    clerk: str | None  # the clerk asked for, or None for every clerk
    clerks: list[ClerkShift]
    entries: list[Payment]

    @property
    def cash_fen(self) -> int:
        return sum(c.cash_fen for c in self.clerks)

    @property
    def income_fen(self) -> int:
        return sum(c.income_fen for c in self.clerks)

    def to_json(self) -> dict[str, Any]:
        return {"from": self.start, "to": self.end, "clerk": self.clerk, "clerks": [c.to_json() for c in self.clerks],
                "cash_fen": self.cash_fen, "cash": yuan_text(self.cash_fen),
                "income_fen": self.income_fen, "income": yuan_text(self.income_fen),
                "entries": [p.to_json() for p in self.entries]}


def shift_report(store: Store, start: datetime, end: datetime, clerk: str | None = None) -> ShiftReport:
    """What each clerk took and paid back in [start, end), by method: the cash to hand over."""
    sql = "at >= :start AND at < :end"
    if clerk:
        sql += " AND clerk = :clerk"
    found = _rows(store, sql, start=clock.to_text(start), end=clock.to_text(end), clerk=clerk)
    clerks: dict[str, dict[str, Any]] = {}
    for payment in found:
        sums = clerks.setdefault(payment.clerk, {m: {"count": 0, "in_fen": 0, "out_fen": 0, "net_fen": 0}
                                                 for m in METHODS})
        line = sums[payment.method]
        line["count"] += 1
        line["in_fen" if payment.amount_fen > 0 else "out_fen"] += payment.amount_fen
        line["net_fen"] += payment.amount_fen
    out = [ClerkShift(name, {m: MethodLine(**line) for m, line in sums.items()})
           for name, sums in sorted(clerks.items())]
    return ShiftReport(clock.to_text(start), clock.to_text(end), clerk, out, found)


CSV_COLUMNS = ("receipt", "at", "clerk", "entry", "method", "booking", "kind", "amount", "reason", "corrects")


@dataclass(frozen=True)
class LedgerCsv:
    """A month's entries written as CSV: where, how many rows, and their sum."""

    path: str
    rows: int
    total_fen: int

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "rows": self.rows, "total_fen": self.total_fen}


def export_csv(store: Store, month: str, path: str | Path, *, actor: Actor) -> LedgerCsv:
    """The month's entries as CSV that Excel opens in Chinese (UTF-8 with a BOM); an admin's, as
    the monthly statement is (a clerk's own takings are in the shift report)."""
    if not actor.is_admin:
        raise DeskError("forbidden", "ledger_csv_admin")
    rows = entries(store, month)
    target = Path(path)
    try:
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([tr(f"ledger_csv_{c}") for c in CSV_COLUMNS])
            for p in rows:
                # The clerk's name and the reason are typed text: csv_cell keeps '=...' from running in Excel.
                writer.writerow([p.receipt_no, p.at, csv_cell(p.clerk), tr(f"ledger_entry_{p.entry}"),
                                 tr(f"ledger_method_{p.method}"), p.booking_id or "",
                                 tr(f"kind_{p.resource_kind}") if p.resource_kind else "",
                                 yuan_text(p.amount_fen), csv_cell(p.reason or ""), p.corrects or ""])
    except OSError as exc:
        if target.exists() and files.held_open(exc):  # open in Excel (Windows)
            raise files.in_use_error(target) from exc
        raise DeskError("store", "ledger_csv_cannot_write", path=str(target), detail=exc.strerror or str(exc)) from exc
    return LedgerCsv(str(target), len(rows), sum(p.amount_fen for p in rows))


@dataclass(frozen=True)
class ReceiptItem:
    """One line of a receipt: the booking it pays for, in words, and its amount."""

    text: str
    amount_fen: int

    @property
    def amount(self) -> str:
        return yuan_text(self.amount_fen)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "amount_fen": self.amount_fen, "amount": self.amount}


@dataclass(frozen=True)
class Receipt:
    """A receipt as data for printing: number, date, payer (masked), items, amount in figures and words.

    The texts (title, entry_text, method_text, the items') are in the language it was made in."""

    title: str
    number: str
    at: str
    payer: str | None
    household: str | None
    items: list[ReceiptItem]
    entry: str
    entry_text: str
    method: str
    method_text: str
    amount_fen: int
    amount_words: str
    reason: str | None
    clerk: str

    @property
    def date(self) -> str:
        return self.at[:10]

    @property
    def amount(self) -> str:
        return yuan_text(self.amount_fen)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "number": self.number, "date": self.date, "at": self.at, "payer": self.payer,
                "household": self.household, "items": [item.to_json() for item in self.items],
                "entry": self.entry, "entry_text": self.entry_text, "method": self.method,
                "method_text": self.method_text, "amount_fen": self.amount_fen, "amount": self.amount,
                "amount_words": self.amount_words, "reason": self.reason, "clerk": self.clerk}


def receipt(store: Store, payment_id: int) -> Receipt:
    """A receipt as data for printing: number, date, payer (masked), items, amount in figures and words."""
    payment = get(store, payment_id)
    items, payer, household = [], None, None
    if payment.booking_id is not None:
        booking = bookings.get(store, payment.booking_id)
        payer, household = mask_name(booking.resident_name), booking.door
        items.append(ReceiptItem(tr("ledger_receipt_item", resource=booking.resource_name,
                                    start=clock.to_text(booking.start), end=clock.to_text(booking.end)[-5:]
                                    if booking.start.date() == booking.end.date() else clock.to_text(booking.end),
                                    id=booking.id), payment.amount_fen))
    return Receipt(tr("ledger_receipt_title"), payment.receipt_no, payment.at, payer, household, items,
                   payment.entry, tr(f"ledger_entry_{payment.entry}"), payment.method,
                   tr(f"ledger_method_{payment.method}"), payment.amount_fen, yuan_words(payment.amount_fen),
                   payment.reason, payment.clerk)
