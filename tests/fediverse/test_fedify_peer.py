"""Against an independent implementation: a Fedify server (tests/support/fedify/peer.mjs)
follows the network and a partner (WebFinger, Follow signed by Fedify and checked here, Accept
signed here and checked by Fedify), then receives the offering's Create, Update and Delete,
each signature verified by Fedify; Fedify's lookup reads our actor and Event. A real calendar
worker does the deliveries and the inbox's work."""

from __future__ import annotations

import pytest

from services.calendar.store.sql import SqlStore

from tests.support.calendar import weekly_event
from tests.support.fedify_peer import FedifyPeer, missing
from tests.support.workers import Worker


@pytest.fixture(scope="module")
def peer(tmp_path_factory):
    problem = missing()
    if problem:
        pytest.fail(problem)
    started = FedifyPeer(tmp_path_factory.mktemp("fedify"))
    yield started
    started.stop()


@pytest.fixture(scope="module")
def worker(site, tmp_path_factory):
    started = Worker("calendar", site.settings, tmp_path_factory.mktemp("worker")).wait_ready()
    yield started
    started.stop()


def kinds(received, kind):
    return [r for r in received if r["type"] == kind]


def test_fedify_follows_and_receives_create_update_delete(site, people, peer, worker, caplog):
    caplog.set_level("INFO", logger="services.calendar.fediverse.views")
    network = f"{site.url}/ap/actors/treffpunkt"
    partner = f"{site.url}/ap/actors/mgh-lobeda"
    host = site.url.split("://", 1)[1]
    assert peer.follow(f"treffpunkt@{host}")["followed"] == network  # by WebFinger
    assert peer.follow(partner)["followed"] == partner
    got = peer.wait_for(lambda r: len(kinds(r, "Accept")) == 2)
    assert {a["actor"] for a in kinds(got, "Accept")} == {network, partner}, peer.log() + worker.log()
    # Fedify signs with RFC 9421 first and would fall back to draft-cavage on a refusal: none came
    assert "refused an activity" not in caplog.text
    with site.session() as session:
        counted = session.execute(
            __import__("sqlalchemy").text("SELECT count(*), min(shared_inbox) FROM fediverse_followers")
        ).one()
    assert counted == (2, f"{peer.url}/inbox")

    with site.session() as session:
        store = SqlStore(session)
        calendar = store.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
        store.put(calendar.id, "cafe.ics", weekly_event("cafe", "Seniorencafé", ("Begegnung",)))
    site.run("calendar.federate")
    got = peer.wait_for(lambda r: kinds(r, "Create") and kinds(r, "Announce"))
    created = kinds(got, "Create")
    assert len(created) == 1, got
    event = created[0]["object"]
    assert event["type"] == "Event" and event["name"] == "Seniorencafé"
    assert created[0]["actor"] == partner
    assert kinds(got, "Announce")[0]["actor"] == network
    assert kinds(got, "Announce")[0]["objectId"] == event["id"]

    with site.session() as session:
        store = SqlStore(session)
        store.put(
            store.calendar("lobeda").id, "cafe.ics", weekly_event("cafe", "Seniorencafé am Montag", ("Begegnung",))
        )
    site.run("calendar.federate")
    got = peer.wait_for(lambda r: kinds(r, "Update"))
    updated = kinds(got, "Update")
    assert len(updated) == 1 and updated[0]["object"]["name"] == "Seniorencafé am Montag"  # one copy per server

    looked_up = peer.lookup(event["id"])
    assert looked_up["className"] == "Event" and looked_up["document"]["name"] == "Seniorencafé am Montag"
    assert peer.lookup(network)["className"] == "Organization"
    assert peer.lookup(partner)["className"] == "Group"

    with site.session() as session:
        store = SqlStore(session)
        store.delete(store.calendar("lobeda").id, "cafe.ics")
    site.run("calendar.federate")
    got = peer.wait_for(lambda r: kinds(r, "Delete"))
    assert [d["objectId"] for d in kinds(got, "Delete")] == [event["id"]]

    peer.unfollow(partner)
    with site.session() as session:
        text = __import__("sqlalchemy").text
        remaining = session.execute(text("SELECT count(*) FROM fediverse_followers")).scalar_one()
    for _ in range(50):
        if remaining == 1:
            break
        __import__("time").sleep(0.2)
        with site.session() as session:
            remaining = session.execute(text("SELECT count(*) FROM fediverse_followers")).scalar_one()
    assert remaining == 1


def test_treffpunkt_follows_fedify_and_imports_its_events(site, people, peer, worker):
    from datetime import timedelta

    import requests
    from sqlalchemy import select

    from shared.clock import utcnow

    from services.calendar.store.models import FediverseSource, RegionEvent

    from tests.support.login import csrf_of, http_login

    def rows(model):
        with site.session() as session:
            found = list(session.scalars(select(model)))
            session.expunge_all()
        return found

    def wait(check):
        for _ in range(100):
            if check():
                return
            __import__("time").sleep(0.2)
        raise AssertionError("waited in vain:\n" + peer.log() + worker.log())

    office = http_login(site.url, "kora")
    page = office.get(f"{site.url}/calendar/region/")
    answer = office.post(
        f"{site.url}/calendar/region/follow", data={"csrf_token": csrf_of(page.text), "address": peer.actor}
    )
    assert answer.status_code == 200, answer.text
    wait(lambda: [s.state for s in rows(FediverseSource)] == ["accepted"])
    assert any(r["type"] == "Follow" and r["actor"] == f"{site.url}/ap/actors/treffpunkt" for r in peer.received())

    start = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    times = {
        "start": start.isoformat().replace("+00:00", "Z"),
        "end": (start + timedelta(hours=2)).isoformat().replace("+00:00", "Z"),
    }
    assert peer.publish("publish", "repair", name="Repair-Café im Volkshaus", **times)["followers"] == 1
    wait(lambda: [e.title for e in rows(RegionEvent)] == ["Repair-Café im Volkshaus"])
    assert "Repair-Café im Volkshaus" not in requests.get(f"{site.url}/calendar/", timeout=10).text

    peer.publish("update", "repair", name="Repair-Café (neue Zeit)", **times)
    wait(lambda: [e.title for e in rows(RegionEvent)] == ["Repair-Café (neue Zeit)"])
    (event,) = rows(RegionEvent)
    page = office.get(f"{site.url}/calendar/region/")
    office.post(
        f"{site.url}/calendar/region/events/{event.id}", data={"csrf_token": csrf_of(page.text), "approved": "1"}
    )
    wait(lambda: "Repair-Café (neue Zeit)" in requests.get(f"{site.url}/calendar/", timeout=10).text)

    peer.publish("delete", "repair")
    wait(lambda: rows(RegionEvent) == [])
