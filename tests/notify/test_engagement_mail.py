"""notify.engagement_mail: a message worded by the engagement service reaches a volunteer (or a
partner's contact) through a real SMTP conversation with the suite's sink, and by SMS at the
fake gateway when it has an SMS text and a number: once per key however often and in however
many messages it comes; a shift date as the invitation Outlook and Thunderbird accept
(FIELD-NOTES "iTIP email"); a bad address or number fails its own row, never the task. The
coordination office sees these mails in the delivery log (and, under make run, the captured
message); partner staff do not."""

from __future__ import annotations

from email.utils import parseaddr

import pytest
from icalendar import Calendar
from marshmallow import ValidationError

from shared import contracts
from shared.messaging import publish

from tests.support.login import login
from tests.support.notify import notice_payload, tune
from tests.support.workers import queue_length, until

TEXT = (
    "Guten Tag Jonas Groß,\n\n"
    "Sie sind für die Schicht „Lesepatenschaft“ am Do. 10.12.2026, 16:00 Uhr eingetragen.\n\n"
    "Bitte bestätigen Sie Ihre E-Mail-Adresse: https://treffpunkt.example/engagement/confirm/abc123.\n\n"
    "Viele Grüße\nTreffpunkt Generationen Jena"
)
SHIFT = dict(
    uid="schicht-17-person-4@treffpunkt-jena.de",
    sequence=2,
    title="Lesepatenschaft",
    starts_at="2026-12-10T15:00:00+00:00",  # 16:00 in Jena
    ends_at="2026-12-10T17:00:00+00:00",
    location="Mehrgenerationenhaus Lobeda, Karl-Marx-Allee 28",
    description="Vorlesen in der Kita; bitte 10 Minuten vorher da sein.",
)


def mail_payload(**overrides):
    values = dict(
        key="signed_up-shift-17-person-4",
        purpose="signed_up",
        name="Jonas Groß",
        email="jonas@example.net",
        language="de",
        subject="Sie sind eingetragen: Lesepatenschaft",
        text=TEXT,
        sender="engagement",
    )
    return contracts.build("notify.engagement_mail", **{**values, **overrides})


def _send(notify_app, payload):
    """The task as the worker runs it, in this process."""
    return notify_app.extensions["celery"].tasks["notify.engagement_mail"].apply(kwargs=payload).get(propagate=True)


def _calendar_parts(message):
    inline = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    attached = [p for p in message.walk() if p.get_content_type() == "application/ics"]
    return inline, attached


def test_the_mail_arrives_with_its_subject_and_text_from_the_service(
    notify_app, notify_settings, fast_retries, smtp_sink, sms_gateway, deliveries
):
    _send(notify_app, mail_payload())
    (message,) = smtp_sink.messages
    (sender,) = message["From"].addresses
    assert sender.addr_spec == parseaddr(notify_settings.mail_from)[1]
    assert message["To"] == "Jonas Groß <jonas@example.net>"
    assert message["Subject"] == "Sie sind eingetragen: Lesepatenschaft"
    assert message.get_body(preferencelist=("plain",)).get_content() == TEXT + "\n"
    html = message.get_body(preferencelist=("html",)).get_content()
    link = "https://treffpunkt.example/engagement/confirm/abc123"
    assert f'<a href="{link}">{link}</a>.' in html and "Lesepatenschaft" in html and 'lang="de"' in html
    assert _calendar_parts(message) == ([], [])  # no shift, no invitation
    assert sms_gateway.received == []  # no SMS text, no SMS
    (row,) = deliveries()
    assert (row["channel"], row["status"], row["kind"], row["account_id"]) == ("email", "sent", "signed_up", 0)
    assert row["recipient"] == "jonas@example.net"


def test_the_same_key_sends_once_however_often_and_in_however_many_messages(
    notify_app, fast_retries, smtp_sink, sms_gateway, deliveries
):
    payload = mail_payload(phone="0151 23456789", sms_text="Sie sind eingetragen: Do. 10.12., 16 Uhr.")
    _send(notify_app, payload)
    _send(notify_app, payload)  # the broker delivers it twice
    _send(notify_app, mail_payload(phone="0151 23456789", sms_text="noch einmal"))  # a new message, the same key
    assert len(smtp_sink.messages) == 1 and len(sms_gateway.received) == 1
    assert len(deliveries()) == 2
    _send(notify_app, mail_payload(key="signed_up-shift-17-person-5"))  # another key: another mail
    assert len(smtp_sink.messages) == 2


def test_a_shift_comes_as_an_invitation_to_add_to_the_calendar(
    notify_app, notify_settings, fast_retries, smtp_sink, deliveries
):
    _send(notify_app, mail_payload(event=SHIFT))
    (message,) = smtp_sink.messages
    (inline,), (attached,) = _calendar_parts(message)
    assert inline.get_param("method") == "REQUEST"
    assert attached.get_filename() == "invite.ics" and attached.get_content().decode() == inline.get_content()
    parsed = Calendar.from_ical(inline.get_content())
    assert parsed["METHOD"] == "REQUEST"
    (event,) = parsed.walk("VEVENT")
    assert str(event["UID"]) == SHIFT["uid"] and int(event["SEQUENCE"]) == 2
    assert str(event["SUMMARY"]) == "Lesepatenschaft" and str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == SHIFT["location"] and str(event["DESCRIPTION"]) == SHIFT["description"]
    assert event.decoded("DTSTART").isoformat() == "2026-12-10T16:00:00+01:00"
    assert event.decoded("DTEND").isoformat() == "2026-12-10T18:00:00+01:00"
    assert str(event["ATTENDEE"]) == "mailto:jonas@example.net"
    assert event["ATTENDEE"].params["CN"] == "Jonas Groß"
    # the organizer is the service's address, never the person (Outlook: "you are the organizer")
    assert str(event["ORGANIZER"]) == "mailto:" + parseaddr(notify_settings.mail_from)[1]
    (row,) = deliveries()
    assert row["status"] == "sent"
    with notify_app.extensions["db"]() as session:
        from services.notify.models import Delivery

        assert session.get(Delivery, row["id"]).uid == SHIFT["uid"]


def test_a_cancelled_shift_comes_as_a_cancellation(notify_app, fast_retries, smtp_sink):
    _send(notify_app, mail_payload(key="withdrawn-17-4", purpose="withdrawn", event={**SHIFT, "method": "CANCEL"}))
    (message,) = smtp_sink.messages
    (inline,), (attached,) = _calendar_parts(message)
    parsed = Calendar.from_ical(inline.get_content())
    assert inline.get_param("method") == parsed["METHOD"] == "CANCEL"
    (event,) = parsed.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and str(event["UID"]) == SHIFT["uid"]
    assert b"METHOD:CANCEL" in attached.get_content()


def test_with_an_sms_text_and_a_number_an_sms_goes_too(notify_app, fast_retries, smtp_sink, sms_gateway, deliveries):
    _send(
        notify_app,
        mail_payload(phone="0151 23456789", sms_text="Treffpunkt: Sie sind eingetragen, Do. 10.12., 16 Uhr."),
    )
    assert len(smtp_sink.messages) == 1
    (sms,) = sms_gateway.received
    assert sms["json"]["to"] == "+4915123456789"
    assert sms["json"]["text"] == "Treffpunkt: Sie sind eingetragen, Do. 10.12., 16 Uhr."
    by_channel = {r["channel"]: r for r in deliveries()}
    assert by_channel["sms"]["status"] == by_channel["email"]["status"] == "sent"
    assert by_channel["sms"]["recipient"] == "+4915123456789" and by_channel["sms"]["kind"] == "signed_up"


def test_a_number_without_an_sms_text_or_a_text_without_a_number_sends_no_sms(
    notify_app, fast_retries, smtp_sink, sms_gateway, deliveries
):
    _send(notify_app, mail_payload(key="a", phone="0151 23456789"))
    _send(notify_app, mail_payload(key="b", sms_text="Hallo"))
    assert len(smtp_sink.messages) == 2 and sms_gateway.received == []
    assert [r["channel"] for r in deliveries()] == ["email", "email"]


def test_a_bad_number_fails_the_sms_and_the_email_still_goes(
    notify_app, fast_retries, smtp_sink, sms_gateway, deliveries
):
    _send(notify_app, mail_payload(phone="12", sms_text="Hallo"))
    assert len(smtp_sink.messages) == 1 and sms_gateway.received == []
    by_channel = {r["channel"]: r for r in deliveries()}
    assert by_channel["email"]["status"] == "sent"
    assert by_channel["sms"]["status"] == "failed" and "Ungültige Telefonnummer" in by_channel["sms"]["last_error"]


def test_an_address_no_mail_can_carry_fails_its_row_and_the_sms_still_goes(
    notify_app, fast_retries, smtp_sink, sms_gateway, deliveries
):
    odd = '"jonas\\ gross"@example.net'  # a quoted space: the contract's check lets it pass
    _send(notify_app, mail_payload(email=odd, phone="0151 23456789", sms_text="Hallo"))
    assert smtp_sink.messages == [] and len(sms_gateway.received) == 1
    by_channel = {r["channel"]: r for r in deliveries()}
    assert by_channel["email"]["status"] == "failed" and "Ungültige E-Mail-Adresse" in by_channel["email"]["last_error"]
    assert by_channel["sms"]["status"] == "sent"


def test_an_address_the_mail_server_refuses_fails_for_good(notify_app, fast_retries, smtp_sink, deliveries):
    smtp_sink.fail("550 5.1.1 Mailbox unbekannt", 1)
    _send(notify_app, mail_payload())
    assert smtp_sink.messages == []
    (row,) = deliveries()
    assert (row["status"], row["attempts"]) == ("failed", 1) and "550" in row["last_error"]


MISSING = object()


@pytest.mark.parametrize(
    "change",
    [
        {"purpose": "party"},  # not one of ENGAGEMENT_PURPOSES
        {"email": MISSING},
        {"email": "keine-adresse"},
        {"text": "x" * 10_001},
        {"subject": ""},
        {"sms_text": "x" * 481},
        {"language": "fr"},
        {"event": {**SHIFT, "method": "PUBLISH"}},
        {"event": {**SHIFT, "ends_at": SHIFT["starts_at"]}},
    ],
)
def test_the_contract_refuses_a_bad_message_on_both_sides(notify_app, fast_retries, smtp_sink, deliveries, change):
    payload = {**mail_payload(), **change}
    payload = {k: v for k, v in payload.items() if v is not MISSING}
    with pytest.raises(ValidationError):  # the sender cannot build it
        contracts.build("notify.engagement_mail", **{k: v for k, v in payload.items() if k != "message_id"})
    result = _send(notify_app, payload)  # the receiver drops one that did not come through the contract
    assert "dropped" in result
    assert deliveries() == [] and smtp_sink.messages == []


def test_a_limited_send_waits_in_the_queue_like_every_other_mail(
    notify_app, run_task, monkeypatch, settings, deliveries, smtp_sink
):
    tune(monkeypatch, notify_app, rate_email=0.2, rate_max_wait_seconds=0.0)  # one mail per 5 s, no waiting
    before = queue_length(settings.broker_url, "notify")
    run_task("notify.booking_notice", **notice_payload(phone=""))
    _send(notify_app, mail_payload())
    notice, engagement = deliveries()
    assert (notice["status"], engagement["status"], engagement["attempts"]) == ("sent", "queued", 0)
    assert len(smtp_sink.messages) == 1
    assert queue_length(settings.broker_url, "notify") - before == 1  # notify.send_delivery, with a countdown


def test_a_real_worker_delivers_a_message_published_by_the_outbox(
    notify_app, notify_worker, smtp_sink, sms_gateway, deliveries
):
    payload = mail_payload(event=SHIFT, phone="0151 23456789", sms_text="Eingetragen: Do. 16 Uhr")
    publish(notify_app.extensions["celery"], "notify.engagement_mail", payload, "notify")
    until(lambda: [r["status"] for r in deliveries()] == ["sent", "sent"], notify_worker)
    (message,) = smtp_sink.messages
    assert message["Subject"] == "Sie sind eingetragen: Lesepatenschaft"
    assert len(sms_gateway.received) == 1


def test_the_office_sees_the_mail_and_its_invitation_and_partner_staff_do_not(
    notify_app, fast_retries, smtp_sink, people
):
    _send(notify_app, mail_payload(event=SHIFT))
    office = notify_app.test_client()
    login(office, "kora", service="notify")
    listed = office.get("/notify/").get_data(as_text=True)
    assert "Sie sind eingetragen: Lesepatenschaft" in listed
    page = office.get("/notify/deliveries/1")
    shown = page.get_data(as_text=True)
    assert page.status_code == 200 and "für eine Schicht eingetragen" in shown and "(Buchung 0)" not in shown
    # the confirmation link stands in for the volunteer's login: outside make run it is redacted
    assert "/engagement/confirm/[redacted]" in shown and "abc123" not in shown
    ics = office.get("/notify/deliveries/1/invite.ics")
    assert (
        ics.status_code == 200
        and b"METHOD:REQUEST" in ics.data
        and "einladung.ics" in ics.headers["Content-Disposition"]
    )

    staff = notify_app.test_client()
    login(staff, "lena", service="notify")
    assert "Lesepatenschaft" not in staff.get("/notify/").get_data(as_text=True)
    assert staff.get("/notify/deliveries/1").status_code == 404
    assert staff.get("/notify/deliveries/1/invite.ics").status_code == 404
