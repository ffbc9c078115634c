"""Taking in a message, the same for every service and task: validate it against its contract;
then in ONE transaction record it in the inbox and do the work (a copy seen before changes
nothing); then send the sender its receipt (after our commit, also for a copy or a message
refused for good), so its outbox stops publishing it.

`work(session, message)` returns the outcome to log ("applied" when it says nothing). An
exception of a `permanent` type means the message can never succeed (bad data in a valid
envelope): it is recorded as seen and answered "refused", never retried. Any other exception
rolls back and reaches Celery, which retries the task (consumer_retry).

It runs under the request id its message came with (shared.messaging sets it for every task), so
its log lines, the messages `work` queues and the receipt carry the id of the request that began
it all."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy.orm import Session

from shared import contracts, outbox
from shared.db import transaction
from shared.receipts import send_receipt

log = logging.getLogger(__name__)

Work = Callable[[Session, dict[str, Any]], "str | None"]


def consume(
    task_name: str,
    inbox: type[outbox.InboxMixin],
    payload: dict[str, Any],
    work: Work,
    permanent: tuple[type[Exception], ...] = (),
) -> str:
    """The outcome: what `work` said, "duplicate", "invalid" (malformed) or "refused"."""
    try:
        message = contracts.load(task_name, payload)
    except (ValidationError, contracts.UnknownContract) as exc:
        # a malformed message will never become valid: log it and drop it, do not retry
        log.error("rejected %s %s: %s", task_name, payload.get("message_id"), exc)
        outcome = "invalid"
    else:
        factory = current_app.extensions["db"]
        try:
            with transaction(factory) as session:
                if outbox.first_time(session, inbox, task_name, message["message_id"]):
                    outcome = work(session, message) or "applied"
                else:
                    outcome = "duplicate"
        except permanent as exc:
            log.error("refused %s %s for good: %s", task_name, message["message_id"], exc)
            with transaction(factory) as session:  # recorded, so that a copy changes nothing either
                outbox.first_time(session, inbox, task_name, message["message_id"])
            outcome = "refused"
    send_receipt(current_app.extensions["celery"], payload)
    return outcome
