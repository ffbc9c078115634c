"""A room's iTIP REPLY (RFC 5546 §3.2.3) to an invitation that came by email (iMIP, RFC 6047).

One VEVENT answers the whole event with the PARTSTAT most of its dates have (an event that does
not repeat: its only one); each date answered otherwise gets a VEVENT of its own, named by its
RECURRENCE-ID in UTC, as RFC 5546 lets an attendee answer single instances. SEQUENCE is the
organizer's (the event's), so the organizer's program matches the reply to the version it sent.
Written with icalendar; no framework here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone

from icalendar import Calendar, Event, vCalAddress

PRODID = "-//Treffpunkt Generationen Jena//rooms//DE"
ADDRESS_PREFIX = "raum-"
MIXED = "MIXED"  # the dates were not all answered alike
MAX_INSTANCES = 500  # as many as an invitation may hold (contracts.RoomInvitationV1)


@dataclass(frozen=True)
class DateReply:
    key: str  # the instance's RECURRENCE-ID in UTC ("20261207T083000Z"), "" for an event that does not repeat
    partstat: str  # ACCEPTED | TENTATIVE | DECLINED


def room_address(room_id: int, domain: str) -> str:
    """The room's calendar address (mail address), as the calendar names it: raum-<id>@<domain>."""
    return f"{ADDRESS_PREFIX}{room_id}@{domain}"


def mail_address(calendar_address: str) -> str:
    """A calendar address without its mailto: (any case), and without white space."""
    value = "".join(calendar_address.split())
    return value[7:] if value.lower().startswith("mailto:") else value


def overall(dates: Sequence[DateReply]) -> str:
    """One PARTSTAT for all dates, or MIXED when they differ ("" for none)."""
    found = {d.partstat for d in dates}
    return found.pop() if len(found) == 1 else (MIXED if found else "")


def instant(key: str) -> datetime | date | None:
    """The RECURRENCE-ID a key names: UTC date-time (…Z), a floating one read as UTC, or a day;
    None when the key is not one of these."""
    for form in ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S"):
        try:
            return datetime.strptime(key, form).replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    try:
        return datetime.strptime(key, "%Y%m%d").date() if len(key) == 8 else None
    except ValueError:
        return None


def reply(
    *,
    uid: str,
    organizer: str,
    room_address: str,
    room_name: str,
    summary: str,
    sequence: int,
    dates: Sequence[DateReply],
    now: datetime,
) -> str:
    """The METHOD:REPLY object as text. `dates`: every date of the invitation with its answer
    (at least one)."""
    if not dates:
        raise ValueError("a reply answers at least one date")
    counts = Counter(d.partstat for d in dates)
    # the most frequent answer goes on the master; ties go to the first date's answer
    master = max(counts, key=lambda p: (counts[p], p == dates[0].partstat))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "REPLY")

    def event(partstat: str, recurrence_id: datetime | date | None = None) -> Event:
        return _event(
            uid=uid,
            organizer=organizer,
            room_address=room_address,
            room_name=room_name,
            summary=summary,
            sequence=sequence,
            partstat=partstat,
            now=now,
            recurrence_id=recurrence_id,
        )

    calendar.add_component(event(master))
    for d in dates[:MAX_INSTANCES]:
        when = instant(d.key) if d.key else None
        if when is not None and d.partstat != master:
            calendar.add_component(event(d.partstat, when))
    text: str = calendar.to_ical().decode("utf-8")
    return text


def _event(
    *,
    uid: str,
    organizer: str,
    room_address: str,
    room_name: str,
    summary: str,
    sequence: int,
    partstat: str,
    now: datetime,
    recurrence_id: datetime | date | None = None,
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(timezone.utc))
    if recurrence_id is not None:
        event.add("recurrence-id", recurrence_id)
    event.add("sequence", sequence)
    event.add("summary", summary)
    event.add("organizer", vCalAddress(f"mailto:{mail_address(organizer)}"))
    attendee = vCalAddress(f"mailto:{room_address}")
    attendee.params["CN"] = room_name
    attendee.params["CUTYPE"] = "ROOM"
    attendee.params["PARTSTAT"] = partstat
    event.add("attendee", attendee)
    return event
