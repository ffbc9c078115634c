"""Tables of the notify service (its own database only)."""
from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared.outbox import InboxMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMixin, Base):
    """Messages this service sends, written in the same commit as the change that causes them."""


class ProcessedMessage(InboxMixin, Base):
    """Messages this service has acted on, so that a redelivery changes nothing."""
