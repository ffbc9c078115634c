"""calendar-query, expand, free-busy and their errors over real HTTP, on hand-made data."""

import re
from datetime import datetime, timezone

import caldav
import pytest
import requests
from icalendar import Calendar
from lxml import etree

from services.calendar.store.objectcache import CACHE

D, C = "{DAV:}", "{urn:ietf:params:xml:ns:caldav}"
UTC = timezone.utc
CAL = "/dav/calendars/lena/lobeda/"
TZ = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
    "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\n"
    "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "END:STANDARD\r\nEND:VTIMEZONE\r\n"
)


def ics(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//DE\r\n{TZ}{body}END:VCALENDAR\r\n".replace(
        "\n ", "\n"
    ).encode()


def lines(*parts: str) -> str:
    return "\r\n".join(parts)


GYM = ics(
    lines(
        "UID:gym",
        "SUMMARY:Seniorengymnastik",
        "CATEGORIES:Sport,Bewegung",
        'LOCATION;ALTREP="http://example.org/saal":Großer Saal',
        "DTSTART;TZID=Europe/Berlin:20260302T100000",
        "DTEND;TZID=Europe/Berlin:20260302T110000",
        "RRULE:FREQ=WEEKLY;COUNT=8",
        "EXDATE;TZID=Europe/Berlin:20260309T100000",
    ),
    lines(
        "UID:gym",
        "SUMMARY:Seniorengymnastik (verlegt)",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260316T100000",
        "DTSTART;TZID=Europe/Berlin:20260317T140000",
        "DTEND;TZID=Europe/Berlin:20260317T150000",
    ),
)
FEST = ics(
    lines(
        "UID:fest",
        "SUMMARY:Frühlingsfest",
        "DTSTART;VALUE=DATE:20260328",
        "DTEND;VALUE=DATE:20260329",
        "TRANSP:TRANSPARENT",
    )
)
KINO = ics(
    lines(
        "UID:kino", "SUMMARY:KINO für Familien", "DTSTART:20260310T180000", "DTEND:20260310T200000", "STATUS:TENTATIVE"
    )
)
ABSAGE = ics(
    lines("UID:absage", "SUMMARY:Abgesagt", "DTSTART:20260317T130000Z", "DTEND:20260317T140000Z", "STATUS:CANCELLED")
)
DATA = {"gym.ics": GYM, "fest.ics": FEST, "kino.ics": KINO, "absage.ics": ABSAGE}


@pytest.fixture
def cal(live, people, store):
    with store() as s:
        c = s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH")
        for name, data in DATA.items():
            s.put(c.id, name, data)
    return people


def report(live, people, body: str, path: str = CAL):
    return requests.request(
        "REPORT",
        live.url + path,
        data=body.encode(),
        timeout=10,
        headers={"Depth": "1"},
        auth=("lena", people["lena"]["app_password"]),
    )


def query(live, people, filter_xml: str, prop: str = "<d:getetag/>"):
    body = (
        f'<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop>{prop}</d:prop>'
        f'<c:filter><c:comp-filter name="VCALENDAR">{filter_xml}</c:comp-filter></c:filter></c:calendar-query>'
    )
    return report(live, people, body)


def names(response) -> list[str]:
    assert response.status_code == 207, response.text
    tree = etree.fromstring(response.content)
    return sorted(r.findtext(f"{D}href").rsplit("/", 1)[1] for r in tree.findall(f"{D}response"))


def event(rng: str = "", inner: str = "") -> str:
    return f'<c:comp-filter name="VEVENT">{rng}{inner}</c:comp-filter>'


def tr(start: str, end: str) -> str:
    return f'<c:time-range start="{start}" end="{end}"/>'


@pytest.mark.parametrize(
    "start,end,expected",
    [
        ("20260309T000000Z", "20260310T000000Z", []),  # EXDATE
        ("20260316T080000Z", "20260316T110000Z", []),  # moved away by the override ...
        ("20260317T130000Z", "20260317T140000Z", ["absage.ics", "gym.ics"]),  # ... to here
        ("20260330T075900Z", "20260330T080100Z", ["gym.ics"]),  # summer time: 10:00 Berlin = 08:00 UTC
        ("20260323T090000Z", "20260323T100000Z", ["gym.ics"]),  # winter time: 10:00 = 09:00 UTC
        ("20260330T090000Z", "20260330T100000Z", []),
        ("20260327T225900Z", "20260327T230100Z", ["fest.ics"]),  # all-day starts at Berlin midnight
        ("20260328T230000Z", "20260329T000000Z", []),
        ("20260310T165900Z", "20260310T170100Z", ["kino.ics"]),  # floating 18:00 read as Berlin
        ("20260427T000000Z", "20260501T000000Z", []),  # after COUNT=8
    ],
)
def test_time_range_on_recurring_all_day_and_floating(live, cal, start, end, expected):
    assert names(query(live, cal, event(tr(start, end)))) == expected


def test_comp_prop_param_filters(live, cal):
    assert names(query(live, cal, "")) == sorted(DATA)
    assert names(query(live, cal, event())) == sorted(DATA)
    assert names(query(live, cal, '<c:comp-filter name="VTODO"/>')) == []
    assert names(query(live, cal, '<c:comp-filter name="VTODO"><c:is-not-defined/></c:comp-filter>')) == sorted(DATA)
    text = '<c:prop-filter name="SUMMARY"><c:text-match collation="{}"{}>{}</c:text-match></c:prop-filter>'
    assert names(query(live, cal, event(inner=text.format("i;ascii-casemap", "", "kino")))) == ["kino.ics"]
    assert names(query(live, cal, event(inner=text.format("i;octet", "", "kino")))) == []
    # ascii-casemap folds only A-Z; unicode-casemap also Ü/ü
    assert names(query(live, cal, event(inner=text.format("i;ascii-casemap", "", "FRÜHLING")))) == []
    assert names(query(live, cal, event(inner=text.format("i;unicode-casemap", "", "FRÜHLING")))) == ["fest.ics"]
    negated = names(query(live, cal, event(inner=text.format("i;ascii-casemap", ' negate-condition="yes"', "gym"))))
    assert negated == ["absage.ics", "fest.ics", "kino.ics"]  # gym's override matches "gym" too
    assert names(query(live, cal, event(inner=text.format("i;octet", ' match-type="starts-with"', "Abge")))) == [
        "absage.ics"
    ]
    cats = '<c:prop-filter name="CATEGORIES"><c:text-match>bewegung</c:text-match></c:prop-filter>'
    assert names(query(live, cal, event(inner=cats))) == ["gym.ics"]
    no_status = '<c:prop-filter name="STATUS"><c:is-not-defined/></c:prop-filter>'
    assert names(query(live, cal, event(inner=no_status))) == ["fest.ics", "gym.ics"]
    param = (
        '<c:prop-filter name="LOCATION"><c:param-filter name="ALTREP"><c:text-match>example.org'
        "</c:text-match></c:param-filter></c:prop-filter>"
    )
    assert names(query(live, cal, event(inner=param))) == ["gym.ics"]
    combined = event(tr("20260301T000000Z", "20260401T000000Z"), cats.replace("bewegung", "SPORT"))
    assert names(query(live, cal, combined)) == ["gym.ics"]


@pytest.mark.parametrize(
    "filter_xml,status,condition",
    [
        ('<c:comp-filter name="VEVENT"><c:time-range start="morgen"/></c:comp-filter>', 400, "valid-filter"),
        ('<c:comp-filter name="VEVENT"><c:time-range/></c:comp-filter>', 400, "valid-filter"),
        (
            '<c:comp-filter name="VEVENT"><c:time-range start="20260302T000000Z" end="20260301T000000Z"/></c:comp-filter>',
            400,
            "valid-filter",
        ),
        ('<c:comp-filter name="VFOO"/>', 403, "supported-filter"),
        (
            '<c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match collation="i;klingon">x'
            "</c:text-match></c:prop-filter></c:comp-filter>",
            403,
            "supported-collation",
        ),
        ("<c:comp-filter><c:bogus/></c:comp-filter>", 400, "valid-filter"),
    ],
)
def test_bad_filters_get_caldav_errors(live, cal, filter_xml, status, condition):
    response = query(live, cal, filter_xml)
    assert response.status_code == status
    assert etree.fromstring(response.content).find(f"{C}{condition}") is not None


def test_expand_returns_utc_instances_with_recurrence_id(live, cal):
    prop = '<c:calendar-data><c:expand start="20260301T000000Z" end="20260324T000000Z"/></c:calendar-data>'
    response = query(live, cal, event(tr("20260301T000000Z", "20260324T000000Z")), prop)
    tree = etree.fromstring(response.content)
    data = {
        r.findtext(f"{D}href").rsplit("/", 1)[1]: r.findtext(f".//{C}calendar-data")
        for r in tree.findall(f"{D}response")
    }
    assert sorted(data) == ["absage.ics", "gym.ics", "kino.ics"]
    gym = Calendar.from_ical(data["gym.ics"])
    assert not list(gym.walk("VTIMEZONE"))
    instances = gym.walk("VEVENT")
    assert [(i["DTSTART"].dt, i["RECURRENCE-ID"].dt) for i in instances] == [
        (datetime(2026, 3, 2, 9, tzinfo=UTC), datetime(2026, 3, 2, 9, tzinfo=UTC)),
        (datetime(2026, 3, 17, 13, tzinfo=UTC), datetime(2026, 3, 16, 9, tzinfo=UTC)),
        (datetime(2026, 3, 23, 9, tzinfo=UTC), datetime(2026, 3, 23, 9, tzinfo=UTC)),
    ]
    assert all("RRULE" not in i and "EXDATE" not in i for i in instances)
    assert str(instances[1]["SUMMARY"]) == "Seniorengymnastik (verlegt)"
    kino = Calendar.from_ical(data["kino.ics"]).walk("VEVENT")[0]
    assert kino["DTSTART"].dt == datetime(2026, 3, 10, 17, tzinfo=UTC) and "RECURRENCE-ID" not in kino


def test_free_busy_merges_and_respects_transp_and_status(live, cal):
    body = (
        '<c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav">'
        '<c:time-range start="20260301T000000Z" end="20260331T000000Z"/></c:free-busy-query>'
    )
    response = report(live, cal, body)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/calendar")
    fb = Calendar.from_ical(response.content).walk("VFREEBUSY")[0]
    periods = [
        (p.params.get("FBTYPE"), p.to_ical().decode())
        for p in (fb["FREEBUSY"] if isinstance(fb["FREEBUSY"], list) else [fb["FREEBUSY"]])
    ]
    assert periods == [
        ("BUSY", "20260302T090000Z/20260302T100000Z"),
        ("BUSY-TENTATIVE", "20260310T170000Z/20260310T190000Z"),
        ("BUSY", "20260317T130000Z/20260317T140000Z"),  # override; the cancelled one adds nothing
        ("BUSY", "20260323T090000Z/20260323T100000Z"),
        ("BUSY", "20260330T080000Z/20260330T090000Z"),
    ]  # the transparent all-day festival is free


def test_caldav_library_search_with_expand(live, cal):
    client = caldav.DAVClient(url=live.url + "/dav/", username="lena", password=cal["lena"]["app_password"])
    with client:
        calendar = client.calendar(url=live.url + CAL)
        found = calendar.search(
            start=datetime(2026, 3, 16, tzinfo=UTC), end=datetime(2026, 3, 24, tzinfo=UTC), event=True, expand=True
        )
        starts = sorted((str(e.icalendar_component["UID"]), e.icalendar_component["DTSTART"].dt) for e in found)
        plain = calendar.search(
            start=datetime(2026, 3, 16, tzinfo=UTC), end=datetime(2026, 3, 24, tzinfo=UTC), event=True, expand=False
        )
    assert starts == [
        ("absage", datetime(2026, 3, 17, 13, tzinfo=UTC)),
        ("gym", datetime(2026, 3, 17, 13, tzinfo=UTC)),
        ("gym", datetime(2026, 3, 23, 9, tzinfo=UTC)),
    ]
    assert sorted(str(e.icalendar_component["UID"]) for e in plain) == ["absage", "gym"]


def test_a_new_process_answers_from_the_indexes_stored_at_put(live, cal, store):
    """The process cache starts empty after a restart (and in every other gunicorn worker):
    the time indexes stored with the objects give the same answers, for every report."""
    month = tr("20260301T000000Z", "20260401T000000Z")
    asks = [
        lambda: query(live, cal, event(month)),
        lambda: query(
            live,
            cal,
            event(month),
            '<c:calendar-data><c:expand start="20260301T000000Z" end="20260401T000000Z"/></c:calendar-data>',
        ),
        lambda: report(
            live,
            cal,
            '<c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav">'
            '<c:time-range start="20260301T000000Z" end="20260331T000000Z"/></c:free-busy-query>',
        ),
    ]
    warm = [ask().content for ask in asks]
    with store() as s:
        calendar = s.calendar("lobeda")
        assert sorted(name for name, _etag, _index in s.stored_indexes(calendar.id, list(DATA))) == sorted(DATA)
    for ask, expected in zip(asks, warm):
        CACHE.clear()
        assert without_dtstamp(ask().content) == without_dtstamp(expected)


def without_dtstamp(body: bytes) -> bytes:
    """The free-busy answer is stamped with the moment it was made."""
    return re.sub(rb"DTSTAMP:\d{8}T\d{6}Z\r\n", b"", body)
