"""Times near a taken one (services.rooms.domain.nearby): the same duration, within the day,
the days around; bounded, nearest first; at most five suggestions, three on the day itself."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, strategies as st

from services.rooms.domain import nearby

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2027, 1, 14)


def test_nearest_first_same_day_then_days_around():
    found = nearby.candidates(DAY, time(14), time(16), BERLIN)
    assert [(c.day, c.start, c.end) for c in found[:4]] == [
        (DAY, time(13, 30), time(15, 30)),
        (DAY, time(14, 30), time(16, 30)),
        (DAY, time(13), time(15)),
        (DAY, time(15), time(17)),
    ]
    others = [c for c in found if c.day != DAY]
    assert [(c.day - DAY).days for c in others] == [1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7]
    assert all((c.start, c.end) == (time(14), time(16)) for c in others)


@given(
    st.dates(min_value=date(2001, 1, 1), max_value=date(2190, 1, 1)),
    st.integers(0, 23 * 60 + 58),
    st.integers(1, 14 * 60),
)
def test_candidates_keep_the_duration_stay_within_their_day_and_are_bounded(day, first, minutes):
    start = time(first // 60, first % 60)
    last = min(first + minutes, 24 * 60 - 1)
    end = time(last // 60, last % 60)
    found = nearby.candidates(day, start, end, BERLIN)
    assert len(found) <= 2 * (nearby.SAME_DAY_STEPS + nearby.DAYS_AROUND)
    wall = datetime.combine(day, end) - datetime.combine(day, start)
    for c in found:
        assert datetime.combine(c.day, c.end) - datetime.combine(c.day, c.start) == wall
        assert c.start < c.end and abs((c.day - day).days) <= nearby.DAYS_AROUND
        # compared as instants: == between zones is always False for an ambiguous wall time (PEP 495)
        assert c.slot.starts_at.timestamp() == datetime.combine(c.day, c.start, tzinfo=BERLIN).timestamp()


def test_pick_takes_three_on_the_day_and_fills_up_with_other_days_in_time_order():
    found = nearby.candidates(DAY, time(14), time(16), BERLIN)
    picked = nearby.pick(found, DAY)
    assert len(picked) == nearby.MAX_SUGGESTIONS
    assert [(c.day, c.start) for c in picked] == [
        (DAY - timedelta(days=1), time(14)),
        (DAY, time(13)),
        (DAY, time(13, 30)),
        (DAY, time(14, 30)),
        (DAY + timedelta(days=1), time(14)),
    ]
    only_other_days = [c for c in found if c.day != DAY]
    assert len(nearby.pick(only_other_days, DAY)) == nearby.MAX_SUGGESTIONS
    assert nearby.pick([], DAY) == []
