"""calendar-query matching in the domain: the TimeIndex against brute-force expansion with
recurring-ical-events (a hypothesis property), DST, collations, and filters on parsed data."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import recurring_ical_events
from hypothesis import HealthCheck, given, settings, strategies as st
from icalendar import Calendar

from services.calendar.domain import filters, timeindex
from services.calendar.domain.filters import CompFilter, PropFilter, TextMatch

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
NOW = datetime(2026, 1, 1, tzinfo=UTC)
TZ = (
    "BEGIN:VTIMEZONE\nTZID:Europe/Berlin\nBEGIN:DAYLIGHT\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\n"
    "DTSTART:19700329T020000\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nEND:DAYLIGHT\nBEGIN:STANDARD\n"
    "TZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nDTSTART:19701025T030000\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\n"
    "END:STANDARD\nEND:VTIMEZONE\n"
)


def value(dt, kind: str, name: str) -> str:
    if kind == "date":
        return f"{name};VALUE=DATE:{dt:%Y%m%d}"
    if kind == "utc":
        return f"{name}:{dt.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    if kind == "floating":
        return f"{name}:{dt:%Y%m%dT%H%M%S}"
    return f"{name};TZID=Europe/Berlin:{dt:%Y%m%dT%H%M%S}"


def series(start: datetime, kind: str, minutes: int, count: int | None, exdates=(), moved=None) -> Calendar:
    """A weekly series; `moved` = (instance number, shift in hours) as a RECURRENCE-ID override."""
    end = start + (timedelta(days=1) if kind == "date" else timedelta(minutes=minutes))
    rule = "RRULE:FREQ=WEEKLY" + (f";COUNT={count}" if count else "")
    lines = [
        "BEGIN:VEVENT",
        "UID:s",
        "DTSTAMP:20260101T000000Z",
        "SUMMARY:Serie",
        value(start, kind, "DTSTART"),
        value(end, kind, "DTEND"),
        rule,
    ]
    lines += [value(start + timedelta(weeks=n), kind, "EXDATE") for n in exdates]
    lines.append("END:VEVENT")
    if moved:
        n, hours = moved
        shift = timedelta(days=hours // 24) if kind == "date" else timedelta(hours=hours)
        lines += [
            "BEGIN:VEVENT",
            "UID:s",
            "DTSTAMP:20260101T000000Z",
            "SUMMARY:Verlegt",
            value(start + timedelta(weeks=n), kind, "RECURRENCE-ID"),
            value(start + timedelta(weeks=n) + shift, kind, "DTSTART"),
            value(end + timedelta(weeks=n) + shift, kind, "DTEND"),
            "END:VEVENT",
        ]
    text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Test//DE\n" + TZ + "\n".join(lines) + "\nEND:VCALENDAR\n"
    return Calendar.from_ical(text.replace("\n", "\r\n"))


def brute_force(calendar: Calendar, start: int, end: int) -> bool:
    """Every occurrence near the range, compared by hand with RFC 4791 §9.9."""
    lo = datetime.fromtimestamp(start, UTC) - timedelta(days=400)
    hi = datetime.fromtimestamp(end, UTC) + timedelta(days=400)
    for occurrence in recurring_ical_events.of(calendar).between(lo.astimezone(BERLIN), hi.astimezone(BERLIN)):
        s, e = occurrence["DTSTART"].dt, occurrence["DTEND"].dt
        if timeindex.overlaps(timeindex.epoch(s), timeindex.epoch(e), start, end):
            return True
    return False


def top(time_range) -> CompFilter:
    return CompFilter("VCALENDAR", comps=(CompFilter("VEVENT", time_range=time_range),))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    day=st.integers(0, 400),
    hour=st.integers(0, 23),
    kind=st.sampled_from(["tz", "utc", "floating", "date"]),
    minutes=st.sampled_from([0, 30, 90, 24 * 60]),
    count=st.one_of(st.none(), st.integers(1, 60)),
    exdates=st.sets(st.integers(0, 10), max_size=3),
    moved=st.one_of(st.none(), st.tuples(st.integers(0, 10), st.integers(-50, 50))),
    offset_hours=st.integers(-24 * 30, 24 * 800),
    length_hours=st.integers(1, 24 * 40),
)
def test_index_agrees_with_brute_force_expansion(
    day, hour, kind, minutes, count, exdates, moved, offset_hours, length_hours
):
    start = datetime(2025, 10, 1, hour, tzinfo=BERLIN) + timedelta(days=day)
    if kind == "date":
        start = start.replace(hour=0)
    calendar = series(start.replace(tzinfo=None) if kind == "floating" else start, kind, minutes, count, exdates, moved)
    index = timeindex.build(calendar, NOW)
    range_start = int((start + timedelta(hours=offset_hours)).timestamp())
    range_end = range_start + length_hours * 3600
    expected = brute_force(calendar, range_start, range_end)
    by_index = filters.decide_by_index(top((range_start, range_end)), index)
    full = filters.matches(top((range_start, range_end)), calendar, index)
    assert full == expected
    assert by_index in (None, expected)


def test_dst_weeks_keep_local_time():
    calendar = series(datetime(2026, 3, 16, 10, tzinfo=BERLIN), "tz", 60, 40)
    index = timeindex.build(calendar, NOW)
    utc_hours = {
        datetime.fromtimestamp(i.start, UTC).date(): datetime.fromtimestamp(i.start, UTC).hour for i in index.instances
    }
    assert utc_hours[date(2026, 3, 23)] == 9 and utc_hours[date(2026, 3, 30)] == 8  # spring forward
    assert utc_hours[date(2026, 10, 19)] == 8 and utc_hours[date(2026, 10, 26)] == 9  # fall back


def test_unbounded_series_past_the_horizon_is_expanded_again():
    calendar = series(datetime(2026, 1, 5, 10, tzinfo=BERLIN), "tz", 60, None)
    index = timeindex.build(calendar, NOW)
    far = int(datetime(2035, 6, 4, 8, 30, tzinfo=UTC).timestamp())  # a Monday, 10:30 Berlin
    assert not index.covers(far + 60)
    assert filters.decide_by_index(top((far, far + 60)), index) is None
    assert filters.matches(top((far, far + 60)), calendar, index)
    assert not filters.matches(top((far + 7200, far + 7260)), calendar, index)


def test_collations_and_match_types():
    assert TextMatch("GROSS").test("großer gross Saal")
    assert not TextMatch("ÄRZTE").test("ärzte")  # ascii-casemap folds A-Z only
    assert TextMatch("ÄRZTE", "i;unicode-casemap").test("Ärztesprechstunde".lower())
    assert not TextMatch("kino", "i;octet").test("Kino")
    assert TextMatch("Kino", "i;octet", match_type="starts-with").test("Kinoabend")
    assert TextMatch("abend", match_type="ends-with").test("Kinoabend")
    assert not TextMatch("kino", match_type="equals").test("Kinoabend")
    assert TextMatch("kino", negate=True).test("Theater")


def test_prop_filters_need_one_component_satisfying_all():
    calendar = series(datetime(2026, 3, 2, 10, tzinfo=BERLIN), "tz", 60, 5, moved=(1, 2))
    index = timeindex.build(calendar, NOW)
    both = CompFilter(
        "VCALENDAR",
        comps=(
            CompFilter(
                "VEVENT",
                props=(PropFilter("SUMMARY", text_match=TextMatch("Verlegt")), PropFilter("RRULE")),
            ),
        ),
    )
    assert not filters.matches(both, calendar, index)  # the override has no RRULE, the master no "Verlegt"
    moved = CompFilter(
        "VCALENDAR",
        comps=(
            CompFilter(
                "VEVENT",
                props=(PropFilter("SUMMARY", text_match=TextMatch("Verlegt")), PropFilter("RECURRENCE-ID")),
            ),
        ),
    )
    assert filters.matches(moved, calendar, index)
    dtstamp = CompFilter(
        "VCALENDAR",
        comps=(
            CompFilter(
                "VEVENT",
                props=(
                    PropFilter(
                        "DTSTAMP",
                        time_range=(
                            int(datetime(2025, 12, 31, tzinfo=UTC).timestamp()),
                            int(datetime(2026, 1, 2, tzinfo=UTC).timestamp()),
                        ),
                    ),
                ),
            ),
        ),
    )
    assert filters.matches(dtstamp, calendar, index)
