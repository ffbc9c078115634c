"""Schedule tags (RFC 6638 §3.2.10): an opaque tag of a scheduling object (one with an
ORGANIZER) that changes only when the organizer changes it, not when an attendee's reply is
written in. The tag of an organizer's write is derived from the ETag of what was written."""

from __future__ import annotations

from icalendar import Calendar

from services.calendar.domain.calendar_data import COMPONENTS


def is_scheduling_object(calendar: Calendar) -> bool:
    return any(c.name in COMPONENTS and "ORGANIZER" in c for c in calendar.subcomponents)


def new_tag(etag: str) -> str:
    return '"s-' + etag.strip('"') + '"'


def matches(header: str, current: str | None) -> bool:
    """If-Schedule-Tag-Match (RFC 6638 §8.3): one quoted tag that must equal the stored one; an
    object that has none (new, or no scheduling object) matches nothing."""
    return current is not None and header.strip() == current
