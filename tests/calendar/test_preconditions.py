"""CalDAV preconditions with their XML error bodies, and ETag handling on PUT, over real HTTP."""

import pytest
import requests
from lxml import etree

from tests.support.calendar import weekly_event

D, C = "{DAV:}", "{urn:ietf:params:xml:ns:caldav}"
CAL = "/dav/calendars/lena/lobeda/"


def dav(live, people, method, path, body=None, **headers):
    return requests.request(
        method, live.url + path, data=body, headers=headers, auth=("lena", people["lena"]["app_password"]), timeout=10
    )


def put(live, people, name, data, **headers):
    return dav(live, people, "PUT", CAL + name, data, **{"Content-Type": "text/calendar", **headers})


def error_of(response, status):
    assert response.status_code == status, response.text
    tree = etree.fromstring(response.content)
    assert tree.tag == f"{D}error"
    return tree


@pytest.fixture(autouse=True)
def lobeda(people, store):
    with store() as s:
        s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH")


def test_supported_component_advertised_and_enforced(live, people):
    body = (
        '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop>'
        "<c:supported-calendar-component-set/><c:max-resource-size/></d:prop></d:propfind>"
    )
    tree = etree.fromstring(dav(live, people, "PROPFIND", CAL, body, Depth="0").content)
    assert [c.get("name") for c in tree.iter(f"{C}comp")] == ["VEVENT"]
    assert tree.findtext(f".//{C}max-resource-size") == str(1024 * 1024)
    todo = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//DE\r\nBEGIN:VTODO\r\nUID:t1\r\n"
        b"DTSTAMP:20260101T000000Z\r\nSUMMARY:Aufgabe\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )
    tree = error_of(put(live, people, "t1.ics", todo), 403)
    assert tree.find(f"{C}supported-calendar-component") is not None
    assert dav(live, people, "GET", CAL + "t1.ics").status_code == 404


def test_max_resource_size(live, people):
    padding = "DESCRIPTION:" + "x" * (1024 * 1024)
    tree = error_of(put(live, people, "gross.ics", weekly_event("gross", extra=padding)), 413)
    assert tree.find(f"{C}max-resource-size") is not None


def test_valid_calendar_data_and_one_uid_per_resource(live, people):
    assert error_of(put(live, people, "x.ics", b"kein iCalendar"), 403).find(f"{C}valid-calendar-data") is not None
    two = weekly_event("eins").replace(
        b"END:VCALENDAR",
        b"BEGIN:VEVENT\r\nUID:zwei\r\nDTSTAMP:20260101T000000Z\r\n"
        b"DTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR",
    )
    tree = error_of(put(live, people, "zwei.ics", two), 403)
    assert tree.find(f"{C}valid-calendar-data") is not None and "UID" in tree.findtext(".//{*}message")


def test_no_uid_conflict_names_the_holder(live, people):
    assert put(live, people, "erst.ics", weekly_event("gleich")).status_code == 201
    tree = error_of(put(live, people, "zweit.ics", weekly_event("gleich")), 409)
    assert tree.findtext(f"{C}no-uid-conflict/{D}href") == CAL + "erst.ics"


def test_strong_etags_and_conditional_requests(live, people):
    created = put(live, people, "a.ics", weekly_event("a"), **{"If-None-Match": "*"})
    assert created.status_code == 201
    etag = created.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert dav(live, people, "GET", CAL + "a.ics").headers["ETag"] == etag
    assert put(live, people, "a.ics", weekly_event("a"), **{"If-None-Match": "*"}).status_code == 412
    assert put(live, people, "a.ics", weekly_event("a", "Neu"), **{"If-Match": '"veraltet"'}).status_code == 412
    changed = put(live, people, "a.ics", weekly_event("a", "Neu"), **{"If-Match": etag})
    assert changed.status_code == 204 and changed.headers["ETag"] != etag
    assert dav(live, people, "GET", CAL + "a.ics").headers["ETag"] == changed.headers["ETag"]
    assert dav(live, people, "DELETE", CAL + "a.ics", **{"If-Match": etag}).status_code == 412
    assert dav(live, people, "DELETE", CAL + "a.ics", **{"If-Match": changed.headers["ETag"]}).status_code == 204
