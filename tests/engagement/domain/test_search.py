from __future__ import annotations

import random

from hypothesis import given, strategies as st

from services.engagement.domain.opportunity import DRAFT, PAUSED, PUBLISHED, When
from services.engagement.domain.search import Query, match, query_problems, search
from services.engagement.domain.vocabulary import DISTRICTS, TIMES_OF_DAY, TOPICS, WEEKDAYS, WITH_WHOM

from tests.engagement.domain.strategies import opportunities, subset
from tests.engagement.domain.support import besuchsdienst, hausaufgabenhilfe, local, mittagstisch

queries = st.builds(
    Query,
    districts=subset(DISTRICTS, max_size=2),
    topics=subset(TOPICS, max_size=2),
    with_whom=subset(WITH_WHOM, max_size=2),
    weekdays=subset(WEEKDAYS, max_size=3),
    times_of_day=subset(tuple(TIMES_OF_DAY), max_size=2),
    kinds=subset(("shift", "regular", "open"), max_size=2),
    no_certificate=st.booleans(),
    max_minutes=st.none() | st.integers(15, 600),
)


def published_besuchsdienst():
    return besuchsdienst(state=PUBLISHED, published_at=local(2026, 12, 1, 9))


def test_besuchsdienst_in_lobeda_on_weekday_afternoons_is_found_with_its_reasons():
    query = Query(districts=("Lobeda",), weekdays=(0, 1, 2, 3, 4), times_of_day=("afternoon",))
    hits = search([published_besuchsdienst(), hausaufgabenhilfe(), mittagstisch()], query)
    assert [h.opportunity.id for h in hits] == [1]
    assert hits[0].reasons == (
        ("district", "Lobeda"),
        ("weekday", "1"),
        ("weekday", "3"),
        ("time_of_day", "afternoon"),
    )


def test_only_published_opportunities_are_found():
    for state in (DRAFT, PAUSED):
        assert match(besuchsdienst(state=state), Query()) is None
    assert match(published_besuchsdienst(), Query()) == ()


def test_no_certificate_needed_leaves_out_the_homework_help():
    hits = search([hausaufgabenhilfe(), mittagstisch()], Query(no_certificate=True))
    assert [h.opportunity.id for h in hits] == [3]
    assert hits[0].reasons == (("certificate", "not_needed"),)


def test_how_long_compares_the_expected_time_per_shift_or_per_week():
    hits = search([published_besuchsdienst(), hausaufgabenhilfe(), mittagstisch()], Query(max_minutes=120))
    assert [(h.opportunity.id, h.reasons) for h in hits] == [(1, (("per_week", "120"),)), (2, (("per_week", "90"),))]
    assert query_problems(Query(max_minutes=0)) == {"max_minutes": "out_of_range"}


def test_a_flexible_opportunity_fits_any_time_asked_for():
    flexible = besuchsdienst(state=PUBLISHED, when=When(flexible=True))
    assert match(flexible, Query(weekdays=(5,), times_of_day=("evening",))) == (("when", "flexible"),)


def test_newest_publication_first():
    hits = search([mittagstisch(), hausaufgabenhilfe(), published_besuchsdienst()], Query())
    assert [h.opportunity.id for h in hits] == [1, 2, 3]


def test_unknown_filter_values_are_named_not_ignored():
    assert query_problems(Query(districts=("Gera",), weekdays=(9,))) == {"districts": "unknown", "weekdays": "unknown"}
    assert query_problems(Query(districts=("Lobeda",))) == {}


def _fits(o, q: Query) -> bool:
    """The rule in plain words, written apart from the code under test."""
    if o.state != PUBLISHED:
        return False
    ok = (not q.districts or o.district in q.districts) and (not q.kinds or o.kind in q.kinds)
    ok = ok and (not q.topics or bool(set(q.topics) & set(o.topics)))
    ok = ok and (not q.with_whom or bool(set(q.with_whom) & set(o.with_whom)))
    ok = ok and not (q.no_certificate and o.requirements.certificate_needed)
    ok = ok and (q.max_minutes is None or o.expected_minutes <= q.max_minutes)
    if (q.weekdays or q.times_of_day) and not o.when.flexible:
        ok = ok and (not q.weekdays or bool(set(q.weekdays) & set(o.when.weekdays)))
        ok = ok and (not q.times_of_day or bool(set(q.times_of_day) & set(o.when.times_of_day)))
    return ok


@given(st.lists(opportunities(), max_size=25, unique_by=lambda o: o.id), queries)
def test_a_hit_is_exactly_what_fits_every_filter(found, query):
    hits = search(found, query)
    assert {h.opportunity.id for h in hits} == {o.id for o in found if _fits(o, query)}
    for hit in hits:
        facets = {facet for facet, _ in hit.reasons}
        if query.districts:
            assert ("district", hit.opportunity.district) in hit.reasons
        if query.topics:
            assert "topic" in facets
        if query.no_certificate:
            assert ("certificate", "not_needed") in hit.reasons


@given(st.lists(opportunities(), max_size=25, unique_by=lambda o: o.id), queries, st.randoms())
def test_the_order_does_not_depend_on_the_order_of_the_input(found, query, rnd: random.Random):
    shuffled = list(found)
    rnd.shuffle(shuffled)
    assert [h.opportunity.id for h in search(found, query)] == [h.opportunity.id for h in search(shuffled, query)]


@given(st.lists(opportunities(), max_size=25, unique_by=lambda o: o.id), queries)
def test_a_narrower_query_never_finds_more(found, query):
    wider = Query(
        districts=query.districts,
        topics=query.topics,
        with_whom=(),
        weekdays=query.weekdays,
        times_of_day=query.times_of_day,
        kinds=query.kinds,
    )
    assert {h.opportunity.id for h in search(found, query)} <= {h.opportunity.id for h in search(found, wider)}
