"""How many of this service's outbox messages are still open (no receipt from the receiver yet)
and how old the oldest one is: the metrics show it, /healthz turns 503 on it.

Read through the table's partial index on open rows (shared/outbox.py, ix_outbox_open): normally a
handful, as a receipt comes back within seconds. The count stops at OPEN_CEILING."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy import DateTime, column, func, literal, select, table
from sqlalchemy.engine import Engine

from shared.db import as_utc
from shared.metrics.reads import bounded_read

OPEN_CEILING = 10_000
# every service's outbox has this name and these columns (shared.outbox.OutboxMixin)
OUTBOX = table("outbox", column("created_at", DateTime(timezone=True)), column("confirmed_at", DateTime(timezone=True)))


@dataclass(frozen=True)
class OpenMessages:
    count: int  # at most OPEN_CEILING
    oldest: datetime | None  # when the oldest open one was written; None: none is open

    def age_seconds(self, now: datetime) -> float:
        return max(0.0, (now - self.oldest).total_seconds()) if self.oldest else 0.0


def open_messages(engine: Engine) -> OpenMessages:
    opened = OUTBOX.c.confirmed_at.is_(None)
    with bounded_read(engine) as conn:
        few = select(literal(1)).select_from(OUTBOX).where(opened).limit(OPEN_CEILING).subquery()
        count = conn.scalar(select(func.count()).select_from(few)) or 0
        oldest = conn.scalar(select(func.min(OUTBOX.c.created_at)).where(opened))
    return OpenMessages(int(count), as_utc(oldest))


def families(engine: Engine, now: datetime) -> Iterator[Metric]:
    state = open_messages(engine)
    yield GaugeMetricFamily(
        "treffpunkt_outbox_open_messages",
        f"Outbox messages not yet confirmed by their receiver (at most {OPEN_CEILING} counted).",
        value=state.count,
    )
    yield GaugeMetricFamily(
        "treffpunkt_outbox_oldest_open_age_seconds",
        "Age of the oldest outbox message not yet confirmed by its receiver (0: none open).",
        value=state.age_seconds(now),
    )
