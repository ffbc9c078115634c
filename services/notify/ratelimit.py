"""Sends per second per channel, for all workers together: a token bucket in Redis.

Celery's own `rate_limit` counts per worker, so two workers would send twice as fast as the
provider allows. The bucket lives in one Redis hash per channel and is refilled and taken from
in one Lua script, on Redis's clock, so every worker on every host sees the same bucket. Without
Redis (make run with the file broker: one process) an in-process bucket does the same."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

import redis
from flask import Flask

from shared import redis_url

from services.notify.settings import NotifySettings

log = logging.getLogger(__name__)

KEY = "treffpunkt:notify:rate:{channel}"

# KEYS[1] bucket; ARGV rate/s, capacity. Returns "0" (token taken) or the seconds until one is free.
TAKE = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%.6f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 60000)
return string.format('%.6f', wait)
"""


class Bucket(Protocol):
    def take(self, channel: str, rate: float, capacity: float) -> float:
        """Take a token: 0.0 when one was there, else the seconds until one is free."""


class LocalBucket:
    """The same bucket for one process (threads share it)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.state: dict[str, tuple[float, float]] = {}

    def take(self, channel: str, rate: float, capacity: float) -> float:
        with self.lock:
            now = time.monotonic()
            tokens, at = self.state.get(channel, (capacity, now))
            tokens = min(capacity, tokens + max(0.0, now - at) * rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / rate
            self.state[channel] = (tokens, now)
            return wait


class RedisBucket:
    def __init__(self, url: str) -> None:
        self.client = redis_url.client(url, socket_timeout=5, socket_connect_timeout=5)
        self.script = self.client.register_script(TAKE)

    def take(self, channel: str, rate: float, capacity: float) -> float:
        try:
            return float(self.script(keys=[KEY.format(channel=channel)], args=[rate, capacity]))
        except redis.RedisError as exc:
            # Redis away (then the broker is too): send rather than hold the message; a provider
            # that is pushed too hard answers 429/4xx, which is retried like any transient failure
            log.warning("rate limiter unavailable, sending unlimited: %s", exc)
            return 0.0


class RateLimiter:
    """`acquire(channel)` waits for a token up to max_wait seconds; returns 0.0 when the send may
    go now, else the seconds after which to try again (the caller re-queues, no attempt spent)."""

    def __init__(
        self,
        bucket: Bucket,
        rates: dict[str, float],
        burst_seconds: float,
        max_wait: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.bucket, self.rates, self.max_wait, self.sleep = bucket, rates, max_wait, sleep
        self.burst_seconds = burst_seconds

    def acquire(self, channel: str) -> float:
        rate = self.rates.get(channel, 0.0)
        if rate <= 0:
            return 0.0
        capacity = max(1.0, rate * self.burst_seconds)
        waited = 0.0
        while True:
            wait = self.bucket.take(channel, rate, capacity)
            if wait <= 0:
                return 0.0
            if waited + wait > self.max_wait:
                return wait
            # sleep for our turn, then take again: another worker may have been quicker
            self.sleep(wait)
            waited += wait


def from_app(app: Flask) -> RateLimiter:
    """The limiter of this app with its current settings. The bucket is made once: in Redis
    when REDIS_URL is set (one server or a Sentinel group), else in this process."""
    bucket: Bucket | None = app.extensions.get("notify_rate_bucket")
    if bucket is None:
        url = app.config["SETTINGS"].broker_url
        bucket = RedisBucket(url) if redis_url.is_redis(url) else LocalBucket()
        app.extensions["notify_rate_bucket"] = bucket
    settings: NotifySettings = app.config["NOTIFY_SETTINGS"]
    return RateLimiter(bucket, settings.rates, settings.rate_burst_seconds, settings.rate_max_wait_seconds)
