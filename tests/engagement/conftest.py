"""Fixtures of the Engagementbörse's tests on the real databases (the pure domain's tests in
domain/ have their own conftest)."""

import pytest

from tests.support.workers import Worker


@pytest.fixture(scope="session")
def engagement_app(apps):
    return apps["engagement"]


@pytest.fixture
def notify_worker(settings, notify_settings, tmp_path):
    """A real notify worker: the engagement outbox's mails reach the suite's SMTP sink."""
    worker = Worker("notify", settings, tmp_path, notify=notify_settings)
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()
