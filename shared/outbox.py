"""Transactional outbox and inbox, for every service that sends or receives messages.

Outbox: a change and the messages it causes are rows in the same commit; `relay` publishes
pending rows, so nothing is lost between the commit and the broker. A row whose publish failed
waits with exponential backoff and is retried by the next sweep.

Receipts close the gap between the broker and the receiver: kombu's Redis transport pops a
message (BRPOP) before it records it as unacknowledged, so a worker killed in between loses it.
A row therefore stays open until the receiver, having recorded the message in its inbox, sends a
receipt (`<sender>.outbox_receipt`); an open row is published again after `redeliver_after`
seconds, doubling each time. The receiver's inbox absorbs the copies.

Inbox: a receiver records each message_id in the same transaction as its effect; a message
seen before changes nothing (Celery over Redis delivers at least once).

A row keeps the request id it was written under (shared.logs), and every publish of it carries
that id, so the receiver's log lines show the request that caused the message, however late the
relay gets to it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, cast

from celery import Celery
from sqlalchemy import CursorResult, DateTime, Index, Integer, Result, String, Text, delete, select, text, update
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column
from sqlalchemy.sql import FromClause

from shared import contracts, logs
from shared.clock import utcnow
from shared.db import SessionFactory, per_dialect, transaction
from shared.messaging import publish

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(minutes=5)
MAX_REDELIVER_DOUBLINGS = 5  # 10 min, 20, 40 … at most 320 min between copies (default 600 s)


class OutboxMixin:
    """Mix into a service's declarative base: `class OutboxMessage(OutboxMixin, Base)` with
    `service = "<name>"` (where receipts come back to)."""

    __tablename__ = "outbox"
    service: ClassVar[str]

    if TYPE_CHECKING:  # what the declarative base it is mixed into provides

        def __init__(self, **kw: Any) -> None: ...

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Index]:  # one Index object per service's table
        open_rows = text("confirmed_at IS NULL")
        return (Index("ix_outbox_open", "next_attempt_at", postgresql_where=open_rows, sqlite_where=open_rows),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    task_name: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # set by the receiver's receipt: from then on the row is never published again
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # the request (or task) that queued it; rows from before outbox_schema v4 have none
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class InboxMixin:
    """Mix into a receiver's base: `class ProcessedMessage(InboxMixin, Base)`."""

    __tablename__ = "inbox"

    if TYPE_CHECKING:  # what the declarative base it is mixed into provides
        __table__: ClassVar[FromClause]

    message_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    task_name: Mapped[str] = mapped_column(String(100))
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


ADDED = "outbox_added"  # session.info key: this transaction queued messages


def add(session: Session, model: type[OutboxMixin], task_name: str, **payload: Any) -> str:
    """Queue a message in the caller's transaction; it is published after the commit (see
    `shared.relay.publish_after_commit`). Returns its message_id."""
    message = contracts.build(task_name, **{**payload, "sender": model.service})
    session.add(
        model(
            message_id=message["message_id"],
            task_name=task_name,
            payload=json.dumps(message),
            request_id=logs.request_id.get(),
        )
    )
    session.info[ADDED] = True
    message_id: str = message["message_id"]
    return message_id


def relay(
    factory: SessionFactory, model: type[OutboxMixin], celery: Celery, limit: int = 200, redeliver_after: float = 600.0
) -> tuple[int, int]:
    """Publish due rows (new ones, and open ones whose receipt is overdue); returns (sent,
    failed). Safe to run in several processes at once: on PostgreSQL rows are claimed with SKIP
    LOCKED; elsewhere a duplicate publish is absorbed by the receivers' inbox."""
    sent = failed = 0
    with transaction(factory) as session:
        query = (
            select(model)
            .where(model.confirmed_at.is_(None), model.next_attempt_at <= utcnow())
            .order_by(model.id)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        for row in session.scalars(query).all():
            try:
                queue = contracts.queue_of(row.task_name)
                publish(celery, row.task_name, json.loads(row.payload), queue, request_id=row.request_id)
            except Exception as exc:  # broker down or refused: keep the row, try later
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.next_attempt_at = utcnow() + min(MAX_BACKOFF, timedelta(seconds=2 ** min(row.attempts, 10)))
                failed += 1
                log.warning("outbox publish failed for %s: %s", row.message_id, row.last_error)
                break  # the broker is likely down: leave the rest for the next sweep
            if row.sent_at is not None:
                log.warning("no receipt for %s %s: published again", row.task_name, row.message_id)
            # the wait for a receipt doubles with every attempt so far (failed publishes included)
            wait = redeliver_after * 2 ** min(row.attempts, MAX_REDELIVER_DOUBLINGS)
            row.sent_at = utcnow()
            row.attempts += 1
            row.next_attempt_at = row.sent_at + timedelta(seconds=wait)
            sent += 1
    return sent, failed


def confirm(factory: SessionFactory, model: type[OutboxMixin], message_ids: Iterable[object]) -> int:
    """A receipt arrived: these rows are done. Returns how many were still open."""
    ids = [str(m) for m in message_ids]
    with transaction(factory) as session:
        done = _rowcount(
            session.execute(
                update(model)
                .where(model.message_id.in_(ids), model.confirmed_at.is_(None))
                .values(confirmed_at=utcnow())
            )
        )
    return done


OUTBOX_KEPT = timedelta(days=7)
# A copy can only still come while its sender's row is open (receipts lost, the sender retrying
# at most every 320 min) or waits in the broker; a month is far past both, and past OUTBOX_KEPT.
INBOX_KEPT = timedelta(days=30)


def purge(factory: SessionFactory, outbox_model: type[OutboxMixin], inbox_model: type[InboxMixin]) -> tuple[int, int]:
    """Forget confirmed outbox rows after a week and inbox records after a month (both tables
    would otherwise grow with every change). Returns (outbox rows, inbox rows) deleted."""
    now = utcnow()
    with transaction(factory) as session:
        sent = _rowcount(session.execute(delete(outbox_model).where(outbox_model.confirmed_at < now - OUTBOX_KEPT)))
        seen = _rowcount(session.execute(delete(inbox_model).where(inbox_model.processed_at < now - INBOX_KEPT)))
    return sent, seen


def _rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE without RETURNING matched. Session.execute() is typed to return a
    Result, as it cannot promise a CursorResult for every statement; for these it returns one
    (SQLAlchemy's advice for reading rowcount is this cast)."""
    return cast(CursorResult[Any], result).rowcount


def first_time(session: Session, model: type[InboxMixin], task_name: str, message_id: object) -> bool:
    """Record message_id in the caller's transaction; False if it was processed before.

    One INSERT … ON CONFLICT DO NOTHING: a copy being recorded by another worker right now
    makes this wait for that commit and then count as seen (or, if that one rolls back, record
    it here)."""
    inserted = session.execute(
        _inbox_insert(session)(model.__table__),
        {"message_id": str(message_id), "task_name": task_name, "processed_at": utcnow()},
    ).first()
    return inserted is not None


@per_dialect
def _inbox_insert(dialect: ModuleType) -> Callable[[FromClause], Any]:
    @cache
    def for_table(inbox: FromClause) -> Any:  # INSERT … ON CONFLICT DO NOTHING RETURNING message_id
        return dialect.insert(inbox).on_conflict_do_nothing().returning(inbox.c.message_id)

    return for_table
