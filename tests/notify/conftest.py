"""Fixtures for the notify tests: running the real task in-process (eager) inside the notify
app, and reading the delivery rows. Payload helpers are in tests/support/notify.py."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services.notify.models import Delivery

from tests.support.notify import tune
from tests.support.workers import Worker


@pytest.fixture
def fast_retries(notify_app, monkeypatch):
    """Backoff of (almost) nothing: settings, the same knob production has."""
    tune(monkeypatch, notify_app, retry_base_seconds=0.01, retry_max_seconds=0.05)
    return notify_app


@pytest.fixture
def run_task(notify_app, fast_retries):
    """Run a notify task as the worker would, in this process; returns the eager result."""

    def run(name, **kwargs):
        result = notify_app.extensions["celery"].tasks[name].apply(kwargs=kwargs)
        result.get(propagate=True)
        return result

    return run


@pytest.fixture
def deliveries(notify_app):
    """The delivery rows as plain dicts, oldest first."""

    def load():
        with notify_app.extensions["db"]() as session:
            rows = session.scalars(select(Delivery).order_by(Delivery.id)).all()
            return [
                {
                    c: getattr(r, c)
                    for c in (
                        "id",
                        "channel",
                        "recipient",
                        "status",
                        "attempts",
                        "last_error",
                        "kind",
                        "account_id",
                        "subject",
                        "sent_at",
                    )
                }
                for r in rows
            ]

    return load


@pytest.fixture
def notify_worker(settings, notify_settings, tmp_path):
    """A real notify worker process with a short backoff."""
    worker = Worker(
        "notify",
        settings,
        tmp_path,
        notify=notify_settings,
        extra_env={"NOTIFY_RETRY_BASE_SECONDS": "0.2", "NOTIFY_RETRY_MAX_SECONDS": "1"},
    ).wait_ready()
    yield worker
    worker.stop()
