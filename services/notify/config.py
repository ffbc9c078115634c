"""Notify's own tuning knobs (Flask config keys, defaults from the environment).

They are not in shared.config.Settings because only this service reads them; tests make the
backoff short by passing these keys, never by patching code."""
from __future__ import annotations

import os

DEFAULTS = {
    "NOTIFY_MAX_ATTEMPTS": 8,  # sends per delivery before it is given up ("dead")
    "NOTIFY_RETRY_BASE_SECONDS": 30.0,  # first backoff; doubles each time, with jitter
    "NOTIFY_RETRY_MAX_SECONDS": 1800.0,  # stays below the broker's visibility timeout (3600 s)
    "NOTIFY_SEND_TIMEOUT": 20.0,  # SMTP / HTTP timeout per send
    "NOTIFY_STALE_SENDING_SECONDS": 300.0,  # a "sending" row older than this was left by a dead worker
    # the sweep re-queues a queued/retrying row this long after it was due (its task got lost)
    "NOTIFY_SWEEP_AFTER_SECONDS": 600.0,
    "NOTIFY_SWEEP_BATCH": 500,  # at most this many rows re-queued per sweep run
    # sends per second per channel, for all workers together (0: unlimited); what the provider allows
    "NOTIFY_RATE_EMAIL": 20.0,
    "NOTIFY_RATE_SMS": 5.0,
    "NOTIFY_RATE_BURST_SECONDS": 1.0,  # a full bucket holds this many seconds' worth of sends
    "NOTIFY_RATE_MAX_WAIT_SECONDS": 2.0,  # wait this long in the worker; longer: re-queue with a countdown
    "NOTIFY_PREFERENCES_LINK_DAYS": 60,  # how long the settings link in an email stays valid
    # a task that sends (a notice: email and SMS, each up to NOTIFY_SEND_TIMEOUT per step): after the
    # soft limit its unfinished sends are recorded and retried, after the hard one the process dies
    # and the sweep takes the rows over (NOTIFY_STALE_SENDING_SECONDS)
    "NOTIFY_TASK_SOFT_SECONDS": 90.0,
    "NOTIFY_TASK_HARD_SECONDS": 120.0,
}


def from_env(environ=os.environ) -> dict:
    values = {}
    for key, default in DEFAULTS.items():
        raw = environ.get(key)
        values[key] = type(default)(raw) if raw not in (None, "") else default
    return values
