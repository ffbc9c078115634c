"""The network on the fediverse as ActivityStreams 2.0 documents: actors, an offering as an
`Event` (FEP-8a8e, the shape Mobilizon and Gancio publish), the activities that carry them,
WebFinger and NodeInfo. Pure: plain values in, JSON-ready dicts out.

One Event per offering, at its next date: Mobilizon has no recurring events at all, and Gancio
sends a recurring event's dates one at a time as they come; followers' timelines would fill
with 52 copies of a weekly café. The scan (fediverse/federate.py) updates the Event to the
following date once a date has passed, and the content says that it recurs."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from services.calendar.domain.place import parse_location

AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = AS + "#Public"
SECURITY = "https://w3id.org/security/v1"
ACTIVITY_TYPES = ("application/activity+json", 'application/ld+json; profile="' + AS + '"')
NETWORK = "treffpunkt"
NAME = re.compile(r"\A[a-z0-9][a-z0-9_.-]{0,99}\Z")
LOCAL = ZoneInfo("Europe/Berlin")

ACTOR_CONTEXT: list[Any] = [
    AS,
    SECURITY,
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "toot": "http://joinmastodon.org/ns#",
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
    },
]
# the schema.org terms Mobilizon and Gancio use for a Place's address
EVENT_CONTEXT: list[Any] = [
    AS,
    {
        "schema": "http://schema.org#",
        "Hashtag": "as:Hashtag",
        "PostalAddress": "schema:PostalAddress",
        "address": {"@id": "schema:address", "@type": "@id"},
        "addressCountry": "schema:addressCountry",
        "addressLocality": "schema:addressLocality",
        "postalCode": "schema:postalCode",
        "streetAddress": "schema:streetAddress",
        "timezone": {"@id": "schema:timezone"},
    },
]


def valid_name(name: str) -> bool:
    return bool(NAME.match(name))


@dataclass(frozen=True)
class Urls:
    """Every address of the fediverse side, from the site's public address."""

    base: str

    def actor(self, name: str) -> str:
        return f"{self.base}/ap/actors/{quote(name)}"

    def key(self, name: str) -> str:
        return self.actor(name) + "#main-key"

    def inbox(self, name: str) -> str:
        return self.actor(name) + "/inbox"

    def outbox(self, name: str) -> str:
        return self.actor(name) + "/outbox"

    def followers(self, name: str) -> str:
        return self.actor(name) + "/followers"

    @property
    def shared_inbox(self) -> str:
        return f"{self.base}/ap/inbox"

    def event(self, offering_id: int) -> str:
        return f"{self.base}/ap/events/{offering_id}"

    def activity(self, key: str) -> str:
        return f"{self.base}/ap/activities/{key}"

    def offering_page(self, offering_id: int) -> str:
        return f"{self.base}/calendar/offering/{offering_id}"

    def category_page(self, category: str) -> str:
        return f"{self.base}/calendar/?category={quote(category)}"

    @property
    def host(self) -> str:
        return self.base.split("://", 1)[-1].split("/", 1)[0]


@dataclass(frozen=True)
class ActorInfo:
    name: str  # preferredUsername
    display_name: str
    summary: str
    page: str  # the public page a person sees
    partner: bool


def actor_document(urls: Urls, actor: ActorInfo, public_key_pem: str) -> dict[str, Any]:
    """A Group for a partner (Mobilizon's shape for an organisation's events), an Organization
    for the network: Mastodon shows both as accounts one can follow."""
    actor_id = urls.actor(actor.name)
    return {
        "@context": ACTOR_CONTEXT,
        "id": actor_id,
        "type": "Group" if actor.partner else "Organization",
        "preferredUsername": actor.name,
        "name": actor.display_name,
        "summary": f"<p>{escape(actor.summary)}</p>" if actor.summary else "",
        "url": actor.page,
        "inbox": urls.inbox(actor.name),
        "outbox": urls.outbox(actor.name),
        "followers": urls.followers(actor.name),
        "endpoints": {"sharedInbox": urls.shared_inbox},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "indexable": True,
        "publicKey": {"id": urls.key(actor.name), "owner": actor_id, "publicKeyPem": public_key_pem},
    }


def webfinger(urls: Urls, name: str) -> dict[str, Any]:
    return {
        "subject": f"acct:{name}@{urls.host}",
        "aliases": [urls.actor(name)],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": urls.actor(name)},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": urls.actor(name)},
        ],
    }


def webfinger_name(resource: str, host: str) -> str | None:
    """The local actor name `resource` (acct:name@host, or an actor URL handled by the caller)
    asks for, None when it is not one of ours."""
    if resource.startswith("acct:"):
        resource = resource[5:]
    name, at, domain = resource.lstrip("@").rpartition("@")
    if not at or domain.lower() != host.lower() or not valid_name(name.lower()):
        return None
    return name.lower()


def nodeinfo(users: int, posts: int, version: str) -> dict[str, Any]:
    return {
        "version": "2.1",
        "software": {"name": "treffpunkt", "version": version, "homepage": "https://treffpunkt-jena.de/"},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0"]},
        "openRegistrations": False,
        "usage": {"users": {"total": users}, "localPosts": posts},
        "metadata": {"nodeName": "Treffpunkt Generationen Jena"},
    }


@dataclass(frozen=True)
class EventSource:
    """What of a public offering goes into its Event."""

    offering_id: int
    title: str
    description: str
    location: str
    geo: tuple[float, float] | None
    categories: tuple[str, ...]
    image: str  # an absolute address, "" for none
    image_alt: str
    starts_at: datetime | None  # the next date; None: no date ahead
    ends_at: datetime | None
    recurring: bool
    cancelled: bool


def hashtag_name(category: str) -> str:
    """`#Begegnung`, `#EssenUndTrinken`: Mastodon's tags are letters, digits and _ only."""
    words = re.findall(r"\w+", category)
    return "#" + "".join(w[:1].upper() + w[1:] for w in words)


def content_html(source: EventSource) -> str:
    paragraphs = [p.strip() for p in source.description.split("\n\n") if p.strip()]
    html = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    if source.recurring:
        html += "<p>Regelmäßiges Angebot: weitere Termine auf der Seite des Angebots.</p>"
    return html


def place(source: EventSource) -> dict[str, Any] | None:
    if not source.location and source.geo is None:
        return None
    where = parse_location(source.location)
    address: dict[str, Any] = {
        "type": "PostalAddress",
        "addressCountry": "DE",
        "addressLocality": where.locality or "Jena",
    }
    if where.street:
        address["streetAddress"] = where.street
    if where.postal_code:
        address["postalCode"] = where.postal_code
    found: dict[str, Any] = {
        "type": "Place",
        "name": where.name or where.address or source.location or "Jena",
        "address": address,
    }
    if source.geo is not None:
        found["latitude"], found["longitude"] = source.geo
    return found


def event_object(urls: Urls, source: EventSource, actor_name: str, audience: tuple[str, ...]) -> dict[str, Any]:
    """The offering as an Event; `audience`: the followers collections it is addressed to.
    Without published/updated: those are added when it is sent (stamped), so that the digest
    of this document changes only with the offering."""
    event: dict[str, Any] = {
        "@context": EVENT_CONTEXT,
        "id": urls.event(source.offering_id),
        "type": "Event",
        "name": source.title,
        "content": content_html(source),
        "mediaType": "text/html",
        "url": urls.offering_page(source.offering_id),
        "attributedTo": urls.actor(actor_name),
        "to": [PUBLIC],
        "cc": list(audience),
        "timezone": "Europe/Berlin",
        "tag": [
            {"type": "Hashtag", "name": hashtag_name(c), "href": urls.category_page(c)}
            for c in source.categories
            if hashtag_name(c) != "#"
        ],
    }
    if source.starts_at is not None:
        event["startTime"] = source.starts_at.astimezone(LOCAL).isoformat()
    if source.ends_at is not None:
        event["endTime"] = source.ends_at.astimezone(LOCAL).isoformat()
    if source.cancelled:
        event["eventStatus"] = "CANCELLED"  # Mobilizon's ical:status term
    where = place(source)
    if where is not None:
        event["location"] = where
    if source.image:
        event["attachment"] = [
            {"type": "Image", "mediaType": "image/jpeg", "url": source.image, "name": source.image_alt}
        ]
    return event


def digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def stamped(event: dict[str, Any], published: datetime, updated: datetime) -> dict[str, Any]:
    return {**event, "published": _iso(published), "updated": _iso(updated)}


def tombstone(urls: Urls, offering_id: int, deleted: datetime) -> dict[str, Any]:
    return {
        "@context": AS,
        "id": urls.event(offering_id),
        "type": "Tombstone",
        "formerType": "Event",
        "deleted": _iso(deleted),
    }


def activity(
    urls: Urls, key: str, kind: str, actor_name: str, obj: Any, to: list[str], cc: list[str], now: datetime
) -> dict[str, Any]:
    """Create, Update, Delete, Announce or Accept by one of our actors. An embedded object loses
    its own @context (the activity's applies)."""
    if isinstance(obj, dict):
        obj = {k: v for k, v in obj.items() if k != "@context"}
    return {
        "@context": EVENT_CONTEXT,
        "id": urls.activity(key),
        "type": kind,
        "actor": urls.actor(actor_name),
        "object": obj,
        "to": to,
        "cc": cc,
        "published": _iso(now),
    }


def ordered_collection(collection_id: str, total: int, first: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {"@context": AS, "id": collection_id, "type": "OrderedCollection", "totalItems": total}
    if first:
        found["first"] = first
    return found


def collection_page(
    page_id: str, part_of: str, items: list[Any], next_page: str | None, prev_page: str | None
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "@context": AS,
        "id": page_id,
        "type": "OrderedCollectionPage",
        "partOf": part_of,
        "orderedItems": items,
    }
    if next_page:
        found["next"] = next_page
    if prev_page:
        found["prev"] = prev_page
    return found


def _iso(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z")
