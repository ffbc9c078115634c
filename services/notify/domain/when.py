"""Dates and times as people in Jena read them: local time (Europe/Berlin), German or English."""

from __future__ import annotations

from datetime import date, datetime

from services.notify.domain.notice import LOCAL, Occurrence

WEEKDAYS = {
    "de": ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(moment: date, language: str) -> str:
    weekday = WEEKDAYS[language][moment.weekday()]
    if language == "en":
        return f"{weekday} {moment.day} {MONTHS_EN[moment.month - 1]} {moment.year}"
    return f"{weekday} {moment.day:02d}.{moment.month:02d}.{moment.year}"


def span(occurrence: Occurrence, language: str, dash: str = "–", uhr: bool = True) -> str:
    """'Mi. 13.01.2027, 14:00–16:00 Uhr' or, across midnight, both days in full. `uhr=False`
    leaves out the " Uhr" (the first half of "… → …", which the second half ends)."""
    start, end = occurrence.starts_at.astimezone(LOCAL), occurrence.ends_at.astimezone(LOCAL)
    suffix = " Uhr" if language == "de" and uhr else ""
    if start.date() == end.date():
        return f"{_day(start, language)}, {start:%H:%M}{dash}{end:%H:%M}{suffix}"
    return f"{_day(start, language)}, {start:%H:%M}{suffix} {dash} {_day(end, language)}, {end:%H:%M}{suffix}"


def moment(at: datetime, language: str) -> str:
    """'Mi. 13.01.2027, 14:00 Uhr': one point in time (until when a link works)."""
    local = at.astimezone(LOCAL)
    return f"{_day(local, language)}, {local:%H:%M}{' Uhr' if language == 'de' else ''}"
