"""Fixtures of the calendar tests: a live HTTP server for real CalDAV clients, the calendar
store on the real database, tasks run through Celery. Helpers that build data (booking
messages, events) are in tests/support/calendar.py."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from shared.db import transaction

from services.calendar.store.sql import SqlStore

from tests.support.live import LiveServer


@pytest.fixture(scope="session")
def live(frontdoor):
    with LiveServer(frontdoor) as server:
        yield server


@pytest.fixture
def store(calendar_app):
    """`with store() as s:` a SqlStore in one committed transaction."""

    @contextmanager
    def open_store():
        with transaction(calendar_app.extensions["db"]) as session:
            yield SqlStore(session)

    return open_store


@pytest.fixture
def run_task(calendar_app):
    """Run a consumed task in this process through Celery's own task machinery."""

    def run(task_name: str, message: dict):
        return calendar_app.extensions["celery"].tasks[task_name].apply(kwargs=message).get()

    return run
