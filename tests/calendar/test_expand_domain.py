"""Expanded calendar-data (RFC 4791 §9.6.5) from the stored text: shape and content."""

from datetime import datetime, timezone

from icalendar import Calendar

from services.calendar.domain import expand, timeindex

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
DATA = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//DE\r\nBEGIN:VEVENT\r\nUID:fest\r\n"
    "DTSTAMP:20260101T000000Z\r\nSUMMARY:Ein sehr langer Titel für das Sommerfest im Stadtteilzentrum Lobeda "
    "mit Musik\r\n  und Essen\r\nDTSTART;VALUE=DATE:20260704\r\nDTEND;VALUE=DATE:20260705\r\n"
    "RRULE:FREQ=YEARLY;COUNT=3\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Fest\r\n"
    "TRIGGER:-PT1H\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()


def test_bodies_drop_times_keep_folded_lines_and_alarms():
    body = expand.bodies(DATA)[0]
    assert b"DTSTART" not in body and b"RRULE" not in body and b"DTEND" not in body
    assert b"mit Musik\r\n  und Essen\r\n" in body  # the client's folding, unchanged
    assert b"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Fest\r\nTRIGGER:-PT1H\r\nEND:VALARM\r\n" in body


def test_all_day_instances_stay_dates_with_recurrence_id():
    index = timeindex.build(Calendar.from_ical(DATA), NOW)
    start = int(datetime(2027, 1, 1, tzinfo=timezone.utc).timestamp())
    end = int(datetime(2029, 1, 1, tzinfo=timezone.utc).timestamp())
    text = expand.expanded("VEVENT", index.between(start, end), expand.bodies(DATA))
    events = Calendar.from_ical(text).walk("VEVENT")
    assert [(str(e["DTSTART"].to_ical().decode()), e["RECURRENCE-ID"].to_ical().decode()) for e in events] == [
        ("20270704", "20270704"),
        ("20280704", "20280704"),
    ]
    assert all(len(e.walk("VALARM")) == 1 and "Musik und Essen" in str(e["SUMMARY"]) for e in events)
    assert text.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and b"VTIMEZONE" not in text


def test_a_stored_index_reads_back_as_built():
    """What is stored at PUT: dates stay dates; a RECURRENCE-ID DATE-TIME comes back as the
    same instant (in UTC), which is all expand writes of it."""
    moved = DATA.replace(
        b"END:VCALENDAR",
        b"BEGIN:VEVENT\r\nUID:fest\r\nDTSTAMP:20260101T000000Z\r\n"
        b"RECURRENCE-ID;TZID=Europe/Berlin:20270704T100000\r\nDTSTART:20270705T100000Z\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR",
    )
    for data in (DATA, moved):
        built = timeindex.build(Calendar.from_ical(data), NOW)
        restored = timeindex.loads(timeindex.dumps(built))
        assert (restored.component, restored.until, restored.recurring, restored.always, restored.starts) == (
            built.component,
            built.until,
            built.recurring,
            built.always,
            built.starts,
        )
        assert restored.instances == built.instances and restored.longest == built.longest
        bodies = expand.bodies(data)
        assert expand.expanded("VEVENT", restored.instances, bodies) == expand.expanded(
            "VEVENT", built.instances, bodies
        )
