"""WebDAV/CalDAV details the client library does not show: propname/allprop, principal
properties, multiget, collection GET, Depth, unsupported methods."""

import requests
from lxml import etree

from tests.support.calendar import booking_message, weekly_event

D = "{DAV:}"
C = "{urn:ietf:params:xml:ns:caldav}"


def dav(live, people, method, path, body=None, **headers):
    return requests.request(
        method, live.url + path, data=body, headers=headers, auth=("lena", people["lena"]["app_password"]), timeout=10
    )


def test_principal_properties(live, people):
    body = (
        '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop>'
        "<d:current-user-principal/><d:principal-URL/><d:principal-collection-set/><c:calendar-home-set/>"
        "<c:calendar-user-address-set/><d:getctag-unknown/></d:prop></d:propfind>"
    )
    response = dav(live, people, "PROPFIND", "/dav/principals/lena/", body, Depth="0")
    assert response.status_code == 207
    tree = etree.fromstring(response.content)
    assert tree.findtext(f".//{D}current-user-principal/{D}href") == "/dav/principals/lena/"
    assert tree.findtext(f".//{D}principal-URL/{D}href") == "/dav/principals/lena/"
    assert tree.findtext(f".//{C}calendar-home-set/{D}href") == "/dav/calendars/lena/"
    assert tree.findtext(f".//{C}calendar-user-address-set/{D}href") == "mailto:lena@example.org"
    missing = [s for s in tree.iter(f"{D}propstat") if "404" in s.findtext(f"{D}status")]
    assert missing and missing[0].find(f".//{D}getctag-unknown") is not None
    assert dav(live, people, "PROPFIND", "/dav/principals/otto/", body, Depth="0").status_code == 404


def test_propname_allprop_and_depth(live, people, store):
    with store() as s:
        cal = s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH")
        s.put(cal.id, "a.ics", weekly_event("a"))
    names = etree.fromstring(
        dav(
            live,
            people,
            "PROPFIND",
            "/dav/calendars/lena/lobeda/",
            '<d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>',
            Depth="0",
        ).content
    )
    tags = {el.tag for el in names.find(f".//{D}prop")}
    assert {f"{D}resourcetype", f"{D}getctag", f"{D}sync-token", f"{C}supported-calendar-component-set"} - {
        t.replace("{http://calendarserver.org/ns/}", D) for t in tags
    } == set()
    allprop = etree.fromstring(dav(live, people, "PROPFIND", "/dav/calendars/lena/lobeda/", None, Depth="1").content)
    responses = allprop.findall(f"{D}response")
    assert [r.findtext(f"{D}href") for r in responses] == [
        "/dav/calendars/lena/lobeda/",
        "/dav/calendars/lena/lobeda/a.ics",
    ]
    assert responses[1].findtext(f".//{D}getcontenttype") == "text/calendar; charset=utf-8"
    assert responses[1].find(f".//{D}resourcetype/{D}collection") is None
    assert responses[0].find(f".//{D}resourcetype/{C}calendar") is not None
    zero = etree.fromstring(dav(live, people, "PROPFIND", "/dav/calendars/lena/lobeda/", None, Depth="0").content)
    assert len(zero.findall(f"{D}response")) == 1


def test_depth_one_members_answer_like_get(live, people, store):
    """A depth-1 PROPFIND lists members from their columns alone: size in bytes (not
    characters), the ETag GET sends, privileges as elements, unknown properties as 404 in
    their own namespace, text with markup and CR escaped."""
    with store() as s:
        cal = s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH")
        s.put(cal.id, "ü & <b>.ics", weekly_event("umlaut", summary="Frühstück für Groß & Klein <öffentlich>"))
    body = (
        '<d:propfind xmlns:d="DAV:" xmlns:x="urn:example:other"><d:prop><d:getetag/><d:getcontentlength/>'
        "<d:getcontenttype/><d:resourcetype/><d:current-user-privilege-set/><x:color/></d:prop></d:propfind>"
    )
    response = dav(live, people, "PROPFIND", "/dav/calendars/lena/lobeda/", body, Depth="1")
    assert response.status_code == 207
    member = etree.fromstring(response.content).findall(f"{D}response")[1]
    href = member.findtext(f"{D}href")
    assert href == "/dav/calendars/lena/lobeda/%C3%BC%20%26%20%3Cb%3E.ics"
    got = dav(live, people, "GET", href)
    assert member.findtext(f".//{D}getcontentlength") == str(len(got.content)) != str(len(got.text))
    assert member.findtext(f".//{D}getetag") == got.headers["ETag"]
    assert member.find(f".//{D}resourcetype") is not None and len(member.find(f".//{D}resourcetype")) == 0
    assert member.find(f".//{D}current-user-privilege-set/{D}privilege/{D}write") is not None
    missing = [p for p in member.findall(f"{D}propstat") if "404" in p.findtext(f"{D}status")]
    assert [el.tag for el in missing[0].find(f"{D}prop")] == ["{urn:example:other}color"]
    query = (
        '<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/>'
        f"<c:calendar-data/></d:prop><d:href>{href.replace('&', '&amp;')}</d:href></c:calendar-multiget>"
    )
    data = etree.fromstring(dav(live, people, "REPORT", "/dav/calendars/lena/lobeda/", query, Depth="1").content)
    assert data.findtext(f".//{C}calendar-data").encode() == got.content  # CRLF kept, markup unescaped


def test_multiget_and_collection_get(live, people, run_task):
    run_task("calendar.booking_changed", booking_message(public=True))
    body = (
        '<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/>'
        "<c:calendar-data/></d:prop><d:href>/dav/rooms/7/booking-1@treffpunkt-jena.de.ics</d:href>"
        "<d:href>/dav/rooms/7/fehlt.ics</d:href></c:calendar-multiget>"
    )
    response = dav(live, people, "REPORT", "/dav/rooms/7/", body, Depth="1")
    assert response.status_code == 207
    found, missing = etree.fromstring(response.content).findall(f"{D}response")
    assert "UID:booking-1@treffpunkt-jena.de" in found.findtext(f".//{C}calendar-data")
    assert found.findtext(f".//{D}getetag").startswith('"') and "404" in missing.findtext(f"{D}status")
    whole = dav(live, people, "GET", "/dav/rooms/7/")
    assert whole.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "BEGIN:VTIMEZONE" in whole.text and "Chorprobe der Generationen" in whole.text


def test_not_yet_supported_methods_and_reports(live, people, run_task):
    run_task("calendar.booking_changed", booking_message())
    assert dav(live, people, "LOCK", "/dav/calendars/lena/").status_code == 405
    expand = '<d:expand-property xmlns:d="DAV:"><d:property name="owner"/></d:expand-property>'
    refused = dav(live, people, "REPORT", "/dav/rooms/7/", expand, Depth="0")
    assert refused.status_code == 403 and "supported-report" in refused.text
    assert dav(live, people, "PROPFIND", "/dav/", "<kaputt", Depth="0").status_code == 400
