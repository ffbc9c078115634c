from __future__ import annotations

from datetime import date

import pytest

from services.engagement.domain.sponsorship import (
    ACTIVE,
    ENDED,
    FIRST_TALK,
    GETTING_TO_KNOW,
    Sponsorship,
    advance_problem,
    advanced,
    for_volunteer,
    notes_problem,
)


def oma_opa(**kw) -> Sponsorship:
    """Frau Weber (volunteer 51) and the Nguyen family, Oma/Opa-Projekt of the Familienzentrum."""
    values = {"id": 1, "partner_id": 4, "volunteer_id": 51, "family_id": 8, "started_on": date(2026, 9, 3)}
    return Sponsorship(**{**values, **kw}, coordinator_notes="Familie wünscht Dienstage; Frau Weber hat Knieprobleme.")


def test_a_sponsorship_moves_forward_stage_by_stage_with_its_days():
    s = advanced(oma_opa(), GETTING_TO_KNOW, date(2026, 9, 17))
    s = advanced(s, ACTIVE, date(2026, 10, 15))
    assert s.stage == ACTIVE and s.since == date(2026, 10, 15)
    assert [s.day_of(x) for x in (FIRST_TALK, GETTING_TO_KNOW, ACTIVE, ENDED)] == [
        date(2026, 9, 3),
        date(2026, 9, 17),
        date(2026, 10, 15),
        None,
    ]


def test_no_stage_is_skipped():
    assert advance_problem(oma_opa(), ACTIVE, date(2026, 9, 10)) == "stage_skipped"
    assert advance_problem(oma_opa(), FIRST_TALK, date(2026, 9, 10)) == "stage_skipped"


@pytest.mark.parametrize("stage", [FIRST_TALK, GETTING_TO_KNOW, ACTIVE])
def test_ended_is_reachable_from_any_stage_with_a_reason(stage):
    s = oma_opa(stage=stage)
    assert advance_problem(s, ENDED, date(2026, 11, 1)) == "reason_missing"
    assert advance_problem(s, ENDED, date(2026, 11, 1), reason="because") == "reason_missing"
    ended = advanced(s, ENDED, date(2026, 11, 1), reason="family_moved")
    assert ended.ended and ended.end_reason == "family_moved"
    assert advance_problem(ended, ACTIVE, date(2026, 12, 1)) == "already_ended"


def test_a_stage_does_not_begin_before_the_one_before():
    assert advance_problem(oma_opa(), GETTING_TO_KNOW, date(2026, 9, 2)) == "before_previous_stage"


def test_the_volunteer_is_shown_the_sponsorship_without_the_coordinators_notes():
    shown = for_volunteer(oma_opa())
    assert shown.coordinator_notes == "" and shown.stage == FIRST_TALK
    assert notes_problem("x" * 4001) == "text_too_long" and notes_problem("Erstes Treffen gut.") is None
