"""The project's clock: every "now" that is stored or compared with stored moments is taken here.

Aware UTC, always: PostgreSQL stores timestamptz, and a naive moment compared with an aware one
raises. One place also gives the tests one thing to reason about."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """This moment, aware, in UTC."""
    return datetime.now(timezone.utc)
