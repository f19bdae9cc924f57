"""The store's schema, only as ordered migrations recorded in the file.

A shipped migration is never edited: a change is a new function appended at the
end. `store.open_store` applies the pending ones inside one write transaction
and refuses a store that has migrations this program does not know (it was
written by a newer version).
"""
from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations
from booking.store.rowids import inserted_id

MIGRATIONS = Migrations("linli")
#: the time stamped on the defaults a migration seeds (tariffs): fixed, never the wall clock
DEFAULTS_STAMP = "2000-01-01 00:00:00"

ACTIVE = ("booked", "checked_in")
STATUSES = ("booked", "checked_in", "completed", "cancelled", "no_show")
#: the statuses a booking ends in: nothing moves it on from there
ENDED = tuple(s for s in STATUSES if s not in ACTIVE)


@MIGRATIONS(name="0001_core")
def core(db: Database) -> None:
    db.table("setting").create({"key": str, "value": str}, pk="key", not_null={"value"}, strict=True)
    db.table("resource").create(
        {
            "id": int, "code": str, "kind": str, "name_zh": str, "name_en": str,
            "zone": str, "ev": int, "accessible": int, "visitor": int,
            "capacity": int, "area_m2": float, "enabled": int,
            "longest_minutes": int, "sort": int, "created_at": str,
        },
        pk="id",
        not_null={"code", "kind", "name_zh", "name_en", "enabled", "longest_minutes"},
        defaults={"ev": 0, "accessible": 0, "visitor": 0, "enabled": 1, "longest_minutes": 0, "sort": 0},
        strict=True,
    )
    db.table("resource").create_index(["code"], unique=True)
    db.table("household").create(
        {"id": int, "door": str, "building": int, "unit": int, "room": int, "created_at": str},
        pk="id", not_null={"door", "building", "unit", "room"}, strict=True,
    )
    db.table("household").create_index(["door"], unique=True)
    db.table("resident").create(
        {"id": int, "household_id": int, "name": str, "phone": str, "phone_tail": str,
         "active": int, "created_at": str},
        pk="id", not_null={"household_id", "name", "phone", "phone_tail", "active"},
        defaults={"active": 1},
        foreign_keys=[("household_id", "household", "id")], strict=True,
    )
    db.table("resident").create_index(["phone"])
    db.table("resident").create_index(["phone_tail"])
    db.table("resident").create_index(["household_id"])
    db.table("vehicle").create(
        {"id": int, "plate": str, "household_id": int, "resident_id": int, "created_at": str},
        pk="id", not_null={"plate", "household_id"},
        foreign_keys=[("household_id", "household", "id"), ("resident_id", "resident", "id")],
        strict=True,
    )
    db.table("vehicle").create_index(["plate"], unique=True)
    db.table("vehicle").create_index(["household_id"])
    db.table("series").create(
        {"id": int, "resource_id": int, "household_id": int, "resident_id": int, "plate": str,
         "rrule": str, "first_start": str, "minutes": int, "created_at": str, "created_by": str},
        pk="id", not_null={"resource_id", "household_id", "resident_id", "rrule", "first_start", "minutes"},
        foreign_keys=[("resource_id", "resource", "id"), ("household_id", "household", "id"),
                      ("resident_id", "resident", "id")],
        strict=True,
    )
    db.table("booking").create(
        {
            "id": int, "resource_id": int, "household_id": int, "resident_id": int,
            "plate": str, "start_at": str, "end_at": str, "status": str,
            "series_id": int, "visitor": int, "purpose": str, "pass_rev": int,
            "checked_in_at": str, "checked_out_at": str, "overstay_minutes": int,
            "override_reason": str, "created_at": str, "created_by": str,
            "cancelled_at": str, "cancelled_by": str,
        },
        pk="id",
        not_null={"resource_id", "household_id", "resident_id", "start_at", "end_at", "status",
                  "visitor", "pass_rev"},
        defaults={"status": "booked", "visitor": 0, "pass_rev": 1},
        foreign_keys=[("resource_id", "resource", "id"), ("household_id", "household", "id"),
                      ("resident_id", "resident", "id"), ("series_id", "series", "id")],
        strict=True,
    )
    db.table("booking").create_index(["resource_id", "start_at"])
    db.table("booking").create_index(["start_at"])
    db.table("booking").create_index(["household_id", "start_at"])
    db.table("booking").create_index(["series_id"])
    db.table("rule").create(
        {"id": int, "scope": str, "name": str, "value": str, "updated_at": str},
        pk="id", not_null={"scope", "name", "value"}, strict=True,
    )
    db.table("rule").create_index(["scope", "name"], unique=True)
    db.table("closure").create(
        {"id": int, "scope": str, "start_at": str, "end_at": str, "rrule": str, "until": str,
         "reason": str, "created_at": str},
        pk="id", not_null={"scope", "start_at", "end_at", "reason"}, strict=True,
    )
    db.table("audit").create(
        {"id": int, "at": str, "actor": str, "action": str, "entity": str, "entity_id": str,
         "before": str, "after": str, "reason": str},
        pk="id", not_null={"at", "actor", "action", "entity"}, strict=True,
    )
    db.table("audit").create_index(["entity", "entity_id"])

    # The store itself refuses what must never happen, whatever code path writes.
    db.executescript(
        """
        CREATE TRIGGER booking_valid BEFORE INSERT ON booking
        WHEN NEW.end_at <= NEW.start_at
          OR NEW.status NOT IN ('booked','checked_in','completed','cancelled','no_show')
        BEGIN SELECT RAISE(ABORT, 'booking_invalid'); END;

        CREATE TRIGGER booking_valid_update BEFORE UPDATE OF start_at, end_at, status ON booking
        WHEN NEW.end_at <= NEW.start_at
          OR NEW.status NOT IN ('booked','checked_in','completed','cancelled','no_show')
        BEGIN SELECT RAISE(ABORT, 'booking_invalid'); END;

        -- No two active bookings of one resource overlap (back-to-back is fine).
        -- Only bookings starting within the resource's longest booking before
        -- NEW.start_at can reach it, which keeps the check off old history.
        CREATE TRIGGER booking_no_overlap BEFORE INSERT ON booking
        WHEN NEW.status IN ('booked','checked_in') AND EXISTS (
          SELECT 1 FROM booking b
          WHERE b.resource_id = NEW.resource_id
            AND b.start_at >= strftime('%Y-%m-%d %H:%M', NEW.start_at,
                  '-' || (SELECT longest_minutes FROM resource WHERE id = NEW.resource_id) || ' minutes')
            AND b.start_at < NEW.end_at AND b.end_at > NEW.start_at
            AND b.status IN ('booked','checked_in'))
        BEGIN SELECT RAISE(ABORT, 'booking_clash'); END;

        CREATE TRIGGER booking_no_overlap_update
        BEFORE UPDATE OF start_at, end_at, status, resource_id ON booking
        WHEN NEW.status IN ('booked','checked_in') AND EXISTS (
          SELECT 1 FROM booking b
          WHERE b.resource_id = NEW.resource_id AND b.id <> NEW.id
            AND b.start_at >= strftime('%Y-%m-%d %H:%M', NEW.start_at,
                  '-' || (SELECT longest_minutes FROM resource WHERE id = NEW.resource_id) || ' minutes')
            AND b.start_at < NEW.end_at AND b.end_at > NEW.start_at
            AND b.status IN ('booked','checked_in'))
        BEGIN SELECT RAISE(ABORT, 'booking_clash'); END;

        CREATE TRIGGER booking_longest AFTER INSERT ON booking BEGIN
          UPDATE resource SET longest_minutes = max(longest_minutes,
            CAST(round((julianday(NEW.end_at) - julianday(NEW.start_at)) * 1440) AS INTEGER))
          WHERE id = NEW.resource_id;
        END;

        CREATE TRIGGER booking_longest_update AFTER UPDATE OF start_at, end_at, resource_id ON booking BEGIN
          UPDATE resource SET longest_minutes = max(longest_minutes,
            CAST(round((julianday(NEW.end_at) - julianday(NEW.start_at)) * 1440) AS INTEGER))
          WHERE id = NEW.resource_id;
        END;

        -- The audit log is append-only.
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit_append_only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit_append_only'); END;

        -- Bookings are records: they change status, they are never deleted.
        CREATE TRIGGER booking_no_delete BEFORE DELETE ON booking
        BEGIN SELECT RAISE(ABORT, 'booking_keep'); END;
        """
    )


@MIGRATIONS(name="0002_passes_scans")
def passes_and_scans(db: Database) -> None:
    # Pass keys live in their own table, never joined to or exported with bookings.
    db.table("pass_key").create(
        {"kid": int, "secret": bytes, "created_at": str, "retired_at": str},
        pk="kid", not_null={"secret", "created_at"}, strict=True,
    )
    db.table("station").create(
        {"name": str, "kinds": str, "resources": str, "created_at": str},
        pk="name", strict=True,
    )
    db.table("scan").create(
        {"id": int, "at": str, "station": str, "text": str, "ok": int, "action": str,
         "reason": str, "reason_key": str, "booking_id": int, "actor": str},
        pk="id", not_null={"at", "station", "text", "ok", "reason_key"},
        foreign_keys=[("booking_id", "booking", "id")], strict=True,
    )
    db.table("scan").create_index(["booking_id"])
    db.table("scan").create_index(["at"])
    db.executescript(
        """
        CREATE TRIGGER scan_no_update BEFORE UPDATE ON scan
        BEGIN SELECT RAISE(ABORT, 'scan_append_only'); END;
        CREATE TRIGGER scan_no_delete BEFORE DELETE ON scan
        BEGIN SELECT RAISE(ABORT, 'scan_append_only'); END;
        """
    )


@MIGRATIONS(name="0003_scans")
def scans(db: Database) -> None:
    # A station checks in, checks out, or both (the desk does both): an entry
    # gate that sees an already checked-in pass must say "already in".
    db.table("station").add_column("mode", str, not_null_default="both")
    # Partial indexes hold only the few bookings still waiting for a check-in or
    # a check-out, so the no-show sweep never walks ten years of history, and a
    # booking missed by every earlier sweep is still found by the next one.
    db.executescript(
        """
        CREATE INDEX booking_waiting ON booking(start_at) WHERE status = 'booked';
        CREATE INDEX booking_inside ON booking(end_at) WHERE status = 'checked_in';
        CREATE INDEX scan_station_at ON scan(station, at);
        """
    )


@MIGRATIONS(name="0004_clerks")
def clerks(db: Database) -> None:
    # Accounts that sign in at the desk. Only a salted key-derivation hash is
    # kept, with the function and its parameters beside it so the cost can be
    # raised later without locking anyone out (see booking/people/clerks.py).
    db.execute(
        """
        CREATE TABLE clerk (
          name TEXT PRIMARY KEY,
          display_name TEXT NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('clerk', 'admin')),
          kdf TEXT NOT NULL,
          kdf_params TEXT NOT NULL,
          salt TEXT NOT NULL,
          password_hash TEXT NOT NULL,
          active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
          created_at TEXT NOT NULL,
          updated_at TEXT
        ) STRICT
        """
    )


@MIGRATIONS(name="0005_fees_ledger")
def fees_ledger(db: Database) -> None:
    # Money is integer fen everywhere. Tariffs, refund steps and no-show
    # consequences are data the admin edits; their defaults come from
    # resources/tariffs.json, read here once so later edits of that file never
    # change a running desk's fees behind the admin's back.
    db.executescript(
        """
        CREATE TABLE tariff (
          id INTEGER PRIMARY KEY,
          scope TEXT NOT NULL,
          payer TEXT NOT NULL CHECK (payer IN ('resident', 'visitor')),
          free_minutes INTEGER NOT NULL DEFAULT 0 CHECK (free_minutes >= 0),
          unit_minutes INTEGER NOT NULL DEFAULT 60 CHECK (unit_minutes > 0),
          daily_cap_fen INTEGER CHECK (daily_cap_fen IS NULL OR daily_cap_fen >= 0),
          exempt TEXT NOT NULL DEFAULT '',
          updated_at TEXT NOT NULL,
          UNIQUE (scope, payer)
        ) STRICT;
        CREATE TABLE tariff_band (
          id INTEGER PRIMARY KEY,
          tariff_id INTEGER NOT NULL REFERENCES tariff(id) ON DELETE CASCADE,
          band_from TEXT NOT NULL,
          band_to TEXT NOT NULL,
          rate_fen INTEGER NOT NULL CHECK (rate_fen >= 0)
        ) STRICT;
        CREATE INDEX tariff_band_tariff ON tariff_band(tariff_id);

        -- A booking for a volunteer team or a public-welfare activity.
        CREATE TABLE fee_exemption (
          booking_id INTEGER PRIMARY KEY REFERENCES booking(id),
          purpose TEXT NOT NULL CHECK (purpose IN ('volunteer', 'welfare')),
          note TEXT,
          set_by TEXT NOT NULL,
          set_at TEXT NOT NULL
        ) STRICT;

        -- What a booking cost when it was checked out, frozen against later tariff changes.
        CREATE TABLE settled_charge (
          booking_id INTEGER PRIMARY KEY REFERENCES booking(id),
          settled_at TEXT NOT NULL,
          total_fen INTEGER NOT NULL CHECK (total_fen >= 0),
          detail TEXT NOT NULL
        ) STRICT;

        -- The ledger: every payment, refund and correction, append-only.
        CREATE TABLE payment (
          id INTEGER PRIMARY KEY,
          receipt_no TEXT NOT NULL UNIQUE,
          booking_id INTEGER REFERENCES booking(id),
          at TEXT NOT NULL,
          clerk TEXT NOT NULL,
          entry TEXT NOT NULL CHECK (entry IN ('payment', 'refund', 'correction')),
          method TEXT NOT NULL CHECK (method IN ('cash', 'wechat', 'alipay', 'waived', 'timebank')),
          amount_fen INTEGER NOT NULL,
          resource_kind TEXT,
          reason TEXT,
          corrects INTEGER REFERENCES payment(id),
          credit_minutes INTEGER,
          recorded_at TEXT NOT NULL,
          CHECK ((entry = 'payment' AND amount_fen > 0) OR (entry = 'refund' AND amount_fen < 0)
                 OR (entry = 'correction' AND amount_fen <> 0)),
          CHECK (method <> 'waived' OR length(trim(coalesce(reason, ''))) > 0),
          CHECK (entry = 'payment' OR length(trim(coalesce(reason, ''))) > 0)
        ) STRICT;
        CREATE INDEX payment_at ON payment(at);
        CREATE INDEX payment_booking ON payment(booking_id);
        CREATE INDEX payment_clerk_at ON payment(clerk, at);

        CREATE TABLE ledger_month (
          month TEXT PRIMARY KEY,
          closed_at TEXT NOT NULL,
          closed_by TEXT NOT NULL
        ) STRICT;

        -- A closed month is unchangeable, whatever code path writes: entries
        -- are never edited or deleted, and none is added to a closed month.
        CREATE TRIGGER payment_no_update BEFORE UPDATE ON payment
        BEGIN SELECT RAISE(ABORT, 'ledger_append_only'); END;
        CREATE TRIGGER payment_no_delete BEFORE DELETE ON payment
        BEGIN SELECT RAISE(ABORT, 'ledger_append_only'); END;
        CREATE TRIGGER payment_closed_month BEFORE INSERT ON payment
        WHEN EXISTS (SELECT 1 FROM ledger_month WHERE month = substr(NEW.at, 1, 7))
        BEGIN SELECT RAISE(ABORT, 'ledger_month_closed'); END;
        CREATE TRIGGER ledger_month_no_update BEFORE UPDATE ON ledger_month
        BEGIN SELECT RAISE(ABORT, 'ledger_month_closed'); END;
        CREATE TRIGGER ledger_month_no_delete BEFORE DELETE ON ledger_month
        BEGIN SELECT RAISE(ABORT, 'ledger_month_closed'); END;

        -- Time-bank (香城时间交易所) hours in whole minutes: earned (+) and redeemed (-).
        CREATE TABLE timebank (
          id INTEGER PRIMARY KEY,
          resident_id INTEGER NOT NULL REFERENCES resident(id),
          at TEXT NOT NULL,
          entry TEXT NOT NULL CHECK (entry IN ('earn', 'redeem', 'refund')),
          minutes INTEGER NOT NULL CHECK (minutes <> 0),
          team TEXT,
          activity TEXT,
          approved_by TEXT,
          payment_id INTEGER REFERENCES payment(id),
          actor TEXT NOT NULL,
          recorded_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX timebank_resident ON timebank(resident_id, id);
        CREATE TABLE timebank_balance (
          resident_id INTEGER PRIMARY KEY REFERENCES resident(id),
          minutes INTEGER NOT NULL CHECK (minutes >= 0)
        ) STRICT;
        CREATE TRIGGER timebank_not_negative BEFORE INSERT ON timebank
        WHEN coalesce((SELECT minutes FROM timebank_balance WHERE resident_id = NEW.resident_id), 0)
             + NEW.minutes < 0
        BEGIN SELECT RAISE(ABORT, 'timebank_negative'); END;
        CREATE TRIGGER timebank_balance_add AFTER INSERT ON timebank BEGIN
          INSERT OR IGNORE INTO timebank_balance(resident_id, minutes) VALUES (NEW.resident_id, 0);
          UPDATE timebank_balance SET minutes = minutes + NEW.minutes WHERE resident_id = NEW.resident_id;
        END;
        CREATE TRIGGER timebank_no_update BEFORE UPDATE ON timebank
        BEGIN SELECT RAISE(ABORT, 'timebank_append_only'); END;
        CREATE TRIGGER timebank_no_delete BEFORE DELETE ON timebank
        BEGIN SELECT RAISE(ABORT, 'timebank_append_only'); END;

        -- Households waiting for a kind or one resource in a window, in order of joining.
        CREATE TABLE waitlist (
          id INTEGER PRIMARY KEY,
          household_id INTEGER NOT NULL REFERENCES household(id),
          resident_id INTEGER NOT NULL REFERENCES resident(id),
          kind TEXT,
          resource_id INTEGER REFERENCES resource(id),
          start_at TEXT NOT NULL,
          end_at TEXT NOT NULL,
          plate TEXT,
          visitor INTEGER NOT NULL DEFAULT 0,
          purpose TEXT,
          status TEXT NOT NULL DEFAULT 'waiting'
            CHECK (status IN ('waiting', 'offered', 'booked', 'expired', 'lapsed', 'withdrawn')),
          offer_resource_id INTEGER REFERENCES resource(id),
          offered_at TEXT,
          offer_expires_at TEXT,
          booking_id INTEGER REFERENCES booking(id),
          joined_at TEXT NOT NULL,
          created_by TEXT NOT NULL,
          CHECK (end_at > start_at),
          CHECK (kind IS NOT NULL OR resource_id IS NOT NULL)
        ) STRICT;
        CREATE INDEX waitlist_open ON waitlist(joined_at, id) WHERE status IN ('waiting', 'offered');

        -- No-show consequences of the convention, and an admin's lifting of one.
        CREATE TABLE no_show_rule (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('*', 'parking', 'room')),
          no_shows INTEGER NOT NULL CHECK (no_shows > 0),
          within_days INTEGER NOT NULL CHECK (within_days > 0),
          ban_days INTEGER NOT NULL CHECK (ban_days > 0)
        ) STRICT;
        CREATE TABLE restriction_lift (
          id INTEGER PRIMARY KEY,
          household_id INTEGER NOT NULL REFERENCES household(id),
          at TEXT NOT NULL,
          reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
          lifted_by TEXT NOT NULL
        ) STRICT;
        CREATE INDEX restriction_lift_household ON restriction_lift(household_id, at);
        CREATE INDEX booking_no_show ON booking(household_id, start_at) WHERE status = 'no_show';
        """
    )
    import json

    from booking.store.paths import resource_path

    defaults = json.loads(resource_path("tariffs.json").read_text(encoding="utf-8"))
    # The shipped defaults are nobody's edit at any moment of this desk, and a migration has no
    # operation's `now`: they carry a fixed stamp instead of the wall clock (one clock: booking/store/clock.py).
    stamp = DEFAULTS_STAMP
    for tariff in defaults["tariffs"]:
        tariff_id = inserted_id(db.execute(
            "INSERT INTO tariff(scope, payer, free_minutes, unit_minutes, daily_cap_fen, exempt, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (tariff["scope"], tariff["payer"], tariff["free_minutes"], tariff["unit_minutes"],
             tariff["daily_cap_fen"], ",".join(tariff["exempt"]), stamp)))
        for band in tariff["bands"]:
            db.execute("INSERT INTO tariff_band(tariff_id, band_from, band_to, rate_fen) VALUES (?, ?, ?, ?)",
                       (tariff_id, band["from"], band["to"], band["rate_fen"]))
    for rule in defaults["no_show"]["rules"]:
        db.execute("INSERT INTO no_show_rule(kind, no_shows, within_days, ban_days) VALUES (?, ?, ?, ?)",
                   (rule["kind"], rule["no_shows"], rule["within_days"], rule["ban_days"]))
    settings = dict(defaults["settings"])
    settings["fee.refund_steps"] = json.dumps(defaults["refunds"]["steps"])
    for key, value in settings.items():
        db.execute("INSERT OR IGNORE INTO setting(key, value) VALUES (?, ?)", (key, value))


@MIGRATIONS(name="0006_gates")
def gates(db: Database) -> None:
    # A barrier gate is a scan station with a plate camera: its protocol
    # ('vzenith' or 'hikvision'), the camera (a Vzenith serial number, or the
    # Hikvision camera's address HOST[:PORT]) and the account the desk signs in
    # with to open a Hikvision gate (the password lives in the OS keyring, never here).
    db.executescript(
        """
        ALTER TABLE station ADD COLUMN gate TEXT CHECK (gate IS NULL OR gate IN ('vzenith', 'hikvision'));
        ALTER TABLE station ADD COLUMN camera TEXT;
        ALTER TABLE station ADD COLUMN camera_user TEXT;
        CREATE UNIQUE INDEX station_camera ON station(camera) WHERE camera IS NOT NULL;
        -- A car at the barrier is looked up by its plate among the few bookings
        -- still waiting or inside, never among ten years of history.
        CREATE INDEX booking_plate_waiting ON booking(plate) WHERE status = 'booked';
        CREATE INDEX booking_plate_inside ON booking(plate) WHERE status = 'checked_in';

        -- Every plate a camera reported, once: the camera and its own event key
        -- (Vzenith's plateid, Hikvision's time and plate) identify a resent event,
        -- which is answered from here and never decided twice.
        CREATE TABLE gate_event (
          id INTEGER PRIMARY KEY,
          camera TEXT NOT NULL,
          event_key TEXT NOT NULL,
          station TEXT NOT NULL,
          at TEXT NOT NULL,
          received_at TEXT NOT NULL,
          plate_read TEXT NOT NULL,
          plate TEXT,
          confidence INTEGER,
          color INTEGER,
          offline INTEGER NOT NULL DEFAULT 0 CHECK (offline IN (0, 1)),
          opened INTEGER NOT NULL CHECK (opened IN (0, 1)),
          reason_key TEXT NOT NULL,
          reason TEXT NOT NULL,
          led TEXT NOT NULL,
          booking_id INTEGER REFERENCES booking(id),
          suggested_id INTEGER REFERENCES booking(id),
          scan_id INTEGER REFERENCES scan(id),
          photo BLOB,
          UNIQUE (camera, event_key)
        ) STRICT;
        CREATE INDEX gate_event_at ON gate_event(at);
        CREATE TRIGGER gate_event_no_update BEFORE UPDATE ON gate_event
        BEGIN SELECT RAISE(ABORT, 'gate_event_append_only'); END;
        CREATE TRIGGER gate_event_no_delete BEFORE DELETE ON gate_event
        BEGIN SELECT RAISE(ABORT, 'gate_event_append_only'); END;

        -- What the desk last told each camera's whitelist: the plates it opens
        -- for by itself, each within its window, when the desk cannot be reached.
        CREATE TABLE gate_whitelist (
          station TEXT NOT NULL,
          plate TEXT NOT NULL,
          enable_at TEXT NOT NULL,
          overdue_at TEXT NOT NULL,
          sent_at TEXT NOT NULL,
          PRIMARY KEY (station, plate)
        ) STRICT;

        -- A clerk's "open this gate" for a car let in by hand, until a server sends it
        -- (a Vzenith camera takes it in its next heartbeat's reply).
        CREATE TABLE gate_open (
          id INTEGER PRIMARY KEY,
          station TEXT NOT NULL,
          event_id INTEGER REFERENCES gate_event(id),
          at TEXT NOT NULL,
          actor TEXT NOT NULL,
          reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
          sent_at TEXT
        ) STRICT;
        CREATE INDEX gate_open_pending ON gate_open(station, at) WHERE sent_at IS NULL;
        """
    )


@MIGRATIONS(name="0007_holidays")
def holidays(db: Database) -> None:
    # A year's holiday schedule entered by an admin (it overrides the chinese-calendar package for
    # that year), and closures that follow the calendar: closed on every public holiday of the
    # scope from start_at on, instead of a window or a repeat rule.
    db.executescript(
        """
        CREATE TABLE holiday_year (
          year INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
          days_off TEXT NOT NULL,
          workdays TEXT NOT NULL,
          entered_at TEXT NOT NULL,
          entered_by TEXT NOT NULL
        ) STRICT;
        ALTER TABLE closure ADD COLUMN holidays INTEGER NOT NULL DEFAULT 0;
        """
    )


@MIGRATIONS(name="0008_booking_dates_in_range")
def booking_dates_in_range(db: Database) -> None:
    # Older versions let an admin's override book until 9999-12-31. Such a booking made every
    # query that reaches back by the longest booking leave the calendar, and the recorded
    # longest booking never shrank, so the whole desk kept failing after its cancellation.
    # Now a booking lies within 2000-2099 and lasts at most 366 days (booking/store/validation.py);
    # a stored one beyond that is cut to that length, and the audit log keeps its old end.
    # The audit time is the store's latest recorded time: a migration has no operation's clock.
    db.executescript(
        """
        CREATE TEMP TABLE too_long AS
          SELECT id, end_at AS old_end,
                 min(end_at, strftime('%Y-%m-%d %H:%M', start_at, '+366 days'), '2099-12-31 23:59') AS new_end
          FROM booking
          WHERE end_at > '2099-12-31 23:59' OR julianday(end_at) - julianday(start_at) > 366;
        DELETE FROM too_long WHERE new_end IS NULL OR new_end = old_end;
        INSERT INTO audit(at, actor, action, entity, entity_id, before, after, reason)
          SELECT coalesce((SELECT max(at) FROM audit), '2000-01-01 00:00:00'), 'system', 'limit', 'booking',
                 CAST(id AS TEXT), json_object('end', old_end), json_object('end', new_end),
                 'a booking lasts at most 366 days, within 2000-2099 (migration 0008)'
          FROM too_long WHERE new_end > (SELECT start_at FROM booking WHERE booking.id = too_long.id);
        UPDATE booking SET end_at = (SELECT new_end FROM too_long WHERE too_long.id = booking.id)
          WHERE id IN (SELECT id FROM too_long)
            AND (SELECT new_end FROM too_long WHERE too_long.id = booking.id) > start_at;
        DROP TABLE too_long;
        -- The longest booking of each resource, recomputed from the bookings themselves.
        UPDATE resource SET longest_minutes = coalesce((
          SELECT max(CAST(round((julianday(end_at) - julianday(start_at)) * 1440) AS INTEGER))
          FROM booking WHERE booking.resource_id = resource.id), 0);
        """
    )


@MIGRATIONS(name="0009_booking_pass_nonce")
def booking_pass_nonce(db: Database) -> None:
    # A pass names one booking, not only a booking id: after a restore to an older backup
    # the ids after the backup are given to other bookings. Each booking made from now on
    # gets a random nonce, here in the store so that every path that adds a booking (the
    # desk, a series, the waiting list, the demo, an import) gives one; SQLite's random()
    # is seeded from the operating system per connection, so two copies of one store never
    # agree on a new booking's nonce. Bookings made before keep NULL: their version 1
    # passes stay valid (docs/passes.md, "Pass identity").
    db.table("booking").add_column("pass_nonce", int)
    db.executescript(
        """
        CREATE TRIGGER booking_pass_nonce AFTER INSERT ON booking WHEN NEW.pass_nonce IS NULL BEGIN
          UPDATE booking SET pass_nonce = abs(random() % 1000000000) WHERE id = NEW.id;
        END;
        """
    )


@MIGRATIONS(name="0010_gate_camera_address")
def gate_camera_address(db: Database) -> None:
    # A Vzenith camera is bound to the fixed IP it posts from, as commercial parking software
    # binds its devices: its serial alone (printed on the camera, sent in every post) must not
    # be enough to pose as it. A Hikvision camera's address is its `camera` already.
    db.executescript("ALTER TABLE station ADD COLUMN camera_address TEXT;")


@MIGRATIONS(name="0011_message_params")
def message_params(db: Database) -> None:
    # A scan's reason and an audit entry's reason were kept as text in the language of the desk
    # that recorded them, so an English desk read Chinese. They are kept as a message key and its
    # parameters now (JSON, booking/i18n.Message), and written in the language in use when shown;
    # the text stays too, as it read then, for older rows and for whatever reads the store raw.
    db.table("scan").add_column("reason_params", str)
    db.table("audit").add_column("reason_key", str)
    db.table("audit").add_column("reason_params", str)


@MIGRATIONS(name="0012_gate_event_params")
def gate_event_params(db: Database) -> None:
    # A gate event's reason was kept as text in the language of the desk that recorded it, as
    # scans' reasons were before 0011: it is kept as its message key (reason_key, there from the
    # start) and parameters now, and written in the language in use when shown. The text stays,
    # as it read then, for older rows and for whatever reads the store raw; the LED line was
    # always Chinese (it is what the gate's screen showed) and stays as it was sent.
    # ADD COLUMN fires no trigger: the table stays append-only.
    db.table("gate_event").add_column("reason_params", str)


@MIGRATIONS(name="0013_foreign_key_indexes")
def foreign_key_indexes(db: Database) -> None:
    # The foreign keys into booking and scan that had no index of their own: removing a resident,
    # a booking or a scan (a restore replacing every row, on the server above all) made the
    # engine read the whole child table once per removed row to check nothing still pointed at
    # it (19-24 s of a 47 s server restore of the 1-year store). Same names on both engines.
    db.executescript("""
        CREATE INDEX IF NOT EXISTS idx_booking_resident_id ON booking(resident_id);
        CREATE INDEX IF NOT EXISTS idx_gate_event_booking_id ON gate_event(booking_id);
        CREATE INDEX IF NOT EXISTS idx_gate_event_suggested_id ON gate_event(suggested_id);
        CREATE INDEX IF NOT EXISTS idx_gate_event_scan_id ON gate_event(scan_id);
    """)


@MIGRATIONS(name="0014_longest_only_when_longer")
def longest_only_when_longer(db: Database) -> None:
    # booking_longest rewrote the resource's row after every new booking, though nearly every
    # booking is no longer than one the resource has had: a page written (on the server a new row
    # version, its WAL and a row lock held to the COMMIT) for nothing. It now writes only when the
    # booking is the longest yet; what longest_minutes holds is the same.
    db.executescript("""
        DROP TRIGGER IF EXISTS booking_longest;
        DROP TRIGGER IF EXISTS booking_longest_update;
        CREATE TRIGGER booking_longest AFTER INSERT ON booking BEGIN
          UPDATE resource SET longest_minutes =
            CAST(round((julianday(NEW.end_at) - julianday(NEW.start_at)) * 1440) AS INTEGER)
          WHERE id = NEW.resource_id
            AND longest_minutes < CAST(round((julianday(NEW.end_at) - julianday(NEW.start_at)) * 1440) AS INTEGER);
        END;
        CREATE TRIGGER booking_longest_update AFTER UPDATE OF start_at, end_at, resource_id ON booking BEGIN
          UPDATE resource SET longest_minutes =
            CAST(round((julianday(NEW.end_at) - julianday(NEW.start_at)) * 1440) AS INTEGER)
          WHERE id = NEW.resource_id
            AND longest_minutes < CAST(round((julianday(NEW.end_at) - julianday(NEW.start_at)) * 1440) AS INTEGER);
        END;
    """)
