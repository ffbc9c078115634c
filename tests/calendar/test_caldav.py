"""CalDAV with the real `caldav` client library (and raw HTTP where a client hides the
status) against the front door served over real HTTP."""

from datetime import datetime, timezone

import caldav
import pytest
import requests
from caldav.lib import error as caldav_error
from lxml import etree

from tests.support.calendar import booking_message, room_message, weekly_event

UTC = timezone.utc


@pytest.fixture
def world(people, store, run_task):
    """Lena (MGH Lobeda) and Otto (AWO Nord) each with a calendar; one room with a booking."""
    with store() as s:
        s.ensure_partner_calendar(people["otto"]["partner_id"], "awo-angebote", "Angebote AWO Nord")
        s.put(s.calendar("awo-angebote").id, "tisch.ics", weekly_event("tisch", "Mittagstisch", ("Essen",), "Alle"))
    run_task("calendar.room_changed", room_message())
    run_task("calendar.booking_changed", booking_message(public=False))
    return people


def client_for(live, people, username="lena") -> caldav.DAVClient:
    return caldav.DAVClient(url=live.url + "/dav/", username=username, password=people[username]["app_password"])


def calendars_by_name(principal) -> dict:
    return {c.get_display_name(): c for c in principal.calendars()}


def own_calendar(principal):
    return next(
        c for name, c in calendars_by_name(principal).items() if name.startswith("Angebote – Mehrgenerationenhaus")
    )


def test_discovery_lists_own_other_and_room_calendars(live, world):
    with client_for(live, world) as client:
        principal = client.principal()
        assert str(principal.url).endswith("/dav/principals/lena/")
        names = set(calendars_by_name(principal))
    assert "Angebote – Mehrgenerationenhaus Lobeda" in names  # created on first visit
    assert {"Angebote AWO Nord", "Saal im Erdgeschoss"} <= names


def test_well_known_redirects_and_login_is_required(live, world):
    redirect = requests.get(live.url + "/.well-known/caldav", allow_redirects=False, timeout=10)
    assert redirect.status_code == 301 and redirect.headers["Location"].endswith("/dav/")
    # PROPFIND there is answered in place (like /dav/), after login
    anonymous = requests.request("PROPFIND", live.url + "/.well-known/caldav", allow_redirects=False, timeout=10)
    assert anonymous.status_code == 401
    anonymous = requests.request("PROPFIND", live.url + "/dav/", timeout=10)
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith("Basic")
    wrong = requests.request("PROPFIND", live.url + "/dav/", auth=("lena", "falsch"), timeout=10)
    assert wrong.status_code == 401
    options = requests.options(live.url + "/dav/", timeout=10)
    assert "calendar-access" in options.headers["DAV"] and "REPORT" in options.headers["Allow"]


def test_room_calendar_events_are_readable(live, world):
    with client_for(live, world) as client:
        room = calendars_by_name(client.principal())["Saal im Erdgeschoss"]
        events = room.events()
        assert [str(e.icalendar_component["SUMMARY"]) for e in events] == ["Belegt"]
        also = client.calendar(url=live.url + "/dav/rooms/7/")
        assert [e.icalendar_component["UID"] for e in also.events()] == ["booking-1@treffpunkt-jena.de"]


def test_time_range_search_on_a_recurring_event(live, world):
    with client_for(live, world) as client:
        own = own_calendar(client.principal())
        own.save_event(weekly_event("gym", "Seniorengymnastik").decode())
        own.save_event(weekly_event("once", "Einmalig").decode().replace("RRULE:FREQ=WEEKLY\r\n", ""))
        # Monday 2026-04-13 10:00 Berlin (summer time): only the series has an occurrence
        found = own.search(
            start=datetime(2026, 4, 13, 7, 0, tzinfo=UTC),
            end=datetime(2026, 4, 13, 9, 0, tzinfo=UTC),
            event=True,
            expand=False,
        )
        assert [str(e.icalendar_component["UID"]) for e in found] == ["gym"]
        assert (
            own.search(
                start=datetime(2026, 4, 14, tzinfo=UTC), end=datetime(2026, 4, 19, tzinfo=UTC), event=True, expand=False
            )
            == []
        )
        first_week = own.search(
            start=datetime(2026, 1, 5, tzinfo=UTC), end=datetime(2026, 1, 6, tzinfo=UTC), event=True, expand=False
        )
        assert sorted(str(e.icalendar_component["UID"]) for e in first_week) == ["gym", "once"]


def test_create_modify_delete_in_own_calendar(live, world):
    with client_for(live, world) as client:
        own = own_calendar(client.principal())
        event = own.save_event(weekly_event("neu", "Puppentheater").decode())
        fetched = own.event_by_uid("neu")
        fetched.icalendar_component["SUMMARY"] = "Puppentheater für Groß und Klein"
        fetched.save(increase_seqno=False)
        assert str(own.event_by_uid("neu").icalendar_component["SUMMARY"]) == "Puppentheater für Groß und Klein"
        feed = requests.get(live.url + "/feeds/network.ics?partner=mgh-lobeda", timeout=10).text
        assert "Puppentheater für Groß und Klein" in feed
        event.delete()
        with pytest.raises(caldav_error.NotFoundError):
            own.event_by_uid("neu")


def test_stale_etag_gets_412(live, world):
    with client_for(live, world) as client:
        own = own_calendar(client.principal())
        own.save_event(weekly_event("stale", "Erzählcafé").decode())
        url = str(own.event_by_uid("stale").url)
        original = requests.get(url, auth=("lena", world["lena"]["app_password"]), timeout=10)
        etag = original.headers["ETag"]
        changed = original.content.replace("Erzählcafé".encode(), "Erzählcafé am Nachmittag".encode())
        auth = ("lena", world["lena"]["app_password"])
        first = requests.put(
            url, data=changed, headers={"If-Match": etag, "Content-Type": "text/calendar"}, auth=auth, timeout=10
        )
        assert first.status_code == 204 and first.headers["ETag"] != etag
        second = requests.put(
            url,
            data=original.content,
            headers={"If-Match": etag, "Content-Type": "text/calendar"},
            auth=auth,
            timeout=10,
        )
        assert second.status_code == 412
        again = requests.put(
            url,
            data=original.content,
            headers={"If-None-Match": "*", "Content-Type": "text/calendar"},
            auth=auth,
            timeout=10,
        )
        assert again.status_code == 412
        assert "am Nachmittag" in requests.get(url, auth=auth, timeout=10).text


def test_writing_room_or_other_partner_calendar_is_forbidden(live, world):
    auth = ("lena", world["lena"]["app_password"])
    body = weekly_event("fremd", "Nicht meins")
    for path in (
        "/dav/rooms/7/fremd.ics",
        "/dav/calendars/lena/awo-angebote/fremd.ics",
        "/dav/calendars/lena/raum-7/fremd.ics",
    ):
        response = requests.put(
            live.url + path, data=body, headers={"Content-Type": "text/calendar"}, auth=auth, timeout=10
        )
        assert response.status_code == 403, path
        assert etree.fromstring(response.content).find("{DAV:}need-privileges") is not None
    delete = requests.delete(live.url + "/dav/calendars/lena/awo-angebote/tisch.ics", auth=auth, timeout=10)
    assert delete.status_code == 403
    with client_for(live, world) as client:
        room = calendars_by_name(client.principal())["Saal im Erdgeschoss"]
        with pytest.raises(caldav_error.DAVError):
            room.save_event(body.decode())


def test_privileges_tell_the_truth(live, world):
    auth = ("lena", world["lena"]["app_password"])
    with client_for(live, world) as client:
        client.principal().calendars()  # creates Lena's default calendar
    body = (
        '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:current-user-privilege-set/></d:prop></d:propfind>'
    )
    response = requests.request(
        "PROPFIND", live.url + "/dav/calendars/lena/", data=body, headers={"Depth": "1"}, auth=auth, timeout=10
    )
    assert response.status_code == 207
    tree = etree.fromstring(response.content)
    writable = {}
    for r in tree.findall("{DAV:}response"):
        href = r.findtext("{DAV:}href")
        writable[href] = r.find(".//{DAV:}write-content") is not None
    assert writable["/dav/calendars/lena/raum-7/"] is False
    assert writable["/dav/calendars/lena/awo-angebote/"] is False
    assert [h for h, w in writable.items() if w] == [h for h in writable if "partner-" in h]


def test_invalid_calendar_data_and_uid_conflict(live, world):
    auth = ("lena", world["lena"]["app_password"])
    with client_for(live, world) as client:
        own = own_calendar(client.principal())
        base = str(own.url)
    bad = requests.put(
        base + "kaputt.ics",
        data=b"BEGIN:VCALENDAR\r\nkaputt",
        auth=auth,
        headers={"Content-Type": "text/calendar"},
        timeout=10,
    )
    assert bad.status_code == 403 and "valid-calendar-data" in bad.text
    assert requests.put(base + "a.ics", data=weekly_event("same"), auth=auth, timeout=10).status_code == 201
    clash = requests.put(base + "b.ics", data=weekly_event("same"), auth=auth, timeout=10)
    assert clash.status_code == 409 and "no-uid-conflict" in clash.text


def test_entity_bomb_in_propfind_gets_400(live, world):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY e "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&e;&e;&e;</d:displayname></d:prop></d:propfind>'
    )
    response = requests.request(
        "PROPFIND",
        live.url + "/dav/",
        data=bomb,
        headers={"Depth": "0"},
        auth=("lena", world["lena"]["app_password"]),
        timeout=10,
    )
    assert response.status_code == 400
    assert "aaaaaaaaaa" not in response.text and "DOCTYPE" in response.text
