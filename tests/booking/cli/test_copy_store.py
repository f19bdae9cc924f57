"""`copy-store --to URL` moves a store file onto an empty PostgreSQL database, checked, on a real server."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import URL

from booking.store.postgres import migrate


def plain(url: URL) -> str:
    """The URL as a clerk types it, password included (psycopg's driver name left out)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def filled(run_cli, store_path: Path) -> Path:
    """A store with a resident, two bookings (one cancelled), a payment, and a booking from before
    pass nonces (NULL, as 0009 left the older ones)."""
    run_cli("resident", "add", "--name", "张三丰", "--door", "3-2-501", "--phone", "13812345678", "--plate", "川A12345")
    booked = run_cli("book", "--resource", "P001", "--start", "2026-11-24 19:00", "--end", "2026-11-25 07:30",
                     "--resident", "1")
    assert booked.code == 0, booked.text
    room = run_cli("book", "--resource", "R04", "--start", "2026-11-27 14:00", "--end", "2026-11-27 16:00",
                   "--resident", "1")
    assert room.code == 0, room.text
    paid = run_cli("pay", str(room.json["bookings"][0]["id"]), "--amount", "12.50", "--method", "wechat")
    assert paid.code == 0, paid.text
    with sqlite3.connect(store_path) as lite:
        lite.execute("UPDATE booking SET pass_nonce = NULL WHERE id = ?", (booked.json["bookings"][0]["id"],))
    lite.close()
    return store_path


def counts(conn: sa.Connection | sqlite3.Connection, tables: list[str]) -> dict[str, int]:
    return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"') if isinstance(conn, sa.Connection)
                            else f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_a_store_is_copied_whole_and_checked(run_cli, filled: Path, pg_empty_url: URL) -> None:
    result = run_cli("copy-store", "--to", plain(pg_empty_url))
    assert result.code == 0, result.text
    answer = result.json
    assert answer["copied"] is True and answer["migrations"] == list(migrate.NAMES)
    assert pg_empty_url.password not in result.text
    with sqlite3.connect(f"file:{filled}?mode=ro", uri=True) as lite:
        tables = sorted(answer["tables"])
        expected = counts(lite, tables)
        nonces = lite.execute("SELECT id, pass_nonce FROM booking ORDER BY id").fetchall()
        keys = lite.execute("SELECT kid, secret FROM pass_key ORDER BY kid").fetchall()
    lite.close()
    assert {t: answer["tables"][t]["rows"] for t in tables} == expected
    assert expected["booking"] == 2 and expected["pass_key"] >= 1 and expected["payment"] == 1
    engine = sa.create_engine(pg_empty_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        assert counts(conn, tables) == expected
        # passes already printed stay valid: the same keys, the same booking nonces (NULL kept NULL)
        assert [tuple(r) for r in conn.execute(text("SELECT id, pass_nonce FROM booking ORDER BY id"))] == nonces
        assert [tuple(r) for r in conn.execute(text("SELECT kid, secret FROM pass_key ORDER BY kid"))] == keys
        # the next id is the one SQLite would have given
        new_id = conn.execute(text(
            "INSERT INTO booking (resource_id, household_id, resident_id, start_at, end_at) "
            "VALUES (1, 1, 1, '2026-12-01 10:00', '2026-12-01 11:00') RETURNING id")).scalar_one()
        assert new_id == answer["sequences"]["booking"] == max(i for i, _ in nonces) + 1
        # the store's triggers are on again
        with pytest.raises(sa.exc.DBAPIError, match="audit_append_only"):
            conn.execute(text("DELETE FROM audit"))
    engine.dispose()


def test_a_database_that_is_not_empty_is_refused_and_left_as_it_was(
        run_cli, filled: Path, pg_url: URL) -> None:
    result = run_cli("copy-store", "--to", plain(pg_url))
    assert (result.code, result.json["code"]) == (1, "store")
    engine = sa.create_engine(pg_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM booking")).scalar() == 0
    engine.dispose()


def test_a_row_the_server_refuses_stops_the_copy_and_leaves_the_database_empty(
        run_cli, filled: Path, pg_empty_url: URL) -> None:
    with sqlite3.connect(filled) as lite:  # an old store's booking time with seconds: the server's CHECK refuses it
        lite.execute("UPDATE booking SET start_at = start_at || ':00' WHERE id = 1")
    lite.close()
    result = run_cli("copy-store", "--to", plain(pg_empty_url))
    assert (result.code, result.json["code"]) == (1, "store")
    assert "booking" in result.json["error"]
    engine = sa.create_engine(pg_empty_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                 "WHERE n.nspname = 'public' AND c.relkind = 'r'")).scalar() == 0
    engine.dispose()


def test_a_wrong_password_is_refused_without_showing_it(run_cli, filled: Path, pg_empty_url: URL) -> None:
    result = run_cli("copy-store", "--to", plain(pg_empty_url.set(password="not-the-password")))
    assert (result.code, result.json["code"]) == (1, "store")
    assert "not-the-password" not in result.text


def test_the_target_must_be_a_server(run_cli, filled: Path, tmp_path: Path) -> None:
    result = run_cli("copy-store", "--to", str(tmp_path / "other.sqlite3"))
    assert (result.code, result.json["code"], result.json["field"]) == (1, "invalid", "to")


def test_two_compounds_share_one_database_each_in_its_own_schema(run_cli, filled: Path, pg_empty_url: URL) -> None:
    for compound in ("guidong", "xinfu"):
        result = run_cli("copy-store", "--to", plain(pg_empty_url.update_query_dict({"schema": compound})))
        assert result.code == 0, result.text
    engine = sa.create_engine(pg_empty_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT extnamespace::regnamespace::text FROM pg_extension "
                                 "WHERE extname = 'btree_gist'")).scalar() == "public"
        conn.execute(text("DROP SCHEMA guidong CASCADE"))  # one compound leaves; the other keeps its guard
        conn.execute(text("SET search_path = xinfu, public"))
        assert conn.execute(text("SELECT count(*) FROM booking")).scalar() == 2
        with pytest.raises(sa.exc.DBAPIError) as caught:
            conn.execute(text("INSERT INTO booking (resource_id, household_id, resident_id, start_at, end_at) "
                              "SELECT resource_id, household_id, resident_id, start_at, end_at FROM booking "
                              "WHERE status = 'booked' LIMIT 1"))
        assert getattr(caught.value.orig, "sqlstate", None) == "23P01"
    engine.dispose()


def test_a_clerk_may_not_copy_the_store(run_cli, filled: Path, pg_empty_url: URL) -> None:
    assert run_cli("clerk", "add", "管理员甲", "--role", "admin", "--password", "admin-pass-1", now=None).code == 0
    result = run_cli("copy-store", "--to", plain(pg_empty_url), now=None)  # not signed in: a clerk
    assert (result.code, result.json["code"]) == (1, "forbidden")
    engine = sa.create_engine(pg_empty_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                 "WHERE n.nspname = 'public' AND c.relkind = 'r'")).scalar() == 0
    engine.dispose()


def test_a_compound_is_copied_into_a_new_schema_beside_the_databases_own_store(
        run_cli, filled: Path, pg_url: URL) -> None:
    engine = sa.create_engine(pg_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        before = counts(conn, ["booking", "setting", "_linli_migrations"])
    result = run_cli("copy-store", "--to", plain(pg_url.update_query_dict({"schema": "guidong_02"})))
    assert result.code == 0, result.text
    assert result.json["to"].endswith("?schema=guidong_02") and result.json["migrations"] == list(migrate.NAMES)
    with engine.connect() as conn:
        assert counts(conn, ["booking", "setting", "_linli_migrations"]) == before  # public's store untouched
        conn.execute(text("SET search_path = guidong_02, public"))
        assert counts(conn, ["booking", "payment"]) == {"booking": 2, "payment": 1}
    engine.dispose()


def test_a_compound_schema_that_is_not_empty_is_refused_and_left_as_it_was(
        run_cli, filled: Path, pg_empty_url: URL) -> None:
    target = plain(pg_empty_url.update_query_dict({"schema": "guidong_03"}))
    assert run_cli("copy-store", "--to", target).code == 0
    run_cli("resident", "add", "--name", "李四", "--door", "5-1-302", "--phone", "13987654321")
    again = run_cli("copy-store", "--to", target, "--lang", "en")
    assert (again.code, again.json["code"]) == (1, "store") and "not empty" in again.json["error"]
    engine = sa.create_engine(pg_empty_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        conn.execute(text("SET search_path = guidong_03, public"))
        assert counts(conn, ["resident", "booking"]) == {"resident": 1, "booking": 2}
    engine.dispose()


def test_a_bad_compound_schema_is_refused_before_anything_connects(run_cli, filled: Path, pg_empty_url: URL) -> None:
    result = run_cli("copy-store", "--to", plain(pg_empty_url.update_query_dict({"schema": "Guidong-03"})))
    assert (result.code, result.json["code"], result.json["field"]) == (1, "invalid", "db")
    assert "Guidong-03" in result.json["error"] and "模式名" in result.json["error"]
