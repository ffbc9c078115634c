"""Periods of whole months for the figures the network reports (rooms' use, the calendar's
offerings): a first and a last month, both included, read from what a person types ("03.2025",
"2025-03"), at most MAX_MONTHS long, and their bounds as UTC moments of local month starts, so a
booking from 31 March 22:00 to 1 April 02:00 counts two hours in each month. Pure: no Flask.

Problems are codes (the form words them): month_unknown, month_range, month_order, too_long."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from shared.typed import day_in_range

MAX_MONTHS = 60  # five years: the queries stay bounded, and funders ask for a year or a few
DEFAULT_MONTHS = 12
_ISO = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)
_GERMAN = re.compile(r"(\d{1,2})[./](\d{4})", re.ASCII)


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def key(self) -> str:
        """ "2025-03": how links, the CSV and the database queries name it."""
        return f"{self.year:04d}-{self.month:02d}"

    def shown(self) -> str:
        """ "03.2025": how a German reader writes it."""
        return f"{self.month:02d}.{self.year:04d}"

    def start(self, tz: ZoneInfo) -> datetime:
        """Local midnight of its first day, in UTC."""
        return datetime.combine(self.first_day, time(), tz).astimezone(timezone.utc)


def month_of(day: date) -> Month:
    return Month(day.year, day.month)


def read_month(text: str) -> Month:
    """The month "03.2025", "3/2025" or "2025-03" names; ValueError with a code otherwise."""
    text = text.strip()[:20]
    if found := _ISO.fullmatch(text):
        year, month = int(found[1]), int(found[2])
    elif found := _GERMAN.fullmatch(text):
        month, year = int(found[1]), int(found[2])
    else:
        raise ValueError("month_unknown")
    if not 1 <= month <= 12:
        raise ValueError("month_unknown")
    if not day_in_range(date(year, month, 1)):
        raise ValueError("month_range")
    return Month(year, month)


@dataclass(frozen=True)
class Period:
    first: Month
    last: Month

    def months(self) -> list[Month]:
        count = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1
        return [self.first.plus(i) for i in range(count)]

    def bounds(self, tz: ZoneInfo) -> list[datetime]:
        """The start of each month and the end of the last, UTC: len(months()) + 1 moments."""
        return [m.start(tz) for m in self.months()] + [self.last.plus(1).start(tz)]


def last_months(today: date, count: int = DEFAULT_MONTHS) -> Period:
    """This month and the count - 1 before it."""
    last = month_of(today)
    return Period(last.plus(1 - count), last)


def period_problem(first: Month, last: Month) -> str | None:
    if last < first:
        return "month_order"
    if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        return "too_long"
    return None
