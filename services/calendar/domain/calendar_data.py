"""What the domain's modules share about calendar data: the components a resource holds, the
local time zone, and the refusal of data that cannot be stored (with its RFC 4791 precondition)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from services.calendar.domain.vocabulary import LOCAL_TZID

COMPONENTS = ("VEVENT", "VTODO", "VJOURNAL")
LOCAL = ZoneInfo(LOCAL_TZID)


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
