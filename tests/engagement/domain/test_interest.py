from __future__ import annotations

from hypothesis import given, strategies as st

from services.engagement.domain.interest import (
    DISTRICT_POINTS,
    WHEN_POINTS,
    WISH_POINTS,
    Interest,
    interest_problems,
    match,
    suggestions,
    to_notify,
)
from services.engagement.domain.opportunity import DRAFT, PUBLISHED, When
from services.engagement.domain.vocabulary import DISTRICTS, TIMES_OF_DAY, TOPICS, WEEKDAYS, WITH_WHOM

from tests.engagement.domain.strategies import opportunities, subset
from tests.engagement.domain.support import besuchsdienst, hausaufgabenhilfe, local, mittagstisch

ASKED = local(2026, 11, 20, 12)


def winzerla_weekday_mornings(**kw) -> Interest:
    """ "Tell me when something in Winzerla on weekday mornings comes up." """
    values = {
        "id": 1,
        "volunteer_id": 31,
        "created_at": ASKED,
        "districts": ("Winzerla",),
        "weekdays": (0, 1, 2, 3, 4),
        "times_of_day": ("morning",),
    }
    return Interest(**{**values, **kw})


def test_a_new_opportunity_in_winzerla_on_weekday_mornings_matches_with_reasons():
    sprachcafe = hausaufgabenhilfe(when=When(weekdays=(2,), times_of_day=("morning",)), topics=("language",))
    found = match(winzerla_weekday_mornings(topics=("language", "garden")), sprachcafe)
    assert found is not None
    assert found.score == DISTRICT_POINTS + 2 * WHEN_POINTS + WISH_POINTS
    assert found.reasons == (
        ("district", "Winzerla"),
        ("weekday", "2"),
        ("time_of_day", "morning"),
        ("topic", "language"),
    )


def test_place_and_time_are_conditions():
    assert match(winzerla_weekday_mornings(), mittagstisch()) is None  # Nord
    assert match(winzerla_weekday_mornings(), hausaufgabenhilfe()) is None  # afternoons


def test_wishes_raise_the_score_but_do_not_exclude():
    morning = hausaufgabenhilfe(when=When(weekdays=(0,), times_of_day=("morning",)))
    plain = match(winzerla_weekday_mornings(), morning)
    wished = match(winzerla_weekday_mornings(topics=("garden",)), morning)
    met = match(winzerla_weekday_mornings(with_whom=("children",)), morning)
    assert plain and wished and met
    assert plain.score == wished.score < met.score


def test_a_flexible_opportunity_meets_any_time():
    flexible = hausaufgabenhilfe(when=When(flexible=True))
    found = match(winzerla_weekday_mornings(), flexible)
    assert found and ("when", "flexible") in found.reasons


def test_a_stopped_interest_and_an_unpublished_opportunity_tell_nobody():
    morning = hausaufgabenhilfe(when=When(weekdays=(0,), times_of_day=("morning",)))
    assert match(winzerla_weekday_mornings(active=False), morning) is None
    assert to_notify(morning.__class__(**{**morning.__dict__, "state": DRAFT}), [winzerla_weekday_mornings()]) == []


def test_suggestions_for_a_draft_best_first_one_per_volunteer():
    draft = besuchsdienst(state=DRAFT)  # Lobeda, Tue and Thu afternoons, visiting older people
    anyone_in_lobeda = Interest(2, 41, ASKED, districts=("Lobeda",))
    visiting = Interest(3, 42, local(2026, 11, 21, 9), districts=("Lobeda",), topics=("visiting",))
    visiting_again = Interest(4, 42, local(2026, 11, 22, 9), topics=("visiting",))
    elsewhere = Interest(5, 43, ASKED, districts=("Nord",))
    found = suggestions(draft, [anyone_in_lobeda, visiting, visiting_again, elsewhere, winzerla_weekday_mornings()])
    assert [(m.interest.id, m.score) for m in found] == [(3, DISTRICT_POINTS + WISH_POINTS), (2, DISTRICT_POINTS)]
    assert len(suggestions(draft, [anyone_in_lobeda, visiting], limit=1)) == 1


def test_an_interest_names_something_and_only_known_keys():
    assert interest_problems(Interest(1, 1, ASKED)) == {"districts": "nothing_chosen"}
    assert interest_problems(Interest(1, 1, ASKED, districts=("Jena-Süd",), topics=("visiting",))) == {
        "districts": "unknown"
    }
    assert interest_problems(winzerla_weekday_mornings()) == {}


interests = st.builds(
    Interest,
    id=st.integers(1, 10_000),
    volunteer_id=st.integers(1, 30),
    created_at=st.just(ASKED),
    districts=subset(DISTRICTS, max_size=2),
    weekdays=subset(WEEKDAYS, max_size=3),
    times_of_day=subset(tuple(TIMES_OF_DAY), max_size=2),
    topics=subset(TOPICS, max_size=2),
    with_whom=subset(WITH_WHOM, max_size=2),
)


@given(interests, opportunities())
def test_a_match_never_breaks_a_condition_and_its_score_is_its_reasons(interest, opportunity):
    found = match(interest, opportunity, published_only=False)
    o = opportunity
    place_ok = not interest.districts or o.district in interest.districts
    days_ok = not interest.weekdays or bool(set(interest.weekdays) & set(o.when.weekdays))
    times_ok = not interest.times_of_day or bool(set(interest.times_of_day) & set(o.when.times_of_day))
    expected = place_ok and (
        o.when.flexible or not (interest.weekdays or interest.times_of_day) or (days_ok and times_ok)
    )
    assert (found is not None) == expected
    if found:
        facets = [f for f, _ in found.reasons]
        wishes = facets.count("topic") + facets.count("with_whom")
        assert found.score >= wishes * WISH_POINTS + (DISTRICT_POINTS if interest.districts else 0)
        assert found.score >= 0


@given(st.lists(interests, max_size=30, unique_by=lambda i: i.id), opportunities())
def test_suggestions_and_notifications_are_the_same_rule(found_interests, opportunity):
    published = opportunity.__class__(**{**opportunity.__dict__, "state": PUBLISHED})
    notified = to_notify(published, found_interests)
    suggested = suggestions(published, found_interests)
    assert [m.interest.id for m in suggested] == [m.interest.id for m in notified][: len(suggested)]
    assert len({m.interest.volunteer_id for m in notified}) == len(notified)  # one message a person
    assert [m.score for m in notified] == sorted((m.score for m in notified), reverse=True)
