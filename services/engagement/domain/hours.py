"""Hours a volunteer gave to an opportunity, when the partner records them (for the certificate
of engagement and the figures). Bounded: a positive number of minutes, at most a long day, on a
day not in the future and not more than a year back (older is a typo in the year)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from shared.text import text_problem

DAY_MINUTES_MAX = 14 * 60
BACK_MAX = timedelta(days=366)
NOTE_MAX = 200


@dataclass(frozen=True)
class HoursEntry:
    volunteer_id: int
    opportunity_id: int
    day: date
    minutes: int
    note: str = ""


def entry_problems(day: date, minutes: int, note: str, today: date) -> dict[str, str]:
    found: dict[str, str] = {}
    if not 0 < minutes <= DAY_MINUTES_MAX:
        found["minutes"] = "out_of_range"
    if day > today:
        found["day"] = "in_future"
    elif day < today - BACK_MAX:
        found["day"] = "too_old"
    if problem := text_problem(note.strip(), NOTE_MAX):
        found["note"] = problem
    return found


def day_total_problem(existing: Iterable[HoursEntry], new: HoursEntry) -> str | None:
    """A volunteer's entries of one day (over all opportunities) stay within a long day."""
    same_day = sum(e.minutes for e in existing if e.volunteer_id == new.volunteer_id and e.day == new.day)
    return "day_total_too_high" if same_day + new.minutes > DAY_MINUTES_MAX else None


def total_minutes(entries: Iterable[HoursEntry], volunteer_id: int, opportunity_id: int | None = None) -> int:
    return sum(
        e.minutes
        for e in entries
        if e.volunteer_id == volunteer_id and (opportunity_id is None or e.opportunity_id == opportunity_id)
    )
