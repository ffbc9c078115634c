"""sync-collection (RFC 6578) over real HTTP: added, changed and deleted since a token, tokens
that stay valid, 403 valid-sync-token, DAV:limit with 507 and a token that continues; and the
caldav library's sync-token API."""

import caldav
import pytest
import requests
from lxml import etree

from tests.support.calendar import weekly_event

D = "{DAV:}"
CAL = "/dav/calendars/lena/lobeda/"


def dav(live, people, method, path, body=None, user="lena", **headers):
    return requests.request(
        method, live.url + path, data=body, headers=headers, auth=(user, people[user]["app_password"]), timeout=10
    )


def sync(live, people, token="", limit=None, path=CAL, user="lena"):
    limit_el = f"<d:limit><d:nresults>{limit}</d:nresults></d:limit>" if limit is not None else ""
    body = (
        f'<d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token>'
        f"<d:sync-level>1</d:sync-level>{limit_el}<d:prop><d:getetag/><d:getcontenttype/></d:prop>"
        "</d:sync-collection>"
    )
    return dav(live, people, "REPORT", path, body, user=user, Depth="1")


def parsed(response):
    """({href: etag or status}, new token)."""
    assert response.status_code == 207, response.text
    tree = etree.fromstring(response.content)
    result = {}
    for r in tree.findall(f"{D}response"):
        status = r.findtext(f"{D}status")
        result[r.findtext(f"{D}href")] = status.split()[1] if status else r.findtext(f".//{D}getetag")
    return result, tree.findtext(f"{D}sync-token")


def put(live, people, name, data, **headers):
    response = dav(live, people, "PUT", CAL + name, data, **{"Content-Type": "text/calendar", **headers})
    assert response.status_code in (201, 204), response.text
    return response.headers["ETag"]


@pytest.fixture
def lobeda(people, store):
    with store() as s:
        s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH")
    return people


def test_initial_then_added_changed_deleted(live, lobeda):
    people = lobeda
    etag_a = put(live, people, "a.ics", weekly_event("a"))
    put(live, people, "b.ics", weekly_event("b"))
    first, token = parsed(sync(live, people))
    assert first == {CAL + "a.ics": etag_a, CAL + "b.ics": first[CAL + "b.ics"]}
    property_token = etree.fromstring(
        dav(
            live,
            people,
            "PROPFIND",
            CAL,
            '<d:propfind xmlns:d="DAV:"><d:prop><d:sync-token/></d:prop></d:propfind>',
            Depth="0",
        ).content
    )
    assert property_token.findtext(f".//{D}sync-token") == token

    assert parsed(sync(live, people, token)) == ({}, token)  # nothing happened: nothing to report

    etag_a2 = put(live, people, "a.ics", weekly_event("a", "Seniorengymnastik (neu)"), **{"If-Match": etag_a})
    etag_c = put(live, people, "c.ics", weekly_event("c"))
    assert dav(live, people, "DELETE", CAL + "b.ics").status_code == 204
    changes, token2 = parsed(sync(live, people, token))
    assert changes == {CAL + "a.ics": etag_a2, CAL + "c.ics": etag_c, CAL + "b.ics": "404"}
    assert token2 != token

    # the old token still works, and a deleted-then-recreated name is reported live
    put(live, people, "b.ics", weekly_event("b", "Wieder da"))
    again, _ = parsed(sync(live, people, token))
    assert set(again) == {CAL + "a.ics", CAL + "b.ics", CAL + "c.ics"} and again[CAL + "b.ics"] != "404"
    assert parsed(sync(live, people, token2))[0].keys() == {CAL + "b.ics"}


def test_unknown_and_foreign_tokens_get_valid_sync_token(live, lobeda, store):
    people = lobeda
    with store() as s:
        s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda-zwei", "Zweiter Kalender")
    _, other_token = parsed(sync(live, people, path="/dav/calendars/lena/lobeda-zwei/"))
    _, token = parsed(sync(live, people))
    future = token.rsplit("-", 1)[0] + "-999999"
    for bad in ("http://example.org/sync/1", "kaputt", other_token, future):
        response = sync(live, people, bad)
        assert response.status_code == 403, bad
        error = etree.fromstring(response.content)
        assert error.tag == f"{D}error" and error.find(f"{D}valid-sync-token") is not None


def test_limit_returns_507_and_a_token_that_continues(live, lobeda):
    people = lobeda
    names = [f"e{n}.ics" for n in range(5)]
    for n, name in enumerate(names):
        put(live, people, name, weekly_event(f"e{n}"))
    seen, token = set(), ""
    pages = 0
    while True:
        response = sync(live, people, token, limit=2)
        tree = etree.fromstring(response.content)
        truncated = [r for r in tree.findall(f"{D}response") if "507" in (r.findtext(f"{D}status") or "")]
        page, token = parsed(response)
        page.pop(CAL, None)
        assert len(page) <= 2
        seen |= set(page)
        pages += 1
        if not truncated:
            break
        assert truncated[0].findtext(f"{D}href") == CAL
        assert truncated[0].find(f"{D}error/{D}number-of-matches-within-limits") is not None
    assert seen == {CAL + n for n in names} and pages == 3
    # after a change, a limited sync from the last token reports exactly that change
    dav(live, people, "DELETE", CAL + "e0.ics")
    assert parsed(sync(live, people, token, limit=2))[0] == {CAL + "e0.ics": "404"}
    assert sync(live, people, token, limit=0).status_code == 400


def test_sync_on_read_only_calendars_and_advertised(live, lobeda, store):
    people = lobeda
    with store() as s:
        s.ensure_partner_calendar(people["otto"]["partner_id"], "awo", "Angebote AWO")
        s.put(s.calendar("awo").id, "tisch.ics", weekly_event("tisch"))
    changes, _ = parsed(sync(live, people, path="/dav/calendars/lena/awo/"))
    assert list(changes) == ["/dav/calendars/lena/awo/tisch.ics"]
    reports = etree.fromstring(
        dav(
            live,
            people,
            "PROPFIND",
            CAL,
            '<d:propfind xmlns:d="DAV:"><d:prop><d:supported-report-set/></d:prop></d:propfind>',
            Depth="0",
        ).content
    )
    assert reports.find(f".//{D}supported-report/{D}report/{D}sync-collection") is not None


def test_caldav_library_sync_tokens(live, lobeda):
    people = lobeda
    put(live, people, "a.ics", weekly_event("a"))
    client = caldav.DAVClient(url=live.url + "/dav/", username="lena", password=people["lena"]["app_password"])
    calendar = client.calendar(url=live.url + CAL)
    objects = calendar.objects_by_sync_token(load_objects=True)
    assert [o.icalendar_component["UID"] for o in objects] == ["a"]
    calendar.save_event(weekly_event("b", "Neu aus der Bibliothek").decode())
    put(live, people, "a.ics", weekly_event("a", "Geändert"))
    changed = calendar.objects_by_sync_token(sync_token=objects.sync_token, load_objects=True)
    assert sorted(str(o.icalendar_component["SUMMARY"]) for o in changed) == ["Geändert", "Neu aus der Bibliothek"]
    dav(live, people, "DELETE", CAL + "a.ics")
    gone = calendar.objects_by_sync_token(sync_token=changed.sync_token, load_objects=True)
    assert [str(o.url).endswith("/a.ics") for o in gone] == [True]
    assert calendar.objects_by_sync_token(sync_token=gone.sync_token).objects == []
