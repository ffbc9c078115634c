"""Demo data, and messages through real Redis to a real calendar worker process."""

import time

from icalendar import Calendar
from sqlalchemy import func, select

from shared.identity import demo as identity_demo
from shared.messaging import publish

from services.calendar import demo
from services.calendar.store.models import CalendarObject, ProcessedMessage

from tests.support.calendar import booking_message
from tests.support.workers import Worker


def test_demo_loads_about_seventy_offerings_once(calendar_app):
    identity_demo.load(calendar_app.extensions["identity"])
    assert demo.load(calendar_app) == 70
    assert demo.load(calendar_app) == 0
    feed = calendar_app.test_client().get("/feeds/network.ics")
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    assert len(events) == 70
    assert all("RRULE" in e and str(e["DTSTART"].params.get("TZID")) == "Europe/Berlin" for e in events)
    assert sum("INTERVAL" in e["RRULE"] for e in events) >= 5 and sum("EXDATE" in e for e in events) == 1
    titles = {str(e["SUMMARY"]) for e in events}
    assert {"Eltern-Kind-Turnen", "Mittagstisch", "Handysprechstunde Jung hilft Alt"} <= titles
    kids = calendar_app.test_client().get("/feeds/network.ics?audience=Kinder&category=Kultur")
    assert 0 < len(Calendar.from_ical(kids.data).walk("VEVENT")) < 70


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
