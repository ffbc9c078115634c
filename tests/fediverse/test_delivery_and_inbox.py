"""Followers through the inbox (signed Follow, Accept back, Undo, an actor deleting itself),
deliveries to them: one copy per server with a shared inbox, retries with growing waits, given
up after the ceiling or at once when refused for good, a dead server paused while the others
are served, no request to private addresses unless allowed. Remote servers are fakes at the
edge (tests/support/fake_fediverse.py); ours is the real app on a real port."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select
from werkzeug import Response

from shared.clock import utcnow

from services.calendar.domain import http_signatures as hs
from services.calendar.fediverse import delivery, remote
from services.calendar.store.models import FediverseDelivery, FediverseFollower, FediversePeer
from services.calendar.store.sql import SqlStore

from tests.support.calendar import weekly_event
from tests.support.fake_fediverse import FakeServer


@pytest.fixture
def servers():
    made: list[FakeServer] = []

    def make(**options) -> FakeServer:
        made.append(FakeServer(**options))
        return made[-1]

    yield make
    for server in made:
        server.stop()


def follow(site, server: FakeServer, who: str, whom: str = "treffpunkt"):
    actor = server.actor(who)
    activity = {"id": actor + "#follow", "type": "Follow", "actor": actor, "object": f"{site.url}/ap/actors/{whom}"}
    answer = server.signed_post(who, f"{site.url}/ap/actors/{whom}/inbox", activity)
    assert answer.status_code == 202, answer.text
    assert site.run("calendar.receive_activity", activity=activity) == "followed"
    return activity


def deliveries(site) -> list[FediverseDelivery]:
    with site.session() as session:
        rows = list(session.scalars(select(FediverseDelivery).order_by(FediverseDelivery.id)))
        session.expunge_all()
    return rows


def deliver_all(site, now=None) -> list[str]:
    factory = site.calendar.extensions["db"]
    with site.calendar.app_context():
        return [delivery.deliver(factory, d.id, now or utcnow())[0] for d in deliveries(site) if d.state == "pending"]


def offering(site, people, title="Seniorencafé"):
    with site.session() as session:
        store = SqlStore(session)
        calendar = store.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
        store.put(calendar.id, "cafe.ics", weekly_event("cafe", title, ("Begegnung",)))


def test_a_signed_follow_is_accepted_with_a_signed_accept(site, people, servers):
    server = servers()
    activity = follow(site, server, "anna")
    assert deliver_all(site) == ["delivered"]
    (accept,) = server.arrivals
    assert accept.path == "/users/anna/inbox"  # to the follower itself, not the shared inbox
    assert accept.activity["type"] == "Accept" and accept.activity["object"]["id"] == activity["id"]
    assert accept.signed_by == f"{site.url}/ap/actors/treffpunkt#main-key"
    with site.session() as session:
        (row,) = session.scalars(select(FediverseFollower))
        assert (row.inbox, row.shared_inbox) == (f"{server.url}/users/anna/inbox", f"{server.url}/inbox")


def test_undo_and_an_actor_deleting_itself_drop_the_follower(site, people, servers):
    server = servers()
    activity = follow(site, server, "anna")
    follow(site, server, "bert", "mgh-lobeda")
    undo = {"type": "Undo", "actor": activity["actor"], "object": activity}
    assert server.signed_post("anna", f"{site.url}/ap/inbox", undo).status_code == 202
    assert site.run("calendar.receive_activity", activity=undo) == "unfollowed"
    gone = {"type": "Delete", "actor": server.actor("bert"), "object": server.actor("bert")}
    assert server.signed_post("bert", f"{site.url}/ap/inbox", gone).status_code == 202
    assert site.run("calendar.receive_activity", activity=gone) == "actor gone"
    with site.session() as session:
        assert session.scalars(select(FediverseFollower)).all() == []


def test_forged_or_stale_signatures_are_refused(site, people, servers):
    server = servers()
    actor = server.actor("anna")
    activity = {"id": actor + "#f", "type": "Follow", "actor": actor, "object": f"{site.url}/ap/actors/treffpunkt"}
    inbox = f"{site.url}/ap/inbox"
    assert server.signed_post("anna", inbox, activity).status_code == 202
    changed = {**activity, "object": f"{site.url}/ap/actors/mgh-lobeda"}
    tampered = server.signed_post("anna", inbox, activity, sent=json.dumps(changed).encode())
    assert tampered.status_code == 401 and "digest" in tampered.json()["error"]
    forged = server.signed_post("anna", inbox, activity, Digest="SHA-256=" + "A" * 43 + "=")
    assert forged.status_code == 401 and "digest" in forged.json()["error"]
    stale = server.signed_post("anna", inbox, activity, now=utcnow() - timedelta(hours=13))
    assert stale.status_code == 401 and "date" in stale.json()["error"]
    server.actor("mallory")
    as_someone_else = server.signed_post("mallory", inbox, activity)  # signed by another actor than the sender
    assert as_someone_else.status_code == 401 and "owner" in as_someone_else.json()["error"]


def test_one_copy_per_server_with_a_shared_inbox(site, people, servers):
    shared, single = servers(), servers(shared_inbox=False)
    for who in ("anna", "bert"):
        follow(site, shared, who)
        follow(site, shared, who, "mgh-lobeda")
    follow(site, single, "carl", "mgh-lobeda")
    follow(site, single, "dora", "mgh-lobeda")
    deliver_all(site)
    shared.arrivals.clear(), single.arrivals.clear()
    offering(site, people)
    site.run("calendar.federate")
    assert set(deliver_all(site)) == {"delivered"}
    assert sorted((a.path, a.activity["type"]) for a in shared.arrivals) == [
        ("/inbox", "Announce"),
        ("/inbox", "Create"),
    ]
    assert sorted(a.path for a in single.arrivals) == ["/users/carl/inbox", "/users/dora/inbox"]
    assert all(a.signed_by for a in shared.arrivals + single.arrivals)


def test_a_failing_inbox_is_retried_with_growing_waits_and_gets_it_once(site, people, servers):
    server = servers()
    follow(site, server, "anna", "mgh-lobeda")
    deliver_all(site)
    server.arrivals.clear()
    offering(site, people)
    site.run("calendar.federate")
    server.failures[:] = [503, 500]
    factory = site.calendar.extensions["db"]
    (pending,) = [d for d in deliveries(site) if d.state == "pending"]
    now = utcnow()
    with site.calendar.app_context():
        assert delivery.deliver(factory, pending.id, now) == ("retry", timedelta(seconds=30))
        assert delivery.deliver(factory, pending.id, now + timedelta(seconds=5))[0] == "not due"
        assert delivery.deliver(factory, pending.id, now + timedelta(seconds=31)) == ("retry", timedelta(seconds=60))
        assert delivery.deliver(factory, pending.id, now + timedelta(seconds=92))[0] == "delivered"
        assert delivery.deliver(factory, pending.id, now + timedelta(seconds=200))[0] == "taken"
    assert [a.activity["type"] for a in server.arrivals] == ["Create"]
    (done,) = [d for d in deliveries(site) if d.id == pending.id]
    assert (done.state, done.attempts) == ("delivered", 3)


def test_refused_for_good_or_too_often_is_given_up_with_its_reason(site, people, servers):
    gone, broken = servers(), servers()
    follow(site, gone, "anna", "mgh-lobeda")
    follow(site, broken, "bert", "mgh-lobeda")
    deliver_all(site)
    offering(site, people)
    site.run("calendar.federate")
    gone.failures[:] = [410]
    broken.failures[:] = [500] * delivery.MAX_ATTEMPTS
    factory = site.calendar.extensions["db"]
    now = utcnow()
    with site.calendar.app_context():
        for d in [d for d in deliveries(site) if d.state == "pending"]:
            for attempt in range(delivery.MAX_ATTEMPTS):
                outcome, _wait = delivery.deliver(factory, d.id, now + timedelta(days=attempt))
                if outcome != "retry":
                    break
    states = {d.host: (d.state, d.attempts, d.last_error) for d in deliveries(site) if d.activity_id > 2}
    assert states[gone.url.split("//")[1]] == ("given_up", 1, "HTTP 410")
    with site.session() as session:  # the account behind the 410 follows no more
        assert [f.follower for f in session.scalars(select(FediverseFollower))] == [broken.actor("bert")]
    assert states[broken.url.split("//")[1]] == ("given_up", delivery.MAX_ATTEMPTS, "HTTP 500")


def test_a_dead_server_is_paused_and_the_others_are_served(site, people, servers):
    dead, alive = servers(), servers()
    follow(site, dead, "anna", "mgh-lobeda")
    follow(site, alive, "bert", "mgh-lobeda")
    deliver_all(site)
    dead.stop()  # nobody answers there any more
    factory = site.calendar.extensions["db"]
    for change in range(delivery.PAUSE_AFTER + 1):
        offering(site, people, f"Seniorencafé {change}")
        site.run("calendar.federate")
        now = utcnow()  # the new Update's deliveries are due, the earlier ones wait for their retry
        with site.calendar.app_context():
            outcomes = {
                d.host: delivery.deliver(factory, d.id, now)[0]
                for d in deliveries(site)
                if d.state == "pending" and d.next_at <= now + timedelta(seconds=1)
            }
        assert outcomes[alive.url.split("//")[1]] == "delivered"
        assert outcomes[dead.url.split("//")[1]] == ("retry" if change < delivery.PAUSE_AFTER else "paused")
    with site.session() as session:
        peer = session.get(FediversePeer, dead.url.split("//")[1])
        assert peer is not None and peer.paused_until is not None and peer.paused_until > now


def test_private_addresses_are_refused_unless_allowed(calendar_app, site):
    with calendar_app.app_context():  # the suite's settings: FEDIVERSE_ALLOW_PRIVATE off
        for url in ("http://127.0.0.1:9/inbox", "http://[::1]/inbox", "http://10.0.0.1/x", "ftp://example.org/x"):
            with pytest.raises(remote.RemoteError):
                remote.check_address(url)
    with site.calendar.app_context():
        assert remote.check_address("http://127.0.0.1:9/inbox?x=1") == ("127.0.0.1:9", "/inbox?x=1")


def test_a_deleted_account_whose_key_is_gone_is_not_asked_to_retry(site, people, servers):
    server = servers()
    gone, other = server.actor("gone"), server.actor("other")
    private = server.keys.pop("gone")[0]  # its actor document answers 404 from now on
    host = site.url.split("://", 1)[1]

    def post(activity: dict) -> requests.Response:
        body = json.dumps(activity).encode()
        headers = hs.signed_headers("POST", host, "/ap/inbox", gone + "#main-key", private, utcnow(), body)
        return requests.post(
            f"{site.url}/ap/inbox", data=body, headers={**headers, "Content-Type": "application/activity+json"}
        )

    assert post({"type": "Delete", "actor": gone, "object": gone}).status_code == 202
    refused = post({"type": "Follow", "actor": gone, "object": f"{site.url}/ap/actors/treffpunkt"})
    assert refused.status_code == 401 and "key" in refused.json()["error"]  # anything else is checked
    assert post({"type": "Delete", "actor": gone, "object": other}).status_code == 401


def test_a_peer_that_verifies_rfc9421_only_gets_it_on_the_second_knock(site, people, servers):
    server = servers(rfc9421_only=True)
    follow(site, server, "anna")
    assert deliver_all(site) == ["delivered"]
    (accept,) = server.arrivals
    assert accept.activity["type"] == "Accept"
    assert accept.signed_by == f"{site.url}/ap/actors/treffpunkt#main-key"  # verified as RFC 9421


def test_a_peer_that_drips_its_actor_document_is_cut_off_at_the_deadline(site, httpserver, monkeypatch):
    """A key is fetched while the peer's POST to our inbox waits: a peer sending a byte now and
    then must not hold that web request (and its worker) longer than GET_SECONDS."""

    def drip(_request):
        def body():
            for _ in range(100):
                yield b" "
                time.sleep(0.1)

        return Response(body(), direct_passthrough=True, content_type="application/activity+json")

    httpserver.expect_request("/users/slow").respond_with_handler(drip)
    monkeypatch.setattr(remote, "GET_SECONDS", 1.0)
    with site.calendar.app_context():
        pem = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
            .decode()
        )
        started = time.monotonic()
        with pytest.raises(remote.RemoteError, match="within"):
            remote.fetch_json(httpserver.url_for("/users/slow"), "https://example.org/#key", pem)
        assert time.monotonic() - started < 2.5
