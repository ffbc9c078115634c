"""Sending a delivery at most once: claim it, call the provider, record the outcome at once.

Claim (status -> sending) is a conditional UPDATE that returns the row, or the row was created
already claimed (services/notify/delivery.py). Two workers holding the same message never both
send: only one claim succeeds. The outcome is recorded right after the provider's answer, so a
crash can only fall into that short window.

A task runs these steps on `statements`: one connection in autocommit (shared.db.
autocommit_connection), each write a `transaction` of one statement — on PostgreSQL one round
trip, so recording "sent" after the provider's OK is one."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy import Table, and_, bindparam, func, or_, select, update

from shared.clock import utcnow
from shared.db import SessionFactory, transaction

from services.notify.channels import sender_for
from services.notify.channels.outgoing import Outgoing
from services.notify.domain.errors import PermanentFailure, TransientFailure
from services.notify.models import Delivery
from services.notify.ratelimit import RateLimiter
from services.notify.settings import NotifySettings

log = logging.getLogger(__name__)
# the delivery log's words for a send stopped by the task's soft time limit (people read it)
TIMED_OUT = "Zeitlimit der Aufgabe überschritten: der Anbieter hat nicht rechtzeitig geantwortet"


@dataclass(frozen=True)
class Claim:
    """A delivery this worker may send now: what goes out, and which attempt this is."""

    outgoing: Outgoing
    attempts: int
    claimed_at: datetime


def _claim(statements: SessionFactory, delivery_id: int, stale_seconds: float) -> Claim | None:
    """The conditional claim, returning the row in the same statement."""
    now = utcnow()
    with transaction(statements) as session:
        row = session.execute(
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                or_(
                    Delivery.status.in_(("queued", "retrying")),
                    and_(Delivery.status == "sending", Delivery.claimed_at < now - timedelta(seconds=stale_seconds)),
                ),
            )
            .values(status="sending", attempts=Delivery.attempts + 1, claimed_at=now)
            .returning(Delivery.channel, Delivery.recipient, Delivery.subject, Delivery.body, Delivery.attempts)
        ).first()
    if row is None:
        return None
    return Claim(Outgoing(delivery_id, row.channel, row.recipient, row.subject, row.body), row.attempts, now)


def attempt(
    statements: SessionFactory,
    capture: SessionFactory,
    settings: NotifySettings,
    delivery_id: int,
    limiter: RateLimiter | None = None,
    retry_in: float | None = None,
) -> str | None:
    """Send one delivery if it is due. Returns its state afterwards: "sent", "failed",
    "retrying" (try again later), "busy" (another worker is sending it right now) or "limited"
    (the channel's rate limit says not now; no attempt was spent: queue it again).
    `capture`: the service's own factory, for the capture backend (make run).
    `retry_in`: seconds until the caller runs the retry; stored so the sweep can tell a lost one."""
    claim = _claim(statements, delivery_id, settings.stale_sending_seconds)
    if claim is None:
        with statements() as session:
            status = session.scalar(select(Delivery.status).where(Delivery.id == delivery_id))
        return "busy" if status == "sending" else status  # None: no such delivery
    return send_claimed(statements, capture, settings, claim, limiter, retry_in)


def send_claimed(
    statements: SessionFactory,
    capture: SessionFactory,
    settings: NotifySettings,
    claim: Claim,
    limiter: RateLimiter | None = None,
    retry_in: float | None = None,
) -> str:
    """Send a claimed delivery and record the outcome right after the provider's answer. Only a
    send that will happen takes a rate-limit token (after the claim); a limited one gives its
    claim back."""
    outgoing = claim.outgoing
    if limiter is not None and limiter.acquire(outgoing.channel) > 0:
        release(statements, claim)
        return "limited"
    try:
        sender_for(outgoing.channel, settings, capture).send(outgoing)
    except SoftTimeLimitExceeded:  # the task's time is up mid-send: a failed attempt; the task retries
        _transient(statements, settings, outgoing.delivery_id, claim.attempts, TIMED_OUT, retry_in)
        raise
    except PermanentFailure as exc:
        return _record(statements, outgoing.delivery_id, "failed", str(exc), failure="permanent")
    except TransientFailure as exc:
        return _transient(statements, settings, outgoing.delivery_id, claim.attempts, str(exc), retry_in)
    except Exception as exc:  # a bug or an unclassified error: bounded retries, never a loop
        log.exception("unexpected error sending delivery %s", outgoing.delivery_id)
        return _transient(
            statements, settings, outgoing.delivery_id, claim.attempts, f"{type(exc).__name__}: {exc}", retry_in
        )
    return _record(statements, outgoing.delivery_id, "sent", "")


def release(statements: SessionFactory, claim: Claim) -> None:
    """Undo our claim without spending the attempt (only if it is still ours)."""
    previous = claim.attempts - 1
    with transaction(statements) as session:
        session.execute(
            update(Delivery)
            .where(
                Delivery.id == claim.outgoing.delivery_id,
                Delivery.status == "sending",
                Delivery.claimed_at == claim.claimed_at,
            )
            .values(status="queued" if previous == 0 else "retrying", attempts=previous, claimed_at=None)
        )


def _transient(
    statements: SessionFactory,
    settings: NotifySettings,
    delivery_id: int,
    attempts: int,
    error: str,
    retry_in: float | None = None,
) -> str:
    if attempts >= settings.max_attempts:
        return _record(
            statements, delivery_id, "failed", f"Aufgegeben nach {attempts} Versuchen: {error}", failure="exhausted"
        )
    return _record(statements, delivery_id, "retrying", error, retry_in=retry_in or 0.0)


_table = cast(Table, Delivery.__table__)
# the outcome of a send; sent_at and next_attempt_at only change when given (one statement for all)
RECORD = (
    update(_table)
    .where(_table.c.id == bindparam("delivery_id"))
    .values(
        status=bindparam("new_status"),
        last_error=bindparam("error"),
        failure=bindparam("why"),
        sent_at=func.coalesce(bindparam("sent", type_=_table.c.sent_at.type), _table.c.sent_at),
        next_attempt_at=func.coalesce(bindparam("due", type_=_table.c.next_attempt_at.type), _table.c.next_attempt_at),
    )
)


def _record(
    statements: SessionFactory, delivery_id: int, status: str, error: str, failure: str = "", retry_in: float = 0.0
) -> str:
    now = utcnow()
    with transaction(statements) as session:
        session.execute(
            RECORD,
            {
                "delivery_id": delivery_id,
                "new_status": status,
                "error": error[:2000],
                "why": failure,
                "sent": now if status == "sent" else None,
                "due": now + timedelta(seconds=retry_in) if status == "retrying" else None,
            },
        )
    if status != "sent":  # the error stays in the delivery log: a provider's answer may quote the address
        log.warning("delivery %s %s%s", delivery_id, status, f" ({failure})" if failure else "")
    return status


def give_up(factory: SessionFactory, delivery_ids: list[int], reason: str) -> None:
    """Mark still-retrying deliveries failed (the task ran out of retries)."""
    with transaction(factory) as session:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(delivery_ids), Delivery.status == "retrying")
            .values(status="failed", failure="exhausted", last_error=reason)
        )
