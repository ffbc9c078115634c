from __future__ import annotations

from datetime import datetime, timezone

import pytest

from shared.identity.models import DISTRICTS as PARTNER_DISTRICTS

from services.engagement.domain.vocabulary import DISTRICTS, local_weekday, time_of_day

from tests.engagement.domain.support import local


def test_the_districts_are_the_partners_districts():
    assert DISTRICTS == PARTNER_DISTRICTS


@pytest.mark.parametrize(
    "moment, expected",
    [
        (local(2026, 12, 7, 9), "morning"),
        (local(2026, 12, 7, 11, 59), "morning"),
        (local(2026, 12, 7, 12), "afternoon"),  # half-open: noon is afternoon
        (local(2026, 12, 7, 16, 59), "afternoon"),
        (local(2026, 12, 7, 17), "evening"),
        (local(2026, 12, 7, 23, 30), "evening"),
    ],
)
def test_time_of_day_by_the_local_clock(moment, expected):
    assert time_of_day(moment) == expected


def test_time_of_day_and_weekday_are_those_of_jena_not_of_utc():
    # 11:30 UTC on a summer Monday is 13:30 in Jena; 23:30 UTC on Sunday is already Monday there
    assert time_of_day(datetime(2026, 7, 6, 11, 30, tzinfo=timezone.utc)) == "afternoon"
    assert local_weekday(datetime(2026, 7, 5, 23, 30, tzinfo=timezone.utc)) == 0


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        time_of_day(datetime(2026, 12, 7, 9))
