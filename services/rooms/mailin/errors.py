"""Why a mail is refused, as a code (replies.py says it in words)."""

from __future__ import annotations


class Refused(Exception):
    """The mail is not taken: nothing is booked, the sender's server gets a 5xx with the reason."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail  # for the log only: never personal data
