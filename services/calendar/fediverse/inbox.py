"""Incoming activities. In the request: the signature is checked (the signer's key from its
actor document, fetched signed by the network and cached in fediverse_keys; fetched again once
when a cached key does not verify, for a peer that changed its key). In the task
(calendar.receive_activity): Follow stores the follower and answers Accept, Undo(Follow) and
Delete(actor) drop it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from shared.db import as_utc, transaction

from services.calendar.domain import http_signatures, inbound_activity as inbound, message_signatures
from services.calendar.domain.http_signatures import SignatureError
from services.calendar.fediverse import actors, federate, region, remote
from services.calendar.store.sql_fediverse import Fediverse

log = logging.getLogger(__name__)
KEY_FRESH = timedelta(days=1)


def verify(
    session: Session, method: str, target: str, headers: Mapping[str, str], body: bytes, actor: str, now: datetime
) -> None:
    """SignatureError unless the request is signed by a key of `actor` (the activity's sender):
    RFC 9421 when it carries Signature-Input (Fedify's first try), else draft-cavage (Mastodon).
    `target`: the path with its query; `headers`: lower-case names."""
    if "signature-input" in headers:
        modern = message_signatures.parse(headers.get("signature-input"), headers.get("signature"))
        key_id, uri = modern.key_id, actors.urls().base + target  # the address the sender posted to

        def check(pem: str) -> None:
            message_signatures.check(modern, method, uri, headers, body, pem, now)
    else:
        cavage = http_signatures.parse(headers.get("signature"))
        key_id = cavage.key_id

        def check(pem: str) -> None:
            http_signatures.check(cavage, method, target, headers, body, pem, now)

    cached = Fediverse(session).key(key_id)
    if cached is not None and cached.owner == actor and now - as_utc(cached.fetched_at) < KEY_FRESH:
        try:
            check(cached.public_key_pem)
            return
        except SignatureError as exc:
            if exc.code != "invalid":
                raise
    owner, pem = _fetch_key(session, key_id, now)
    if owner != actor:
        raise SignatureError("owner")
    check(pem)


def _fetch_key(session: Session, key_id: str, now: datetime) -> tuple[str, str]:
    network = actors.network(session)
    try:
        document = remote.fetch_json(
            key_id.split("#", 1)[0], actors.urls().key(network.name), actors.private_key(network)
        )
    except remote.RemoteError as exc:
        log.info("fediverse: the key %s could not be fetched: %s", key_id[:200], exc)
        raise SignatureError("key") from exc
    found = inbound.public_key_of(document, key_id)
    if found is None:
        raise SignatureError("key")
    Fediverse(session).keep_key(key_id, found[0], found[1], now)
    return found


def apply(factory: sessionmaker[Session], activity: dict[str, Any], now: datetime) -> tuple[str, list[int]]:
    """(what happened, deliveries to queue)."""
    command = inbound.interpret(activity, actors.urls())
    with transaction(factory) as session:
        store = Fediverse(session)
        if isinstance(command, inbound.Follow):
            return _follow(session, command, activity, now)
        if isinstance(command, inbound.Unfollow):
            target = actors.find(session, command.target) if command.target else None
            if target is not None:
                store.unfollow(target.id, command.follower)
                return "unfollowed", []
            dropped = _unfollow_by_id(session, command)
            return ("unfollowed" if dropped else "unknown follow"), []
        if isinstance(command, inbound.ActorGone):
            store.forget_follower(command.actor)
            return "actor gone", []
        if isinstance(command, inbound.FollowAnswered):
            return region.answered(session, command), []
        if isinstance(command, inbound.EventShared):
            return region.shared(session, command, now), []
        if isinstance(command, inbound.EventRemoved):
            return region.removed(session, command), []
    return "ignored", []


def _follow(
    session: Session, command: inbound.Follow, activity: dict[str, Any], now: datetime
) -> tuple[str, list[int]]:
    target = actors.find(session, command.target)
    if target is None:
        return "unknown actor", []
    try:
        document = remote.fetch_json(command.follower, actors.urls().key(target.name), actors.private_key(target))
        inbox, shared = inbound.inbox_of(document)
    except (remote.RemoteError, inbound.Malformed) as exc:
        log.info("fediverse: follower %s not reachable: %s", command.follower[:200], exc)
        return "follower unreachable", []
    store = Fediverse(session)
    store.follow(target.id, command.follower, inbox, shared, command.follow_id)
    follow = {k: v for k, v in activity.items() if k != "@context"}
    # the Accept goes to the follower's own inbox only, and is no part of the public outbox
    sent = federate.send(
        session, target, "Accept", follow, [], now, to=[command.follower], listed=False, inboxes=[inbox]
    )
    return "followed", sent


def _unfollow_by_id(session: Session, command: inbound.Unfollow) -> int:
    store = Fediverse(session)
    return store.unfollow_by_follow_id(command.follower, command.follow_id)
