"""Tables of the notify service (its own database only)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.outbox import InboxMixin, OutboxMixin, utcnow

CHANNELS = ("email", "sms")
STATUSES = ("queued", "sending", "sent", "retrying", "failed")


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMixin, Base):
    """Messages this service sends, written in the same commit as the change that causes them."""


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
    subject: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    # what goes over the wire (MIME for email, the text for SMS), rendered once so that every
    # retry sends the same bytes with the same Message-ID
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
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
