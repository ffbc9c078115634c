"""One date of an offering as its own small calendar file, for "add to my calendar": the public
texts of the series (or of that date's override) at that date's times. It gets a UID of its
own, so that adding two dates of a series gives two entries, and its page as URL."""

from __future__ import annotations

from datetime import date, datetime, timezone

from icalendar import Calendar, Component, Event

from services.calendar.domain.calendar_data import prop
from services.calendar.domain.ics_feed import new_feed
from services.calendar.domain.offering import date_key

COPIED = ("SUMMARY", "DESCRIPTION", "LOCATION", "GEO", "CATEGORIES", "STATUS", "COMMENT")


def date_calendar(
    public_data: bytes, key: str, start: datetime, end: datetime, all_day: bool, url: str, name: str
) -> bytes:
    """`public_data` is the offering's public view (domain/disclosure.public_view)."""
    source = Calendar.from_ical(public_data.decode("utf-8"))
    events = [c for c in source.walk("VEVENT")]
    master = next((e for e in events if "RECURRENCE-ID" not in e), events[0])
    chosen = next((e for e in events if "RECURRENCE-ID" in e and _key_of(e) == key), master)
    event = Event()
    event.add("UID", f"{key or 'einmalig'}-{master.get('UID')}")
    event.add("DTSTAMP", datetime.now(timezone.utc).replace(microsecond=0))
    if all_day:
        event.add("DTSTART", start.date())
        event.add("DTEND", end.date() if end.date() > start.date() else date.fromordinal(start.toordinal() + 1))
    else:
        event.add("DTSTART", start.astimezone(timezone.utc))
        event.add("DTEND", end.astimezone(timezone.utc))
    for name_ in COPIED:
        value = chosen.get(name_, master.get(name_))
        if value is not None:
            event.add(name_, value)
    event.add("URL", url)
    calendar = new_feed(name)
    calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def _key_of(event: Component) -> str:
    value: date | datetime = prop(event, "RECURRENCE-ID").dt
    return date_key(value)
