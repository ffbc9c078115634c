"""Celery tasks of the account pages: only the outbox's own (shared/relay.py): the relay sweep,
receipts from notify, and the purge of old rows. Queue "accounts"."""

from __future__ import annotations

from celery import Celery
from flask import Flask

from shared.identity.models import AccountsInbox, AccountsOutbox
from shared.relay import register_relay


def register(celery: Celery, app: Flask) -> None:
    register_relay(
        celery,
        "accounts",
        app.extensions["db"],
        AccountsOutbox,
        AccountsInbox,
        app.config["SETTINGS"].outbox_redeliver_seconds,
    )
