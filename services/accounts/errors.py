"""Why a use case refused, as a code and the form field it concerns; the pages word it
(services/accounts/web/wording.py)."""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, code: str, field: str = "") -> None:
        super().__init__(code)
        self.code, self.field = code, field
