"""The kill test of issue 5: real notify worker processes on real Redis and a real SMTP sink.

1,000 booking notices, committed into rooms' outbox as a booking does and relayed from there;
half-way the notify worker is SIGKILLed (its whole process group, pool children included) and a
new one started. Every message must arrive exactly once. At least once: Redis hands a dead
worker's unacknowledged messages to the next one after the visibility timeout (set short here
through BROKER_VISIBILITY_TIMEOUT, the production knob), and a message the dead worker had
popped but not yet recorded as unacknowledged (kombu's window) is published again by the outbox
because no receipt came back for it (OUTBOX_REDELIVER_SECONDS, also short here). At most once:
the delivery row, claimed before the send and recorded right after it. A second test restarts
Redis itself (a private, persistent redis-server) in the middle of the run.

One duplicate per send in flight is possible and checked to be exactly that: the SMTP server
accepted the mail, and the worker was killed before it recorded "sent" (README: delivery guarantees).
"""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import threading
import time
from collections import Counter

import pytest
import redis
from celery import Celery

from shared import outbox
from shared.db import make_session_factory
from shared.messaging import celery_config

from tests.support.notify import (
    VISIBILITY_TIMEOUT,
    arrivals,
    broker_idle,
    delivery_states,
    notices,
    start_worker,
    wait_for,
)
from tests.support.workers import Worker

MESSAGES = 1000
# seconds without a receipt before rooms' outbox publishes a notice again: longer than the
# queue of 1,000 takes to drain without a rate limit (about 10 s), so copies are the exception
# (they would be harmless); what the kill loses in kombu's window comes back after this
REDELIVER_AFTER = 20


def unlimited(apps):
    """notify's settings without the mail provider's rate limit (20 a second by default): what is
    tested here is the kill, not the pace, and 1,000 mails at 20 a second took 50 s a test."""
    return dataclasses.replace(apps["notify"].config["NOTIFY_SETTINGS"], rate_email=0.0)


class RoomsOutbox:
    """Rooms' side as in production: notices committed into its outbox, a relay publishing
    them (what the after-commit hook and the beat sweep do), receipts confirming them (a rooms worker)."""

    def __init__(self, rooms_app, settings):
        from services.rooms.db.models import OutboxMessage

        # sessions of rooms' database without the rooms app's publish-after-commit: that would
        # publish to the app's broker, not to `settings.broker_url` (the private Redis of the
        # Redis test); here the relay below publishes, as the immediate relay would
        self.factory = make_session_factory(rooms_app.extensions["db_engine"])
        self.model = OutboxMessage
        self.celery = Celery("kill-test-rooms", set_as_current=False)
        self.celery.config_from_object(celery_config(settings, "rooms"))
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._relay, daemon=True)

    def commit(self, payloads) -> None:
        with self.factory() as session:
            for payload in payloads:
                outbox.add(session, self.model, "notify.booking_notice", **payload)
            session.commit()

    def _relay(self) -> None:
        while not self.stopped.wait(0.3):
            try:
                outbox.relay(self.factory, self.model, self.celery, limit=500, redeliver_after=REDELIVER_AFTER)
            except Exception:  # noqa: BLE001 - broker restarting (the Redis test): next round
                pass

    def open_rows(self) -> int:
        from sqlalchemy import func, select

        with self.factory() as session:
            return session.scalar(select(func.count()).select_from(self.model).where(self.model.confirmed_at.is_(None)))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()


def kill_midway_and_finish(apps, settings, tmp_path, sink, pool, concurrency, disrupt):
    """Commit the notices into rooms' outbox, let a worker deliver half, call
    `disrupt(worker)`, which returns the worker that finishes; then wait until everything is
    delivered, every outbox row confirmed by its receipt, and the broker idle."""
    notify_app = apps["notify"]
    payloads = notices(MESSAGES)
    source = RoomsOutbox(apps["rooms"], settings)
    source.commit(payloads)
    workers = [start_worker(settings, unlimited(apps), tmp_path, pool, concurrency)]
    receipts = Worker("rooms", settings, tmp_path).wait_ready()
    try:
        with source:
            wait_for(lambda: len(sink.messages) >= MESSAGES // 2, 120, lambda: f"{len(sink.messages)} arrived")
            workers.append(disrupt(workers[0]))
            expected = {p["message_id"] for p in payloads}
            wait_for(
                lambda: expected <= set(arrivals(sink)),
                150,
                lambda: (
                    f"{len(expected - set(arrivals(sink)))} missing; states {delivery_states(notify_app)}; "
                    f"worker log:\n{workers[-1].log()}"
                ),
            )
            # settle: restored copies of what the dead worker held run too (and send nothing),
            # and every receipt is in
            wait_for(
                lambda: (
                    broker_idle(settings.broker_url)
                    and source.open_rows() == 0
                    and set(delivery_states(notify_app)) == {"sent"}
                ),
                60,
                lambda: f"states {delivery_states(notify_app)}, {source.open_rows()} unconfirmed",
            )
    finally:
        for worker in [*workers, receipts]:
            worker.stop()
    return expected, workers


def assert_exactly_once(expected, sink, notify_app, workers, accepted_before_kill: set, in_flight: int):
    """Every message arrived; none twice, except in the window the README states: the SMTP
    server had accepted the mail from the worker that was killed before it could record "sent"
    (so its first copy is among those that arrived before the kill) — at most one per send in
    flight. A copy sent twice after the kill, or more than twice, is a bug."""
    counts = arrivals(sink)
    assert set(counts) == expected, f"lost: {len(expected - set(counts))}, strangers: {set(counts) - expected}"
    duplicated = {m: n for m, n in counts.items() if n > 1}
    outside_window = {m: n for m, n in duplicated.items() if n > 2 or m not in accepted_before_kill}
    assert not outside_window, f"sent more than once outside the accepted-then-killed window: {outside_window}"
    assert len(duplicated) <= in_flight, f"more window duplicates than sends in flight: {duplicated}"
    assert delivery_states(notify_app) == Counter({"sent": MESSAGES})
    assert workers[0].process.returncode == -9  # it really was SIGKILLed, not stopped
    if duplicated:  # visible in the test output (-rP / -s): how often the window is hit
        print(f"window duplicates (accepted by SMTP, worker killed before recording): {duplicated}")


@pytest.mark.parametrize("pool,concurrency", [("prefork", 2), ("solo", 1)])
def test_sigkill_of_the_worker_half_way_loses_nothing_and_sends_nothing_twice(
    apps, settings, tmp_path, smtp_sink, pool, concurrency
):
    settings = dataclasses.replace(settings, broker_visibility_timeout=VISIBILITY_TIMEOUT)
    accepted_before_kill: set[str] = set()

    def kill_and_replace(worker):
        worker.kill()
        accepted_before_kill.update(arrivals(smtp_sink))  # the dead worker can add nothing more
        return start_worker(settings, unlimited(apps), tmp_path, pool, concurrency)

    expected, workers = kill_midway_and_finish(apps, settings, tmp_path, smtp_sink, pool, concurrency, kill_and_replace)
    assert_exactly_once(expected, smtp_sink, apps["notify"], workers, accepted_before_kill, concurrency)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of our own that can be killed and restarted on the same port and data.

    Configured like docker-compose's broker (append-only file, default fsync every second,
    noeviction): a Redis that forgets its queues on restart loses every message published but
    not yet taken. A killed redis-server loses nothing of its AOF (the writes are in the OS);
    only a crash of the whole host may lose the last second."""

    def __init__(self, folder):
        self.folder, self.port, self.process = folder, _free_port(), None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--maxmemory-policy",
                "noeviction",
                "--dir",
                str(self.folder),
                "--logfile",
                str(self.folder / "redis.log"),
            ],
            start_new_session=True,
        )
        wait_for(self._answers, 20, lambda: (self.folder / "redis.log").read_text(errors="replace")[-2000:])

    def _answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.kill()


def test_redis_killed_and_restarted_mid_run_loses_nothing_and_sends_nothing_twice(
    apps, settings, tmp_path, smtp_sink, private_redis
):
    settings = dataclasses.replace(settings, broker_url=private_redis.url, broker_visibility_timeout=VISIBILITY_TIMEOUT)

    def restart_redis(worker):
        private_redis.kill()
        time.sleep(2)  # the worker notices the broker is gone and starts reconnecting
        private_redis.start()
        return worker

    expected, workers = kill_midway_and_finish(apps, settings, tmp_path, smtp_sink, "prefork", 2, restart_redis)
    counts = arrivals(smtp_sink)
    assert set(counts) == expected, f"lost: {len(expected - set(counts))}"
    assert not {m: n for m, n in counts.items() if n > 1}
    assert delivery_states(apps["notify"]) == Counter({"sent": MESSAGES})
