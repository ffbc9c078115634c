"""A room's answer in the organizer's copy (RFC 6638 §3.2), and the room's iTIP REPLY
(RFC 5546 §3.2.3).

An answer is a PARTSTAT (and a reason) per date key (invited_rooms). Written back: the room's
ATTENDEE gets it on the master and on the overrides; the master takes the answer most dates
got, and an instance answered otherwise that has no override gets one (a copy of the master
without RRULE/RDATE/EXDATE, at the instance's times), so the copy shows each date's answer.
SCHEDULE-STATUS (RFC 6638 §3.2.9) tells the state of the delivery: PENDING while rooms has not
answered, ANSWERED after, UNKNOWN for an address that is no bookable room, REFUSED_HERE for a
room beyond the limit of rooms per event. Nothing else of the event changes (alarms, other
attendees, SEQUENCE), and the dates asked stay the same (invited_rooms.fingerprint)."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar, Component, Event, vCalAddress
from icalendar.prop import vInline

from services.calendar.domain import room_principals
from services.calendar.domain.calendar_data import LOCAL, prop
from services.calendar.domain.expand import PRODID
from services.calendar.domain.invited_rooms import events, master_of, room_attendees
from services.calendar.domain.offering import date_key
from services.calendar.domain.timeindex import Instance, epoch, expand

PENDING, ANSWERED, UNKNOWN, REFUSED_HERE = "1.2", "2.0", "3.7", "5.3"
NEEDS_ACTION = "NEEDS-ACTION"
ALL_DAY = "all_day"  # the reason the calendar itself gives for an all-day date
ORDER = ("ACCEPTED", "TENTATIVE", "DECLINED", NEEDS_ACTION)  # ties of the master's answer
REASONS = {  # a declined date's reason code (rooms' answer) as the organizer reads it (the REPLY's COMMENT)
    ALL_DAY: "Räume werden stundenweise gebucht, nicht für ganze Tage.",
    "taken": "Der Raum ist zu dieser Zeit schon belegt.",
    "closed": "Der Raum ist an diesem Tag geschlossen.",
    "outside_opening_hours": "Der Raum ist zu dieser Zeit nicht geöffnet.",
    "too_short": "Der Termin ist kürzer, als der Raum gebucht werden kann.",
    "too_long": "Der Termin ist länger, als der Raum gebucht werden kann.",
    "too_far_ahead": "So weit im Voraus kann der Raum noch nicht gebucht werden.",
    "not_allowed": "Sie dürfen diesen Raum nicht buchen.",
    "no_booker": "Ihr Konto kann keine Räume buchen.",
    "partner_inactive": "Der Träger dieses Raums ist im Netzwerk zurzeit nicht aktiv.",
    "no_room": "Diesen Raum gibt es nicht mehr.",
    "declined": "Die Raumverwaltung hat diesen Termin abgelehnt.",
    "cancelled": "Die Buchung dieses Termins wurde storniert.",
    "moved": "Die Buchung dieses Termins wurde auf eine andere Zeit verlegt.",
    "in_past": "Der Termin liegt in der Vergangenheit.",
    "too_many_dates": "Zu viele Termine auf einmal.",
}
DECLINED_TEXT = "Der Raum kann zu dieser Zeit nicht gebucht werden."

Answer = Mapping[str, tuple[str, str]]  # date key -> (PARTSTAT, reason)


def reason_text(reason: str) -> str:
    return REASONS.get(reason, DECLINED_TEXT)


def mark(calendar: Calendar, room_id: int, domain: str, status: str, partstat: str | None = None) -> bool:
    """SCHEDULE-STATUS (and PARTSTAT, when given) of the room on every VEVENT; True if it changed."""
    changed = False
    for component in events(calendar):
        changed |= _set(component, room_id, domain, partstat, status)
    return changed


def write_answer(calendar: Calendar, room_id: int, domain: str, answer: Answer, status: str = ANSWERED) -> bool:
    """The per-date answer into the organizer's copy (see the module's doc); True if it changed."""
    if not answer:
        return False
    master = master_of(calendar)
    overrides = {_key(c): c for c in events(calendar) if "RECURRENCE-ID" in c}
    changed = False
    if "" in answer and master is not None:
        changed |= _set(master, room_id, domain, answer[""][0], status)
    keyed = {k: v[0] for k, v in answer.items() if k}
    for key, partstat in keyed.items():
        if key in overrides:
            changed |= _set(overrides[key], room_id, domain, partstat, status)
    on_master = [k for k in keyed if k not in overrides]
    if master is None or not on_master or next(room_attendees(master, room_id, domain), None) is None:
        return changed
    first = master_partstat([keyed[k] for k in on_master])
    changed |= _set(master, room_id, domain, first, status)
    differing = [k for k in on_master if keyed[k] != first]
    for key, instance in _master_instances(calendar, master, differing).items():
        override = _override(master, instance)
        _set(override, room_id, domain, keyed[key], status)
        calendar.subcomponents.append(override)
        changed = True
    return changed


def master_partstat(partstats: list[str]) -> str:
    """The answer most dates got (ties: the kinder one)."""
    counts = Counter(partstats)
    return min(counts, key=lambda p: (-counts[p], ORDER.index(p) if p in ORDER else len(ORDER)))


def _set(component: Component, room_id: int, domain: str, partstat: str | None, status: str) -> bool:
    changed = False
    for attendee in room_attendees(component, room_id, domain):
        wanted = {"SCHEDULE-STATUS": status} | ({"PARTSTAT": partstat} if partstat else {})
        for name, value in wanted.items():
            if attendee.params.get(name) != value:
                attendee.params[name] = value
                changed = True
    return changed


def _key(component: Component) -> str:
    return date_key(prop(component, "RECURRENCE-ID").dt)


def _moment(key: str) -> date | datetime:
    if len(key) == 8:
        return datetime.strptime(key, "%Y%m%d").date()
    return datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def _master_instances(calendar: Calendar, master: Component, keys: list[str]) -> dict[str, Instance]:
    """The master's instances with these keys (keys of dates that are no instance are left out)."""
    if not keys:
        return {}
    moments = sorted(epoch(_moment(k)) for k in keys)
    low = datetime.fromtimestamp(moments[0], timezone.utc) - timedelta(days=2)
    high = datetime.fromtimestamp(moments[-1], timezone.utc) + timedelta(days=2)
    position = calendar.subcomponents.index(master)
    wanted = set(keys)
    found = {}
    for instance in expand(calendar, "VEVENT", low, high):
        key = date_key(instance.recurrence_id)
        if instance.source == position and key in wanted:
            found[key] = instance
    return found


def _override(master: Component, instance: Instance) -> Component:
    """The master's copy for one instance: no rule, the instance's own times."""
    override = copy.deepcopy(master)
    for name in ("RRULE", "RDATE", "EXDATE", "EXRULE", "DTSTART", "DTEND", "RECURRENCE-ID"):
        override.pop(name, None)
    start = prop(master, "DTSTART").dt
    rid = epoch(instance.recurrence_id) if instance.recurrence_id is not None else instance.start
    override.add("DTSTART", _like(start, instance.start))
    if "DTEND" in master:
        override.add("DTEND", _like(start, instance.end))
    override.add("RECURRENCE-ID", _like(start, rid))
    return override


def _like(start: date | datetime, seconds: int) -> date | datetime:
    """`seconds` written as the master's DTSTART is: in its zone, in UTC, floating or a day."""
    if not isinstance(start, datetime):
        return datetime.fromtimestamp(seconds, LOCAL).date()
    if start.tzinfo is None:
        return datetime.fromtimestamp(seconds, LOCAL).replace(tzinfo=None)
    return datetime.fromtimestamp(seconds, start.tzinfo)


# --- the REPLY ---------------------------------------------------------------------------------
def reply(calendar: Calendar, room_id: int, room_name: str, domain: str, answer: Answer, now: datetime) -> bytes:
    """METHOD:REPLY from the room: the master's PARTSTAT, and a VEVENT per instance answered
    otherwise (RECURRENCE-ID in UTC), a declined one with its reason as COMMENT."""
    master = master_of(calendar) or events(calendar)[0]
    address = room_principals.address(room_id, domain)
    out = Calendar()
    out.add("PRODID", PRODID)
    out.add("VERSION", "2.0")
    out.add("METHOD", "REPLY")
    first = answer[""][0] if "" in answer else master_partstat([p for p, _ in answer.values()])
    out.add_component(_reply_event(master, address, room_name, first, "", now))
    for key, (partstat, reason) in sorted(answer.items()):
        if key and partstat != first:
            event = _reply_event(master, address, room_name, partstat, reason, now)
            event.add("RECURRENCE-ID", _moment(key))
            out.add_component(event)
    return bytes(out.to_ical())


def _reply_event(master: Component, address: str, name: str, partstat: str, reason: str, now: datetime) -> Event:
    event = Event()
    event.add("UID", str(master.get("UID", "")))
    event.add("DTSTAMP", now.astimezone(timezone.utc))
    if "ORGANIZER" in master:
        event["ORGANIZER"] = master["ORGANIZER"]
    attendee = vCalAddress(address)
    attendee.params.update({"CUTYPE": "ROOM", "CN": name, "PARTSTAT": partstat})
    event.add("ATTENDEE", attendee)
    sequence = str(master.get("SEQUENCE", "0")).strip()
    event.add("SEQUENCE", int(sequence) if sequence.isdigit() else 0)
    if "SUMMARY" in master:
        event.add("SUMMARY", str(master["SUMMARY"]))
    event["REQUEST-STATUS"] = vInline("2.0;Success")  # a structured value: its ";" is not escaped
    if partstat == "DECLINED":
        event.add("COMMENT", reason_text(reason))
    return event
