"""The iTIP invitation (RFC 5546) that Outlook and Thunderbird add with one click.

REQUEST sets the entry, CANCEL removes it; both carry the booking's UID (never changed) and the
SEQUENCE from the message, so a client keeps the newest. ORGANIZER is the service's own address,
never the recipient (Outlook would think the recipient organises it). Several dates of a booking
are one event with RDATEs, in Europe/Berlin with an RRULE-based VTIMEZONE."""
from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parseaddr

from icalendar import Calendar, Event, vCalAddress

from shared.timezones import berlin_vtimezone

from services.notify.domain.notice import LOCAL, Notice

PRODID = "-//Treffpunkt Generationen Jena//notify//DE"


def method_of(notice: Notice) -> str:
    return "CANCEL" if notice.cancels else "REQUEST"


def _address(mail_from: str) -> tuple[str, str]:
    name, address = parseaddr(mail_from)
    return name, address


def invitation(notice: Notice, mail_from: str, summary: str, description: str = "",
               now: datetime | None = None) -> Calendar:
    """The VCALENDAR for `notice` to `notice.email`. `summary` is what the calendar entry is called."""
    now = now or datetime.now(timezone.utc)
    method = method_of(notice)
    occurrences = notice.shown_occurrences or notice.occurrences
    first = occurrences[0]
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add_component(berlin_vtimezone())

    event = Event()
    event.add("uid", notice.uid)
    event.add("sequence", notice.sequence)
    event.add("dtstamp", now.astimezone(timezone.utc))
    event.add("dtstart", first.starts_at.astimezone(LOCAL))
    event.add("dtend", first.ends_at.astimezone(LOCAL))
    if len(occurrences) > 1:
        event.add("rdate", [o.starts_at.astimezone(LOCAL) for o in occurrences[1:]])
    event.add("summary", summary)
    location = ", ".join(v for v in (notice.room_name, notice.room_address) if v)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    if notice.link:
        event.add("url", notice.link)
    if method == "CANCEL":
        event.add("status", "CANCELLED")
    else:
        event.add("status", "TENTATIVE" if notice.kind == "requested" else "CONFIRMED")
    event.add("transp", "OPAQUE")

    organizer_name, organizer_address = _address(mail_from)
    organizer = vCalAddress(f"mailto:{organizer_address}")
    if organizer_name:
        organizer.params["CN"] = organizer_name
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{notice.email}")
    attendee.params.update({"CN": notice.recipient_name, "ROLE": "REQ-PARTICIPANT", "CUTYPE": "INDIVIDUAL",
                            # no reply expected: the organizer is a no-reply address, so
                            # accepting only adds the entry to the person's own calendar
                            "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"})
    event.add("attendee", attendee)
    cal.add_component(event)
    return cal
