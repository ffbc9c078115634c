"""SMTP failures with real notify worker processes on real Redis (the single-message 451 retry
is in test_worker_e2e.py; the in-process variants are in test_task_delivery.py):

- a batch meets a server answering 451 for a while: every mail arrives once, after retries;
- 550: failed at once with the reason, never tried again;
- the SMTP server is down for a while (stopped, later started again on the same port): the
  mails wait in "retrying" and arrive once it is back.
"""

from __future__ import annotations

import dataclasses

import pytest

from shared.messaging import publish

from tests.support.notify import arrivals, delivery_states, notice_payload, notices, wait_for
from tests.support.smtp import SmtpSink
from tests.support.workers import Worker

# short backoff, and enough attempts that a server down for several seconds is waited out
WORKER_ENV = {"NOTIFY_RETRY_BASE_SECONDS": "0.3", "NOTIFY_RETRY_MAX_SECONDS": "2", "NOTIFY_MAX_ATTEMPTS": "20"}


def deliveries_of(notify_app):
    from sqlalchemy import select

    from services.notify.models import Delivery

    with notify_app.extensions["db"]() as session:
        return [
            (r.channel, r.status, r.attempts, r.last_error)
            for r in session.scalars(select(Delivery).order_by(Delivery.id))
        ]


@pytest.fixture
def own_sink():
    """A sink of this test only, so it can be stopped and started again on its port."""
    sink = SmtpSink()
    sink.__enter__()
    yield sink
    try:
        sink.__exit__(None, None, None)
    except Exception:  # already stopped by the test
        pass


@pytest.fixture
def worker_for(settings, notify_settings, tmp_path):
    started = []

    def start(smtp_port: int, pool: str = "prefork", concurrency: int = 2) -> Worker:
        own = dataclasses.replace(notify_settings, smtp_port=smtp_port)
        worker = Worker(
            "notify", settings, tmp_path, extra_env=WORKER_ENV, pool=pool, concurrency=concurrency, notify=own
        )
        started.append(worker)
        return worker.wait_ready()

    yield start
    for worker in started:
        worker.stop()


def test_a_batch_through_451s_arrives_once_each_after_retries(notify_app, smtp_sink, worker_for):
    celery = notify_app.extensions["celery"]
    before = smtp_sink.handler.attempts  # the session sink counts across tests
    smtp_sink.fail("451 4.7.1 Greylisted, try again later", 60)
    payloads = notices(40)
    for payload in payloads:
        publish(celery, "notify.booking_notice", payload, "notify")
    worker = worker_for(smtp_sink.port)

    expected = {p["message_id"] for p in payloads}
    wait_for(
        lambda: set(delivery_states(notify_app)) == {"sent"} and sum(delivery_states(notify_app).values()) == 40,
        120,
        lambda: f"states {delivery_states(notify_app)}; log:\n{worker.log()}",
    )
    counts = arrivals(smtp_sink)
    assert set(counts) == expected and set(counts.values()) == {1}
    assert smtp_sink.handler.attempts - before == 40 + 60  # every 451 was followed by another attempt, no more
    assert sum(attempts for _, _, attempts, _ in deliveries_of(notify_app)) == 100


def test_550_fails_at_once_with_the_reason_and_is_not_tried_again(notify_app, smtp_sink, worker_for):
    celery = notify_app.extensions["celery"]
    before = smtp_sink.handler.attempts
    smtp_sink.fail("550 5.1.1 Mailbox unknown", 1)
    publish(celery, "notify.booking_notice", notice_payload(phone="", email="niemand@example.org"), "notify")
    worker = worker_for(smtp_sink.port)
    wait_for(lambda: delivery_states(notify_app) == {"failed": 1}, 60, lambda: worker.log())

    # a marker behind it on the same queue: once it arrived, the worker is past the failed one
    marker = notice_payload(phone="", email="marker@example.org", title="Marker")
    publish(celery, "notify.booking_notice", marker, "notify")
    wait_for(lambda: len(smtp_sink.messages) == 1, 60, lambda: worker.log())
    [(channel, status, attempts, error)] = [d for d in deliveries_of(notify_app) if d[1] == "failed"]
    assert (channel, status, attempts) == ("email", "failed", 1)
    assert "550" in error and "Mailbox unknown" in error
    assert smtp_sink.handler.attempts - before == 2  # the refused one once, the marker once
    assert str(smtp_sink.messages[0]["To"]) == "Lena Beispiel <marker@example.org>"


def test_smtp_server_down_for_a_while_then_back_delivers_each_once(notify_app, own_sink, worker_for):
    celery = notify_app.extensions["celery"]
    port = own_sink.port
    own_sink.__exit__(None, None, None)  # the server goes away before anything is sent
    payloads = notices(10)
    for payload in payloads:
        publish(celery, "notify.booking_notice", payload, "notify")
    worker = worker_for(port)

    def every_one_failed_twice():
        rows = deliveries_of(notify_app)
        return len(rows) == 10 and all(status == "retrying" and attempts >= 2 for _, status, attempts, _ in rows)

    wait_for(every_one_failed_twice, 90, lambda: f"{deliveries_of(notify_app)}\n{worker.log()}")
    assert all(error for *_, error in deliveries_of(notify_app))  # each attempt's reason is recorded

    with SmtpSink(port=port) as back:  # the same address again
        wait_for(
            lambda: delivery_states(notify_app) == {"sent": 10},
            90,
            lambda: f"{deliveries_of(notify_app)}\n{worker.log()}",
        )
        counts = arrivals(back)
        assert set(counts) == {p["message_id"] for p in payloads} and set(counts.values()) == {1}
