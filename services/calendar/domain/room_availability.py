"""When a room cannot be booked beside its bookings: the buffer its rules keep around each
booking, the hours it is closed outside its opening hours, and its closures (whole local days),
as calendar.room_changed tells them. Free/busy shows these as BUSY-UNAVAILABLE (RFC 5545 §3.2.9).

The buffer is the room's current one: a booking made under an older buffer keeps that one in the
rooms service, which the calendar is not told; the rooms service's own check decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from services.calendar.domain.calendar_data import LOCAL
from services.calendar.domain.expand import UNAVAILABLE

WEEKDAYS = ("mo", "di", "mi", "do", "fr", "sa", "so")  # the rooms service's keys, Monday first
Period = tuple[int, int, int]  # (start, end, type) in epoch seconds, as expand.busy_periods


@dataclass(frozen=True)
class Availability:
    buffer_minutes: int = 0
    opening: tuple[tuple[str, time, time], ...] = ()  # (weekday key, opens, closes); () = always open
    closures: tuple[tuple[date, date], ...] = ()  # first and last local day, both closed


def unavailable(rules: Availability, busy: list[Period], start: int, end: int) -> list[Period]:
    """The periods in [start, end) the room cannot be booked for beyond `busy`, merged."""
    found: list[tuple[int, int]] = []
    buffer = rules.buffer_minutes * 60
    if buffer:
        for s, e, _kind in busy:
            found += [(s - buffer, s), (e, e + buffer)]
    first_day, last_day = _local_day(start), _local_day(end)
    for closed_from, closed_to in rules.closures:
        if closed_from <= last_day and first_day <= closed_to:
            found.append((_midnight(max(closed_from, first_day)), _midnight(min(closed_to, last_day) + timedelta(1))))
    if rules.opening:
        hours = {day: (opens, closes) for day, opens, closes in rules.opening}
        day = first_day
        while day <= last_day:  # at most 368 days: the outbox refuses longer windows
            opened = hours.get(WEEKDAYS[day.weekday()])
            if opened is None:
                found.append((_midnight(day), _midnight(day + timedelta(1))))
            else:
                found += [(_midnight(day), _at(day, opened[0])), (_at(day, opened[1]), _midnight(day + timedelta(1)))]
            day += timedelta(1)
    return _merged(found, start, end)


def _merged(periods: list[tuple[int, int]], start: int, end: int) -> list[Period]:
    merged: list[Period] = []
    for s, e in sorted((max(s, start), min(e, end)) for s, e in periods):
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e), UNAVAILABLE)
        else:
            merged.append((s, e, UNAVAILABLE))
    return merged


def _local_day(seconds: int) -> date:
    return datetime.fromtimestamp(seconds, timezone.utc).astimezone(LOCAL).date()


def _at(day: date, clock: time) -> int:
    return int(datetime.combine(day, clock, LOCAL).timestamp())


def _midnight(day: date) -> int:
    return _at(day, time())
