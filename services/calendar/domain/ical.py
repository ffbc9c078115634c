"""Checking and indexing one calendar resource (RFC 4791 §4.1: one UID per resource).

The text is stored exactly as received; what is derived here (UID, public, categories,
audience, the UTC span used to pre-filter time ranges) is only an index over it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import cast

from icalendar import Calendar, Component, vCategory, vText

from shared.identity.vocabulary import KEY_MAX

from services.calendar.domain import checks, timeindex
from services.calendar.domain.calendar_data import COMPONENTS, LOCAL, InvalidCalendarData, prop
from services.calendar.domain.timeindex import EPOCH_MAX, TimeIndex
from services.calendar.domain.vocabulary import AUDIENCE_PROPERTY

# floating times and dates mean local time wherever a client is: widen the index by a day
FLOATING_SLACK = timedelta(hours=14)
# RFC 5545 §3.3.11 allows no control characters but HTAB in values (DEL included); most could
# not be sent back inside an XML report either (XML 1.0 forbids them)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
INDEX_ROOM = 198  # characters of an index column of words (200, and its outer commas)
MAX_UID = 255  # the column holds 300; Outlook's long UIDs have about 120 characters


@dataclass(frozen=True)
class IndexedResource:
    uid: str
    component: str
    public: bool
    categories: tuple[str, ...]
    audience: tuple[str, ...]
    first_start: datetime | None
    last_end: datetime | None  # None: open-ended (or unknown), matches every later range
    time_index: TimeIndex  # its instances (stored with it; the store caches it under its ETag)
    calendar: Calendar = field(compare=False, repr=False)  # as parsed: the public index reads it too


def etag_of(data: bytes) -> str:
    """A strong ETag: equal bytes, equal tag."""
    return '"' + hashlib.sha256(data).hexdigest()[:40] + '"'


def parse_calendar(data: bytes) -> Calendar:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidCalendarData("Die Kalenderdaten sind nicht UTF-8-kodiert.") from None
    if _CONTROL.search(text):
        raise InvalidCalendarData("Die Kalenderdaten enthalten Steuerzeichen, die iCalendar nicht erlaubt.")
    try:
        calendar = Calendar.from_ical(text)
    except Exception as exc:  # icalendar raises ValueError and friends on broken input
        raise InvalidCalendarData(f"Die Kalenderdaten sind kein gültiges iCalendar: {exc}") from None
    if not isinstance(calendar, Calendar) or calendar.name != "VCALENDAR":
        raise InvalidCalendarData("Erwartet wird ein VCALENDAR-Objekt.")
    return calendar


def index_resource(data: bytes) -> IndexedResource:
    calendar = parse_calendar(data)
    items = [c for c in calendar.subcomponents if c.name in COMPONENTS]
    if not items:
        raise InvalidCalendarData("Der Kalendereintrag enthält keinen Termin (VEVENT) und keine Aufgabe (VTODO).")
    kinds = {cast(str, c.name) for c in items}  # names in COMPONENTS
    if len(kinds) > 1:
        raise InvalidCalendarData("Ein Kalendereintrag darf nur eine Art von Komponente enthalten.")
    uids = {str(c.get("UID", "")) for c in items}
    if len(uids) != 1 or "" in uids:
        raise InvalidCalendarData("Jeder Kalendereintrag braucht genau eine UID.")
    masters = [c for c in items if "RECURRENCE-ID" not in c]
    if len(masters) > 1:
        raise InvalidCalendarData("Die UID kommt mehrfach ohne RECURRENCE-ID vor.")
    if kinds == {"VEVENT"} and any("DTSTART" not in c for c in items):
        raise InvalidCalendarData("Jeder Termin braucht einen Beginn (DTSTART).")
    if len(next(iter(uids))) > MAX_UID:
        raise InvalidCalendarData(f"Die UID ist zu lang (höchstens {MAX_UID} Zeichen).")
    checks.check_times(calendar)
    main = masters[0] if masters else items[0]
    # recurring series are expanded once, here, so the store keeps the result with the object
    index = timeindex.build(calendar, datetime.now(timezone.utc))
    first_start, last_end = _span(items, index)
    return IndexedResource(
        uid=uids.pop(),
        component=kinds.pop(),
        public=str(main.get("CLASS", "PUBLIC")).upper() == "PUBLIC",
        categories=indexed(list_values(main.get("CATEGORIES"))),
        audience=indexed(list_values(main.get(AUDIENCE_PROPERTY))),
        first_start=first_start,
        last_end=last_end,
        time_index=index,
        calendar=calendar,
    )


def list_values(value: vCategory | vText | list[vCategory | vText] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    values = value if isinstance(value, list) else [value]
    texts = [c for v in values for c in (v.cats if hasattr(v, "cats") else [v])]
    return tuple(dict.fromkeys(p.strip() for v in texts for p in str(v).split(",") if p.strip()))


def indexed(values: tuple[str, ...], room: int = INDEX_ROOM) -> tuple[str, ...]:
    """The words an index column keeps: every one as stored, not only today's vocabulary (a
    term the office adds later, or retires, finds what holds it), but none longer than a
    vocabulary key can be, and only as many as fit in `room` characters joined by commas.
    The data keeps them all; pages show only the vocabulary's terms among them."""
    kept: list[str] = []
    used = 0
    for value in values:
        if len(value) <= KEY_MAX and used + len(value) + 1 <= room:
            kept.append(value)
            used += len(value) + 1
    return tuple(kept)


def to_utc(value: date | datetime, *, end: bool = False) -> datetime:
    """UTC bound for a DATE or DATE-TIME; floating values are widened, never narrowed."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc)
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    moved = value.replace(tzinfo=LOCAL).astimezone(timezone.utc)
    return moved + FLOATING_SLACK if end else moved - FLOATING_SLACK


def _end_of(component: Component) -> date | datetime:
    """The end of a component with a DTSTART (DTEND, DTSTART + DURATION, or the start)."""
    start: date | datetime = prop(component, "DTSTART").dt
    if "DTEND" in component:
        end: date | datetime = prop(component, "DTEND").dt
        return end
    if "DURATION" in component:
        duration: timedelta = prop(component, "DURATION").dt
        return start + duration
    return start + timedelta(days=1) if not isinstance(start, datetime) else start


def _span(items: list[Component], index: TimeIndex) -> tuple[datetime | None, datetime | None]:
    """The UTC span the SQL pre-filter uses; the last instance's end bounds a series."""
    if any("DTSTART" not in c for c in items):
        return None, None  # e.g. a task without a start: always a candidate
    starts = [to_utc(prop(c, "DTSTART").dt) for c in items]
    ends = [to_utc(_end_of(c), end=True) for c in items]
    for c in items:
        rdates = c.get("RDATE", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            for period in rdate.dts:  # a DATE, DATE-TIME or PERIOD (start, end|duration)
                value = period.dt[0] if isinstance(period.dt, tuple) else period.dt
                starts.append(to_utc(value))
    first = min(starts)
    if not index.recurring:
        return first, max(ends)
    if index.until != EPOCH_MAX or not index.instances:
        return first, None  # open-ended, dense or past the recorded horizon
    last = datetime.fromtimestamp(max(i.end for i in index.instances), timezone.utc)
    floating = any(
        not isinstance(prop(c, k).dt, datetime) or prop(c, k).dt.tzinfo is None
        for c in items
        for k in ("DTSTART", "DTEND")
        if k in c
    )
    return first, max(ends + [last + FLOATING_SLACK if floating else last])
