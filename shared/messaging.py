"""Celery plumbing: one Celery app per service, created from its Flask app.

Reliability settings follow what was measured here (see README "Messaging"): late acks,
re-queue when a worker dies, prefetch of one, and a visibility timeout longer than any task.

Every message carries a request id in a header (REQUEST_ID_HEADER): the one of the request or
task that sent it (shared.logs.request_id; an outbox row keeps the one it was written under), a
fresh one where there is none (beat's periodic tasks: one per run). A task runs with its
message's id as its own, so its log lines, and the messages it sends in turn, carry it on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextvars import Token
from typing import Any

from celery import Celery, Task, signals
from flask import Flask
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from shared import logs, redis_url
from shared.config import Settings

log = logging.getLogger(__name__)
REQUEST_ID_HEADER = "request_id"
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
    """Celery config for the broker: CELERY_BROKER_URL where an operator prefers another broker
    (RabbitMQ: it returns a dead worker's messages by itself, so none of Redis' options apply),
    else Redis when REDIS_URL is set (one server or a Sentinel group), else a file broker (make run)."""
    if settings.celery_broker_url:
        return {"broker_url": settings.celery_broker_url}
    if settings.broker_url:
        return redis_url.kombu_broker(settings.broker_url, redis_transport_options(settings.broker_visibility_timeout))
    folder = settings.var_dir / "broker"
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport": "shared.file_broker:Transport",  # kombu's, with messages written whole
        "broker_transport_options": {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),  # else kombu writes ./control
            "store_processed": False,
            # each hop of a message waits up to this long: a room invited from a calendar program
            # answers after two hops (bench/invitations.py: p50 0.8 s at 0.2, 0.13 s at 0.05);
            # idle, the five processes then use 3.3 % of one core instead of 2.4 %
            "polling_interval": 0.05,
        },
    }


def redis_broker(settings: Settings) -> str:
    """Celery's broker in REDIS_URL's form when it is Redis, else "" (RabbitMQ, the file broker)."""
    url = settings.celery_broker_url or settings.broker_url
    return url if redis_url.is_redis(url) else ""


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


def publish(
    celery: Celery, task_name: str, payload: Mapping[str, Any], queue: str, request_id: str | None = None
) -> None:
    """Send one message; raises when the broker cannot take it (the outbox then retries).
    `request_id`: the one it was queued under (else the current one, or a fresh one).

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
        headers=request_id_header(request_id),
    )


def request_id_header(request_id: str | None) -> dict[str, str]:
    """Headers that send a message under `request_id` (none: the sender's current one)."""
    valid = logs.valid_request_id(request_id)
    return {REQUEST_ID_HEADER: valid} if valid else {}


def _carry_request_id(headers: dict[str, Any] | None = None, **_: object) -> None:
    """Every message sent from this process (send_task, a retry, beat) carries a request id."""
    if headers is not None and not logs.valid_request_id(headers.get(REQUEST_ID_HEADER)):
        headers[REQUEST_ID_HEADER] = logs.request_id.get() or logs.new_request_id()


_task_tokens: dict[str, Token[str | None]] = {}  # task id -> the request id before it ran


def _take_request_id(task_id: str, task: Task, **_: object) -> None:
    """The task runs under its message's request id (run in-process without a message: the
    caller's; else a fresh one)."""
    sent = logs.valid_request_id(getattr(task.request, REQUEST_ID_HEADER, None))
    _task_tokens[task_id] = logs.request_id.set(sent or logs.request_id.get() or logs.new_request_id())


def _drop_request_id(task_id: str, **_: object) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        logs.request_id.reset(token)


signals.before_task_publish.connect(_carry_request_id, weak=False, dispatch_uid="treffpunkt.messaging.request_id")
signals.task_prerun.connect(_take_request_id, weak=False, dispatch_uid="treffpunkt.messaging.task_started")
signals.task_postrun.connect(_drop_request_id, weak=False, dispatch_uid="treffpunkt.messaging.task_done")
