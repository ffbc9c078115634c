"""Celery tasks the calendar service consumes, named "calendar.<verb>"."""
from __future__ import annotations

from flask import current_app

from shared.messaging import register_relay

from services.calendar.models import OutboxMessage


def register(celery) -> None:
    register_relay(celery, "calendar", lambda: current_app.extensions["db"], OutboxMessage)
