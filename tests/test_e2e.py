"""The walking skeleton end to end: a booking through the web form crosses all three services.

Real parts only: the front door over HTTP, PostgreSQL databases, one real Celery worker process
per service queue on Redis, an SMTP sink (aiosmtpd) and a fake SMS gateway (HTTP)."""

from __future__ import annotations

from datetime import date, timedelta

import caldav
import icalendar
import pytest
import requests

from tests.support.infra import REDIS_URL
from tests.support.live import LiveServer
from tests.support.login import book_on_web, http_login
from tests.support.workers import Worker, drain, wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def saal(lobeda_room):
    return lobeda_room


def test_booking_crosses_all_three_services(frontdoor, workers, saal, people, smtp_sink, sms_gateway):
    day = date.today() + timedelta(days=9)
    with LiveServer(frontdoor) as live:
        otto = http_login(live.url, "otto")
        assert "Großer Saal" in otto.get(f"{live.url}/rooms/").text

        booked = book_on_web(otto, live.url, saal, day, "15:00", "16:00", "Seniorencafé der AWO")
        assert booked.status_code == 200 and "/rooms/bookings/" in booked.url, booked.text
        assert "bestätigt" in booked.text

        # the confirmation email arrived over SMTP with an invitation Outlook/Thunderbird accept
        mail = wait_until(lambda: smtp_sink.messages, what="confirmation email")[0]
        assert mail["To"].endswith("otto@example.org>") or mail["To"] == "otto@example.org"
        calendar_parts = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
        assert calendar_parts and calendar_parts[0].get_param("method") == "REQUEST"
        invitation = icalendar.Calendar.from_ical(calendar_parts[0].get_payload(decode=True))
        assert str(invitation["METHOD"]) == "REQUEST"
        event = invitation.walk("VEVENT")[0]
        uid = str(event["UID"])
        assert "otto@example.org" in str(event["ATTENDEE"]).lower()
        assert any(p.get_content_type() == "application/ics" for p in mail.walk())

        # the SMS reached the gateway, number in E.164
        sms = wait_until(lambda: sms_gateway.received, what="SMS")[0]
        assert sms["json"]["to"] == "+491609876543"
        assert "Großer Saal" in sms["json"]["text"] or "Seniorencafé" in sms["json"]["text"]

        # the room's calendar shows it: iCal feed (public, no login) and CalDAV (app password)
        def in_feed():
            feed = requests.get(f"{live.url}/feeds/rooms/{saal}.ics")
            return feed.status_code == 200 and f"UID:{uid}" in feed.text.replace("\r\n ", "")

        wait_until(in_feed, what="event in the room's iCal feed")
        client = caldav.DAVClient(url=f"{live.url}/dav/", username="lena", password=people["lena"]["app_password"])
        room_calendar = client.calendar(url=f"{live.url}/dav/rooms/{saal}/")
        assert [e.icalendar_component["UID"] for e in room_calendar.events()] == [uid]

        # the same slot again: refused with a German message; nothing new is sent
        again = book_on_web(otto, live.url, saal, day, "15:30", "16:30", "Noch eine Runde")
        assert again.status_code == 409
        assert "schon belegt" in again.text

    _drain(workers)
    assert len(smtp_sink.messages) == 1
    assert len(sms_gateway.received) == 1
    # calendar and notify sent their receipts (gathered for a moment): rooms will not publish
    # these messages again
    from services.rooms.db.models import OutboxMessage

    def confirmed():
        with frontdoor.apps["rooms"].extensions["db"]() as session:
            return {m.task_name: m.confirmed_at is not None for m in session.query(OutboxMessage)}

    wait_until(lambda: all(confirmed().values()), what="receipts for every message")
    assert set(confirmed()) == {"calendar.room_changed", "calendar.booking_changed", "notify.booking_notice"}


def _drain(workers):
    drain(REDIS_URL)


def test_booking_commits_while_broker_is_down_and_arrives_once_it_is_back(
    settings, notify_settings, apps, saal, people, smtp_sink, sms_gateway, tmp_path
):
    """Outbox: the booking commits although the broker is unreachable; once the broker can be
    reached, the relay publishes the messages and each arrives exactly once."""
    from dataclasses import replace

    from services import rooms
    from services.frontdoor import FrontDoor
    from services.rooms.db.models import Booking, OutboxMessage

    cut_off = replace(settings, broker_url="redis://127.0.0.1:1/0")
    door = FrontDoor({**apps, "rooms": rooms.create_app({"SETTINGS": cut_off})})
    day = date.today() + timedelta(days=10)
    with LiveServer(door) as live:
        otto = http_login(live.url, "otto")
        booked = book_on_web(otto, live.url, saal, day, "10:00", "11:00", "Spielenachmittag")
        assert booked.status_code == 200 and "/rooms/bookings/" in booked.url

    factory = apps["rooms"].extensions["db"]
    with factory() as session:
        assert session.query(Booking).count() == 1
        pending = session.query(OutboxMessage).filter(OutboxMessage.sent_at.is_(None)).all()
        assert {m.task_name for m in pending} == {"calendar.booking_changed", "notify.booking_notice"}
        assert any(m.last_error for m in pending)  # the relay stops at the first refusal
        for message in pending:  # don't wait out the backoff in a test
            message.next_attempt_at = message.created_at
        session.commit()

    started = [
        Worker(s, settings, tmp_path, notify=notify_settings) for s in ("calendar", "notify", "rooms")
    ]  # rooms: receipts
    try:
        for worker in started:
            worker.wait_ready()
        # the periodic sweep, as beat runs it, now with the broker reachable; twice, to show
        # that a second sweep sends nothing again
        sweep = apps["rooms"].extensions["celery"].tasks["rooms.relay_outbox"]
        with apps["rooms"].app_context():
            assert sweep.apply().get() == (2, 0)
            assert sweep.apply().get() == (0, 0)
        wait_until(lambda: smtp_sink.messages and sms_gateway.received, what="email and SMS")
        with LiveServer(door) as live:
            wait_until(
                lambda: "BEGIN:VEVENT" in requests.get(f"{live.url}/feeds/rooms/{saal}.ics").text, what="event in feed"
            )
        _drain({w.service: w for w in started})
    finally:
        for worker in started:
            worker.stop()
    assert len(smtp_sink.messages) == 1
    assert len(sms_gateway.received) == 1
