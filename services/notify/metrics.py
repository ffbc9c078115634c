"""Notify's figures for the metrics and its health: deliveries by state and channel, the oldest
delivery due but not sent (the backlog; /notify/healthz turns 503 past
HEALTH_NOTIFY_BACKLOG_SECONDS), and how long ago the reminder scan last finished.

Read at scrape time (shared/metrics/registry.py) through the status index, each count stopping
at STATE_CEILING rows: the states that matter for operating (queued, sending, retrying, failed)
stay far below it; "sent" grows with the log and shows the ceiling once that is passed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask import Flask
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from shared.clock import utcnow
from shared.db import as_utc
from shared.metrics import registry as metrics
from shared.metrics.reads import bounded_read
from shared.web import health

from services.notify import reminders, settings as notify_settings
from services.notify.models import CHANNELS, STATUSES, Delivery, PeriodicRun

STATE_CEILING = 100_000
UNSENT = ("queued", "retrying")  # waiting for a send; "sending" ones the sweep takes over when stale


def deliveries_by_state(conn: Connection) -> dict[tuple[str, str], int]:
    counts = {}
    for state in STATUSES:
        few = select(Delivery.channel).where(Delivery.status == state).limit(STATE_CEILING).subquery()
        for channel, count in conn.execute(select(few.c.channel, func.count()).group_by(few.c.channel)):
            counts[state, channel] = count
    return counts


def oldest_due(conn: Connection, now: datetime) -> datetime | None:
    """When the delivery that has waited longest to be sent was due (a retry: its next attempt)."""
    due = func.coalesce(Delivery.next_attempt_at, Delivery.created_at)
    return as_utc(conn.scalar(select(func.min(due)).where(Delivery.status.in_(UNSENT), due <= now)))


def last_scan(conn: Connection) -> datetime | None:
    return as_utc(conn.scalar(select(PeriodicRun.finished_at).where(PeriodicRun.task == reminders.SCAN)))


def families(engine: Engine, now: datetime) -> Iterator[Metric]:
    with bounded_read(engine) as conn:
        counts, due, scanned = deliveries_by_state(conn), oldest_due(conn, now), last_scan(conn)
    states = GaugeMetricFamily(
        "treffpunkt_notify_deliveries",
        f"Deliveries by state and channel (each count stops at {STATE_CEILING}).",
        labels=["state", "channel"],
    )
    for state in STATUSES:
        for channel in CHANNELS:
            states.add_metric([state, channel], counts.get((state, channel), 0))
    yield states
    yield GaugeMetricFamily(
        "treffpunkt_notify_backlog_age_seconds",
        "How long the delivery that has waited longest to be sent has been due (0: none waits).",
        value=max(0.0, (now - due).total_seconds()) if due else 0.0,
    )
    if scanned is not None:  # before the first scan there is no lag to tell
        yield GaugeMetricFamily(
            "treffpunkt_notify_reminder_scan_lag_seconds",
            "Time since the reminder scan last finished (beat runs it every minute).",
            value=max(0.0, (now - scanned).total_seconds()),
        )


def backlog_check(app: Flask) -> str | None:
    limit = notify_settings.of(app).health_backlog_seconds
    if not limit:
        return None
    now = utcnow()
    with bounded_read(app.extensions["db_engine"]) as conn:
        due = oldest_due(conn, now)
    waited = (now - due).total_seconds() if due else 0.0
    if waited > limit:
        return f"backlog: a delivery due {waited:.0f} s ago is not sent yet (limit {limit:g} s)"
    return None


def init_app(app: Flask) -> None:
    metrics.of(app).at_scrape("deliveries", lambda: families(app.extensions["db_engine"], utcnow()))
    health.add_check(app, "deliveries", backlog_check)
