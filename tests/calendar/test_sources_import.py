"""The feed import (domain/feed_import.py), pure: feeds in the shapes Google Calendar, Outlook /
Microsoft 365 and Nextcloud publish (tests/calendar/feeds/, written from their documentation
and published examples), icalendar's own test corpus, and generated ones (hypothesis)."""

from __future__ import annotations

import glob
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import icalendar
import pytest
from hypothesis import given, settings, strategies as st
from icalendar import Calendar

from services.calendar.domain.feed_import import (
    MAX_BYTES,
    FeedProblem,
    import_feed,
    import_items,
    object_name,
    parse_feed,
    refresh_minutes,
)
from services.calendar.domain.ical import index_resource
from services.calendar.domain.source_draft import (
    SourceDefaults,
    SourceProblem,
    apply_defaults,
    pull_interval,
    source_url,
)

FEEDS = Path(__file__).parent / "feeds"
NOW = datetime(2026, 12, 5, 12, tzinfo=timezone.utc)
CORPUS = sorted(glob.glob(os.path.join(os.path.dirname(icalendar.__file__), "tests", "calendars", "*.ics")))


def _feed(name: str, defaults: SourceDefaults | None = None):
    return import_feed((FEEDS / name).read_bytes(), defaults or SourceDefaults(), NOW)


def _events(data: bytes):
    return Calendar.from_ical(data.decode()).walk("VEVENT")


def test_google_one_object_per_uid_with_the_override_that_came_before_its_master():
    feed = _feed("google.ics")
    by_uid = {o.uid: o for o in feed.objects}
    assert set(by_uid) == {"4k2m9q8v7r6t5s4p3o2n1m0l9k@google.com", "7f6e5d4c3b2a@google.com", "allday-1@google.com"}
    assert feed.old == 1  # "Längst vorbei" ended years ago
    series = _events(by_uid["4k2m9q8v7r6t5s4p3o2n1m0l9k@google.com"].data)
    assert "RECURRENCE-ID" not in series[0] and "RECURRENCE-ID" in series[1]  # master first
    assert str(series[1]["SUMMARY"]) == "Krabbelgruppe (heute später)"
    assert all(not e.walk("VALARM") for e in series)


def test_google_floating_times_are_read_in_its_x_wr_timezone_and_people_are_left_out():
    meeting = next(o for o in _feed("google.ics").objects if o.uid == "7f6e5d4c3b2a@google.com")
    event = _events(meeting.data)[0]
    assert event["DTSTART"].dt == datetime(2027, 2, 20, 9, tzinfo=event["DTSTART"].dt.tzinfo)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTSTART"].dt.utcoffset() == timedelta(hours=1)
    assert b"BEGIN:VTIMEZONE" in meeting.data and b"TZID:Europe/Berlin" in meeting.data
    assert b"anna.mueller" not in meeting.data and b"ORGANIZER" not in meeting.data


def test_outlook_windows_zone_names_become_iana_zones():
    feed = _feed("outlook.ics")
    assert feed.refresh_minutes == 180
    for obj in feed.objects:
        assert b"W. Europe Standard Time" not in obj.data
        event = _events(obj.data)[0]
        assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    sport = next(o for o in feed.objects if o.uid.startswith("040000008200E00074C5B7101A82E008"))
    index = index_resource(sport.data)
    # every Wednesday at 14:00 local time, in winter and in summer alike (until the end of June)
    berlin = _events(sport.data)[0]["DTSTART"].dt.tzinfo
    starts = [datetime.fromtimestamp(i.start, timezone.utc).astimezone(berlin) for i in index.time_index.instances]
    assert len(starts) == 26
    assert {s.hour for s in starts} == {14} and {s.weekday() for s in starts} == {2}
    assert {s.utcoffset() for s in starts} == {timedelta(hours=1), timedelta(hours=2)}


def test_nextcloud_keeps_its_categories_and_the_defaults_fill_in_what_is_missing():
    defaults = SourceDefaults(
        categories=("Kultur",), audiences=("Senioren",), district="Nord", accessibility=("stufenlos",)
    )
    feed = _feed("nextcloud.ics", defaults)
    assert feed.refresh_minutes == 240
    repair = next(o for o in feed.objects if o.uid.startswith("b3f1"))
    event = _events(repair.data)[0]
    assert "Begegnung" in event["CATEGORIES"].to_ical().decode() and b"Kultur" not in repair.data
    assert str(event["X-TREFFPUNKT-AUDIENCE"]) == "Senioren"
    assert str(event["X-TREFFPUNKT-DISTRICT"]) == "Nord"
    assert str(event["X-TREFFPUNKT-ACCESSIBILITY"]) == "stufenlos"
    assert repair.data.count(b"BEGIN:VTIMEZONE") == 1


def test_all_public_or_only_those_marked_public():
    everything = {o.uid: index_resource(o.data).public for o in _feed("nextcloud.ics").objects}
    assert all(everything.values())
    marked = {o.uid: o.data for o in _feed("nextcloud.ics", SourceDefaults(all_public=False)).objects}
    public = {uid: index_resource(data).public for uid, data in marked.items()}
    assert public == {"b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d": True, "c4e2d3f5-6a7b-4c8d-9e0f-1a2b3c4d5e6f": False}
    google = {
        o.uid: index_resource(o.data).public for o in _feed("google.ics", SourceDefaults(all_public=False)).objects
    }
    assert not any(google.values())  # Google writes no CLASS for ordinary events: none is marked PUBLIC


def test_the_same_feed_gives_the_same_bytes_although_google_stamps_every_export_anew():
    first = (FEEDS / "google.ics").read_bytes()
    later = first.replace(b"DTSTAMP:20261205T101500Z", b"DTSTAMP:20261206T080000Z")
    assert import_feed(first, SourceDefaults(), NOW).objects == import_feed(later, SourceDefaults(), NOW).objects


def test_events_without_uid_get_a_stable_one_from_their_content():
    feed = b"\r\n".join(
        [
            b"BEGIN:VCALENDAR",
            b"VERSION:2.0",
            b"PRODID:-//Website//Export//DE",
            b"BEGIN:VEVENT",
            b"DTSTART:20270110T150000",
            b"DTEND:20270110T170000",
            b"SUMMARY:Kinderkino",
            b"END:VEVENT",
            b"BEGIN:VEVENT",
            b"DTSTART:20270117T150000",
            b"DTEND:20270117T170000",
            b"SUMMARY:Kinderkino",
            b"END:VEVENT",
            b"END:VCALENDAR",
            b"",
        ]
    )
    first = import_feed(feed, SourceDefaults(), NOW)
    assert len(first.objects) == 2 and len({o.uid for o in first.objects}) == 2
    assert first.objects == import_feed(feed, SourceDefaults(), NOW).objects


def test_huge_histories_are_trimmed_and_bounded():
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//DE"]
    for i in range(60):
        day = NOW - timedelta(days=400 - i * 10)
        lines += [
            "BEGIN:VEVENT",
            f"UID:e{i}",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART:{day:%Y%m%dT%H%M%SZ}",
            f"DTEND:{day + timedelta(hours=1):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:Termin {i}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    feed = import_feed("\r\n".join(lines).encode(), SourceDefaults(), NOW, max_events=20)
    old = sum(
        1 for i in range(60) if NOW - timedelta(days=400 - i * 10) + timedelta(hours=1) < NOW - timedelta(days=90)
    )
    assert feed.old == old
    assert len(feed.objects) == 20 and feed.beyond_limit == 60 - old - 20
    kept = {o.uid for o in feed.objects}
    assert "e59" in kept and "e0" not in kept  # the latest stay


@pytest.mark.parametrize(
    "data,words",
    [
        (b"<!doctype html><html><body>Anmelden</body></html>", "kein Kalender"),
        (b"", "kein Kalender"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2027", "unvollständig"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\nEND:VEVENT\r\nEND:VCALENDAR", "fehlerhaft"),
    ],
)
def test_what_is_no_icalendar_is_a_feed_problem(data, words):
    with pytest.raises(FeedProblem, match=words):
        import_feed(data, SourceDefaults(), NOW)


def test_a_feed_over_the_size_limit_is_refused():
    with pytest.raises(FeedProblem, match="zu groß"):
        parse_feed(b"BEGIN:VCALENDAR\r\n" + b"X" * (MAX_BYTES + 1))


def test_broken_events_are_skipped_and_counted_not_the_feed():
    feed = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        b"BEGIN:VEVENT\r\nUID:ok\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270101T100000Z\r\nSUMMARY:gut\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:no-start\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:ohne Beginn\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:ok\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270102T100000Z\r\nSUMMARY:zweimal\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    imported = import_feed(feed, SourceDefaults(), NOW)
    assert [o.uid for o in imported.objects] == ["ok"]
    assert imported.broken == 2
    assert b"SUMMARY:gut" in imported.objects[0].data


def test_caldav_items_are_imported_with_the_uid_each_href_held():
    items = [
        ("/cal/a.ics", (FEEDS / "nextcloud.ics").read_bytes()),
        ("/cal/b.ics", b"not a calendar"),
    ]
    feed = import_items(items, SourceDefaults(), NOW)
    assert feed.uids_by_href == {"/cal/a.ics": "b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"}
    assert feed.broken == 1


def test_object_names_are_short_safe_and_stable():
    uid = "040000008200E00074C5B7101A82E008/with slash and ümlaut" * 3
    assert object_name(uid) == object_name(uid)
    assert len(object_name(uid)) < 60 and "/" not in object_name(uid)


@pytest.mark.parametrize(
    "chosen,feed,minutes",
    [(60, None, 60), (60, 180, 180), (60, 5, 60), (5, None, 15), (60, 100_000, 1440), (2000, None, 1440)],
)
def test_the_pull_interval_honours_the_feed_within_bounds(chosen, feed, minutes):
    assert pull_interval(chosen, feed) == timedelta(minutes=minutes)


def test_refresh_hints_are_read_from_either_property():
    assert refresh_minutes(Calendar.from_ical("BEGIN:VCALENDAR\r\nX-PUBLISHED-TTL:PT30M\r\nEND:VCALENDAR\r\n")) == 30
    assert refresh_minutes(Calendar.from_ical("BEGIN:VCALENDAR\r\nX-PUBLISHED-TTL:bald\r\nEND:VCALENDAR\r\n")) is None


@pytest.mark.parametrize("path", CORPUS, ids=[os.path.basename(p) for p in CORPUS])
def test_icalendars_own_test_corpus_imports_or_is_refused_cleanly(path):
    """Every calendar icalendar tests itself with: imported (each object one the store takes)
    or refused as a feed problem, never an exception of another kind."""
    data = Path(path).read_bytes()
    try:
        feed = import_feed(data, SourceDefaults(categories=("Kultur",)), NOW)
    except FeedProblem:
        return
    for obj in feed.objects:
        index = index_resource(obj.data)
        assert index.uid == obj.uid


TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    summaries=st.lists(TEXT, min_size=1, max_size=6),
    offsets=st.lists(st.integers(-200, 400), min_size=1, max_size=6),
    floating=st.booleans(),
    shuffle=st.randoms(use_true_random=False),
)
def test_generated_feeds_import_every_live_event_once_in_any_order(summaries, offsets, floating, shuffle):
    """Masters and overrides in any order, with any text: each UID once, each object one the
    store accepts, the same result for every order."""
    blocks = []
    for i, (summary, offset) in enumerate(zip(summaries, offsets)):
        start = NOW.replace(minute=0, second=0, microsecond=0) + timedelta(days=offset)
        stamp = f"{start:%Y%m%dT%H%M%S}" + ("" if floating else "Z")
        master = icalendar.Event()
        master.add("UID", f"gen-{i}")
        master.add("SUMMARY", summary)
        master.add("DTSTAMP", NOW)
        master.add("RRULE", {"FREQ": "WEEKLY", "COUNT": 4})
        blocks.append((f"gen-{i}", master, stamp))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//gen//gen//DE"]
    parts = []
    for uid, master, stamp in blocks:
        text = master.to_ical().decode().replace("END:VEVENT", f"DTSTART:{stamp}\r\nEND:VEVENT")
        parts.append(text)
        override = (
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID:{stamp}\r\n"
            f"DTSTART:{stamp}\r\nSUMMARY:verlegt\r\nEND:VEVENT\r\n"
        )
        parts.append(override)
    ordered = "\r\n".join(lines) + "\r\n" + "".join(parts) + "END:VCALENDAR\r\n"
    shuffled_parts = list(parts)
    shuffle.shuffle(shuffled_parts)
    shuffled = "\r\n".join(lines) + "\r\n" + "".join(shuffled_parts) + "END:VCALENDAR\r\n"
    first = import_feed(ordered.encode(), SourceDefaults(), NOW)
    second = import_feed(shuffled.encode(), SourceDefaults(), NOW)
    assert first.objects == second.objects
    live = {uid for uid, _, _ in blocks}
    for obj in first.objects:
        assert obj.uid in live
        members = _events(obj.data)
        assert "RECURRENCE-ID" not in members[0]
        assert index_resource(obj.data).uid == obj.uid
    assert len(first.objects) + first.old + first.broken == len(live)


def test_defaults_never_overwrite_what_an_event_says():
    event = icalendar.Event()
    event.add("CATEGORIES", ["Sport"])
    event.add("X-TREFFPUNKT-DISTRICT", "Lobeda")
    apply_defaults(event, SourceDefaults(categories=("Kultur",), district="Nord"))
    assert event["CATEGORIES"].to_ical() == b"Sport" and str(event["X-TREFFPUNKT-DISTRICT"]) == "Lobeda"


def test_the_demo_feed_of_make_run_imports_with_its_windows_zone_mapped():
    demo = Path(__file__).parents[2] / "services" / "calendar" / "static" / "demo-feed.ics"
    feed = import_feed(demo.read_bytes(), SourceDefaults(categories=("Bildung",)), datetime.now(timezone.utc))
    assert len(feed.objects) == 2 and feed.refresh_minutes == 60
    assert all(b"TZID=Europe/Berlin" in o.data and b"CATEGORIES:Bildung" in o.data for o in feed.objects)


@settings(max_examples=150, deadline=None)
@given(
    st.binary(max_size=400)
    | st.text(max_size=400).map(lambda t: ("BEGIN:VCALENDAR\r\n" + t + "\r\nEND:VCALENDAR").encode())
)
def test_any_bytes_import_or_are_a_feed_problem(data):
    """Whatever a server sends: objects the store takes, or a FeedProblem; nothing else."""
    try:
        feed = import_feed(data, SourceDefaults(), NOW)
    except FeedProblem:
        return
    for obj in feed.objects:
        assert index_resource(obj.data).uid == obj.uid


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["ics", "caldav"]),
    st.text(max_size=80) | st.from_regex(r"(webcal|https?|ftp)://[a-z.:@\[\]0-9]{0,30}/?.{0,20}"),
)
def test_any_address_is_a_fetchable_one_or_refused_in_german(kind, given_url):
    try:
        url = source_url(kind, given_url)
    except SourceProblem as exc:
        assert str(exc) and str(exc)[0].isupper()
        return
    assert url.startswith(("https://", "http://")) and "@" not in url.split("/")[2]
