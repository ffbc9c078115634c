"""Rooms as calendar users: each bookable room is a principal (calendar-user-type ROOM) that
the caldav library, Thunderbird and Apple Calendar find by part of its name or its address,
over real HTTP against the front door."""

from __future__ import annotations

import caldav
import pytest
import requests
from caldav.elements import cdav, dav
from lxml import etree

from tests.support.calendar import booking_message, room_message

NS = {"D": "DAV:", "C": "urn:ietf:params:xml:ns:caldav", "CS": "http://calendarserver.org/ns/"}
T = "{http://treffpunkt-jena.de/ns/}"
ROOM_ADDRESS = "mailto:raum-7@treffpunkt-jena.de"


@pytest.fixture
def world(people, run_task):
    """Room 7 (the Saal, in Lobeda, for 40) with a booking, room 8 (a kitchen) and room 9, no
    longer offered."""
    run_task("calendar.room_changed", room_message())
    run_task("calendar.room_changed", room_message(room_id=8, name="Küche im Anbau", district="Nord", capacity=12))
    run_task("calendar.room_changed", room_message(room_id=9, name="Saal am Markt", revision=1))
    run_task("calendar.room_changed", room_message(room_id=9, name="Saal am Markt", active=False, revision=2))
    run_task("calendar.booking_changed", booking_message())
    return people


def client_for(live, people, username="lena") -> caldav.DAVClient:
    return caldav.DAVClient(url=live.url + "/dav/", username=username, password=people[username]["app_password"])


def report(live, people, path: str, body: str, username: str = "lena", depth: str = "0") -> requests.Response:
    return requests.request(
        "REPORT",
        live.url + path,
        data=body.encode(),
        headers={"Content-Type": "application/xml; charset=utf-8", "Depth": depth},
        auth=(username, people[username]["app_password"]),
        timeout=10,
    )


def hrefs(answer: requests.Response) -> list[str]:
    assert answer.status_code == 207, answer.text
    tree = etree.fromstring(answer.content)
    return [r.findtext("D:href", namespaces=NS) for r in tree.findall("D:response", NS)]


def search(match: str, prop: str = "<D:displayname/>", test: str = "", match_type: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<D:principal-property-search xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" {test}>
  <D:property-search><D:prop>{prop}</D:prop><D:match {match_type}>{match}</D:match></D:property-search>
  <D:prop><D:displayname/><C:calendar-user-type/><C:calendar-user-address-set/></D:prop>
  <D:apply-to-principal-collection-set/>
</D:principal-property-search>"""


def test_the_caldav_library_finds_a_room_by_part_of_its_name(live, world):
    with client_for(live, world) as client:
        found = client.search_principals(name="erdgeschoss")
        assert [str(p.url) for p in found] == [live.url + "/dav/principals/rooms/7/"]
        room = found[0]
        assert room.get_display_name() == "Saal im Erdgeschoss"
        address = room.get_vcal_address()
        assert str(address) == ROOM_ADDRESS
        assert address.params["CUTYPE"] == "ROOM"
        assert address.params["CN"] == "Saal im Erdgeschoss"
        # its calendar home holds the room's calendar, with the booking in it
        calendars = room.calendars()
        assert [c.get_display_name() for c in calendars] == ["Saal im Erdgeschoss"]
        assert str(calendars[0].url) == live.url + "/dav/rooms/7/"
        assert len(calendars[0].events()) == 1
        # "saal" finds both offered Saals' principal, but not the one no longer offered
        names = sorted(p.get_display_name() for p in client.search_principals(name="SAAL"))
        assert names == ["Saal im Erdgeschoss"]
        assert client.search_principals(name="Turnhalle") == []


def test_room_principal_properties(live, world):
    with client_for(live, world) as client:
        room = caldav.Principal(client=client, url=live.url + "/dav/principals/rooms/7/")
        props = room.get_properties([dav.DisplayName(), cdav.CalendarUserType(), dav.ResourceType()])
        assert props[dav.DisplayName.tag] == "Saal im Erdgeschoss"
        assert props[cdav.CalendarUserType.tag] == "ROOM"
        assert room.calendar_user_address_set() == [ROOM_ADDRESS]
    answer = requests.request(
        "PROPFIND",
        live.url + "/dav/principals/rooms/8/",
        data=b"""<D:propfind xmlns:D="DAV:" xmlns:T="http://treffpunkt-jena.de/ns/"
                 xmlns:CS="http://calendarserver.org/ns/">
          <D:prop><T:capacity/><T:district/><T:room-description/><CS:email-address-set/><D:principal-URL/>
          <D:current-user-privilege-set/></D:prop></D:propfind>""",
        headers={"Depth": "0"},
        auth=("lena", world["lena"]["app_password"]),
        timeout=10,
    )
    assert answer.status_code == 207
    tree = etree.fromstring(answer.content)
    assert tree.findtext(f".//{T}capacity") == "12"
    assert tree.findtext(f".//{T}district") == "Nord"
    assert tree.findtext(f".//{T}room-description").startswith("Nord · bis 12 Personen · Karl-Marx-Allee 28")
    assert tree.findtext(".//CS:email-address-set/CS:email-address", namespaces=NS) == "raum-8@treffpunkt-jena.de"
    assert tree.findtext(".//D:principal-URL/D:href", namespaces=NS) == "/dav/principals/rooms/8/"
    privileges = {p.tag for p in tree.find(".//D:current-user-privilege-set", NS).iter() if p.tag.startswith("{DAV:}")}
    assert "{DAV:}write" not in privileges and "{DAV:}read" in privileges
    # a room no longer offered, or never known, is no principal
    for gone in ("9", "4711"):
        answer = requests.request(
            "PROPFIND", live.url + f"/dav/principals/rooms/{gone}/", auth=("lena", world["lena"]["app_password"])
        )
        assert answer.status_code == 404


def test_own_principal_lists_its_address_type_and_outbox(live, world):
    with client_for(live, world) as client:
        me = client.principal()
        assert me.calendar_user_address_set() == ["mailto:lena@example.org"]
        assert me.get_property(cdav.CalendarUserType()) == "INDIVIDUAL"
        assert str(me.schedule_outbox().url) == live.url + "/dav/principals/lena/outbox/"


def test_principal_property_search_by_address_type_and_name(live, world):
    by_address = search("raum-8@", "<C:calendar-user-address-set/>")
    assert hrefs(report(live, world, "/dav/principals/", by_address)) == ["/dav/principals/rooms/8/"]
    # Apple's location search: any of name and address, rooms only by type (allof)
    rooms_named = """<D:principal-property-search xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" test="allof">
      <D:property-search><D:prop><C:calendar-user-type/></D:prop><D:match match-type="equals">ROOM</D:match></D:property-search>
      <D:property-search><D:prop><D:displayname/><C:calendar-user-address-set/></D:prop><D:match>küche</D:match></D:property-search>
      <D:prop><D:displayname/></D:prop></D:principal-property-search>"""
    assert hrefs(report(live, world, "/dav/principals/", rooms_named)) == ["/dav/principals/rooms/8/"]
    anyof = search("Lena", test='test="anyof"')
    assert hrefs(report(live, world, "/dav/principals/", anyof)) == ["/dav/principals/lena/"]
    starts = search("erdgeschoss", match_type='match-type="starts-with"')
    assert hrefs(report(live, world, "/dav/principals/", starts)) == []
    # the people of other partners are not searchable
    assert hrefs(report(live, world, "/dav/principals/", search("Otto"))) == []


def test_principal_search_property_set(live, world):
    body = '<D:principal-search-property-set xmlns:D="DAV:"/>'
    answer = report(live, world, "/dav/principals/", body)
    assert answer.status_code == 200
    tree = etree.fromstring(answer.content)
    offered = {p[0].tag for p in tree.iterfind("D:principal-search-property/D:prop", NS)}
    assert {"{DAV:}displayname", "{urn:ietf:params:xml:ns:caldav}calendar-user-address-set"} <= offered


def test_apple_calendarserver_principal_search_for_locations(live, world):
    body = """<B:calendarserver-principal-search xmlns:B="http://calendarserver.org/ns/" xmlns:A="DAV:" context="location">
      <B:search-token>saal</B:search-token><B:search-token>erd</B:search-token>
      <B:limit><B:nresults>5</B:nresults></B:limit><A:prop><A:displayname/></A:prop>
    </B:calendarserver-principal-search>"""
    assert hrefs(report(live, world, "/dav/principals/", body)) == ["/dav/principals/rooms/7/"]


def test_search_answers_at_most_fifty_and_says_so(live, world, store):
    with store() as s:
        for room_id in range(100, 160):
            s.ensure_room_calendar(room_id, displayname=f"Gruppenraum {room_id}")
    found = hrefs(report(live, world, "/dav/principals/", search("gruppenraum")))
    assert len(found) == 51 and found[-1] == "/dav/principals/"  # 50 rooms, then the 507 for the request
    assert found[:2] == ["/dav/principals/rooms/100/", "/dav/principals/rooms/101/"]


def test_search_needs_login_and_a_sane_body(live, world):
    answer = requests.request("REPORT", live.url + "/dav/principals/", data=search("saal").encode())
    assert answer.status_code == 401
    broken = '<D:principal-property-search xmlns:D="DAV:"><D:property-search/></D:principal-property-search>'
    assert report(live, world, "/dav/principals/", broken).status_code == 400
    # not on a calendar: there it is no report of a calendar collection
    assert report(live, world, "/dav/rooms/7/", search("saal")).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>',
        b'<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>',
    ],
    ids=["empty", "propname", "allprop"],
)
def test_every_property_of_room_principal_and_outbox_answers(live, world, body):
    for path in ("/dav/principals/rooms/7/", "/dav/principals/lena/outbox/", "/dav/principals/lena/"):
        answer = requests.request(
            "PROPFIND",
            live.url + path,
            data=body,
            headers={"Depth": "1"},
            auth=("lena", world["lena"]["app_password"]),
            timeout=10,
        )
        assert answer.status_code == 207, (path, answer.text)
        if path.startswith("/dav/principals/rooms/"):  # the room's calendar is its home's one member
            assert hrefs(answer) == ["/dav/principals/rooms/7/", "/dav/rooms/7/"]
