"""Dates and times in messages as people in Jena read them: local time (Europe/Berlin), German
('Mi. 13.01.2027, 14:00–16:00 Uhr') or English ('Wed 13 Jan 2027, 14:00–16:00'), the month in
words in English so nobody reads 03.12 as the 12th of March."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Berlin")
WEEKDAYS = {
    "de": ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day(moment: date, language: str) -> str:
    weekday = WEEKDAYS[language][moment.weekday()]
    if language == "en":
        return f"{weekday} {moment.day} {MONTHS_EN[moment.month - 1]} {moment.year}"
    return f"{weekday} {moment.day:02d}.{moment.month:02d}.{moment.year}"


def span(starts_at: datetime, ends_at: datetime, language: str, dash: str = "–", uhr: bool = True) -> str:
    """One span of time; across midnight both days in full. `uhr=False` leaves out the " Uhr"."""
    start, end = starts_at.astimezone(LOCAL), ends_at.astimezone(LOCAL)
    suffix = " Uhr" if language == "de" and uhr else ""
    if start.date() == end.date():
        return f"{day(start, language)}, {start:%H:%M}{dash}{end:%H:%M}{suffix}"
    return f"{day(start, language)}, {start:%H:%M}{suffix} {dash} {day(end, language)}, {end:%H:%M}{suffix}"


def moment(at: datetime, language: str) -> str:
    """One point in time (until when a link works)."""
    local = at.astimezone(LOCAL)
    return f"{day(local, language)}, {local:%H:%M}{' Uhr' if language == 'de' else ''}"
