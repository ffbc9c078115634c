"""A new password as the forms take it: typed twice, long enough, not absurdly long. Problems
come back as codes; the page words them."""

from __future__ import annotations

from shared.identity.rules import MAX_PASSWORD, MIN_PASSWORD

TOO_SHORT, TOO_LONG, MISMATCH = "too_short", "too_long", "mismatch"


def password_problem(password: str, repeated: str) -> str | None:
    """None when `password` may be the new one."""
    if len(password) < MIN_PASSWORD:
        return TOO_SHORT
    if len(password) > MAX_PASSWORD:
        return TOO_LONG
    if password != repeated:
        return MISMATCH
    return None
