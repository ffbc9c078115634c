"""Rooms invited to an event (RFC 6638 implicit scheduling, the organizer's side): which rooms
an organizer's copy invites, and the dates each room is asked for.

Only the organizer's copy schedules: a VEVENT resource whose ORGANIZER is one of the writer's
own addresses (mailto:, caseless). A room is invited by an ATTENDEE with the room's address
(room_principals.address) unless the client schedules it itself (SCHEDULE-AGENT=CLIENT or
NONE, RFC 6638 §7.1). Its dates: the instances from now on, at most AHEAD ahead and MAX_DATES
of them, of which the room is an attendee (an override can take it off or add it) and which
are not cancelled (a cancelled master: none at all). A date's key is the instance's
RECURRENCE-ID in UTC, "" for an event that does not repeat.

Rooms are booked by the hour: an all-day instance is never asked for; the room declines it at
once (DECLINED with reason room_answers.ALL_DAY), so the organizer sees why nothing was
booked.

The fingerprint says what rooms is asked (title and dates): it ignores PARTSTAT,
SCHEDULE-STATUS and the overrides the server adds for declined instances (they keep the
instance's times and attendees), so writing an answer back never counts as a new invitation."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from icalendar import Calendar, Component, vCalAddress

from services.calendar.domain import room_principals
from services.calendar.domain.booking import clean_text
from services.calendar.domain.offering import date_key
from services.calendar.domain.timeindex import Instance, epoch, expand

AHEAD = timedelta(days=365)
MAX_DATES = 500  # per room and invitation (RoomInvitationV1.dates)
MAX_ROOMS = 10  # rooms one event may invite; more are not scheduled (SCHEDULE-STATUS 5.3)
MAX_TITLE, MAX_DESCRIPTION = 200, 2000
DEFAULT_TITLE = "Termin ohne Titel"  # what rooms shows for an event without SUMMARY
NOT_SCHEDULED = ("CLIENT", "NONE")  # SCHEDULE-AGENT values by which the client keeps an attendee


@dataclass(frozen=True)
class AskedDate:
    key: str  # RECURRENCE-ID in UTC (20261207T083000Z), "" for a single event
    start: datetime  # UTC
    end: datetime


@dataclass(frozen=True)
class RoomRequest:
    """What one room is asked for by this version of the event."""

    room_id: int
    title: str
    description: str
    dates: tuple[AskedDate, ...]
    all_day_keys: tuple[str, ...] = ()  # instances the room cannot be booked for (whole days)

    @property
    def fingerprint(self) -> str:
        """ "" when nothing is asked; else a digest of the title and the dates."""
        return fingerprint(self.title, self.dates)


@dataclass(frozen=True)
class OrganizerCopy:
    uid: str
    rooms: dict[int, RoomRequest] = field(default_factory=dict)  # the first MAX_ROOMS, in order of appearance
    beyond_limit: tuple[int, ...] = ()  # further invited rooms, not scheduled


def fingerprint(title: str, dates: Iterable[AskedDate]) -> str:
    asked = [[d.key, int(d.start.timestamp()), int(d.end.timestamp())] for d in dates]
    if not asked:
        return ""
    text = json.dumps([title, asked], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def events(calendar: Calendar) -> list[Component]:
    return [c for c in calendar.subcomponents if c.name == "VEVENT"]


def master_of(calendar: Calendar) -> Component | None:
    return next((c for c in events(calendar) if "RECURRENCE-ID" not in c), None)


def attendees(component: Component) -> list[vCalAddress]:
    value = component.get("ATTENDEE")
    if value is None:
        return []
    return [a for a in (value if isinstance(value, list) else [value]) if isinstance(a, vCalAddress)]


def room_attendees(component: Component, room_id: int, domain: str) -> Iterator[vCalAddress]:
    """The ATTENDEE properties of `component` that name room `room_id` (scheduled by the server)."""
    for attendee in attendees(component):
        if room_principals.room_id_of(str(attendee), domain) == room_id and _server_schedules(attendee):
            yield attendee


def _server_schedules(attendee: vCalAddress) -> bool:
    return str(attendee.params.get("SCHEDULE-AGENT", "SERVER")).upper() not in NOT_SCHEDULED


def is_organizer(calendar: Calendar, own_addresses: Iterable[str]) -> bool:
    """True for the organizer's copy: every VEVENT's ORGANIZER (those that name one) is the writer's."""
    own = {a.strip().casefold() for a in own_addresses if a.strip()}
    found = [str(c["ORGANIZER"]).strip().casefold() for c in events(calendar) if "ORGANIZER" in c]
    return bool(found) and all(f in own for f in found)


def invited_room_ids(calendar: Calendar, domain: str) -> list[int]:
    """Every room some VEVENT invites (server-scheduled), in order of appearance."""
    found: list[int] = []
    for component in events(calendar):
        for attendee in attendees(component):
            room_id = room_principals.room_id_of(str(attendee), domain)
            if room_id is not None and _server_schedules(attendee) and room_id not in found:
                found.append(room_id)
    return found


def organizer_copy(
    calendar: Calendar, own_addresses: Iterable[str], domain: str, now: datetime
) -> OrganizerCopy | None:
    """The rooms this organizer's copy invites and what each is asked for; None when it is no
    organizer's copy of an event (another organizer, no ORGANIZER, a task)."""
    master = master_of(calendar) or next(iter(events(calendar)), None)
    if master is None or not is_organizer(calendar, own_addresses):
        return None
    room_ids = invited_room_ids(calendar, domain)
    if not room_ids:
        return OrganizerCopy(str(master.get("UID", "")))
    title = clean_text(str(master.get("SUMMARY", "")))[:MAX_TITLE] or DEFAULT_TITLE
    description = str(master.get("DESCRIPTION", "")).strip()[:MAX_DESCRIPTION]
    instances = coming_instances(calendar, now)
    rooms = {
        room_id: _request(calendar, instances, room_id, domain, title, description) for room_id in room_ids[:MAX_ROOMS]
    }
    return OrganizerCopy(str(master.get("UID", "")), rooms, tuple(room_ids[MAX_ROOMS:]))


def coming_instances(calendar: Calendar, now: datetime) -> list[Instance]:
    """The event's instances ending after `now` and starting before now + AHEAD (none for a
    cancelled master). Expansion goes through the bounded recurrence.between."""
    master = master_of(calendar)
    if master is not None and _cancelled(master):
        return []
    low, high = epoch(now), epoch(now + AHEAD)
    found = expand(calendar, "VEVENT", now - timedelta(days=2), now + AHEAD)
    return [i for i in found if i.end > low and i.start < high]


def _request(
    calendar: Calendar, instances: list[Instance], room_id: int, domain: str, title: str, description: str
) -> RoomRequest:
    components = calendar.subcomponents
    dates: list[AskedDate] = []
    all_day: list[str] = []
    for instance in instances:
        source = components[instance.source]
        if _cancelled(source) or next(room_attendees(source, room_id, domain), None) is None:
            continue
        key = date_key(instance.recurrence_id)
        if instance.all_day:
            all_day.append(key)
        elif len(dates) < MAX_DATES and instance.end > instance.start:  # a moment books no room
            dates.append(AskedDate(key, _utc(instance.start), _utc(instance.end)))
    return RoomRequest(room_id, title, description, tuple(dates), tuple(all_day[:MAX_DATES]))


def _cancelled(component: Component) -> bool:
    return str(component.get("STATUS", "")).upper() == "CANCELLED"


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)
