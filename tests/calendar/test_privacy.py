"""Private and confidential events over real HTTP: other partners see busy time only on every
way out of CalDAV (GET, PROPFIND, multiget, calendar-query with text-match and expand, sync);
the coordination office sees confidential ones; feeds carry an allow-list, never personal data."""

from datetime import datetime, timezone

import pytest
import recurring_ical_events
import requests
from icalendar import Calendar
from lxml import etree

from shared.timezones import berlin_vtimezone

D = "{DAV:}"
NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"'
# what private and confidential components hold: no other partner may read it
SECRETS = (
    "Personalgespräch",
    "Kündigung",
    "Büro 3",
    "personal@example.org",
    "Fördermittel",
    "12.000",
    "Trauerfall",
    "Erinnerung",
)
# personal data on a public offering: fine for the network's staff, never in a public feed
PERSONAL = ("mueller@example.org", "leitung@example.org", "0171 555", "Schlüssel")


def resource(*components: str) -> bytes:
    tz = berlin_vtimezone().to_ical().decode().strip()
    return "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//DE", tz, *components, "END:VCALENDAR", ""]
    ).encode()


def vevent(*lines: str) -> str:
    return "\r\n".join(["BEGIN:VEVENT", "DTSTAMP:20260101T000000Z", *lines, "END:VEVENT"])


PRIVATE = resource(
    vevent(
        "UID:geheim",
        "SUMMARY:Personalgespräch Müller",
        "DESCRIPTION:Kündigung besprechen",
        "LOCATION:Büro 3",
        "CLASS:PRIVATE",
        "DTSTART;TZID=Europe/Berlin:20260608T140000",
        "DTEND;TZID=Europe/Berlin:20260608T150000",
        "ATTENDEE;CN=Personalrat:mailto:personal@example.org",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:Erinnerung Personalgespräch",
        "TRIGGER:-PT15M",
        "END:VALARM",
    )
)
CONFIDENTIAL = resource(
    vevent(
        "UID:vertraulich",
        "SUMMARY:Fördermittelantrag",
        "DESCRIPTION:Budget 12.000 Euro",
        "CLASS:CONFIDENTIAL",
        "DTSTART;TZID=Europe/Berlin:20260609T100000",
        "DTEND;TZID=Europe/Berlin:20260609T110000",
    )
)
# a public weekly offering with personal data on it and one date changed privately
OFFERING = resource(
    vevent(
        "UID:chor",
        "SUMMARY:Chor der Generationen",
        "DESCRIPTION:Alle sind willkommen",
        "CLASS:PUBLIC",
        "LOCATION:Saal",
        "CATEGORIES:Kultur",
        "X-TREFFPUNKT-AUDIENCE:Alle",
        "DTSTART;TZID=Europe/Berlin:20260601T180000",
        "DTEND;TZID=Europe/Berlin:20260601T193000",
        "RRULE:FREQ=WEEKLY",
        "ORGANIZER;CN=Leitung:mailto:leitung@example.org",
        "ATTENDEE;CN=Max Müller:mailto:mueller@example.org",
        "CONTACT:Frau Schulz\\, 0171 5550123",
        "X-SECRET-NOTE:Schlüssel beim Hausmeister",
    ),
    vevent(
        "UID:chor",
        "SUMMARY:Trauerfall Familie Schmidt",
        "CLASS:PRIVATE",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260615T180000",
        "DTSTART;TZID=Europe/Berlin:20260615T180000",
        "DTEND;TZID=Europe/Berlin:20260615T193000",
    ),
)
CAL = "/dav/calendars/{user}/lobeda/"


@pytest.fixture
def lobeda(people, store):
    with store() as s:
        calendar = s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH")
        for name, data in (("geheim.ics", PRIVATE), ("vertraulich.ics", CONFIDENTIAL), ("chor.ics", OFFERING)):
            s.put(calendar.id, name, data)
    return people


def dav(live, people, user, method, name="", body=None, **headers):
    return requests.request(
        method,
        live.url + CAL.format(user=user) + name,
        data=body,
        headers=headers,
        auth=(user, people[user]["app_password"]),
        timeout=30,
    )


def leaked(text: str, words=SECRETS) -> list[str]:
    return [word for word in words if word in text]


def calendar_data(response) -> str:
    assert response.status_code == 207, response.text
    return "".join(el.text or "" for el in etree.fromstring(response.content).iter("{*}calendar-data"))


def test_other_partner_gets_busy_time_only_from_get_and_propfind(live, lobeda):
    event = dav(live, lobeda, "otto", "GET", "geheim.ics")
    assert event.status_code == 200 and leaked(event.text) == []
    component = Calendar.from_ical(event.content).walk("VEVENT")[0]
    assert str(component["SUMMARY"]) == "Beschäftigt"
    assert component["DTSTART"].dt == datetime(2026, 6, 8, 12, tzinfo=timezone.utc)
    whole = dav(live, lobeda, "otto", "GET")
    assert whole.status_code == 200 and leaked(whole.text) == [] and "Chor der Generationen" in whole.text
    body = f"<d:propfind {NS}><d:prop><c:calendar-data/></d:prop></d:propfind>"
    assert leaked(calendar_data(dav(live, lobeda, "otto", "PROPFIND", "geheim.ics", body, Depth="0"))) == []


def test_other_partner_gets_busy_time_only_from_every_report(live, lobeda):
    names = ("geheim.ics", "vertraulich.ics", "chor.ics")
    hrefs = "".join(f"<d:href>{CAL.format(user='otto')}{n}</d:href>" for n in names)
    multiget = f"<c:calendar-multiget {NS}><d:prop><d:getetag/><c:calendar-data/></d:prop>{hrefs}</c:calendar-multiget>"
    query = (
        f"<c:calendar-query {NS}><d:prop><d:getetag/><c:calendar-data>{{expand}}</c:calendar-data></d:prop>"
        '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range '
        'start="20260601T000000Z" end="20260701T000000Z"/></c:comp-filter></c:comp-filter></c:filter>'
        "</c:calendar-query>"
    )
    sync = (
        f"<d:sync-collection {NS}><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/>"
        "<c:calendar-data/><d:getcontenttype/></d:prop></d:sync-collection>"
    )
    bodies = {
        "multiget": multiget,
        "query": query.format(expand=""),
        "sync": sync,
        "expand": query.format(expand='<c:expand start="20260601T000000Z" end="20260701T000000Z"/>'),
    }
    for what, body in bodies.items():
        text = calendar_data(dav(live, lobeda, "otto", "REPORT", "", body, Depth="1"))
        assert leaked(text) == [], what
        assert "Beschäftigt" in text and "Chor der Generationen" in text, what


def text_match(live, people, user, words: str) -> list[str]:
    body = (
        f'<c:calendar-query {NS}><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR">'
        f'<c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match>{words}</c:text-match>'
        "</c:prop-filter></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>"
    )
    response = dav(live, people, user, "REPORT", "", body.encode(), Depth="1")
    assert response.status_code == 207, response.text
    return [h.text.rsplit("/", 1)[-1] for h in etree.fromstring(response.content).iter(f"{D}href")]


def test_a_text_match_does_not_find_what_the_reader_may_not_see(live, lobeda):
    assert text_match(live, lobeda, "otto", "Personalgespräch") == []
    assert text_match(live, lobeda, "otto", "Trauerfall") == []
    assert text_match(live, lobeda, "otto", "Fördermittel") == []
    assert text_match(live, lobeda, "lena", "Personalgespräch") == ["geheim.ics"]
    assert text_match(live, lobeda, "lena", "Trauerfall") == ["chor.ics"]


def test_coordination_office_sees_confidential_but_not_private_details(live, lobeda):
    assert text_match(live, lobeda, "kora", "Fördermittel") == ["vertraulich.ics"]
    assert text_match(live, lobeda, "kora", "Personalgespräch") == []
    confidential = dav(live, lobeda, "kora", "GET", "vertraulich.ics").text
    private = dav(live, lobeda, "kora", "GET", "geheim.ics").text
    assert "Budget 12.000" in confidential and leaked(private) == []


def test_the_owning_partner_sees_everything(live, lobeda):
    for name, words in (
        ("geheim.ics", ("Personalgespräch", "Kündigung", "personal@example.org", "Erinnerung")),
        ("chor.ics", ("Trauerfall", "0171 555", "leitung@example.org")),
    ):
        text = dav(live, lobeda, "lena", "GET", name).text
        assert all(w in text for w in words), name


def test_network_feed_carries_an_allow_list_and_no_private_date(calendar_app, lobeda):
    feed = calendar_app.test_client().get("/feeds/network.ics")
    assert feed.status_code == 200
    text = feed.get_data(as_text=True)
    assert leaked(text) == [] and leaked(text, PERSONAL) == []
    assert not any(word in text for word in ("ATTENDEE", "ORGANIZER", "CONTACT", "X-SECRET", "VALARM"))
    event = Calendar.from_ical(feed.data)
    assert {str(e["SUMMARY"]) for e in event.walk("VEVENT")} == {"Chor der Generationen"}
    chor = event.walk("VEVENT")[0]
    assert str(chor["LOCATION"]) == "Saal" and "X-TREFFPUNKT-AUDIENCE" in chor
    # the privately changed date is not shown as the regular one either
    dates = [o["DTSTART"].dt.day for o in recurring_ical_events.of(event).between((2026, 6, 1), (2026, 6, 30))]
    assert dates == [1, 8, 22, 29]


def test_room_feed_shows_private_bookings_as_busy(calendar_app, run_task):
    from tests.support.calendar import booking_message

    run_task("calendar.booking_changed", booking_message(public=False, title="Therapiegruppe Sucht"))
    text = calendar_app.test_client().get("/feeds/rooms/7.ics").get_data(as_text=True)
    assert "SUMMARY:Belegt" in text and "Therapiegruppe" not in text
