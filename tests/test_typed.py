"""Dates and times as people type them (shared.typed): every numeric form a German
speaker uses, the words, and that nothing else than TypedError (a ValueError) ever comes out."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from shared.typed import MAX_TEXT, TypedError, parse_clock, parse_day

TODAY = date(2026, 12, 5)  # a Saturday


@pytest.mark.parametrize(
    "text, expected",
    [
        ("14", time(14)),
        ("14 Uhr", time(14)),
        ("14uhr", time(14)),
        ("14.30", time(14, 30)),
        ("14:30", time(14, 30)),
        ("14.30 Uhr", time(14, 30)),
        ("14,30 Uhr", time(14, 30)),
        ("14 Uhr 30", time(14, 30)),
        ("9", time(9)),
        ("09:00", time(9)),
        ("9.05", time(9, 5)),
        ("14h", time(14)),
        ("14h30", time(14, 30)),
        ("930", time(9, 30)),
        ("1430", time(14, 30)),
        ("0", time(0)),
        ("23:59", time(23, 59)),
        ("14:30:00", time(14, 30)),
        (" 14 : 30 ", time(14, 30)),
        ("2pm", time(14)),
        ("2 PM", time(14)),
        ("2:30 pm", time(14, 30)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("9 a.m.", time(9)),
    ],
)
def test_times_as_typed(text, expected):
    assert parse_clock(text) == expected


@pytest.mark.parametrize(
    "text, code",
    [
        ("9:5", "time_minutes"),  # 09:05 or 09:50? asked back, not guessed
        ("14.3", "time_minutes"),
        ("25:00", "time_impossible"),
        ("24", "time_impossible"),
        ("14:60", "time_impossible"),
        ("13pm", "time_impossible"),
        ("0am", "time_impossible"),
        ("", "time_unknown"),
        ("halb drei", "time_unknown"),
        ("14:30:00:00", "time_unknown"),
        ("١٤", "time_unknown"),  # only ASCII digits
        ("1" * (MAX_TEXT + 1), "time_unknown"),
    ],
)
def test_times_refused_with_a_code(text, code):
    with pytest.raises(TypedError) as refused:
        parse_clock(text)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "text, expected",
    [
        ("8.12.", date(2026, 12, 8)),
        ("08.12.", date(2026, 12, 8)),
        ("8.12", date(2026, 12, 8)),
        ("8. 12.", date(2026, 12, 8)),
        ("8.12.2026", date(2026, 12, 8)),
        ("08.12.26", date(2026, 12, 8)),
        ("2026-12-08", date(2026, 12, 8)),
        ("5.12.", TODAY),  # today is not in the past
        ("4.12.", date(2027, 12, 4)),  # yesterday's date: next year
        ("1.1.", date(2027, 1, 1)),
        ("29.02.", date(2028, 2, 29)),  # the next leap day
        ("14.01.2027", date(2027, 1, 14)),
        ("8. Dezember", date(2026, 12, 8)),
        ("8. Dez. 2027", date(2027, 12, 8)),
        ("8 Dec 2026", date(2026, 12, 8)),
        ("3. März", date(2027, 3, 3)),
        ("heute", TODAY),
        ("Heute", TODAY),
        ("morgen", date(2026, 12, 6)),
        ("übermorgen", date(2026, 12, 7)),
        ("Übermorgen", date(2026, 12, 7)),
        ("Dienstag", date(2026, 12, 8)),
        ("Di", date(2026, 12, 8)),
        ("Di.", date(2026, 12, 8)),
        ("am Dienstag", date(2026, 12, 8)),
        ("nächsten Dienstag", date(2026, 12, 8)),
        ("am nächsten Dienstag", date(2026, 12, 8)),
        ("Samstag", TODAY),  # today is a Saturday
        ("nächsten Samstag", date(2026, 12, 12)),  # "next": after today
        ("Sonntag", date(2026, 12, 6)),
        ("Di, 08.12.2026", date(2026, 12, 8)),  # as the field shows a day: read back
        ("Tue, 08.12.2026", date(2026, 12, 8)),
        ("tomorrow", date(2026, 12, 6)),
        ("next tuesday", date(2026, 12, 8)),
        ("on Friday", date(2026, 12, 11)),
    ],
)
def test_days_as_typed(text, expected):
    assert parse_day(text, TODAY) == expected


@pytest.mark.parametrize(
    "text, code, shown",
    [
        ("31.02.", "day_impossible", "31.02."),
        ("31.02.2027", "day_impossible", "31.02.2027"),
        ("2027-02-31", "day_impossible", "31.02.2027"),
        ("32.12.", "day_impossible", "32.12."),
        ("8.13.2026", "day_impossible", "08.13.2026"),
        ("Mi, 08.12.2026", "day_weekday_mismatch", "08.12.2026"),
        ("irgendwann", "day_unknown", ""),
        ("", "day_unknown", ""),
        ("8.12.202", "day_unknown", ""),
        ("nächsten Montag 8.12.", "day_unknown", ""),
        ("8" * (MAX_TEXT + 1), "day_unknown", ""),
    ],
)
def test_days_refused_with_a_code(text, code, shown):
    with pytest.raises(TypedError) as refused:
        parse_day(text, TODAY)
    assert (refused.value.code, refused.value.shown) == (code, shown)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80), st.dates(min_value=date(2001, 1, 1), max_value=date(2190, 12, 31)))
def test_any_text_is_a_day_or_a_typed_error(text, today):
    try:
        day = parse_day(text, today)
    except TypedError:
        return
    assert isinstance(day, date)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_a_time_or_a_typed_error(text):
    try:
        clock = parse_clock(text)
    except TypedError:
        return
    assert isinstance(clock, time)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2199, 12, 31)), st.dates(min_value=date(2001, 1, 1)))
def test_every_written_day_reads_back(day, today):
    for text in (f"{day:%d.%m.%Y}", f"{day.day}.{day.month}.{day.year}", day.isoformat()):
        assert parse_day(text, today) == day


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2190, 1, 1)), st.integers(0, 364))
def test_a_day_without_year_is_the_next_such_day_from_today(today, ahead):
    wanted = today + timedelta(days=ahead)
    assert parse_day(f"{wanted.day}.{wanted.month}.", today) == wanted


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2190, 1, 1)), st.integers(0, 6))
def test_weekday_names_look_ahead_at_most_a_week(today, weekday):
    name = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")[weekday]
    plain, following = parse_day(name, today), parse_day(f"nächsten {name}", today)
    assert plain.weekday() == following.weekday() == weekday
    assert 0 <= (plain - today).days <= 6 and 1 <= (following - today).days <= 7


@given(st.times())
def test_every_written_time_reads_back(clock):
    whole = clock.replace(second=0, microsecond=0)
    assert parse_clock(f"{whole:%H:%M}") == whole
    assert parse_clock(f"{whole.hour}.{whole.minute:02d} Uhr") == whole
