"""Celery tasks the rooms service consumes, named "rooms.<verb>"."""

from __future__ import annotations

from shared.relay import register_relay

from services.rooms.db.models import OutboxMessage, ProcessedMessage


def register(celery, app) -> None:
    register_relay(
        celery,
        "rooms",
        app.extensions["db"],
        OutboxMessage,
        ProcessedMessage,
        app.config["SETTINGS"].outbox_redeliver_seconds,
    )
