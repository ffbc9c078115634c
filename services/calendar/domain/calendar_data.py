"""What the domain's modules share about calendar data: the components a resource holds, the
local time zone, and the refusal of data that cannot be stored (with its RFC 4791 precondition)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Component

from services.calendar.domain.vocabulary import LOCAL_TZID

COMPONENTS = ("VEVENT", "VTODO", "VJOURNAL")
LOCAL = ZoneInfo(LOCAL_TZID)


def prop(component: Component, name: str) -> Any:
    """`component[name]` (KeyError without it): one property, or a list of them when it repeats.
    icalendar types it as the union of all its property classes, which no reader can use as such;
    the readers here know which property they read (and guard the rest with isinstance)."""
    return component[name]


class InvalidCalendarData(ValueError):
    """The body is not one storable calendar resource; the message is for a person (German),
    `precondition` names the CALDAV precondition it breaks (RFC 4791 §5.3.2.1)."""

    precondition = "valid-calendar-data"


class TooManyInstances(InvalidCalendarData):
    precondition = "max-instances"


class BeforeMinDateTime(InvalidCalendarData):
    precondition = "min-date-time"


class AfterMaxDateTime(InvalidCalendarData):
    precondition = "max-date-time"
