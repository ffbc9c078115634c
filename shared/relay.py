"""Wiring a service's outbox to its Celery app: publish after every commit that queued messages,
and the three tasks every sending service runs for its outbox.

Its own module because it needs both sides: shared.outbox (the rows) and shared.messaging (the
Celery app and publishing). Neither of those imports the other's wiring, so neither imports this.

`<service>.relay_outbox`: the periodic sweep (run by beat) that publishes what the immediate
relay after a commit could not (broker down, process died) and what no receipt has come back
for; `<service>.outbox_receipt`: receivers confirming messages; `<service>.purge_messages` (beat,
hourly): confirmed outbox rows older than a week and inbox records older than a month go."""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery
from marshmallow import ValidationError
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from shared import contracts, outbox

log = logging.getLogger(__name__)

RELAY_TIME_LIMITS = {  # (soft, hard) seconds
    "relay_outbox": (30, 45),  # one batch of publishes; beat sends the next within seconds
    "outbox_receipt": (15, 30),  # one UPDATE of up to 1,000 rows
    "purge_messages": (120, 180),  # hourly DELETE of a week's confirmed rows, a month's inbox
}


def publish_after_commit(
    factory: sessionmaker[Session], model: type[outbox.OutboxMixin], celery: Celery, redeliver_after: float
) -> None:
    """After every commit of a session from `factory` that queued messages (shared.outbox.add),
    relay them at once, so no caller has to remember to. Never raises: the commit has happened,
    and what cannot be published now (broker down) is left to the periodic sweep."""

    @event.listens_for(factory, "after_commit")
    def _relay(session: Session) -> None:
        # SQLAlchemy calls this for a released SAVEPOINT too (begin_nested): the outer
        # transaction, and the messages queued in it, are not committed yet
        if session.in_nested_transaction() or not session.info.pop(outbox.ADDED, False):
            return
        try:
            outbox.relay(factory, model, celery, redeliver_after=redeliver_after)
        except Exception:
            log.exception("immediate outbox relay failed; left for the sweep")

    @event.listens_for(factory, "after_soft_rollback")
    def _forget(session: Session, previous: Any) -> None:
        if not previous.nested:  # a SAVEPOINT rolled back keeps what was queued before it
            session.info.pop(outbox.ADDED, None)  # rolled back: nothing was queued


def register_relay(
    celery: Celery,
    service: str,
    factory: sessionmaker[Session],
    outbox_model: type[outbox.OutboxMixin],
    inbox_model: type[outbox.InboxMixin],
    redeliver_after: float,
) -> None:
    """Publish after commit for the app's sessions, and register the three outbox tasks."""
    publish_after_commit(factory, outbox_model, celery, redeliver_after)

    def limits(task: str) -> dict[str, Any]:
        soft, hard = RELAY_TIME_LIMITS[task]
        return {"name": f"{service}.{task}", "soft_time_limit": soft, "time_limit": hard}

    # celery has no type hints, so to mypy its task decorator is untyped (the ignores below)
    @celery.task(shared=False, acks_late=False, ignore_result=True, **limits("relay_outbox"))  # type: ignore[untyped-decorator]
    def relay_outbox() -> tuple[int, int]:
        return outbox.relay(factory, outbox_model, celery, redeliver_after=redeliver_after)

    @celery.task(shared=False, acks_late=False, ignore_result=True, **limits("purge_messages"))  # type: ignore[untyped-decorator]
    def purge_messages() -> tuple[int, int]:
        return outbox.purge(factory, outbox_model, inbox_model)

    @celery.task(shared=False, ignore_result=True, **limits("outbox_receipt"))  # type: ignore[untyped-decorator]
    def outbox_receipt(**payload: Any) -> int:
        try:
            receipt = contracts.load(f"{service}.outbox_receipt", payload)
        except (ValidationError, contracts.UnknownContract) as exc:
            log.error("dropping invalid receipt %s: %s", payload.get("message_id"), exc)
            return 0
        return outbox.confirm(factory, outbox_model, receipt["message_ids"])
