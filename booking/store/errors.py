"""The one error type the domain raises for anything a user can cause.

A `DeskError` carries a short machine code (`clash`, `rule`, `invalid`,
`not_found`, ...), a message key rendered in the user's language, the field it
concerns (so a dialog can show it next to that field) and optional details
(for example the clashing bookings). Anything else that escapes is a bug.
"""
from __future__ import annotations

from typing import Any

from booking.store.i18n import tr

CODES = (
    "invalid",      # a value the user typed is not acceptable
    "not_found",    # no such booking, resource, resident ...
    "clash",        # the time overlaps an active booking of the same resource
    "rule",         # the residents' convention forbids it (an admin may override)
    "forbidden",    # the user's role may not do this
    "state",        # not possible in the booking's current state
    "store",        # the store file cannot be used (not a database, newer version, locked ...)
    "usage",        # a command was called wrongly
    "system",       # the computer lacks what is needed (a font with Chinese characters, a real printer)
    "internal",     # a bug: the program says so instead of crashing
)


class DeskError(Exception):
    """A refusal the user can understand and act on."""

    def __init__(
        self,
        code: str,
        key: str,
        /,
        *,
        field: str | None = None,
        details: Any = None,
        **params: Any,
    ) -> None:
        assert code in CODES, code
        self.code = code
        self.key = key
        self.field = field
        self.details = details
        self.params = params
        super().__init__(self.message("en"))

    def message(self, language: str | None = None) -> str:
        return tr(self.key, language, **self.params)

    def to_json(self, language: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"error": self.message(language), "code": self.code}
        if self.field:
            out["field"] = self.field
        if self.details is not None:
            out["details"] = self.details
        return out


def invalid(key: str, field: str | None = None, **params: Any) -> DeskError:
    return DeskError("invalid", key, field=field, **params)


def not_found(key: str, **params: Any) -> DeskError:
    return DeskError("not_found", key, **params)
