"""The calendar's layers, read from its imports (module level and inside functions): no
import cycles; only the web layer's registration imports dav/; the domain knows neither Flask
nor SQLAlchemy nor the layers above it; the store knows no HTTP. Checked by parsing the
sources, so a new import that breaks a rule fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import services.calendar

ROOT = Path(services.calendar.__file__).parent
PACKAGE = "services.calendar"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports (a `from x import y` counts as x, and as x.y if that is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def graph() -> dict[str, set[str]]:
    sources = {module_name(p): p for p in ROOT.rglob("*.py") if "migrations" not in p.parts}
    return {name: {i for i in imports_of(path) if i in sources and i != name} for name, path in sources.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected part with more than one module (depth-first search);
    a package's own __init__ importing its submodules is not a cycle unless they import it back."""
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_only_the_web_layer_imports_dav():
    importers = {
        name
        for name, deps in graph().items()
        if not name.startswith(f"{PACKAGE}.dav") and any(d.startswith(f"{PACKAGE}.dav") for d in deps)
    }
    assert importers == {f"{PACKAGE}.web"}


def test_domain_knows_no_framework_and_no_layer_above_it():
    above = ("flask", "sqlalchemy", "werkzeug", f"{PACKAGE}.dav", f"{PACKAGE}.store", f"{PACKAGE}.web")
    wrong = {p.name: sorted(i for i in imports_of(p) if i.startswith(above)) for p in (ROOT / "domain").glob("*.py")}
    assert {name: found for name, found in wrong.items() if found} == {}


def test_the_store_knows_no_http():
    above = ("flask", "werkzeug", f"{PACKAGE}.dav", f"{PACKAGE}.web")
    wrong = {p.name: sorted(i for i in imports_of(p) if i.startswith(above)) for p in (ROOT / "store").glob("*.py")}
    assert {name: found for name, found in wrong.items() if found} == {}
