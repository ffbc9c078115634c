"""Invitation emails written the way Outlook, Thunderbird and Gmail send them (their MIME trees
and iCalendar dialects, from their documentation: [MS-OXCICAL] and Exchange's iMIP, Mozilla's
calendar code, Google's invitation mails), to test the rooms' mail-in against. Each builder
returns the raw message bytes; DKIM signing (dkimpy, a generated key) and the DNS answer it
needs are here too."""

from __future__ import annotations

import base64
import quopri
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

BERLIN = ZoneInfo("Europe/Berlin")
CRLF = "\r\n"

# Exchange's VTIMEZONE for Europe/Berlin: a Windows name, rules from the year 1601
OUTLOOK_ZONE = CRLF.join(
    [
        "BEGIN:VTIMEZONE",
        "TZID:W. Europe Standard Time",
        "BEGIN:STANDARD",
        "DTSTART:16010101T030000",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010101T020000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]
)
THUNDERBIRD_ZONE = CRLF.join(
    [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Berlin",
        "X-TZINFO:Europe/Berlin[2024b]",
        "BEGIN:DAYLIGHT",
        "TZOFFSETTO:+020000",
        "TZOFFSETFROM:+010000",
        "TZNAME:CEST",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETTO:+010000",
        "TZOFFSETFROM:+020000",
        "TZNAME:CET",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
)


def next_monday(weeks: int = 1) -> datetime:
    """Monday `weeks` weeks ahead, 00:00 in Berlin."""
    today = datetime.now(BERLIN).date()
    day = today + timedelta(days=(7 - today.weekday()) % 7 or 7) + timedelta(weeks=weeks - 1)
    return datetime.combine(day, datetime.min.time(), tzinfo=BERLIN)


def local(moment: datetime) -> str:
    return moment.astimezone(BERLIN).strftime("%Y%m%dT%H%M%S")


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def stamp(moment: datetime | None = None) -> str:
    return utc(moment or datetime.now(UTC))


# --- iCalendar as each program writes it ---------------------------------------------------------
def outlook_event(
    *,
    uid: str,
    organizer: str,
    room: str,
    starts_at: datetime,
    minutes: int = 90,
    summary: str = "Elterncafé",
    sequence: int = 0,
    dtstamp: str | None = None,
    rrule: str = "",
    recurrence_id: datetime | None = None,
    status: str = "CONFIRMED",
) -> str:
    zone = "W. Europe Standard Time"
    lines = [
        "BEGIN:VEVENT",
        f"ORGANIZER;CN=Lena Lobeda:mailto:{organizer}",
        f"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Großer Saal:mailto:{room}",
        "DESCRIPTION;LANGUAGE=de-DE:Wir treffen uns wie immer.\\n\\n",
    ]
    if rrule:
        lines.append(f"RRULE:{rrule}")
    if recurrence_id is not None:
        lines.append(f"RECURRENCE-ID;TZID={zone}:{local(recurrence_id)}")
    lines += [
        f"UID:{uid}",
        f"SUMMARY;LANGUAGE=de-DE:{summary}",
        f"DTSTART;TZID={zone}:{local(starts_at)}",
        f"DTEND;TZID={zone}:{local(starts_at + timedelta(minutes=minutes))}",
        "CLASS:PUBLIC",
        "PRIORITY:5",
        f"DTSTAMP:{dtstamp or stamp()}",
        "TRANSP:OPAQUE",
        f"STATUS:{status}",
        f"SEQUENCE:{sequence}",
        "LOCATION;LANGUAGE=de-DE:Großer Saal",
        f"X-MICROSOFT-CDO-APPT-SEQUENCE:{sequence}",
        "X-MICROSOFT-CDO-OWNERAPPTID:2121012345",
        "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE",
        "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
        "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE",
        "X-MICROSOFT-CDO-IMPORTANCE:1",
        f"X-MICROSOFT-CDO-INSTTYPE:{3 if recurrence_id else 1 if rrule else 0}",
        "X-MICROSOFT-DONOTFORWARDMEETING:FALSE",
        "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
        "BEGIN:VALARM",
        "DESCRIPTION:REMINDER",
        "TRIGGER;RELATED=START:-PT15M",
        "ACTION:DISPLAY",
        "END:VALARM",
        "END:VEVENT",
    ]
    return CRLF.join(lines)


def outlook_calendar(*events: str, method: str = "REQUEST", zone: str = OUTLOOK_ZONE) -> str:
    head = ["BEGIN:VCALENDAR", f"METHOD:{method}", "PRODID:Microsoft Exchange Server 2010", "VERSION:2.0"]
    return CRLF.join([*head, zone, *events, "END:VCALENDAR"]) + CRLF


def thunderbird_calendar(
    *, uid: str, organizer: str, room: str, starts_at: datetime, minutes: int = 60, rrule: str = "", sequence: int = 0
) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
        "VERSION:2.0",
        "METHOD:REQUEST",
        THUNDERBIRD_ZONE,
        "BEGIN:VEVENT",
        f"CREATED:{stamp()}",
        f"LAST-MODIFIED:{stamp()}",
        f"DTSTAMP:{stamp()}",
        f"UID:{uid}",
        "SUMMARY:Vorstandssitzung",
        f"ORGANIZER;RSVP=TRUE;CN=Lena Lobeda;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:{organizer}",
        f"ATTENDEE;RSVP=TRUE;CN=Großer Saal;PARTSTAT=NEEDS-ACTION;CUTYPE=ROOM;ROLE=NON-PARTICIPANT:mailto:{room}",
    ]
    if rrule:
        lines.append(f"RRULE:{rrule}")
    lines += [
        f"DTSTART;TZID=Europe/Berlin:{local(starts_at)}",
        f"DTEND;TZID=Europe/Berlin:{local(starts_at + timedelta(minutes=minutes))}",
        "TRANSP:OPAQUE",
        f"SEQUENCE:{sequence}",
        "X-MOZ-SEND-INVITATIONS:TRUE",
        "X-MOZ-SEND-INVITATIONS-UNDISCLOSED:FALSE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return CRLF.join(lines) + CRLF


def gmail_calendar(
    *, uid: str, organizer: str, room: str, starts_at: datetime, minutes: int = 60, rrule: str = "", sequence: int = 0
) -> str:
    """Google writes a one-off event in UTC, a series in its zone (with a VTIMEZONE)."""
    ends_at = starts_at + timedelta(minutes=minutes)
    if rrule:
        zone = [
            "BEGIN:VTIMEZONE",
            "TZID:Europe/Berlin",
            "X-LIC-LOCATION:Europe/Berlin",
            *THUNDERBIRD_ZONE.split(CRLF)[3:],
        ]
        when = [f"DTSTART;TZID=Europe/Berlin:{local(starts_at)}", f"DTEND;TZID=Europe/Berlin:{local(ends_at)}"]
        when.append(f"RRULE:{rrule}")
    else:
        zone, when = [], [f"DTSTART:{utc(starts_at)}", f"DTEND:{utc(ends_at)}"]
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        *zone,
        "BEGIN:VEVENT",
        *when,
        f"DTSTAMP:{stamp()}",
        f"ORGANIZER;CN=Lena Lobeda:mailto:{organizer}",
        f"UID:{uid}",
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE",
        f" ;CN=Lena Lobeda;X-NUM-GUESTS=0:mailto:{organizer}",
        "ATTENDEE;CUTYPE=RESOURCE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=",
        f" TRUE;CN=raum;X-NUM-GUESTS=0:mailto:{room}",
        "X-MICROSOFT-CDO-OWNERAPPTID:-1234567890",
        f"CREATED:{stamp()}",
        "DESCRIPTION:Bitte Kaffee mitbringen.\\n\\n-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-"
        "\\nEinladung von Google Kalender: https://calendar.google.com/calendar/",
        f"LAST-MODIFIED:{stamp()}",
        "LOCATION:",
        f"SEQUENCE:{sequence}",
        "STATUS:CONFIRMED",
        "SUMMARY:Nachbarschaftstreff",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return CRLF.join(lines) + CRLF


# --- MIME as each program wraps it ---------------------------------------------------------------
def _part(content_type: str, data: bytes, encoding: str, *extra: str) -> str:
    if encoding == "base64":
        body = base64.encodebytes(data).decode("ascii").replace("\n", CRLF)
    elif encoding == "quoted-printable":
        body = quopri.encodestring(data).decode("ascii").replace("\n", CRLF)
    else:
        body = data.decode("ascii").replace("\r\n", "\n").replace("\n", CRLF)
    return CRLF.join([f"Content-Type: {content_type}", f"Content-Transfer-Encoding: {encoding}", *extra, "", body])


def _multipart(subtype: str, parts: list[str], headers: list[str] = ()) -> str:  # type: ignore[assignment]
    boundary = f"_000_{uuid.uuid4().hex}_"
    body = "".join(f"--{boundary}{CRLF}{part}{CRLF}" for part in parts) + f"--{boundary}--{CRLF}"
    return CRLF.join([*headers, f'Content-Type: multipart/{subtype}; boundary="{boundary}"', "", body])


def _headers(sender: str, room: str, subject: str, extra: tuple[str, ...] = ()) -> list[str]:
    return [
        f"From: Lena Lobeda <{sender}>",
        f"To: =?utf-8?q?Gro=C3=9Fer_Saal?= <{room}>",
        f"Subject: {subject}",
        f"Date: {datetime.now(UTC).strftime('%a, %d %b %Y %H:%M:%S +0000')}",
        f"Message-ID: <{uuid.uuid4().hex}@{sender.rpartition('@')[2]}>",
        *extra,
        "MIME-Version: 1.0",
    ]


def outlook_mail(ics: str, *, sender: str, room: str, method: str = "REQUEST") -> bytes:
    """multipart/alternative: text, HTML, and the invitation inline as base64 text/calendar."""
    headers = _headers(sender, room, "Elterncafe", ("Content-Language: de-DE", "Thread-Topic: Elterncafe"))
    parts = [
        _part('text/plain; charset="iso-8859-1"', "Wir treffen uns wie immer.\n".encode("latin-1"), "quoted-printable"),
        _part(
            'text/html; charset="iso-8859-1"',
            b"<html><body><p>Wir treffen uns wie immer.</p></body></html>",
            "quoted-printable",
        ),
        _part(f'text/calendar; charset="utf-8"; method={method}', ics.encode("utf-8"), "base64"),
    ]
    return _multipart("alternative", parts, headers).encode("ascii")


def thunderbird_mail(ics: str, *, sender: str, room: str) -> bytes:
    """multipart/mixed: the text, text/calendar method=REQUEST, and invite.ics (application/ics)."""
    headers = _headers(sender, room, "Einladung: Vorstandssitzung", ("User-Agent: Mozilla Thunderbird",))
    parts = [
        _part("text/plain; charset=UTF-8; format=flowed", b"Sie sind eingeladen.\n", "7bit"),
        _part("text/calendar; charset=UTF-8; method=REQUEST", ics.encode("utf-8"), "base64"),
        _part(
            'application/ics; name="invite.ics"',
            ics.encode("utf-8"),
            "base64",
            'Content-Disposition: attachment; filename="invite.ics"',
        ),
    ]
    return _multipart("mixed", parts, headers).encode("ascii")


def gmail_mail(ics: str, *, sender: str, room: str) -> bytes:
    """multipart/mixed -> alternative (text, HTML, text/calendar quoted-printable) + invite.ics."""
    headers = _headers(sender, room, "Einladung: Nachbarschaftstreff", ("Reply-To: " + sender,))
    alternative = _multipart(
        "alternative",
        [
            _part(
                'text/plain; charset="UTF-8"; format=flowed; delsp=yes',
                b"Einladung von Google Kalender\n",
                "base64",
            ),
            _part('text/html; charset="UTF-8"', b"<p>Einladung von Google Kalender</p>", "quoted-printable"),
            _part('text/calendar; charset="UTF-8"; method=REQUEST', ics.encode("utf-8"), "quoted-printable"),
        ],
    )
    attachment = _part(
        'application/ics; name="invite.ics"',
        ics.encode("utf-8"),
        "base64",
        'Content-Disposition: attachment; filename="invite.ics"',
    )
    return _multipart("mixed", [alternative, attachment], headers).encode("ascii")


# --- DKIM ----------------------------------------------------------------------------------------
class Signer:
    """A domain's DKIM key (generated), the signature it makes and the DNS TXT record that
    publishes it; `dns` answers dkimpy's lookups (the edge of the world)."""

    def __init__(self, domain: str, selector: str = "mail2026") -> None:
        self.domain, self.selector = domain, selector
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
        public = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def sign(self, raw: bytes) -> bytes:
        headers = [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"]
        signature = dkim.sign(raw, self.selector.encode(), self.domain.encode(), self.private, include_headers=headers)
        return signature + raw


def dns_of(*signers: Signer):
    """dkimpy's dnsfunc answering for these signers' keys only."""
    records = {f"{s.selector}._domainkey.{s.domain}.".encode(): s.record for s in signers}

    def lookup(name: bytes, timeout: float = 5) -> bytes | None:
        return records.get(name if name.endswith(b".") else name + b".")

    return lookup
