"""Clerk accounts: who may sign in at the desk, as a clerk or as an admin.

Passwords are never stored: only a salted scrypt hash (RFC 7914, from Python's
hashlib) with the algorithm and its parameters written beside it, so a later
version can raise the cost and still check the passwords already stored (and
rehash them at the next sign-in). A refused sign-in never says whether the name
or the password was wrong, and takes as long either way.

The first admin is made by `create_first_admin`, which works only while the
store has no clerk at all; after that only an admin adds clerks.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking.store import audit, clock
from booking.store.audit import Actor
from booking.store.errors import DeskError, invalid, not_found
from booking.store.i18n import tr
from booking.store.connection import Store, insert_sql
from booking.store.validation import normalize_name

ROLES = ("clerk", "admin")
MIN_PASSWORD = 6
MAX_PASSWORD = 128
KDF = "scrypt"
# n=2**14, r=8, p=1: the parameters RFC 7914 and OWASP name for interactive
# sign-in (16 MiB, about 50 ms here): slow for a guesser, unnoticed by a clerk.
KDF_PARAMS: dict[str, int] = {"n": 2 ** 14, "r": 8, "p": 1, "dklen": 32}
SALT_BYTES = 16


@dataclass(frozen=True)
class Clerk:
    """An account, without anything secret."""

    name: str
    display_name: str
    role: str
    active: bool
    created_at: str

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "display_name": self.display_name, "role": self.role,
                "role_text": tr(f"clerk_role_{self.role}"), "active": self.active,
                "created_at": self.created_at}


def _check_password(password: str | None) -> str:
    text = password or ""
    if len(text) < MIN_PASSWORD:
        raise invalid("clerk_password_short", field="password", n=MIN_PASSWORD)
    if len(text) > MAX_PASSWORD:
        raise invalid("clerk_password_long", field="password", n=MAX_PASSWORD)
    if not text.strip():
        raise invalid("clerk_password_blank", field="password")
    return text


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise invalid("clerk_role_bad", field="role")
    return role


def _derive(password: str, salt: bytes, kdf: str, params: dict[str, int]) -> bytes:
    data = password.encode("utf-8")
    if kdf == "scrypt":
        return hashlib.scrypt(data, salt=salt, n=params["n"], r=params["r"], p=params["p"],
                              dklen=params["dklen"], maxmem=128 * params["r"] * params["n"] * 2)
    if kdf == "pbkdf2_sha256":  # read only: accepted if a future import brings such hashes
        return hashlib.pbkdf2_hmac("sha256", data, salt, params["iterations"], params["dklen"])
    raise ValueError(f"unknown key-derivation function {kdf!r}")


def hash_password(password: str) -> dict[str, str]:
    """The stored form of a password: kdf, its parameters (JSON), salt and hash (hex)."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _derive(password, salt, KDF, KDF_PARAMS)
    return {"kdf": KDF, "kdf_params": json.dumps(KDF_PARAMS, sort_keys=True),
            "salt": salt.hex(), "password_hash": digest.hex()}


def _matches(password: str, stored: dict[str, str]) -> bool:
    digest = _derive(password, bytes.fromhex(stored["salt"]), stored["kdf"], json.loads(stored["kdf_params"]))
    return hmac.compare_digest(digest, bytes.fromhex(stored["password_hash"]))


# Checked against when the name is unknown, so a wrong name costs as long as a wrong password: the
# same derivation at today's cost, compared with random bytes (an unknown name is refused whatever
# they are). Not a hash of anything, so importing this module derives nothing: every command's
# process would otherwise pay a whole scrypt (16 MiB, ~50 ms) before doing anything.
_DECOY = {"kdf": KDF, "kdf_params": json.dumps(KDF_PARAMS, sort_keys=True),
          "salt": secrets.token_hex(SALT_BYTES), "password_hash": secrets.token_hex(KDF_PARAMS["dklen"])}

_COLUMNS = "name, display_name, role, active, created_at"


def _to_clerk(row: tuple[Any, ...]) -> Clerk:
    return Clerk(row[0], row[1], row[2], bool(row[3]), row[4])


def _clean_name(name: str | None) -> str:
    return normalize_name(name)


def count(store: Store) -> int:
    """How many accounts there are (0 on a new store: offer to create the first admin)."""
    return int(store.sql("SELECT count(*) FROM clerk").fetchone()[0])


def get(store: Store, name: str) -> Clerk:
    row = store.sql(f"SELECT {_COLUMNS} FROM clerk WHERE name = :name", name=" ".join((name or "").split())).fetchone()
    if row is None:
        raise not_found("clerk_not_found", name=name)
    return _to_clerk(row)


def all_clerks(store: Store) -> list[Clerk]:
    """Every account, admins first, then by name (named so: `list` would hide the builtin)."""
    rows = store.sql(f"SELECT {_COLUMNS} FROM clerk ORDER BY role = 'clerk', name")
    return [_to_clerk(r) for r in rows]


def _insert(store: Store, actor: Actor, name: str, role: str, password: str,
            display_name: str | None, *, now: datetime) -> None:
    if store.sql("SELECT 1 FROM clerk WHERE name = :name", name=name).fetchone():
        raise invalid("clerk_name_taken", field="name", name=name)
    row = {"name": name, "display_name": display_name or name, "role": role, "active": 1,
           "created_at": clock.to_stamp(now), "updated_at": clock.to_stamp(now), **hash_password(password)}
    store.sql(insert_sql("clerk", row), **row)
    audit.record(store, actor, "add", "clerk", name, after={"role": role, "display_name": row["display_name"]}, at=now)


def add(store: Store, actor: Actor, name: str, role: str, password: str,
        display_name: str | None = None, *, now: datetime) -> Clerk:
    """Add an account (admin only). The password needs at least 6 characters."""
    if not actor.is_admin:
        raise DeskError("forbidden", "clerk_admin_only")
    name = _clean_name(name)
    role = _check_role(role)
    password = _check_password(password)
    display = normalize_name(display_name) if display_name else None
    with store.write():
        _insert(store, actor, name, role, password, display, now=now)
    return get(store, name)


def create_first_admin(store: Store, name: str, password: str, display_name: str | None = None, *,
                       now: datetime) -> Actor:
    """Make the first admin of a store that has no account yet, and sign them in."""
    name = _clean_name(name)
    password = _check_password(password)
    display = normalize_name(display_name) if display_name else None
    with store.write():
        if count(store):  # checked inside the write: two desks starting together make one admin
            raise DeskError("forbidden", "clerk_first_exists")
        _insert(store, Actor(name, "admin"), name, "admin", password, display, now=now)
    return Actor(name, "admin")


def authenticate(store: Store, name: str, password: str, *, now: datetime) -> Actor:
    """The signed-in actor, or DeskError 'forbidden' saying only "wrong name or password"."""
    key = " ".join((name or "").split())
    row = store.sql(
        "SELECT name, role, active, kdf, kdf_params, salt, password_hash FROM clerk WHERE name = :key",
        key=key).fetchone()
    stored = _DECOY if row is None else {"kdf": row[3], "kdf_params": row[4], "salt": row[5],
                                         "password_hash": row[6]}
    good = _matches(password or "", stored)
    if row is None or not good or not row[2]:
        raise DeskError("forbidden", "clerk_bad_login", field="password")
    if stored["kdf"] != KDF or json.loads(stored["kdf_params"]) != KDF_PARAMS:
        _store_password(store, row[0], password, now=now)  # raise an old hash to today's cost
    return Actor(row[0], row[1])


def _stored(store: Store, name: str) -> dict[str, str]:
    row = store.sql("SELECT kdf, kdf_params, salt, password_hash FROM clerk WHERE name = :name",
                    name=name).fetchone()
    return {"kdf": row[0], "kdf_params": row[1], "salt": row[2], "password_hash": row[3]}


def _store_password(store: Store, name: str, password: str, *, now: datetime) -> None:
    fresh = hash_password(password)
    with store.write():
        store.sql(
            "UPDATE clerk SET kdf = :kdf, kdf_params = :kdf_params, salt = :salt, password_hash = :password_hash, "
            "updated_at = :now_stamp "
            "WHERE name = :name",
            kdf=fresh["kdf"], kdf_params=fresh["kdf_params"], salt=fresh["salt"], password_hash=fresh["password_hash"],
            now_stamp=clock.to_stamp(now), name=name)


def set_password(store: Store, actor: Actor, name: str, password: str, old_password: str | None = None, *,
                 now: datetime) -> Clerk:
    """Change a password: a signed-in admin for anyone; anyone else only their own account, signed in
    to it, and with its old password (a name merely claimed, or an unattended desk, proves nothing)."""
    clerk = get(store, name)
    if not (actor.is_admin and actor.proven):
        if not actor.proven or actor.name != clerk.name:
            raise DeskError("forbidden", "clerk_own_password")
        if not old_password:
            raise DeskError("forbidden", "clerk_old_password", field="old_password")
        if not _matches(old_password, _stored(store, clerk.name)):
            raise DeskError("forbidden", "clerk_old_password_wrong", field="old_password")
    password = _check_password(password)
    with store.write():
        _store_password(store, clerk.name, password, now=now)
        audit.record(store, actor, "passwd", "clerk", clerk.name, at=now)  # never the password or its hash
    return get(store, clerk.name)


def set_active(store: Store, actor: Actor, name: str, active: bool, *, now: datetime) -> Clerk:
    """Disable an account (it can no longer sign in; its name stays in the log) or enable it (admin)."""
    if not actor.is_admin:
        raise DeskError("forbidden", "clerk_admin_only")
    clerk = get(store, name)
    with store.write():
        if not active and clerk.role == "admin" and clerk.active:
            admins = store.sql(
                "SELECT count(*) FROM clerk WHERE role = 'admin' AND active = 1").fetchone()[0]
            if admins <= 1:
                raise DeskError("state", "clerk_last_admin")
        store.sql("UPDATE clerk SET active = :active, updated_at = :now_stamp WHERE name = :name",
                  active=int(active), now_stamp=clock.to_stamp(now), name=clerk.name)
        audit.record(store, actor, "enable" if active else "disable", "clerk", clerk.name,
                     before={"active": clerk.active}, after={"active": active}, at=now)
    return get(store, clerk.name)
