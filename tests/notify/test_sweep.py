"""The sweep re-queues deliveries whose task got lost (a refused re-publish, a dead worker):
real worker process, real Redis, real SMTP. The claim keeps a doubled task from sending twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from shared import contracts
from shared.clock import utcnow

from services.notify import delivery
from services.notify.domain.notice import Notice
from services.notify.models import Delivery

from tests.support.notify import notice_payload
from tests.support.workers import until


@pytest.fixture
def orphan(notify_app, notify_settings):
    """A delivery row as a lost task leaves it: in the database, nothing on the queue."""
    factory = notify_app.extensions["db"]

    def make(email, **values):
        payload = notice_payload(phone="", email=email, title=email.partition("@")[0])
        notice = Notice.from_message(contracts.load("notify.booking_notice", payload))
        [delivery_id] = delivery.accept(factory, notice, notify_settings.mail_from)
        if values:
            with factory() as session:
                session.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))
                session.commit()
        return delivery_id

    return make


def sweep(notify_app):
    return notify_app.extensions["celery"].tasks["notify.sweep_deliveries"].apply().get(propagate=True)


def test_lost_deliveries_are_sent_once_after_a_sweep(notify_app, notify_worker, smtp_sink, deliveries, orphan):
    long_ago = utcnow() - timedelta(hours=2)
    orphan("queued@example.org", created_at=long_ago)
    orphan("retrying@example.org", status="retrying", attempts=1, next_attempt_at=long_ago)
    orphan("stale@example.org", status="sending", attempts=1, claimed_at=long_ago)  # its worker died
    orphan("busy@example.org", status="sending", attempts=1, claimed_at=utcnow())  # being sent now
    orphan("fresh@example.org")  # just queued: its task is surely still on its way
    orphan("later@example.org", status="retrying", attempts=1, next_attempt_at=utcnow() + timedelta(minutes=5))

    assert sweep(notify_app) == 3
    assert sweep(notify_app) == 3  # a doubled run queues them twice: still sent once each

    swept = {"queued@example.org", "retrying@example.org", "stale@example.org"}
    until(lambda: {r["recipient"] for r in deliveries() if r["status"] == "sent"} == swept, notify_worker)
    recipients = sorted(m["To"].split("<")[-1].rstrip(">") for m in smtp_sink.messages)
    assert recipients == sorted(swept)
    status = {r["recipient"]: r["status"] for r in deliveries()}
    assert status["busy@example.org"] == "sending" and status["fresh@example.org"] == "queued"
    assert status["later@example.org"] == "retrying"
    assert sweep(notify_app) == 0


def test_a_retry_records_when_it_is_due(run_task, smtp_sink, notify_app):
    """The retrying row carries its next attempt, so the sweep can tell a lost retry."""
    smtp_sink.fail("451 4.3.0 try later", 1)
    run_task("notify.booking_notice", **notice_payload(phone=""))
    from sqlalchemy import select

    with notify_app.extensions["db"]() as session:
        row = session.scalars(select(Delivery)).one()
        assert row.status == "sent" and row.attempts == 2 and row.next_attempt_at is not None
