"""Does a calendar resource have an occurrence in a time range? (CalDAV time-range, feeds)

Expanded by the one bounded expansion (domain.recurrence.between, over recurring-ical-events:
RRULE, RDATE, EXDATE, RECURRENCE-ID overrides, DST-correct local times); never by hand.
Ranges are half-open [start, end)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from icalendar import Calendar

from services.calendar.domain import recurrence
from services.calendar.domain.calendar_data import COMPONENTS
from services.calendar.domain.limits import MAX_DATE_TIME, MIN_DATE_TIME


def overlaps(
    calendar: Calendar, start: datetime | None, end: datetime | None, components: Iterable[str] = COMPONENTS
) -> bool:
    """True if any occurrence of `components` overlaps [start, end); a missing bound is open."""
    found = recurrence.between(calendar, components, start or MIN_DATE_TIME, end or MAX_DATE_TIME)[1]
    return any(True for _ in found)


def may_overlap(
    first_start: datetime | None, last_end: datetime | None, start: datetime | None, end: datetime | None
) -> bool:
    """The index pre-filter, same test the SQL store runs (None = unbounded)."""
    if end is not None and first_start is not None and first_start >= end:
        return False
    if start is not None and last_end is not None and last_end <= start:
        return False
    return True
