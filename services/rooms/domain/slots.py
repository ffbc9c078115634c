"""A wanted slot of a room and what makes it acceptable. Pure: no Flask, no database.

Problems are returned as codes per field; the web and API layers turn them into German
(or English) sentences, so the rules stay free of UI text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.text import text_problem

MAX_DURATION = timedelta(hours=14)
MAX_AHEAD = timedelta(days=2 * 366)  # bookings further out are almost always typos in the year
TITLE_MAX = 200
DESCRIPTION_MAX = 2000  # what a booking is for ("Worum geht es?"), several lines
CANCEL_REASON_MAX = 500  # why dates were cancelled ("fällt aus wegen …")


@dataclass(frozen=True)
class Slot:
    """A half-open interval [starts_at, ends_at) of aware datetimes."""

    starts_at: datetime
    ends_at: datetime

    def overlaps(self, other: Slot) -> bool:
        return overlaps(self.starts_at, self.ends_at, other.starts_at, other.ends_at)

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open overlap: 10-11 and 11-12 touch but do not overlap."""
    return a_start < b_end and b_start < a_end


def problems(slot: Slot, title: str, now: datetime) -> dict[str, str]:
    """Field -> problem code; empty when the slot and title are acceptable."""
    found: dict[str, str] = {}
    if slot.starts_at.tzinfo is None or slot.ends_at.tzinfo is None:
        found["starts_at"] = "naive_time"
        return found
    if slot.ends_at <= slot.starts_at:
        found["ends_at"] = "ends_before_start"
    elif slot.duration > MAX_DURATION:
        found["ends_at"] = "too_long"
    if slot.starts_at < now:
        found["starts_at"] = "in_past"
    elif slot.starts_at > now + MAX_AHEAD:
        found["starts_at"] = "too_far_ahead"
    cleaned = (title or "").strip()
    if not cleaned:
        found["title"] = "title_missing"
    elif len(cleaned) > TITLE_MAX:
        found["title"] = "title_too_long"
    elif text_problem(cleaned, TITLE_MAX):
        found["title"] = "text_control"
    return found
