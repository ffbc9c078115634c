"""A worker SIGKILLed in the middle of an SMTP conversation, made deterministic: the server holds
its answer to DATA until the worker is dead, so the mail was never accepted. The delivery row
stays claimed ("sending") by the dead worker; Redis hands the message to the next worker after
the visibility timeout, which takes the abandoned claim over after NOTIFY_STALE_SENDING_SECONDS
and sends the mail: it arrives exactly once, on the second attempt."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import email.policy
import threading

import pytest
from aiosmtpd.controller import Controller

from shared.messaging import publish

from tests.support.notify import (
    VISIBILITY_TIMEOUT,
    arrivals,
    broker_idle,
    delivery_states,
    notice_payload,
    start_worker,
    wait_for,
)
from tests.support.smtp import _free_port


class HoldingHandler:
    """Holds the reply to the first DATA until `release` is set, then refuses it (the client
    is gone by then, so nothing was delivered); accepts every later mail."""

    def __init__(self):
        self.messages = []
        self.held = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if not self.held.is_set():
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.4.2 Connection lost before the message was accepted"
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


@pytest.fixture
def holding_sink():
    handler = HoldingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, controller.port
    handler.release.set()
    controller.stop()


def test_worker_killed_while_the_server_holds_data_delivers_once_after_recovery(
    notify_app, settings, notify_settings, tmp_path, holding_sink
):
    handler, port = holding_sink
    settings = dataclasses.replace(settings, broker_visibility_timeout=VISIBILITY_TIMEOUT)
    notify = dataclasses.replace(notify_settings, smtp_port=port)
    payload = notice_payload(phone="")
    publish(notify_app.extensions["celery"], "notify.booking_notice", payload, "notify")
    first = start_worker(settings, notify, tmp_path, "prefork", 2)
    try:
        assert handler.held.wait(60), first.log()
        assert delivery_states(notify_app) == {"sending": 1}
        first.kill()
    finally:
        first.stop()
    handler.release.set()

    second = start_worker(settings, notify, tmp_path, "prefork", 2)
    try:
        wait_for(
            lambda: delivery_states(notify_app) == {"sent": 1} and broker_idle(settings.broker_url),
            90,
            lambda: f"{delivery_states(notify_app)}\n{second.log()}",
        )
    finally:
        second.stop()
    assert arrivals(handler) == {payload["message_id"]: 1}
    from sqlalchemy import select

    from services.notify.models import Delivery

    with notify_app.extensions["db"]() as session:
        row = session.scalars(select(Delivery)).one()
    assert (row.status, row.attempts) == ("sent", 2)  # the dead worker's claim, then the takeover
