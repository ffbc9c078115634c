"""Hypothesis strategies for the engagement domain: opportunities, queries and interests drawn
from the fixed vocabulary."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import strategies as st

from services.engagement.domain.opportunity import KINDS, STATES, Requirements, When
from services.engagement.domain.vocabulary import DISTRICTS, TIMES_OF_DAY, TOPICS, WEEKDAYS, WITH_WHOM

from tests.engagement.domain.support import besuchsdienst, local


def subset(values, min_size=0, max_size=None):
    return st.lists(st.sampled_from(values), unique=True, min_size=min_size, max_size=max_size).map(tuple)


whens = st.builds(
    When,
    weekdays=subset(WEEKDAYS),
    times_of_day=subset(tuple(TIMES_OF_DAY)),
    flexible=st.booleans(),
)


@st.composite
def opportunities(draw):
    return besuchsdienst(
        id=draw(st.integers(1, 10_000)),
        partner_id=draw(st.integers(1, 10)),
        kind=draw(st.sampled_from(KINDS)),
        title=draw(st.sampled_from(("Besuchsdienst", "Mittagstisch", "Hausaufgabenhilfe", "Fest der Kulturen"))),
        district=draw(st.sampled_from(DISTRICTS)),
        topics=draw(subset(TOPICS, 1, 3)),
        with_whom=draw(subset(WITH_WHOM, 1, 3)),
        when=draw(whens),
        expected_minutes=draw(st.integers(15, 600)),
        requirements=Requirements(certificate_needed=draw(st.booleans())),
        state=draw(st.sampled_from(STATES)),
        published_at=draw(st.none() | st.integers(0, 400).map(lambda d: local(2026, 1, 1, 9) + timedelta(days=d))),
    )
