"""This service's Celery queue in the broker: how many messages wait there, asked at scrape time
with a short timeout. A broker that does not answer gives treffpunkt_broker_up 0, not an error.

On Redis a queue is a list under its name, and kombu keeps messages sent with a priority in one
sub-list per priority step (`<queue>\\x06\\x16<step>`); the length is the sum of all of them, as
kombu's own size() counts it. Another broker (RabbitMQ) is only asked whether it answers."""

from __future__ import annotations

from collections.abc import Iterator

from celery import Celery
from kombu.transport.redis import PRIORITY_STEPS, Channel
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from shared import redis_url

TIMEOUT = 1.0  # seconds, to connect and for each answer


def queue_keys(queue: str) -> list[str]:
    return [queue] + [f"{queue}{Channel.sep}{step}" for step in PRIORITY_STEPS if step]


class BrokerReader:
    def __init__(self, celery: Celery, redis_broker: str) -> None:
        """`redis_broker`: Celery's broker in REDIS_URL's form (one server or a Sentinel group)
        when it is Redis, else "" (shared.messaging.redis_broker)."""
        self.celery = celery
        self.queue: str = celery.conf.task_default_queue
        self.redis = (
            redis_url.client(redis_broker, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT, retry=None)
            if redis_broker
            else None
        )

    def queue_length(self) -> int | None:
        """Messages waiting in this service's queue; None where only reachability is known.
        Raises when the broker does not answer."""
        if self.redis is None:
            with self.celery.connection_for_read() as conn:
                conn.ensure_connection(max_retries=1, timeout=TIMEOUT)
            return None
        with self.redis.pipeline(transaction=False) as pipe:
            for key in queue_keys(self.queue):
                pipe.llen(key)
            return sum(int(length) for length in pipe.execute())

    def families(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("treffpunkt_broker_up", "1 when the Celery broker answered this scrape, else 0.")
        try:
            length = self.queue_length()
        except Exception:  # no answer within TIMEOUT, refused, unknown host: that is the figure
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        if length is not None:
            waiting = GaugeMetricFamily(
                "treffpunkt_celery_queue_length", "Messages waiting in the service's Celery queue.", labels=["queue"]
            )
            waiting.add_metric([self.queue], length)
            yield waiting
