"""A breach: one rule of the convention a proposed booking would break, with its words.

Its own module because the rules (booking/policy/rules.py) list the no-show restriction among
a booking's breaches and the restrictions (booking/policy/restrictions.py) make breaches: both
import this, and the rules import the restrictions.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from booking.store.i18n import tr


@dataclass(frozen=True)
class Breach:
    """One rule a proposed booking breaks, with the words to tell the clerk."""

    rule: str
    key: str
    params: dict[str, Any]

    def message(self, language: str | None = None) -> str:
        return tr(self.key, language, **self.params)

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "name": tr(f"rule_{self.rule}"), "message": self.message()}
