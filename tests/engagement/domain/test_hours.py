from __future__ import annotations

from datetime import date

import pytest

from services.engagement.domain.hours import HoursEntry, day_total_problem, entry_problems, total_minutes

TODAY = date(2026, 12, 6)


def test_a_sane_entry_has_no_problems():
    assert entry_problems(date(2026, 12, 3), 150, "Mittagstisch", TODAY) == {}


@pytest.mark.parametrize(
    "day, minutes, field, code",
    [
        (date(2026, 12, 3), 0, "minutes", "out_of_range"),
        (date(2026, 12, 3), -60, "minutes", "out_of_range"),
        (date(2026, 12, 3), 15 * 60, "minutes", "out_of_range"),
        (date(2026, 12, 7), 60, "day", "in_future"),
        (date(2025, 12, 4), 60, "day", "too_old"),
    ],
)
def test_absurd_entries_are_refused(day, minutes, field, code):
    assert entry_problems(day, minutes, "", TODAY)[field] == code


def test_a_day_holds_at_most_a_long_days_work_over_all_opportunities():
    existing = [HoursEntry(21, 1, TODAY, 600), HoursEntry(21, 2, TODAY, 180), HoursEntry(22, 1, TODAY, 600)]
    assert day_total_problem(existing, HoursEntry(21, 3, TODAY, 60)) is None  # 14 h exactly
    assert day_total_problem(existing, HoursEntry(21, 3, TODAY, 61)) == "day_total_too_high"
    assert day_total_problem(existing, HoursEntry(21, 3, date(2026, 12, 5), 840)) is None


def test_totals_per_volunteer_and_opportunity():
    entries = [HoursEntry(21, 1, TODAY, 90), HoursEntry(21, 2, TODAY, 30), HoursEntry(22, 1, TODAY, 45)]
    assert total_minutes(entries, 21) == 120 and total_minutes(entries, 21, opportunity_id=1) == 90
