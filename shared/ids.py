"""Ids in URLs. Every id column is a PostgreSQL `integer`: comparing one with 2**31 or more fails
with "integer out of range" (a 500), so a path id outside 1 … 2**31 - 1 is a 404 before the
database is asked. shared.web.app installs IdConverter as every app's `int` converter, so no route
of any service can forget it."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def __init__(  # noqa: A002 (werkzeug's names)
        self, map: Map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID, signed: bool = False
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
