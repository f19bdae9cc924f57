"""Security: no forged, altered, replayed or foreign pass is ever accepted; the audit log cannot
be changed from the program; a clerk cannot reach an admin action from the commands.

Passwords are never stored in clear: see tests/booking/people/test_clerks.py
(test_the_password_is_never_in_the_store_file, test_the_audit_log_names_the_admin_and_keeps_no_password);
here only the command line's part is added (a password typed there reaches no file).
"""
from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import sqlite3
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from booking import cli
from booking.checkin import passcode, passes, scanning
from booking.ops import backup, setup
from booking.people import clerks, residents
from booking.places import closures, stations
from booking.schedule import bookings
from booking.store.audit import Actor
from booking.schedule.bookings import Request
from tests.conftest import TWO_ENGINES

pytestmark = TWO_ENGINES  # every test here that uses `store` runs on the SQLite file and on the PostgreSQL server

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 24, 10, 0)
ADMIN = Actor("管理员甲", "admin")
CLERK = Actor("值班员乙", "clerk")
CAMPAIGN = 20_000


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


# --- passes --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A desk with live, reissued, cancelled and used bookings; and another installation's key."""
    store = setup.open_ready(tmp_path_factory.mktemp("desk") / "desk.sqlite3", now=NOW)
    zhang = residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    li = residents.add(store, ADMIN, "李四", "5栋1单元302", "13987654321", "川AD12345", now=NOW)
    live = [bookings.book(store, ADMIN, Request(f"P00{n}", at("2026-11-24 19:00"), at("2026-11-25 07:30"),
                                                (zhang if n % 2 else li).id), NOW) for n in range(1, 5)]
    reissued = live[0]
    old_passes = [passes.pass_text(store, reissued.id)]
    for _ in range(2):  # two lost passes: revisions 1 and 2 are revoked, 3 is current
        old_passes.append(passes.reissue(store, ADMIN, reissued.id, "通行证丢失", now=NOW))
    current = old_passes.pop()
    cancelled = bookings.book(store, ADMIN, Request("R01", at("2026-11-26 14:00"), at("2026-11-26 16:00"), li.id), NOW)
    cancelled_pass = passes.pass_text(store, cancelled.id)
    bookings.cancel(store, ADMIN, cancelled.id, now=NOW)
    used = bookings.book(store, ADMIN, Request("P009", at("2026-11-24 10:00"), at("2026-11-24 11:00"), zhang.id),
                         at("2026-11-24 09:00"))
    used_pass = passes.pass_text(store, used.id)
    scanning.scan(store, CLERK, used_pass, stations.DESK, now=at("2026-11-24 10:01"))
    scanning.scan(store, CLERK, used_pass, stations.DESK, now=at("2026-11-24 10:50"))
    other = setup.open_ready(tmp_path_factory.mktemp("other") / "other.sqlite3", now=NOW)  # another community's desk
    foreign_secret = passes.secret_for(other, passes.ensure_key(other, now=NOW))
    other.close()
    kid = passes.ensure_key(store, now=NOW)
    yield {"store": store, "kid": kid, "secret": passes.secret_for(store, kid), "foreign": foreign_secret,
           "live": {b.id: passes.pass_text(store, b.id) for b in live}, "revoked": old_passes,
           "reissued": reissued.id, "current": current, "spent": [cancelled_pass, used_pass]}
    store.close()


def with_damm(body: str) -> str:
    """A text whose check digit is right: past the 'unreadable' test, on to the signature."""
    return body + passcode.damm_digit(body)


def forgeries(desk: dict[str, Any], rng: random.Random) -> list[tuple[str, str]]:
    """(kind, text) for the whole campaign: every way a pass can be made or changed by someone
    without this desk's secret, and every pass that was genuine once but is no longer valid."""
    ids = sorted(desk["live"])
    genuine = list(desk["live"].values())
    nonces = {b: passes.nonce_of(desk["store"], b) for b in ids}
    out: list[tuple[str, str]] = []
    mac_at = passcode.PASS_LENGTH_V2 - 1 - passcode.MAC_DIGITS  # where the MAC of a version 2 pass starts

    def payload(kid: int, booking: int, rev: int, nonce: int) -> str:
        return f"2{kid:02d}{booking:09d}{nonce:09d}{rev:03d}"

    for _ in range(5000):  # the right fields, a made-up signature
        booking = rng.choice(ids)
        out.append(("made-up MAC", with_damm(payload(desk["kid"], booking, 1, nonces[booking])
                                             + f"{rng.randrange(10**29):029d}")))
    for _ in range(4000):  # a genuine pass with its booking, nonce, revision or key id changed
        fields = passcode.parse_pass(rng.choice(genuine))
        kid, booking, rev, nonce, mac = fields.key_id, fields.booking_id, fields.revision, fields.nonce, fields.mac
        field = rng.randrange(4)
        if field == 0:
            booking = rng.choice([b for b in ids if b != booking] + [rng.randrange(1, 10**9)])
        elif field == 1:
            rev = rng.choice([r for r in range(0, 6) if r != rev])
        elif field == 2:
            nonce = rng.choice([n for n in nonces.values() if n != nonce] + [rng.randrange(10**9)])
        else:
            kid = rng.choice([k for k in range(100) if k != kid])
        out.append(("altered fields", with_damm(payload(kid, booking, rev, nonce) + mac)))
    for _ in range(3000):  # a genuine pass with digits of its signature changed
        text = list(rng.choice(genuine)[:-1])
        for i in rng.sample(range(mac_at, len(text)), rng.randint(1, 3)):
            text[i] = str((int(text[i]) + rng.randint(1, 9)) % 10)
        out.append(("altered MAC", with_damm("".join(text))))
    for _ in range(3000):  # signed properly, but with another installation's secret
        booking = rng.choice(ids)
        out.append(("foreign key", passcode.make_pass(desk["kid"], desk["foreign"], booking,
                                                      rng.randint(1, 4), nonces[booking])))
    for _ in range(1000):  # a key id this desk never had, or a revision it never issued, made up
        booking = rng.choice(ids)
        out.append(("unknown key", passcode.make_pass(rng.randint(2, 99), desk["foreign"], booking, 1,
                                                      nonces[booking])))
    for _ in range(2000):  # genuine once: revoked by a reissue (rolled-back revision), cancelled, used up
        out.append(("replayed", rng.choice(desk["revoked"] + desk["spent"])))
    for _ in range(2000):  # anything at all
        length = rng.choice([44, 45, 46, 53, 54, 55, rng.randint(0, 120)])
        out.append(("noise", "".join(rng.choice("0123456789０１２ \t]Q1-汉") for _ in range(length))))
    assert len(out) == CAMPAIGN
    return out


def test_a_campaign_of_20000_forged_altered_foreign_and_replayed_passes_gets_none_accepted(desk):
    rng = random.Random(20261124)
    attempts = forgeries(desk, rng)
    moment = at("2026-11-24 19:10")  # every live booking's check-in is open: only the pass can stop it
    reasons: dict[str, Counter] = {}
    started = time.perf_counter()
    accepted = []
    for kind, text in attempts:
        if text in desk["live"].values() or text == desk["current"]:
            continue  # a random change that happens to give back a genuine pass (never seen, but possible)
        verdict = scanning.verify(text, desk["store"], moment, stations.DESK)
        reasons.setdefault(kind, Counter())[verdict.reason_key] += 1
        if verdict.ok:
            accepted.append((kind, text))
        if kind not in ("replayed", "noise"):
            assert verdict.booking is None, (kind, text)  # a forgery learns nothing about any booking
    elapsed = time.perf_counter() - started
    print(f"\n{len(attempts)} passes in {elapsed:.2f} s ({elapsed / len(attempts) * 1e3:.3f} ms each); "
          + "; ".join(f"{kind}: {dict(c)}" for kind, c in reasons.items()))
    assert accepted == []
    assert set(reasons["made-up MAC"]) == {"scan_forged"}
    assert set(reasons["altered MAC"]) == {"scan_forged"}
    assert set(reasons["foreign key"]) == {"scan_forged"}
    assert set(reasons["unknown key"]) == {"scan_unknown_key"}
    assert set(reasons["altered fields"]) <= {"scan_forged", "scan_unknown_key"}
    assert set(reasons["replayed"]) == {"scan_replaced", "scan_cancelled", "scan_already_used"}


def test_the_genuine_passes_of_the_same_campaign_are_accepted(desk):
    moment = at("2026-11-24 19:10")
    for booking_id, text in desk["live"].items():
        verdict = scanning.verify(text, desk["store"], moment, stations.DESK)
        assert verdict.ok and verdict.booking.id == booking_id


def test_a_revoked_pass_is_refused_as_replaced_naming_both_revisions(desk):
    for revision, text in enumerate(desk["revoked"], start=1):
        verdict = scanning.verify(text, desk["store"], at("2026-11-24 19:10"), stations.DESK)
        assert verdict.reason_key == "scan_replaced"
        assert verdict.reason == f"该通行证已被新的通行证取代（第 {revision} 版，现为第 3 版），请使用最新的通行证。"


def test_scanning_forgeries_records_each_refusal_and_changes_no_booking(desk, tmp_path):
    path = tmp_path / "copy.sqlite3"
    desk["store"].conn.execute("VACUUM INTO ?", (str(path),))
    store = setup.open_ready(path, now=NOW)
    statuses = store.conn.execute("SELECT id, status, pass_rev FROM booking ORDER BY id").fetchall()
    sample = forgeries(desk, random.Random(7))[::40]  # 500, spread over every kind
    for n, (_kind, text) in enumerate(sample):
        verdict = scanning.scan(store, CLERK, text, stations.DESK,
                                now=at("2026-11-24 19:10") + timedelta(seconds=5 * n))
        assert not verdict.ok and verdict.action is None
    assert store.conn.execute("SELECT id, status, pass_rev FROM booking ORDER BY id").fetchall() == statuses
    recorded = store.conn.execute("SELECT count(*), sum(ok) FROM scan WHERE at >= '2026-11-24 19:10'").fetchone()
    assert recorded == (len(sample), 0)
    store.close()


def test_a_retired_key_stops_its_passes_and_a_rotated_one_keeps_them(desk, tmp_path):
    path = tmp_path / "copy.sqlite3"
    desk["store"].conn.execute("VACUUM INTO ?", (str(path),))
    store = setup.open_ready(path, now=NOW)
    text = next(iter(desk["live"].values()))
    passes.rotate_key(store, ADMIN, now=NOW)
    assert scanning.verify(text, store, at("2026-11-24 19:10")).ok
    passes.rotate_key(store, ADMIN, retire_old=True, now=NOW)
    assert scanning.verify(text, store, at("2026-11-24 19:10")).reason_key == "scan_unknown_key"
    store.close()


# --- the audit log and the scan record --------------------------------------------------------------

def test_the_store_refuses_to_change_or_delete_an_audit_entry_or_a_scan(desk):
    conn = desk["store"].conn
    for sql in ("UPDATE audit SET actor = 'nobody'", "DELETE FROM audit WHERE id = 1",
                "UPDATE scan SET ok = 1", "DELETE FROM scan"):
        with pytest.raises(sqlite3.IntegrityError, match="append_only"):
            conn.execute(sql)
        conn.rollback()


#: SQL that changes or removes rows or the guards of the append-only tables.
CHANGES = re.compile(r"\b(?:UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|DROP\s+TABLE(?:\s+IF\s+EXISTS)?|ALTER\s+TABLE|"
                     r"REPLACE\s+INTO|INSERT\s+OR\s+REPLACE\s+INTO)\s+[\"'`\[]?(audit|scan)\b", re.IGNORECASE)
DROPS_GUARD = re.compile(r"\bDROP\s+TRIGGER\b[^\n]*\b(audit|scan)_no_", re.IGNORECASE)
#: sqlite-utils' table methods that rewrite or remove rows, on either table.
_REWRITES = r"\s*\.\s*(update|upsert|delete|delete_where|drop|transform)\b"
TABLE_API = re.compile(r"""\[\s*["'](audit|scan)["']\s*\]""" + _REWRITES + "|"
                       r"""table\(\s*["'](audit|scan)["']\s*\)""" + _REWRITES)


def program_sources() -> list[Path]:
    return sorted([ROOT / "app.py", *(ROOT / "booking").rglob("*.py"), *(ROOT / "ui").rglob("*.py")])


def test_no_part_of_the_program_updates_or_deletes_audit_entries_or_scans():
    offenders = []
    for source in program_sources():
        text = source.read_text(encoding="utf-8")
        for pattern in (CHANGES, DROPS_GUARD, TABLE_API):
            offenders += [f"{source.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []


def test_the_grep_would_see_such_a_statement():
    samples = ['conn.execute("UPDATE audit SET reason = ?")', "DELETE  FROM scan WHERE id = 1",
               "drop table if exists audit", 'db["scan"].delete_where("ok = 0")', "DROP TRIGGER audit_no_update",
               "INSERT OR REPLACE INTO audit VALUES", 'db.table("audit").update(1, {})']
    assert all(CHANGES.search(s) or DROPS_GUARD.search(s) or TABLE_API.search(s) for s in samples)
    assert not CHANGES.search('"UPDATE booking SET status = ?"') and not CHANGES.search("DELETE FROM scanner")


def test_whatever_the_desk_does_the_earlier_audit_entries_stay_exactly_as_they_were(desk, tmp_path):
    path = tmp_path / "copy.sqlite3"
    desk["store"].conn.execute("VACUUM INTO ?", (str(path),))
    store = setup.open_ready(path, now=NOW)
    before = store.conn.execute("SELECT * FROM audit ORDER BY id").fetchall()
    live = sorted(desk["live"])
    bookings.cancel(store, CLERK, live[1], reason="住户来电", now=NOW)
    passes.reissue(store, CLERK, live[2], "通行证丢失", now=NOW)
    scanning.scan(store, CLERK, passes.pass_text(store, live[3]), stations.DESK, now=at("2026-11-24 19:05"))
    scanning.manual(store, CLERK, live[3], "扫码枪故障", now=at("2026-11-25 07:00"))
    passes.rotate_key(store, ADMIN, retire_old=True, now=NOW)
    closures.add(store, ADMIN, "*", at("2026-12-01 00:00"), at("2026-12-02 00:00"), "全院停电检修", now=NOW)
    after = store.conn.execute("SELECT * FROM audit ORDER BY id").fetchall()
    assert after[:len(before)] == before and len(after) > len(before) + 5
    store.close()


# --- a clerk and the admin commands ----------------------------------------------------------------

BOSS, BOSS_PASSWORD = "王主任", "admin-pass-1"
CLERK_NAME, CLERK_PASSWORD = "小李", "zhiban-2026!"


@pytest.fixture(scope="module", autouse=True)
def _cheap_password_hashes():
    """The accounts here hash and check their passwords at a low scrypt cost: about 150 commands
    each check one (at the production cost, 50 ms of CPU each). What is tested here is who may
    do what, not the hash's strength; the production parameters (n=2**14, r=8, p=1) are asserted
    in tests/booking/people/test_clerks.py, test_the_hash_is_stored_with_its_function_and_parameters."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clerks, "KDF_PARAMS", {**clerks.KDF_PARAMS, "n": 2 ** 4})
        yield


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A store with accounts (an admin, two clerks), a closure, a station and a backup to restore."""
    folder = tmp_path_factory.mktemp("office")
    store = setup.open_ready(folder / "desk.sqlite3", now=NOW)
    boss = clerks.create_first_admin(store, BOSS, BOSS_PASSWORD, now=NOW)
    clerks.add(store, boss, CLERK_NAME, "clerk", CLERK_PASSWORD, now=NOW)
    clerks.add(store, boss, "小张", "clerk", "zhiban-2027!", now=NOW)
    zhang = residents.add(store, boss, "张三丰", "3栋2单元501", "13812345678", "川A12345", now=NOW)
    bookings.book(store, boss, Request("P001", at("2026-11-24 19:00"), at("2026-11-25 07:30"), zhang.id), NOW)
    closures.add(store, boss, "res:P050", at("2026-12-01 08:00"), at("2026-12-01 12:00"), "划线施工", now=NOW)
    stations.add(store, boss, "东门", kinds=["parking"], now=NOW)
    backup.backup(store, folder / "backup.sqlite3")
    store.close()
    return {"store": folder / "desk.sqlite3", "backup": folder / "backup.sqlite3"}


def admin_commands(folder: Path, backup_file: Path) -> dict[str, list[str]]:
    """Every admin action the commands offer, with arguments an admin gets a 'done' for."""
    return {
        "resource add": ["resource", "add", "P111", "--kind", "parking", "--name-zh", "共享车位 P111"],
        "resource rename": ["resource", "rename", "P001", "--name-zh", "东门车位"],
        "resource disable": ["resource", "disable", "P002"],
        "resource enable": ["resource", "enable", "P003"],
        "rule set": ["rule", "set", "kind:parking", "grace_minutes", "20"],
        "closure add": ["closure", "add", "--scope", "res:P001", "--start", "2026-12-02 08:00",
                        "--end", "2026-12-02 12:00", "--reason", "划线施工"],
        "closure remove": ["closure", "remove", "1"],
        "clerk add": ["clerk", "add", "小王", "--password", "xinmima-2026"],
        "clerk list": ["clerk", "list"],
        "clerk passwd (another's)": ["clerk", "passwd", "小张", "--password", "xinmima-2026"],
        "clerk disable": ["clerk", "disable", "小张"],
        "clerk enable": ["clerk", "enable", "小张"],
        "station add": ["station", "add", "北门", "--kind", "parking"],
        "station remove": ["station", "remove", "东门"],
        "key rotate": ["key", "rotate", "--retire-old"],
        "credits rate": ["credits", "rate", "2.00"],
        "waitlist offer-time": ["waitlist", "offer-time", "45"],
        "tariff set": ["tariff", "set", "kind:parking", "visitor", "--bands", "07:30-19:00=3.00,19:00-07:30=1.00"],
        "restriction lift": ["restriction", "lift", "--door", "3栋2单元501", "--reason", "住户已说明情况"],
        "ledger --close": ["ledger", "--month", "2026-10", "--close"],
        "export --unmasked": ["export", "--from", "2026-11-01", "--to", "2026-11-30", "--csv",
                              str(folder / "everyone.csv"), "--unmasked", "--reason", "派出所协查"],
        "book --override": ["book", "--resource", "P005", "--start", "2026-11-25 08:00", "--end", "2026-11-29 08:00",
                            "--resident", "1", "--override", "社区活动用车"],
        "restore": ["restore", "--from", str(backup_file)],
        "audit": ["audit"],
        "demo": ["demo", "--years", "0.01"],
    }


WHO = {
    "signed-in clerk": (["--user", CLERK_NAME], CLERK_PASSWORD),
    "nobody signed in": ([], None),
    "the admin's name, no password": (["--user", BOSS], None),
    "the admin's name, a wrong password": (["--user", BOSS], "guessing-2026"),
    "the admin's name, the clerk's password": (["--user", BOSS], CLERK_PASSWORD),
}


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def run_as(store_path: Path, user: list[str], password: str | None, args: list[str],
           monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, Any]]:
    if password is None:
        monkeypatch.delenv("LINLI_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("LINLI_PASSWORD", password)
    out = io.StringIO()
    code = cli.run(["--db", str(store_path), "--now", "2026-11-24 10:00", *user, *args, "--json"], out)
    return code, json.loads(out.getvalue())


def copy_of(office: dict[str, Path], folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    shutil.copyfile(office["store"], folder / "desk.sqlite3")
    return folder / "desk.sqlite3"


@pytest.mark.parametrize("command", list(admin_commands(Path("."), Path("."))))
def test_a_signed_in_admin_gets_each_admin_command_done(office, tmp_path, monkeypatch, command):
    path = copy_of(office, tmp_path / "admin")
    args = admin_commands(tmp_path, office["backup"])[command]
    code, answer = run_as(path, ["--user", BOSS], BOSS_PASSWORD, args, monkeypatch)
    assert code == 0, answer  # so that below, the role is the only reason for a refusal


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize("command", list(admin_commands(Path("."), Path("."))))
def test_anyone_but_a_signed_in_admin_is_refused_every_admin_command_and_nothing_changes(
        office, tmp_path, monkeypatch, command, who):
    path = copy_of(office, tmp_path / "store")
    before = dump(path)
    user, password = WHO[who]
    code, answer = run_as(path, user, password, admin_commands(tmp_path, office["backup"])[command], monkeypatch)
    assert (code, answer["code"]) == (1, "forbidden"), answer
    assert answer["error"].strip()
    assert dump(path) == before
    assert not (tmp_path / "everyone.csv").exists()


def test_a_password_given_on_the_command_line_reaches_no_file(office, tmp_path, monkeypatch):
    path = copy_of(office, tmp_path / "store")
    secret = "xinmima-Секрет-2026"
    run_as(path, ["--user", BOSS], BOSS_PASSWORD, ["clerk", "add", "小王", "--password", secret], monkeypatch)
    run_as(path, ["--user", "小王"], secret, ["list", "--date", "2026-11-24"], monkeypatch)
    run_as(path, ["--user", "小王"], secret + "x", ["list", "--date", "2026-11-24"], monkeypatch)
    for folder in (path.parent, Path(os.environ["LINLI_DATA_DIR"])):
        for file in folder.rglob("*"):
            if file.is_file():
                data = file.read_bytes()
                assert secret.encode("utf-8") not in data and secret.encode("utf-16-le") not in data, file


def test_a_store_that_cannot_be_opened_can_still_be_restored_by_whoever_is_at_the_desk(office, tmp_path, monkeypatch):
    # No account can be checked in a damaged file: this is when a restore is needed most.
    path = copy_of(office, tmp_path / "store")
    path.write_bytes(path.read_bytes()[:40_000])
    code, answer = run_as(path, [], None, ["restore", "--from", str(office["backup"])], monkeypatch)
    assert code == 0, answer
    assert Path(answer["kept_aside"]).stat().st_size == 40_000


# --- exports a spreadsheet opens ---------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x.cn","点")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1+1)"]


@pytest.fixture
def hostile_texts(office, tmp_path) -> Path:
    """A store whose residents' names and bookings' purposes were typed to look like formulas."""
    path = copy_of(office, tmp_path / "store")
    store = setup.open_ready(path, now=NOW)
    boss = clerks.authenticate(store, BOSS, BOSS_PASSWORD, now=NOW)
    for n, text in enumerate(FORMULAS):
        person = residents.add(store, boss, text, f"7栋1单元{101 + n}", f"1370000{n:04d}", now=NOW)
        bookings.book(store, boss, Request("R02", at("2026-11-26 08:00") + timedelta(hours=2 * n),
                                           at("2026-11-26 09:00") + timedelta(hours=2 * n), person.id, purpose=text),
                      NOW)
    store.close()
    return path


def test_an_excel_export_keeps_formula_like_text_as_text(hostile_texts, tmp_path, monkeypatch):
    from openpyxl import load_workbook
    out = tmp_path / "export.xlsx"
    code, answer = run_as(hostile_texts, ["--user", BOSS], BOSS_PASSWORD,
                          ["export", "--from", "2026-11-26", "--to", "2026-11-26", "--xlsx", str(out), "--unmasked",
                           "--reason", "核对"], monkeypatch)
    assert code == 0, answer
    cells = [cell for row in load_workbook(out).active.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells}
    assert set(FORMULAS) <= texts  # verbatim: names (unmasked) and purposes


def test_a_csv_export_keeps_formula_like_text_from_being_run(hostile_texts, tmp_path, monkeypatch):
    import csv
    out = tmp_path / "export.csv"
    code, answer = run_as(hostile_texts, ["--user", BOSS], BOSS_PASSWORD,
                          ["export", "--from", "2026-11-26", "--to", "2026-11-26", "--csv", str(out), "--unmasked",
                           "--reason", "核对"], monkeypatch)
    assert code == 0, answer
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    cells = [cell for row in rows[1:] for cell in row]
    assert [c for c in cells if c[:1] in ("=", "+", "-", "@")] == []
    assert {"'" + f for f in FORMULAS} <= set(cells)  # shown by Excel exactly as typed


def test_the_ledger_csv_keeps_a_formula_like_reason_from_being_run(tmp_path):
    import csv
    from booking.money import ledger
    store = setup.open_ready(tmp_path / "desk.sqlite3", now=NOW)
    person = residents.add(store, ADMIN, "张三丰", "3栋2单元501", "13812345678", now=NOW)
    request = Request("R04", at("2026-11-27 14:00"), at("2026-11-27 16:00"), person.id)
    booking = bookings.book(store, ADMIN, request, NOW)
    ledger.pay(store, Actor("=1+1", "clerk"), booking.id, 500, "waived", NOW, reason="=HYPERLINK(\"http://x.cn\")")
    ledger.export_csv(store, "2026-11", tmp_path / "ledger.csv", actor=ADMIN)
    rows = list(csv.reader((tmp_path / "ledger.csv").open(encoding="utf-8-sig")))
    assert "'=HYPERLINK(\"http://x.cn\")" in rows[1] and "'=1+1" in rows[1]
    store.close()
