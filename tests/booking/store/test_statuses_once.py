"""The booking statuses are written down once (booking/store/schema.py: STATUSES, ACTIVE, ENDED);
no other module of ours, the bench included, types the same list again."""
from __future__ import annotations

import ast
from pathlib import Path

from booking.store.schema import ACTIVE, ENDED, STATUSES

ROOT = Path(__file__).resolve().parents[3]


def test_active_and_ended_split_the_statuses() -> None:
    assert set(ACTIVE) | set(ENDED) == set(STATUSES) and not set(ACTIVE) & set(ENDED)


def test_no_module_types_the_statuses_again() -> None:
    lists = {frozenset(ACTIVE), frozenset(ENDED), frozenset(STATUSES)}
    found = []
    for folder in ("booking", "ui", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "booking" / "store" / "schema.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and len(node.elts) > 1 and all(
                        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
                    if frozenset(e.value for e in node.elts) in lists:  # type: ignore[attr-defined]
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
