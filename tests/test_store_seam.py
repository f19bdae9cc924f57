"""The domain talks to the store through its one seam, `store.sql(...)` (booking/store/connection.py),
so one set of domain code runs on SQLite and PostgreSQL alike (issue 15).

Only booking/store (the seam, the SQLite migrations) and booking/ops (backup, restore and
diagnosis: file operations of one engine) may reach past it. An AST scan, like test_layering's.
"""
from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEHIND_THE_SEAM = ("store", "ops")
#: modules of one engine's driver or helpers
DRIVERS = {"sqlite3", "sqlite_utils"}
#: attribute calls that bypass the seam: the raw connection's, sqlite-utils' table helpers
RAW_CALLS = {("conn", "execute"), ("conn", "executemany"), ("conn", "executescript"),
             ("db", "execute"), ("db", "query"), ("db", "table"), ("db", "executescript")}


def _domain_modules() -> list[Path]:
    return sorted(p for p in (ROOT / "booking").rglob("*.py")
                  if p.relative_to(ROOT / "booking").parts[0] not in BEHIND_THE_SEAM)


def _bypasses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            found += [f"{where} imports {a.name}" for a in node.names if a.name.split(".")[0] in DRIVERS]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in DRIVERS:
            found.append(f"{where} imports from {node.module}")
        elif isinstance(node, ast.Attribute):
            if node.attr == "lastrowid":
                found.append(f"{where} reads lastrowid (use RETURNING id)")
            inner = node.value
            owner = (inner.attr if isinstance(inner, ast.Attribute)
                     else inner.id if isinstance(inner, ast.Name) else None)
            if (owner, node.attr) in RAW_CALLS:
                found.append(f"{where} calls {owner}.{node.attr}")
    return found


def test_no_domain_module_reaches_past_the_store_seam():
    assert len(_domain_modules()) > 40  # the scan sees the domain
    assert [b for p in _domain_modules() for b in _bypasses(p)] == []


def test_the_scan_catches_each_way_past_the_seam(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlite3\nfrom sqlite_utils import Database\n"
                   "def f(store):\n"
                   "    store.conn.execute('SELECT 1')\n"
                   "    store.db.table('x').insert({})\n"
                   "    conn.execute('SELECT 1').lastrowid\n", encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = _bypasses(bad)
    finally:
        ROOT = saved
    assert len(found) == 6, found


def test_this_sqlite_has_returning():
    """The seam's INSERTs end in RETURNING id: SQLite 3.35 or later (CPython 3.11 on Windows bundles 3.4x)."""
    assert sqlite3.sqlite_version_info >= (3, 35, 0)
