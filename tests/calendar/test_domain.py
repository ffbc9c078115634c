"""Pure rules: indexing, time-range matching of recurring events, bookings, feed filters."""

from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from services.calendar.domain.booking import booking_resource
from services.calendar.domain.ical import InvalidCalendarData, index_resource
from services.calendar.domain.ics_feed import assemble
from services.calendar.domain.public_filter import InvalidFilter, parse_filter
from services.calendar.domain.ranges import may_overlap, overlaps

from tests.support.calendar import START, weekly_event
from tests.support.vocabulary import WORDS

UTC = timezone.utc


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_weekly_series_matches_its_weeks_and_respects_exdate():
    data = weekly_event(extra="EXDATE;TZID=Europe/Berlin:20260112T100000")
    cal = Calendar.from_ical(data)
    # 2026-01-05 10:00 CET = 09:00 UTC
    assert overlaps(cal, at(2026, 1, 5, 9, 30), at(2026, 1, 5, 9, 45))
    assert not overlaps(cal, at(2026, 1, 12, 0), at(2026, 1, 13, 0)), "EXDATE must remove that Monday"
    assert overlaps(cal, at(2026, 1, 19, 9, 0), at(2026, 1, 19, 9, 1))
    assert not overlaps(cal, at(2026, 1, 6, 0), at(2026, 1, 11, 0)), "no occurrence between Mondays"


def test_half_open_ranges_at_the_edges():
    cal = Calendar.from_ical(weekly_event())
    assert not overlaps(cal, at(2026, 1, 5, 10, 0), at(2026, 1, 5, 11, 0)), "ends 10:00 UTC, range starts then"
    assert not overlaps(cal, at(2026, 1, 5, 8, 0), at(2026, 1, 5, 9, 0)), "starts 09:00 UTC, range ends then"


def test_weekly_series_keeps_local_time_across_dst():
    cal = Calendar.from_ical(weekly_event())
    # after 29 March 2026 10:00 Berlin is 08:00 UTC, no longer 09:00
    assert overlaps(cal, at(2026, 3, 30, 8, 0), at(2026, 3, 30, 8, 30))
    assert not overlaps(cal, at(2026, 3, 30, 9, 0), at(2026, 3, 30, 9, 30))
    assert overlaps(cal, at(2026, 3, 23, 9, 0), at(2026, 3, 23, 9, 30)), "still winter time the week before"


def test_all_day_events_cover_the_local_day():
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:fest\r\nDTSTAMP:20260101T000000Z\r\n"
        b"DTSTART;VALUE=DATE:20260618\r\nDTEND;VALUE=DATE:20260619\r\nSUMMARY:Sommerfest\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    cal = Calendar.from_ical(data)
    assert overlaps(cal, at(2026, 6, 17, 22, 30), at(2026, 6, 17, 23, 0)), "00:30 Berlin is already the 18th"
    assert not overlaps(cal, at(2026, 6, 17, 12), at(2026, 6, 17, 21, 59))
    assert not overlaps(cal, at(2026, 6, 18, 22, 0), at(2026, 6, 19, 5))
    index = index_resource(data)
    assert may_overlap(index.first_start, index.last_end, at(2026, 6, 17, 22, 30), at(2026, 6, 17, 23))


def test_index_of_open_and_bounded_series():
    open_ended = index_resource(weekly_event())
    assert open_ended.last_end is None and open_ended.first_start == at(2026, 1, 5, 9)
    assert open_ended.categories == ("Sport",) and open_ended.audience == ("Senioren",) and open_ended.public
    bounded = index_resource(weekly_event().replace(b"RRULE:FREQ=WEEKLY", b"RRULE:FREQ=WEEKLY;COUNT=3"))
    assert bounded.last_end == at(2026, 1, 19, 10)
    assert not may_overlap(bounded.first_start, bounded.last_end, at(2026, 1, 20), None)
    assert not index_resource(weekly_event(klass="PRIVATE")).public


@pytest.mark.parametrize(
    "data, words",
    [
        (b"kein kalender", "kein gültiges iCalendar"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "keinen Termin"),
        (
            weekly_event().replace(
                b"END:VCALENDAR",
                b"BEGIN:VEVENT\r\nUID:other\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR",
            ),
            "genau eine UID",
        ),
        (weekly_event(summary="Kaffee\x0bKuchen"), "Steuerzeichen"),
    ],
)
def test_invalid_resources_are_refused_in_german(data, words):
    with pytest.raises(InvalidCalendarData, match=words):
        index_resource(data)


def _booking(**overrides):
    booking = dict(
        uid="b-1",
        sequence=2,
        title="Tanzkurs",
        status="confirmed",
        public=False,
        occurrences=[
            {
                "starts_at": START + timedelta(weeks=n),
                "ends_at": START + timedelta(weeks=n, hours=1),
                "state": "cancelled" if n == 1 else "valid",
            }
            for n in range(3)
        ],
    )
    booking.update(overrides)
    return booking


def test_booking_becomes_one_event_with_rdates_and_busy_title():
    cal = Calendar.from_ical(booking_resource(_booking()))
    event = cal.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Belegt" and event["SEQUENCE"] == 2
    assert overlaps(cal, START, START + timedelta(minutes=1))
    assert not overlaps(cal, START + timedelta(weeks=1), START + timedelta(weeks=1, hours=1)), "cancelled date"
    assert overlaps(cal, START + timedelta(weeks=2), START + timedelta(weeks=2, minutes=1))


def test_booking_occurrence_of_other_length_gets_an_override():
    booking = _booking(public=True)
    booking["occurrences"][2]["ends_at"] = START + timedelta(weeks=2, hours=3)
    cal = Calendar.from_ical(booking_resource(booking))
    assert str(cal.walk("VEVENT")[0]["SUMMARY"]) == "Tanzkurs"
    late = START + timedelta(weeks=2, hours=2)
    assert overlaps(cal, late, late + timedelta(minutes=30)), "the longer occurrence lasts three hours"


def test_gone_bookings_have_no_resource():
    assert booking_resource(_booking(status="cancelled")) is None
    assert booking_resource(_booking(status="declined")) is None
    assert booking_resource(_booking(occurrences=[])) is None


PARTNERS = [
    {"id": 1, "slug": "mgh-lobeda", "district": "Lobeda"},
    {"id": 2, "slug": "awo-nord", "district": "Nord"},
    {"id": 3, "slug": "drk-west", "district": "West"},
]
DISTRICTS = ("Lobeda", "Nord", "West")


def test_public_filter_reads_every_key_in_the_vocabulary_spelling():
    f = parse_filter(
        {
            "district": ["lobeda", "Nord"],
            "category": ["sport"],
            "audience": ["senioren"],
            "access": ["Stufenlos", "hoerschleife"],
            "time": ["Vormittags"],
            "free": ["1"],
            "q": ["  Café   im  Park "],
        },
        PARTNERS,
        DISTRICTS,
        WORDS,
    )
    assert f.districts == {"Lobeda", "Nord"} and f.district_partner_ids == {1, 2}
    assert f.categories == {"Sport"} and f.audiences == {"Senioren"}
    assert f.accessibility == {"stufenlos", "hoerschleife"} and f.times == {"vormittags"}
    assert f.free and f.query == "Café im Park" and f.minute_ranges() == [(0, 720)]
    assert parse_filter({"partner": ["awo-nord"]}, PARTNERS, DISTRICTS, WORDS).partner_ids == {2}
    assert parse_filter({}, PARTNERS, DISTRICTS, WORDS).empty


@pytest.mark.parametrize(
    "args, words, key",
    [
        ({"partner": ["gibt-es-nicht"]}, "Unbekannter Partner", "partner"),
        ({"district": ["Mars"]}, "Unbekannter Stadtteil", "district"),
        ({"category": ["Schach"]}, "Unbekannte Kategorie", "category"),
        ({"audience": ["Hunde"]}, "Unbekannte Zielgruppe", "audience"),
        ({"farbe": ["rot"]}, "Unbekannter Filter", "filter"),
        ({"access": ["Fahrstuhl"]}, "Barrierefreiheit", "access"),
        ({"time": ["nachts"]}, "Unbekannte Tageszeit", "time"),
        ({"free": ["vielleicht"]}, "kostenlos", "free"),
    ],
)
def test_unknown_feed_filters_are_refused(args, words, key):
    with pytest.raises(InvalidFilter, match=words) as refused:
        parse_filter(args, PARTNERS, DISTRICTS, WORDS)
    ((given, values),) = args.items()
    assert refused.value.key == key  # pages translate from key and value
    assert refused.value.value == (given if key == "filter" else values[0])


def test_a_retired_term_still_filters_but_a_refusal_offers_only_the_active_ones():
    assert parse_filter({"category": ["handarbeit"]}, PARTNERS, DISTRICTS, WORDS).categories == {"Handarbeit"}
    with pytest.raises(InvalidFilter) as refused:
        parse_filter({"category": ["Schach"]}, PARTNERS, DISTRICTS, WORDS)
    assert refused.value.allowed == "Sport, Kultur"


def test_the_index_keeps_every_word_of_an_event_within_its_column():
    data = weekly_event().replace(b"CATEGORIES:Sport", b"CATEGORIES:Sport,Schach," + b"x" * 50 + b"," + b"y" * 30)
    assert index_resource(data).categories == ("Sport", "Schach", "y" * 30)  # a word longer than a key is not one
    many = ",".join(f"Wort{i:03}" for i in range(40)).encode()
    kept = index_resource(weekly_event().replace(b"CATEGORIES:Sport", b"CATEGORIES:" + many)).categories
    assert len(",".join(kept)) <= 198 and kept[0] == "Wort000"


def test_feed_has_one_vtimezone_per_tzid_and_refresh_hints():
    feed = Calendar.from_ical(assemble([weekly_event("a"), weekly_event("b")], "Treffpunkt"))
    assert [str(tz["TZID"]) for tz in feed.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert len(feed.walk("VEVENT")) == 2
    text = assemble([], "Treffpunkt").decode()
    for line in (
        "X-WR-CALNAME:Treffpunkt",
        "X-WR-TIMEZONE:Europe/Berlin",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ):
        assert line in text
