"""The scan (calendar.federate, every minute): offerings written since the mark become Create or
Update, offerings no longer public a Delete with a Tombstone, and an Event whose date has passed
moves on to the next date. Scanning instead of hooking into every write: offerings change
through CalDAV, the web form, bookings and the hourly index refresh, and a scan misses none.

Each run is bounded (BATCH of each kind) and holds the mark's row lock, so two runs never send
the same change twice. An offering rewritten without a visible change (the index refresh)
sends nothing: the Event's digest is compared. Deliveries are rows written in the same
transaction (the outbox); their tasks are queued after the commit, and the scan queues again
any that are due and were not taken (a lost task, a retry waited out)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session, sessionmaker

from shared.db import as_utc, transaction

from services.calendar.domain import activitystreams as as2
from services.calendar.domain.as2_ical import REGION_SLUG
from services.calendar.fediverse import actors
from services.calendar.store.models import Calendar, FederatedEvent, FediverseActor, PublicOffering
from services.calendar.store.sql_fediverse import Fediverse

BATCH = 200
SWEEP = 500
LOST_AFTER = timedelta(minutes=2)  # a due delivery untaken this long had its task lost
# changed_at is stamped when a row is written, not when its transaction commits: a write that
# commits after the mark has passed its stamp is found by looking this far behind the mark again
# (the digest makes a second look at an unchanged offering send nothing)
LATE = timedelta(minutes=2)


def run(factory: sessionmaker[Session], now: datetime) -> tuple[dict[str, int], list[int]]:
    """(counts, ids of deliveries to queue)."""
    counts = {"published": 0, "deleted": 0, "moved_on": 0}
    queued: list[int] = []
    with transaction(factory) as session:
        store = Fediverse(session)
        mark = store.mark()  # locked until the commit: one scan at a time
        changed = store.offerings_changed(mark.at, mark.last_offering, BATCH)
        for offering in changed:
            sent = publish(session, offering.object_id, now)
            counts["published"] += sent is not None
            queued += sent or []
        # stamped behind the mark, and recently enough that its commit may have come late
        for late in store.offerings_changed_between(max(as_utc(mark.at), now) - LATE, mark.at, BATCH):
            sent = publish(session, late.object_id, now)
            counts["published"] += sent is not None
            queued += sent or []
        if changed:
            mark.at, mark.last_offering = changed[-1].changed_at, changed[-1].object_id
        for gone in store.events_gone(BATCH):
            queued += retract(session, gone, now)
            counts["deleted"] += 1
        for offering_id in store.events_past(now, BATCH):
            sent = publish(session, offering_id, now)
            counts["moved_on"] += sent is not None
            queued += sent or []
        queued += store.due_deliveries(now - LOST_AFTER, SWEEP)
    return counts, sorted(set(queued))


def publish(session: Session, offering_id: int, now: datetime) -> list[int] | None:
    """Create or Update (or Delete) the offering's Event when it differs from what was sent:
    the deliveries to queue; None when nothing was sent."""
    store = Fediverse(session)
    offering = store.offering(offering_id)
    known = store.event(offering_id)
    if offering is None or offering.hidden:
        return retract(session, known, now) if known is not None and not known.deleted else None
    calendar = session.get(Calendar, offering.calendar_id)
    if calendar is None or calendar.slug == REGION_SLUG:
        return None  # others' events, followed here: they are theirs to publish
    date = store.next_date(offering_id, now)
    if date is None:  # nothing ahead: what was sent stays, with its last date
        if known is not None:
            known.until = None
        return None
    owner = actors.of_partner(session, offering.partner_id)
    network = actors.network(session)
    urls = actors.urls()
    audience = tuple(urls.followers(a.name) for a in _unique(owner, network))
    event = as2.event_object(
        urls, _source(urls, offering, date.starts_at, date.ends_at, date.cancelled), owner.name, audience
    )
    digest = as2.digest(event)
    if known is not None and not known.deleted and known.digest == digest:
        known.until = date.ends_at
        return None
    live = known is not None and not known.deleted
    stamped = as2.stamped(event, known.published_at if live and known else now, now)
    store.save_event(offering_id, owner.id, stamped, digest, date.ends_at, now)
    if live:  # an Update reaches everyone who may hold the Event
        return send(session, owner, "Update", stamped, [owner, network], now)
    sent = send(session, owner, "Create", stamped, [owner], now)
    if owner.id != network.id:  # the network's followers see it as the network's boost
        sent += send(session, network, "Announce", stamped["id"], [network], now, cc=[urls.actor(owner.name)])
    return sent


def retract(session: Session, known: FederatedEvent, now: datetime) -> list[int]:
    store = Fediverse(session)
    owner = store.actor_by_id(known.actor_id)
    network = actors.network(session)
    grave = as2.tombstone(actors.urls(), known.offering_id, now)
    store.mark_deleted(known, grave, now)
    if owner is None:
        return []
    return send(session, owner, "Delete", grave, [owner, network], now)


def send(
    session: Session,
    actor: FediverseActor,
    kind: str,
    obj: Any,
    audiences: list[FediverseActor],
    now: datetime,
    cc: list[str] | None = None,
    to: list[str] | None = None,
    listed: bool = True,
    inboxes: list[str] | None = None,
    key: str | None = None,
) -> list[int]:
    """Record the activity and one delivery per inbox of the audiences' followers (a server's
    shared inbox once), or per inbox of `inboxes`; the delivery ids."""
    store = Fediverse(session)
    urls = actors.urls()
    followers = [urls.followers(a.name) for a in _unique(*audiences)]
    key = key or uuid.uuid4().hex
    document = as2.activity(urls, key, kind, actor.name, obj, to or [as2.PUBLIC], followers + (cc or []), now)
    row = store.add_activity(key, actor.id, kind, document, public=listed)
    if inboxes is None:
        inboxes = store.inboxes([a.id for a in audiences])
    return deliver_to(store, row.id, inboxes, now)


def deliver_to(store: Fediverse, activity_id: int, inboxes: list[str], now: datetime) -> list[int]:
    inboxes = [i for i in inboxes if urlsplit(i).netloc]
    return store.add_deliveries(activity_id, inboxes, [urlsplit(i).netloc.lower() for i in inboxes], now)


def _source(urls: as2.Urls, offering: PublicOffering, start, end, cancelled: bool) -> as2.EventSource:
    image = offering.image
    if image.startswith("/"):
        image = urls.base + image
    geo = (
        (offering.latitude, offering.longitude)
        if offering.latitude is not None and offering.longitude is not None
        else None
    )
    return as2.EventSource(
        offering_id=offering.object_id,
        title=offering.title,
        description=offering.description,
        location=offering.location,
        geo=geo,
        categories=tuple(c for c in offering.categories.split(",") if c),
        image=image if image.startswith(("https://", "http://")) else "",
        image_alt=offering.image_alt,
        starts_at=start,
        ends_at=end,
        recurring=offering.recurring,
        cancelled=cancelled,
    )


def _unique(*found: FediverseActor) -> list[FediverseActor]:
    seen: dict[int, FediverseActor] = {}
    for actor in found:
        seen.setdefault(actor.id, actor)
    return list(seen.values())
