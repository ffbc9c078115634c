"""Celery tasks the rooms service consumes, named "rooms.<verb>"."""
from __future__ import annotations

from flask import current_app

from shared.messaging import register_relay

from services.rooms.models import OutboxMessage, ProcessedMessage


def register(celery) -> None:
    register_relay(celery, "rooms", lambda: current_app.extensions["db"], OutboxMessage, ProcessedMessage)
