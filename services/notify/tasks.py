"""Celery tasks the notify service consumes, named "notify.<verb>".

notify.booking_notice  (from rooms, contract in shared.contracts) — email and/or SMS to one person,
                       by that person's preferences; also keeps the reminder plan up to date
notify.send_delivery   (our own: a re-send, a rate-limited send, a reminder)
notify.scan_reminders  (beat, every minute: reminders that are due now)
notify.sweep_deliveries (beat, every minute: re-queue deliveries whose task got lost)"""
from __future__ import annotations

import logging
import random

from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError, OperationalError

from shared import contracts
from shared.relay import register_relay
from shared.receipts import send_receipt

from services.notify import delivery, preferences, ratelimit, reminders, sweep
from services.notify.domain.notice import Notice
from services.notify.models import OutboxMessage, ProcessedMessage

log = logging.getLogger(__name__)
PENDING = ("retrying", "busy")
PERIODIC_LIMITS = {"soft_time_limit": 45, "time_limit": 55}  # beat sends the next run after 60 s


def backoff(retries: int, config: dict) -> float:
    """Exponential with jitter (half to full), capped below the broker's visibility timeout."""
    ceiling = min(config["NOTIFY_RETRY_MAX_SECONDS"], config["NOTIFY_RETRY_BASE_SECONDS"] * 2 ** retries)
    return ceiling * random.uniform(0.5, 1.0)


def queue_send(celery, delivery_id: int, countdown: float = 0.0) -> None:
    celery.send_task("notify.send_delivery", kwargs={"delivery_id": int(delivery_id)}, queue="notify",
                     countdown=countdown or None, time_limit=None, soft_time_limit=None)  # the worker's own


def _send_all(task, session, delivery_ids: list[int], claims=()) -> dict[str, str]:
    """Attempt each delivery on `session` (`claims`: those already claimed for us); ask Celery to
    run us again later while some are still pending. A rate-limited one goes back to the queue
    on its own, without spending an attempt."""
    app = current_app
    factory, settings = app.extensions["db"], app.config["SETTINGS"]
    limiter = ratelimit.from_app(app)
    retry_in = backoff(task.request.retries, app.config)  # decided first: the rows record when it is due
    delivery.single_statements(session)
    outcomes, started = {}, set()
    try:
        for claim in claims:
            started.add(claim.outgoing.delivery_id)
            outcomes[str(claim.outgoing.delivery_id)] = delivery.send_claimed(
                session, factory, settings, claim, app.config, limiter, retry_in)
        for i in delivery_ids:
            if str(i) not in outcomes:
                outcomes[str(i)] = delivery.attempt_on(session, factory, settings, i, app.config, limiter, retry_in)
    except SoftTimeLimitExceeded:
        # Out of time (a provider that does not answer): the send under way was recorded as a failed
        # attempt (or, stopped while recording, is taken over by the sweep once stale); claims not
        # yet started go back unspent. All of them are tried again after the backoff.
        for claim in claims:
            if claim.outgoing.delivery_id not in started:
                delivery.release(session, claim)
        log.warning("notify task %s ran out of time; retrying in %.0f s", task.request.id, retry_in)
        raise task.retry(countdown=retry_in) from None
    for i, state in outcomes.items():
        if state == "limited":  # spread the waiting ones out so they do not all return at once
            wait = app.config["NOTIFY_RATE_MAX_WAIT_SECONDS"]
            queue_send(task.app, int(i), countdown=random.uniform(0.5, 1.5) * max(wait, 0.5))
    pending = [int(i) for i, state in outcomes.items() if state in PENDING]
    if pending:
        # per-delivery attempts bound the retrying ones; this bounds "busy" (a stuck claim)
        if task.request.retries >= 2 * app.config["NOTIFY_MAX_ATTEMPTS"]:
            delivery.give_up(factory, pending, "Aufgegeben: zu viele Wiederholungen")
            return outcomes
        raise task.retry(countdown=retry_in)
    return outcomes


def register(celery, app) -> None:
    config = app.config
    register_relay(celery, "notify", app.extensions["db"], OutboxMessage, ProcessedMessage,
                   app.config["SETTINGS"].outbox_redeliver_seconds)
    # sending tasks: time limits from the configuration (they depend on NOTIFY_SEND_TIMEOUT), and
    # as many retries as _send_all allows before it gives the deliveries up
    sending = {"bind": True, "soft_time_limit": config["NOTIFY_TASK_SOFT_SECONDS"],
               "time_limit": config["NOTIFY_TASK_HARD_SECONDS"], "max_retries": 2 * config["NOTIFY_MAX_ATTEMPTS"]}

    @celery.task(shared=False, name="notify.booking_notice", **sending)
    def booking_notice(self, **payload):
        try:
            data = contracts.load("notify.booking_notice", payload)
        except (ValidationError, contracts.UnknownContract, ValueError, TypeError) as exc:
            # a malformed message will never get better: log it and drop it
            log.error("dropping invalid notify.booking_notice %s: %s", payload.get("message_id"), exc)
            send_receipt(self.app, payload)
            return {"dropped": str(exc)}
        notice = Notice.from_message(data)
        settings, factory = current_app.config["SETTINGS"], current_app.extensions["db"]
        try:
            with delivery.one_connection(factory) as session:
                ids, claims = delivery.accept_and_claim(session, notice, settings.mail_from,
                                                        preferences.url_maker(settings), also=reminders.apply)
                # the deliveries are committed: from here on they are ours to send (retries, sweep)
                send_receipt(self.app, payload)
                return _send_all(self, session, ids, claims)
        except (OperationalError, IntegrityError, SoftTimeLimitExceeded) as exc:  # database away or stuck,
            # or an unexpected conflict: nothing was recorded and no receipt sent; the message waits, bounded
            raise self.retry(exc=exc, countdown=backoff(self.request.retries, current_app.config),
                             max_retries=2 * current_app.config["NOTIFY_MAX_ATTEMPTS"])

    @celery.task(shared=False, name="notify.send_delivery", **sending)
    def send_delivery(self, delivery_id: int):
        try:
            with delivery.one_connection(current_app.extensions["db"]) as session:
                return _send_all(self, session, [int(delivery_id)])
        except OperationalError as exc:
            raise self.retry(exc=exc, countdown=backoff(self.request.retries, current_app.config),
                             max_retries=2 * current_app.config["NOTIFY_MAX_ATTEMPTS"])

    @celery.task(shared=False, name="notify.scan_reminders", acks_late=False, ignore_result=True, **PERIODIC_LIMITS)
    def scan_reminders():
        """Idempotent, so a lost or doubled run is harmless: the next minute's run catches up."""
        settings = current_app.config["SETTINGS"]
        ids = reminders.scan(current_app.extensions["db"], settings.mail_from,
                             preferences_url=preferences.url_maker(settings))
        for delivery_id in ids:
            queue_send(celery, delivery_id)
        return len(ids)

    @celery.task(shared=False, name="notify.sweep_deliveries", acks_late=False, ignore_result=True,
                 **PERIODIC_LIMITS)
    def sweep_deliveries():
        """Re-queue overdue deliveries; a lost or doubled run is harmless (the claim decides)."""
        ids = sweep.overdue(current_app.extensions["db"], current_app.config)
        for delivery_id in ids:
            queue_send(celery, delivery_id)
        if ids:
            log.warning("sweep re-queued %d overdue deliveries", len(ids))
        return len(ids)
