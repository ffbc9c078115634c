"""Celery tasks the notify service consumes, named "notify.<verb>".

notify.booking_notice  (from rooms, contract in shared.contracts) — email and/or SMS to one person,
                       by that person's preferences; also keeps the reminder plan up to date
notify.account_mail    (from the account pages) — an email with a single-use link (invitation,
                       forgotten password), by email only
notify.itip_reply      (from rooms) — a room's iTIP REPLY to the organizer who invited it by
                       email (iMIP), by email only, once per reply_id
notify.itip_request    (from calendar) — an organizer's invitation or cancellation (iMIP) to a
                       person invited to their meeting, by email only, once per request_id
notify.engagement_mail (from engagement) — a message to a volunteer or a partner's contact, worded
                       there: by email, and by SMS too when it has an SMS text and a number;
                       a shift date as a calendar invitation (REQUEST or CANCEL); once per key
notify.send_delivery   (our own: a re-send, a rate-limited send, a reminder)
notify.scan_reminders  (beat, every minute: reminders that are due now)
notify.sweep_deliveries (beat, every minute: re-queue deliveries whose task got lost)
notify.erase_old_content (beat, hourly: retention of the delivery log and reminder plans)
notify.export_account, notify.erase_account (from the account pages) — an account's data for
                       its export, or erased (account_data.py; shared.account_data answers)"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from typing import Any

from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded
from flask import Flask, current_app
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError, OperationalError

from shared import account_data as answering, contracts
from shared.db import SessionFactory, autocommit_connection, one_connection
from shared.receipts import send_receipt
from shared.relay import register_relay

from services.notify import (
    account_data,
    delivery,
    preferences,
    ratelimit,
    reminders,
    retention,
    sending,
    settings as notify_settings,
    sweep,
)
from services.notify.domain.account_mail import AccountMail
from services.notify.domain.engagement_mail import EngagementMail
from services.notify.domain.itip_reply import ItipReply
from services.notify.domain.itip_request import ItipRequest
from services.notify.domain.notice import Notice
from services.notify.models import OutboxMessage, ProcessedMessage
from services.notify.sending import Claim
from services.notify.settings import NotifySettings

log = logging.getLogger(__name__)
PENDING = ("retrying", "busy")
PERIODIC_LIMITS = {"soft_time_limit": 45, "time_limit": 55}  # beat sends the next run after 60 s


def backoff(retries: int, settings: NotifySettings) -> float:
    """Exponential with jitter (half to full), capped below the broker's visibility timeout."""
    ceiling = min(settings.retry_max_seconds, settings.retry_base_seconds * 2**retries)
    return ceiling * random.uniform(0.5, 1.0)


def queue_send(celery: Celery, delivery_id: int, countdown: float = 0.0) -> None:
    celery.send_task(
        "notify.send_delivery",
        kwargs={"delivery_id": int(delivery_id)},
        queue="notify",
        countdown=countdown or None,
        time_limit=None,
        soft_time_limit=None,
    )  # the worker's own


def _send_all(
    task: Task, statements: SessionFactory, delivery_ids: Sequence[int], claims: Sequence[Claim] = ()
) -> dict[str, str | None]:
    """Attempt each delivery on `statements` (one connection in autocommit; `claims`: those
    already claimed for us); ask Celery to run us again later while some are still pending. A
    rate-limited one goes back to the queue on its own, without spending an attempt."""
    app = current_app
    factory, settings = app.extensions["db"], notify_settings.of(app)
    limiter = ratelimit.from_app(app)
    retry_in = backoff(task.request.retries, settings)  # decided first: the rows record when it is due
    outcomes: dict[str, str | None] = {}
    started: set[int] = set()
    try:
        for claim in claims:
            started.add(claim.outgoing.delivery_id)
            outcomes[str(claim.outgoing.delivery_id)] = sending.send_claimed(
                statements, factory, settings, claim, limiter, retry_in
            )
        for i in delivery_ids:
            if str(i) not in outcomes:
                outcomes[str(i)] = sending.attempt(statements, factory, settings, i, limiter, retry_in)
    except SoftTimeLimitExceeded:
        # Out of time (a provider that does not answer): the send under way was recorded as a failed
        # attempt (or, stopped while recording, is taken over by the sweep once stale); claims not
        # yet started go back unspent. All of them are tried again after the backoff.
        for claim in claims:
            if claim.outgoing.delivery_id not in started:
                sending.release(statements, claim)
        log.warning("notify task %s ran out of time; retrying in %.0f s", task.request.id, retry_in)
        raise task.retry(countdown=retry_in) from None
    for key, state in outcomes.items():
        if state == "limited":  # spread the waiting ones out so they do not all return at once
            wait = settings.rate_max_wait_seconds
            queue_send(task.app, int(key), countdown=random.uniform(0.5, 1.5) * max(wait, 0.5))
    pending = [int(i) for i, state in outcomes.items() if state in PENDING]
    if pending:
        # per-delivery attempts bound the retrying ones; this bounds "busy" (a stuck claim)
        if task.request.retries >= 2 * settings.max_attempts:
            sending.give_up(factory, pending, "Aufgegeben: zu viele Wiederholungen")
            return outcomes
        raise task.retry(countdown=retry_in)
    return outcomes


def _take(
    task: Task,
    task_name: str,
    payload: dict[str, Any],
    parse: Callable[[dict[str, Any]], Any],
    accept: Callable[[Any, Any], tuple[list[int], list[Claim]]],
    quiet: bool = False,
) -> dict[str, Any]:
    """A message that becomes emails or SMS: checked against its contract and made a domain
    object by `parse`, its deliveries recorded by `accept` (on one connection for the whole
    task), the receipt sent, then the deliveries sent. A malformed message never gets better: it
    is logged and dropped, with its receipt; what was wrong is logged, never what was sent (a
    contract's errors name fields and rules, others only their kind; `quiet`: the kind only).
    Database trouble retries the task with backoff."""
    try:
        parsed = parse(contracts.load(task_name, payload))
    except (ValidationError, contracts.UnknownContract, ValueError, TypeError) as exc:
        named = isinstance(exc, (ValidationError, contracts.UnknownContract)) and not quiet
        why = str(exc) if named else type(exc).__name__
        log.error("dropping invalid %s %s: %s", task_name, payload.get("message_id"), why)
        send_receipt(task.app, payload)
        return {"dropped": why}
    try:
        with one_connection(current_app.extensions["db"]) as on_one:
            ids, claims = accept(on_one, parsed)
            # the deliveries are committed: from here on they are ours to send (retries, sweep)
            send_receipt(task.app, payload)
            with autocommit_connection(on_one) as statements:
                return _send_all(task, statements, ids, claims)
    except (OperationalError, IntegrityError, SoftTimeLimitExceeded) as exc:
        raise _retry_later(task, exc) from None


def _retry_later(task: Task, exc: Exception) -> Exception:
    """The database is away or stuck, or a conflict was unexpected: nothing was recorded (and no
    receipt sent); the message waits, bounded. (task.retry raises Retry itself; the caller writes
    `raise` for the reader.)"""
    settings = notify_settings.current()
    return task.retry(exc=exc, countdown=backoff(task.request.retries, settings), max_retries=2 * settings.max_attempts)


def register(celery: Celery, app: Flask) -> None:
    register_relay(
        celery,
        "notify",
        app.extensions["db"],
        OutboxMessage,
        ProcessedMessage,
        app.config["SETTINGS"].outbox_redeliver_seconds,
    )
    settings = notify_settings.of(app)
    # sending tasks: time limits from the settings (they depend on NOTIFY_SEND_TIMEOUT), and as
    # many retries as _send_all allows before it gives the deliveries up
    sends = {
        "bind": True,
        "soft_time_limit": settings.task_soft_seconds,
        "time_limit": settings.task_hard_seconds,
        "max_retries": 2 * settings.max_attempts,
    }

    @celery.task(shared=False, name="notify.booking_notice", **sends)
    def booking_notice(self: Task, **payload: Any) -> dict[str, Any]:
        def accept(on_one: Any, notice: Notice) -> tuple[list[int], list[Claim]]:
            return delivery.accept_and_claim(
                on_one,
                notice,
                notify_settings.current().mail_from,
                preferences.url_maker(current_app.config["SETTINGS"]),
                also=reminders.apply,
            )

        return _take(self, "notify.booking_notice", payload, Notice.from_message, accept)

    @celery.task(shared=False, name="notify.account_mail", **sends)
    def account_mail(self: Task, **payload: Any) -> dict[str, Any]:
        def accept(on_one: Any, mail: AccountMail) -> tuple[list[int], list[Claim]]:
            return delivery.accept_account_mail(on_one, mail, notify_settings.current().mail_from)

        # the message id only when dropped: the payload carries a link that opens an account
        return _take(self, "notify.account_mail", payload, AccountMail.from_message, accept, quiet=True)

    @celery.task(shared=False, name="notify.itip_reply", **sends)
    def itip_reply(self: Task, **payload: Any) -> dict[str, Any]:
        return _take(self, "notify.itip_reply", payload, ItipReply.from_message, delivery.accept_itip_reply)

    @celery.task(shared=False, name="notify.itip_request", **sends)
    def itip_request(self: Task, **payload: Any) -> dict[str, Any]:
        def accept(on_one: Any, request: ItipRequest) -> tuple[list[int], list[Claim]]:
            return delivery.accept_itip_request(on_one, request, notify_settings.current().mail_from)

        return _take(self, "notify.itip_request", payload, ItipRequest.from_message, accept)

    @celery.task(shared=False, name="notify.engagement_mail", **sends)
    def engagement_mail(self: Task, **payload: Any) -> dict[str, Any]:
        def accept(on_one: Any, mail: EngagementMail) -> tuple[list[int], list[Claim]]:
            return delivery.accept_engagement_mail(on_one, mail, notify_settings.current().mail_from)

        return _take(self, "notify.engagement_mail", payload, EngagementMail.from_message, accept)

    @celery.task(shared=False, name="notify.send_delivery", **sends)
    def send_delivery(self: Task, delivery_id: int) -> dict[str, str | None]:
        try:
            with autocommit_connection(current_app.extensions["db"]) as statements:
                return _send_all(self, statements, [int(delivery_id)])
        except OperationalError as exc:
            raise _retry_later(self, exc) from None

    @celery.task(shared=False, name="notify.scan_reminders", acks_late=False, ignore_result=True, **PERIODIC_LIMITS)
    def scan_reminders() -> int:
        """Idempotent, so a lost or doubled run is harmless: the next minute's run catches up."""
        ids = reminders.scan(
            current_app.extensions["db"],
            notify_settings.current().mail_from,
            preferences_url=preferences.url_maker(current_app.config["SETTINGS"]),
        )
        for delivery_id in ids:
            queue_send(celery, delivery_id)
        return len(ids)

    @celery.task(shared=False, name="notify.sweep_deliveries", acks_late=False, ignore_result=True, **PERIODIC_LIMITS)
    def sweep_deliveries() -> int:
        """Re-queue overdue deliveries; a lost or doubled run is harmless (the claim decides)."""
        ids = sweep.overdue(current_app.extensions["db"], notify_settings.current())
        for delivery_id in ids:
            queue_send(celery, delivery_id)
        if ids:
            log.warning("sweep re-queued %d overdue deliveries", len(ids))
        return len(ids)

    @celery.task(shared=False, name="notify.erase_old_content", acks_late=False, ignore_result=True, **PERIODIC_LIMITS)
    def erase_old_content() -> dict[str, int]:
        """Retention (services/notify/retention.py); a lost or doubled run is harmless."""
        erased = retention.erase(
            current_app.extensions["db"],
            current_app.config["SETTINGS"].delivery_log_days,
            notify_settings.current().retention_batch,
        )
        if erased.deliveries or erased.plans:
            log.info("retention erased %d deliveries' content and %d reminder plans", erased.deliveries, erased.plans)
        return {"deliveries": erased.deliveries, "plans": erased.plans}

    answering.register(celery, "notify", ProcessedMessage, OutboxMessage, account_data.gather, account_data.erase)
