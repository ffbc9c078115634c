"""The VTIMEZONE for Europe/Berlin, written with RRULEs (not long RDATE lists): Outlook needs a
VTIMEZONE for every TZID it sees, and rule-based definitions are what it copes with best; an RRULE
definition never runs out, unlike a list of dates. One definition for every iCalendar the
network writes: the calendar's feeds and objects, notify's invitations."""

from __future__ import annotations

from icalendar import Calendar, Timezone

BERLIN = "Europe/Berlin"
_BERLIN = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Treffpunkt Jena//Zeitzonen//DE
BEGIN:VTIMEZONE
TZID:Europe/Berlin
X-LIC-LOCATION:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
END:VCALENDAR
"""


def berlin_vtimezone() -> Timezone:
    """A fresh VTIMEZONE component (callers add it to their own calendar)."""
    return next(tz for tz in Calendar.from_ical(_BERLIN).timezones if str(tz["TZID"]) == BERLIN)
