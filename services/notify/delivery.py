"""Deliveries: turn a notice into one row per channel, each sent at most once (services/notify/
sending.py sends them).

The row is the idempotency record. Accepting a notice is one transaction: record its message_id
(inbox), bring the reminder plan up to date, and create its rows — already claimed for the worker
that accepted it, so it can send them without another round trip. A copy of the notice changes
nothing and claims nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from email.utils import parseaddr
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.clock import utcnow
from shared.db import SessionFactory, transaction
from shared.outbox import first_time

from services.notify import preferences, retention
from services.notify.channels.outgoing import Outgoing
from services.notify.domain import account_mail, engagement_mail, itip_reply, itip_request, outgoing_email, texts
from services.notify.domain.account_mail import AccountMail
from services.notify.domain.engagement_mail import EngagementMail
from services.notify.domain.itip_reply import ItipReply
from services.notify.domain.itip_request import ItipRequest, MethodMismatch
from services.notify.domain.notice import Notice
from services.notify.domain.phone import InvalidPhone, to_e164
from services.notify.domain.preferences import channels
from services.notify.models import Delivery, ProcessedMessage
from services.notify.sending import Claim

PreferencesUrl = Callable[[int], str]  # account_id -> the settings link for the email footer


def _valid_address(value: str) -> bool:
    _name, address = parseaddr(value)
    return bool(address) and address == value and "@" in address and not any(c.isspace() for c in address)


def _email_row(notice: Notice, rendered: texts.Texts, mail_from: str) -> Delivery:
    row = Delivery(channel="email", recipient=notice.email, subject=rendered.subject, text=rendered.text)
    if not _valid_address(notice.email):
        row.status, row.failure, row.last_error = "failed", "permanent", f"Ungültige E-Mail-Adresse {notice.email!r}"
        return row
    row.body = outgoing_email.email_of(notice, rendered, mail_from, utcnow())
    return row


def _sms_row(phone: str, rendered: texts.Texts) -> Delivery:
    """The SMS to `phone` as E.164; a number that is none fails the row for good."""
    row = Delivery(channel="sms", recipient=phone, subject=rendered.subject, text=rendered.sms, body=rendered.sms)
    try:
        row.recipient = to_e164(phone)
    except InvalidPhone as exc:
        row.status, row.failure, row.last_error = "failed", "permanent", str(exc)
    return row


def accept(
    factory: SessionFactory, notice: Notice, mail_from: str, preferences_url: PreferencesUrl | None = None
) -> list[int]:
    """Create the deliveries of `notice` unless that was done before; returns their ids."""
    return accept_and_claim(factory, notice, mail_from, preferences_url, claim=False)[0]


def _rows(session: Session, notice: Notice, mail_from: str, preferences_url: PreferencesUrl | None) -> list[Delivery]:
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
        rows.append(_sms_row(notice.phone, rendered))
    for row in rows:
        row.message_id, row.account_id, row.kind = notice.message_id, notice.account_id, notice.kind
        row.booking_id, row.uid = notice.booking_id, notice.uid
    return rows


def accept_and_claim(
    factory: SessionFactory,
    notice: Notice,
    mail_from: str,
    preferences_url: PreferencesUrl | None = None,
    claim: bool = True,
    also: Callable[[Session, Notice], None] | None = None,
) -> tuple[list[int], list[Claim]]:
    """In one transaction: record the message (inbox), run `also(session, notice)`
    (the task passes the reminder plan's update), create the deliveries of `notice` and commit.
    Returns their ids and (`claim`) the new rows already claimed for this worker, ready to send.
    A message seen before changes nothing: its ids, no claims. Any other conflict is unexpected
    and raises IntegrityError with nothing recorded, so the message is tried again, never dropped.

    The person's preferences at this moment decide channels and language; the decision is
    recorded with the message_id, so a redelivered notice is not decided again.
    `preferences_url(account_id)` makes the settings link for the email footer."""
    with transaction(factory) as session:
        if not first_time(session, ProcessedMessage, f"notify.{notice.kind}", notice.message_id):
            # seen before: the INSERT wrote nothing (a copy being recorded right now was waited
            # for), so this transaction only reads the ids that copy created
            return _known(session, notice.message_id), []
        rows = _rows(session, notice, mail_from, preferences_url)
        if also is not None:
            also(session, notice)
        return _store(session, rows, claim)


def _store(session: Session, rows: list[Delivery], claim: bool) -> tuple[list[int], list[Claim]]:
    """Add the new rows; valid ones (`claim`) claimed at birth, no second round trip to claim them."""
    now = utcnow()
    for row in rows:
        if claim and row.status is None:
            row.status, row.attempts, row.claimed_at = "sending", 1, now
    session.add_all(rows)
    session.flush()
    claims = [
        Claim(Outgoing(r.id, r.channel, r.recipient, r.subject, r.body), 1, now) for r in rows if r.status == "sending"
    ]
    return sorted(r.id for r in rows), claims


def accept_account_mail(
    factory: SessionFactory, mail: AccountMail, mail_from: str, claim: bool = True
) -> tuple[list[int], list[Claim]]:
    """As accept_and_claim, for a mail with a link from the account pages: one email row, by
    email whatever the preferences say (the link is the person's way in, not a notification)."""
    with transaction(factory) as session:
        if not first_time(session, ProcessedMessage, "notify.account_mail", mail.message_id):
            return _known(session, mail.message_id), []
        rendered = account_mail.render(mail)
        row = Delivery(channel="email", recipient=mail.email, subject=rendered.subject, text=rendered.text)
        if _valid_address(mail.email):
            row.body = account_mail.email_of(mail, rendered, mail_from, utcnow())
        else:
            row.status, row.failure, row.last_error = "failed", "permanent", f"Ungültige E-Mail-Adresse {mail.email!r}"
        row.message_id, row.account_id, row.kind = mail.message_id, mail.account_id, mail.purpose
        row.booking_id, row.uid = 0, ""  # about no booking
        return _store(session, [row], claim)


def accept_engagement_mail(
    factory: SessionFactory, mail: EngagementMail, mail_from: str, claim: bool = True
) -> tuple[list[int], list[Claim]]:
    """As accept_account_mail, for a message from the engagement service: an email row, and an
    SMS row when the message has a text and a number for it, whatever preferences say (they are
    about bookings). Recorded by the message's key, as accept_itip_request: the same key in
    another message sends nothing again. A bad address or number fails its own row only; rows
    belong to no account (the person may have none) and to no booking."""
    with transaction(factory) as session:
        key = mail.delivery_key
        if not first_time(session, ProcessedMessage, "notify.engagement_mail", key):
            return _known(session, key), []
        rendered = engagement_mail.render(mail)
        email = Delivery(channel="email", recipient=mail.email, subject=rendered.subject, text=rendered.text)
        if _valid_address(mail.email):
            email.body = engagement_mail.email_of(mail, rendered, mail_from, utcnow())
        else:
            email.status, email.failure = "failed", "permanent"
            email.last_error = f"Ungültige E-Mail-Adresse {mail.email!r}"
        rows = [email]
        if mail.wants_sms:
            rows.append(_sms_row(mail.phone, rendered))
        for row in rows:
            row.message_id, row.account_id, row.kind = key, 0, mail.purpose
            row.booking_id, row.uid = 0, mail.uid
        return _store(session, rows, claim)


def accept_itip_reply(factory: SessionFactory, reply: ItipReply, claim: bool = True) -> tuple[list[int], list[Claim]]:
    """As accept_account_mail, for a room's iTIP REPLY to the organizer: one email row, whatever
    preferences say (it answers the organizer's own invitation)."""
    rendered = itip_reply.render(reply)
    return _one_email(
        factory,
        ("notify.itip_reply", reply.key, reply.account_id, itip_reply.KIND),
        reply.to,
        rendered,
        lambda: itip_reply.email_of(reply, rendered, utcnow()),
        claim,
    )


def accept_itip_request(
    factory: SessionFactory, request: ItipRequest, mail_from: str, claim: bool = True
) -> tuple[list[int], list[Claim]]:
    """As accept_itip_reply, for an organizer's invitation (or cancellation) to a person they
    invited, stored under the organizer's account. An object whose METHOD contradicts the
    message's is refused for good, never sent with the wrong method."""
    rendered = itip_request.render(request)
    return _one_email(
        factory,
        ("notify.itip_request", request.key, request.account_id, itip_request.KIND),
        request.to,
        rendered,
        lambda: itip_request.email_of(request, rendered, mail_from, utcnow()),
        claim,
    )


def _one_email(
    factory: SessionFactory,
    what: tuple[str, str, int, str],
    to: str,
    rendered: Any,
    body: Callable[[], str],
    claim: bool,
) -> tuple[list[int], list[Claim]]:
    """One email row for a message of task `what[0]`, recorded by its key `what[1]` rather than
    the message's id (a copy, or the same email in another message, sends nothing again), under
    account `what[2]` with kind `what[3]`. `body()` builds it; a bad address, or a body refused
    for good (MethodMismatch), leaves a failed row and sends nothing."""
    task_name, key, account_id, kind = what
    with transaction(factory) as session:
        if not first_time(session, ProcessedMessage, task_name, key):
            return _known(session, key), []
        row = Delivery(channel="email", recipient=to, subject=rendered.subject, text=rendered.text)
        if not _valid_address(to):
            row.status, row.failure, row.last_error = "failed", "permanent", f"Ungültige E-Mail-Adresse {to!r}"
        else:
            try:
                row.body = body()
            except MethodMismatch as exc:
                row.status, row.failure, row.last_error = "failed", "permanent", str(exc)
        row.message_id, row.account_id, row.kind = key, account_id, kind
        row.booking_id, row.uid = 0, ""
        return _store(session, [row], claim)


def _known(session: Session, message_id: str) -> list[int]:
    """The delivery ids of a message accepted before."""
    return list(session.scalars(select(Delivery.id).where(Delivery.message_id == message_id).order_by(Delivery.id)))


class ResendRefused(Exception):
    """Why a delivery cannot be sent again, as a code the page turns into words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def requeue(delivery: Delivery) -> None:
    """A coordinator sends a failed delivery again: fresh attempts, same message (the caller
    commits it and queues the send)."""
    if delivery.status != "failed":
        raise ResendRefused("not_failed")
    if retention.is_erased(delivery):
        raise ResendRefused("erased")
    if not delivery.body or (delivery.channel == "sms" and not delivery.recipient.startswith("+")):
        raise ResendRefused("unsendable")
    delivery.status, delivery.attempts, delivery.claimed_at, delivery.failure = "queued", 0, None, ""
    delivery.next_attempt_at = utcnow()
