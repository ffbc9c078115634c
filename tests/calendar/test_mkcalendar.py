"""MKCALENDAR, PROPPATCH and DELETE of calendar collections, and the privileges that announce
them, over real HTTP."""

import caldav
import requests
from lxml import etree

from tests.support.calendar import weekly_event

D, C, I = "{DAV:}", "{urn:ietf:params:xml:ns:caldav}", "{http://apple.com/ns/ical/}"
HOME = "/dav/calendars/lena/"
NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:i="http://apple.com/ns/ical/"'


def dav(live, people, method, path, body=None, user="lena", **headers):
    return requests.request(
        method, live.url + path, data=body, headers=headers, auth=(user, people[user]["app_password"]), timeout=10
    )


def props(live, people, path, *names, user="lena"):
    body = f"<d:propfind {NS}><d:prop>{''.join(names)}</d:prop></d:propfind>"
    return etree.fromstring(dav(live, people, "PROPFIND", path, body, user=user, Depth="0").content)


MKCALENDAR = (
    f"<c:mkcalendar {NS}><d:set><d:prop><d:displayname>Familienzentrum</d:displayname>"
    "<c:calendar-description>Angebote für Familien</c:calendar-description>"
    "<i:calendar-color>#3A7BD5FF</i:calendar-color>"
    '<c:supported-calendar-component-set><c:comp name="VEVENT"/><c:comp name="VTODO"/>'
    "</c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>"
)


def test_mkcalendar_with_properties_then_405(live, people):
    created = dav(live, people, "MKCALENDAR", HOME + "familie/", MKCALENDAR)
    assert created.status_code == 201, created.text
    tree = props(
        live,
        people,
        HOME + "familie/",
        "<d:displayname/>",
        "<c:calendar-description/>",
        "<i:calendar-color/>",
        "<d:resourcetype/>",
        "<d:current-user-privilege-set/>",
    )
    assert tree.findtext(f".//{D}displayname") == "Familienzentrum"
    assert tree.findtext(f".//{C}calendar-description") == "Angebote für Familien"
    assert tree.findtext(f".//{I}calendar-color") == "#3A7BD5FF"
    assert tree.find(f".//{D}resourcetype/{C}calendar") is not None
    privileges = {
        p.tag for p in tree.find(f".//{D}current-user-privilege-set").iter() if p.getparent().tag == f"{D}privilege"
    }
    assert {f"{D}write", f"{D}write-properties", f"{D}write-content"} <= privileges
    assert dav(live, people, "MKCALENDAR", HOME + "familie/", MKCALENDAR).status_code == 405
    # the new calendar takes events and belongs to Lena's partner only
    assert (
        dav(
            live, people, "PUT", HOME + "familie/a.ics", weekly_event("a"), **{"Content-Type": "text/calendar"}
        ).status_code
        == 201
    )
    assert (
        dav(
            live,
            people,
            "PUT",
            "/dav/calendars/otto/familie/a.ics",
            weekly_event("b"),
            user="otto",
            **{"Content-Type": "text/calendar"},
        ).status_code
        == 403
    )


def test_mkcalendar_refusals(live, people, store):
    with store() as s:
        s.ensure_partner_calendar(people["otto"]["partner_id"], "awo", "Angebote AWO")
    assert dav(live, people, "MKCALENDAR", "/dav/calendars/otto/neu/").status_code == 409  # no such home for Lena
    assert dav(live, people, "MKCALENDAR", "/dav/rooms/neu/").status_code == 403
    inside = dav(live, people, "MKCALENDAR", HOME + "awo/neu/")
    assert inside.status_code == 403 and "calendar-collection-location-ok" in inside.text
    assert dav(live, people, "MKCALENDAR", HOME + "awo/").status_code == 405  # Otto's, and it exists
    assert dav(live, people, "MKCALENDAR", HOME + "raum-99/").status_code == 403  # reserved names
    tasks = (  # free/busy objects are no calendar content (tasks are: tests/calendar/test_caldav_tasks.py)
        f'<c:mkcalendar {NS}><d:set><d:prop><c:supported-calendar-component-set><c:comp name="VFREEBUSY"/>'
        "</c:supported-calendar-component-set><d:displayname>Aufgaben</d:displayname></d:prop></d:set></c:mkcalendar>"
    )
    refused = dav(live, people, "MKCALENDAR", HOME + "aufgaben/", tasks)
    assert refused.status_code == 403
    tree = etree.fromstring(refused.content)
    assert tree.tag == f"{C}mkcalendar-response"
    statuses = {s.find(f"{D}prop")[0].tag: s.findtext(f"{D}status") for s in tree.iter(f"{D}propstat")}
    assert statuses == {
        f"{C}supported-calendar-component-set": "HTTP/1.1 403 Forbidden",
        f"{D}displayname": "HTTP/1.1 424 Failed Dependency",
    }
    assert dav(live, people, "PROPFIND", HOME + "aufgaben/", Depth="0").status_code == 404


def test_proppatch_all_or_nothing(live, people, store):
    with store() as s:
        s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH")
        s.ensure_partner_calendar(people["otto"]["partner_id"], "awo", "Angebote AWO")
    ctag = props(live, people, HOME + "lobeda/", "<d:sync-token/>").findtext(f".//{D}sync-token")
    ok = dav(
        live,
        people,
        "PROPPATCH",
        HOME + "lobeda/",
        f"<d:propertyupdate {NS}><d:set><d:prop><d:displayname>MGH Lobeda</d:displayname>"
        "<i:calendar-color>#AA0000</i:calendar-color><i:calendar-order>3</i:calendar-order></d:prop></d:set>"
        "<d:remove><d:prop><c:calendar-description/></d:prop></d:remove></d:propertyupdate>",
    )
    assert ok.status_code == 207 and ok.text.count("HTTP/1.1 200 OK") == 1
    tree = props(
        live,
        people,
        HOME + "lobeda/",
        "<d:displayname/>",
        "<i:calendar-color/>",
        "<i:calendar-order/>",
        "<d:sync-token/>",
    )
    assert (
        tree.findtext(f".//{D}displayname"),
        tree.findtext(f".//{I}calendar-color"),
        tree.findtext(f".//{I}calendar-order"),
    ) == ("MGH Lobeda", "#AA0000", "3")
    assert tree.findtext(f".//{D}sync-token") != ctag  # clients see that something changed

    mixed = dav(
        live,
        people,
        "PROPPATCH",
        HOME + "lobeda/",
        f'<d:propertyupdate {NS}><d:set><d:prop><d:displayname>Neu</d:displayname><d:getetag>"x"</d:getetag>'
        "<i:calendar-color>blau</i:calendar-color></d:prop></d:set></d:propertyupdate>",
    )
    assert mixed.status_code == 207
    stats = {s.find(f"{D}prop")[0].tag: s for s in etree.fromstring(mixed.content).iter(f"{D}propstat")}
    assert stats[f"{D}getetag"].findtext(f"{D}status") == "HTTP/1.1 403 Forbidden"
    assert stats[f"{D}getetag"].find(f"{D}error/{D}cannot-modify-protected-property") is not None
    assert stats[f"{I}calendar-color"].findtext(f"{D}status") == "HTTP/1.1 409 Conflict"
    assert stats[f"{D}displayname"].findtext(f"{D}status") == "HTTP/1.1 424 Failed Dependency"
    assert props(live, people, HOME + "lobeda/", "<d:displayname/>").findtext(f".//{D}displayname") == "MGH Lobeda"

    rename = f"<d:propertyupdate {NS}><d:set><d:prop><d:displayname>Meins</d:displayname></d:prop></d:set></d:propertyupdate>"
    assert dav(live, people, "PROPPATCH", HOME + "awo/", rename).status_code == 403
    assert dav(live, people, "PROPPATCH", "/dav/rooms/7/", rename).status_code in (403, 404)
    other = props(live, people, HOME + "awo/", "<d:current-user-privilege-set/>")
    assert other.find(f".//{D}privilege/{D}write") is None and other.find(f".//{D}privilege/{D}read") is not None


def test_delete_calendar(live, people, store):
    with store() as s:
        cal = s.ensure_partner_calendar(people["lena"]["partner_id"], "alt", "Alter Kalender")
        s.put(cal.id, "a.ics", weekly_event("a"))
        s.ensure_partner_calendar(people["otto"]["partner_id"], "awo", "Angebote AWO")
    assert dav(live, people, "DELETE", HOME + "awo/").status_code == 403
    assert dav(live, people, "DELETE", HOME + "alt/", **{"If-Match": '"rev-0-0"'}).status_code == 412
    assert dav(live, people, "DELETE", HOME + "alt/").status_code == 204
    assert dav(live, people, "PROPFIND", HOME + "alt/", Depth="0").status_code == 404
    assert dav(live, people, "GET", HOME + "alt/a.ics").status_code == 404
    with store() as s:
        assert s.calendar("alt") is None and s.calendar("awo") is not None


def test_caldav_library_creates_renames_and_deletes(live, people):
    client = caldav.DAVClient(url=live.url + "/dav/", username="lena", password=people["lena"]["app_password"])
    principal = client.principal()
    calendar = principal.make_calendar(name="Sommerfest", cal_id="sommerfest")
    calendar.set_properties([caldav.elements.dav.DisplayName("Sommerfest 2026")])
    name = props(live, people, HOME + "sommerfest/", "<d:displayname/>").findtext(f".//{D}displayname")
    assert name == "Sommerfest 2026"
    calendar.save_event(weekly_event("fest", "Sommerfest").decode())
    assert [str(e.icalendar_component["SUMMARY"]) for e in calendar.events()] == ["Sommerfest"]
    calendar.delete()
    assert "sommerfest" not in [str(c.url).rstrip("/").rsplit("/", 1)[-1] for c in principal.calendars()]


def test_calendar_timezone_set_by_a_client_is_returned(live, people, store):
    from xml.sax.saxutils import escape

    with store() as s:
        s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH")
    default = props(live, people, HOME + "lobeda/", "<c:calendar-timezone/>").findtext(f".//{C}calendar-timezone")
    assert "TZID:Europe/Berlin" in default
    london = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"
        "BEGIN:STANDARD\r\nDTSTART:19701025T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
        "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n"
    )
    answer = dav(
        live,
        people,
        "PROPPATCH",
        HOME + "lobeda/",
        f"<d:propertyupdate {NS}><d:set><d:prop><c:calendar-timezone>{escape(london)}"
        "</c:calendar-timezone></d:prop></d:set></d:propertyupdate>",
    )
    assert answer.status_code == 207 and "HTTP/1.1 200 OK" in answer.text
    stored = props(live, people, HOME + "lobeda/", "<c:calendar-timezone/>").findtext(f".//{C}calendar-timezone")
    assert "TZID:Europe/London" in stored
