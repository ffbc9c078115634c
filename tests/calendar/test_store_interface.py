"""The store interface holds: SqlStore has every method of the CalendarStore protocol with the
same signature and no public method beyond it, and dav/ calls nothing on a store that the
protocol does not name. The checkers are tried on wrong input too, so they can fail."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from services.calendar import dav
from services.calendar.store.interface import CalendarStore
from services.calendar.store.sql import SqlStore

DAV_DIR = Path(dav.__file__).parent


def protocol_methods(protocol) -> dict[str, inspect.Signature]:
    """The methods a Protocol class itself declares (not those typing.Protocol brings)."""
    return {
        name: inspect.signature(value)
        for name, value in vars(protocol).items()
        if inspect.isfunction(value) and not name.startswith("_")
    }


def public_methods(cls) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(value)
        for name, value in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def mismatches(protocol, implementation) -> list[str]:
    wanted, offered = protocol_methods(protocol), public_methods(implementation)
    problems = [f"missing {name}" for name in sorted(set(wanted) - set(offered))]
    problems += [f"not in the protocol: {name}" for name in sorted(set(offered) - set(wanted))]
    problems += [
        f"{name}: protocol {wanted[name]} but implementation {offered[name]}"
        for name in sorted(set(wanted) & set(offered))
        if wanted[name] != offered[name]
    ]
    return problems


def store_calls(source: str) -> set[str]:
    """Names used as `store.<name>`, `ctx.store.<name>`, `self.store.<name>` (and deeper)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            holder = node.value
            if (isinstance(holder, ast.Name) and holder.id == "store") or (
                isinstance(holder, ast.Attribute) and holder.attr == "store"
            ):
                found.add(node.attr)
    return found


def test_sql_store_has_exactly_the_protocols_methods_and_signatures():
    assert mismatches(CalendarStore, SqlStore) == []


def test_dav_calls_nothing_on_the_store_outside_the_protocol():
    used = set().union(*(store_calls(p.read_text(encoding="utf-8")) for p in DAV_DIR.glob("*.py")))
    assert used, "the scan found no store calls at all: it is looking at the wrong thing"
    assert used - set(protocol_methods(CalendarStore)) == set()


def test_the_checks_find_what_is_wrong():
    class Incomplete:
        def calendars(self, extra): ...  # another signature
        def secret(self): ...  # beyond the protocol

    problems = mismatches(CalendarStore, Incomplete)
    assert "missing put" in problems and "not in the protocol: secret" in problems
    assert any(p.startswith("calendars: protocol") for p in problems)
    assert store_calls("ctx.store.secret(1)\nself.ctx.store.put()\nstore.get(2)\nother.x()") == {"secret", "put", "get"}
