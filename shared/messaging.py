"""Celery plumbing: one Celery app per service, created from its Flask app.

Reliability settings follow what was measured here (see README "Messaging"): late acks,
re-queue when a worker dies, prefetch of one, and a visibility timeout longer than any task.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from celery import Celery, Task
from flask import Flask
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from shared.config import Settings

log = logging.getLogger(__name__)
VISIBILITY_TIMEOUT = 3600  # the default of Settings.broker_visibility_timeout

# How long a task may run: after the soft limit Celery raises SoftTimeLimitExceeded inside it (it
# can still record what happened), after the hard one the pool kills its process. Either way the
# message is not lost: a consumer sends its receipt only after its commit, so the sender's outbox
# publishes the message again; notify retries its own deliveries; periodic tasks run again soon.
# Only the prefork pool (production's workers) enforces them; the solo pool of `make run` cannot.
TIME_LIMIT = (60, 90)  # (soft, hard) seconds for every task without limits of its own, e.g.
# calendar.booking_changed: one resource of at most 200 dates, well under a second


def redis_transport_options(visibility_timeout: int) -> dict[str, int]:
    """kombu returns a dead worker's unacked messages only in a sweep every interval × throttle
    seconds (10 × 10 by default). Sweep about ten times per visibility timeout, never more
    rarely than kombu's default, so a short timeout (tests) also brings them back soon."""
    period = max(1, min(100, visibility_timeout // 10))
    interval = max(1, min(10, period))
    return {
        "visibility_timeout": visibility_timeout,
        "unacked_restore_interval": interval,
        "unacked_restore_throttle": max(1, period // interval),
    }


def broker_options(settings: Settings) -> dict[str, Any]:
    """Celery config for the broker: Redis when REDIS_URL is set, else a file broker (make run)."""
    if settings.broker_url:
        return {
            "broker_url": settings.broker_url,
            "broker_transport_options": redis_transport_options(settings.broker_visibility_timeout),
        }
    folder = settings.var_dir / "broker"
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),  # else kombu writes ./control
            "store_processed": False,
            "polling_interval": 0.2,
        },
    }


def celery_config(settings: Settings, queue: str) -> dict[str, Any]:
    return {
        **broker_options(settings),
        "task_default_queue": queue,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_serializer": "json",
        "accept_content": ["json"],
        "broker_connection_retry_on_startup": True,
        "broker_connection_timeout": 3,
        "worker_hijack_root_logger": False,
        "timezone": "UTC",
        "task_soft_time_limit": TIME_LIMIT[0],
        "task_time_limit": TIME_LIMIT[1],
    }


def consumer_retry() -> dict[str, Any]:
    """How a task that consumes another service's message is retried: database trouble
    (a lost connection, a serialisation failure) with growing pauses for about an hour; what no
    retry can change the consumer refuses for good itself."""
    return dict(
        autoretry_for=(OperationalError, IntegrityError, DBAPIError),
        retry_backoff=True,
        retry_backoff_max=300,
        retry_jitter=True,
        max_retries=12,
        soft_time_limit=60,
        time_limit=90,
    )


def make_celery(flask_app: Flask, queue: str) -> Celery:
    """The Flask-documented pattern: every task runs inside the app context.

    Register tasks with `@celery.task(shared=False, ...)`: several service apps live in one
    process (make run, tests), and a shared task would be copied into every one of them."""

    class FlaskTask(Task):  # type: ignore[misc]  # celery has no type hints: Task is Any to mypy
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with flask_app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(flask_app.import_name, task_cls=FlaskTask)
    celery.config_from_object(celery_config(flask_app.config["SETTINGS"], queue))
    celery.set_default()
    flask_app.extensions["celery"] = celery
    return celery


def publish(celery: Celery, task_name: str, payload: Mapping[str, Any], queue: str) -> None:
    """Send one message; raises when the broker cannot take it (the outbox then retries).

    The message's printable form (what monitoring tools and logs show) is its id only: Celery
    would otherwise put a repr of every name, address and phone number into the headers, and
    building that repr cost more than the publish itself.

    Time limits are left to the worker (its own configuration): Celery would otherwise copy the
    limits of a same-named task registered in the sending process into the message, and those
    would win over the worker's."""
    celery.send_task(
        task_name,
        kwargs=payload,
        queue=queue,
        time_limit=None,
        soft_time_limit=None,
        retry=True,
        retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5},
        argsrepr="()",
        kwargsrepr=f"{{'message_id': {str(payload.get('message_id'))!r}}}",
    )
