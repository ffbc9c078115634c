"""Single-use links that set a password: how long each kind is valid, and what state one is in.

An invitation waits three days (a weekend and a day off between); a reset link one hour, since
whoever reads the mailbox could use it."""

from __future__ import annotations

from datetime import datetime, timedelta

INVITE, RESET = "invite", "reset"
VALID_FOR = {INVITE: timedelta(hours=72), RESET: timedelta(hours=1)}
OPEN, USED, EXPIRED, CLOSED = "open", "used", "expired", "closed"


def state(expires_at: datetime, used_at: datetime | None, account_active: bool, now: datetime) -> str:
    """OPEN, or why the link no longer works: used before, run out, or its account closed."""
    if used_at is not None:
        return USED
    if expires_at <= now:
        return EXPIRED
    if not account_active:
        return CLOSED
    return OPEN
