"""Ids in URLs. Every id column is a PostgreSQL `integer`: comparing one with 2**31 or more fails
with "integer out of range" (a 500), so a path id outside 1 … 2**31 - 1 is a 404 before the
database is asked. shared.web.app installs IdConverter as every app's `int` converter, so no route
of any service can forget it."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
