"""The benchmark's calendar: N events in Europe/Berlin with a VTIMEZONE; every fifth a weekly
series with COUNT, one EXDATE and one moved occurrence (RECURRENCE-ID override); the rest single
events spread over 2026. Deterministic (seeded), so every server gets the same bytes."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from shared.timezones import berlin_vtimezone

VTIMEZONE = berlin_vtimezone().to_ical().decode().replace("\r\n", "\n").strip()
TITLES = (
    "Seniorengymnastik",
    "Eltern-Kind-Turnen",
    "Familienkino",
    "Mittagstisch",
    "Erzählcafé",
    "Puppentheater",
    "Sprachcafé",
    "Beratung",
    "Handarbeitskreis",
    "Lernpaten",
)
YEAR = datetime(2026, 1, 1)


def _local(dt: datetime) -> str:
    return dt.strftime("%Y%m%dT%H%M%S")


def event(i: int, rng: random.Random, year: datetime = YEAR) -> tuple[str, bytes]:
    uid = f"bench-{i:05d}"
    title = f"{TITLES[i % len(TITLES)]} {i}"
    start = year + timedelta(days=rng.randrange(0, 365 if i % 5 else 180), hours=rng.randrange(8, 19))
    end = start + timedelta(minutes=rng.choice((60, 90, 120)))
    head = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"SUMMARY:{title}",
        "CATEGORIES:Sport",
        "CLASS:PUBLIC",
        f"DTSTART;TZID=Europe/Berlin:{_local(start)}",
        f"DTEND;TZID=Europe/Berlin:{_local(end)}",
    ]
    parts = [*head]
    if i % 5 == 0:
        parts += [
            f"RRULE:FREQ=WEEKLY;COUNT={rng.randrange(20, 53)}",
            f"EXDATE;TZID=Europe/Berlin:{_local(start + timedelta(weeks=2))}",
            "END:VEVENT",
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20260101T000000Z",
            f"SUMMARY:{title} (verlegt)",
            f"RECURRENCE-ID;TZID=Europe/Berlin:{_local(start + timedelta(weeks=4))}",
            f"DTSTART;TZID=Europe/Berlin:{_local(start + timedelta(weeks=4, hours=2))}",
            f"DTEND;TZID=Europe/Berlin:{_local(end + timedelta(weeks=4, hours=2))}",
        ]
    parts.append("END:VEVENT")
    text = "\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Treffpunkt Bench//DE", VTIMEZONE, *parts, "END:VCALENDAR", ""]
    )
    return f"{uid}.ics", text.replace("\n", "\r\n").encode()


def calendar(n: int, year: datetime = YEAR) -> list[tuple[str, bytes]]:
    """`year`: the day the year of dates begins (bench/sources.py: today, as a feed's future)."""
    rng = random.Random(42)
    return [event(i, rng, year) for i in range(n)]


def changed(name: str, data: bytes, counter: int) -> bytes:
    """The same item with a new SUMMARY (for sync-collection after one change)."""
    return data.replace(b"SUMMARY:", f"SUMMARY:[{counter}] ".encode(), 1)
