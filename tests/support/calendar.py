"""Data the calendar tests build: booking and room messages through the shared contract
(as the rooms service sends them), and events as a CalDAV client sends them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shared import contracts
from shared.timezones import berlin_vtimezone

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday


def booking_message(**overrides) -> dict:
    payload = dict(
        booking_id=1,
        uid="booking-1@treffpunkt-jena.de",
        sequence=0,
        room_id=7,
        partner_id=1,
        title="Chorprobe der Generationen",
        status="confirmed",
        public=True,
        occurrences=[
            {"starts_at": START + timedelta(weeks=n), "ends_at": START + timedelta(weeks=n, hours=2)} for n in range(3)
        ],
    )
    payload.update(overrides)
    return contracts.build("calendar.booking_changed", **payload)


def room_message(**overrides) -> dict:
    payload = dict(
        room_id=7,
        partner_id=1,
        name="Saal im Erdgeschoss",
        district="Lobeda",
        address="Karl-Marx-Allee 28, 07747 Jena",
        capacity=40,
        step_free=True,
        revision=1,
    )
    payload.update(overrides)
    return contracts.build("calendar.room_changed", **payload)


def weekly_event(
    uid: str = "offer-1",
    summary: str = "Seniorengymnastik",
    categories=("Sport",),
    audience: str = "Senioren",
    extra: str = "",
    klass: str = "PUBLIC",
) -> bytes:
    """A weekly Monday 10:00 Europe/Berlin series, as a CalDAV client would send it."""
    tz = berlin_vtimezone().to_ical().decode()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test//DE",
        tz.strip(),
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"SUMMARY:{summary}",
        "DTSTART;TZID=Europe/Berlin:20260105T100000",
        "DTEND;TZID=Europe/Berlin:20260105T110000",
        "RRULE:FREQ=WEEKLY",
        f"CATEGORIES:{','.join(categories)}",
        f"X-TREFFPUNKT-AUDIENCE:{audience}",
        f"CLASS:{klass}",
    ]
    if extra:
        lines.append(extra)
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(lines) + "\r\n").encode()
