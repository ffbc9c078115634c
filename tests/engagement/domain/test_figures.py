from __future__ import annotations

from datetime import date

from shared.periods import Month, Period

from services.engagement.domain.figures import (
    APPLICATION,
    MATCH,
    MINUTES,
    OPPORTUNITY,
    Counts,
    Fact,
    by_district,
    by_month,
    hours_facts,
    table,
)
from services.engagement.domain.hours import HoursEntry

NOV, DEC = Month(2026, 11), Month(2026, 12)
PERIOD = Period(NOV, DEC)


def facts():
    return [
        Fact(OPPORTUNITY, "Lobeda", date(2026, 11, 2)),
        Fact(APPLICATION, "Lobeda", date(2026, 11, 30)),
        Fact(APPLICATION, "Lobeda", date(2026, 12, 1)),
        Fact(MATCH, "Lobeda", date(2026, 12, 3)),
        Fact(MINUTES, "Lobeda", date(2026, 12, 3), 120),
        Fact(MINUTES, "Winzerla", date(2026, 12, 4), 90),
        Fact(APPLICATION, "Nord", date(2026, 10, 31)),  # before the period
    ]


def test_counts_by_district_and_month():
    cells = table(facts(), PERIOD)
    assert cells == {
        ("Lobeda", NOV): Counts(opportunities=1, applications=1),
        ("Lobeda", DEC): Counts(applications=1, matches=1, minutes=120),
        ("Winzerla", DEC): Counts(minutes=90),
    }
    assert list(cells) == [("Lobeda", NOV), ("Lobeda", DEC), ("Winzerla", DEC)]  # month first, then district


def test_totals_add_up_both_ways():
    cells = table(facts(), PERIOD)
    assert by_district(cells) == {
        "Lobeda": Counts(opportunities=1, applications=2, matches=1, minutes=120),
        "Winzerla": Counts(minutes=90),
    }
    assert by_month(cells)[DEC] == Counts(applications=1, matches=1, minutes=210)
    assert by_month(cells)[DEC].hours == 3.5
    assert sum((c for c in by_district(cells).values()), Counts()) == sum(
        (c for c in by_month(cells).values()), Counts()
    )


def test_hours_become_facts_without_the_person_and_keep_their_sum():
    entries = [
        HoursEntry(21, 1, date(2026, 12, 3), 120),
        HoursEntry(22, 1, date(2026, 12, 3), 60),
        HoursEntry(21, 2, date(2026, 12, 4), 90),
    ]
    facts = hours_facts(entries, {1: "Lobeda", 2: "Winzerla"})
    assert facts == [Fact(MINUTES, "Lobeda", date(2026, 12, 3), 180), Fact(MINUTES, "Winzerla", date(2026, 12, 4), 90)]
    assert by_district(table(facts, PERIOD))["Lobeda"].minutes == 180
