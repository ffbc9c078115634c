"""Transactional outbox and inbox, for every service that sends or receives messages.

Outbox: a change and the messages it causes are rows in the same commit; `relay` publishes
pending rows and marks them sent, so nothing is lost between the commit and the broker. A row
whose publish failed waits with exponential backoff and is retried by the next sweep.

Inbox: a receiver records each message_id in the same transaction as its effect; a message
seen before changes nothing (Celery over Redis delivers at least once).
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from shared import contracts
from shared.messaging import publish

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(minutes=5)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class OutboxMixin:
    """Mix into a service's declarative base: `class OutboxMessage(OutboxMixin, Base)`."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    task_name: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")


class InboxMixin:
    """Mix into a receiver's base: `class ProcessedMessage(InboxMixin, Base)`."""

    __tablename__ = "inbox"
    message_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    task_name: Mapped[str] = mapped_column(String(100))
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def add(session: Session, model, task_name: str, **payload) -> str:
    """Queue a message in the caller's transaction. Returns its message_id."""
    message = contracts.build(task_name, **payload)
    session.add(model(message_id=message["message_id"], task_name=task_name, payload=json.dumps(message)))
    return message["message_id"]


def relay(factory: sessionmaker[Session], model, celery, limit: int = 200) -> tuple[int, int]:
    """Publish due rows; returns (sent, failed). Safe to run in several processes at once:
    on PostgreSQL rows are claimed with SKIP LOCKED; elsewhere a duplicate publish is absorbed
    by the receivers' inbox."""
    sent = failed = 0
    with factory() as session:
        query = (
            select(model)
            .where(model.sent_at.is_(None), model.next_attempt_at <= utcnow())
            .order_by(model.id)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        for row in session.scalars(query).all():
            try:
                publish(celery, row.task_name, json.loads(row.payload), contracts.queue_of(row.task_name))
            except Exception as exc:  # broker down or refused: keep the row, try later
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.next_attempt_at = utcnow() + min(MAX_BACKOFF, timedelta(seconds=2 ** min(row.attempts, 10)))
                failed += 1
                log.warning("outbox publish failed for %s: %s", row.message_id, row.last_error)
                break  # the broker is likely down: leave the rest for the next sweep
            row.sent_at = utcnow()
            row.attempts += 1
            sent += 1
        session.commit()
    return sent, failed


def first_time(session: Session, model, task_name: str, message_id) -> bool:
    """Record message_id in the caller's transaction; False if it was processed before.

    Concurrent duplicates both pass the check; the primary key then fails one of them at commit
    (IntegrityError), which the task treats as "already done"."""
    message_id = str(message_id)
    if session.get(model, message_id) is not None:
        return False
    session.add(model(message_id=message_id, task_name=task_name))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    return True
