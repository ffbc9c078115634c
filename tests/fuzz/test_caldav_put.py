"""Hostile iCalendar sent as CalDAV PUTs through gunicorn and the real apps. Every answer is
< 500 and in time, and whatever was stored does not slow anyone down afterwards: a month's
calendar-query with expand, the calendar as one .ics and the public feed are asked after each
stored object, which is then deleted again."""

from __future__ import annotations

from hypothesis import example, given, strategies as st

from tests.fuzz.harness import fuzz_settings
from tests.fuzz.ical import calendar_object

MONTH_QUERY = (
    '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/>'
    '<C:calendar-data><C:expand start="20260301T000000Z" end="20260401T000000Z"/></C:calendar-data>'
    '</D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
    '<C:time-range start="20260301T000000Z" end="20260401T000000Z"/></C:comp-filter></C:comp-filter>'
    "</C:filter></C:calendar-query>"
)


def event(*lines: str) -> bytes:
    """A plain event with `lines` added: the explicit examples, from issue 9's reports and earlier runs."""
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Treffpunkt//Fuzz//DE",
        "BEGIN:VEVENT",
        "UID:fuzz-1@treffpunkt.test",
        "DTSTAMP:20260101T000000Z",
        "SUMMARY:Offener Treff",
    ]
    if not any(line.startswith("DTSTART") for line in lines):
        head.append("DTSTART:20260302T100000Z")
    return ("\r\n".join([*head, *lines, "END:VEVENT", "END:VCALENDAR"]) + "\r\n").encode()


REPORTED = [
    event("RRULE:FREQ=DAILY;INTERVAL=0"),
    event("RRULE:FREQ=SECONDLY"),
    event("RRULE:FREQ=MINUTELY"),
    event("RRULE:FREQ=FOO"),
    event("RRULE:FREQ=DAILY;COUNT=-1"),
    event("RRULE:FREQ=DAILY;INTERVAL=99999999999"),
    event("DTSTART:00000101T100000Z"),
    event("DTSTART:00010101T100000Z"),
    event("DTSTART:99991231T230000Z"),
    event("DTSTART:20260302T100000Z", "DTEND:20260301T100000Z"),
    event("DURATION:PTxH"),
    event("RRULE:FREQ=WEEKLY", "EXDATE:yesterday"),
    event("RRULE:FREQ=WEEKLY", "RDATE:2026-03-09"),
    event("DTEND:20260230T100000Z"),
]  # the last: found by `make fuzz`


def reported(test):
    for body in REPORTED:
        test = example(body=body, content_type="text/calendar; charset=utf-8", if_none_match=False)(test)
    return test


CONTENT_TYPES = st.sampled_from(
    ["text/calendar; charset=utf-8"] * 6
    + ["text/calendar", "application/octet-stream", "text/calendar; charset=latin-1", "application/json", ""]
)


def test_hostile_icalendar_puts(fuzzer, people, lena_calendar):
    fuzz = fuzzer(health="/calendar/healthz", user="lena", secret=people["lena"]["app_password"])

    @fuzz_settings(120)
    @given(body=calendar_object(), content_type=CONTENT_TYPES, if_none_match=st.booleans())
    @reported
    def put(body, content_type, if_none_match):
        headers = {"Content-Type": content_type} if content_type else {}
        if if_none_match:
            headers["If-None-Match"] = "*"
        with fuzz.example():
            answer = fuzz.send("PUT", lena_calendar + "fuzz.ics", body, headers)
            if answer is None or answer.status not in (201, 204):
                return
            fuzz.send("REPORT", lena_calendar, MONTH_QUERY, {"Depth": "1", "Content-Type": "application/xml"})
            fuzz.send("GET", lena_calendar)
            fuzz.send("GET", "/feeds/network.ics", auth=False)
            fuzz.send("DELETE", lena_calendar + "fuzz.ics")

    put()
    fuzz.assert_sound()
