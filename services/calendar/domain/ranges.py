"""Does a calendar resource have an occurrence in a time range? (CalDAV time-range, feeds)

Recurrence is expanded by recurring-ical-events (RRULE, RDATE, EXDATE, RECURRENCE-ID
overrides, DST-correct local times); never by hand. Ranges are half-open [start, end)."""
from __future__ import annotations

from datetime import datetime, timezone
from itertools import islice

import recurring_ical_events
from icalendar import Calendar

from services.calendar.domain.ical import COMPONENTS, LOCAL


def occurrences(calendar: Calendar, start: datetime, end: datetime, components=("VEVENT",)) -> list:
    """Occurrences (as components) overlapping [start, end). Floating times and all-day dates
    are read as Europe/Berlin, the calendar time zone of every collection here."""
    query = recurring_ical_events.of(calendar, components=list(components))
    return list(query.between(start.astimezone(LOCAL), end.astimezone(LOCAL)))


def overlaps(calendar: Calendar, start: datetime | None, end: datetime | None,
             components=COMPONENTS) -> bool:
    """True if any occurrence of `components` overlaps [start, end); a missing bound is open."""
    start = start or datetime(1900, 1, 1, tzinfo=timezone.utc)
    end = end or datetime(9999, 1, 1, tzinfo=timezone.utc)
    query = recurring_ical_events.of(calendar, components=list(components))
    return any(True for _ in islice(query.between(start.astimezone(LOCAL), end.astimezone(LOCAL)), 1))


def may_overlap(first_start: datetime | None, last_end: datetime | None,
                start: datetime | None, end: datetime | None) -> bool:
    """The index pre-filter, same test the SQL store runs (None = unbounded)."""
    if end is not None and first_start is not None and first_start >= end:
        return False
    if start is not None and last_end is not None and last_end <= start:
        return False
    return True
