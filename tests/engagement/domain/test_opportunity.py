from __future__ import annotations

from dataclasses import replace

import pytest

from services.engagement.domain.opportunity import (
    CLOSED,
    DRAFT,
    IN_REVIEW,
    OFFICE,
    PARTNER,
    PAUSED,
    PUBLISHED,
    STATES,
    Contact,
    Requirements,
    When,
    moved,
    next_states,
    problems,
    transition_problem,
)

from tests.engagement.domain.support import besuchsdienst, local

NOW = local(2026, 12, 6, 10)


def test_a_complete_draft_has_no_problems():
    assert problems(besuchsdienst()) == {}


@pytest.mark.parametrize(
    "changes, field, code",
    [
        ({"title": "  "}, "title", "missing"),
        ({"title": "x" * 121}, "title", "text_too_long"),
        ({"title": "Besuch\x00dienst"}, "title", "text_control"),
        ({"description": "Helfen."}, "description", "too_short"),
        ({"district": "Gera"}, "district", "district_unknown"),
        ({"topics": ()}, "topics", "missing"),
        ({"topics": ("knitting",)}, "topics", "unknown"),
        ({"topics": ("visiting", "visiting")}, "topics", "unknown"),
        ({"with_whom": ()}, "with_whom", "missing"),
        ({"kind": "job"}, "kind", "kind_unknown"),
        ({"when": When(weekdays=(7,))}, "weekdays", "unknown"),
        ({"when": When()}, "weekdays", "missing"),  # regular dates need a weekday, or "flexible"
        ({"when": When(weekdays=(1,), times_of_day=("night",))}, "times_of_day", "unknown"),
        ({"expected_minutes": 0}, "expected_minutes", "out_of_range"),
        ({"expected_minutes": 21 * 60}, "expected_minutes", "out_of_range"),  # per week
        ({"requirements": Requirements(languages=("Deutsch",))}, "languages", "unknown"),
        ({"contact": Contact("Petra Schulz")}, "contact_email", "contact_missing"),
        ({"contact": Contact("Petra Schulz", email="petra@")}, "contact_email", "email_invalid"),
        ({"contact": Contact("Petra Schulz", phone="ruf an")}, "contact_phone", "phone_invalid"),
        ({"contact": Contact("", phone="03641 1")}, "contact_name", "missing"),
    ],
)
def test_a_draft_problem_is_a_code_on_its_field(changes, field, code):
    assert problems(besuchsdienst(**changes))[field] == code


def test_hours_are_sane_per_shift_or_per_week():
    shift = besuchsdienst(kind="shift", when=When())
    assert problems(replace(shift, expected_minutes=12 * 60)) == {}
    assert problems(replace(shift, expected_minutes=13 * 60))["expected_minutes"] == "out_of_range"
    assert problems(besuchsdienst(expected_minutes=20 * 60)) == {}
    assert problems(besuchsdienst(when=When(flexible=True))) == {}


def test_with_review_the_partner_submits_and_only_the_office_publishes():
    draft = besuchsdienst()
    assert transition_problem(draft, PUBLISHED, PARTNER, review_required=True) == "review_required"
    submitted = moved(draft, IN_REVIEW, PARTNER, True, NOW)
    assert transition_problem(submitted, PUBLISHED, PARTNER, True) == "office_only"
    published = moved(submitted, PUBLISHED, OFFICE, True, NOW)
    assert published.state == PUBLISHED and published.published_at == NOW


def test_without_review_the_partner_publishes_directly():
    assert moved(besuchsdienst(), PUBLISHED, PARTNER, False, NOW).state == PUBLISHED


def test_the_office_sends_a_post_back_to_draft():
    submitted = besuchsdienst(state=IN_REVIEW)
    assert moved(submitted, DRAFT, OFFICE, True, NOW).state == DRAFT


def test_an_incomplete_draft_goes_neither_to_review_nor_public():
    draft = besuchsdienst(title="")
    assert transition_problem(draft, IN_REVIEW, PARTNER, True) == "incomplete"
    assert transition_problem(draft, PUBLISHED, OFFICE, True) == "incomplete"
    assert transition_problem(draft, CLOSED, PARTNER, True) is None  # closing needs nothing


def test_a_pause_keeps_the_first_publication_day():
    published = moved(besuchsdienst(), PUBLISHED, PARTNER, False, NOW)
    later = local(2027, 1, 10, 9)
    resumed = moved(moved(published, PAUSED, PARTNER, True, later), PUBLISHED, PARTNER, True, later)
    assert resumed.state == PUBLISHED and resumed.published_at == NOW


def test_closed_is_final():
    closed = besuchsdienst(state=CLOSED)
    for target in STATES:
        for actor in (PARTNER, OFFICE):
            assert transition_problem(closed, target, actor, False) == "transition_not_allowed"
    with pytest.raises(ValueError, match="transition_not_allowed"):
        moved(closed, PUBLISHED, OFFICE, False, NOW)


def test_the_buttons_a_page_offers():
    assert next_states(besuchsdienst(), PARTNER, review_required=True) == (IN_REVIEW, CLOSED)
    assert next_states(besuchsdienst(), OFFICE, review_required=True) == (IN_REVIEW, PUBLISHED, CLOSED)
    assert next_states(besuchsdienst(state=PUBLISHED), PARTNER, True) == (PAUSED, CLOSED)
    assert next_states(besuchsdienst(state=PAUSED), PARTNER, True) == (PUBLISHED, CLOSED)


def test_a_naive_clock_is_refused():
    from datetime import datetime

    with pytest.raises(ValueError, match="naive_time"):
        moved(besuchsdienst(), PUBLISHED, PARTNER, False, datetime(2026, 12, 6, 10))
