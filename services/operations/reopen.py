"""After a restore: every outbox row whose receipt may have come from a receiver state the archive
does not hold is opened again, and every open row is due now (backup.py explains why). The relay
then publishes them; receivers that recorded a message drop the copy and confirm it again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, DateTime, column, inspect, table, update
from sqlalchemy.engine import Connection

# only the two columns this step changes, so it works on any revision since receipts came in
OUTBOX = table(
    "outbox", column("confirmed_at", DateTime(timezone=True)), column("next_attempt_at", DateTime(timezone=True))
)


@dataclass(frozen=True)
class Reopened:
    confirmed: int  # confirmed rows opened again
    due: int  # open rows made due now


def reopen(connection: Connection, confirmed_since: datetime, now: datetime) -> Reopened:
    """In the caller's transaction."""
    columns = {c["name"] for c in inspect(connection).get_columns("outbox")} if _has_outbox(connection) else set()
    if "confirmed_at" not in columns:
        return Reopened(0, 0)
    confirmed = connection.execute(
        update(OUTBOX).where(OUTBOX.c.confirmed_at >= confirmed_since).values(confirmed_at=None, next_attempt_at=now)
    )
    due = connection.execute(
        update(OUTBOX)
        .where(OUTBOX.c.confirmed_at.is_(None), OUTBOX.c.next_attempt_at > now)
        .values(next_attempt_at=now)
    )
    return Reopened(_count(confirmed), _count(due))


def _has_outbox(connection: Connection) -> bool:
    return "outbox" in inspect(connection).get_table_names()


def _count(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount
