"""notify.itip_request: an organizer's invitation (or cancellation) reaches a person they invited,
through a real SMTP conversation with the suite's sink: once per request_id however often and in
however many messages it comes, from the service's address in the organizer's name, replies to
the organizer, `text/calendar; method=REQUEST` with METHOD:REQUEST inside (FIELD-NOTES "iTIP
email"); an object whose METHOD contradicts the message is refused, never sent."""

from __future__ import annotations

from email.utils import parseaddr

import pytest
from icalendar import Calendar
from marshmallow import ValidationError

from shared import contracts


def calendar(method: str, sequence: int = 0) -> str:
    status = "STATUS:CANCELLED\r\n" if method == "CANCEL" else ""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Treffpunkt Generationen Jena//calendar//DE\r\n"
        f"METHOD:{method}\r\nBEGIN:VEVENT\r\nUID:strickkreis-2026-12@treffpunkt-jena.de\r\n"
        f"DTSTAMP:20261205T120000Z\r\nSEQUENCE:{sequence}\r\nDTSTART:20261210T150000Z\r\n"
        f"DTEND:20261210T170000Z\r\nSUMMARY:Strickkreis\r\n{status}"
        'ORGANIZER;CN="Lena Kraus":mailto:lena@example.org\r\n'
        'ATTENDEE;CN="Jonas Beck";PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:jonas@example.net\r\n'
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def request_payload(**overrides):
    values = dict(
        request_id="itip-request-strickkreis-2026-12-jonas@example.net-0",
        method="REQUEST",
        to="jonas@example.net",
        organizer_email="lena@example.org",
        organizer_name="Lena Kraus",
        summary="Strickkreis",
        ics=calendar("REQUEST"),
        sender="calendar",
        account_id=7,
    )
    return contracts.build("notify.itip_request", **{**values, **overrides})


def _send(notify_app, payload):
    return notify_app.extensions["celery"].tasks["notify.itip_request"].apply(kwargs=payload).get(propagate=True)


def _inline(message):
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part


def test_the_invitation_arrives_once_in_the_organizers_name(
    notify_app, notify_settings, fast_retries, smtp_sink, deliveries
):
    payload = request_payload()
    _send(notify_app, payload)
    _send(notify_app, payload)  # the broker delivers it twice
    _send(notify_app, request_payload())  # calendar's outbox sends the same request in a new message
    (message,) = smtp_sink.messages
    assert message["To"] == "jonas@example.net"
    (sender,) = message["From"].addresses
    assert sender.display_name == "Lena Kraus (über Treffpunkt)"
    assert sender.addr_spec == parseaddr(notify_settings.mail_from)[1]  # the service's, never the organizer's
    (reply_to,) = message["Reply-To"].addresses
    assert (reply_to.display_name, reply_to.addr_spec) == ("Lena Kraus", "lena@example.org")
    assert message["Subject"] == "Einladung / Invitation: Strickkreis"
    inline = _inline(message)
    assert inline.get_param("method") == "REQUEST"
    parsed = Calendar.from_ical(inline.get_content())
    assert parsed["METHOD"] == "REQUEST"
    (event,) = parsed.walk("VEVENT")
    assert str(event["ATTENDEE"]) == "mailto:jonas@example.net" and str(event["UID"]).startswith("strickkreis")
    attached = [p for p in message.walk() if p.get_content_type() == "application/ics"]
    assert attached and attached[0].get_filename() == "invite.ics"
    text = message.get_body(preferencelist=("plain",)).get_content()
    german = "Lena Kraus lädt Sie zu „Strickkreis“ ein."
    assert german in text and "Ihre Antwort geht an lena@example.org." in text
    assert text.index(german) < text.index("Lena Kraus invites you to “Strickkreis”.")
    html = message.get_body(preferencelist=("html",)).get_content()
    assert 'lang="de"' in html and "Strickkreis" in html
    (row,) = deliveries()
    assert (row["kind"], row["status"], row["channel"], row["attempts"]) == ("itip_request", "sent", "email", 1)
    assert row["account_id"] == 7  # the organizer's: in their data export, gone with their erasure
    assert row["recipient"] == "jonas@example.net"


def test_a_cancellation_and_an_organizer_without_a_name(notify_app, fast_retries, smtp_sink):
    _send(
        notify_app,
        request_payload(request_id="c-1", method="CANCEL", ics=calendar("CANCEL", sequence=1), organizer_name=""),
    )
    (message,) = smtp_sink.messages
    assert message["Subject"] == "Abgesagt / Cancelled: Strickkreis"
    assert message["From"].addresses[0].display_name == "lena@example.org (über Treffpunkt)"
    assert message["Reply-To"].addresses[0].addr_spec == "lena@example.org"
    inline = _inline(message)
    parsed = Calendar.from_ical(inline.get_content())
    assert inline.get_param("method") == parsed["METHOD"] == "CANCEL"
    assert parsed.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "lena@example.org hat „Strickkreis“ abgesagt." in text


def test_an_object_whose_method_contradicts_the_message_is_refused(notify_app, fast_retries, smtp_sink, deliveries):
    _send(notify_app, request_payload(request_id="m-1", method="REQUEST", ics=calendar("CANCEL")))
    folded = calendar("PUBLISH").replace("METHOD:PUBLISH", "METHOD:PUB\r\n LISH")  # folded: still PUBLISH
    _send(notify_app, request_payload(request_id="m-2", method="CANCEL", ics=folded))
    assert smtp_sink.messages == []
    rows = deliveries()
    assert [(r["status"], r["kind"], r["account_id"]) for r in rows] == [("failed", "itip_request", 7)] * 2
    assert "(CANCEL) passt nicht zur Nachricht (REQUEST)" in rows[0]["last_error"]
    assert "(PUBLISH) passt nicht zur Nachricht (CANCEL)" in rows[1]["last_error"]


def test_the_contract_refuses_a_bad_address_or_method():
    with pytest.raises(ValidationError):
        request_payload(to="keine-adresse")
    with pytest.raises(ValidationError):
        request_payload(organizer_email="lena at example.org")
    with pytest.raises(ValidationError):
        request_payload(method="PUBLISH")


def test_the_delivery_log_shows_the_invitation_and_its_calendar(notify_app, fast_retries, smtp_sink, people):
    from tests.support.login import login

    _send(notify_app, request_payload())
    office = notify_app.test_client()
    login(office, "kora", service="notify")
    page = office.get("/notify/deliveries/1")
    assert page.status_code == 200 and "Termineinladung oder -absage" in page.get_data(as_text=True)
    ics = office.get("/notify/deliveries/1/invite.ics")
    assert ics.status_code == 200 and b"METHOD:REQUEST" in ics.data
