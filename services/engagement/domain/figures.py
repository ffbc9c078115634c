"""The exchange's figures for the office and its funders: opportunities published, applications,
matches and hours, by district and month. Plain facts in (the store fills them, without names:
the same counts survive a volunteer's deletion, retention.KEPT_ANONYMISED), a table out.

An opportunity counts in the month it was first published, an application in the month it was
made, a match in the month it came about (an accepted application, a confirmed shift place, a
Patenschaft that became active), hours in the month they were given."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date

from shared.periods import Month, Period, month_of

from services.engagement.domain.hours import HoursEntry

OPPORTUNITY, APPLICATION, MATCH, MINUTES = "opportunity", "application", "match", "minutes"
FACT_KINDS = (OPPORTUNITY, APPLICATION, MATCH, MINUTES)


@dataclass(frozen=True)
class Fact:
    kind: str
    district: str
    day: date
    amount: int = 1  # minutes for MINUTES, else 1


@dataclass(frozen=True)
class Counts:
    opportunities: int = 0
    applications: int = 0
    matches: int = 0
    minutes: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


_FIELD = {OPPORTUNITY: "opportunities", APPLICATION: "applications", MATCH: "matches", MINUTES: "minutes"}


def table(facts: Iterable[Fact], period: Period) -> dict[tuple[str, Month], Counts]:
    """(district, month) -> counts, for the months of the period (facts outside are left out);
    only cells with something in them."""
    months = set(period.months())
    cells: dict[tuple[str, Month], Counts] = {}
    for fact in facts:
        month = month_of(fact.day)
        if month not in months or fact.kind not in _FIELD:
            continue
        key = (fact.district, month)
        cells[key] = cells.get(key, Counts()) + Counts(**{_FIELD[fact.kind]: fact.amount})
    return dict(sorted(cells.items(), key=lambda item: (item[0][1], item[0][0])))


def by_district(cells: dict[tuple[str, Month], Counts]) -> dict[str, Counts]:
    totals: dict[str, Counts] = {}
    for (district, _month), counts in cells.items():
        totals[district] = totals.get(district, Counts()) + counts
    return totals


def by_month(cells: dict[tuple[str, Month], Counts]) -> dict[Month, Counts]:
    totals: dict[Month, Counts] = {}
    for (_district, month), counts in cells.items():
        totals[month] = totals.get(month, Counts()) + counts
    return dict(sorted(totals.items()))


def hours_facts(entries: Iterable[HoursEntry], district_of: Mapping[int, str]) -> list[Fact]:
    """Recorded hours as facts without the person: one per opportunity's district and day, summed.
    What the store keeps when a volunteer's entries are deleted (retention.KEPT_ANONYMISED)."""
    summed: dict[tuple[str, date], int] = {}
    for e in entries:
        key = (district_of.get(e.opportunity_id, ""), e.day)
        summed[key] = summed.get(key, 0) + e.minutes
    return [Fact(MINUTES, district, day, minutes) for (district, day), minutes in sorted(summed.items())]
