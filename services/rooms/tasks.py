"""Celery tasks the rooms service consumes, named "rooms.<verb>".

rooms.export_account / rooms.erase_account: an account's data for its export, or erased
(services/rooms/db/account_data.py), answered through shared.account_data.

rooms.book_for_offering: validate, then in ONE transaction record the message in the inbox,
apply the wish (booking/for_offering.py) and write the answer to the calendar into the outbox,
so a redelivered message changes nothing and the answer is never lost.

rooms.book_for_invitation: the same for a room invited to an event (booking/for_invitation.py);
the use case queues its answer itself (calendar.room_invitation_answer), as it does again for
every later change of the booking."""

from __future__ import annotations

import logging

from flask import current_app

from shared import account_data, outbox
from shared.consumer import consume
from shared.messaging import consumer_retry
from shared.relay import register_relay

from services.rooms.booking import for_invitation, for_offering
from services.rooms.db import account_data as held
from services.rooms.db.models import OutboxMessage, ProcessedMessage
from services.rooms.request_context import context_of

log = logging.getLogger(__name__)
RETRY = consumer_retry()
TASK = "rooms.book_for_offering"
INVITATION_TASK = "rooms.book_for_invitation"


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


def book_for_invitation(payload: dict) -> str:
    return consume(INVITATION_TASK, ProcessedMessage, payload, _invitation)


def _invitation(session, message: dict) -> str:
    """The room invited to an event by the calendar, booked or followed here, answered."""
    return for_invitation.invite(session, message, context_of(current_app)).state


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

    @celery.task(shared=False, name=INVITATION_TASK, **RETRY)
    def book_for_invitation_task(**payload):
        return book_for_invitation(payload)

    account_data.register(celery, "rooms", ProcessedMessage, OutboxMessage, held.gather, held.erase)
