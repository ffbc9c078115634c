"""The pure side of the fediverse: an offering as an FEP-8a8e Event, actor documents, WebFinger
names, what an incoming activity asks for."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, strategies as st

from services.calendar.domain import activitystreams as as2, inbound_activity as inbound

URLS = as2.Urls("https://treffpunkt.example")
START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
END = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def source(**changes) -> as2.EventSource:
    values = dict(
        offering_id=7,
        title="Seniorencafé",
        description="Kaffee & Kuchen.\n\nFür <alle>.",
        location="Mehrgenerationenhaus Lobeda, Karl-Marx-Allee 28, 07747 Jena",
        geo=(50.8972, 11.6051),
        categories=("Begegnung", "Essen und Trinken"),
        image="https://treffpunkt.example/calendar/images/ab.jpg",
        image_alt="Eine Kaffeetafel",
        starts_at=START,
        ends_at=END,
        recurring=True,
        cancelled=False,
    )
    values.update(changes)
    return as2.EventSource(**values)


def test_an_offering_is_an_event_as_mobilizon_and_gancio_publish_it():
    event = as2.event_object(URLS, source(), "mgh-lobeda", (URLS.followers("mgh-lobeda"),))
    assert event["type"] == "Event" and event["id"] == "https://treffpunkt.example/ap/events/7"
    assert event["startTime"] == "2026-12-07T10:00:00+01:00" and event["endTime"] == "2026-12-07T11:00:00+01:00"
    assert event["url"] == "https://treffpunkt.example/calendar/offering/7"
    assert event["attributedTo"] == "https://treffpunkt.example/ap/actors/mgh-lobeda"
    assert event["to"] == [as2.PUBLIC] and event["cc"] == ["https://treffpunkt.example/ap/actors/mgh-lobeda/followers"]
    assert event["content"].startswith("<p>Kaffee &amp; Kuchen.</p><p>Für &lt;alle&gt;.</p>")
    assert event["location"] == {
        "type": "Place",
        "name": "Mehrgenerationenhaus Lobeda",
        "address": {
            "type": "PostalAddress",
            "addressCountry": "DE",
            "addressLocality": "Jena",
            "streetAddress": "Karl-Marx-Allee 28",
            "postalCode": "07747",
        },
        "latitude": 50.8972,
        "longitude": 11.6051,
    }
    assert [t["name"] for t in event["tag"]] == ["#Begegnung", "#EssenUndTrinken"]
    assert event["attachment"] == [
        {"type": "Image", "mediaType": "image/jpeg", "url": source().image, "name": "Eine Kaffeetafel"}
    ]


def test_an_event_without_place_image_or_date_leaves_them_out():
    event = as2.event_object(URLS, source(location="", geo=None, image="", starts_at=None, ends_at=None), "x", ())
    assert not {"location", "attachment", "startTime", "endTime"} & set(event)


def test_the_digest_sees_content_changes_only():
    one = as2.event_object(URLS, source(), "x", ())
    assert as2.digest(one) == as2.digest(as2.event_object(URLS, source(), "x", ()))
    assert as2.digest(one) != as2.digest(as2.event_object(URLS, source(title="Anders"), "x", ()))
    stamped = as2.stamped(one, START, END)
    assert stamped["published"] == "2026-12-07T09:00:00Z" and stamped["updated"] == "2026-12-07T10:00:00Z"


@given(st.text(max_size=200))
def test_content_never_carries_markup_from_the_description(text):
    html = as2.content_html(source(description=text, recurring=False))
    assert "<" not in html.replace("<p>", "").replace("</p>", "").replace("<br>", "")


@given(st.text(max_size=60))
def test_hashtags_are_letters_digits_and_underscores(category):
    name = as2.hashtag_name(category)
    assert name.startswith("#") and all(c.isalnum() or c == "_" for c in name[1:])


def test_actor_documents():
    network = as2.actor_document(URLS, as2.ActorInfo("treffpunkt", "Treffpunkt", "Jena", "https://t/", False), "PEM")
    assert network["type"] == "Organization" and network["publicKey"]["id"] == URLS.key("treffpunkt")
    partner = as2.actor_document(URLS, as2.ActorInfo("awo", "AWO", "", "https://t/", True), "PEM")
    assert partner["type"] == "Group" and partner["endpoints"]["sharedInbox"] == URLS.shared_inbox


@pytest.mark.parametrize(
    "resource, name",
    [
        ("acct:treffpunkt@treffpunkt.example", "treffpunkt"),
        ("acct:Treffpunkt@TREFFPUNKT.example", "treffpunkt"),
        ("@awo-nord@treffpunkt.example", "awo-nord"),
        ("acct:treffpunkt@elsewhere.example", None),
        ("acct:../etc@treffpunkt.example", None),
        ("treffpunkt", None),
    ],
)
def test_webfinger_names(resource, name):
    assert as2.webfinger_name(resource, "treffpunkt.example") == name


ACTOR = "https://social.example/users/anna"


def test_a_follow_of_one_of_ours():
    follow = {"id": ACTOR + "#f1", "type": "Follow", "actor": ACTOR, "object": URLS.actor("treffpunkt")}
    assert inbound.interpret(follow, URLS) == inbound.Follow("treffpunkt", ACTOR, ACTOR + "#f1")
    elsewhere = {**follow, "object": "https://other.example/ap/actors/treffpunkt"}
    assert inbound.interpret(elsewhere, URLS) is None


def test_an_undo_of_a_follow_by_object_or_by_id():
    follow = {"id": ACTOR + "#f1", "type": "Follow", "actor": ACTOR, "object": URLS.actor("awo")}
    assert inbound.interpret({"type": "Undo", "actor": ACTOR, "object": follow}, URLS) == inbound.Unfollow(
        "awo", ACTOR, ACTOR + "#f1"
    )
    assert inbound.interpret({"type": "Undo", "actor": ACTOR, "object": ACTOR + "#f1"}, URLS) == inbound.Unfollow(
        None, ACTOR, ACTOR + "#f1"
    )
    someone_elses = {**follow, "actor": "https://social.example/users/bert"}
    assert inbound.interpret({"type": "Undo", "actor": ACTOR, "object": someone_elses}, URLS) is None


def test_an_actor_deleting_itself_and_other_activities():
    assert inbound.interpret({"type": "Delete", "actor": ACTOR, "object": ACTOR}, URLS) == inbound.ActorGone(ACTOR)
    assert inbound.interpret(
        {"type": "Delete", "actor": ACTOR, "object": ACTOR + "/s/1"}, URLS
    ) == inbound.EventRemoved(ACTOR, ACTOR + "/s/1")
    assert inbound.interpret({"type": "Like", "actor": ACTOR, "object": URLS.event(1)}, URLS) is None


@pytest.mark.parametrize(
    "activity, word",
    [
        ([], "JSON-Objekt"),
        ({"actor": ACTOR}, "type"),
        ({"type": "Follow"}, "actor"),
        ({"type": "Follow", "actor": "x"}, "actor"),
        ({"type": "Follow", "actor": ACTOR + "\x00"}, "actor"),
        ({"type": "Follow", "actor": ACTOR + "/" + "x" * 500}, "actor"),
    ],
)
def test_what_is_not_an_activity_is_named(activity, word):
    with pytest.raises(inbound.Malformed, match=word):
        inbound.sender(activity)


def test_keys_and_inboxes_of_remote_actors():
    actor = {
        "id": ACTOR,
        "inbox": ACTOR + "/inbox",
        "endpoints": {"sharedInbox": "https://social.example/inbox"},
        "publicKey": {"id": ACTOR + "#main-key", "owner": ACTOR, "publicKeyPem": "PEM"},
    }
    assert inbound.inbox_of(actor) == (ACTOR + "/inbox", "https://social.example/inbox")
    assert inbound.public_key_of(actor, ACTOR + "#main-key") == (ACTOR, "PEM")
    assert inbound.public_key_of(actor, ACTOR + "#other") is None
    with pytest.raises(inbound.Malformed):
        inbound.inbox_of({"id": ACTOR})
