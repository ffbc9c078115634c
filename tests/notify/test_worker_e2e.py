"""A real notify worker process on real Redis: a message published like the outbox relay does
is delivered, SMTP 451s are retried with the (configured, short) backoff, and a redelivered
message sends nothing twice."""
from __future__ import annotations

import time

import pytest

from shared.messaging import publish
from tests.notify.conftest import notice_payload
from tests.support.workers import Worker


@pytest.fixture
def notify_worker(settings, tmp_path):
    worker = Worker("notify", settings, tmp_path, extra_env={
        "NOTIFY_RETRY_BASE_SECONDS": "0.2", "NOTIFY_RETRY_MAX_SECONDS": "1"}).wait_ready()
    yield worker
    worker.stop()


def wait_for(predicate, worker, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"condition not reached; worker log:\n{worker.log()}")


def test_worker_retries_451_with_backoff_and_never_sends_twice(notify_app, notify_worker, smtp_sink, sms_gateway,
                                                              deliveries):
    celery = notify_app.extensions["celery"]
    smtp_sink.fail("451 4.3.0 try later", 2)
    payload = notice_payload()
    publish(celery, "notify.booking_notice", payload, "notify")
    wait_for(lambda: {r["status"] for r in deliveries()} == {"sent"} and len(deliveries()) == 2, notify_worker)
    by_channel = {r["channel"]: r for r in deliveries()}
    assert by_channel["email"]["attempts"] == 3 and by_channel["sms"]["attempts"] == 1

    publish(celery, "notify.booking_notice", payload, "notify")  # at-least-once: the same message again
    marker = notice_payload(email="", phone="0160 1234567", title="Marker")
    publish(celery, "notify.booking_notice", marker, "notify")  # queued behind it: once it is sent, the repeat ran
    wait_for(lambda: len(sms_gateway.received) == 2, notify_worker)
    assert len(smtp_sink.messages) == 1
    assert [r["json"]["text"].count("Marker") for r in sms_gateway.received] == [0, 1]
