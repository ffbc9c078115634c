"""Deliveries: turn a notice into one row per channel, then send each row at most once.

The row is the idempotency record. Sending is: claim (status -> sending; a conditional UPDATE
that returns the row, or the INSERT of a new row already claimed), commit, call the provider,
record the outcome on the same connection at once, so a crash can only fall into that short
window. Two workers holding the same message never both send: only one claim succeeds.

A task does all this on one database connection (`one_connection`): one pool checkout, and on
PostgreSQL every step after the accepting transaction is a single statement that commits on its
own (`single_statements`), so recording "sent" after the provider's OK is one round trip."""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Callable, Iterator

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from shared.clock import utcnow
from shared.outbox import first_time

from services.notify import preferences
from services.notify.channels import Outgoing, sender_for
from services.notify.domain import itip, mime, texts
from services.notify.domain.preferences import channels
from services.notify.domain.errors import PermanentFailure, TransientFailure
from services.notify.domain.notice import Notice
from services.notify.domain.phone import InvalidPhone, to_e164
from services.notify.models import Delivery, ProcessedMessage

log = logging.getLogger(__name__)
# the delivery log's words for a send stopped by the task's soft time limit (people read it)
TIMED_OUT = "Zeitlimit der Aufgabe überschritten: der Anbieter hat nicht rechtzeitig geantwortet"


def _valid_address(value: str) -> bool:
    name, address = parseaddr(value)
    return bool(address) and address == value and "@" in address and not any(c.isspace() for c in address)


def _email_row(notice: Notice, rendered: texts.Texts, mail_from: str) -> Delivery:
    row = Delivery(channel="email", recipient=notice.email, subject=rendered.subject, text=rendered.text)
    if not _valid_address(notice.email):
        row.status, row.failure, row.last_error = "failed", "permanent", f"Ungültige E-Mail-Adresse {notice.email!r}"
        return row
    calendar = itip.invitation(notice, mail_from, summary=notice.title, description=rendered.text)
    row.body = mime.build_email(
        mail_from=mail_from, to=notice.email, to_name=notice.recipient_name, subject=rendered.subject,
        text=rendered.text, html=rendered.html, ics=calendar, method=itip.method_of(notice),
        message_id=mime.message_id_for(notice.message_id, "email", mail_from), date=utcnow())
    return row


def _sms_row(notice: Notice, rendered: texts.Texts) -> Delivery:
    row = Delivery(channel="sms", recipient=notice.phone, subject=rendered.subject, text=rendered.sms,
                   body=rendered.sms)
    try:
        row.recipient = to_e164(notice.phone)
    except InvalidPhone as exc:
        row.status, row.failure, row.last_error = "failed", "permanent", str(exc)
    return row


def _known(session, message_id: str) -> list[int]:
    """The delivery ids of a message accepted before (read in a transaction of its own)."""
    ids = list(session.scalars(select(Delivery.id).where(Delivery.message_id == message_id).order_by(Delivery.id)))
    session.commit()
    return ids


@dataclass(frozen=True)
class Claim:
    """A delivery this worker may send now: what goes out, and which attempt this is."""
    outgoing: Outgoing
    attempts: int
    claimed_at: datetime


@contextmanager
def one_connection(factory) -> Iterator[Session]:
    """A session that keeps one database connection across its commits (a whole task: one
    checkout from the pool, one pre-ping)."""
    with factory.kw["bind"].connect() as connection:
        with Session(bind=connection, expire_on_commit=False) as session:
            yield session


def single_statements(session: Session) -> None:
    """From now on each statement on `session` commits by itself (PostgreSQL): claims and
    outcomes are single statements, so BEGIN and COMMIT would only add round trips. Call it
    between transactions; SQLite (make run) keeps its explicit transactions."""
    connection = session.bind
    if connection.dialect.name == "postgresql" and not connection.in_transaction():
        connection.execution_options(isolation_level="AUTOCOMMIT")


def accept(factory, notice: Notice, mail_from: str, preferences_url=None) -> list[int]:
    """Create the deliveries of `notice` unless that was done before; returns their ids."""
    with one_connection(factory) as session:
        return accept_and_claim(session, notice, mail_from, preferences_url, claim=False)[0]


def _rows(session, notice: Notice, mail_from: str, preferences_url) -> list[Delivery]:
    """One row per channel the person wants for this kind, rendered in their language."""
    prefs = preferences.load(session, notice.account_id)
    if prefs.language:
        notice = replace(notice, language=prefs.language)
    if preferences_url is not None:
        notice = replace(notice, preferences_url=preferences_url(notice.account_id))
    wanted = channels(prefs, notice.kind, has_email=bool(notice.email), has_phone=bool(notice.phone))
    rendered = texts.render(notice)
    rows = []
    if "email" in wanted:
        rows.append(_email_row(notice, rendered, mail_from))
    if "sms" in wanted:
        rows.append(_sms_row(notice, rendered))
    for row in rows:
        row.message_id, row.account_id, row.kind = notice.message_id, notice.account_id, notice.kind
        row.booking_id, row.uid = notice.booking_id, notice.uid
    return rows


def accept_and_claim(session, notice: Notice, mail_from: str, preferences_url=None, claim: bool = True,
                     also: Callable[[Session, Notice], None] | None = None) -> tuple[list[int], list[Claim]]:
    """In one transaction on `session`: record the message (inbox), run `also(session, notice)`
    (the task passes the reminder plan's update), create the deliveries of `notice` and commit.
    Returns their ids and (`claim`) the new rows already claimed for this worker, ready to send.
    A message seen before changes nothing: its ids, no claims. Any other conflict is unexpected
    and raises IntegrityError with nothing recorded, so the message is tried again, never dropped.

    The person's preferences at this moment decide channels and language; the decision is
    recorded with the message_id, so a redelivered notice is not decided again.
    `preferences_url(account_id)` makes the settings link for the email footer."""
    if not first_time(session, ProcessedMessage, f"notify.{notice.kind}", notice.message_id):
        session.rollback()
        return _known(session, notice.message_id), []
    rows = _rows(session, notice, mail_from, preferences_url)
    if also is not None:
        also(session, notice)
    now = utcnow()
    for row in rows:
        if claim and row.status is None:  # valid: claimed at birth, no second round trip to claim it
            row.status, row.attempts, row.claimed_at = "sending", 1, now
    session.add_all(rows)
    session.flush()
    claims = [Claim(Outgoing(r.id, r.channel, r.recipient, r.subject, r.body), 1, now)
              for r in rows if r.status == "sending"]
    ids = sorted(r.id for r in rows)
    session.commit()
    return ids, claims


def _claim(session, delivery_id: int, stale_seconds: float) -> Claim | None:
    """The conditional claim, returning the row in the same statement."""
    now = utcnow()
    row = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, or_(
            Delivery.status.in_(("queued", "retrying")),
            and_(Delivery.status == "sending", Delivery.claimed_at < now - timedelta(seconds=stale_seconds))))
        .values(status="sending", attempts=Delivery.attempts + 1, claimed_at=now)
        .returning(Delivery.channel, Delivery.recipient, Delivery.subject, Delivery.body, Delivery.attempts)
    ).first()
    if row is None:
        return None
    return Claim(Outgoing(delivery_id, row.channel, row.recipient, row.subject, row.body), row.attempts, now)


def attempt(factory, settings, delivery_id: int, config: dict, limiter=None, retry_in: float | None = None) -> str:
    """`attempt_on` a connection of its own."""
    with one_connection(factory) as session:
        single_statements(session)
        return attempt_on(session, factory, settings, delivery_id, config, limiter, retry_in)


def attempt_on(session, factory, settings, delivery_id: int, config: dict, limiter=None,
               retry_in: float | None = None) -> str:
    """Send one delivery if it is due. Returns its state afterwards: "sent", "failed",
    "retrying" (try again later), "busy" (another worker is sending it right now) or "limited"
    (the channel's rate limit says not now; no attempt was spent: queue it again).
    `retry_in`: seconds until the caller runs the retry; stored so the sweep can tell a lost one."""
    claim = _claim(session, delivery_id, config["NOTIFY_STALE_SENDING_SECONDS"])
    if claim is None:
        status = session.scalar(select(Delivery.status).where(Delivery.id == delivery_id))
        session.rollback()
        return "busy" if status == "sending" else status
    session.commit()
    return send_claimed(session, factory, settings, claim, config, limiter, retry_in)


def send_claimed(session, factory, settings, claim: Claim, config: dict, limiter=None,
                 retry_in: float | None = None) -> str:
    """Send a claimed delivery and record the outcome on `session` right after the provider's
    answer (`session` between transactions, ideally `single_statements`). Only a send that will
    happen takes a rate-limit token (after the claim); a limited one gives its claim back."""
    outgoing = claim.outgoing
    if limiter is not None and limiter.acquire(outgoing.channel) > 0:
        release(session, claim)
        return "limited"
    try:
        sender_for(outgoing.channel, settings, factory, config["NOTIFY_SEND_TIMEOUT"]).send(outgoing)
    except SoftTimeLimitExceeded:  # the task's time is up mid-send: a failed attempt; the task retries
        _transient(session, outgoing.delivery_id, claim.attempts, TIMED_OUT, config, retry_in)
        raise
    except PermanentFailure as exc:
        return _record(session, outgoing.delivery_id, "failed", str(exc), failure="permanent")
    except TransientFailure as exc:
        return _transient(session, outgoing.delivery_id, claim.attempts, str(exc), config, retry_in)
    except Exception as exc:  # a bug or an unclassified error: bounded retries, never a loop
        log.exception("unexpected error sending delivery %s", outgoing.delivery_id)
        return _transient(session, outgoing.delivery_id, claim.attempts, f"{type(exc).__name__}: {exc}",
                          config, retry_in)
    return _record(session, outgoing.delivery_id, "sent", "")


def release(session, claim: Claim) -> None:
    """Undo our claim without spending the attempt (only if it is still ours)."""
    previous = claim.attempts - 1
    session.execute(
        update(Delivery)
        .where(Delivery.id == claim.outgoing.delivery_id, Delivery.status == "sending",
               Delivery.claimed_at == claim.claimed_at)
        .values(status="queued" if previous == 0 else "retrying", attempts=previous, claimed_at=None))
    session.commit()


def _transient(session, delivery_id: int, attempts: int, error: str, config: dict,
               retry_in: float | None = None) -> str:
    if attempts >= config["NOTIFY_MAX_ATTEMPTS"]:
        return _record(session, delivery_id, "failed", f"Aufgegeben nach {attempts} Versuchen: {error}",
                       failure="exhausted")
    return _record(session, delivery_id, "retrying", error, retry_in=retry_in or 0.0)


_table = Delivery.__table__
# the outcome of a send; sent_at and next_attempt_at only change when given (one statement for all)
RECORD = update(_table).where(_table.c.id == bindparam("delivery_id")).values(
    status=bindparam("new_status"), last_error=bindparam("error"), failure=bindparam("why"),
    sent_at=func.coalesce(bindparam("sent", type_=_table.c.sent_at.type), _table.c.sent_at),
    next_attempt_at=func.coalesce(bindparam("due", type_=_table.c.next_attempt_at.type), _table.c.next_attempt_at))


def _record(session, delivery_id: int, status: str, error: str, failure: str = "",
            retry_in: float = 0.0) -> str:
    now = utcnow()
    session.execute(RECORD, {
        "delivery_id": delivery_id, "new_status": status, "error": error[:2000], "why": failure,
        "sent": now if status == "sent" else None,
        "due": now + timedelta(seconds=retry_in) if status == "retrying" else None})
    session.commit()
    if status != "sent":
        log.warning("delivery %s %s: %s", delivery_id, status, error)
    return status


def give_up(factory, delivery_ids: list[int], reason: str) -> None:
    """Mark still-retrying deliveries failed (the task ran out of retries)."""
    with factory() as session:
        session.execute(update(Delivery).where(Delivery.id.in_(delivery_ids), Delivery.status == "retrying")
                        .values(status="failed", failure="exhausted", last_error=reason))
        session.commit()


class ResendRefused(Exception):
    """Why a delivery cannot be sent again, as a code the page turns into words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def requeue(session, delivery: Delivery) -> None:
    """A coordinator sends a failed delivery again: fresh attempts, same message."""
    if delivery.status != "failed":
        raise ResendRefused("not_failed")
    if not delivery.body or (delivery.channel == "sms" and not delivery.recipient.startswith("+")):
        raise ResendRefused("unsendable")
    delivery.status, delivery.attempts, delivery.claimed_at, delivery.failure = "queued", 0, None, ""
    delivery.next_attempt_at = utcnow()
