"""Scopes: which places a rule or a closure covers.

'*' is everything, 'kind:parking' or 'kind:room' one kind, 'res:CODE' one space or room.
Here, below both the convention (booking/policy/rules.py) and the closures, because both
read scopes the admin typed and neither may import the other for it.
"""
from __future__ import annotations

from booking.places.inventory import get as get_resource
from booking.store.connection import Store
from booking.store.errors import invalid


def parse_scope(store: Store, scope: str) -> str:
    scope = (scope or "").strip()
    if scope == "*" or scope in ("kind:parking", "kind:room"):
        return scope
    if scope.lower().startswith("res:"):
        return "res:" + get_resource(store, scope[4:]).code
    raise invalid("rule_scope_bad", field="scope")
