"""Celery tasks the engagement service runs, named "engagement.<verb>".

engagement.relay_outbox / outbox_receipt / purge_messages: its outbox (shared.relay).
engagement.tend (beat, every few minutes): unconfirmed offers whose link has run out are
closed, and reminders of shifts and first meetings that are due go out (exchange/tending.py)."""

from __future__ import annotations

from flask import current_app

from shared.relay import register_relay

from services.engagement.db.models import OutboxMessage, ProcessedMessage

TEND_LIMITS = {"soft_time_limit": 100, "time_limit": 120}


def register(celery, app) -> None:
    register_relay(
        celery,
        "engagement",
        app.extensions["db"],
        OutboxMessage,
        ProcessedMessage,
        app.config["SETTINGS"].outbox_redeliver_seconds,
    )

    @celery.task(shared=False, name="engagement.tend", acks_late=False, ignore_result=True, **TEND_LIMITS)
    def tend() -> dict[str, int]:
        from services.engagement.exchange import tending
        from services.engagement.web.context import ctx_of

        return tending.tend(current_app.extensions["db"], ctx_of(current_app))
