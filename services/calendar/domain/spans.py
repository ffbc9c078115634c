"""The spans a visitor pages through on the public calendar: a day, an ISO week, a month, or
the list that continues from today. Local days (Europe/Berlin) in, UTC bounds out, so a week
across the change to summer time still starts at local midnight. The calendar shows no more
than its index holds: REACH_BACK before today and REACH_AHEAD after it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from services.calendar.domain.calendar_data import LOCAL

REACH_BACK = timedelta(days=56)  # within the index's window (store/sql_public_index.py)
REACH_AHEAD = timedelta(days=366)
UPCOMING_DAYS = 366  # the continuing list runs at most this far
KINDS = ("day", "week", "month", "upcoming")
WEEK = re.compile(r"(\d{4})-W(\d{2})\Z")
MONTH = re.compile(r"(\d{4})-(\d{2})\Z")
DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")


class OutOfReach(ValueError):
    """A span the calendar does not show (too far back or ahead, or no such week or month)."""


@dataclass(frozen=True)
class Span:
    kind: str  # one of KINDS
    first: date  # the first local day
    end: date  # the day after the last

    def bounds(self, now: datetime | None = None) -> tuple[datetime, datetime]:
        """[start, end) in UTC. Seen at `now`, the continuing list starts then, and the
        current week or month at today's midnight: a visitor looks for what is still to come."""
        start = local_midnight(self.first)
        if now is not None and self.kind == "upcoming":
            start = max(start, now.astimezone(timezone.utc))
        elif now is not None and self.kind in ("week", "month") and self.first <= local_today(now) < self.end:
            start = local_midnight(local_today(now))
        return start, local_midnight(self.end)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.end - self.first).days)]

    @property
    def key(self) -> str:
        """The span's address part: 2026-12-07, 2026-W49, 2026-12 (upcoming has none)."""
        if self.kind == "day":
            return self.first.isoformat()
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.first.year}-{self.first.month:02d}"
        return ""

    def step(self, direction: int, today: date) -> Span | None:
        """The previous (-1) or next (+1) span of the same kind, None past the reach."""
        if self.kind == "day":
            other = day_span(self.first + timedelta(days=direction))
        elif self.kind == "week":
            other = week_of(self.first + timedelta(weeks=direction))
        elif self.kind == "month":
            month = self.first.month - 1 + direction
            other = month_of(date(self.first.year + month // 12, month % 12 + 1, 1))
        else:
            return None
        return other if within(other, today) else None


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), LOCAL).astimezone(timezone.utc)


def local_today(now: datetime) -> date:
    return now.astimezone(LOCAL).date()


def day_span(day: date) -> Span:
    return Span("day", day, day + timedelta(days=1))


def upcoming_span(today: date) -> Span:
    return Span("upcoming", today, today + timedelta(days=UPCOMING_DAYS))


def week_of(day: date) -> Span:
    monday = day - timedelta(days=day.weekday())
    return Span("week", monday, monday + timedelta(days=7))


def month_of(day: date) -> Span:
    first = day.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Span("month", first, following)


def parse_week(text: str, today: date) -> Span:
    match = WEEK.match(text)
    try:
        if match is None:
            raise ValueError(text)
        span = week_of(date.fromisocalendar(int(match[1]), int(match[2]), 1))
    except ValueError:
        raise OutOfReach(text) from None
    return _reachable(span, today)


def parse_day(text: str, today: date) -> Span:
    match = DAY.match(text)
    try:
        if match is None:
            raise ValueError(text)
        span = day_span(date(int(match[1]), int(match[2]), int(match[3])))
    except ValueError:
        raise OutOfReach(text) from None
    return _reachable(span, today)


def parse_month(text: str, today: date) -> Span:
    match = MONTH.match(text)
    try:
        if match is None:
            raise ValueError(text)
        span = month_of(date(int(match[1]), int(match[2]), 1))
    except ValueError:
        raise OutOfReach(text) from None
    return _reachable(span, today)


def within(span: Span, today: date) -> bool:
    return span.end > today - REACH_BACK and span.first <= today + REACH_AHEAD


def _reachable(span: Span, today: date) -> Span:
    if not within(span, today):
        raise OutOfReach(span.key)
    return span
