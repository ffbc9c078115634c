"""One kind of refusal for every use case: a code the pages word (web/wording.py), and the
form field it belongs to, if any."""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, code: str, field: str | None = None, status: int = 409) -> None:
        super().__init__(code)
        self.code, self.field, self.status = code, field, status


class NotFound(Refused):
    def __init__(self) -> None:
        super().__init__("not_found", status=404)
