"""Series expansion, room rules and buffered conflicts: pure domain, no database."""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, strategies as st

from services.rooms.domain import (
    Closure,
    Holding,
    Recurrence,
    RoomRules,
    Slot,
    conflicts,
    expand,
    recurrence,
    rules_problems,
    violations,
)

BERLIN = ZoneInfo("Europe/Berlin")


def test_weekly_tuesday_1800_stays_1800_local_across_march_and_october():
    rec = Recurrence(date(2027, 3, 2), time(18), time(20), "weekly", until=date(2027, 11, 30))
    dates = expand(rec, BERLIN)
    assert len(dates) == 40
    local = [slot.starts_at.astimezone(BERLIN) for _, slot, _ in dates]
    assert {(t.hour, t.minute, t.weekday()) for t in local} == {(18, 0, 1)}
    utc_hours = {slot.starts_at.hour for _, slot, _ in dates}
    assert utc_hours == {16, 17}  # summer and winter time, in UTC
    assert all(slot.starts_at.tzinfo == timezone.utc for _, slot, _ in dates)


@given(st.dates(date(2026, 1, 1), date(2030, 12, 31)), st.integers(6, 21), st.integers(1, 3), st.integers(1, 60))
def test_weekly_series_keep_weekday_and_local_time(first, hour, interval, count):
    rec = Recurrence(first, time(hour), time(hour + 2), "weekly", interval=interval, count=count)
    dates = expand(rec, BERLIN)
    assert len(dates) == count
    for i, (day, slot, skipped) in enumerate(dates):
        assert day == first + timedelta(weeks=i * interval) and not skipped
        assert slot.starts_at.astimezone(BERLIN).time() == time(hour)
        assert slot.ends_at - slot.starts_at == timedelta(hours=2)


def test_every_second_week_until_a_date():
    rec = Recurrence(date(2027, 1, 4), time(10), time(11), "weekly", interval=2, until=date(2027, 2, 15))
    assert recurrence.local_days(rec) == [date(2027, 1, 4), date(2027, 1, 18), date(2027, 2, 1), date(2027, 2, 15)]


def test_monthly_by_weekday_second_tuesday_and_last_friday():
    second_tuesday = Recurrence(date(2027, 1, 12), time(18), time(19), "monthly", count=4)
    assert recurrence.local_days(second_tuesday) == [
        date(2027, 1, 12),
        date(2027, 2, 9),
        date(2027, 3, 9),
        date(2027, 4, 13),
    ]
    last_friday = Recurrence(date(2027, 1, 29), time(9), time(10), "monthly", count=3)
    assert recurrence.ordinal_of(date(2027, 1, 29)) == -1
    assert recurrence.local_days(last_friday) == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26)]


def test_skipped_dates_are_marked_and_bounds_are_problems():
    rec = Recurrence(date(2027, 1, 4), time(10), time(11), "weekly", count=3, skip=frozenset({date(2027, 1, 11)}))
    assert [skipped for _, _, skipped in expand(rec, BERLIN)] == [False, True, False]
    assert recurrence.problems(Recurrence(date(2027, 1, 4), time(10), time(11), "weekly")) == {
        "count": "count_or_until"
    }
    assert recurrence.problems(Recurrence(date(2027, 1, 4), time(10), time(11), "weekly", count=201)) == {
        "count": "count_range"
    }
    assert recurrence.problems(Recurrence(date(2027, 1, 4), time(10), time(11), "weekly", until=date(2030, 1, 1))) == {
        "until": "series_too_long"
    }
    assert recurrence.problems(Recurrence(date(2027, 1, 4), time(11), time(10))) == {"ends_at": "ends_before_start"}
    assert recurrence.problems(Recurrence(date(2027, 1, 4), time(10), time(11), "daily")) == {"freq": "freq_unknown"}


def _slot(day, h1, h2, m1=0, m2=0):
    return Slot(
        datetime.combine(day, time(h1, m1), tzinfo=BERLIN).astimezone(timezone.utc),
        datetime.combine(day, time(h2, m2), tzinfo=BERLIN).astimezone(timezone.utc),
    )


def test_rules_opening_hours_duration_closures_and_lead_time():
    now = datetime(2027, 1, 1, tzinfo=timezone.utc)
    rules = RoomRules(
        opening={"mo": (time(8), time(20)), "di": (time(8), time(22))},
        min_minutes=60,
        max_minutes=180,
        max_days_ahead=90,
    )
    monday = date(2027, 1, 4)
    assert violations(_slot(monday, 9, 11), rules, [], now, BERLIN) == []
    assert violations(_slot(monday, 19, 21), rules, [], now, BERLIN) == ["rule_closed_hours"]
    assert violations(_slot(monday + timedelta(days=2), 9, 11), rules, [], now, BERLIN) == ["rule_closed_hours"]
    assert violations(_slot(monday, 9, 9, 0, 30), rules, [], now, BERLIN) == ["rule_too_short"]
    assert violations(_slot(monday, 9, 13), rules, [], now, BERLIN) == ["rule_too_long"]
    assert violations(_slot(monday + timedelta(weeks=20), 9, 11), rules, [], now, BERLIN) == ["rule_too_far_ahead"]
    closed = [Closure(date(2027, 1, 4), date(2027, 1, 8), "Renovierung")]
    assert violations(_slot(monday, 9, 11), rules, closed, now, BERLIN) == ["rule_closure"]
    assert violations(_slot(monday + timedelta(days=7), 9, 11), rules, closed, now, BERLIN) == []
    assert rules_problems(RoomRules(opening={"mo": (time(20), time(8))}, buffer_minutes=999), []) == {
        "opening": "opening_order",
        "buffer_minutes": "buffer_range",
    }


def test_buffer_keeps_a_gap_but_back_to_back_is_fine_without_one():
    day = date(2027, 1, 4)
    ten_eleven = _slot(day, 10, 11)
    held = Holding(1, 7, "Kurs", ten_eleven.starts_at, ten_eleven.ends_at)
    assert conflicts(_slot(day, 11, 12), [held], 8) == []
    # the buffer follows each booking: ours (9:00-9:50 + 15 min) reaches into theirs
    [hit] = conflicts(_slot(day, 9, 9, 0, 50), [held], 8, buffer=timedelta(minutes=15))
    assert hit.title == "belegt" and hit.partner_id == 7 and not hit.own
    assert conflicts(_slot(day, 9, 9, 0, 45), [held], 8, buffer=timedelta(minutes=15)) == []
    buffered = Holding(
        1, 7, "Kurs", ten_eleven.starts_at, ten_eleven.ends_at, ten_eleven.ends_at + timedelta(minutes=30)
    )
    assert [c.title for c in conflicts(_slot(day, 11, 12, 15), [buffered], 7)] == ["Kurs"]  # theirs too
    assert conflicts(_slot(day, 11, 12, 30), [buffered], 7) == []
    assert conflicts(_slot(day, 9, 10), [buffered], 7, buffer=timedelta(0)) == []
