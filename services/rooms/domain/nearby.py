"""Times near a wanted one, for when it is taken: the same duration earlier or later on the same
day, and the same time on the days around it. Pure: no Flask, no database; which of these are
free (bookings, opening hours, closures, the room's rules) the caller asks series.judge.

Bounded: at most SAME_DAY_STEPS shifts each way and DAYS_AROUND days each way, so a room is
asked about at most 2 * (SAME_DAY_STEPS + DAYS_AROUND) slots, in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from services.rooms.domain.recurrence import slot_on
from services.rooms.domain.slots import Slot

STEP_MINUTES = 30
SAME_DAY_STEPS = 24  # up to 12 hours earlier or later
DAYS_AROUND = 7  # the same time up to a week before and after: 14 days scanned
MAX_SUGGESTIONS = 5
MAX_SAME_DAY = 3  # leave room for other days among the suggestions


@dataclass(frozen=True)
class Candidate:
    day: date
    start: time
    end: time
    slot: Slot


def candidates(day: date, start: time, end: time, tz: ZoneInfo) -> list[Candidate]:
    """Nearest first: the same day shifted by 30, 60, … minutes (earlier before later, within
    the day), then the same time 1, 2, … days later and earlier."""
    first, last = _minutes(start), _minutes(end)
    found = []
    for step in range(1, SAME_DAY_STEPS + 1):
        for sign in (-1, 1):
            a = first + sign * step * STEP_MINUTES
            b = a + last - first
            if 0 <= a and b < 24 * 60:
                found.append(_candidate(day, _clock(a), _clock(b), tz))
    for offset in range(1, DAYS_AROUND + 1):
        for sign in (1, -1):
            found.append(_candidate(day + timedelta(days=sign * offset), start, end, tz))
    return found


def pick(free: list[Candidate], wanted_day: date) -> list[Candidate]:
    """At most MAX_SUGGESTIONS of the free candidates (given nearest first), at most
    MAX_SAME_DAY of them on the wanted day; in the order of time."""
    same = [c for c in free if c.day == wanted_day][:MAX_SAME_DAY]
    other = [c for c in free if c.day != wanted_day][: MAX_SUGGESTIONS - len(same)]
    return sorted(same + other, key=lambda c: c.slot.starts_at)


def _candidate(day: date, start: time, end: time, tz: ZoneInfo) -> Candidate:
    return Candidate(day, start, end, slot_on(day, start, end, tz))


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)
