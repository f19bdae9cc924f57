"""The two engines' schemas after all migrations are the same schema: this test fails when they drift.

Compared: the tables; each table's columns in order with their type, nullability and default;
primary keys; foreign keys (with ON DELETE); indexes (columns, unique, partial); the columns each
CHECK constraint reads; and every SQLite trigger has its PostgreSQL counterpart. The differences
meant to be are written out below, each with its reason: a new one must be added there on purpose.
"""
from __future__ import annotations

import re
import sqlite3
from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy import text
from sqlite_utils import Database

from booking.store.schema import MIGRATIONS

# --- The differences meant to be -------------------------------------------------------------

#: Where each engine records its migrations (sqlite-utils' table, and ours on the server).
MIGRATION_TABLES = {"sqlite": "_sqlite_migrations", "postgresql": "_linli_migrations"}

#: SQLite's storage class -> the server's type. INTEGER is 64-bit in SQLite, hence bigint.
TYPES = {"INTEGER": "bigint", "TEXT": "text", "REAL": "double precision", "BLOB": "bytea"}

#: Each SQLite trigger -> what does its work on the server: ("trigger", name) or ("constraint", name).
TRIGGERS = {
    "booking_valid": ("constraint", "booking_valid"),
    "booking_valid_update": ("constraint", "booking_valid"),  # a CHECK holds on insert and update alike
    "booking_no_overlap": ("constraint", "booking_no_overlap"),  # EXCLUDE USING gist, SQLSTATE 23P01
    "booking_no_overlap_update": ("constraint", "booking_no_overlap"),
    "booking_longest": ("trigger", "booking_longest"),
    "booking_longest_update": ("trigger", "booking_longest_update"),
    "audit_no_update": ("trigger", "audit_no_update"),
    "audit_no_delete": ("trigger", "audit_no_delete"),
    "booking_no_delete": ("trigger", "booking_no_delete"),
    "scan_no_update": ("trigger", "scan_no_update"),
    "scan_no_delete": ("trigger", "scan_no_delete"),
    "payment_no_update": ("trigger", "payment_no_update"),
    "payment_no_delete": ("trigger", "payment_no_delete"),
    "payment_closed_month": ("trigger", "payment_closed_month"),
    "ledger_month_no_update": ("trigger", "ledger_month_no_update"),
    "ledger_month_no_delete": ("trigger", "ledger_month_no_delete"),
    # one BEFORE INSERT trigger checks the balance and moves it, under a row lock
    "timebank_not_negative": ("trigger", "timebank_not_negative"),
    "timebank_balance_add": ("trigger", "timebank_not_negative"),
    "timebank_no_update": ("trigger", "timebank_no_update"),
    "timebank_no_delete": ("trigger", "timebank_no_delete"),
    "gate_event_no_update": ("trigger", "gate_event_no_update"),
    "gate_event_no_delete": ("trigger", "gate_event_no_delete"),
    "booking_pass_nonce": ("trigger", "booking_pass_nonce"),  # BEFORE INSERT there, AFTER INSERT in SQLite
}

#: Triggers only the server has: SQLite has no TRUNCATE, the server must refuse it on append-only tables.
PG_ONLY_TRIGGERS = {f"{table}_no_truncate" for table in
                    ("audit", "booking", "scan", "payment", "ledger_month", "timebank", "gate_event")}

#: CHECK constraints only the server has, by table: SQLite's triggers booking_valid(_update) are
#: CHECKs there (with the two times' shape, which the overlap guard reads), and 0008's rule of
#: booking/store/validation.py (2000-2099, at most 366 days) is the database's own.
PG_ONLY_CHECKS = {"booking": {"booking_valid", "booking_in_range"}}

#: Indexes only the server has, by name: the exclusion constraint's gist index.
PG_ONLY_INDEXES = {"booking_no_overlap"}


# --- Reading the two schemas -----------------------------------------------------------------

def sqlite_schema() -> dict[str, Any]:
    db = Database(memory=True)
    MIGRATIONS.apply(db)
    conn: sqlite3.Connection = db.conn
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ? "
        "ORDER BY name", (MIGRATION_TABLES["sqlite"],))]
    out: dict[str, Any] = {"tables": {}, "indexes": Counter(), "triggers": set()}
    for table in tables:
        columns = conn.execute(f"PRAGMA table_xinfo('{table}')").fetchall()  # cid name type notnull dflt pk hidden
        names = [c[1] for c in columns]
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        out["tables"][table] = {
            # A primary key column counts as NOT NULL: the server's always is, and SQLite's is for
            # INTEGER PRIMARY KEY; a TEXT one (setting.key, station.name, clerk.name) takes NULL in
            # SQLite only by a legacy quirk its docs keep for compatibility, which the domain never uses.
            "columns": [(c[1], TYPES[c[2].upper()], bool(c[3]) or c[5] > 0, _default(c[4])) for c in columns],
            "pk": tuple(c[1] for c in sorted((c for c in columns if c[5]), key=lambda c: c[5])),
            "fks": sorted((r[3], r[2], r[4], r[6].upper()) for r in
                          conn.execute(f"PRAGMA foreign_key_list('{table}')")),
            "checks": Counter(_columns_in(check, names) for check in _checks(sql)),
        }
        for _, name, unique, origin, partial in conn.execute(f"PRAGMA index_list('{table}')"):
            if origin == "pk":
                continue
            cols = tuple(r[2] for r in conn.execute(f"PRAGMA index_info('{name}')"))
            out["indexes"][(table, cols, bool(unique), bool(partial))] += 1
    out["triggers"] = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return out


def _default(value: str | None) -> str | None:
    """A column default as both engines can spell it: 0, 'booked' (no casts, no outer quotes kept)."""
    if value is None:
        return None
    value = re.sub(r"::[a-z ]+$", "", value.strip())
    return value.strip("'")


def _checks(sql: str) -> list[str]:
    """The expression of each CHECK in a CREATE TABLE statement."""
    found = []
    for match in re.finditer(r"\bCHECK\s*\(", sql, flags=re.IGNORECASE):
        depth, i = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(sql[i], 0)
            i += 1
        found.append(sql[match.end():i - 1])
    return found


def _columns_in(expression: str, columns: list[str]) -> frozenset[str]:
    without_strings = re.sub(r"'[^']*'", "", expression)
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", without_strings))
    return frozenset(words & set(columns))


def pg_schema(conn: sa.Connection) -> dict[str, Any]:
    q = lambda sql: conn.execute(text(sql)).all()  # noqa: E731
    tables = [r[0] for r in q(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.relname")]
    tables.remove(MIGRATION_TABLES["postgresql"])
    out: dict[str, Any] = {"tables": {}, "indexes": Counter(), "triggers": set(), "constraints": set(),
                           "collations": set(), "pg_only_indexes": Counter()}
    for table in tables:
        columns = q(
            "SELECT a.attname, format_type(a.atttypid, NULL), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), "
            "  coalesce(co.collname, '') "
            "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0 "
            f"WHERE a.attrelid = '{table}'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")
        out["collations"] |= {(table, c[0], c[4]) for c in columns if c[1] == "text"}
        pk = q(f"SELECT a.attname FROM pg_index i JOIN unnest(i.indkey) WITH ORDINALITY k(attnum, n) ON true "
               f"JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
               f"WHERE i.indrelid = '{table}'::regclass AND i.indisprimary ORDER BY k.n")
        fks = q("SELECT a.attname, f.relname, fa.attname, c.confdeltype FROM pg_constraint c "
                "JOIN pg_class f ON f.oid = c.confrelid "
                "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                "JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1] "
                f"WHERE c.conrelid = '{table}'::regclass AND c.contype = 'f'")
        deletes = {"a": "NO ACTION", "c": "CASCADE", "r": "RESTRICT", "n": "SET NULL", "d": "SET DEFAULT"}
        names = [c[0] for c in columns]
        checks = q(f"SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                   f"WHERE conrelid = '{table}'::regclass AND contype = 'c'")
        extra = PG_ONLY_CHECKS.get(table, set())
        out["tables"][table] = {
            "columns": [(c[0], c[1], c[2], _default(c[3])) for c in columns],
            "pk": tuple(r[0] for r in pk),
            "fks": sorted((r[0], r[1], r[2], deletes[r[3]]) for r in fks),
            "checks": Counter(_columns_in(d, names) for name, d in checks if name not in extra),
        }
        out["constraints"] |= {r[0] for r in q(f"SELECT conname FROM pg_constraint "
                                                f"WHERE conrelid = '{table}'::regclass")}
        for name, unique, partial, keys in q(
                "SELECT i.indexrelid::regclass::text, i.indisunique, i.indpred IS NOT NULL, "
                "  array(SELECT pg_get_indexdef(i.indexrelid, k + 1, true) "
                "        FROM generate_subscripts(i.indkey, 1) k ORDER BY k) "
                f"FROM pg_index i WHERE i.indrelid = '{table}'::regclass AND NOT i.indisprimary"):
            out["indexes" if name not in PG_ONLY_INDEXES else "pg_only_indexes"][
                (table, tuple(keys), bool(unique), bool(partial))] += 1
    out["triggers"] = {r[0] for r in q(
        "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema()")}
    return out


# --- The comparison --------------------------------------------------------------------------

def test_both_engines_have_the_same_tables_columns_keys_and_checks(pg_engine: sa.Engine) -> None:
    lite = sqlite_schema()
    with pg_engine.connect() as conn:
        pg = pg_schema(conn)
    assert sorted(pg["tables"]) == sorted(lite["tables"])
    for table, expected in lite["tables"].items():
        found = pg["tables"][table]
        for part in ("columns", "pk", "fks", "checks"):
            assert (table, part, found[part]) == (table, part, expected[part])


def test_both_engines_have_the_same_indexes(pg_engine: sa.Engine) -> None:
    lite = sqlite_schema()
    with pg_engine.connect() as conn:
        pg = pg_schema(conn)
    assert pg["indexes"] == lite["indexes"]
    assert sum(pg["pg_only_indexes"].values()) == len(PG_ONLY_INDEXES)


def test_every_sqlite_trigger_has_its_counterpart_on_the_server(pg_engine: sa.Engine) -> None:
    lite = sqlite_schema()
    with pg_engine.connect() as conn:
        pg = pg_schema(conn)
    assert sorted(lite["triggers"]) == sorted(TRIGGERS)  # a new SQLite trigger needs its line in TRIGGERS
    for kind, name in TRIGGERS.values():
        assert name in (pg["triggers"] if kind == "trigger" else pg["constraints"]), (kind, name)
    counterparts = {name for kind, name in TRIGGERS.values() if kind == "trigger"}
    assert pg["triggers"] == counterparts | PG_ONLY_TRIGGERS


def test_every_text_column_on_the_server_compares_bytes_as_sqlite_does(pg_engine: sa.Engine) -> None:
    with pg_engine.connect() as conn:
        pg = pg_schema(conn)
    assert {(table, column) for table, column, collation in pg["collations"] if collation != "C"} == set()


def test_the_comparison_sees_a_drift(pg_engine: sa.Engine) -> None:
    """A server schema changed by hand (a NOT NULL dropped, a CHECK added) no longer matches."""
    with pg_engine.connect() as conn:
        conn.execute(text("ALTER TABLE setting ALTER COLUMN value DROP NOT NULL"))
        conn.execute(text("ALTER TABLE household ADD CHECK (building > 0)"))
        conn.commit()
        pg = pg_schema(conn)
    lite = sqlite_schema()
    assert pg["tables"]["setting"]["columns"] != lite["tables"]["setting"]["columns"]
    assert pg["tables"]["household"]["checks"] != lite["tables"]["household"]["checks"]
