"""The safety net for deliveries whose task got lost.

A task can vanish while its row still waits: the broker refused the re-publish of a retry (Redis
at maxmemory refuses writes but still allows the ack), or the worker died while sending. Every
minute (beat) we re-queue rows that are overdue by a clear margin. Duplicates are harmless: the
conditional claim lets exactly one task send."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, func, or_, select

from shared.clock import utcnow
from shared.db import SessionFactory, autocommit

from services.notify.models import Delivery
from services.notify.settings import NotifySettings


def overdue(factory: SessionFactory, settings: NotifySettings) -> list[int]:
    """Queued/retrying rows due more than NOTIFY_SWEEP_AFTER_SECONDS ago, and "sending" rows
    claimed more than NOTIFY_STALE_SENDING_SECONDS ago; oldest first, bounded."""
    now = utcnow()
    due_before = now - timedelta(seconds=settings.sweep_after_seconds)
    stale_before = now - timedelta(seconds=settings.stale_sending_seconds)
    due = func.coalesce(Delivery.next_attempt_at, Delivery.created_at)
    with autocommit(factory) as session:  # one read
        return list(
            session.scalars(
                select(Delivery.id)
                .where(
                    or_(
                        and_(Delivery.status.in_(("queued", "retrying")), due < due_before),
                        and_(Delivery.status == "sending", Delivery.claimed_at < stale_before),
                    )
                )
                .order_by(Delivery.id)
                .limit(settings.sweep_batch)
            )
        )
