"""Rate limits per channel, for all workers together: two real worker processes on real Redis
share one token bucket; sends are counted per time window from the SMTP sink's own arrival
times (generous bounds: a limit per worker, or none, would break them by far)."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest
from aiosmtpd.controller import Controller

from shared.messaging import publish

from tests.support.notify import notice_payload, tune
from tests.support.smtp import _free_port
from tests.support.workers import Worker, queue_length

RATE = 4.0  # mails per second, all workers together
MAILS = 24


class TimedSink:
    """An SMTP server that notes when each mail arrived (monotonic clock of this process)."""

    def __init__(self):
        self.arrivals: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=_free_port())

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.arrivals.append((time.monotonic(), envelope.rcpt_tos[0]))
        return "250 Message accepted"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


@pytest.fixture
def timed_sink():
    with TimedSink() as sink:
        yield sink


def most_in_any_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, left = 0, 0
    for right, t in enumerate(times):
        while t - times[left] >= window:
            left += 1
        best = max(best, right - left + 1)
    return best


def test_two_workers_together_keep_the_email_rate(
    notify_app, settings, notify_settings, tmp_path, timed_sink, deliveries
):
    env = {"NOTIFY_RATE_EMAIL": str(RATE), "NOTIFY_RATE_BURST_SECONDS": "0.25", "NOTIFY_RATE_MAX_WAIT_SECONDS": "0.5"}
    own = dataclasses.replace(notify_settings, smtp_port=timed_sink.controller.port)
    workers = [Worker("notify", settings, tmp_path, extra_env=env, notify=own) for _ in range(2)]
    try:
        for worker in workers:
            worker.wait_ready()
        celery = notify_app.extensions["celery"]
        for i in range(MAILS):
            publish(
                celery,
                "notify.booking_notice",
                notice_payload(booking_id=900 + i, email=f"person{i}@example.org", phone=""),
                "notify",
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (
            len(deliveries()) == MAILS and {r["status"] for r in deliveries()} == {"sent"}
        ):
            time.sleep(0.3)
        rows = deliveries()
        assert {r["status"] for r in rows} == {"sent"} and len(rows) == MAILS, [w.log() for w in workers]
    finally:
        for worker in workers:
            worker.stop()
    times = [t for t, _ in timed_sink.arrivals]
    assert sorted(to for _, to in timed_sink.arrivals) == sorted(f"person{i}@example.org" for i in range(MAILS))
    # a bucket of one token refilled at 4/s allows at most 1 + 4*2 = 9 sends in any 2 s; 2 of slack
    # for network jitter. A bucket per worker would allow about 18, no limit far more.
    assert most_in_any_window(times, 2.0) <= 11
    assert max(times) - min(times) >= (MAILS - 1) / RATE * 0.7
    assert {r["attempts"] for r in rows} == {1}  # waiting for the limit is no failed attempt


def test_a_limited_send_goes_back_to_the_queue_without_spending_an_attempt(
    notify_app, run_task, monkeypatch, settings, deliveries, smtp_sink
):
    tune(monkeypatch, notify_app, rate_email=0.2, rate_max_wait_seconds=0.0)  # one mail per 5 s, no waiting
    before = queue_length(settings.broker_url, "notify")
    run_task("notify.booking_notice", **notice_payload(phone=""))
    run_task("notify.booking_notice", **notice_payload(phone="", booking_id=43))
    first, second = deliveries()
    assert (first["status"], first["attempts"]) == ("sent", 1)
    assert (second["status"], second["attempts"]) == ("queued", 0)
    assert len(smtp_sink.messages) == 1
    assert queue_length(settings.broker_url, "notify") - before == 1  # notify.send_delivery, with a countdown


def test_without_redis_an_in_process_bucket_limits_threads_alike():
    from services.notify.ratelimit import LocalBucket, RateLimiter

    limiter = RateLimiter(LocalBucket(), {"email": 10.0, "sms": 0.0}, burst_seconds=1.0, max_wait=0.0)
    results = []
    threads = [threading.Thread(target=lambda: results.append(limiter.acquire("email"))) for _ in range(15)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(0.0) == 10 and all(0 < r <= 0.6 for r in results if r)
    assert all(limiter.acquire("sms") == 0.0 for _ in range(100))  # 0: unlimited
