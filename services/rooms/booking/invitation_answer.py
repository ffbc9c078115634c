"""A room's answer to an invitation (booking/for_invitation.py), read from its booking as it
stands: each date the invitation asked for, by its key, ACCEPTED (booked), TENTATIVE (waiting
for the owner) or DECLINED (with why). Sent after each invitation and again after every later
change of the booking (notices.booking_changed calls `send` for every booking change, whatever
the path), by the way the invitation came: to the calendar (calendar.room_invitation_answer) or
as an iTIP REPLY by email to the organizer (notify.itip_reply).

One answer per booking and transaction: a change made of several steps (an invitation followed
date by date) would otherwise queue one per step, and by email one mail each; a later `send` in
the same transaction takes the place of the one queued before."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared import outbox

from services.rooms.booking.context import Ctx
from services.rooms.db.models import Booking, Occurrence, OutboxMessage
from services.rooms.domain import itip_reply

log = logging.getLogger(__name__)
CALDAV, IMIP = "caldav", "imip"
ACCEPTED, TENTATIVE, DECLINED = "ACCEPTED", "TENTATIVE", "DECLINED"
PARTSTAT_OF = {"valid": ACCEPTED, "pending": TENTATIVE}
QUEUED = "rooms_invitation_answers"  # session.info: (transaction, {booking id: message_id of its answer})


@dataclass(frozen=True)
class DateAnswer:
    key: str  # the InvitationDateV1 key ("" for a single event)
    partstat: str  # ACCEPTED | TENTATIVE | DECLINED
    reason: str = ""  # a DECLINED date's code: taken, closed, not_allowed, ...


@dataclass(frozen=True)
class InvitationAnswer:
    state: str  # booked | released | refused | stale
    booking_id: int | None = None
    booking_sequence: int = 0
    reason: str = ""
    dates: tuple[DateAnswer, ...] = ()


@dataclass(frozen=True)
class Invited:
    """What an answer is about, besides the booking's dates: the invitation and how it came."""

    uid: str
    room_id: int
    sequence: int
    title: str
    via: str = CALDAV
    organizer: str = ""
    event_sequence: int = 0
    account_id: int = 0  # the organizer's account (an emailed reply is part of their data)


def kept(key: str, starts_at: datetime, ends_at: datetime, reason: str = "") -> dict[str, Any]:
    """One date as the booking keeps it (Booking.invitation_dates): `reason` why it was not booked."""
    return {"key": key, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(), "reason": reason}


def answer_of(booking: Booking) -> InvitationAnswer:
    """The answer the booking gives now, date by date, from its occurrences."""
    asked = booking.invitation_dates or []
    if not asked:
        return InvitationAnswer("released", booking.id, booking.sequence)
    at_times: dict[tuple[datetime, datetime], list[Occurrence]] = {}
    for o in booking.occurrences:
        at_times.setdefault((o.starts_at, o.ends_at), []).append(o)
    dates = tuple(_date_answer(at_times, d) for d in asked)
    if all(d.partstat == DECLINED for d in dates):
        return InvitationAnswer("refused", booking.id, booking.sequence, dates[0].reason, dates)
    return InvitationAnswer("booked", booking.id, booking.sequence, "", dates)


def _date_answer(at_times: dict[tuple[datetime, datetime], list[Occurrence]], asked: dict[str, Any]) -> DateAnswer:
    """One asked date's answer from the booking's dates at its time (a date keeps its time when
    cancelled; one moved on the web leaves it)."""
    slot = (_utc(asked["starts_at"]), _utc(asked["ends_at"]))
    at_time = at_times.get(slot, [])
    held = next((o for o in at_time if o.state in PARTSTAT_OF), None)
    if held is not None:
        return DateAnswer(asked["key"], PARTSTAT_OF[held.state])
    return DateAnswer(asked["key"], DECLINED, asked.get("reason") or _why_gone(at_time))


def _utc(moment: str) -> datetime:
    return datetime.fromisoformat(moment).astimezone(timezone.utc)


def _why_gone(at_time: list[Occurrence]) -> str:
    """A date the booking no longer holds: declined by the owner, cancelled, or moved away to
    another time on the web (no date of the booking at this time any more)."""
    if not at_time:
        return "moved"
    return "declined" if any(o.state == "declined" for o in at_time) else "cancelled"


def invited(booking: Booking) -> Invited:
    return Invited(
        uid=booking.invitation_uid or "",
        room_id=booking.room_id,
        sequence=booking.invitation_sequence or 0,
        title=booking.title,
        via=booking.invitation_via or CALDAV,
        organizer=booking.invitation_organizer or "",
        event_sequence=booking.invitation_event_sequence or 0,
        account_id=booking.booker_account_id or 0,
    )


def send(session: Session, booking: Booking, ctx: Ctx) -> InvitationAnswer:
    """Queue the booking's answer to its invitation (none for a booking made otherwise),
    in place of one queued for it earlier in this transaction."""
    answer = answer_of(booking)
    if booking.invitation_uid:
        queued = _queued(session)
        _forget_earlier(session, queued.pop(booking.id, None))
        message_id = queue(session, invited(booking), answer, booking.room.name, ctx)
        if message_id:
            queued[booking.id] = message_id
    return answer


def _queued(session: Session) -> dict[int, str]:
    """The answers queued in this session's current transaction (a committed one is gone for good)."""
    current = session.get_transaction()
    held = session.info.get(QUEUED)
    if held is None or held[0] is not current:
        held = session.info[QUEUED] = (current, {})
    found: dict[int, str] = held[1]
    return found


def _forget_earlier(session: Session, message_id: str | None) -> None:
    if message_id is None:
        return
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.message_id == message_id))
    if row is not None:  # None: rolled back meanwhile
        session.delete(row)


def queue(session: Session, about: Invited, answer: InvitationAnswer, room_name: str, ctx: Ctx) -> str | None:
    """The answer into the outbox, the calendar's way or by email; its message_id (None when
    nothing is sent: an email invitation released, i.e. cancelled by its organizer, gets no reply)."""
    if about.via == IMIP:
        return _itip_reply(session, about, answer, room_name, ctx)
    return outbox.add(
        session,
        OutboxMessage,
        "calendar.room_invitation_answer",
        invitation_uid=about.uid,
        room_id=about.room_id,
        sequence=about.sequence,
        booking_sequence=answer.booking_sequence,
        booking_id=answer.booking_id,
        state=answer.state,
        reason=answer.reason,
        dates=[{"key": d.key, "partstat": d.partstat, "reason": d.reason} for d in answer.dates],
    )


def _itip_reply(session: Session, about: Invited, answer: InvitationAnswer, room_name: str, ctx: Ctx) -> str | None:
    to = itip_reply.mail_address(about.organizer)
    if answer.state == "released" or not answer.dates or "@" not in to:
        return None
    address = itip_reply.room_address(about.room_id, ctx.room_mail_domain)
    dates = [itip_reply.DateReply(d.key, d.partstat) for d in answer.dates]
    ics = itip_reply.reply(
        uid=about.uid,
        organizer=to,
        room_address=address,
        room_name=room_name or address,
        summary=about.title,
        sequence=about.event_sequence,
        dates=dates,
        now=ctx.now,
    )
    try:
        return outbox.add(
            session,
            OutboxMessage,
            "notify.itip_reply",
            reply_id=reply_id(about, answer.booking_sequence),
            to=to,
            room_address=address,
            room_name=room_name or address,
            summary=about.title,
            partstat=itip_reply.overall(dates),
            ics=ics,
            account_id=about.account_id,
        )
    except ValidationError as exc:  # an organizer address notify could not mail to
        log.warning("no iTIP reply to %r for %s: %s", to, about.uid, exc)
        return None


def reply_id(about: Invited, booking_sequence: int) -> str:
    """The same for the same answer (a redelivered invitation), so notify mails it once."""
    seed = f"{about.uid}\n{about.room_id}\n{about.sequence}\n{booking_sequence}"
    return "itip-reply-" + hashlib.sha256(seed.encode("utf-8")).hexdigest()
