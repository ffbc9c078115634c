"""A dated shift of the Engagementbörse as one event in its partner's calendar "Ehrenamt:
Schichten": read-only here (the shifts are changed on the engagement pages) and never public
(CLASS:PRIVATE, and the calendar itself is not listed): the counts are the partner's business.

The message carries the shift's whole state; the event's SEQUENCE is its revision. Times are
UTC, so no VTIMEZONE is needed; DTSTAMP is fixed, so the same state gives the same bytes."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from icalendar import Calendar, Event

from services.calendar.domain.booking import clean_text

PRODID = "-//Treffpunkt Jena//Engagementbörse//DE"
CALENDAR_NAME = "Ehrenamt: Schichten"
CALENDAR_DESCRIPTION = (
    "Die Schichten Ihrer Angebote in der Engagementbörse, mit den Anmeldungen. "
    "Nur lesbar: Schichten ändern Sie in der Engagementbörse."
)
_SLUG = re.compile(r"partner-[0-9]+-ehrenamt-schichten(-[0-9]+)?")


def calendar_slugs(partner_id: int, tries: int = 5) -> list[str]:
    """The URL segments the partner's shift calendar may have, first choice first (slugs are
    unique across partners, and a partner could have made a calendar of the first name itself)."""
    first = f"partner-{partner_id}-ehrenamt-schichten"
    return [first] + [f"{first}-{n}" for n in range(2, tries + 1)]


def is_shift_slug(slug: str) -> bool:
    return _SLUG.fullmatch(slug) is not None


def shift_uid(shift_id: int) -> str:
    return f"engagement-shift-{shift_id}@treffpunkt-jena"


def summary(shift: dict[str, Any]) -> str:
    text = f"Ehrenamt: {clean_text(shift['title'])} ({shift['confirmed']}/{shift['capacity']})"
    return text + (f" – Warteliste {shift['waiting']}" if shift["waiting"] else "")


def description(shift: dict[str, Any]) -> str:
    free = max(shift["capacity"] - shift["confirmed"], 0)
    lines = [
        f"Angemeldet: {shift['confirmed']} von {shift['capacity']} Plätzen",
        f"Freie Plätze: {free}",
        f"Auf der Warteliste: {shift['waiting']}",
    ]
    if shift.get("link"):
        lines.append(f"Anmeldungen und Helferliste: {shift['link']}")
    return "\n".join(lines)


def shift_resource(shift: dict[str, Any]) -> bytes | None:
    """iCalendar bytes for a loaded calendar.engagement_shift payload, or None if cancelled."""
    if shift["cancelled"]:
        return None
    event = Event()
    event.add("UID", shift_uid(shift["shift_id"]))
    event.add("DTSTAMP", datetime(2000, 1, 1, tzinfo=timezone.utc))
    event.add("SEQUENCE", shift["revision"])
    event.add("SUMMARY", summary(shift))
    event.add("DESCRIPTION", description(shift))
    event.add("DTSTART", shift["starts_at"].astimezone(timezone.utc))
    event.add("DTEND", shift["ends_at"].astimezone(timezone.utc))
    if place := clean_text(shift.get("place") or ""):
        event.add("LOCATION", place)
    if shift.get("link"):
        event.add("URL", shift["link"])
    event.add("STATUS", "CONFIRMED")
    event.add("TRANSP", "TRANSPARENT")  # the volunteers' time, not the staff's: no busy time in free/busy
    event.add("CLASS", "PRIVATE")
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
