"""Hostile recurrence and dates over the real HTTP stack: every PUT is answered at once with a
CalDAV precondition, nothing half-stored; a fine-grained series already in the database slows
nobody's query; queries and expansions have ceilings that the server advertises."""

import base64
import time
from datetime import datetime, timezone

import pytest
from lxml import etree

from services.calendar.domain.ical import etag_of
from services.calendar.store.models import CalendarObject
from services.calendar.store.sql_rows import bump

from tests.support.calendar import weekly_event

D, C = "{DAV:}", "{urn:ietf:params:xml:ns:caldav}"
CAL = "/dav/calendars/lena/lobeda/"
OTTO_VIEW = "/dav/calendars/otto/lobeda/"  # the same calendar, read by another partner
pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def lobeda(people, store):
    with store() as s:
        s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH")


def dav(app, people, method, path, body=None, user="lena", **headers):
    token = base64.b64encode(f"{user}:{people[user]['app_password']}".encode()).decode()
    return app.test_client().open(
        path, method=method, data=body, headers={"Authorization": f"Basic {token}", **headers}
    )


def event(*lines, start="DTSTART:20260105T100000Z", uid="boese") -> bytes:
    body = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test//DE",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        "SUMMARY:Test",
        start,
        *lines,
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(body).encode()


def refusal(response, status=403):
    assert response.status_code == status, response.get_data(as_text=True)
    tree = etree.fromstring(response.data)
    assert tree.tag == f"{D}error"
    return tree[0].tag.split("}")[1], tree.findtext(".//{*}message")


HOSTILE = {
    "interval zero (dateutil loops for ever)": (
        event("RRULE:FREQ=DAILY;INTERVAL=0"),
        "valid-calendar-data",
        "INTERVAL",
    ),
    "unknown frequency": (event("RRULE:FREQ=FOO"), "valid-calendar-data", "RRULE"),
    "negative count": (event("RRULE:FREQ=DAILY;COUNT=-5"), "valid-calendar-data", "COUNT"),
    "huge interval": (event("RRULE:FREQ=DAILY;INTERVAL=99999999999"), "valid-calendar-data", "RRULE"),
    "interval over the ceiling": (event("RRULE:FREQ=DAILY;INTERVAL=5000"), "valid-calendar-data", "INTERVAL"),
    "hour out of range": (event("RRULE:FREQ=DAILY;BYHOUR=99"), "valid-calendar-data", "BYHOUR"),
    "weekday that is none": (event("RRULE:FREQ=WEEKLY;BYDAY=XX"), "valid-calendar-data", "RRULE"),
    "numbered weekday in a weekly rule": (event("RRULE:FREQ=WEEKLY;BYDAY=2MO"), "valid-calendar-data", "BYDAY"),
    "week number outside yearly": (event("RRULE:FREQ=DAILY;BYWEEKNO=3"), "valid-calendar-data", "BYWEEKNO"),
    "unknown rule part": (event("RRULE:FREQ=DAILY;X-FOO=1"), "valid-calendar-data", "X-FOO"),
    "count and until": (event("RRULE:FREQ=DAILY;COUNT=3;UNTIL=20260301T000000Z"), "valid-calendar-data", "UNTIL"),
    "never matches (30 February)": (event("RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"), "valid-calendar-data", "nie"),
    "set position that never exists": (event("RRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6"), "valid-calendar-data", "nie"),
    "secondly": (event("RRULE:FREQ=SECONDLY;COUNT=5"), "valid-calendar-data", "SECONDLY"),
    "open-ended minutely": (event("RRULE:FREQ=MINUTELY"), "max-instances", "COUNT oder UNTIL"),
    "open-ended hourly": (event("RRULE:FREQ=HOURLY"), "max-instances", "50.000"),
    "daily with every minute": (
        event("RRULE:FREQ=DAILY;BYHOUR=8,9,10;BYMINUTE=" + ",".join(map(str, range(60)))),
        "max-instances",
        "50.000",
    ),
    "huge count": (event("RRULE:FREQ=MINUTELY;COUNT=2000000000"), "max-instances", "50.000"),
    "bad exdate": (event("RRULE:FREQ=DAILY", "EXDATE:2026-01-01"), "valid-calendar-data", "EXDATE"),
    "bad rdate": (event("RDATE:morgen"), "valid-calendar-data", "RDATE"),
    "bad dtstart": (event(start="DTSTART:2026XX05T100000Z"), "valid-calendar-data", "DTSTART"),
    "bad dtend": (event("DTEND:nope"), "valid-calendar-data", "DTEND"),
    "bad duration": (event("DURATION:PXYZ"), "valid-calendar-data", "DURATION"),
    "negative duration": (event("DURATION:-PT1H"), "valid-calendar-data", "DURATION"),
    "dtend before dtstart": (event("DTEND:20250101T000000Z"), "valid-calendar-data", "DTEND liegt vor"),
    "dtend and duration": (event("DTEND:20260105T110000Z", "DURATION:PT1H"), "valid-calendar-data", "DURATION"),
    "year 0": (event(start="DTSTART:00000101T000000Z"), "valid-calendar-data", "DTSTART"),
    "year 1": (event(start="DTSTART:00010101T000000Z"), "min-date-time", "1900"),
    "year 1, daily": (event("RRULE:FREQ=DAILY", start="DTSTART:00010101T000000Z"), "min-date-time", "1900"),
    "year 9999": (event(start="DTSTART:99991231T230000Z"), "max-date-time", "2099"),
    "exdate in the year 9999": (event("RRULE:FREQ=DAILY", "EXDATE:99990101T100000Z"), "max-date-time", "EXDATE"),
    "unknown time zone": (event(start="DTSTART;TZID=Mars/Olympus:20260105T100000"), "valid-calendar-data", "Zeitzone"),
    "exrule": (event("RRULE:FREQ=DAILY", "EXRULE:FREQ=WEEKLY"), "valid-calendar-data", "EXRULE"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_event_is_refused_at_once_with_its_precondition(calendar_app, people, case):
    data, precondition, words = HOSTILE[case]
    response = dav(calendar_app, people, "PUT", CAL + "boese.ics", data, **{"Content-Type": "text/calendar"})
    assert refusal(response)[0] == precondition
    assert words in refusal(response)[1]
    assert dav(calendar_app, people, "GET", CAL + "boese.ics").status_code == 404  # nothing half-stored
    assert dav(calendar_app, people, "PROPFIND", CAL, Depth="0").status_code == 207  # and the calendar answers


def test_fine_grained_series_within_the_ceiling_is_stored_and_expanded(calendar_app, people):
    """KOrganizer offers minutely and hourly rules: a short one is fine."""
    data = event("RRULE:FREQ=MINUTELY;INTERVAL=15;COUNT=8", "DTEND:20260105T101000Z")
    assert (
        dav(calendar_app, people, "PUT", CAL + "kurz.ics", data, **{"Content-Type": "text/calendar"}).status_code == 201
    )
    body = expand_query("20260105T000000Z", "20260106T000000Z")
    answer = dav(calendar_app, people, "REPORT", CAL, body, Depth="1")
    assert answer.status_code == 207 and answer.data.count(b"BEGIN:VEVENT") == 8


def test_limits_are_advertised_on_every_calendar(calendar_app, people):
    body = (
        '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:min-date-time/>'
        "<c:max-date-time/><c:max-instances/></d:prop></d:propfind>"
    )
    tree = etree.fromstring(dav(calendar_app, people, "PROPFIND", CAL, body, Depth="0").data)
    assert tree.findtext(f".//{C}min-date-time") == "19000101T000000Z"
    assert tree.findtext(f".//{C}max-date-time") == "21000101T000000Z"
    assert tree.findtext(f".//{C}max-instances") == "50000"


# --- a fine-grained series already stored (before the checks existed) ----------------------------
def store_unchecked(calendar_app, store, name: str, data: bytes) -> None:
    """What a PUT wrote before rules were checked: the data, no index."""
    with store() as s:
        calendar_id = s.calendar("lobeda").id
        s.session.add(
            CalendarObject(
                calendar_id=calendar_id,
                name=name,
                uid=name,
                ics=data.decode(),
                etag=etag_of(data),
                component="VEVENT",
                public=True,
                categories="",
                audience="",
                first_start=datetime(2026, 1, 5, 10, tzinfo=timezone.utc),
                last_end=None,
                time_index=None,
                revision=bump(s.session, calendar_id),
                deleted=False,
            )
        )


def query(start: str, end: str, data: str = "") -> bytes:
    return (
        '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/>'
        f'{data}</d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">'
        f'<c:time-range start="{start}" end="{end}"/></c:comp-filter></c:comp-filter></c:filter>'
        "</c:calendar-query>"
    ).encode()


def expand_query(start: str, end: str) -> bytes:
    return query(start, end, f'<c:calendar-data><c:expand start="{start}" end="{end}"/></c:calendar-data>')


def hrefs(response) -> list[str]:
    assert response.status_code == 207, response.get_data(as_text=True)
    return [h.text for h in etree.fromstring(response.data).iter(f"{D}href")]


def test_stored_minutely_series_slows_no_one_elses_query(calendar_app, people, store):
    store_unchecked(calendar_app, store, "jede-minute.ics", event("RRULE:FREQ=MINUTELY", "DTEND:20260105T100100Z"))
    store_unchecked(calendar_app, store, "nie.ics", event("RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", uid="nie"))
    with store() as s:
        s.put(s.calendar("lobeda").id, "turnen.ics", weekly_event("turnen"))
    started = time.monotonic()
    day = hrefs(
        dav(
            calendar_app,
            people,
            "REPORT",
            OTTO_VIEW,
            query("20260120T000000Z", "20260121T000000Z"),
            user="otto",
            Depth="1",
        )
    )
    month = hrefs(
        dav(
            calendar_app,
            people,
            "REPORT",
            OTTO_VIEW,
            query("20260601T000000Z", "20260701T000000Z"),
            user="otto",
            Depth="1",
        )
    )
    print(f"one day and one month over a stored minutely series: {time.monotonic() - started:.2f} s")
    # expanded only up to the ceiling (50,000 minutes from 5 January): in January, not in June;
    # a rule that never matches still has its DTSTART; the weekly offering is untouched
    assert OTTO_VIEW + "jede-minute.ics" in day and OTTO_VIEW + "jede-minute.ics" not in month
    assert OTTO_VIEW + "turnen.ics" in day or OTTO_VIEW + "turnen.ics" in month
    busy = dav(
        calendar_app,
        people,
        "REPORT",
        OTTO_VIEW,
        (
            b'<c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav"><c:time-range start="20260601T000000Z" '
            b'end="20260701T000000Z"/></c:free-busy-query>'
        ),
        user="otto",
        Depth="1",
    )
    assert busy.status_code == 200 and b"BEGIN:VFREEBUSY" in busy.data


def test_an_expansion_too_large_is_refused_with_a_clear_precondition(calendar_app, people, store):
    store_unchecked(calendar_app, store, "jede-minute.ics", event("RRULE:FREQ=MINUTELY", "DTEND:20260105T100100Z"))
    with store() as s:
        for n in range(3):  # three series of 20,000 minutes each: 60,000 instances in January
            data = event("RRULE:FREQ=MINUTELY;COUNT=20000", "DTEND:20260105T100100Z", uid=f"dicht-{n}")
            s.put(s.calendar("lobeda").id, f"dicht-{n}.ics", data)
    response = dav(
        calendar_app,
        people,
        "REPORT",
        OTTO_VIEW,
        expand_query("20260101T000000Z", "20260201T000000Z"),
        user="otto",
        Depth="1",
    )
    precondition, message = refusal(response)
    assert precondition == "number-of-matches-within-limits" and message  # a sentence for a person, too
    one_hour = dav(
        calendar_app,
        people,
        "REPORT",
        OTTO_VIEW,
        expand_query("20260110T100000Z", "20260110T110000Z"),
        user="otto",
        Depth="1",
    )
    assert one_hour.status_code == 207 and one_hour.data.count(b"BEGIN:VEVENT") == 4 * 60


@pytest.mark.parametrize(
    "time_range",
    [
        'start="20260101T000000Z"',
        'end="20260201T000000Z"',
        'start="00010101T000000Z" end="99991231T000000Z"',
        'start="18000101T000000Z" end="18500101T000000Z"',
    ],
)
def test_open_and_far_time_ranges_are_clipped_not_500(calendar_app, people, store, time_range):
    with store() as s:
        s.put(s.calendar("lobeda").id, "turnen.ics", weekly_event("turnen"))
    body = query("", "").replace(b'start="" end=""', time_range.encode())
    found = hrefs(dav(calendar_app, people, "REPORT", CAL, body, Depth="1"))
    assert (CAL + "turnen.ics" in found) == ("1850" not in time_range)


def test_only_the_choke_point_expands_recurrence():
    """Every expansion goes through domain/recurrence.between: no other module of the calendar
    may call recurring-ical-events or dateutil's rules directly."""
    from pathlib import Path

    import services.calendar

    root = Path(services.calendar.__file__).parent
    users = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "recurring_ical_events" in p.read_text() or "dateutil.rrule" in p.read_text()
    )
    assert users == ["domain/recurrence.py"]
