"""The fediverse's Celery tasks, registered by services/calendar/tasks.py:

calendar.federate          (beat, every minute) the scan: Create/Update/Delete for changed offerings
calendar.deliver_activity  one activity to one inbox, with its retries
calendar.receive_activity  an incoming activity whose signature was checked by the inbox"""

from __future__ import annotations

import logging
from datetime import timedelta

from shared.clock import utcnow
from shared.messaging import consumer_retry

from services.calendar.fediverse import delivery, federate, inbox

log = logging.getLogger(__name__)
RETRY = consumer_retry()
LONGEST_COUNTDOWN = timedelta(minutes=30)  # well inside the broker's visibility timeout; the scan takes longer waits


def register(celery, app) -> None:
    factory = app.extensions["db"]

    def queue(delivery_ids: list[int], wait: timedelta | None = None) -> None:
        for delivery_id in delivery_ids:
            options = {"countdown": wait.total_seconds()} if wait else {}
            celery.send_task(
                "calendar.deliver_activity", kwargs={"delivery_id": delivery_id}, queue="calendar", **options
            )

    @celery.task(shared=False, name="calendar.federate", soft_time_limit=240, time_limit=300)
    def federate_task():
        counts, queued = federate.run(factory, utcnow())
        queue(queued)
        return {**counts, "queued": len(queued)}

    # database trouble is retried with backoff (the claim and the inbox's upserts make a second run harmless)
    @celery.task(shared=False, name="calendar.deliver_activity", **{**RETRY, "soft_time_limit": 60, "time_limit": 90})
    def deliver_activity(delivery_id: int):
        outcome, wait = delivery.deliver(factory, delivery_id, utcnow())
        if wait is not None and wait <= LONGEST_COUNTDOWN:
            queue([delivery_id], wait)
        return outcome

    @celery.task(shared=False, name="calendar.receive_activity", **{**RETRY, "soft_time_limit": 60, "time_limit": 90})
    def receive_activity(activity: dict):
        outcome, queued = inbox.apply(factory, activity, utcnow())
        queue(queued)
        return outcome
