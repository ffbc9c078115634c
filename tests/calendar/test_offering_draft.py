"""The offering form's domain: a draft written as an event and read back, edits that keep what
calendar programs put into the event, and single dates cancelled, moved and restored."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st
from icalendar import Calendar

from services.calendar.domain.calendar_data import LOCAL
from services.calendar.domain.ical import index_resource
from services.calendar.domain.offering import public_dates
from services.calendar.domain.offering_draft import (
    OfferingDraft,
    Repeat,
    changed_date,
    draft_of,
    edited_calendar,
    monthly_position,
    new_calendar,
    restored_date,
)

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)
CAFE = OfferingDraft(
    title="Seniorencafé",
    day=date(2026, 12, 9),
    starts=time(14, 30),
    ends=time(16, 30),
    repeat=Repeat("weekly"),
    description="Kaffee, Kuchen und Gespräche.",
    location="Mehrgenerationenhaus Lobeda, Karl-Marx-Allee 28, 07747 Jena",
    categories=("Begegnung", "Essen"),
    audiences=("Senioren",),
    accessibility=("stufenlos", "hoerschleife"),
    cost="2 € für Kaffee und Kuchen",
    easy_language="Hier trinken Sie Kaffee.",
    url="https://example.org/cafe",
    image="https://treffpunkt.example/calendar/images/" + "ab" * 32 + ".jpg",
    image_alt="Vier Frauen lachen an einem Kaffeetisch",
)


def parsed(data: bytes) -> Calendar:
    index_resource(data)  # what the store checks on every PUT
    return Calendar.from_ical(data)


def dates(data: bytes, days: int = 60):
    calendar = parsed(data)
    return public_dates(calendar, index_resource(data).time_index, NOW, NOW + timedelta(days=days))


def test_a_draft_written_and_read_back_is_the_same_draft():
    data = new_calendar(CAFE, "cafe@treffpunkt", NOW)
    assert draft_of(parsed(data)) == CAFE
    assert b"TZID=Europe/Berlin:20261209T143000" in data and b"BEGIN:VTIMEZONE" in data


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(date(2026, 1, 1), date(2028, 12, 31)),
    starts=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    minutes=st.integers(15, 600),
    kind=st.sampled_from(["once", "weekly", "monthly"]),
    interval=st.integers(1, 8),
    end=st.sampled_from(["open", "until", "count"]),
    public=st.booleans(),
)
def test_every_draft_the_form_can_make_round_trips(day, starts, minutes, kind, interval, end, public):
    local = datetime.combine(day, starts, LOCAL)
    if local.astimezone(timezone.utc).astimezone(LOCAL).time() != starts:
        return  # a time the clocks skip in spring does not exist
    ends = (datetime.combine(day, starts) + timedelta(minutes=minutes)).time()
    repeat = Repeat(
        kind,
        interval if kind == "weekly" else 1,
        day + timedelta(days=200) if end == "until" and kind != "once" else None,
        12 if end == "count" and kind != "once" else None,
    )
    draft = OfferingDraft("Chor", day, starts, ends, repeat, public=public)
    assert draft_of(parsed(new_calendar(draft, "x@y", NOW))) == draft


def test_monthly_dates_keep_their_weekday_in_the_month():
    assert monthly_position(date(2026, 12, 9)) == 2  # the 2nd Wednesday
    assert monthly_position(date(2026, 12, 26)) == -1  # the last Saturday
    data = new_calendar(OfferingDraft("Flohmarkt", date(2026, 12, 26), time(10), time(14), Repeat("monthly")), "f", NOW)
    starts = [d.start.astimezone(LOCAL).date() for d in dates(data, 100)]
    assert starts == [date(2026, 12, 26), date(2027, 1, 30), date(2027, 2, 27)]


def test_an_edit_keeps_what_calendar_programs_added():
    data = new_calendar(CAFE, "cafe@treffpunkt", NOW).decode()
    data = data.replace(
        "END:VEVENT",
        "X-MOZ-LASTACK:20261201T000000Z\r\nATTENDEE;CN=Lena:mailto:lena@example.org\r\n"
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nDESCRIPTION:Erinnerung\r\nEND:VALARM\r\nEND:VEVENT",
    )
    edited = edited_calendar(parsed(data.encode()), CAFE.__class__(**{**CAFE.__dict__, "title": "Erzählcafé"}), NOW)
    event = parsed(edited).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Erzählcafé"
    assert str(event["X-MOZ-LASTACK"]) == "20261201T000000Z" and "ATTENDEE" in event
    assert [str(a["TRIGGER"].to_ical(), "ascii") for a in event.walk("VALARM")] == ["-PT15M"]
    assert int(event["SEQUENCE"]) == 1


def test_a_rule_the_form_cannot_say_is_kept_as_it_is():
    data = new_calendar(CAFE, "cafe", NOW).decode().replace("RRULE:FREQ=WEEKLY", "RRULE:FREQ=WEEKLY;BYDAY=MO,WE")
    draft = draft_of(parsed(data.encode()))
    assert draft.repeat.kind == "other" and "BYDAY=MO,WE" in draft.repeat.rule
    edited = edited_calendar(parsed(data.encode()), draft, NOW)
    assert b"RRULE:FREQ=WEEKLY;BYDAY=MO,WE" in edited


def test_a_date_cancelled_with_a_reason_moved_and_restored():
    data = new_calendar(CAFE, "cafe", NOW)
    second = datetime(2026, 12, 16, 14, 30, tzinfo=LOCAL)
    cancelled = changed_date(parsed(data), second, NOW, cancelled=True, note="Fällt wegen Krankheit aus.")
    found = {d.start.astimezone(LOCAL): d for d in dates(cancelled)}
    assert found[second].cancelled and found[second].note == "Fällt wegen Krankheit aus."
    assert not found[second + timedelta(weeks=1)].cancelled
    moved = changed_date(
        parsed(cancelled),
        second,
        NOW,
        cancelled=False,
        note="Ausnahmsweise im Saal.",
        moved_to=(second + timedelta(hours=1), second + timedelta(hours=3)),
    )
    shown = [d for d in dates(moved) if d.key == "20261216T133000Z"]
    assert len(shown) == 1 and shown[0].moved and not shown[0].cancelled
    assert shown[0].start.astimezone(LOCAL).hour == 15 and shown[0].note == "Ausnahmsweise im Saal."
    restored = restored_date(parsed(moved), second, NOW)
    again = [d for d in dates(restored) if d.key == "20261216T133000Z"]
    assert len(again) == 1 and not again[0].moved and not again[0].note


def test_moving_the_series_moves_its_exceptions_with_it():
    data = new_calendar(CAFE, "cafe", NOW)
    second = datetime(2026, 12, 16, 14, 30, tzinfo=LOCAL)
    cancelled = changed_date(parsed(data), second, NOW, cancelled=True, note="Weihnachtsfeier")
    later = CAFE.__class__(**{**CAFE.__dict__, "starts": time(15), "ends": time(17)})
    edited = edited_calendar(parsed(cancelled), later, NOW)
    found = {d.start.astimezone(LOCAL): d for d in dates(edited)}
    assert found[datetime(2026, 12, 16, 15, 0, tzinfo=LOCAL)].cancelled
    assert datetime(2026, 12, 16, 14, 30, tzinfo=LOCAL) not in found


@pytest.mark.parametrize("count", [3])
def test_n_times_and_until_end_a_series(count):
    by_count = OfferingDraft("Kurs", date(2026, 12, 7), time(10), time(11), Repeat("weekly", count=count))
    assert len(dates(new_calendar(by_count, "k", NOW))) == 3
    by_day = OfferingDraft("Kurs", date(2026, 12, 7), time(10), time(11), Repeat("weekly", 2, until=date(2027, 1, 4)))
    starts = [d.start.astimezone(LOCAL).date() for d in dates(new_calendar(by_day, "k", NOW))]
    assert starts == [date(2026, 12, 7), date(2026, 12, 21), date(2027, 1, 4)]
