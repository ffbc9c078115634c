"""What calendar programs expect of the CalDAV server (issue 15): task and journal calendars,
RFC 4791 §9.9's time ranges for tasks, text-match, alarms kept, schedule tags; over real HTTP
with the `caldav` library and raw XML where the library does not reach."""

from datetime import datetime, timezone

import caldav
import pytest
import requests
from lxml import etree
from sqlalchemy import select

from services.calendar.store.models import CalendarObject, PublicOffering

from tests.calendar.test_vdirsyncer import actions, vdirsyncer
from tests.support.calendar import weekly_event

D, C = "{DAV:}", "{urn:ietf:params:xml:ns:caldav}"
NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"'
CS = 'xmlns:cs="http://calendarserver.org/ns/"'
HOME = "/dav/calendars/lena/"
TASKS = HOME + "aufgaben/"
UTC = timezone.utc


def dav(live, people, method, path, body=None, **headers):
    return requests.request(
        method,
        live.url + path,
        data=body.encode() if isinstance(body, str) else body,
        headers=headers,
        auth=("lena", people["lena"]["app_password"]),
        timeout=10,
    )


def vcal(component: str, *lines: str) -> bytes:
    body = "\r\n".join(lines)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//DE\r\nBEGIN:{component}\r\n"
        f"DTSTAMP:20260101T000000Z\r\n{body}\r\nEND:{component}\r\nEND:VCALENDAR\r\n"
    ).encode()


def mkcalendar(live, people, path: str, *components: str):
    comps = "".join(f'<c:comp name="{c}"/>' for c in components)
    body = (
        f"<c:mkcalendar {NS}><d:set><d:prop><d:displayname>Aufgaben</d:displayname>"
        f"<c:supported-calendar-component-set>{comps}</c:supported-calendar-component-set>"
        "</d:prop></d:set></c:mkcalendar>"
    )
    return dav(live, people, "MKCALENDAR", path, body)


def put(live, people, path: str, data: bytes, **headers):
    return dav(live, people, "PUT", path, data, **{"Content-Type": "text/calendar", **headers})


def query(live, people, filter_xml: str, path: str = TASKS, prop: str = "<d:getetag/>"):
    body = (
        f"<c:calendar-query {NS}><d:prop>{prop}</d:prop>"
        f'<c:filter><c:comp-filter name="VCALENDAR">{filter_xml}</c:comp-filter></c:filter></c:calendar-query>'
    )
    return dav(live, people, "REPORT", path, body, Depth="1")


def names(response) -> list[str]:
    assert response.status_code == 207, response.text
    tree = etree.fromstring(response.content)
    return sorted(r.findtext(f"{D}href").rsplit("/", 1)[1] for r in tree.findall(f"{D}response"))


def precondition(response, status: int) -> set[str]:
    assert response.status_code == status, response.text
    return {el.tag for el in etree.fromstring(response.content)}


@pytest.fixture
def tasks(live, people):
    assert mkcalendar(live, people, TASKS, "VTODO", "VJOURNAL").status_code == 201
    return people


def client_for(live, people) -> caldav.DAVClient:
    return caldav.DAVClient(url=live.url + "/dav/", username="lena", password=people["lena"]["app_password"])


# --- task calendars ------------------------------------------------------------------------
def test_task_calendar_with_the_caldav_library(live, people):
    with client_for(live, people) as client:
        principal = client.principal()
        calendar = principal.make_calendar(
            name="Erledigen", cal_id="erledigen", supported_calendar_component_set=["VTODO"]
        )
        assert calendar.get_supported_components() == ["VTODO"]
        first = calendar.save_todo(summary="Stühle stellen", uid="t-stuehle", due=datetime(2026, 3, 2, 10, tzinfo=UTC))
        calendar.save_todo(summary="Kaffee kochen", uid="t-kaffee", dtstart=datetime(2026, 3, 3, 9, tzinfo=UTC))
        token = calendar.objects_by_sync_token(load_objects=True)
        assert {o.icalendar_component["UID"] for o in token} == {"t-stuehle", "t-kaffee"}
        assert {str(t.icalendar_component["SUMMARY"]) for t in calendar.todos()} == {"Stühle stellen", "Kaffee kochen"}
        first.complete(completion_timestamp=datetime(2026, 3, 1, 12, tzinfo=UTC))
        # the library's default leaves completed tasks out (a text-match/is-not-defined query)
        assert [str(t.icalendar_component["SUMMARY"]) for t in calendar.todos()] == ["Kaffee kochen"]
        assert len(calendar.todos(include_completed=True)) == 2
        found = calendar.search(todo=True, summary="Kaffee", include_completed=True)  # i;octet
        assert [str(t.icalendar_component["UID"]) for t in found] == ["t-kaffee"]
        changed = calendar.objects_by_sync_token(sync_token=token.sync_token, load_objects=True)
        assert [o.icalendar_component["UID"] for o in changed] == ["t-stuehle"]
        assert changed.sync_token != token.sync_token
        # an event is not a task: refused with the precondition, as RFC 4791 §5.3.2.1 says
        with pytest.raises(caldav.lib.error.DAVError):
            calendar.save_event(
                summary="Fest",
                uid="e-fest",
                dtstart=datetime(2026, 3, 2, 10, tzinfo=UTC),
                dtend=datetime(2026, 3, 2, 11, tzinfo=UTC),
            )


def test_component_set_is_honoured_and_reported(live, tasks):
    event = vcal("VEVENT", "UID:e1", "SUMMARY:Fest", "DTSTART:20260302T100000Z", "DTEND:20260302T110000Z")
    tags = precondition(put(live, tasks, TASKS + "e1.ics", event), 403)
    assert f"{C}supported-calendar-component" in tags
    body = f"<d:propfind {NS}><d:prop><c:supported-calendar-component-set/><cs:getctag {CS}/></d:prop></d:propfind>"
    before = etree.fromstring(dav(live, tasks, "PROPFIND", TASKS, body, Depth="0").content)
    journal = vcal("VJOURNAL", "UID:j1", "SUMMARY:Protokoll", "DTSTART;VALUE=DATE:20260302")
    assert put(live, tasks, TASKS + "j1.ics", journal).status_code == 201
    tree = etree.fromstring(dav(live, tasks, "PROPFIND", TASKS, body, Depth="0").content)
    assert sorted(c.get("name") for c in tree.iter(f"{C}comp")) == ["VJOURNAL", "VTODO"]
    ctag = "{http://calendarserver.org/ns/}getctag"
    assert tree.findtext(f".//{ctag}") and tree.findtext(f".//{ctag}") != before.findtext(f".//{ctag}")
    multiget = (
        f"<c:calendar-multiget {NS}><d:prop><d:getetag/><c:calendar-data/></d:prop>"
        f"<d:href>{TASKS}j1.ics</d:href><d:href>{TASKS}fehlt.ics</d:href></c:calendar-multiget>"
    )
    got = etree.fromstring(dav(live, tasks, "REPORT", TASKS, multiget, Depth="1").content)
    assert got.findtext(f".//{C}calendar-data") == journal.decode()
    assert "404" in got.findall(f"{D}response")[1].findtext(f"{D}status")
    # an extended MKCOL names its components too (RFC 5689)
    mkcol = (
        f"<d:mkcol {NS}><d:set><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype>"
        '<c:supported-calendar-component-set><c:comp name="VJOURNAL"/></c:supported-calendar-component-set>'
        "</d:prop></d:set></d:mkcol>"
    )
    assert (
        dav(live, tasks, "MKCOL", HOME + "tagebuch/", mkcol, **{"Content-Type": "application/xml"}).status_code == 201
    )
    tree = etree.fromstring(dav(live, tasks, "PROPFIND", HOME + "tagebuch/", body, Depth="0").content)
    assert [c.get("name") for c in tree.iter(f"{C}comp")] == ["VJOURNAL"]
    todo = vcal("VTODO", "UID:t9", "SUMMARY:x")
    assert f"{C}supported-calendar-component" in precondition(put(live, tasks, HOME + "tagebuch/t9.ics", todo), 403)
    # a calendar made without a set keeps taking events only
    assert dav(live, tasks, "MKCALENDAR", HOME + "termine/").status_code == 201
    tree = etree.fromstring(dav(live, tasks, "PROPFIND", HOME + "termine/", body, Depth="0").content)
    assert [c.get("name") for c in tree.iter(f"{C}comp")] == ["VEVENT"]


# --- RFC 4791 §9.9: time ranges on tasks ---------------------------------------------------
# Range [start, end) of the query is 2026-03-10 10:00 to 12:00 UTC for every row.
TODO_CASES = [
    # DTSTART + DURATION: start <= DTSTART+DURATION AND (end > DTSTART OR end >= DTSTART+DURATION)
    (["DTSTART:20260310T090000Z", "DURATION:PT1H"], True),  # ends exactly at the range's start
    (["DTSTART:20260310T080000Z", "DURATION:PT1H"], False),
    (["DTSTART:20260310T120000Z", "DURATION:PT1H"], False),  # starts at the range's end
    # DTSTART + DUE: (start < DUE OR start <= DTSTART) AND (end > DTSTART OR end >= DUE)
    (["DTSTART:20260310T110000Z", "DUE:20260310T130000Z"], True),
    (["DTSTART:20260310T080000Z", "DUE:20260310T100000Z"], False),  # due at the range's start
    (["DTSTART:20260310T100000Z", "DUE:20260310T100000Z"], True),  # start <= DTSTART
    # DTSTART only: start <= DTSTART AND end > DTSTART
    (["DTSTART:20260310T100000Z"], True),
    (["DTSTART:20260310T120000Z"], False),
    # DUE only: start < DUE AND end >= DUE
    (["DUE:20260310T120000Z"], True),  # due at the range's end still counts
    (["DUE:20260310T100000Z"], False),
    # COMPLETED + CREATED: (start <= CREATED OR start <= COMPLETED) AND (end >= CREATED OR end >= COMPLETED)
    (["CREATED:20260301T000000Z", "COMPLETED:20260310T110000Z"], True),
    (["CREATED:20260301T000000Z", "COMPLETED:20260309T110000Z"], False),
    # COMPLETED only: start <= COMPLETED AND end >= COMPLETED
    (["COMPLETED:20260310T120000Z"], True),
    (["COMPLETED:20260310T095959Z"], False),
    # CREATED only: end > CREATED
    (["CREATED:20260301T000000Z"], True),
    (["CREATED:20260310T120000Z"], False),
    # none of them: always
    ([], True),
    # a weekly task: its instance of 2026-03-10 (the third) meets the range, that of the 17th not
    (["DTSTART:20260224T103000Z", "DUE:20260224T113000Z", "RRULE:FREQ=WEEKLY;COUNT=3"], True),
    (["DTSTART:20260224T103000Z", "DUE:20260224T113000Z", "RRULE:FREQ=WEEKLY;COUNT=2"], False),
]


@pytest.mark.parametrize("times,expected", TODO_CASES)
def test_todo_time_range_table(live, tasks, times, expected):
    assert put(live, tasks, TASKS + "t.ics", vcal("VTODO", "UID:t", "SUMMARY:Aufgabe", *times)).status_code == 201
    rng = '<c:comp-filter name="VTODO"><c:time-range start="20260310T100000Z" end="20260310T120000Z"/></c:comp-filter>'
    assert names(query(live, tasks, rng)) == (["t.ics"] if expected else [])
    # the same answer with data asked for (the path that loads every candidate's data)
    assert names(query(live, tasks, rng, prop="<c:calendar-data/>")) == (["t.ics"] if expected else [])


def test_journal_time_range(live, tasks):
    put(live, tasks, TASKS + "j1.ics", vcal("VJOURNAL", "UID:j1", "DTSTART;VALUE=DATE:20260310"))
    put(live, tasks, TASKS + "j2.ics", vcal("VJOURNAL", "UID:j2", "DTSTART:20260311T090000Z"))
    put(live, tasks, TASKS + "j3.ics", vcal("VJOURNAL", "UID:j3", "SUMMARY:ohne Datum"))

    def journals(start, end):
        return names(
            query(
                live,
                tasks,
                f'<c:comp-filter name="VJOURNAL"><c:time-range start="{start}" end="{end}"/></c:comp-filter>',
            )
        )

    assert journals("20260310T120000Z", "20260310T130000Z") == ["j1.ics"]  # a DATE is its whole day
    assert journals("20260311T090000Z", "20260311T090001Z") == ["j2.ics"]
    assert journals("20260311T080000Z", "20260311T090000Z") == []
    assert names(query(live, tasks, "")) == ["j1.ics", "j2.ics", "j3.ics"]  # no component filter: all


# --- text-match ----------------------------------------------------------------------------
def text_filter(prop: str, text: str, extra: str = "", component: str = "VTODO") -> str:
    return (
        f'<c:comp-filter name="{component}"><c:prop-filter name="{prop}">'
        f"<c:text-match {extra}>{text}</c:text-match></c:prop-filter></c:comp-filter>"
    )


def test_text_match(live, tasks):
    put(live, tasks, TASKS + "a.ics", vcal("VTODO", "UID:a", "SUMMARY:ÜBERWEISUNG prüfen", "CATEGORIES:Büro,Geld"))
    put(
        live,
        tasks,
        TASKS + "b.ics",
        vcal("VTODO", "UID:b", "SUMMARY:Einkauf", "CATEGORIES:Küche", "LOCATION;LANGUAGE=de:Markt"),
    )
    unicode = 'collation="i;unicode-casemap"'
    assert names(query(live, tasks, text_filter("SUMMARY", "überweisung", unicode))) == ["a.ics"]
    # i;ascii-casemap (the default) folds A-Z only: Ü and ü differ there
    assert names(query(live, tasks, text_filter("SUMMARY", "überweisung"))) == []
    assert names(query(live, tasks, text_filter("SUMMARY", "PRÜFEN"))) == []
    assert names(query(live, tasks, text_filter("SUMMARY", "einkauf"))) == ["b.ics"]
    assert names(query(live, tasks, text_filter("SUMMARY", "einkauf", 'negate-condition="yes"'))) == ["a.ics"]
    assert names(query(live, tasks, text_filter("CATEGORIES", "KÜCHE", unicode))) == ["b.ics"]
    assert names(query(live, tasks, text_filter("UID", "A"))) == ["a.ics"]
    assert names(query(live, tasks, text_filter("LOCATION", "markt"))) == ["b.ics"]
    param = (
        '<c:comp-filter name="VTODO"><c:prop-filter name="LOCATION"><c:param-filter name="LANGUAGE">'
        "<c:text-match>DE</c:text-match></c:param-filter></c:prop-filter></c:comp-filter>"
    )
    assert names(query(live, tasks, param)) == ["b.ics"]
    refused = query(live, tasks, text_filter("SUMMARY", "x", 'collation="i;basic"'))
    assert f"{C}supported-collation" in precondition(refused, 403)
    # only VCALENDAR: every object, whatever its component
    assert names(query(live, tasks, "")) == ["a.ics", "b.ics"]


# --- alarms and schedule tags --------------------------------------------------------------
def test_valarm_round_trip(live, tasks):
    alarm = ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Erinnerung", "TRIGGER;RELATED=END:-PT15M", "END:VALARM"]
    data = vcal("VTODO", "UID:mit-alarm", "SUMMARY:Anruf", "DUE:20260310T120000Z", *alarm)
    assert put(live, tasks, TASKS + "alarm.ics", data).status_code == 201
    assert dav(live, tasks, "GET", TASKS + "alarm.ics").content == data  # byte for byte
    reported = query(live, tasks, '<c:comp-filter name="VTODO"/>', prop="<c:calendar-data/>")
    assert "TRIGGER;RELATED=END:-PT15M" in etree.fromstring(reported.content).findtext(f".//{C}calendar-data")


def test_schedule_tag(live, people):
    assert dav(live, people, "MKCALENDAR", HOME + "treffen/").status_code == 201
    path = HOME + "treffen/m.ics"
    lines = [
        "UID:m",
        "SUMMARY:Planung",
        "DTSTART:20260310T100000Z",
        "DTEND:20260310T110000Z",
        "ORGANIZER:mailto:lena@example.org",
        "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:otto@example.org",
    ]
    created = put(live, people, path, vcal("VEVENT", *lines))
    assert created.status_code == 201
    tag = created.headers["Schedule-Tag"]
    got = dav(live, people, "GET", path)
    assert got.headers["Schedule-Tag"] == tag
    body = f"<d:propfind {NS}><d:prop><c:schedule-tag/></d:prop></d:propfind>"
    tree = etree.fromstring(dav(live, people, "PROPFIND", path, body, Depth="0").content)
    assert tree.findtext(f".//{C}schedule-tag") == tag
    changed = put(live, people, path, vcal("VEVENT", *lines, "LOCATION:Saal"), **{"If-Schedule-Tag-Match": tag})
    assert changed.status_code == 204 and changed.headers["Schedule-Tag"] != tag
    stale = put(live, people, path, vcal("VEVENT", *lines, "LOCATION:Keller"), **{"If-Schedule-Tag-Match": tag})
    assert stale.status_code == 412
    assert "Saal" in dav(live, people, "GET", path).text
    # listed and queried objects carry it too (the caldav library asks for it in every search)
    current = changed.headers["Schedule-Tag"]
    listing = etree.fromstring(dav(live, people, "PROPFIND", HOME + "treffen/", body, Depth="1").content)
    reported = etree.fromstring(query(live, people, "", HOME + "treffen/", "<c:schedule-tag/>").content)
    for tree in (listing, reported):
        assert [t.text for t in tree.iter(f"{C}schedule-tag") if t.text] == [current]  # p.ics: 404
    assert dav(live, people, "DELETE", path, **{"If-Schedule-Tag-Match": tag}).status_code == 412
    assert dav(live, people, "DELETE", path, **{"If-Schedule-Tag-Match": current}).status_code == 204
    # no organizer, no scheduling object: no tag
    plain = put(live, people, HOME + "treffen/p.ics", vcal("VEVENT", "UID:p", "DTSTART:20260310T100000Z"))
    assert plain.status_code == 201 and "Schedule-Tag" not in plain.headers
    assert "Schedule-Tag" not in dav(live, people, "GET", HOME + "treffen/p.ics").headers


# --- tasks stay out of the public pages -----------------------------------------------------
def test_public_tasks_are_no_offerings(live, people, store):
    """A task written like a public offering (class, categories, audience) in a public calendar
    that takes events and tasks: the event is indexed for the public pages, the task never."""
    assert mkcalendar(live, people, HOME + "gemischt/", "VEVENT", "VTODO").status_code == 201
    event = weekly_event("offen", "Offener Treff")
    todo = event.replace(b"VEVENT", b"VTODO").replace(b"DTEND;", b"DUE;").replace(b"UID:offen", b"UID:aufgabe")
    assert put(live, people, HOME + "gemischt/offen.ics", event).status_code == 201
    assert put(live, people, HOME + "gemischt/aufgabe.ics", todo).status_code == 201
    with store() as s:
        indexed = s.session.scalars(
            select(CalendarObject.name).join(PublicOffering, PublicOffering.object_id == CalendarObject.id)
        ).all()
    assert indexed == ["offen.ics"]
    assert dav(live, people, "GET", HOME + "gemischt/aufgabe.ics").content == todo


# --- vdirsyncer with a task list ------------------------------------------------------------
def test_vdirsyncer_syncs_a_task_list(live, tasks, tmp_path):
    config = tmp_path / "config"
    config.write_text(f"""[general]
status_path = "{tmp_path}/status/"

[pair aufgaben]
a = "ordner"
b = "treffpunkt"
collections = null

[storage ordner]
type = "filesystem"
path = "{tmp_path}/ordner/"
fileext = ".ics"

[storage treffpunkt]
type = "caldav"
url = "{live.url}{TASKS}"
item_types = ["VTODO"]
username = "lena"
password = "{tasks["lena"]["app_password"]}"
""")
    (tmp_path / "ordner").mkdir()
    put(live, tasks, TASKS + "server.ics", vcal("VTODO", "UID:server", "SUMMARY:Vom Server", "DUE:20260310T120000Z"))
    (tmp_path / "ordner" / "lokal.ics").write_bytes(vcal("VTODO", "UID:lokal", "SUMMARY:Von hier"))
    vdirsyncer(config, "discover")
    first = actions(vdirsyncer(config, "sync"))
    assert len(first) == 2, first
    assert actions(vdirsyncer(config, "sync")) == []
    assert "Vom Server" in "".join(p.read_text() for p in (tmp_path / "ordner").iterdir())
    todos = query(live, tasks, '<c:comp-filter name="VTODO"/>', prop="<c:calendar-data/>")
    assert "Von hier" in todos.text


def test_expand_recurring_and_dateless_tasks(live, tasks):
    weekly = ["DTSTART:20260224T103000Z", "DUE:20260224T113000Z", "RRULE:FREQ=WEEKLY;COUNT=3"]
    put(live, tasks, TASKS + "woche.ics", vcal("VTODO", "UID:woche", "SUMMARY:Wöchentlich", *weekly))
    put(live, tasks, TASKS + "irgendwann.ics", vcal("VTODO", "UID:irgendwann", "SUMMARY:Irgendwann"))
    rng = 'start="20260301T000000Z" end="20260401T000000Z"'
    prop = f"<c:calendar-data><c:expand {rng}/></c:calendar-data>"
    response = query(live, tasks, f'<c:comp-filter name="VTODO"><c:time-range {rng}/></c:comp-filter>', prop=prop)
    tree = etree.fromstring(response.content)
    data = {
        r.findtext(f"{D}href").rsplit("/", 1)[1]: r.findtext(f".//{C}calendar-data") for r in tree.iter(f"{D}response")
    }
    assert sorted(data) == ["irgendwann.ics", "woche.ics"]
    assert data["woche.ics"].count("BEGIN:VTODO") == 2  # 3rd and 10th of March
    assert "RECURRENCE-ID:20260303T103000Z" in data["woche.ics"] and "RRULE" not in data["woche.ics"]
    assert data["irgendwann.ics"].count("BEGIN:VTODO") == 1  # no dates: in every range, as it is
