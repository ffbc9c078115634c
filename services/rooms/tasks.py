"""Celery tasks the rooms service consumes, named "rooms.<verb>".

rooms.export_account / rooms.erase_account: an account's data for its export, or erased
(services/rooms/db/account_data.py), answered through shared.account_data.

rooms.book_for_offering: validate, then in ONE transaction record the message in the inbox,
apply the wish (booking/for_offering.py) and write the answer to the calendar into the outbox,
so a redelivered message changes nothing and the answer is never lost."""

from __future__ import annotations

import logging

from flask import current_app

from shared import account_data, outbox
from shared.consumer import consume
from shared.messaging import consumer_retry
from shared.relay import register_relay

from services.rooms.booking import for_offering
from services.rooms.db import account_data as held
from services.rooms.db.models import OutboxMessage, ProcessedMessage
from services.rooms.request_context import context_of

log = logging.getLogger(__name__)
RETRY = consumer_retry()
TASK = "rooms.book_for_offering"


def book_for_offering(payload: dict) -> str:
    return consume(TASK, ProcessedMessage, payload, _wish)


def _wish(session, message: dict) -> str:
    """The room an offering wants, booked here; the answer goes back to the calendar."""
    answer = for_offering.wish(session, message, context_of(current_app))
    if answer.state != "stale":
        outbox.add(
            session,
            OutboxMessage,
            "calendar.offering_room_answer",
            offering_uid=message["offering_uid"],
            sequence=message["sequence"],
            state=answer.state,
            room_id=message["room_id"],
            booking_id=answer.booking_id,
            booking_status=answer.booking_status,
            reason=answer.reason,
            taken=list(answer.taken),
        )
    return answer.state


def register(celery, app) -> None:
    register_relay(
        celery,
        "rooms",
        app.extensions["db"],
        OutboxMessage,
        ProcessedMessage,
        app.config["SETTINGS"].outbox_redeliver_seconds,
    )

    @celery.task(shared=False, name=TASK, **RETRY)
    def book_for_offering_task(**payload):
        return book_for_offering(payload)

    account_data.register(celery, "rooms", ProcessedMessage, OutboxMessage, held.gather, held.erase)
