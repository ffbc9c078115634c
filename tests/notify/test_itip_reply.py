"""notify.itip_reply: a room's iTIP REPLY reaches the organizer who invited it by email, through
a real SMTP conversation with the suite's sink: once per reply_id however often and in however
many messages it comes, from the room's address with its name, `text/calendar; method=REPLY`
with METHOD:REPLY inside (FIELD-NOTES "iTIP email")."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from marshmallow import ValidationError

from shared import contracts

REPLY = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Treffpunkt Generationen Jena//rooms//DE\r\n"
    "METHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:040000008200E00074C5B7101A82E008000000001\r\n"
    "DTSTAMP:20261205T120000Z\r\nSEQUENCE:2\r\nSUMMARY:Elterncafé\r\n"
    "ORGANIZER:mailto:lena@example.org\r\n"
    'ATTENDEE;CN="Großer Saal";CUTYPE=ROOM;PARTSTAT=ACCEPTED:mailto:raum-1@treffpunkt-jena.de\r\n'
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def reply_payload(**overrides):
    values = dict(
        reply_id="imip-reply-040000008200E00074C5B7101A82E008000000001-1-3",
        to="lena@example.org",
        room_address="raum-1@treffpunkt-jena.de",
        room_name="Großer Saal",
        summary="Elterncafé",
        partstat="ACCEPTED",
        ics=REPLY,
        sender="rooms",
        account_id=7,
    )
    return contracts.build("notify.itip_reply", **{**values, **overrides})


def _send(notify_app, payload):
    notify_app.extensions["celery"].tasks["notify.itip_reply"].apply(kwargs=payload).get(propagate=True)


def test_the_reply_arrives_once_from_the_room_with_method_reply(notify_app, fast_retries, smtp_sink, deliveries):
    payload = reply_payload()
    _send(notify_app, payload)
    _send(notify_app, payload)  # the broker delivers it twice
    _send(notify_app, reply_payload())  # rooms' outbox sends the same reply in a new message
    (message,) = smtp_sink.messages
    assert message["To"] == "lena@example.org"
    assert message["From"].addresses[0].display_name == "Großer Saal"
    assert message["From"].addresses[0].addr_spec == "raum-1@treffpunkt-jena.de"
    assert message["Subject"] == "Zugesagt / Accepted: Elterncafé"
    inline = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(inline) == 1 and inline[0].get_param("method") == "REPLY"
    calendar = Calendar.from_ical(inline[0].get_content())
    assert calendar["METHOD"] == "REPLY"
    (event,) = calendar.walk("VEVENT")
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    attached = [p for p in message.walk() if p.get_content_type() == "application/ics"]
    assert attached and attached[0].get_filename() == "invite.ics"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert text.index("Der Raum „Großer Saal“ hat zugesagt") < text.index("The room “Großer Saal” has accepted")
    (row,) = deliveries()
    assert (row["kind"], row["status"], row["channel"], row["attempts"]) == ("itip_reply", "sent", "email", 1)
    assert row["account_id"] == 7  # the organizer's: in their data export, gone with their erasure


def test_a_declined_and_a_mixed_reply_are_two_mails(notify_app, fast_retries, smtp_sink):
    _send(notify_app, reply_payload(reply_id="r-1", partstat="DECLINED"))
    _send(notify_app, reply_payload(reply_id="r-2", partstat="MIXED"))
    subjects = sorted(m["Subject"] for m in smtp_sink.messages)
    assert subjects == ["Abgesagt / Declined: Elterncafé", "Teilweise zugesagt / Partly accepted: Elterncafé"]


def test_a_reply_the_sink_refuses_for_now_is_sent_again_and_still_once(notify_app, fast_retries, smtp_sink):
    before = smtp_sink.handler.attempts  # counted over the whole run
    smtp_sink.fail("451 4.3.0 try again", 1)
    _send(notify_app, reply_payload())
    assert len(smtp_sink.messages) == 1 and smtp_sink.handler.attempts - before == 2


def test_the_contract_refuses_a_reply_without_an_address_or_with_an_unknown_answer():
    with pytest.raises(ValidationError):
        reply_payload(to="keine-adresse")
    with pytest.raises(ValidationError):
        reply_payload(partstat="NEEDS-ACTION")


def test_the_delivery_log_shows_the_reply_and_its_calendar(notify_app, fast_retries, smtp_sink, people):
    from tests.support.login import login

    _send(notify_app, reply_payload())
    office = notify_app.test_client()
    login(office, "kora", service="notify")
    page = office.get("/notify/deliveries/1")
    assert page.status_code == 200 and "Antwort eines Raums" in page.get_data(as_text=True)
    ics = office.get("/notify/deliveries/1/invite.ics")
    assert ics.status_code == 200 and b"METHOD:REPLY" in ics.data
