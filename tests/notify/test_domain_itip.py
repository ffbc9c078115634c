"""The iTIP invitation and the MIME message, parsed back the way mail clients read them."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timezone

import icalendar
import pytest

from shared import contracts
from shared.timezones import berlin_vtimezone

from services.notify.domain import itip, mime, outgoing_email
from services.notify.domain.notice import Notice
from services.notify.domain.texts import render

from tests.support.notify import notice_payload

MAIL_FROM = "Treffpunkt Jena <noreply@treffpunkt-jena.de>"


def notice(**kwargs) -> Notice:
    return Notice.from_message(contracts.load("notify.booking_notice", notice_payload(**kwargs)))


def build(n: Notice):
    wire = outgoing_email.email_of(n, render(n), MAIL_FROM, datetime(2026, 3, 1, tzinfo=timezone.utc))
    # through bytes and back, as the receiving side sees it
    return email.message_from_bytes(wire.encode("ascii"), policy=email.policy.default)


def calendar_part(msg):
    [part] = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    return part, icalendar.Calendar.from_ical(part.get_content())


def test_mime_structure_is_mixed_alternative_plus_attachment():
    msg = build(notice())
    assert msg.get_content_type() == "multipart/mixed"
    alternative, attachment = msg.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain", "text/html", "text/calendar"]
    assert all(p.get_content_charset() == "utf-8" for p in alternative.get_payload())
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics" and attachment.get_content_disposition() == "attachment"
    assert attachment.get_content() == alternative.get_payload()[2].get_content().encode()


@pytest.mark.parametrize(
    "kind, method",
    [
        ("confirmed", "REQUEST"),
        ("changed", "REQUEST"),
        ("reminder", "REQUEST"),
        ("cancelled", "CANCEL"),
        ("declined", "CANCEL"),
    ],
)
def test_mime_method_equals_calendar_method(kind, method):
    part, cal = calendar_part(build(notice(kind=kind)))
    assert part.get_param("method") == method == str(cal["METHOD"])


def test_request_has_attendee_organizer_not_recipient_stable_uid_and_sequence():
    first = notice(sequence=0)
    second = notice(kind="changed", sequence=4)
    _, cal1 = calendar_part(build(first))
    _, cal2 = calendar_part(build(second))
    ev1, ev2 = cal1.walk("VEVENT")[0], cal2.walk("VEVENT")[0]
    assert str(ev1["UID"]) == str(ev2["UID"]) == "booking-42@treffpunkt-jena.de"
    assert (int(ev1["SEQUENCE"]), int(ev2["SEQUENCE"])) == (0, 4)
    attendee = ev2["ATTENDEE"]
    assert str(attendee).lower() == "mailto:lena@example.org"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT" and "PARTSTAT" in attendee.params and "RSVP" in attendee.params
    assert str(ev2["ORGANIZER"]).lower() == "mailto:noreply@treffpunkt-jena.de" != str(attendee).lower()
    assert "DTSTAMP" in ev2 and str(ev2["STATUS"]) == "CONFIRMED"


def test_times_are_in_berlin_with_a_vtimezone_and_dates_as_rdate():
    _, cal = calendar_part(build(notice(weeks=3)))
    event = cal.walk("VEVENT")[0]
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTSTART") == datetime(2026, 3, 20, 13, tzinfo=timezone.utc)
    assert event.decoded("DTEND") == datetime(2026, 3, 20, 15, tzinfo=timezone.utc)
    rdates = [
        d.dt for prop in (event["RDATE"] if isinstance(event["RDATE"], list) else [event["RDATE"]]) for d in prop.dts
    ]
    # the instants are the payload's; written in local time (15:00 CEST after the switch)
    assert [d.astimezone(timezone.utc) for d in rdates] == [
        datetime(2026, 3, 27, 13, tzinfo=timezone.utc),
        datetime(2026, 4, 3, 13, tzinfo=timezone.utc),
    ]
    assert [(d.hour, str(d.tzinfo)) for d in rdates] == [(14, "Europe/Berlin"), (15, "Europe/Berlin")]


def test_our_vtimezone_agrees_with_the_tz_database_for_years_to_come():
    """The hand-written RRULE VTIMEZONE, read on its own (not by its name), gives the offsets
    of Europe/Berlin around every switch until 2045."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    tz = berlin_vtimezone().to_tz(lookup_tzid=False)
    berlin = ZoneInfo("Europe/Berlin")
    moment = datetime(2026, 1, 1, tzinfo=timezone.utc)
    while moment.year < 2045:
        local = moment.astimezone(berlin).replace(tzinfo=None)
        assert tz.utcoffset(local) == berlin.utcoffset(local), local
        moment += timedelta(days=5, hours=7)


def test_cancel_has_same_uid_higher_sequence_and_status_cancelled():
    _, cal = calendar_part(build(notice(kind="cancelled", sequence=5, weeks=2)))
    event = cal.walk("VEVENT")[0]
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == "booking-42@treffpunkt-jena.de" and int(event["SEQUENCE"]) == 5
    assert str(event["STATUS"]) == "CANCELLED"


def test_all_dates_cancelled_in_a_change_is_a_cancel():
    payload = notice_payload(kind="changed", sequence=2)
    for occurrence in payload["occurrences"]:
        occurrence["state"] = "cancelled"
    n = Notice.from_message(contracts.load("notify.booking_notice", payload))
    assert itip.method_of(n) == "CANCEL"


def test_message_id_is_stable_and_read_back():
    n = notice()
    msg = build(n)
    assert msg["Message-ID"] == f"<{n.message_id}.email@treffpunkt-jena.de>"
    read = mime.read_email(msg.as_string())
    assert read.calendar_method == "REQUEST" and "BEGIN:VCALENDAR" in read.calendar
    assert "Krabbelgruppe" in read.text and read.html.startswith("<!doctype html>")


def test_awkward_text_survives_escaping_quoting_and_folding():
    """Our own iCalendar writer, read back by icalendar: TEXT escapes, RFC 6868 parameters,
    lines of at most 75 octets, folded neither inside a character nor inside an escape."""
    title = 'Näh-, Strick- & Häkeltreff; "Maschen\\Muster"\nzweite Zeile ' + "Überlänge " * 12
    n = notice(
        title=title,
        recipient={"account_id": 1, "name": 'Jörg "Jo" Mü^ller, Jr.', "email": "jo@example.org", "language": "de"},
    )
    ics = itip.invitation(n, MAIL_FROM, summary=n.title, description="ä" * 100 + ",;\\" * 40)
    lines = ics.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # every physical line is whole UTF-8
        body = line[1:] if line.startswith(b" ") else line
        assert (len(body) - len(body.rstrip(b"\\"))) % 2 == 0, line  # no escape cut in two
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]) == "ä" * 100 + ",;\\" * 40
    assert event["ATTENDEE"].params["CN"] == 'Jörg "Jo" Mü^ller, Jr.'
    assert str(event["LOCATION"]) == "Saal im Erdgeschoss, Karl-Marx-Allee 28"


@pytest.mark.parametrize(
    "title",
    [
        "Krabbelgruppe",
        "Seniorentanz mit Live-Musik und Kaffee " * 4,
        "Nähcafé – Änderungen, Übungen und Öffnungszeiten " * 3,
    ],
)
def test_headers_are_7bit_folded_and_read_back_the_same(title):
    n = notice(
        title=title,
        recipient={
            "account_id": 1,
            "name": "Jörg-Bärbel Müller-Lüdenscheidt, Jr.",
            "email": "joerg@example.org",
            "language": "de",
        },
    )
    texts = render(n)
    wire = outgoing_email.email_of(n, texts, MAIL_FROM, datetime(2026, 3, 1, tzinfo=timezone.utc))
    head = wire.split("\r\n\r\n", 1)[0]
    assert wire.isascii() and all(len(line) <= 78 for line in head.split("\r\n"))
    msg = email.message_from_string(wire, policy=email.policy.default)
    assert str(msg["Subject"]) == " ".join(texts.subject.split())
    assert msg["To"].addresses[0].display_name == " ".join(n.recipient_name.split())
    assert msg["To"].addresses[0].addr_spec == "joerg@example.org"
    assert msg["From"].addresses[0].addr_spec == "noreply@treffpunkt-jena.de"
    plain = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
    assert plain.get_content() == texts.text
