"""An ActivityStreams Event from another server (Treffpunkt, Gancio, Mobilizon) as an iCalendar
object for the "Aus der Region" calendar. Pure. What is not there or not believable (no name, no
start, an end before the start, an event longer than MAX_LENGTH) makes no object: the Event is
skipped rather than shown wrong. HTML in the content becomes plain text."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

from icalendar import Calendar, Event, vGeo

REGION_SLUG = "aus-der-region"  # the calendar's slug: never published again (two networks would echo)
REGION_NAME = "Aus der Region"
MAX_LENGTH = timedelta(days=31)
TAG = re.compile(r"<[^>]*>")
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # no calendar (nor PostgreSQL's text) takes them; \n stays
BREAK = re.compile(r"<\s*(br|/p|/li|/h\d)\s*/?\s*>", re.IGNORECASE)


class NotAnEvent(ValueError):
    """Why the object cannot be shown: a code (type, name, start, end)."""


def object_name(remote_id: str) -> str:
    return "region-" + hashlib.sha256(remote_id.encode()).hexdigest()[:32] + ".ics"


def plain_text(html: str, limit: int = 5000) -> str:
    text = CONTROL.sub(" ", unescape(TAG.sub("", BREAK.sub("\n", html))))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()[:limit]


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    # in UTC: a fixed offset would be written as a TZID no calendar knows
    return found.astimezone(UTC) if found.tzinfo is not None else None


def _text(value: Any, limit: int) -> str:
    return " ".join(CONTROL.sub(" ", value).split())[:limit] if isinstance(value, str) else ""


def _location(place: Any) -> tuple[str, tuple[float, float] | None]:
    if not isinstance(place, dict):
        return "", None
    address = place.get("address")
    parts = [_text(place.get("name"), 150)]
    if isinstance(address, dict):
        town = " ".join(filter(None, (_text(address.get("postalCode"), 10), _text(address.get("addressLocality"), 60))))
        parts += [_text(address.get("streetAddress"), 100), town]
    elif isinstance(address, str):
        parts.append(_text(address, 150))
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    lat, lon = place.get("latitude"), place.get("longitude")
    geo = (float(lat), float(lon)) if isinstance(lat, int | float) and isinstance(lon, int | float) else None
    return ", ".join(seen)[:300], geo


def to_ical(event: dict[str, Any], source_name: str, stamp: datetime) -> bytes:
    """The Event as a VCALENDAR with one public VEVENT (UID: the Event's id), or NotAnEvent."""
    if event.get("type") != "Event":
        raise NotAnEvent("type")
    remote_id = event.get("id")
    name = _text(event.get("name"), 200)
    if not isinstance(remote_id, str) or not name:
        raise NotAnEvent("name")
    start, end = _time(event.get("startTime")), _time(event.get("endTime"))
    if start is None:
        raise NotAnEvent("start")
    end = end or start + timedelta(hours=1)
    if end <= start or end - start > MAX_LENGTH:
        raise NotAnEvent("end")
    component = Event()
    component.add("UID", remote_id)
    component.add("DTSTAMP", stamp)
    component.add("DTSTART", start)
    component.add("DTEND", end)
    component.add("SUMMARY", name)
    content = plain_text(event.get("content", "") if isinstance(event.get("content"), str) else "")
    origin = f"Aus der Region: {source_name}" if source_name else "Aus der Region"
    component.add("DESCRIPTION", f"{content}\n\n{origin}".strip())
    location, geo = _location(event.get("location"))
    if location:
        component.add("LOCATION", location)
    if geo is not None:
        component.add("GEO", vGeo(geo))
    url = event.get("url")
    if isinstance(url, list):
        url = next((u for u in url if isinstance(u, str)), None)
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        component.add("URL", url[:500])
    component.add("CLASS", "PUBLIC")
    component.add("CATEGORIES", ["Aus der Region"])
    if str(event.get("eventStatus", "")).upper() == "CANCELLED":
        component.add("STATUS", "CANCELLED")
    calendar = Calendar()
    calendar.add("PRODID", "-//Treffpunkt Generationen Jena//Aus der Region//DE")
    calendar.add("VERSION", "2.0")
    calendar.add_component(component)
    return bytes(calendar.to_ical())
