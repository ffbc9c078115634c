"""Celery tasks the notify service consumes, named "notify.<verb>"."""
from __future__ import annotations

from flask import current_app

from shared.messaging import register_relay

from services.notify.models import OutboxMessage


def register(celery) -> None:
    register_relay(celery, "notify", lambda: current_app.extensions["db"], OutboxMessage)
