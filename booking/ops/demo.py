"""A store full of believable history, for trying the program and for benchmarks.

Households of the merged courtyard (36 building units), residents with phones
and plates, and for every day of the period: an overnight and often a morning and an
afternoon booking on most parking spaces (about 2.3 a space a day, ~950,000
bookings in ten years), room bookings by the volunteer teams (some as
weekly series), with completed, cancelled and no-show outcomes in the past and
open bookings in the coming days. Bookings are made non-overlapping by
construction and written in bulk; the store's triggers still check every one.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from booking.ops.serverbackup import on_server, server_of
from booking.store import audit, clock
from booking.store.audit import Actor
from booking.store.errors import DeskError, invalid
from booking.store.connection import Store
from booking.store.validation import normalize_plate
from booking.store.rowids import inserted_id

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰小红德明淑珍凤英春梅海燕文"
TEAMS = ["党员先锋志愿队", "邻里互助队", "银龄关爱队", "环境美化队", "社区舞蹈队", "书法兴趣小组", "家庭医生义诊"]
PURPOSES = ["志愿者例会", "老年人健康讲座", "亲子阅读", "邻里议事会", "广场舞排练", "书法练习", "义诊"]
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
CITY = "ABCDEFGHJKLMNQRSTUVWXYZ"
ACTOR = Actor("演示数据", "admin")
MAX_YEARS = 50


def _plate(rng: random.Random) -> str:
    if rng.random() < 0.2:  # new-energy, small car
        text = "川" + rng.choice(CITY) + rng.choice("DF") + rng.choice(LETTERS + "0123456789") + \
            "".join(rng.choice("0123456789") for _ in range(4))
    else:
        text = "川" + rng.choice(CITY) + "".join(rng.choice(LETTERS + "0123456789" * 3) for _ in range(5))
    return normalize_plate(text)


def _phone(rng: random.Random) -> str:
    return rng.choice(["13", "15", "18", "17", "19"]) + "".join(rng.choice("0123456789") for _ in range(9))


def _people(store: Store, rng: random.Random, *, now: datetime) -> list[tuple[int, int, str | None]]:
    """Make 410 households of the shared compound; returns (household, resident, plate) of drivers."""
    stamp = clock.to_stamp(now)
    drivers: list[tuple[int, int, str | None]] = []
    everyone: list[tuple[int, int, str | None]] = []
    plates: set[str] = set(r[0] for r in store.conn.execute("SELECT plate FROM vehicle"))
    unit_count = 0
    for building in range(1, 19):
        for unit in (1, 2):
            unit_count += 1
            if unit_count > 36:
                break
            for floor in range(1, 7):
                for room in (1, 2):
                    door = f"{building}栋{unit}单元{floor}{room:02d}"
                    if store.conn.execute("SELECT 1 FROM household WHERE door = ?", (door,)).fetchone():
                        continue
                    hid = inserted_id(store.conn.execute(
                        "INSERT INTO household(door, building, unit, room, created_at) VALUES (?,?,?,?,?)",
                        (door, building, unit, floor * 100 + room, stamp)))
                    for _ in range(rng.choice((1, 2, 2, 3))):
                        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
                        phone = _phone(rng)
                        rid = inserted_id(store.conn.execute(
                            "INSERT INTO resident(household_id, name, phone, phone_tail, active, created_at) "
                            "VALUES (?,?,?,?,1,?)", (hid, name, phone, phone[-4:], stamp)))
                        everyone.append((hid, rid, None))
                        if rng.random() < 0.45:
                            plate = _plate(rng)
                            if plate in plates:
                                continue
                            plates.add(plate)
                            store.conn.execute(
                                "INSERT INTO vehicle(plate, household_id, resident_id, created_at) VALUES (?,?,?,?)",
                                (plate, hid, rid, stamp))
                            drivers.append((hid, rid, plate))
    if not everyone:  # every door is there from an earlier run: book for the people who live there
        drivers = [tuple(row) for row in store.conn.execute(
            "SELECT household_id, resident_id, plate FROM vehicle WHERE resident_id IS NOT NULL ORDER BY plate")]
        everyone = [(row[0], row[1], None) for row in store.conn.execute(
            "SELECT household_id, id FROM resident WHERE active = 1 ORDER BY id")]
    return drivers or everyone


def _outcome(rng: random.Random, start: datetime, end: datetime, now: datetime) -> tuple[str, Any, Any, Any]:
    """(status, checked_in_at, checked_out_at, overstay) for a booking as of `now`."""
    roll = rng.random()
    if roll < 0.05:
        return "cancelled", None, None, None
    if start > now:
        return "booked", None, None, None
    if roll < 0.08 and start + timedelta(minutes=30) < now:
        return "no_show", None, None, None
    checked_in = start + timedelta(minutes=rng.randint(-10, 25))
    if end > now:
        return ("checked_in", checked_in.strftime("%Y-%m-%d %H:%M:%S"), None, None) if checked_in <= now \
            else ("booked", None, None, None)
    over = rng.random() < 0.06
    checked_out = end + timedelta(minutes=rng.randint(5, 90)) if over else end - timedelta(minutes=rng.randint(0, 40))
    overstay = clock.minutes(end, checked_out) if over else None
    return "completed", checked_in.strftime("%Y-%m-%d %H:%M:%S"), checked_out.strftime("%Y-%m-%d %H:%M:%S"), overstay


def fill(store: Store, years: float, now: datetime, seed: int = 20201022,
         progress: Callable[[int, int], bool | None] | None = None, days_ahead: int = 14) -> dict[str, Any]:
    """Fill `store` with `years` of history up to `now` (plus days_ahead of future bookings).

    `progress(done, total)` (in days) is told after each chunk of days, each its own write;
    answering False stops before the next chunk, keeping what was written ("cancelled": True).
    """
    if not 0 <= years <= MAX_YEARS:  # also refuses NaN; infinity or 1e300 years cannot be dated
        raise invalid("demo_years", field="years", limit=MAX_YEARS)
    if on_server(store):  # its bulk writes go through the file's sqlite3 connection: made in a file, copied over
        raise DeskError("store", "demo_server_store", url=server_of(store).server.shown())
    rng = random.Random(seed)
    spaces = store.conn.execute(
        "SELECT id, visitor FROM resource WHERE kind = 'parking' AND enabled = 1 ORDER BY sort").fetchall()
    rooms = [r[0] for r in store.conn.execute(
        "SELECT id FROM resource WHERE kind = 'room' AND enabled = 1 ORDER BY sort")]
    first_day = (now - timedelta(days=int(years * 365))).date()
    days = (now.date() - first_day).days + days_ahead
    with store.write():
        drivers = _people(store, rng, now=now)
        # Begin after every booking already in the store, so history never overlaps it.
        latest = store.conn.execute("SELECT max(end_at) FROM booking").fetchone()[0]
        if latest:
            first_day = max(first_day, clock.from_text(latest).date() + timedelta(days=1))
            days = (now.date() - first_day).days + days_ahead
        series_ids = []
        for team_index, room in enumerate(rooms):  # each team meets weekly in one room
            sid = inserted_id(store.conn.execute(
                "INSERT INTO series(resource_id, household_id, resident_id, rrule, first_start, minutes, created_at, "
                "created_by) VALUES (?,?,?,?,?,?,?,?)",
                (room, drivers[team_index][0], drivers[team_index][1],
                 f"FREQ=WEEKLY;BYDAY={'MO TU WE TH FR SA SU'.split()[team_index % 7]};COUNT=9999",
                 f"{first_day} 14:00", 120, clock.to_stamp(now), ACTOR.name)))
            series_ids.append(sid)
    total_written = 0
    stamp = clock.to_stamp(now)
    sql = ("INSERT INTO booking(resource_id, household_id, resident_id, plate, start_at, end_at, status, series_id, "
           "visitor, purpose, pass_rev, checked_in_at, checked_out_at, overstay_minutes, created_at, created_by, "
           "cancelled_at, cancelled_by) VALUES (?,?,?,?,?,?,?,?,?,?,1,?,?,?,?,?,?,?)")
    chunk = 60
    cancelled = False
    for chunk_start in range(0, days, chunk):
        rows = []
        for offset in range(chunk_start, min(days, chunk_start + chunk)):
            day = first_day + timedelta(days=offset)
            midnight = datetime(day.year, day.month, day.day)
            for space_id, visitor in spaces:
                # overnight: starts 18:30–20:30, ends next morning 06:30–08:00
                if rng.random() < 0.9:
                    s = midnight + timedelta(minutes=rng.randrange(18 * 60 + 30, 20 * 60 + 31, 30))
                    e = midnight + timedelta(days=1, minutes=rng.randrange(6 * 60 + 30, 8 * 60 + 1, 30))
                    rows.append(_row(rng, space_id, drivers, s, e, now, visitor, None, None, stamp))
                if rng.random() < 0.7:  # morning, 08:00–12:00
                    s = midnight + timedelta(minutes=rng.randrange(8 * 60, 10 * 60 + 1, 30))
                    e = s + timedelta(minutes=rng.randrange(60, 120 + 1, 30))
                    rows.append(_row(rng, space_id, drivers, s, e, now, visitor, None, None, stamp))
                if rng.random() < 0.7:  # afternoon, 12:30–18:30
                    s = midnight + timedelta(minutes=rng.randrange(12 * 60 + 30, 15 * 60 + 1, 30))
                    e = s + timedelta(minutes=rng.randrange(60, 180 + 1, 30))
                    rows.append(_row(rng, space_id, drivers, s, e, now, visitor, None, None, stamp))
            for index, room in enumerate(rooms):
                if day.weekday() == index % 7:  # the team's weekly meeting, part of its series
                    s = midnight + timedelta(hours=14)
                    rows.append(_row(rng, room, drivers, s, s + timedelta(hours=2), now, False,
                                     series_ids[index], PURPOSES[index % len(PURPOSES)], stamp))
                for hour in (9, 19):
                    if rng.random() < 0.35:
                        s = midnight + timedelta(hours=hour)
                        rows.append(_row(rng, room, drivers, s, s + timedelta(hours=rng.choice((1, 2))), now,
                                         False, None, rng.choice(PURPOSES), stamp))
        with store.write():
            store.conn.executemany(sql, rows)
        total_written += len(rows)
        if progress and progress(min(days, chunk_start + chunk), days) is False:
            cancelled = True
            break
    with store.write():
        audit.record(store, ACTOR, "demo", "booking", None,
                     after={"years": years, "bookings": total_written, "households": len({d[0] for d in drivers}),
                            "cancelled": cancelled}, at=now)
    return {"bookings": total_written, "days": days, "from": first_day.isoformat(),
            "drivers": len(drivers), "cancelled": cancelled}


def _row(rng: random.Random, resource_id: int, drivers: list[tuple[int, int, str | None]], start: datetime,
         end: datetime, now: datetime, visitor: bool, series_id: int | None, purpose: str | None,
         stamp: str) -> tuple[Any, ...]:
    household, resident, plate = drivers[rng.randrange(len(drivers))]
    status, cin, cout, over = _outcome(rng, start, end, now)
    return (resource_id, household, resident, plate if purpose is None else None,
            clock.to_text(start), clock.to_text(end), status, series_id, int(bool(visitor) and rng.random() < 0.5),
            purpose, cin, cout, over, stamp, ACTOR.name,
            stamp if status == "cancelled" else None, ACTOR.name if status == "cancelled" else None)
