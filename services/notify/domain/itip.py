"""The iTIP invitation (RFC 5546) that Outlook and Thunderbird add with one click.

Only a notice that `invites` gets one (not a request, not a room's owner: Notice.invites); its
entry holds the booked dates only. REQUEST sets the entry, CANCEL removes it; both carry the
booking's UID (never changed) and the SEQUENCE from the message, so a client keeps the newest.
An engagement mail's shift date is written the same way (`entry`; domain/engagement_mail.py).
ORGANIZER is the service's own address, never the recipient (Outlook would think the recipient
organises it). Several dates of a booking are one event with RDATEs, in Europe/Berlin with an
RRULE-based VTIMEZONE.

Written as text here (RFC 5545: TEXT escaping, RFC 6868 parameter values, lines folded at 75
octets): a dozen known properties do not need a general iCalendar library's object model, which
cost more than everything else in rendering a mail. Tests read the result back with icalendar."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from email.utils import parseaddr
from functools import lru_cache
from typing import Protocol

from shared.clock import utcnow
from shared.timezones import BERLIN, berlin_vtimezone

from services.notify.domain.notice import LOCAL, Notice

PRODID = "-//Treffpunkt Generationen Jena//notify//DE"
FOLD_OCTETS = 75


def method_of(notice: Notice) -> str:
    return "CANCEL" if notice.cancels else "REQUEST"


def text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def param(value: str) -> str:
    """A quoted parameter value; a double quote, caret or line break as RFC 6868 says."""
    value = value.replace("^", "^^").replace('"', "^'").replace("\r\n", "^n").replace("\n", "^n").replace("\r", "^n")
    return f'"{value}"'


def fold(line: str) -> str:
    """One content line, folded into lines of at most 75 octets, never inside a character."""
    data = line.encode("utf-8")
    if len(data) <= FOLD_OCTETS:
        return line
    parts, start, room = [], 0, FOLD_OCTETS
    while start < len(data):
        end = min(len(data), start + room)
        while end < len(data) and data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte
            end -= 1
        if end < len(data) and _ends_in_open_escape(data[start:end]):
            end -= 1  # never fold inside an escape ("\\n", "\\,"): some readers trip over it
        parts.append(data[start:end].decode("utf-8"))
        start, room = end, FOLD_OCTETS - 1  # a continuation line starts with a space
    return "\r\n ".join(parts)


def _ends_in_open_escape(chunk: bytes) -> bool:
    return (len(chunk) - len(chunk.rstrip(b"\\"))) % 2 == 1


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL).strftime("%Y%m%dT%H%M%S")


def _uri(value: str) -> str:
    return "".join(value.split())  # a URI has no white space; a line break would start a property


@lru_cache(maxsize=1)
def _vtimezone() -> tuple[str, ...]:
    return tuple(berlin_vtimezone().to_ical().decode("utf-8").splitlines())


def description_of(notice: Notice) -> str:
    """What the calendar entry says: what the booking is for and the link to it. Never the
    email's text: an invitation is forwarded and shared, the greeting and the personal link to
    the notification settings must not travel with it."""
    return "\n\n".join(part for part in (notice.description, notice.link) if part)


class Span(Protocol):
    """A date of the entry (a notice's occurrence, a shift)."""

    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime: ...


def invitation(
    notice: Notice, mail_from: str, summary: str, description: str | None = None, now: datetime | None = None
) -> bytes:
    """The VCALENDAR for `notice` to `notice.email` (only for a notice that `invites`).
    `summary` is what the calendar entry is called; `description` defaults to description_of."""
    return entry(
        method=method_of(notice),
        uid=notice.uid,
        sequence=notice.sequence,
        dates=notice.calendar_occurrences or notice.occurrences,
        summary=summary,
        location=", ".join(v for v in (notice.room_name, notice.room_address) if v),
        description=description_of(notice) if description is None else description,
        url=notice.link,
        mail_from=mail_from,
        attendee=(notice.recipient_name, notice.email),
        now=now,
    )


def entry(
    *,
    method: str,
    uid: str,
    sequence: int,
    dates: Sequence[Span],
    summary: str,
    location: str,
    description: str,
    url: str,
    mail_from: str,
    attendee: tuple[str, str],
    now: datetime | None = None,
) -> bytes:
    """One calendar entry (`dates`: the first is DTSTART/DTEND, the rest RDATEs) as METHOD
    `method` (REQUEST or CANCEL) from the service's address `mail_from` to `attendee`
    (name, address)."""
    now = now or utcnow()
    first = dates[0]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        f"METHOD:{method}",
        *_vtimezone(),
        "BEGIN:VEVENT",
        f"UID:{text(uid)}",
        f"SEQUENCE:{int(sequence)}",
        f"DTSTAMP:{now.astimezone(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}",
        f"DTSTART;TZID={BERLIN}:{_local(first.starts_at)}",
        f"DTEND;TZID={BERLIN}:{_local(first.ends_at)}",
    ]
    if len(dates) > 1:
        lines.append(f"RDATE;TZID={BERLIN}:" + ",".join(_local(o.starts_at) for o in dates[1:]))
    lines.append(f"SUMMARY:{text(summary)}")
    if location:
        lines.append(f"LOCATION:{text(location)}")
    if description:
        lines.append(f"DESCRIPTION:{text(description)}")
    if url:
        lines.append(f"URL:{_uri(url)}")
    lines.append("STATUS:CANCELLED" if method == "CANCEL" else "STATUS:CONFIRMED")  # only booked dates
    lines.append("TRANSP:OPAQUE")
    organizer_name, organizer_address = parseaddr(mail_from)
    organizer = f";CN={param(organizer_name)}" if organizer_name else ""
    lines.append(f"ORGANIZER{organizer}:mailto:{_uri(organizer_address)}")
    # no reply expected: the organizer is a no-reply address, so accepting only adds the entry
    # to the person's own calendar
    attendee_name, attendee_address = attendee
    lines.append(
        f"ATTENDEE;CN={param(attendee_name)};CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION;"
        f"ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{_uri(attendee_address)}"
    )
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
