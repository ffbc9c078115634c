"""Series of dates: one-off, weekly, every n weeks, monthly by weekday (e.g. the 2nd Tuesday);
until a date or n times. Pure: no Flask, no database.

Expansion uses dateutil.rrule on naive *local* wall-clock times and attaches the zone only
afterwards, so a Tuesday 18:00 series stays at 18:00 in Berlin across daylight-saving changes
(expanding in UTC would shift it by an hour twice a year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil import rrule

from services.rooms.domain.slots import Slot

FREQUENCIES = ("once", "weekly", "monthly")
MAX_DATES = 200
MAX_SPAN = timedelta(days=2 * 366)
MAX_INTERVAL = 8


@dataclass(frozen=True)
class Recurrence:
    """A wanted series in local time. `ordinal` (1..4 or -1 = last) is only for "monthly":
    the weekday of `first_day` in that week of each month."""

    first_day: date
    start: time
    end: time
    freq: str = "once"
    interval: int = 1
    count: int | None = None
    until: date | None = None
    ordinal: int | None = None
    skip: frozenset[date] = field(default_factory=frozenset)

    def describe(self) -> dict[str, object]:
        """JSON-safe summary, stored with the booking and shown on its page."""
        return {
            "freq": self.freq,
            "interval": self.interval,
            "count": self.count,
            "until": self.until.isoformat() if self.until else None,
            "ordinal": self.ordinal,
            "first_day": self.first_day.isoformat(),
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
        }


def ordinal_of(day: date) -> int:
    """Which weekday of its month `day` is (1..4); 5th weekdays count as the last (-1)."""
    n = (day.day - 1) // 7 + 1
    return -1 if n == 5 else n


def problems(rec: Recurrence) -> dict[str, str]:
    """Field -> problem code for a series that cannot be expanded; empty when fine."""
    found: dict[str, str] = {}
    if rec.freq not in FREQUENCIES:
        found["freq"] = "freq_unknown"
        return found
    if rec.end <= rec.start:
        found["ends_at"] = "ends_before_start"
    if rec.freq == "once":
        return found
    if not 1 <= rec.interval <= MAX_INTERVAL:
        found["interval"] = "interval_range"
    if rec.count is None and rec.until is None:
        found["count"] = "count_or_until"
    elif rec.count is not None and rec.until is not None:
        found["count"] = "count_and_until"
    elif rec.count is not None and not 1 <= rec.count <= MAX_DATES:
        found["count"] = "count_range"
    elif rec.until is not None and rec.until < rec.first_day:
        found["until"] = "until_before_start"
    elif rec.until is not None and rec.until - rec.first_day > MAX_SPAN:
        found["until"] = "series_too_long"
    if rec.ordinal is not None and rec.ordinal not in (1, 2, 3, 4, -1):
        found["ordinal"] = "ordinal_range"
    return found


def local_days(rec: Recurrence) -> list[date]:
    """The dates of the series (skipped ones included), at most MAX_DATES + 1 so that callers
    can tell "too many" apart; assumes problems(rec) is empty."""
    if rec.freq == "once":
        return [rec.first_day]
    dtstart = datetime.combine(rec.first_day, rec.start)
    count: int | None = None
    until: datetime | None = None
    if rec.count:
        count = min(rec.count, MAX_DATES + 1)
    else:
        assert rec.until is not None, "problems(rec) lets no series through without COUNT or UNTIL"
        until = datetime.combine(min(rec.until, rec.first_day + MAX_SPAN), time.max)
    if rec.freq == "weekly":
        rule = rrule.rrule(rrule.WEEKLY, interval=rec.interval, dtstart=dtstart, count=count, until=until)
    else:
        nth = rec.ordinal or ordinal_of(rec.first_day)
        weekday = rrule.weekdays[rec.first_day.weekday()](nth)
        rule = rrule.rrule(
            rrule.MONTHLY, interval=rec.interval, byweekday=weekday, dtstart=dtstart, count=count, until=until
        )
    days = []
    for moment in rule:
        days.append(moment.date())
        if len(days) > MAX_DATES:
            break
    return days


def slot_on(day: date, start: time, end: time, tz: ZoneInfo) -> Slot:
    """The slot of one local date, in UTC. A wall-clock time that does not exist (the hour
    skipped in March) resolves like zoneinfo does: to the later offset."""
    starts = datetime.combine(day, start, tzinfo=tz).astimezone(timezone.utc)
    ends = datetime.combine(day, end, tzinfo=tz).astimezone(timezone.utc)
    return Slot(starts, ends)


def expand(rec: Recurrence, tz: ZoneInfo) -> list[tuple[date, Slot, bool]]:
    """(local day, UTC slot, skipped) for every date of the series, in order."""
    return [(day, slot_on(day, rec.start, rec.end, tz), day in rec.skip) for day in local_days(rec)]


def too_many(days: list[date]) -> bool:
    return len(days) > MAX_DATES
