"""Retention: what notify knows about people is forgotten once it has served its purpose.

A delivery keeps its row for good (kind, channel, state, attempts, times: the counts at /notify/
stay true), but DELIVERY_LOG_RETENTION_DAYS after anything last happened to it, its recipient,
subject, texts, rendered message and error text are emptied and a captured copy (make run) is
deleted. Only finished deliveries (sent, failed) are touched: one still queued, being sent or
waiting for a retry needs its address, and the UPDATE checks that again, so a coordinator's
re-send between our read and our write wins. A reminder plan (name, address, number of the
booker) goes once every date it knows of has been over as long.

Each run erases at most `batch` deliveries and `batch` plans, the oldest first; running twice
changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, exists, or_, select, tuple_, update

from shared.clock import utcnow
from shared.db import SessionFactory, transaction

from services.notify.models import CapturedMessage, Delivery, PlannedOccurrence, ReminderPlan

FINISHED = ("sent", "failed")
# what a delivery knows of a person, and what it holds once that is gone
PERSONAL = {"recipient": "", "subject": "", "text": "", "body": "", "last_error": ""}


@dataclass(frozen=True)
class Erased:
    deliveries: int
    plans: int


def is_erased(row: Delivery) -> bool:
    """True for a delivery whose content retention took (a live one always has a recipient)."""
    return all(getattr(row, name) == empty for name, empty in PERSONAL.items())


def _untouched_since(cutoff: datetime) -> ColumnElement[bool]:
    """Finished, and nothing happened to it (created, claimed, sent, retried) after `cutoff`."""
    return and_(
        Delivery.status.in_(FINISHED),
        Delivery.created_at < cutoff,
        *(or_(moment.is_(None), moment < cutoff) for moment in (Delivery.claimed_at, Delivery.sent_at)),
        or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at < cutoff),
    )


def _still_personal() -> ColumnElement[bool]:
    return or_(*(getattr(Delivery, name) != empty for name, empty in PERSONAL.items()))


def erase_deliveries(factory: SessionFactory, days: int, batch: int, now: datetime | None = None) -> int:
    """Empty the personal fields of at most `batch` finished deliveries older than `days`;
    returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    old = _untouched_since(cutoff)
    oldest = select(Delivery.id).where(old, _still_personal()).order_by(Delivery.id).limit(batch)
    with transaction(factory) as session:
        ids = list(
            session.scalars(
                update(Delivery)
                .where(Delivery.id.in_(oldest.scalar_subquery()), old)
                .values(**PERSONAL)
                .returning(Delivery.id)
                .execution_options(synchronize_session=False)
            )
        )
        if ids:
            session.execute(delete(CapturedMessage).where(CapturedMessage.delivery_id.in_(ids)))
    return len(ids)


def erase_plans(factory: SessionFactory, days: int, batch: int, now: datetime | None = None) -> int:
    """Delete at most `batch` reminder plans whose dates all ended more than `days` ago and that
    have not changed since, with their dates; returns how many plans."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    plan = tuple_(ReminderPlan.booking_id, ReminderPlan.account_id)
    date = tuple_(PlannedOccurrence.booking_id, PlannedOccurrence.account_id)
    recent = exists().where(date == plan, PlannedOccurrence.ends_at >= cutoff)
    done = and_(ReminderPlan.updated_at < cutoff, ~recent)
    oldest = select(ReminderPlan.booking_id, ReminderPlan.account_id).where(done).order_by(*plan).limit(batch)
    with transaction(factory) as session:
        gone = [
            tuple(key)
            for key in session.execute(
                delete(ReminderPlan)
                .where(plan.in_(oldest), done)
                .returning(ReminderPlan.booking_id, ReminderPlan.account_id)
                .execution_options(synchronize_session=False)
            )
        ]
        if gone:
            session.execute(delete(PlannedOccurrence).where(date.in_(gone)))
    return len(gone)


def erase(factory: SessionFactory, days: int, batch: int, now: datetime | None = None) -> Erased:
    return Erased(erase_deliveries(factory, days, batch, now), erase_plans(factory, days, batch, now))
