"""The fediverse's addresses over HTTP: WebFinger, actor documents with content negotiation,
NodeInfo, outbox and followers, Event objects and their Tombstones, and inboxes that refuse
what is unsigned, badly signed, too large or not JSON, each with a message."""

from __future__ import annotations

import json

import requests

from services.calendar.domain import http_signatures as hs
from services.calendar.store.sql import SqlStore

from tests.support.calendar import weekly_event

AP = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


def host(site) -> str:
    return site.url.split("://", 1)[1]


def test_webfinger_finds_the_network_and_partners(site, people):
    found = requests.get(f"{site.url}/.well-known/webfinger", params={"resource": f"acct:treffpunkt@{host(site)}"})
    assert found.status_code == 200
    assert found.headers["Content-Type"].startswith("application/jrd+json")
    links = {link["rel"]: link["href"] for link in found.json()["links"]}
    assert links["self"] == f"{site.url}/ap/actors/treffpunkt"
    partner = requests.get(f"{site.url}/.well-known/webfinger", params={"resource": f"acct:mgh-lobeda@{host(site)}"})
    assert partner.json()["subject"] == f"acct:mgh-lobeda@{host(site)}"


def test_webfinger_refuses_unknown_names_and_other_hosts(site, people):
    for resource in (f"acct:nobody@{host(site)}", "acct:treffpunkt@elsewhere.example", "acct:../x@" + host(site)):
        answer = requests.get(f"{site.url}/.well-known/webfinger", params={"resource": resource})
        assert answer.status_code == 404, resource
        assert answer.json()["error"]
    assert requests.get(f"{site.url}/.well-known/webfinger").status_code == 400


def test_the_actor_document_in_both_types_and_a_browser_is_sent_to_the_page(site, people):
    for accept in (AP, LD):
        answer = requests.get(f"{site.url}/ap/actors/treffpunkt", headers={"Accept": accept})
        assert answer.status_code == 200
        assert answer.headers["Content-Type"].startswith(AP)
        actor = answer.json()
        assert actor["type"] == "Organization" and actor["preferredUsername"] == "treffpunkt"
        assert actor["inbox"] == f"{site.url}/ap/actors/treffpunkt/inbox"
        assert actor["endpoints"]["sharedInbox"] == f"{site.url}/ap/inbox"
        assert actor["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
        assert actor["publicKey"]["owner"] == actor["id"]
    partner = requests.get(f"{site.url}/ap/actors/mgh-lobeda", headers={"Accept": AP}).json()
    assert partner["type"] == "Group" and partner["name"] == "Mehrgenerationenhaus Lobeda"
    browser = requests.get(
        f"{site.url}/ap/actors/treffpunkt",
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        allow_redirects=False,
    )
    assert browser.status_code == 303 and browser.headers["Location"].endswith("/calendar/")
    assert requests.get(f"{site.url}/ap/actors/nobody", headers={"Accept": AP}).status_code == 404


def test_the_key_stays_the_same_and_is_sealed_at_rest(site, people):
    first = requests.get(f"{site.url}/ap/actors/treffpunkt", headers={"Accept": AP}).json()["publicKey"]
    again = requests.get(f"{site.url}/ap/actors/treffpunkt", headers={"Accept": AP}).json()["publicKey"]
    assert first == again
    with site.session() as session:
        sealed = session.execute(
            __import__("sqlalchemy").text("SELECT private_key_sealed FROM fediverse_actors WHERE name = 'treffpunkt'")
        ).scalar_one()
    assert "PRIVATE KEY" not in sealed


def test_nodeinfo_is_discoverable(site, people):
    links = requests.get(f"{site.url}/.well-known/nodeinfo").json()["links"]
    info = requests.get(links[0]["href"]).json()
    assert info["version"] == "2.1" and info["protocols"] == ["activitypub"]
    assert info["openRegistrations"] is False


def test_outbox_and_followers_are_collections(site, people):
    outbox = requests.get(f"{site.url}/ap/actors/treffpunkt/outbox", headers={"Accept": AP}).json()
    assert outbox["type"] == "OrderedCollection" and outbox["totalItems"] == 0
    page = requests.get(outbox["first"], headers={"Accept": AP}).json()
    assert page["type"] == "OrderedCollectionPage" and page["orderedItems"] == []
    followers = requests.get(f"{site.url}/ap/actors/treffpunkt/followers", headers={"Accept": AP}).json()
    assert followers == {**followers, "type": "OrderedCollection", "totalItems": 0}
    assert "orderedItems" not in followers


def test_an_offering_becomes_an_event_and_its_deletion_a_tombstone(site, people):
    lena = people["lena"]
    with site.session() as session:
        store = SqlStore(session)
        calendar = store.ensure_partner_calendar(lena["partner_id"], "lobeda", "Angebote MGH Lobeda")
        extra = "\r\n".join(
            (
                "LOCATION:Mehrgenerationenhaus Lobeda\\, Karl-Marx-Allee 28\\, 07747 Jena",
                "DESCRIPTION:Kaffee & Kuchen <für alle>.",
                "GEO:50.8972;11.6051",
            )
        )
        store.put(calendar.id, "cafe.ics", weekly_event("cafe", "Seniorencafé", ("Begegnung",), extra=extra))
    counts = site.run("calendar.federate")
    assert counts["published"] == 1
    outbox = requests.get(f"{site.url}/ap/actors/mgh-lobeda/outbox?page=true", headers={"Accept": AP}).json()
    created = outbox["orderedItems"][0]
    assert created["type"] == "Create"
    event_id = created["object"]["id"]
    event = requests.get(event_id, headers={"Accept": AP}).json()
    assert event["type"] == "Event" and event["name"] == "Seniorencafé"
    assert "&lt;für alle&gt;" in event["content"] and "<für" not in event["content"]
    assert event["startTime"].endswith(("+01:00", "+02:00")) and event["endTime"] > event["startTime"]
    assert event["location"]["address"]["streetAddress"] == "Karl-Marx-Allee 28"
    assert event["location"]["address"]["postalCode"] == "07747"
    assert event["location"]["latitude"] == 50.8972
    assert event["tag"] == [
        {"type": "Hashtag", "name": "#Begegnung", "href": f"{site.url}/calendar/?category=Begegnung"}
    ]
    assert event["url"].startswith(f"{site.url}/calendar/offering/")
    assert "https://www.w3.org/ns/activitystreams#Public" in event["to"]
    assert f"{site.url}/ap/actors/mgh-lobeda/followers" in event["cc"]
    network = requests.get(f"{site.url}/ap/actors/treffpunkt/outbox?page=true", headers={"Accept": AP}).json()
    assert [(a["type"], a["object"]) for a in network["orderedItems"]] == [("Announce", event_id)]
    assert site.run("calendar.federate")["published"] == 0  # nothing changed, nothing sent

    with site.session() as session:
        store = SqlStore(session)
        store.delete(store.calendar("lobeda").id, "cafe.ics")
    assert site.run("calendar.federate")["deleted"] == 1
    gone = requests.get(event_id, headers={"Accept": AP})
    assert gone.status_code == 410 and gone.json()["type"] == "Tombstone"
    kinds = [
        a["type"] for a in requests.get(f"{site.url}/ap/actors/mgh-lobeda/outbox?page=true").json()["orderedItems"]
    ]
    assert kinds == ["Delete", "Create"]


def test_inbox_refusals_say_why(site, people):
    inbox = f"{site.url}/ap/actors/treffpunkt/inbox"
    for body in (b"{nope", b"[" * 100_000, b"\xff\xfe\x00"):
        bad_json = requests.post(inbox, data=body, headers={"Content-Type": AP})
        assert bad_json.status_code == 400 and "JSON" in bad_json.json()["error"], body[:20]
    no_actor = requests.post(inbox, data=b'{"type": "Follow"}', headers={"Content-Type": AP})
    assert no_actor.status_code == 400 and "actor" in no_actor.json()["error"]
    follow = json.dumps(
        {"type": "Follow", "actor": "http://127.0.0.1:9/users/x", "object": f"{site.url}/ap/actors/treffpunkt"}
    )
    unsigned = requests.post(inbox, data=follow, headers={"Content-Type": AP})
    assert unsigned.status_code == 401 and "Signatur" in unsigned.json()["error"]
    private, _public = hs.new_key_pair()
    headers = hs.signed_headers(
        "POST",
        host(site),
        "/ap/actors/treffpunkt/inbox",
        "http://127.0.0.1:9/users/x#k",
        private,
        __import__("shared.clock", fromlist=["utcnow"]).utcnow(),
        follow.encode(),
    )
    unknown_key = requests.post(inbox, data=follow, headers={**headers, "Content-Type": AP})
    assert unknown_key.status_code == 401  # its key cannot be fetched
    too_large = requests.post(inbox, data=b" " * 1_000_001, headers={"Content-Type": AP})
    assert too_large.status_code == 413
    unknown = requests.post(f"{site.url}/ap/actors/nobody/inbox", data=follow, headers={"Content-Type": AP})
    assert unknown.status_code == 404


def test_an_event_moves_on_to_the_next_date_once_its_date_has_passed(site, people):
    from datetime import timedelta

    from shared.clock import utcnow

    from services.calendar.fediverse import federate

    with site.session() as session:
        store = SqlStore(session)
        calendar = store.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
        store.put(calendar.id, "cafe.ics", weekly_event("cafe", "Seniorencafé", ("Begegnung",)))
    factory = site.calendar.extensions["db"]
    now = utcnow()
    with site.calendar.app_context():
        assert federate.run(factory, now)[0]["published"] == 1
        first = requests.get(f"{site.url}/ap/events/1", headers={"Accept": AP}).json()["startTime"]

        def sent(at) -> int:
            counts = federate.run(factory, at)[0]
            return counts["published"] + counts["moved_on"]

        assert sent(now + timedelta(hours=1)) == 0  # still the same date
        assert sent(now + timedelta(days=8)) == 1
        assert sent(now + timedelta(days=8)) == 0
    moved = requests.get(f"{site.url}/ap/events/1", headers={"Accept": AP}).json()
    assert moved["startTime"] > first
    kinds = [
        a["type"] for a in requests.get(f"{site.url}/ap/actors/mgh-lobeda/outbox?page=true").json()["orderedItems"]
    ]
    assert kinds == ["Update", "Create"]


def test_the_subscription_page_says_how_to_follow_on_mastodon(site, people):
    page = requests.get(f"{site.url}/calendar/subscribe").text
    assert f"@treffpunkt@{host(site)}" in page
    assert "/calendar/region/" not in page  # the office's link, for the office only


def test_a_change_committed_after_the_scan_passed_its_stamp_is_not_lost(site, people):
    from datetime import timedelta

    from sqlalchemy import text

    with site.session() as session:
        store = SqlStore(session)
        calendar = store.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
        store.put(calendar.id, "cafe.ics", weekly_event("cafe", "Seniorencafé", ("Begegnung",)))
    assert site.run("calendar.federate")["published"] == 1
    with site.session() as session:
        store = SqlStore(session)
        store.put(store.calendar("lobeda").id, "turnen.ics", weekly_event("turnen", "Turnen", ("Sport",)))
        # stamped before the mark, as a transaction that began earlier and committed late
        mark = session.execute(text("SELECT at FROM fediverse_marks")).scalar_one()
        session.execute(
            text("UPDATE public_offerings SET changed_at = :at WHERE uid = 'turnen'"),
            {"at": mark - timedelta(seconds=20)},
        )
    assert site.run("calendar.federate")["published"] == 1
    assert site.run("calendar.federate")["published"] == 0  # looked at again, sent once
    names = [
        a["object"]["name"]
        for a in requests.get(f"{site.url}/ap/actors/mgh-lobeda/outbox?page=true").json()["orderedItems"]
    ]
    assert sorted(names) == ["Seniorencafé", "Turnen"]


def test_odd_addresses_are_refused_without_an_error(site, people):
    for path, status in (
        ("/ap/activities/%00", 404),
        ("/ap/activities/../x", 404),
        ("/ap/events/99999999999999999999", 404),
        ("/ap/actors/treffpunkt/outbox?page=true&before=99999999999999999999", 400),
        ("/ap/actors/treffpunkt/outbox?page=true&before=-1", 400),
        ("/ap/actors/%00", 404),
        ("/.well-known/webfinger?resource=acct:%00@127.0.0.1", 404),
    ):
        assert requests.get(site.url + path, headers={"Accept": AP}).status_code == status, path
