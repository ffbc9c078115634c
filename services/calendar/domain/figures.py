"""The calendar's figures for the network's funders: how many offerings there were, by district,
category and audience, and how many of their dates were held, are still to come, or were
cancelled, month by month. Plain values the store fills (store/sql_figures.py). Pure.

Counted are the public offerings of public calendars that the office has not hidden, and their
dates: those that have begun as the calendar's history recorded them then (store/sql_held_dates.py,
kept from `counted_from` on; a later change or deletion does not change them), the others as the
public index keeps them now. A date counts in the month (Jena time) it starts. An offering with
several categories or audiences counts in each; "Alle" (for everyone) is an audience of its own."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from shared.periods import Month, Period


@dataclass(frozen=True)
class DateCounts:
    offerings: int = 0  # offerings with at least one date in the span
    held: int = 0  # dates not cancelled that began before "now"
    planned: int = 0  # dates not cancelled still to come
    cancelled: int = 0

    def __add__(self, other: DateCounts) -> DateCounts:
        return DateCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def dates(self) -> int:
        return self.held + self.planned + self.cancelled


@dataclass(frozen=True)
class OfferingFigures:
    period: Period
    total: DateCounts
    by_month: tuple[tuple[Month, DateCounts], ...]
    by_district: tuple[tuple[str, DateCounts], ...]
    by_category: tuple[tuple[str, DateCounts], ...]
    by_audience: tuple[tuple[str, DateCounts], ...]
    counted_from: datetime  # dates before this are not known: the history began here

    def misses_dates(self, start: datetime) -> bool:
        """True when the period begins before the first date known (the page says so)."""
        return start < self.counted_from
