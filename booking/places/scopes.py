"""Scopes: which places a rule or a closure covers.

'*' is everything, 'kind:parking' or 'kind:room' one kind, 'res:CODE' one space or room.
Here, below both the convention (booking/policy/rules.py) and the closures, because both
read scopes the admin typed and neither may import the other for it.
"""
from __future__ import annotations

from booking.places.inventory import get as get_resource
from booking.store.connection import Store
from booking.store.errors import invalid
from booking.store.i18n import define

define(
    rule_scope_bad=("范围应为 *、kind:parking、kind:room 或 res:编号。",
                    "The scope is *, kind:parking, kind:room or res:CODE."),
)


def parse_scope(store: Store, scope: str) -> str:
    scope = (scope or "").strip()
    if scope == "*" or scope in ("kind:parking", "kind:room"):
        return scope
    if scope.lower().startswith("res:"):
        return "res:" + get_resource(store, scope[4:]).code
    raise invalid("rule_scope_bad", field="scope")
