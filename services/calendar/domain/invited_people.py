"""People invited to an organizer's event (RFC 6638 implicit scheduling, iMIP RFC 6047): the
server advertises calendar-auto-schedule (for rooms), so calendar programs leave sending the
invitations to the other attendees to it.

Only the organizer's copy schedules (invited_rooms.is_organizer). A person is an ATTENDEE with a
mailto: address on the master or an override that is no room's address
(room_principals.room_id_of), not the organizer's own, and not kept by the client
(SCHEDULE-AGENT=CLIENT or NONE); at most MAX_PEOPLE per event, the rest get 5.3.

A person's fingerprint says what they are invited to: the master's significant content
(times, rules, texts, STATUS, SEQUENCE) with whether they attend it, the overrides they attend,
and (apart, `dropped`) the overrides that take them off a date of a series they attend. It
ignores DTSTAMP, every PARTSTAT and SCHEDULE-STATUS, and overrides that only repeat the
master's instance (the server writes such ones for the rooms' answers, room_answers.write_answer),
so neither a room's answer nor a person's reply ever sends again."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from icalendar import Calendar, Component, Event, vCalAddress

from services.calendar.domain import room_principals
from services.calendar.domain.calendar_data import prop
from services.calendar.domain.expand import PRODID
from services.calendar.domain.invited_rooms import NOT_SCHEDULED, attendees, events, is_organizer, master_of
from services.calendar.domain.offering import date_key
from services.calendar.domain.timeindex import epoch

MAX_PEOPLE = 50  # people one event may invite; more are not sent anything (SCHEDULE-STATUS 5.3)
SENT, REFUSED_HERE, INVALID, NOT_DELIVERED = "1.1", "5.3", "3.7", "5.1"
MAX_MESSAGE = 500_000  # characters of one message (ItipRequestV1.ics); a bigger event is not sent
CONTENT = ("SUMMARY", "LOCATION", "DESCRIPTION", "STATUS")
SERVER_PARAMS = ("SCHEDULE-AGENT", "SCHEDULE-STATUS", "SCHEDULE-FORCE-SEND")  # never in iTIP (RFC 6638 §3.2)


@dataclass(frozen=True)
class Invitation:
    """What one person is invited to by this version of the event."""

    address: str  # mailto:…, lower case
    fingerprint: str  # of everything but `dropped`
    dropped: tuple[str, ...] = ()  # keys of the dates an override takes them off

    @property
    def whole(self) -> str:
        """The fingerprint of all of it (the one a message is named by)."""
        return _digest([self.fingerprint, list(self.dropped)])


@dataclass(frozen=True)
class InvitedPeople:
    uid: str
    sequence: int
    summary: str
    organizer_name: str  # the ORGANIZER's CN
    people: dict[str, Invitation] = field(default_factory=dict)  # the first MAX_PEOPLE, in order
    beyond_limit: tuple[str, ...] = ()


def address_of(attendee: Any) -> str:
    return str(attendee).strip().lower()


def email_of(address: str) -> str:
    return address[7:] if address.startswith("mailto:") else address


def is_person(attendee: vCalAddress, own: set[str], domain: str) -> bool:
    value = address_of(attendee)
    return (
        value.startswith("mailto:")
        and "@" in value
        and value not in own
        and room_principals.room_id_of(value, domain) is None
        and str(attendee.params.get("SCHEDULE-AGENT", "SERVER")).upper() not in NOT_SCHEDULED
    )


def people_of(calendar: Calendar, own_addresses: Iterable[str], domain: str) -> InvitedPeople | None:
    """The people this organizer's copy invites; None when it is no organizer's copy."""
    own_list = list(own_addresses)
    master = master_of(calendar) or next(iter(events(calendar)), None)
    if master is None or not is_organizer(calendar, own_list):
        return None
    own = {a.strip().lower() for a in own_list}
    found: list[str] = []
    for component in events(calendar):
        for attendee in attendees(component):
            if is_person(attendee, own, domain) and address_of(attendee) not in found:
                found.append(address_of(attendee))
    organizer = master.get("ORGANIZER")
    name = str(organizer.params.get("CN", "")) if isinstance(organizer, vCalAddress) else ""
    return InvitedPeople(
        uid=str(master.get("UID", "")),
        sequence=sequence_of(master),
        summary=str(master.get("SUMMARY", "")).strip(),
        organizer_name=name.strip(),
        people={a: invitation(calendar, a) for a in found[:MAX_PEOPLE]},
        beyond_limit=tuple(found[MAX_PEOPLE:]),
    )


def sequence_of(component: Component) -> int:
    text = str(component.get("SEQUENCE", "0")).strip()
    return int(text) if text.isdigit() else 0


def invitation(calendar: Calendar, address: str) -> Invitation:
    master = master_of(calendar)
    base: list[Any] = []
    in_master = master is not None and _attends(master, address)
    if master is not None:
        base = [_content(master), [_value(master, n) for n in ("RRULE", "RDATE", "EXDATE")], in_master]
    overrides, dropped = [], []
    for component in events(calendar):
        if component is master:
            continue
        key = _key(component)
        attends = _attends(component, address)
        if master is not None and _plain(master, component) and attends == in_master:
            continue  # repeats the master's instance (e.g. written for a room's answer)
        if attends:
            overrides.append([key, _content(component)])
        elif in_master:
            dropped.append(key)
    return Invitation(address, _digest([base, sorted(overrides)]), tuple(sorted(dropped)))


def _attends(component: Component, address: str) -> bool:
    return any(address_of(a) == address for a in attendees(component))


def _content(component: Component) -> list[Any]:
    start, end = _span(component)
    texts = [str(component.get(n, "")) for n in CONTENT]
    return [_value(component, "DTSTART"), start, end, texts, sequence_of(component)]


def _value(component: Component, name: str) -> list[str]:
    """The property as written (value and TZID), every one of a repeated property."""
    found = component.get(name)
    values = found if isinstance(found, list) else ([found] if found is not None else [])
    return [f"{getattr(v, 'params', {}).get('TZID', '')}:{v.to_ical().decode()}" for v in values]


def _span(component: Component) -> tuple[int | None, int | None]:
    if "DTSTART" not in component:
        return None, None
    start: date | datetime = prop(component, "DTSTART").dt
    if "DTEND" in component:
        return epoch(start), epoch(prop(component, "DTEND").dt)
    if "DURATION" in component:
        return epoch(start), epoch(start) + int(prop(component, "DURATION").dt.total_seconds())
    return epoch(start), epoch(start) + (0 if isinstance(start, datetime) else 86400)


def _plain(master: Component, override: Component) -> bool:
    """The override keeps the master's instance: its times at the RECURRENCE-ID and the texts."""
    start, end = _span(master)
    own_start, own_end = _span(override)
    if start is None or end is None or own_start is None:
        return False
    rid = epoch(prop(override, "RECURRENCE-ID").dt)
    same_texts = all(str(master.get(n, "")) == str(override.get(n, "")) for n in CONTENT)
    return own_start == rid and own_end == rid + (end - start) and same_texts


def _key(component: Component) -> str:
    return date_key(prop(component, "RECURRENCE-ID").dt)


def _digest(value: Any) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:40]


# --- the person's SCHEDULE-STATUS in the stored copy -------------------------------------------
def mark(calendar: Calendar, address: str, status: str) -> bool:
    """SCHEDULE-STATUS of the person on every VEVENT; True if it changed."""
    changed = False
    for component in events(calendar):
        for attendee in attendees(component):
            if address_of(attendee) == address and attendee.params.get("SCHEDULE-STATUS") != status:
                attendee.params["SCHEDULE-STATUS"] = status
                changed = True
    return changed


# --- the iTIP messages -------------------------------------------------------------------------
def request(calendar: Calendar) -> bytes:
    """METHOD:REQUEST with the event's components as stored (VTIMEZONEs too), without the
    scheduling parameters only the server reads."""
    out = _message("REQUEST")
    for component in calendar.subcomponents:
        if component.name in ("VEVENT", "VTIMEZONE"):
            out.add_component(_clean(copy.deepcopy(component)))
    return bytes(out.to_ical())


def cancel(
    calendar: Calendar | None, uid: str, sequence: int, address: str, organizer: str, keys: Iterable[str] = ()
) -> bytes:
    """METHOD:CANCEL to one person: of the whole event, or of the dates `keys` only; SEQUENCE one
    higher than the event's. Built from the event when there is one, else from what is known."""
    out = _message("CANCEL")
    master = master_of(calendar) if calendar is not None else None
    if calendar is not None and master is not None:
        for component in calendar.subcomponents:
            if component.name == "VTIMEZONE":
                out.add_component(copy.deepcopy(component))
    wanted = list(keys) or [""]
    for key in wanted:
        event = Event()
        event.add("UID", uid)
        event.add("DTSTAMP", datetime.now(timezone.utc))
        if master is not None:
            for name in ("DTSTART", "DTEND", "DURATION", "SUMMARY", "LOCATION") if not key else ("SUMMARY",):
                if name in master:
                    event[name] = master[name]
            if not key:
                for name in ("RRULE", "RDATE", "EXDATE"):
                    if name in master:
                        event[name] = master[name]
        if key:
            event.add("RECURRENCE-ID", _moment(key))
            event.add("DTSTART", _moment(key))
        event.add("SEQUENCE", sequence + 1)
        event.add("STATUS", "CANCELLED")
        event.add("ORGANIZER", vCalAddress(organizer))
        event.add("ATTENDEE", vCalAddress(address))
        out.add_component(event)
    return bytes(out.to_ical())


def _message(method: str) -> Calendar:
    out = Calendar()
    out.add("PRODID", PRODID)
    out.add("VERSION", "2.0")
    out.add("METHOD", method)
    return out


def _clean(component: Component) -> Component:
    for name in ("ATTENDEE", "ORGANIZER"):
        found = component.get(name)
        for value in found if isinstance(found, list) else ([found] if found is not None else []):
            for param in SERVER_PARAMS:
                value.params.pop(param, None)
    return component


def _moment(key: str) -> date | datetime:
    if len(key) == 8:
        return datetime.strptime(key, "%Y%m%d").date()
    return datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def request_id(kind: str, calendar_id: int, uid: str, address: str, fingerprint: str, count: int) -> str:
    """The same for a redelivered message: (calendar, event, person, what they were sent, the
    how-many-th message to them), so a person invited again after a CANCEL is sent again."""
    text = f"{kind}:{calendar_id}:{uid}:{address}:{fingerprint}:{count}"
    return f"itip-{hashlib.sha256(text.encode()).hexdigest()[:48]}"
