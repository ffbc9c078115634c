"""A room booking as one calendar resource in the room's (read-only) calendar.

Shape chosen: one VEVENT whose DTSTART/DTEND is the first valid occurrence, RDATEs for the
further starts, and a RECURRENCE-ID override only for an occurrence whose length differs from
the first (RDATE alone cannot say that portably). Times are UTC, so no VTIMEZONE is needed.
No valid occurrence, or a cancelled/declined booking: no resource at all (None)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from icalendar import Calendar, Event

from services.calendar.domain.vocabulary import BUSY_SUMMARY, DISTRICT_PROPERTY, OFFERING_PROPERTY, PARTNER_PROPERTY

GONE_STATUSES = ("cancelled", "declined")
PRODID = "-//Treffpunkt Jena//Raumbörse//DE"
# RFC 5545 allows no control characters in text (and PostgreSQL no NUL): rooms refuses them in
# titles, but a message from an older sender may still carry some
_CONTROL = re.compile("[\x00-\x1f\x7f]+")


def clean_text(text: str) -> str:
    """`text` with control characters (line breaks too) turned into single spaces."""
    return " ".join(_CONTROL.sub(" ", text).split())


def valid_occurrences(booking: dict[str, Any]) -> list[tuple[datetime, datetime]]:
    spans = {
        (o["starts_at"].astimezone(timezone.utc), o["ends_at"].astimezone(timezone.utc))
        for o in booking["occurrences"]
        if o.get("state", "valid") == "valid"
    }
    return sorted(spans)


def booking_resource(booking: dict[str, Any], room_name: str = "") -> bytes | None:
    """iCalendar bytes for a loaded calendar.booking_changed payload, or None if it is gone."""
    spans = valid_occurrences(booking)
    if booking["status"] in GONE_STATUSES or not spans:
        return None
    summary = (clean_text(booking["title"]) or BUSY_SUMMARY) if booking.get("public") else BUSY_SUMMARY
    tentative = booking["status"] == "requested"
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    (first_start, first_end), rest = spans[0], spans[1:]
    master = _event(booking, summary, first_start, first_end, tentative, room_name)
    if rest:
        master.add("RDATE", [start for start, _ in rest])
    calendar.add_component(master)
    for start, end in rest:
        if end - start != first_end - first_start:
            override = _event(booking, summary, start, end, tentative, room_name)
            override.add("RECURRENCE-ID", start)
            calendar.add_component(override)
    data: bytes = calendar.to_ical()
    return data


def _event(
    booking: dict[str, Any], summary: str, start: datetime, end: datetime, tentative: bool, room_name: str
) -> Event:
    event = Event()
    event.add("UID", booking["uid"])
    event.add("DTSTAMP", datetime(2000, 1, 1, tzinfo=timezone.utc))  # fixed: same input, same bytes
    event.add("SEQUENCE", booking["sequence"])
    event.add("SUMMARY", summary)
    event.add("DTSTART", start)
    event.add("DTEND", end)
    event.add("STATUS", "TENTATIVE" if tentative else "CONFIRMED")
    event.add("TRANSP", "OPAQUE")
    event.add("CLASS", "PUBLIC" if booking.get("public") else "PRIVATE")
    place = ", ".join(filter(None, (clean_text(room_name), clean_text(booking.get("room_address") or ""))))
    if place:
        event.add("LOCATION", place)
    if booking.get("public") and booking.get("partner_id"):  # who runs it, for the public calendar
        event.add(PARTNER_PROPERTY, str(booking["partner_id"]))
        # it takes place in the room's district, which need not be its booker's
        if district := clean_text(booking.get("room_district") or ""):
            event.add(DISTRICT_PROPERTY, district)
    if booking.get("offering_uid"):  # the offering shows itself; its room booking is not another one
        event.add(OFFERING_PROPERTY, booking["offering_uid"])
    return event
