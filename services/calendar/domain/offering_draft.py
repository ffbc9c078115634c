"""An offering as the browser form sees it (OfferingDraft), read from a stored event and written
back into it. Writing changes only what the form owns (FORM_PROPERTIES and, when the form can
say it, the RRULE); every other property a calendar program put there (alarms, attendees,
X-MOZ-…, X-APPLE-…, exceptions) stays as it was. So the form and Thunderbird edit one event.

Times are local (Europe/Berlin) with a TZID and the VTIMEZONE; a series repeats weekly (every n
weeks), or monthly on the same weekday (the 2nd Wednesday, the last Saturday), until a day or n
times. A rule the form cannot express is kept as it is and shown as such (`repeat.kind` "other").
When the first date moves, exceptions (EXDATE, RECURRENCE-ID) move with it, as Apple Calendar
does, so that a cancelled date stays cancelled."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from icalendar import Calendar, Component, Event, vRecur

from shared.timezones import berlin_vtimezone

from services.calendar.domain.calendar_data import LOCAL, prop
from services.calendar.domain.ical import list_values
from services.calendar.domain.vocabulary import (
    ACCESSIBILITY_PROPERTY,
    AUDIENCE_PROPERTY,
    COST_PROPERTY,
    DISTRICT_PROPERTY,
    EASY_LANGUAGE_PROPERTY,
    IMAGE_ALT_PROPERTY,
    LOCAL_TZID,
    ROOM_PROPERTY,
)

PRODID = "-//Treffpunkt Jena//Online-Kalender//DE"
REPEATS = ("once", "weekly", "monthly")
MAX_INTERVAL = 8  # "every 8 weeks" is the longest a form offers; a program may write more
MAX_COUNT = 500
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TEXT_PROPERTIES = {
    "SUMMARY": "title",
    "DESCRIPTION": "description",
    "LOCATION": "location",
    COST_PROPERTY: "cost",
    EASY_LANGUAGE_PROPERTY: "easy_language",
    DISTRICT_PROPERTY: "district",
    "URL": "url",
    IMAGE_ALT_PROPERTY: "image_alt",
}
FORM_PROPERTIES = (
    *TEXT_PROPERTIES,
    "DTSTART",
    "DTEND",
    "DURATION",
    "CATEGORIES",
    AUDIENCE_PROPERTY,
    ACCESSIBILITY_PROPERTY,
    "CLASS",
)


@dataclass(frozen=True)
class Repeat:
    kind: str = "once"  # REPEATS, or "other": a rule only a calendar program can change
    interval: int = 1  # weekly: every n weeks
    until: date | None = None  # the last day it may take place
    count: int | None = None  # or: how many times
    rule: str = ""  # the RRULE as stored, when kind is "other" (shown, never rewritten)


@dataclass(frozen=True)
class OfferingDraft:
    title: str
    day: date  # the first date
    starts: time
    ends: time  # on the same day, or the next when earlier than `starts`
    repeat: Repeat = field(default_factory=Repeat)
    description: str = ""
    location: str = ""
    district: str = ""
    categories: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    cost: str = ""
    easy_language: str = ""
    url: str = ""
    public: bool = True
    room_id: int | None = None
    image: str = ""  # the picture's address (RFC 7986 IMAGE)
    image_alt: str = ""  # what it shows, in words

    @property
    def start(self) -> datetime:
        return datetime.combine(self.day, self.starts, LOCAL)

    @property
    def end(self) -> datetime:
        end = datetime.combine(self.day, self.ends, LOCAL)
        return end if end > self.start else end + timedelta(days=1)


def monthly_position(day: date) -> int:
    """Which of its weekday the day is in its month: 1..4, or -1 for the last."""
    if (day + timedelta(days=7)).month != day.month:
        return -1
    return (day.day - 1) // 7 + 1


def draft_of(calendar: Calendar) -> OfferingDraft:
    """The form's view of the stored event (its master)."""
    master = _master(calendar)
    start = _local(prop(master, "DTSTART").dt)
    end = _end(master, start)
    return OfferingDraft(
        title=_text(master, "SUMMARY"),
        day=start.date(),
        starts=start.time().replace(second=0, microsecond=0),
        ends=end.time().replace(second=0, microsecond=0),
        repeat=_repeat_of(master, start),
        description=_text(master, "DESCRIPTION"),
        location=_text(master, "LOCATION"),
        district=_text(master, DISTRICT_PROPERTY),
        categories=list_values(master.get("CATEGORIES")),
        audiences=list_values(master.get(AUDIENCE_PROPERTY)),
        accessibility=list_values(master.get(ACCESSIBILITY_PROPERTY)),
        cost=_text(master, COST_PROPERTY),
        easy_language=_text(master, EASY_LANGUAGE_PROPERTY),
        url=_text(master, "URL"),
        public=str(master.get("CLASS", "PUBLIC")).upper() == "PUBLIC",
        room_id=int(str(master[ROOM_PROPERTY])) if str(master.get(ROOM_PROPERTY, "")).isdigit() else None,
        image=_text(master, "IMAGE"),
        image_alt=_text(master, IMAGE_ALT_PROPERTY),
    )


def new_calendar(draft: OfferingDraft, uid: str, now: datetime) -> bytes:
    """A new event for `draft`."""
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add_component(berlin_vtimezone())
    event = Event()
    event.add("UID", uid)
    event.add("CREATED", _stamp(now))
    event.add("SEQUENCE", 0)
    calendar.add_component(event)
    _write(event, draft, now)
    return _bytes(calendar)


def edited_calendar(calendar: Calendar, draft: OfferingDraft, now: datetime) -> bytes:
    """The stored event with the form's properties replaced and everything else kept."""
    master = _master(calendar)
    old_start = _local(prop(master, "DTSTART").dt)
    _write(master, draft, now)
    shift = draft.start.replace(tzinfo=None) - old_start.replace(tzinfo=None)
    if shift:
        _move_exceptions(calendar, master, shift)
    _bump(master, now)
    if not any(c.name == "VTIMEZONE" and str(c.get("TZID")) == LOCAL_TZID for c in calendar.subcomponents):
        calendar.subcomponents.insert(0, berlin_vtimezone())
    return _bytes(calendar)


def changed_date(
    calendar: Calendar,
    key_start: datetime,
    now: datetime,
    *,
    cancelled: bool,
    note: str,
    moved_to: tuple[datetime, datetime] | None = None,
) -> bytes:
    """One date of the series cancelled (or moved to `moved_to` = (start, end), local) with a
    public note; `key_start` is the date's original start (its RECURRENCE-ID)."""
    master = _master(calendar)
    override = _override(calendar, key_start)
    if override is None:
        override = _new_override(master, key_start)
        calendar.add_component(override)
    for name in ("STATUS", "COMMENT", "DTSTART", "DTEND", "DURATION"):
        override.pop(name, None)
    if moved_to is None:
        length = _end(master, _local(prop(master, "DTSTART").dt)) - _local(prop(master, "DTSTART").dt)
        moved_to = (key_start.astimezone(LOCAL), key_start.astimezone(LOCAL) + length)
    override.add("DTSTART", _tz(moved_to[0]))
    override.add("DTEND", _tz(moved_to[1]))
    if cancelled:
        override.add("STATUS", "CANCELLED")
    if note:
        override.add("COMMENT", note)
    _bump(override, now)
    _bump(master, now)
    return _bytes(calendar)


def is_cancelled(calendar: Calendar) -> bool:
    return str(_master(calendar).get("STATUS", "")).upper() == "CANCELLED"


def cancelled_offering(calendar: Calendar, now: datetime, *, cancelled: bool, note: str = "") -> bytes:
    """The whole offering called off (STATUS:CANCELLED on the series, RFC 5545: every date of it,
    with `note` as its public reason), or taken up again."""
    master = _master(calendar)
    master.pop("STATUS", None)
    master.pop("COMMENT", None)
    if cancelled:
        master.add("STATUS", "CANCELLED")
        if note:
            master.add("COMMENT", note)
    _bump(master, now)
    return _bytes(calendar)


def restored_date(calendar: Calendar, key_start: datetime, now: datetime) -> bytes:
    """The date back as the series gives it: its override and any EXDATE of it removed."""
    master = _master(calendar)
    override = _override(calendar, key_start)
    if override is not None:
        calendar.subcomponents.remove(override)
    exdates = master.get("EXDATE")
    if exdates is not None:
        kept = [
            d.dt
            for e in (exdates if isinstance(exdates, list) else [exdates])
            for d in e.dts
            if not _same(d.dt, key_start)
        ]
        master.pop("EXDATE")
        if kept:
            master.add("EXDATE", kept)
    _bump(master, now)
    return _bytes(calendar)


def _write(event: Component, draft: OfferingDraft, now: datetime) -> None:
    for name in FORM_PROPERTIES:
        event.pop(name, None)
    for name, attribute in TEXT_PROPERTIES.items():
        value = getattr(draft, attribute).strip()
        if value:
            event.add(name, value)
    event.add("DTSTART", draft.start)
    event.add("DTEND", draft.end)
    if draft.categories:
        event.add("CATEGORIES", list(draft.categories))
    if draft.audiences:
        event.add(AUDIENCE_PROPERTY, ",".join(draft.audiences))
    if draft.accessibility:
        event.add(ACCESSIBILITY_PROPERTY, ",".join(draft.accessibility))
    event.pop("IMAGE", None)
    if draft.image:
        event.add("IMAGE", draft.image, parameters={"VALUE": "URI", "DISPLAY": "FULLSIZE"})
    event.pop(ROOM_PROPERTY, None)
    if draft.room_id is not None:
        event.add(ROOM_PROPERTY, str(draft.room_id))
    event.add("CLASS", "PUBLIC" if draft.public else "PRIVATE")
    if draft.repeat.kind != "other":
        event.pop("RRULE", None)
        rule = _rule(draft)
        if rule is not None:
            event.add("RRULE", rule)
    event.pop("DTSTAMP", None)
    event.add("DTSTAMP", _stamp(now))


def _rule(draft: OfferingDraft) -> vRecur | None:
    repeat = draft.repeat
    if repeat.kind == "once":
        return None
    rule = vRecur()
    weekday = WEEKDAY_CODES[draft.day.weekday()]
    if repeat.kind == "weekly":
        rule["FREQ"] = "WEEKLY"
        if repeat.interval > 1:
            rule["INTERVAL"] = repeat.interval
    else:
        rule["FREQ"] = "MONTHLY"
        rule["BYDAY"] = f"{monthly_position(draft.day)}{weekday}"
    if repeat.until is not None:
        # RFC 5545: with a TZID start, UNTIL is in UTC; the end of the last local day
        last = datetime.combine(repeat.until, time(23, 59, 59), LOCAL)
        rule["UNTIL"] = last.astimezone(timezone.utc)
    elif repeat.count is not None:
        rule["COUNT"] = repeat.count
    return rule


def _repeat_of(master: Component, start: datetime) -> Repeat:
    rules = master.get("RRULE")
    if rules is None:
        return Repeat("once") if "RDATE" not in master else Repeat("other", rule="RDATE")
    if isinstance(rules, list):
        return Repeat("other", rule=" + ".join(r.to_ical().decode() for r in rules))
    text = rules.to_ical().decode()
    parts = set(rules) - {"FREQ", "INTERVAL", "UNTIL", "COUNT", "BYDAY", "WKST"}
    freq = str(rules["FREQ"][0]).upper()
    interval = int(rules.get("INTERVAL", [1])[0])
    days = [str(d).upper() for d in rules.get("BYDAY", [])]
    until = _until_day(rules["UNTIL"][0]) if "UNTIL" in rules else None
    count = int(rules["COUNT"][0]) if "COUNT" in rules else None
    weekday = WEEKDAY_CODES[start.weekday()]
    if not parts and freq == "WEEKLY" and days in ([], [weekday]) and interval <= MAX_INTERVAL:
        return Repeat("weekly", interval, until, count)
    if not parts and freq == "MONTHLY" and interval == 1 and days == [f"{monthly_position(start.date())}{weekday}"]:
        return Repeat("monthly", 1, until, count)
    return Repeat("other", interval, until, count, rule=text)


def _until_day(value: date | datetime) -> date:
    return value.astimezone(LOCAL).date() if isinstance(value, datetime) and value.tzinfo else _as_date(value)


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _move_exceptions(calendar: Calendar, master: Component, shift: timedelta) -> None:
    exdates = master.get("EXDATE")
    if exdates is not None:
        moved = [_local(d.dt) + shift for e in (exdates if isinstance(exdates, list) else [exdates]) for d in e.dts]
        master.pop("EXDATE")
        master.add("EXDATE", [_tz(m) for m in moved])
    for component in calendar.subcomponents:
        if component.name == "VEVENT" and "RECURRENCE-ID" in component:
            rid = _local(prop(component, "RECURRENCE-ID").dt)
            in_step = "DTSTART" in component and _local(prop(component, "DTSTART").dt) == rid
            component.pop("RECURRENCE-ID")
            component.add("RECURRENCE-ID", _tz(rid + shift))
            if in_step:  # a date changed only in other ways (cancelled) keeps in step with the series
                for name in ("DTSTART", "DTEND"):
                    if name in component:
                        when = _local(prop(component, name).dt) + shift
                        component.pop(name)
                        component.add(name, _tz(when))


def _override(calendar: Calendar, key_start: datetime) -> Component | None:
    for component in calendar.subcomponents:
        if component.name == "VEVENT" and "RECURRENCE-ID" in component:
            if _same(prop(component, "RECURRENCE-ID").dt, key_start):
                return component
    return None


def _new_override(master: Component, key_start: datetime) -> Event:
    """A copy of the master's own properties for one date (not its rule or exceptions)."""
    override = Event()
    for name, value in master.property_items(recursive=False):
        if name in ("BEGIN", "END", "RRULE", "RDATE", "EXDATE", "DTSTART", "DTEND", "DURATION"):
            continue
        override.add(name, value, encode=False)
    override.add("RECURRENCE-ID", _tz(key_start.astimezone(LOCAL)))
    return override


def _bump(component: Component, now: datetime) -> None:
    sequence = int(component.get("SEQUENCE", 0)) + 1
    for name in ("SEQUENCE", "DTSTAMP", "LAST-MODIFIED"):
        component.pop(name, None)
    component.add("SEQUENCE", sequence)
    component.add("DTSTAMP", _stamp(now))
    component.add("LAST-MODIFIED", _stamp(now))


def _master(calendar: Calendar) -> Component:
    events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    return next((c for c in events if "RECURRENCE-ID" not in c), events[0])


def _end(master: Component, start: datetime) -> datetime:
    if "DTEND" in master:
        return _local(prop(master, "DTEND").dt)
    if "DURATION" in master:
        duration: timedelta = prop(master, "DURATION").dt
        return start + duration
    return start + timedelta(hours=1)


def _local(value: date | datetime) -> datetime:
    """A DATE-TIME in local time; a DATE as its local midnight; floating as local."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(), LOCAL)
    return value.replace(tzinfo=LOCAL) if value.tzinfo is None else value.astimezone(LOCAL)


def _tz(moment: datetime) -> datetime:
    """A local moment as icalendar writes it with TZID=Europe/Berlin."""
    return moment.astimezone(LOCAL)


def _same(value: date | datetime, moment: datetime) -> bool:
    return _local(value) == moment.astimezone(LOCAL)


def _stamp(now: datetime) -> datetime:
    return now.astimezone(timezone.utc).replace(microsecond=0)


def _text(component: Component, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value)


def _bytes(calendar: Calendar) -> bytes:
    data: bytes = calendar.to_ical()
    return data
