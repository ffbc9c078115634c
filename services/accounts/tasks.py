"""Celery tasks of the account pages, queue "accounts": the outbox's own (shared/relay.py: the
relay sweep, receipts, the purge of old rows), and the DSGVO answers:

accounts.export_part     (from rooms, notify, calendar) one service's part of an export
accounts.account_erased  (from rooms, notify, calendar) one service has erased an account
accounts.tend_exports    (beat, every minute) finish exports whose wait is over, delete expired
                         ones, forget confirmed erase messages

Each answer: validate, then in ONE transaction record it in the inbox and take it
(privacy/answers.py), then the receipt; a copy changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import Celery
from flask import Flask, current_app
from sqlalchemy.orm import Session

from shared.clock import utcnow
from shared.consumer import consume
from shared.identity.models import AccountsInbox, AccountsOutbox
from shared.messaging import consumer_retry
from shared.relay import register_relay

from services.accounts import settings
from services.accounts.privacy import answers

PERIODIC_LIMITS = {"soft_time_limit": 45, "time_limit": 55}  # beat sends the next run after 60 s


def take_answer(task_name: str, payload: dict[str, Any], content: Callable[[dict[str, Any]], Any]) -> str:
    """`content(message)`: what is kept of the answer (an export's sections, an erasure's counts)."""
    public_url = current_app.config["SETTINGS"].public_url

    def take(s: Session, message: dict[str, Any]) -> str:
        taken = answers.take(s, message["request_id"], message["service"], content(message), public_url, utcnow())
        return "taken" if taken else "not_awaited"

    return consume(task_name, AccountsInbox, payload, take)


def register(celery: Celery, app: Flask) -> None:
    register_relay(
        celery,
        "accounts",
        app.extensions["db"],
        AccountsOutbox,
        AccountsInbox,
        app.config["SETTINGS"].outbox_redeliver_seconds,
    )

    @celery.task(shared=False, name="accounts.export_part", **consumer_retry())
    def export_part(**payload: Any) -> str:
        return take_answer("accounts.export_part", payload, lambda m: {"sections": m["sections"], "cut": m["cut"]})

    @celery.task(shared=False, name="accounts.account_erased", **consumer_retry())
    def account_erased(**payload: Any) -> str:
        return take_answer("accounts.account_erased", payload, lambda m: {"counts": m["counts"]})

    @celery.task(shared=False, name="accounts.tend_exports", acks_late=False, ignore_result=True, **PERIODIC_LIMITS)
    def tend_exports() -> dict[str, int]:
        """A lost or doubled run is harmless: the next minute's run catches up."""
        factory = current_app.extensions["db"]
        wait = timedelta(seconds=settings.current().export_wait_seconds)
        finished = answers.finish_overdue(factory, wait, current_app.config["SETTINGS"].public_url)
        deleted = answers.delete_expired(factory)
        forgotten = answers.forget_erase_messages(factory)
        return {"finished": finished, "deleted": deleted, "erase_messages": forgotten}
