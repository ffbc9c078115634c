"""A real notify worker process on real Redis: a message published like the outbox relay does
is delivered, SMTP 451s are retried with the (configured, short) backoff, and a redelivered
message sends nothing twice."""

from __future__ import annotations

from shared.messaging import publish

from tests.support.notify import notice_payload
from tests.support.workers import until


def test_worker_retries_451_with_backoff_and_never_sends_twice(
    notify_app, notify_worker, smtp_sink, sms_gateway, deliveries
):
    celery = notify_app.extensions["celery"]
    smtp_sink.fail("451 4.3.0 try later", 2)
    payload = notice_payload()
    publish(celery, "notify.booking_notice", payload, "notify")
    until(lambda: {r["status"] for r in deliveries()} == {"sent"} and len(deliveries()) == 2, notify_worker)
    by_channel = {r["channel"]: r for r in deliveries()}
    assert by_channel["email"]["attempts"] == 3 and by_channel["sms"]["attempts"] == 1

    publish(celery, "notify.booking_notice", payload, "notify")  # at-least-once: the same message again
    marker = notice_payload(email="", phone="0160 1234567", title="Marker")
    publish(celery, "notify.booking_notice", marker, "notify")  # queued behind it: once it is sent, the repeat ran
    until(lambda: len(sms_gateway.received) == 2, notify_worker)
    assert len(smtp_sink.messages) == 1
    assert [r["json"]["text"].count("Marker") for r in sms_gateway.received] == [0, 1]
