"""A calendar kept elsewhere, made into calendar objects Treffpunkt stores: one per UID (the
master and its RECURRENCE-ID overrides, in whatever order the feed has them), with IANA time
zones and their VTIMEZONEs, the source's defaults, and nothing that changes from one fetch to
the next without the event changing (Google writes the export's time into every DTSTAMP).

Real feeds are messy: Outlook and Microsoft 365 write Windows zone names ("W. Europe Standard
Time"), Google sets X-WR-TIMEZONE and may leave times floating, Nextcloud exports carry VALARMs
and ATTENDEEs, old calendars hold decades of history, some events have no UID. Each problem is
solved here, one event at a time: an event that still cannot be stored is skipped and counted,
never the whole feed. Pure: bytes in, bytes out."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from icalendar import Calendar, vDuration
from icalendar.cal import Component
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from shared.timezones import BERLIN, berlin_vtimezone

from services.calendar.domain.calendar_data import InvalidCalendarData
from services.calendar.domain.ical import index_resource
from services.calendar.domain.pull_problem import N_, PullProblem
from services.calendar.domain.source_draft import SourceDefaults, apply_defaults
from services.calendar.domain.vocabulary import (
    LOCAL_TZID,
    OFFERING_PROPERTY,
    PARTNER_PROPERTY,
    ROOM_PROPERTY,
)

PRODID = "-//Treffpunkt Jena//Kalender von anderswo//DE"
MAX_BYTES = 10 * 1024 * 1024  # of one pull
MAX_EVENTS = 5_000  # UIDs kept of one source
KEEP_PAST = timedelta(days=90)  # events that ended longer ago are not imported
TIME_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")
# Not taken over: people's addresses (data minimisation; scheduling is the source's business),
# reminders, and what only Treffpunkt itself may claim (a booked room, a room's partner)
DROPPED = ("ATTENDEE", "ORGANIZER", ROOM_PROPERTY, OFFERING_PROPERTY, PARTNER_PROPERTY)
FIXED_STAMP = datetime(2000, 1, 1, tzinfo=timezone.utc)


class FeedProblem(PullProblem):
    """The feed as a whole cannot be read; the message says why, for the source's page."""


@dataclass(frozen=True)
class ImportedObject:
    uid: str
    name: str  # the object's href segment in the source's calendar
    data: bytes


@dataclass(frozen=True)
class ImportedFeed:
    objects: tuple[ImportedObject, ...]
    refresh_minutes: int | None = None  # the feed's REFRESH-INTERVAL / X-PUBLISHED-TTL
    old: int = 0  # events that ended more than KEEP_PAST ago
    beyond_limit: int = 0  # events past MAX_EVENTS
    broken: int = 0  # events that could not be stored (no start, a broken rule, a second master, …)
    uids_by_href: dict[str, str] = field(default_factory=dict)  # CalDAV items: which UID each held

    @property
    def skipped(self) -> int:
        return self.old + self.beyond_limit + self.broken


def object_name(uid: str) -> str:
    """The href segment of an imported event: a digest of its UID, so that any UID (long, with
    slashes or spaces) makes a short, safe and stable name."""
    return hashlib.sha256(uid.encode()).hexdigest()[:40] + ".ics"


def parse_feed(data: bytes) -> Calendar:
    """The feed's calendars merged into one; FeedProblem if it is no iCalendar at all."""
    if len(data) > MAX_BYTES:
        raise FeedProblem(
            N_("Der Kalender ist zu groß (mehr als %(limit)s)."), limit=f"{MAX_BYTES // (1024 * 1024)} MB"
        )
    text = _text(data)
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise FeedProblem(
            N_(
                "Unter der Adresse steht kein Kalender im iCalendar-Format (vielleicht eine Internetseite "
                "statt der ICS-Datei). Bitte prüfen Sie die Adresse."
            )
        )
    if not text.rstrip().upper().endswith("END:VCALENDAR"):
        # a download cut off: taken as it is, every event after the cut would be removed here
        raise FeedProblem(
            N_("Der Kalender kam unvollständig an (das Ende fehlt). Beim nächsten Abruf klappt es vielleicht.")
        )
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # icalendar raises ValueError and friends on broken input
        raise FeedProblem(
            N_("Der Kalender ist fehlerhaft und kann nicht gelesen werden (%(detail)s)."), detail=str(exc)[:200]
        ) from None
    merged = Calendar()
    for found in calendars:
        for name, value in found.property_items(recursive=False):
            if name not in ("BEGIN", "END") and name not in merged:
                merged.add(name, value)
        for sub in found.subcomponents:
            merged.add_component(sub)
    return merged


def import_feed(
    data: bytes,
    defaults: SourceDefaults,
    now: datetime,
    *,
    keep_past: timedelta = KEEP_PAST,
    max_events: int = MAX_EVENTS,
) -> ImportedFeed:
    """One ICS feed as the objects to store."""
    calendar = parse_feed(data)
    zone = _zone(str(calendar.get("X-WR-TIMEZONE", "")) or LOCAL_TZID) or BERLIN
    found = _imported(
        calendar.walk("VEVENT"), _timezones(calendar), zone, defaults, now, keep_past, max_events, calendar
    )
    return found


def import_items(
    items: Iterable[tuple[str, bytes]],
    defaults: SourceDefaults,
    now: datetime,
    *,
    keep_past: timedelta = KEEP_PAST,
    max_events: int = MAX_EVENTS,
) -> ImportedFeed:
    """CalDAV resources (href, data) as the objects to store, with the UID each href held."""
    events: list[Component] = []
    zones: dict[str, Component] = {}
    uids_by_href: dict[str, str] = {}
    broken = 0
    for href, data in items:
        try:
            calendar = parse_feed(data)
        except FeedProblem:
            broken += 1
            continue
        zones.update(_timezones(calendar))
        found = calendar.walk("VEVENT")
        for event in found:
            _ensure_uid(event)
        if found:
            uids_by_href[href] = str(found[0]["UID"])
        events.extend(found)
    result = _imported(events, zones, BERLIN, defaults, now, keep_past, max_events, None)
    return ImportedFeed(result.objects, None, result.old, result.beyond_limit, result.broken + broken, uids_by_href)


def refresh_minutes(calendar: Calendar) -> int | None:
    """REFRESH-INTERVAL (RFC 7986) or Outlook's X-PUBLISHED-TTL, in minutes; None if neither
    is there or readable."""
    for name in ("REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        value = calendar.get(name)
        if value is None:
            continue
        try:
            duration = value.dt if hasattr(value, "dt") else vDuration.from_ical(str(value))
        except (ValueError, TypeError):
            continue
        if isinstance(duration, timedelta) and duration > timedelta(0):
            return int(duration.total_seconds() // 60)
    return None


def stable_uid(event: Component) -> str:
    """A UID for an event that has none, from what it says: the same event gets the same UID on
    every pull (so it is not removed and added again each time)."""
    parts = [event.get(name) for name in ("SUMMARY", "DTSTART", "DTEND", "DURATION", "LOCATION", "RRULE")]
    text = "\x1f".join(_text_of(v) for v in parts)
    return "import-" + hashlib.sha256(text.encode()).hexdigest()[:32] + "@treffpunkt"


# --- the steps -------------------------------------------------------------------------------


def _text_of(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "to_ical"):
        raw = value.to_ical()
        return raw.decode() if isinstance(raw, bytes) else str(raw)
    return str(value)


def _text(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # old Windows exports
    # control characters iCalendar does not allow (some exporters leave them in descriptions)
    return "".join(c for c in text if c in "\t\r\n" or not (ord(c) < 32 or ord(c) == 127))


def _timezones(calendar: Calendar) -> dict[str, Component]:
    return {str(tz.get("TZID")): tz for tz in calendar.walk("VTIMEZONE") if tz.get("TZID")}


def _ensure_uid(event: Component) -> None:
    if not str(event.get("UID", "")).strip():
        event.pop("UID", None)
        event.add("UID", stable_uid(event))


def _imported(
    events: Iterable[Component],
    zones: dict[str, Component],
    zone: str,
    defaults: SourceDefaults,
    now: datetime,
    keep_past: timedelta,
    max_events: int,
    calendar: Calendar | None,
) -> ImportedFeed:
    groups: dict[str, tuple[list[Component], dict[str, Component]]] = {}
    broken = 0
    for event in events:
        _ensure_uid(event)
        uid = str(event["UID"]).strip()
        masters, overrides = groups.setdefault(uid, ([], {}))
        if "RECURRENCE-ID" in event:
            overrides[_text_of(event["RECURRENCE-ID"])] = event
        elif masters:
            broken += 1  # the UID twice without RECURRENCE-ID: the first one wins
        else:
            masters.append(event)
    kept: list[tuple[datetime, ImportedObject]] = []
    old = 0
    cutoff = now - keep_past
    for masters, overrides in groups.values():
        members = masters + [overrides[key] for key in sorted(overrides)]
        try:
            data = _object(members, zones, zone, defaults)
            index = index_resource(data)
        except (InvalidCalendarData, ValueError, TypeError, KeyError, AttributeError):
            broken += 1  # one event a feed's writer got wrong, never the whole feed
            continue
        if index.last_end is not None and index.last_end < cutoff:
            old += 1
            continue
        latest = index.last_end or datetime.max.replace(tzinfo=timezone.utc)
        kept.append((latest, ImportedObject(index.uid, object_name(index.uid), data)))
    kept.sort(key=lambda pair: pair[0], reverse=True)  # the longest-lasting first: open series, the future
    beyond = max(0, len(kept) - max_events)
    objects = tuple(sorted((o for _, o in kept[:max_events]), key=lambda o: o.name))
    return ImportedFeed(objects, refresh_minutes(calendar) if calendar is not None else None, old, beyond, broken)


def _object(members: list[Component], zones: dict[str, Component], zone: str, defaults: SourceDefaults) -> bytes:
    holder = Calendar()
    holder.add("PRODID", PRODID)
    holder.add("VERSION", "2.0")
    kept_zones: set[str] = set()
    for event in members:
        for name in DROPPED:
            event.pop(name, None)
        event.subcomponents = [c for c in event.subcomponents if c.name != "VALARM"]
        for name in TIME_PROPERTIES:
            _localise(event, name, zones, zone, kept_zones)
        _localise_until(event, zone)
        _fix_stamp(event)
        apply_defaults(event, defaults)
    uses_berlin = False
    for tzid in sorted(kept_zones):
        holder.add_component(zones[tzid])
    for event in members:
        holder.add_component(event)
    for tzid in holder.get_missing_tzids():
        if tzid == BERLIN:
            uses_berlin = True
    if uses_berlin:
        holder.subcomponents.insert(0, berlin_vtimezone())
    holder.add_missing_timezones()
    data: bytes = holder.to_ical()
    return data


def _zone(tzid: str) -> str | None:
    """The IANA name a TZID stands for: itself, a Windows name's (Outlook), or one behind a
    prefix (Mozilla's "/mozilla.org/20050126_1/Europe/Berlin"); None if unknown."""
    cleaned = tzid.strip().strip('"')
    if cleaned in WINDOWS_TO_OLSON:
        return WINDOWS_TO_OLSON[cleaned]
    for candidate in (cleaned, "/".join(cleaned.split("/")[-2:])):
        if candidate in _iana():
            return candidate
    return None


def _iana() -> set[str]:
    global _IANA
    if _IANA is None:
        _IANA = available_timezones()
    return _IANA


_IANA: set[str] | None = None


def _localise(event: Component, name: str, zones: dict[str, Component], zone: str, kept_zones: set[str]) -> None:
    """Date-times with an IANA zone: Windows and prefixed names mapped, floating ones read in
    the feed's zone (X-WR-TIMEZONE, else Europe/Berlin). A zone only the feed's own VTIMEZONE
    defines stays as it is, with that VTIMEZONE."""
    found = event.get(name)
    if found is None:
        return
    props = found if isinstance(found, list) else [found]
    values: list[date | datetime] = []
    params: dict[str, str] = {}
    for prop in props:
        if str(prop.params.get("VALUE", "")).upper() == "PERIOD":
            return  # RDATE periods are rare; kept as they are
        dts = [d.dt for d in prop.dts] if hasattr(prop, "dts") else [prop.dt]
        tzid = str(prop.params.get("TZID", ""))
        for value in dts:
            if not isinstance(value, datetime):
                values.append(value)
                continue
            if value.tzinfo is not None and not tzid:
                values.append(value)  # UTC ("Z")
                continue
            target = _zone(tzid) if tzid else zone
            if target is None and tzid in zones:
                kept_zones.add(tzid)
                return  # its own definition: left alone
            values.append(value.replace(tzinfo=ZoneInfo(target or zone)))
        if "VALUE" in prop.params:
            params["VALUE"] = str(prop.params["VALUE"])
    event.pop(name)
    if name in ("EXDATE", "RDATE"):
        for value in values:
            event.add(name, value, parameters=dict(params))
    elif values:
        event.add(name, values[0], parameters=dict(params))


def _localise_until(event: Component, zone: str) -> None:
    """A floating UNTIL beside a zoned DTSTART is read in the start's zone, as UTC (RFC 5545
    §3.3.10 wants them alike; dateutil refuses the mix)."""
    rule = event.get("RRULE")
    start = event.get("DTSTART")
    if rule is None or start is None or not isinstance(start.dt, datetime) or start.dt.tzinfo is None:
        return
    untils = rule.get("UNTIL") or []
    if untils and isinstance(untils[0], datetime) and untils[0].tzinfo is None:
        tz = start.dt.tzinfo
        try:
            rule["UNTIL"] = [untils[0].replace(tzinfo=tz).astimezone(timezone.utc)]
        except (ZoneInfoNotFoundError, ValueError):
            rule["UNTIL"] = [untils[0].replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)]
    elif untils and not isinstance(untils[0], datetime):
        pass  # a DATE UNTIL with a DATE-TIME start: dateutil reads it as midnight


def _fix_stamp(event: Component) -> None:
    """DTSTAMP as the event's own last change, not the time of the export."""
    changed = event.get("LAST-MODIFIED") or event.get("CREATED")
    stamp = changed.dt if changed is not None and isinstance(changed.dt, datetime) else FIXED_STAMP
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    event.pop("DTSTAMP", None)
    event.add("DTSTAMP", stamp.astimezone(timezone.utc))
