"""The other direction: the coordination office follows another actor (a Treffpunkt network,
a Gancio or Mobilizon instance) and its Events land in the "Aus der Region" calendar, hidden
until approved: a whole source at once, or event by event. Only what the source's own server
says about its own objects is believed (same origin); an Announce is fetched from the origin."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from services.calendar.domain import as2_ical, inbound_activity as inbound
from services.calendar.domain.calendar_data import InvalidCalendarData
from services.calendar.fediverse import actors, federate, remote
from services.calendar.store.models import FediverseSource
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_fediverse import Region

log = logging.getLogger(__name__)
HANDLE = re.compile(r"\A@?(?:acct:)?([^@\s/]+)@([A-Za-z0-9.-]+(?::\d{1,5})?)\Z")


class SourceProblem(Exception):
    """Why a source cannot be followed, in words for the office (German)."""


def follow(session: Session, address: str, partner_id: int, now: datetime) -> tuple[FediverseSource, list[int]]:
    """Follow the actor at `address` (name@host or its address) as the network."""
    network = actors.network(session)
    key_id, private = actors.urls().key(network.name), actors.private_key(network)
    actor_url = _resolve(address.strip(), key_id, private)
    if actor_url.startswith(actors.urls().base + "/"):
        raise SourceProblem(_("Das ist dieses Treffpunkt selbst."))
    try:
        document = remote.fetch_json(actor_url, key_id, private)
        inbox, _shared_inbox = inbound.inbox_of(document)
    except remote.RemoteError as exc:
        log.info("fediverse: %s not followed: %s", actor_url[:200], exc)
        raise SourceProblem(_("Unter dieser Adresse antwortet kein Fediverse-Konto.")) from exc
    except inbound.Malformed as exc:
        raise SourceProblem(_("Dieses Konto kann keine Nachrichten empfangen.")) from exc
    if document.get("id") != actor_url:
        actor_url = inbound.ident(document.get("id")) or actor_url
    name = document.get("name") or document.get("preferredUsername") or actor_url
    key = uuid.uuid4().hex
    source = Region(session).add_source(actor_url, str(name), inbox, partner_id, actors.urls().activity(key))
    sent = federate.send(
        session, network, "Follow", actor_url, [], now, to=[actor_url], listed=False, inboxes=[inbox], key=key
    )
    return source, sent


def _resolve(address: str, key_id: str, private: str) -> str:
    if address.startswith(("https://", "http://")):
        return address
    match = HANDLE.match(address)
    if match is None:
        raise SourceProblem(_("Bitte eine Adresse wie name@beispiel.de oder https://… angeben."))
    name, host = match[1], match[2].lower()
    schemes = ["https", "http"] if current_app.config["SETTINGS"].fediverse_allow_private else ["https"]
    for scheme in schemes:
        try:
            jrd = remote.fetch_json(
                f"{scheme}://{host}/.well-known/webfinger?resource=acct:{name}@{host}", key_id, private
            )
        except remote.RemoteError:
            continue
        links = jrd.get("links")
        for link in links if isinstance(links, list) else []:
            if isinstance(link, dict) and link.get("rel") == "self" and "json" in str(link.get("type", "")):
                href = inbound.ident(link.get("href"))
                if href.startswith(("https://", "http://")):
                    return href
    raise SourceProblem(_("„%(handle)s“ wurde nicht gefunden.", handle=f"{name}@{host}"))


def answered(session: Session, command: inbound.FollowAnswered) -> str:
    source = Region(session).source_of(command.actor)
    if source is None or (command.follow_id != source.follow_id and command.followed != source.actor):
        return "ignored"
    source.state = "accepted" if command.accepted else "rejected"
    return "follow " + source.state


def _source(region: Region, actor: str, object_id: str) -> FediverseSource | None:
    """The source `actor` speaks for: itself when followed, or, for an Event that arrived
    from a followed network and belongs to one of its partners (an Update or Delete comes
    from the partner), the source of that Event when both are on the same server."""
    found = region.source_of(actor)
    if found is not None:
        return found
    known = region.event(object_id)
    source = region.source(known.source_id) if known is not None else None
    return source if source is not None and inbound.same_origin(source.actor, actor) else None


def shared(session: Session, command: inbound.EventShared, now: datetime) -> str:
    source = _source(Region(session), command.actor, inbound.ident(command.event))
    if source is None or source.state == "rejected":
        return "ignored"
    given = command.event
    event = given if isinstance(given, dict) and inbound.same_origin(inbound.ident(given), command.actor) else None
    if event is None:  # announced, or embedded by another server: asked of its origin
        event = _fetched(session, inbound.ident(given))
    if event is None:
        return "event unreachable"
    return keep(session, source, event, now)


def _fetched(session: Session, address: str) -> dict[str, Any] | None:
    network = actors.network(session)
    try:
        found = remote.fetch_json(address, actors.urls().key(network.name), actors.private_key(network))
    except remote.RemoteError as exc:
        log.info("fediverse: the announced %s could not be fetched: %s", address[:200], exc)
        return None
    return found if inbound.same_origin(inbound.ident(found), address) else None


def keep(session: Session, source: FediverseSource, event: dict[str, Any], now: datetime) -> str:
    try:
        data = as2_ical.to_ical(event, source.name, now)
    except as2_ical.NotAnEvent as exc:
        return f"not an event ({exc})"
    remote_id = inbound.ident(event)
    store = SqlStore(session)
    calendar = store.ensure_partner_calendar(source.partner_id, as2_ical.REGION_SLUG, as2_ical.REGION_NAME)
    name = as2_ical.object_name(remote_id)
    try:
        store.put(calendar.id, name, data)
    except InvalidCalendarData:
        return "not an event (calendar data)"
    row = Region(session).keep_event(remote_id, source.id, name, str(event.get("name", "")), now)
    store.set_hidden(calendar.id, name, not (source.approved or row.approved))
    return "event kept"


def removed(session: Session, command: inbound.EventRemoved) -> str:
    region = Region(session)
    source = _source(region, command.actor, command.object_id)
    found = region.event(command.object_id)
    if source is None or found is None or found.source_id != source.id:
        return "ignored"
    store = SqlStore(session)
    calendar = store.calendar(as2_ical.REGION_SLUG)
    if calendar is not None:
        store.delete(calendar.id, found.object_name)
    region.drop_event(found)
    return "event removed"


def approve_source(session: Session, source_id: int, approved: bool) -> bool:
    region = Region(session)
    source = region.source(source_id)
    if source is None:
        return False
    source.approved = approved
    _show(session, region.events(source_id), source)
    return True


def approve_event(session: Session, event_id: int, approved: bool) -> bool:
    region = Region(session)
    found = region.event_by_id(event_id)
    if found is None:
        return False
    found.approved = approved
    source = region.source(found.source_id)
    _show(session, [found], source)
    return True


def _show(session: Session, events, source: FediverseSource | None) -> None:
    store = SqlStore(session)
    calendar = store.calendar(as2_ical.REGION_SLUG)
    if calendar is None:
        return
    for found in events:
        store.set_hidden(
            calendar.id, found.object_name, not (found.approved or (source is not None and source.approved))
        )
