"""The rooms' mail-in as the network's mail server and the world meet it: the real server
(aiosmtpd, SMTP and LMTP) on a free port, a real client (smtplib), mails written as Outlook,
Thunderbird and Gmail send them, DKIM signed with a generated key (the DNS answer is the only
stand-in: the edge of the world). Only room addresses are taken, strangers and unsigned mail from
outside are refused and logged with nothing booked; a trusted invitation is booked with its
REPLY queued for notify in the same commit, once however often the mail comes."""

from __future__ import annotations

import json
import smtplib
from datetime import timedelta

import dkim
import pytest
from icalendar import Calendar
from sqlalchemy import select

from shared.db import transaction

from services.rooms.booking.rooms import create_room
from services.rooms.db import account_data
from services.rooms.db.models import Booking, MailedInvitation, OutboxMessage, Room
from services.rooms.mailin.server import controller, world_of

from tests.support.imip import (
    Signer,
    dns_of,
    gmail_calendar,
    gmail_mail,
    next_monday,
    outlook_calendar,
    outlook_event,
    outlook_mail,
    thunderbird_calendar,
    thunderbird_mail,
)
from tests.support.infra import REDIS_URL
from tests.support.smtp import _free_port
from tests.support.workers import drain, wait_until

LENA = "lena@example.org"
UID = "040000008200E00074C5B7101A82E00800000000A1B2C3D4E5F6A701000000000000000010000000"
EXAMPLE = Signer("example.org")  # the domain of the people fixture's addresses
ELSEWHERE = Signer("elsewhere.example")


@pytest.fixture
def mailin(rooms_app):
    """start(relays=..., protocol=...) -> the server's port; stopped after the test."""
    started = []

    def start(relays: str = "", protocol: str = "smtp", max_bytes: int = 1_000_000, dnsfunc=None) -> int:
        world = world_of(rooms_app, dnsfunc=dnsfunc or dns_of(EXAMPLE, ELSEWHERE), relays=relays)
        server = controller(world, "127.0.0.1", _free_port(), protocol, max_bytes)
        server.start()
        started.append(server)
        return server.port

    yield start
    for server in started:
        server.stop()


def address(room_id: int, rooms_app) -> str:
    return f"raum-{room_id}@{rooms_app.config['SETTINGS'].room_mail_domain}"


def _outlook(room: str, *, sequence: int = 0, weeks: int = 4, method: str = "REQUEST", sender: str = LENA) -> bytes:
    first = next_monday() + timedelta(hours=10)
    event = outlook_event(
        uid=UID,
        organizer=sender,
        room=room,
        starts_at=first,
        sequence=sequence,
        rrule=f"FREQ=WEEKLY;COUNT={weeks};BYDAY=MO",
    )
    return outlook_mail(outlook_calendar(event, method=method), sender=sender, room=room, method=method)


def _send(port: int, raw: bytes, to: str | list[str], sender: str = LENA) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.sendmail(sender, to, raw)


def _bookings(rooms_app) -> list[Booking]:
    with rooms_app.extensions["db"]() as s:
        return list(s.scalars(select(Booking).order_by(Booking.id)))


def _replies(rooms_app) -> list[dict]:
    with rooms_app.extensions["db"]() as s:
        rows = s.scalars(select(OutboxMessage.payload).where(OutboxMessage.task_name == "notify.itip_reply"))
        return [json.loads(p) for p in rows]


def _nothing_recorded(rooms_app) -> bool:
    with rooms_app.extensions["db"]() as s:
        return s.scalars(select(MailedInvitation)).first() is None and _bookings(rooms_app) == []


def test_only_the_addresses_of_bookable_rooms_are_taken(rooms_app, lobeda_room, mailin):
    port = mailin()
    with transaction(rooms_app.extensions["db"]) as s:
        retired = create_room(s, s.get(Room, lobeda_room).partner_id, name="Alter Keller", district="Lobeda")
        s.flush()
        retired.active = False
    domain = rooms_app.config["SETTINGS"].room_mail_domain
    for to, words in (
        ("lena@example.org", "keinen Raum"),
        (f"raum-99999@{domain}", "keinen Raum"),
        (f"raum-{lobeda_room}@elsewhere.example", "keinen Raum"),
        (f"info@{domain}", "keinen Raum"),
        (address(retired.id, rooms_app), "nicht mehr angeboten"),
    ):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            _send(port, _outlook(to), to)
        ((code, text),) = refused.value.recipients.values()
        assert code == 550 and words in text.decode(), (to, text)
    with smtplib.SMTP("127.0.0.1", port) as client:  # the room's own address, in any case
        client.ehlo()
        client.mail(LENA)
        assert client.rcpt(address(lobeda_room, rooms_app).upper())[0] == 250


def test_strangers_are_refused_and_logged_and_nothing_is_booked(rooms_app, people, lobeda_room, mailin, caplog):
    port = mailin()
    room = address(lobeda_room, rooms_app)
    stranger = EXAMPLE.sign(_outlook(room, sender="fremd@example.org"))
    with pytest.raises(smtplib.SMTPDataError) as refused:
        _send(port, stranger, room, sender="fremd@example.org")
    assert refused.value.smtp_code == 550 and b"nicht als Konto eingetragen" in refused.value.smtp_error
    # a known sender inviting in the name of an organizer who is no account
    event_from_stranger = outlook_event(
        uid=UID, organizer="chef@example.org", room=room, starts_at=next_monday() + timedelta(hours=10)
    )
    mail = EXAMPLE.sign(outlook_mail(outlook_calendar(event_from_stranger), sender=LENA, room=room))
    with pytest.raises(smtplib.SMTPDataError) as refused:
        _send(port, mail, room)
    assert b"Organisator" in refused.value.smtp_error
    assert _nothing_recorded(rooms_app) and _replies(rooms_app) == []
    assert "mailin refused a mail" in caplog.text and "stranger" in caplog.text
    assert "fremd@example.org" not in caplog.text  # the log names the reason, not the person


def test_mail_from_outside_needs_a_valid_dkim_signature_of_its_domain(rooms_app, people, lobeda_room, mailin, caplog):
    port = mailin(relays="")  # nothing trusted: the suite's own address is "outside"
    room = address(lobeda_room, rooms_app)
    unsigned = _outlook(room)
    signed_elsewhere = ELSEWHERE.sign(unsigned)  # valid, but not the From domain's
    tampered = EXAMPLE.sign(unsigned).replace(b"Elterncafe", b"Elterncafx")
    for mail, words in (
        (unsigned, b"keine DKIM-Signatur"),
        (signed_elsewhere, b"DKIM-Signatur fehlt"),
        (tampered, b"DKIM-Signatur fehlt"),
    ):
        with pytest.raises(smtplib.SMTPDataError) as refused:
            _send(port, mail, room)
        assert refused.value.smtp_code == 550 and words in refused.value.smtp_error
    assert _nothing_recorded(rooms_app)
    assert "unsigned" in caplog.text and "dkim" in caplog.text


def test_when_dns_does_not_answer_the_relay_is_asked_to_try_again(rooms_app, people, lobeda_room, mailin):
    def silent(name, timeout=5):
        raise dkim.DnsTimeoutError("no answer")

    port = mailin(relays="", dnsfunc=silent)
    room = address(lobeda_room, rooms_app)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        _send(port, EXAMPLE.sign(_outlook(room)), room)
    assert refused.value.smtp_code == 451 and _nothing_recorded(rooms_app)


def test_a_signed_outlook_invitation_books_the_room_and_queues_one_reply_once(rooms_app, people, lobeda_room, mailin):
    port = mailin(relays="")
    room = address(lobeda_room, rooms_app)
    mail = EXAMPLE.sign(_outlook(room, sequence=1))
    _send(port, mail, room)
    (booking,) = _bookings(rooms_app)
    assert (booking.invitation_uid, booking.room_id, booking.booker_account_id, booking.status) == (
        UID,
        lobeda_room,
        people["lena"]["id"],
        "confirmed",
    )
    (reply,) = _replies(rooms_app)
    assert (reply["to"], reply["room_address"], reply["partstat"]) == (LENA, room, "ACCEPTED")
    assert "METHOD:REPLY" in reply["ics"] and "SEQUENCE:1" in reply["ics"]

    _send(port, mail, room)  # the relay delivers it again: known, nothing new
    assert len(_bookings(rooms_app)) == 1 and len(_replies(rooms_app)) == 1

    # Lena's data export lists the invitation as her mail program wrote it; her erasure forgets it
    with transaction(rooms_app.extensions["db"]) as session:
        (mailed,) = account_data.gather(session, people["lena"]["id"]).sections["mailed_invitations"]
        assert (mailed["event"], mailed["room_id"], mailed["organizer"]) == (UID, lobeda_room, LENA)
        assert "BEGIN:VCALENDAR" in mailed["invitation"]
        assert account_data.erase(session, people["lena"]["id"], [])["mailed_invitations"] == 1
    with transaction(rooms_app.extensions["db"]) as session:
        assert session.scalars(select(MailedInvitation)).first() is None


def test_a_cancel_releases_the_booking_without_a_reply(rooms_app, people, lobeda_room, mailin):
    """RFC 5546 3.2.5: a CANCEL expects no REPLY."""
    port = mailin(relays="")
    room = address(lobeda_room, rooms_app)
    _send(port, EXAMPLE.sign(_outlook(room, sequence=0)), room)
    _send(port, EXAMPLE.sign(_outlook(room, sequence=1, method="CANCEL")), room)
    (booking,) = _bookings(rooms_app)
    assert booking.status == "cancelled"
    assert len(_replies(rooms_app)) == 1
    # an older REQUEST arriving late changes nothing
    _send(port, EXAMPLE.sign(_outlook(room, sequence=0)), room)
    assert [b.status for b in _bookings(rooms_app)] == ["cancelled"] and len(_replies(rooms_app)) == 1


def test_the_networks_own_relay_needs_no_signature(rooms_app, people, lobeda_room, mailin):
    port = mailin(relays="127.0.0.1/32")
    room = address(lobeda_room, rooms_app)
    ics = thunderbird_calendar(uid="tb-0001", organizer=LENA, room=room, starts_at=next_monday() + timedelta(hours=18))
    _send(port, thunderbird_mail(ics, sender=LENA, room=room), room)
    (booking,) = _bookings(rooms_app)
    assert booking.invitation_uid == "tb-0001" and len(_replies(rooms_app)) == 1


def test_over_lmtp_each_room_answers_for_itself(rooms_app, people, lobeda_room, mailin):
    port = mailin(relays="127.0.0.1/32", protocol="lmtp")
    with transaction(rooms_app.extensions["db"]) as s:
        kitchen = create_room(s, s.get(Room, lobeda_room).partner_id, name="Küche", district="Lobeda")
    rooms = [address(lobeda_room, rooms_app), address(kitchen.id, rooms_app)]
    ics = gmail_calendar(
        uid="g-1@google.com", organizer=LENA, room=rooms[0], starts_at=next_monday(2) + timedelta(hours=15)
    )
    with smtplib.LMTP("127.0.0.1", port) as client:
        client.ehlo_or_helo_if_needed()
        client.mail(LENA)
        for to in rooms:
            assert client.rcpt(to)[0] == 250
        first = client.data(gmail_mail(ics, sender=LENA, room=rooms[0]))
        second = client.getreply()  # LMTP: one reply per recipient
    assert first[0] == 250 and second[0] == 250
    assert sorted(b.room_id for b in _bookings(rooms_app)) == sorted([lobeda_room, kitchen.id])
    assert len(_replies(rooms_app)) == 2


def test_a_mail_too_large_or_unreadable_is_refused(rooms_app, people, lobeda_room, mailin):
    port = mailin(relays="127.0.0.1/32", max_bytes=20_000)
    room = address(lobeda_room, rooms_app)
    big = _outlook(room).replace(b"MIME-Version: 1.0", b"X-Filler: " + b"x" * 30_000 + b"\r\nMIME-Version: 1.0")
    with pytest.raises(smtplib.SMTPException) as refused:
        _send(port, big, room)
    assert "552" in str(refused.value)
    past = outlook_event(uid="past", organizer=LENA, room=room, starts_at=next_monday() - timedelta(days=30))
    with pytest.raises(smtplib.SMTPDataError) as refused:
        _send(port, outlook_mail(outlook_calendar(past), sender=LENA, room=room), room)
    assert refused.value.smtp_code == 550 and b"keinen Termin in den kommenden 12 Monaten" in refused.value.smtp_error
    garbage = outlook_mail(
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nDTSTART:kaputt\r\n", sender=LENA, room=room
    )
    with pytest.raises(smtplib.SMTPDataError) as refused:
        _send(port, garbage, room)
    assert refused.value.smtp_code == 550
    assert _nothing_recorded(rooms_app)


def _valid_starts(rooms_app) -> list:
    with rooms_app.extensions["db"]() as s:
        (booking,) = s.scalars(select(Booking)).all()
        return sorted(o.starts_at for o in booking.occurrences if o.state == "valid")


def test_outlooks_single_occurrence_mails_move_and_cancel_one_date_of_the_series(
    rooms_app, people, lobeda_room, mailin
):
    port = mailin(relays="127.0.0.1/32")
    room = address(lobeda_room, rooms_app)
    _send(port, _outlook(room, sequence=0), room)
    series = _valid_starts(rooms_app)
    assert len(series) == 4
    second = series[1]
    moved = outlook_event(
        uid=UID,
        organizer=LENA,
        room=room,
        starts_at=second + timedelta(hours=4),
        recurrence_id=second,
        sequence=1,
    )
    _send(port, outlook_mail(outlook_calendar(moved), sender=LENA, room=room), room)
    assert _valid_starts(rooms_app) == [series[0], second + timedelta(hours=4), series[2], series[3]]
    gone = outlook_event(
        uid=UID, organizer=LENA, room=room, starts_at=series[3], recurrence_id=series[3], sequence=2, status="CANCELLED"
    )
    _send(port, outlook_mail(outlook_calendar(gone, method="CANCEL"), sender=LENA, room=room, method="CANCEL"), room)
    assert _valid_starts(rooms_app) == [series[0], second + timedelta(hours=4), series[2]]
    assert [r["partstat"] for r in _replies(rooms_app)][:2] == ["ACCEPTED", "ACCEPTED"]


def _replies_in(sink) -> list:
    return [
        m
        for m in sink.messages
        if any(p.get_content_type() == "text/calendar" and p.get_param("method") == "REPLY" for p in m.walk())
    ]


def test_end_to_end_an_outlook_invitation_by_smtp_is_answered_by_email(
    rooms_app, people, lobeda_room, mailin, workers, smtp_sink
):
    """Issue 15's second test: iMIP by SMTP as Outlook sends it, the REPLY read from the SMTP sink
    (mail-in -> rooms' outbox -> notify's worker -> SMTP), once although the mail came twice."""
    port = mailin(relays="")
    room = address(lobeda_room, rooms_app)
    mail = EXAMPLE.sign(_outlook(room, sequence=0))
    _send(port, mail, room)
    (reply,) = wait_until(lambda: _replies_in(smtp_sink), what="the room's REPLY by email")
    assert reply["To"] == LENA and reply["From"].addresses[0].addr_spec == room
    (part,) = [p for p in reply.walk() if p.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(part.get_content())
    assert str(calendar["METHOD"]) == "REPLY"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == UID and event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert str(event["ATTENDEE"]).lower() == f"mailto:{room}"

    _send(port, mail, room)  # delivered again by the relay
    drain(REDIS_URL)
    assert len(_replies_in(smtp_sink)) == 1


def test_another_partners_account_cannot_take_over_a_known_event(rooms_app, people, lobeda_room, mailin):
    port = mailin(relays="127.0.0.1/32")
    room = address(lobeda_room, rooms_app)
    _send(port, _outlook(room, sequence=0), room)
    otto = "otto@example.org"  # another partner's account, who learnt the meeting's UID
    with pytest.raises(smtplib.SMTPDataError) as refused:
        _send(port, _outlook(room, sequence=5, method="CANCEL", sender=otto), room, sender=otto)
    assert refused.value.smtp_code == 550 and b"eines anderen Partners" in refused.value.smtp_error
    (booking,) = _bookings(rooms_app)
    assert booking.status == "confirmed"
    _send(port, _outlook(room, sequence=1), room)  # the organizer's next change still counts
    assert len(_replies(rooms_app)) == 2


def test_a_deactivated_account_is_a_stranger_and_case_does_not_matter(rooms_app, identity, people, lobeda_room, mailin):
    port = mailin(relays="127.0.0.1/32")
    room = address(lobeda_room, rooms_app)
    shouting = _outlook(room).replace(b"lena@example.org", b"Lena@Example.ORG")
    _send(port, shouting, room, sender="Lena@Example.ORG")
    assert len(_bookings(rooms_app)) == 1
    identity.set_active("lena", False)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        _send(port, _outlook(room, sequence=3), room)
    assert b"nicht als Konto eingetragen" in refused.value.smtp_error
    assert [b.status for b in _bookings(rooms_app)] == ["confirmed"]
