"""Messages through real Redis to a real calendar worker process (the demo data: test_demo.py)."""

import time

from sqlalchemy import func, select

from shared.messaging import publish

from services.calendar.store.models import CalendarObject, ProcessedMessage

from tests.support.calendar import booking_message
from tests.support.workers import Worker


def _wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_worker_applies_a_message_delivered_twice_once(settings, calendar_app, tmp_path):
    worker = Worker("calendar", settings, tmp_path).wait_ready()
    try:
        message = booking_message()
        celery = calendar_app.extensions["celery"]
        publish(celery, "calendar.booking_changed", message, "calendar")
        publish(celery, "calendar.booking_changed", message, "calendar")  # at-least-once delivery

        def processed():
            with calendar_app.extensions["db"]() as s:
                return s.scalar(select(func.count()).select_from(ProcessedMessage)) == 1

        assert _wait_for(processed), worker.log()
        marker = booking_message(uid="marker@treffpunkt-jena.de", booking_id=2)
        publish(celery, "calendar.booking_changed", marker, "calendar")  # processed after both copies

        def both_done():
            with calendar_app.extensions["db"]() as s:
                return s.scalar(select(func.count()).select_from(ProcessedMessage)) == 2

        assert _wait_for(both_done), worker.log()
        with calendar_app.extensions["db"]() as s:
            uids = s.scalars(select(CalendarObject.uid).where(CalendarObject.deleted.is_(False))).all()
        assert sorted(uids) == ["booking-1@treffpunkt-jena.de", "marker@treffpunkt-jena.de"]
    finally:
        worker.stop()
