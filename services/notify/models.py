"""Tables of the notify service (its own database only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.clock import utcnow
from shared.outbox import InboxMixin, OutboxMixin

CHANNELS = ("email", "sms")
STATUSES = ("queued", "sending", "sent", "retrying", "failed")
FAILURES = ("permanent", "exhausted")  # why a delivery failed: retrying cannot help / ran out of tries


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMixin, Base):
    """Messages this service sends, written in the same commit as the change that causes them."""

    service = "notify"


class ProcessedMessage(InboxMixin, Base):
    """Messages this service has acted on, so that a redelivery changes nothing."""


class Delivery(Base):
    """One message on one channel to one person. UNIQUE(message_id, channel) is the
    idempotency record: a redelivered task finds the row and sends nothing again."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("message_id", "channel", name="uq_delivery_message_channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(10))
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(20))
    booking_id: Mapped[int] = mapped_column(Integer, index=True)
    uid: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    failure: Mapped[str] = mapped_column(String(10), default="", server_default="")  # "" or one of FAILURES
    subject: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    # what goes over the wire (MIME for email, the text for SMS), rendered once so that every
    # retry sends the same bytes with the same Message-ID
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # when the scheduled retry should run; the sweep re-queues a row whose task is overdue (lost)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CapturedMessage(Base):
    """What the capture backends "sent" (make run): shown at /notify/ instead of leaving the host."""

    __tablename__ = "captured_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("delivery.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300), default="")
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Preference(Base):
    """One account's choices (services.notify.domain.preferences); no row means the defaults."""

    __tablename__ = "preference"

    account_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    choices: Mapped[str] = mapped_column(Text, default="{}")  # JSON: kind -> email|sms|both|none
    lead_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: no reminders
    language: Mapped[str | None] = mapped_column(String(5), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class ReminderPlan(Base):
    """What we last heard about one booking for one person (from confirmed/approved/changed
    notices): enough to write a reminder. A notice with a lower sequence changes nothing."""

    __tablename__ = "reminder_plan"

    booking_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sequence: Mapped[int] = mapped_column(Integer)
    uid: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(300))
    room_name: Mapped[str] = mapped_column(String(300))
    room_address: Mapped[str] = mapped_column(String(300), default="")
    partner_name: Mapped[str] = mapped_column(String(300), default="")
    recipient_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    language: Mapped[str] = mapped_column(String(5), default="de")
    link: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlannedOccurrence(Base):
    """One upcoming date of a planned booking; the reminder scan reads these."""

    __tablename__ = "planned_occurrence"
    __table_args__ = (UniqueConstraint("booking_id", "account_id", "starts_at", name="uq_planned_occurrence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    ref: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the sender's occurrence id
    cancel_url: Mapped[str] = mapped_column(Text, default="")
    learned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class PeriodicRun(Base):
    """When a periodic task last finished (one row per task): the metrics show how far behind
    the reminder scan is (services/notify/metrics.py)."""

    __tablename__ = "periodic_run"

    task: Mapped[str] = mapped_column(String(100), primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
