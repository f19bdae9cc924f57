"""The import graph of our own modules: no cycles, every package within its "May import:" line.

The graph is read from the source with `ast`, never by importing: module-level and
function-level imports alike (a function-level import that dodges a cycle is still a cycle),
`if TYPE_CHECKING:` ones too, and the ui modules booking/cli/drawing_commands.py names in DRAWN,
which the command line imports by name when a drawing command runs. Packages must not form a
cycle either (ui.bookings -> ui.money -> ui.bookings is one even when no two modules are): each
subpackage of booking/ and ui/ is a node, its modules' imports the edges, DRAWN's by-name imports
left out (they are the one sanctioned way booking reaches ui, loaded only when a command draws). Each package's __init__
docstring ends with a "May import:" line naming the packages its modules may import besides
their own; a module obeys the nearest package above it that has one. Every import must also
name something that exists, so a reference to a module that moved fails here, not at run time.

The checker functions take a folder, so the tests at the end run them on small packages made
in tmp_path to show that a cycle, a forbidden import and a stale import each fail.
"""
from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = ("booking", "ui")
QT = ("PySide6", "shiboken6")


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the module imported (the longest known module the statement names)
    line: int
    in_function: bool
    names: tuple[str, ...] = ()  # `from target import names`: each must exist
    external: str = ""  # a module not of ours (PySide6.QtCore)


def find_modules(root: Path, packages: tuple[str, ...] = OURS) -> dict[str, Path]:
    """Every module of the packages under `root`, by dotted name (a package by its own name)."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _walk(tree: ast.AST) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement with whether it sits inside a function."""
    out = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                out.append((child, in_function))
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(tree, False)
    return out


def read_imports(name: str, path: Path, known: dict[str, Path]) -> list[Import]:
    """The imports of one module, each resolved to the module of ours it names (or to `external`)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node, in_function in _walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in {n.split(".")[0] for n in known}:
                    out.append(Import(name, alias.name, node.lineno, in_function))
                else:
                    out.append(Import(name, "", node.lineno, in_function, external=alias.name))
            continue
        base = node.module or ""
        if node.level:  # `from . import x`, `from ..y import z`
            parts = package.split(".")
            base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
        if base.split(".")[0] not in {n.split(".")[0] for n in known}:
            out.append(Import(name, "", node.lineno, in_function, external=base))
            continue
        names = []
        for alias in node.names:
            if f"{base}.{alias.name}" in known:  # `from booking.store import clock`: the module itself
                out.append(Import(name, f"{base}.{alias.name}", node.lineno, in_function))
            else:
                names.append(alias.name)
        if names or not node.names:
            out.append(Import(name, base, node.lineno, in_function, tuple(names)))
    return out


@functools.cache  # each module is read once, not once per import of it (collection ran 4 s in every worker)
def _defined(path: Path) -> frozenset[str]:
    """The names a module binds at its top level (definitions, assignments, imports), if and try included."""
    names: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.If, ast.Try, ast.With)):
                visit(node.body)
                visit(getattr(node, "orelse", []))
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)
                visit(getattr(node, "finalbody", []))

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return frozenset(names)


def graph(root: Path, packages: tuple[str, ...] = OURS,
          by_name: dict[str, list[str]] | None = None) -> tuple[dict[str, set[str]], list[Import], list[str]]:
    """(module -> modules of ours it imports, every import, the imports that name nothing that exists).

    `by_name` adds the modules a module imports by name at run time (importlib)."""
    known = find_modules(root, packages)
    edges: dict[str, set[str]] = {name: set() for name in known}
    every, missing = [], []
    for name, path in known.items():
        for imp in read_imports(name, path, known):
            every.append(imp)
            if imp.external:
                continue
            if imp.target not in known:
                missing.append(f"{name}:{imp.line} imports {imp.target}, which is not a module")
                continue
            absent = [n for n in imp.names if n != "*" and n not in _defined(known[imp.target])]
            if absent:
                missing.append(f"{name}:{imp.line} imports {', '.join(absent)} from {imp.target}, "
                               "which has no such name or module")
            if imp.target != name:
                edges[name].add(imp.target)
    for name, targets in (by_name or {}).items():
        for target in targets:
            if target not in known:
                missing.append(f"{name} names {target}, which is not a module")
            edges[name].add(target)
    return edges, every, missing


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def package_of(module: str, depth: int = 2) -> str:
    """The package a module counts under in the package graph: booking.money.ledger -> booking.money."""
    return ".".join(module.split(".")[:depth])


def package_edges(edges: dict[str, set[str]], depth: int = 2) -> dict[str, set[str]]:
    """The module graph folded into packages (`package_of`): package -> the other packages it imports."""
    out: dict[str, set[str]] = {}
    for module, targets in edges.items():
        source = package_of(module, depth)
        out.setdefault(source, set())
        for target in targets:
            if package_of(target, depth) != source:
                out[source].add(package_of(target, depth))
                out.setdefault(package_of(target, depth), set())
    return out


def package_rules(root: Path, packages: tuple[str, ...] = OURS) -> dict[str, list[str]]:
    """package -> what its "May import:" line names (an empty list for "nothing of ours")."""
    rules = {}
    for name, path in find_modules(root, packages).items():
        if path.name != "__init__.py":
            continue
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        line = re.search(r"^May import:(.*?)(?:\n\s*\n|\Z)", doc, re.S | re.M)
        if line is not None:
            tops = "|".join(re.escape(p) for p in packages)
            rules[name] = re.findall(rf"\b(?:{tops})(?:\.\w+)*\b", line.group(1))
    return rules


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def broken_rules(edges: dict[str, set[str]], rules: dict[str, list[str]]) -> list[str]:
    """Every import that the nearest package rule above its module does not allow."""
    out = []
    for module, targets in sorted(edges.items()):
        governing = [p for p in rules if _within(module, p)]
        if not governing:
            continue
        package = max(governing, key=len)
        for target in sorted(targets):
            if not _within(target, package) and not any(_within(target, allowed) for allowed in rules[package]):
                out.append(f"{module} imports {target}: {package} may import {', '.join(rules[package]) or 'nothing'}")
    return out


def drawn_by_name(root: Path) -> dict[str, list[str]]:
    """booking/cli/drawing_commands.py's DRAWN, read from its source: the ui modules it imports by name."""
    tree = ast.parse((root / "booking" / "cli" / "drawing_commands.py").read_text(encoding="utf-8"))
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and target.id == "DRAWN":
            return {"booking.cli.drawing_commands": sorted(set(ast.literal_eval(node.value).values()))}
    raise AssertionError("booking/cli/drawing_commands.py has no DRAWN")


# --- the program ---------------------------------------------------------------------------------

EDGES, IMPORTS, MISSING = graph(ROOT, by_name=drawn_by_name(ROOT))
#: the imports written in the source, without DRAWN's by-name ones
STATIC = {m: {i.target for i in IMPORTS if i.source == m and not i.external and i.target in EDGES} - {m}
          for m in EDGES}


def test_our_modules_import_each_other_without_a_cycle():
    assert cycles(EDGES) == []


def test_no_two_packages_import_each_other_even_through_others():
    assert cycles(package_edges(STATIC)) == []


def test_every_module_imports_only_what_its_package_may():
    rules = package_rules(ROOT)
    packages = {m for m, path in find_modules(ROOT).items() if path.name == "__init__.py" and m.count(".") <= 1}
    assert sorted(packages - set(rules)) == [], "a package without a rule"
    assert broken_rules(EDGES, rules) == []


def test_every_import_names_a_module_or_a_name_that_exists():
    assert MISSING == []


def test_no_booking_module_imports_qt_even_inside_a_function():
    assert [f"{i.source}:{i.line} {i.external}" for i in IMPORTS
            if i.source.split(".")[0] == "booking" and i.external.split(".")[0] in QT] == []


def test_the_domain_never_imports_the_command_line_or_the_windows():
    domain = [m for m in EDGES if m.startswith("booking.") and not _within(m, "booking.cli")]
    assert [(m, t) for m in domain for t in EDGES[m] if _within(t, "booking.cli") or _within(t, "ui")] == []


def test_widgets_import_no_domain_package():
    assert [(m, t) for m, ts in EDGES.items() if _within(m, "ui.widgets")
            for t in ts if _within(t, "booking") and not _within(t, "booking.store")] == []


def test_the_graph_sees_function_level_imports_and_the_drawing_commands():
    """Sanity: the graph is not empty where it must not be (a parser that missed nested imports
    or DRAWN would pass the cycle test vacuously)."""
    assert any(i.in_function and i.source == "ui.reports.sheet_commands" and i.target == "ui.reports.printing"
               for i in IMPORTS)
    assert "ui.passes.pass_command" in EDGES["booking.cli.drawing_commands"]
    assert "booking.cli.registry" in EDGES["ui.passes.pass_command"]


# --- the checker on packages that break the rules ------------------------------------------------

def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_checker_finds_a_cycle_hidden_in_a_function(tmp_path):
    root = _package(tmp_path, {
        "shop/__init__.py": "",
        "shop/a.py": "from shop import b\n",
        "shop/b.py": "def late():\n    from shop.c import thing\n    return thing\n",
        "shop/c.py": "import shop.a\nthing = 1\n",
        "shop/d.py": "from shop import c\n",
    })
    edges, _, missing = graph(root, ("shop",))
    assert missing == []
    assert cycles(edges) == [["shop.a", "shop.b", "shop.c"]]


def test_the_checker_finds_packages_that_import_each_other_without_a_module_cycle(tmp_path):
    root = _package(tmp_path, {
        "shop/__init__.py": "",
        "shop/front/__init__.py": "",
        "shop/front/till.py": "from shop.back import prices\n",
        "shop/front/door.py": "",
        "shop/back/__init__.py": "",
        "shop/back/prices.py": "",
        "shop/back/stock.py": "from shop.front import door\n",
        "shop/back/orders.py": "from shop.back import stock\n",
    })
    edges, _, _ = graph(root, ("shop",))
    assert cycles(edges) == []
    assert cycles(package_edges(edges)) == [["shop.back", "shop.front"]]


def test_the_checker_finds_an_import_its_package_may_not_make(tmp_path):
    root = _package(tmp_path, {
        "shop/__init__.py": '"""The shop.\n\nMay import: nothing of ours.\n"""\n',
        "shop/low/__init__.py": '"""The bottom.\n\nMay import: nothing of ours.\n"""\n',
        "shop/high/__init__.py": '"""The top.\n\nMay import: shop.low.\n"""\n',
        "shop/low/base.py": "def up():\n    from shop.high import top\n    return top\n",
        "shop/high/top.py": "from shop.low import base\n",
    })
    edges, _, _ = graph(root, ("shop",))
    rules = package_rules(root, ("shop",))
    assert rules == {"shop": [], "shop.low": [], "shop.high": ["shop.low"]}
    assert broken_rules(edges, rules) == ["shop.low.base imports shop.high.top: shop.low may import nothing"]
    assert cycles(edges) == [["shop.high.top", "shop.low.base"]]


def test_the_checker_finds_an_import_of_something_that_moved(tmp_path):
    root = _package(tmp_path, {
        "shop/__init__.py": "",
        "shop/money/__init__.py": "",
        "shop/money/till.py": "def total():\n    return 0\n",
        "shop/front.py": "from shop import till\nfrom shop.money.till import total, subtotal\nimport shop.till\n",
    })
    _, _, missing = graph(root, ("shop",))
    assert missing == ["shop.front:1 imports till from shop, which has no such name or module",
                       "shop.front:2 imports subtotal from shop.money.till, which has no such name or module",
                       "shop.front:3 imports shop.till, which is not a module"]
