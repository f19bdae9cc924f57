"""The table models of the admin views: residents, resources, rules, clerks, the audit log.

Each is a read-only table (ui.widgets.tables.TableModel) over the domain's data. The long lists
(residents, the audit log) hold only ids or load a page at a time, so a store
with ten years of history opens them at once; the short ones (117 resources,
a few dozen rules and clerks) load whole.
"""
from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QColor

from booking.people import clerks, residents
from booking.places import inventory
from booking.policy import rules
from booking.store import audit
from booking.store.errors import DeskError
from booking.store.i18n import tr
from booking.store.validation import mask_phone
from ui.widgets.tables import TableModel

AUDIT_PAGE = 200
MAX_FOUND = 500

# The audit log's action and record codes with words, the messages uis_audit_<code> ("-" as "_");
# a code not listed shows as it is stored.
AUDIT_WORDS = (
    "add", "book", "cancel", "check-in", "check-out", "create", "disable", "enable", "no_show", "passwd", "reissue",
    "remove", "rename", "reschedule", "restore", "rotate", "seed", "set", "demo", "import", "booking", "resident",
    "resource", "rule", "clerk", "closure", "station", "pass_key", "vehicle", "setting", "store",
)


def audit_word(code: str | None) -> str:
    """An audit action or record code in the user's language."""
    if not code:
        return ""
    key = f"uis_audit_{code.replace('-', '_')}"
    return tr(key) if code in AUDIT_WORDS else code


def worded_codes(text: str) -> tuple[str, ...]:
    """The action and record codes whose words, as the log shows them in the language in use,
    contain `text` (取消 or "cancel" finds the cancellations, stored as 'cancel')."""
    folded = text.casefold()
    if not folded:
        return ()
    return tuple(code for code in AUDIT_WORDS if folded in audit_word(code).casefold())


class _Listed(TableModel):
    """A table of one list the domain gives whole (`load`), read again by `refresh`."""

    def __init__(self, store: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self._rows: list[Any] = []
        self.refresh()

    def load(self) -> list[Any]:
        raise NotImplementedError

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = self.load()
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._rows)


class ResidentsModel(TableModel):
    """Active residents by door, or those a search finds (phone, last 4, door, plate, name)."""

    COLUMNS = ("uis_col_name", "uis_col_phone", "uis_col_door", "uis_col_plates")

    def __init__(self, store: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self.query = ""
        self._ids: list[int] = []
        self._cache: dict[int, residents.Resident] = {}
        self.refresh()

    def search(self, text: str) -> None:
        self.query = " ".join((text or "").split())
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._cache.clear()
        if self.query:
            found = residents.find(self.store, self.query, limit=MAX_FOUND)
            self._ids = [r.id for r in found]
            self._cache.update({r.id: r for r in found})
        else:
            # Ids only (14,000 residents at most); each row is read from the domain when shown.
            self._ids = [row[0] for row in self.store.sql(
                "SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id WHERE r.active = 1 "
                "ORDER BY h.building, h.unit, h.room, r.name")]
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._ids)

    def resident(self, number: int) -> residents.Resident:
        resident_id = self._ids[number]
        if resident_id not in self._cache:
            if len(self._cache) > 2000:
                self._cache.clear()
            self._cache[resident_id] = residents.get(self.store, resident_id)
        return self._cache[resident_id]

    def cell(self, number: int, column: str) -> Any:
        person = self.resident(number)
        return {"uis_col_name": person.name, "uis_col_phone": mask_phone(person.phone),
                "uis_col_door": person.door, "uis_col_plates": " ".join(person.plates)}[column]


def features_text(res: inventory.Resource) -> str:
    flags = [("ev", res.ev), ("accessible", res.accessible), ("visitor", res.visitor)]
    return "、".join(tr(f"uis_feature_{name}") for name, on in flags if on)


class ResourcesModel(_Listed):
    """Every space and room, disabled ones greyed."""

    COLUMNS = ("uis_col_code", "uis_col_kind", "uis_col_res_name", "uis_col_zone", "uis_col_features",
               "uis_col_capacity", "uis_col_area", "uis_col_state")
    WORDS = frozenset({"uis_col_kind", "uis_col_features", "uis_col_state"})

    def load(self) -> list[inventory.Resource]:
        return inventory.all_resources(self.store)

    def resource(self, number: int) -> inventory.Resource:
        return self._rows[number]

    def cell(self, number: int, column: str) -> Any:
        res = self._rows[number]
        return {"uis_col_code": res.code, "uis_col_kind": tr(f"kind_{res.kind}"), "uis_col_res_name": res.name,
                "uis_col_zone": res.zone or "", "uis_col_features": features_text(res),
                "uis_col_capacity": res.capacity, "uis_col_area": res.area_m2,
                "uis_col_state": tr("uis_enabled" if res.enabled else "uis_disabled")}[column]

    def colour(self, number: int) -> QColor | None:
        return None if self._rows[number].enabled else QColor("#8a8f98")


def scope_text(store: Any, scope: str) -> str:
    """'*' → 全部, 'kind:parking' → 全部车位, 'res:R06' → 'R06 市民广场'."""
    if scope == "*":
        return tr("uis_scope_all")
    if scope.startswith("kind:"):
        return tr(f"uis_scope_{scope[5:]}")
    code = scope[4:] if scope.startswith("res:") else scope
    try:
        return f"{code} {inventory.get(store, code).name}"
    except DeskError:  # a rule for a resource code that no longer exists: show the code
        return code


def value_text(name: str, value: Any) -> str:
    """A rule's value in words: '3 天', '19:00–07:30', '不限'."""
    if value is None:
        return tr("uis_rule_off")
    kind = rules.RULES.get(name)
    if kind == "hours" and isinstance(value, dict):
        return f"{value.get('from')}–{value.get('to')}"
    if kind == "minutes":
        return rules.duration_text(int(value))
    if kind == "days":
        return tr("unit_days", n=value)
    return str(value)


def value_input(name: str, value: Any) -> str:
    """A rule's value as the admin types it (the inverse of rules.parse_value)."""
    if value is None:
        return "off"
    if isinstance(value, dict):
        return f"{value.get('from')}-{value.get('to')}"
    return str(value)


class RulesModel(_Listed):
    """The residents' convention: every rule at every scope."""

    COLUMNS = ("uis_col_scope", "uis_col_rule", "uis_col_value", "uis_col_updated")
    WORDS = frozenset({"uis_col_scope"})

    def load(self) -> list[dict[str, Any]]:
        return rules.all_rules(self.store)

    def rule(self, number: int) -> dict[str, Any]:
        return self._rows[number]

    def cell(self, number: int, column: str) -> Any:
        row = self._rows[number]
        return {"uis_col_scope": scope_text(self.store, row["scope"]), "uis_col_rule": tr(f"rule_{row['name']}"),
                "uis_col_value": value_text(row["name"], row["value"]),
                "uis_col_updated": (row["updated_at"] or "")[:10]}[column]  # the minute is in the audit log


class ClerksModel(_Listed):
    """The accounts that can sign in (never anything secret)."""

    COLUMNS = ("uis_col_account", "uis_col_display", "uis_col_role", "uis_col_state", "uis_col_created")
    WORDS = frozenset({"uis_col_role", "uis_col_state"})

    def load(self) -> list[clerks.Clerk]:
        return clerks.all_clerks(self.store)

    def clerk(self, number: int) -> clerks.Clerk:
        return self._rows[number]

    def cell(self, number: int, column: str) -> Any:
        clerk = self._rows[number]
        return {"uis_col_account": clerk.name, "uis_col_display": clerk.display_name,
                "uis_col_role": tr(f"clerk_role_{clerk.role}"),
                "uis_col_state": tr("uis_enabled" if clerk.active else "uis_disabled"),
                "uis_col_created": clerk.created_at[:16]}[column]

    def colour(self, number: int) -> QColor | None:
        return None if self._rows[number].active else QColor("#8a8f98")


def change_text(before: str | None, after: str | None) -> str:
    """The before and after of an audit entry, short: 'booked → checked_in'."""
    def short(text: str | None) -> str:
        if not text:
            return ""
        try:
            value = json.loads(text)
        except ValueError:
            return text
        if isinstance(value, dict):
            return ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
        return str(value)
    old, new = short(before), short(after)
    return f"{old} → {new}" if old and new else new or old


class AuditModel(TableModel):
    """The audit log, newest first, a page at a time; optionally only entries mentioning a text."""

    COLUMNS = ("uis_col_at", "uis_col_actor", "uis_col_action", "uis_col_entity", "uis_col_entity_id",
               "uis_col_reason", "uis_col_change")
    WORDS = frozenset({"uis_col_action", "uis_col_entity"})

    def __init__(self, store: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self.query = ""
        self._rows: list[tuple] = []
        self._more = True
        self.refresh()

    def search(self, text: str) -> None:
        self.query = audit.search_terms(text)
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = self._page(None)
        self._more = len(self._rows) == AUDIT_PAGE
        self.endResetModel()

    def _page(self, before_id: int | None) -> list[tuple]:
        # the domain's search: a page older than before_id, the same answer on both engines
        return audit.search(self.store, self.query, before_id=before_id, limit=AUDIT_PAGE,
                            codes=worded_codes(self.query))

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or not self._more or not self._rows:
            self._more = False
            return
        page = self._page(self._rows[-1][0])
        self._more = len(page) == AUDIT_PAGE
        if page:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def row_total(self) -> int:
        return len(self._rows)

    def cell(self, number: int, column: str) -> Any:
        _id, at, actor, action, entity, entity_id, reason, before, after, reason_key, params = self._rows[number]
        reason = audit.stored_text(reason_key, reason, params)  # in the language in use
        return {"uis_col_at": at[:19], "uis_col_actor": audit.actor_text(actor), "uis_col_action": audit_word(action),
                "uis_col_entity": audit_word(entity), "uis_col_entity_id": entity_id or "",
                "uis_col_reason": reason or "",
                "uis_col_change": change_text(before, after)}[column]
