"""Every Celery task of the services has a time limit (soft below hard, both well below the
broker's visibility timeout, so a stopped task's message is never handed out twice while it
still runs) and a bounded number of retries."""

from __future__ import annotations

import pytest

SERVICES = ("calendar", "rooms", "notify", "accounts", "engagement")


def _tasks(apps, services=SERVICES):
    for service in services:
        celery = apps[service].extensions["celery"]
        for name, task in sorted(celery.tasks.items()):
            if name.startswith(f"{service}."):
                yield service, name, task, celery.conf


def test_the_services_have_their_tasks(apps):
    names = {name for _service, name, _task, _conf in _tasks(apps)}
    assert {
        "calendar.booking_changed",
        "calendar.renew_rooms",
        "calendar.record_dates",
        "notify.booking_notice",
        "notify.account_mail",
        "accounts.relay_outbox",
        "accounts.outbox_receipt",
        "notify.send_delivery",
        "notify.scan_reminders",
        "rooms.relay_outbox",
        "calendar.outbox_receipt",
        "notify.purge_messages",
        "engagement.relay_outbox",
        "engagement.outbox_receipt",
        "engagement.purge_messages",
        "engagement.tend",
    } <= names


@pytest.mark.parametrize("service", SERVICES)
def test_every_task_has_a_soft_and_a_hard_time_limit_below_the_visibility_timeout(apps, settings, service):
    for _service, name, task, conf in _tasks(apps, [service]):
        soft = task.soft_time_limit or conf.task_soft_time_limit
        hard = task.time_limit or conf.task_time_limit
        assert soft and hard, f"{name} has no time limit"
        assert 0 < soft < hard < settings.broker_visibility_timeout / 10, (name, soft, hard)


@pytest.mark.parametrize("service", SERVICES)
def test_every_task_retries_a_bounded_number_of_times(apps, service):
    for _service, name, task, _conf in _tasks(apps, [service]):
        assert task.max_retries is not None and 0 <= task.max_retries <= 50, (name, task.max_retries)
