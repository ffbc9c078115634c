"""One activity to one inbox (calendar.deliver_activity), a task per delivery so that a dead
peer never holds up another. The delivery row is locked while it is sent (a second task for
it skips it) and marked delivered in the same transaction: none is sent twice after success.

A failure waits BACKOFF × 2^(attempts-1) (capped at MAX_WAIT) and is tried again, up to
MAX_ATTEMPTS, then given up with its reason kept. A refusal that no retry changes (a 4xx other
than 401, 408, 429, as Mastodon judges them) is given up at once. A server that failed
PAUSE_AFTER times in a row is paused for PAUSE: its deliveries wait instead of each trying.
An inbox answering 410 Gone loses its followers (a deleted account, a closed server). Signed
with draft-cavage, which every peer verifies; a 401 is tried once more at once with RFC 9421
(the "double knock" Fedify does the other way round)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from shared.db import as_utc, transaction

from services.calendar.fediverse import actors, remote
from services.calendar.store.models import FediverseActivity, FediverseActor
from services.calendar.store.sql_fediverse import Fediverse

MAX_ATTEMPTS = 10
BACKOFF = timedelta(seconds=30)
MAX_WAIT = timedelta(hours=6)
PAUSE_AFTER = 5
PAUSE = timedelta(minutes=30)
RETRYABLE_4XX = (401, 408, 429)


def queue(celery, delivery_ids: list[int], wait: timedelta | None = None) -> None:
    """A task per delivery (after the commit that wrote them; the scan queues again what is lost)."""
    for delivery_id in delivery_ids:
        options = {"countdown": wait.total_seconds()} if wait else {}
        celery.send_task("calendar.deliver_activity", kwargs={"delivery_id": delivery_id}, queue="calendar", **options)


def wait_after(attempts: int) -> timedelta:
    return min(BACKOFF * 2 ** max(attempts - 1, 0), MAX_WAIT)


def deliver(factory: sessionmaker[Session], delivery_id: int, now: datetime) -> tuple[str, timedelta | None]:
    """(what happened, the wait before the next try when there is one)."""
    with transaction(factory) as session:
        store = Fediverse(session)
        delivery = store.claim(delivery_id, now)
        if delivery is None:
            return "taken", None  # delivered, given up, or being sent by another task
        if as_utc(delivery.next_at) > now + timedelta(seconds=1):
            return "not due", None  # an early copy: the one queued for its time (or the sweep) sends it
        peer = store.peer(delivery.host)
        if peer is not None and peer.paused_until is not None and as_utc(peer.paused_until) > now:
            delivery.next_at = peer.paused_until
            return "paused", peer.paused_until - now
        activity = session.get(FediverseActivity, delivery.activity_id)
        actor = session.get(FediverseActor, activity.actor_id) if activity else None
        if activity is None or actor is None:
            delivery.state = "given_up"
            delivery.last_error = "activity gone"
            return "given up", None
        body = json.dumps(json.loads(activity.document), ensure_ascii=False).encode()
        error, status = "", 0
        key_id, private = actors.urls().key(actor.name), actors.private_key(actor)
        try:
            status = remote.post_activity(delivery.inbox, body, key_id, private)
            if status == 401:  # a peer that verifies RFC 9421 only: the second knock
                status = remote.post_activity(delivery.inbox, body, key_id, private, rfc9421=True)
        except remote.RemoteError as exc:
            error = str(exc)[:300]
        delivery.attempts += 1
        if 200 <= status < 300:
            delivery.state, delivery.delivered_at, delivery.last_error = "delivered", now, ""
            store.peer_succeeded(delivery.host)
            return "delivered", None
        delivery.last_error = error or f"HTTP {status}"
        hopeless = 400 <= status < 500 and status not in RETRYABLE_4XX
        if status == 410:  # gone for good: whoever was delivered to there follows no more
            store.forget_inbox(delivery.inbox)
        if hopeless or delivery.attempts >= MAX_ATTEMPTS:
            delivery.state = "given_up"
            return "given up", None
        wait = wait_after(delivery.attempts)
        delivery.next_at = now + wait
        store.peer_failed(delivery.host, PAUSE_AFTER, PAUSE, now)
        return "retry", wait
