"""A room invited to an event (rooms.book_for_invitation, RFC 6638 implicit scheduling; or by
email, iMIP, through the mail-in): booked under the same rules as the web form, in the name of
the organizer's account, and answered date by date (invitation_answer.py).

Each date of the invitation is judged on its own (free, within the room's rules, waiting for
the owner where the room needs approval): the free ones are booked into one booking, the
others declined with why. The invitation is whole, not a change: a later one for the same event
and room (higher sequence) is followed date by date in that booking (dates dropped are given
back, new or moved ones booked where free, the title follows the event's), one booking per
event and room for good; one without dates gives back what is left. Dates that have begun are past changing and are not answered.

The booking is an ordinary one (Meine Buchungen, the room's calendar, the usual messages); each
later change of it, by whatever path, answers the invitation again (notices.booking_changed)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.booking import cancel, series
from services.rooms.booking.context import Ctx
from services.rooms.booking.dates import LIVE, add_judged, finish, restorable, tell
from services.rooms.booking.errors import (
    InvalidInput,
    NotAllowed,
    PartnerInactive,
    RoomNotFound,
    RoomRetired,
    require,
)
from services.rooms.booking.invitation_answer import (
    CALDAV,
    DECLINED,
    IMIP,
    DateAnswer,
    InvitationAnswer,
    Invited,
    kept,
    queue,
    send,
)
from services.rooms.db import queries
from services.rooms.db.models import Booking, InvitationSequence, Occurrence
from services.rooms.domain import permissions

__all__ = ["DateAnswer", "InvitationAnswer", "invite"]

CHANGED = "Der Termin wurde im Kalender geändert."
RELEASED = "Der Raum wird für den Termin im Kalender nicht mehr gebraucht."
GONE_STATUSES = ("cancelled", "declined")
# a date's rule broken -> the code its DECLINED answer carries
REASONS = {
    "rule_closure": "closed",
    "rule_closed_hours": "outside_opening_hours",
    "rule_too_short": "too_short",
    "rule_too_long": "too_long",
    "rule_too_far_ahead": "too_far_ahead",
}

Asked = list[tuple[str, domain.Slot]]  # (key, slot) of the coming dates, in time order


def invite(
    session: Session,
    invitation: dict[str, Any],
    ctx: Ctx,
    *,
    via: str = CALDAV,
    organizer: str = "",
    event_sequence: int = 0,
) -> InvitationAnswer:
    """Book or follow the invitation (RoomInvitationV1's loaded fields) in the caller's unit of
    work, and queue the answer (via "caldav": to the calendar; "imip": an iTIP REPLY to
    `organizer`, with the event's SEQUENCE `event_sequence`). Returns that answer, or "stale"
    for an invitation not newer than the one the booking follows (nothing changes then).
    Raises BookingConflict only when the database refused an insert a writer without the
    room's lock raced: roll back and try again."""
    if via not in (CALDAV, IMIP):
        raise ValueError(f"unknown way of invitation {via!r}")
    about = Invited(
        uid=invitation["invitation_uid"],
        room_id=invitation["room_id"],
        sequence=invitation["sequence"],
        title=invitation["title"],
        via=via,
        organizer=organizer,
        event_sequence=event_sequence,
        account_id=invitation["account_id"],
    )
    # two copies of an event's invitation at once (several workers) must not book the room twice
    queries.lock_room(session, about.room_id)
    latest = _latest_booking(session, about.uid, about.room_id)
    if not _newest(session, about) or (latest is not None and (latest.invitation_sequence or 0) >= about.sequence):
        return InvitationAnswer("stale", latest.id if latest else None, latest.sequence if latest else 0)
    asked = _asked(invitation, ctx)
    booker = ctx.principal_of(invitation["account_id"])
    if booker is None:  # no such account, or deactivated
        return _refused(session, about, asked, "no_booker", ctx)
    if latest is not None and permissions.side(latest, booker) == permissions.BOOKER:
        # followed even when cancelled or declined: dates the owner declined stay declined (no
        # new request each time the event changes), dates the booker gave up come back
        return _follow(session, latest, booker, about, invitation, asked, ctx)
    if latest is not None and latest.status not in GONE_STATUSES:  # the organizer's partner changed
        return _refused(session, about, asked, "not_allowed", ctx)
    if not invitation["dates"]:
        return _answer(session, about, InvitationAnswer("released"), ctx)
    return _book(session, booker, about, invitation, asked, ctx)


def _newest(session: Session, about: Invited) -> bool:
    """Whether this is the newest invitation of the event to the room seen so far (then it is
    recorded as such); under the room's lock, so two copies cannot both be newest."""
    seen = session.get(InvitationSequence, (about.uid, about.room_id))
    if seen is not None and seen.sequence >= about.sequence:
        return False
    if seen is None:
        session.add(InvitationSequence(uid=about.uid, room_id=about.room_id, sequence=about.sequence))
    else:
        seen.sequence = about.sequence
    return True


def _latest_booking(session: Session, uid: str, room_id: int) -> Booking | None:
    """The event's last booking of this room, live or not: its sequence orders invitations."""
    return session.scalar(
        select(Booking)
        .where(Booking.invitation_uid == uid, Booking.room_id == room_id)
        .order_by(Booking.id.desc())
        .limit(1)
        .with_for_update()
    )


def _asked(invitation: dict[str, Any], ctx: Ctx) -> Asked:
    """The coming dates with their keys; one slot once (a key is one date)."""
    found: dict[domain.Slot, str] = {}
    for d in invitation["dates"]:
        slot = domain.Slot(d["starts_at"], d["ends_at"])
        if slot.starts_at > ctx.now:
            found.setdefault(slot, d.get("key", ""))
    return sorted(((key, slot) for slot, key in found.items()), key=lambda item: item[1].starts_at)


def _book(
    session: Session, booker: Principal, about: Invited, invitation: dict[str, Any], asked: Asked, ctx: Ctx
) -> InvitationAnswer:
    """A new booking of the free dates, or the refusal with every date's why."""
    try:
        booking, reasons = _book_free(session, booker, about.room_id, asked, invitation, ctx)
    except InvalidInput as exc:
        return _refused(session, about, asked, next(iter(exc.problems.values()), "invalid"), ctx)
    except PartnerInactive:
        return _refused(session, about, asked, "partner_inactive", ctx)
    except RoomNotFound:
        return _refused(session, about, asked, "no_room", ctx)
    except NotAllowed:
        return _refused(session, about, asked, "not_allowed", ctx)
    if booking is None:
        dates = tuple(DateAnswer(key, DECLINED, reasons.get(slot, "taken")) for key, slot in asked)
        return _answer(
            session, about, InvitationAnswer("refused", None, 0, dates[0].reason if dates else "in_past", dates), ctx
        )
    _remember(booking, about, invitation, asked, reasons, ctx)
    return send(session, booking, ctx)


def _book_free(
    session: Session, booker: Principal, room_id: int, asked: Asked, invitation: dict[str, Any], ctx: Ctx
) -> tuple[Booking | None, dict[domain.Slot, str]]:
    """Judge each date under the room's lock and book the ones that pass; the others' reasons."""
    title, about = invitation["title"].strip(), (invitation.get("description") or "").strip()
    if problem := domain.text_problem(about, domain.DESCRIPTION_MAX, multiline=True):
        raise InvalidInput({"description": problem})
    room = queries.lock_room(session, room_id)
    if room is None:
        raise RoomRetired(room_id) if queries.any_room(session, room_id) is not None else RoomNotFound(room_id)
    require(permissions.can_book(room, booker), "book")
    reasons = _too_many(asked)
    judged = [(key, slot) for key, slot in asked if slot not in reasons]
    if not judged:
        return None, reasons
    if title_problem := _title_problem(title):
        raise InvalidInput({"title": title_problem})
    days = [slot.starts_at.astimezone(ctx.tz).date() for _, slot in judged]
    judgement = series.judge(session, booker, room_id, days, [slot for _, slot in judged], ctx)
    reasons |= {w.slot: why for w in judgement.dates if (why := _reason(w.slot, w.conflicts, w.violations, ctx))}
    free = [w for w in judgement.dates if w.slot not in reasons]
    if not free:
        return None, reasons
    chosen = replace(judgement, dates=free)
    return series.book_dates(session, booker, room, chosen, title, about, ctx, invitation["invitation_uid"]), reasons


def _too_many(asked: Asked) -> dict[domain.Slot, str]:
    """The dates past the ceiling of one booking (domain.MAX_DATES), declined as too many."""
    return {slot: "too_many_dates" for _, slot in asked[domain.MAX_DATES :]}


def _reason(slot: domain.Slot, conflicts, violations, ctx: Ctx) -> str:
    """Why a date cannot be booked ("" when it can): taken, or the first rule it breaks."""
    if conflicts:
        return "taken"
    for code in violations:
        return REASONS.get(code, code)
    problems = domain.problems(slot, "-", ctx.now)
    return next(iter(problems.values()), "")


def _follow(
    session: Session,
    booking: Booking,
    actor: Principal,
    about: Invited,
    invitation: dict[str, Any],
    asked: Asked,
    ctx: Ctx,
) -> InvitationAnswer:
    """Bring the booking in line with the invitation date by date: coming dates it no longer
    holds go back to the exchange, its new or moved dates are booked where free; the title
    follows the event's."""
    before = booking.sequence
    title = invitation["title"].strip()
    retitled = title != booking.title and not _title_problem(title)
    if retitled:
        booking.title = title
        session.flush()  # the changes below re-read the booking: the new title must be in it
    wanted = {slot for _, slot in asked}
    held = {_slot(o): o for o in booking.occurrences if o.state in LIVE and o.starts_at > ctx.now}
    dropped = sorted((o for slot, o in held.items() if slot not in wanted), key=lambda o: o.starts_at)
    if dropped and not invitation["dates"]:  # released: what is left goes back at once, one message
        cancel.cancel(session, actor, booking.id, "following", dropped[0].id, ctx, reason=RELEASED)
    for o in dropped if invitation["dates"] else []:
        cancel.cancel(session, actor, booking.id, "occurrence", o.id, ctx, reason=CHANGED)
    missing = [(key, slot) for key, slot in asked if slot not in held]
    reasons = _added(session, booking, actor, missing, ctx) if missing else {}
    if retitled and booking.sequence == before:  # nothing else changed: the new title alone is news
        finish(session, booking, actor, "booking_changed", ctx, title=booking.title)
        tell(session, booking, actor, False, ctx)
    _remember(booking, about, invitation, asked, reasons, ctx)
    return send(session, booking, ctx)


def _title_problem(title: str) -> str:
    if not title:
        return "title_missing"
    return domain.text_problem(title, domain.TITLE_MAX) or ""


def _added(session: Session, booking: Booking, actor: Principal, missing: Asked, ctx: Ctx) -> dict[domain.Slot, str]:
    """_add, or every date declined when the room takes no new dates (retired, partner deactivated)."""
    try:
        return _add(session, booking, actor, missing, ctx)
    except PartnerInactive:
        return {slot: "partner_inactive" for _, slot in missing}
    except RoomNotFound:
        return {slot: "no_room" for _, slot in missing}


def _add(session: Session, booking: Booking, actor: Principal, missing: Asked, ctx: Ctx) -> dict[domain.Slot, str]:
    """Book new or moved dates into the booking, each judged like a date of a new booking; a
    date it gave up comes back as itself, unless the owner's side took it off (or declined it).
    Returns why each date that could not be booked was not."""
    queries.lock_room(session, booking.room_id)  # the judgement sees every booking committed before
    gone = {_slot(o): o for o in booking.occurrences if o.state not in LIVE}
    reasons = {
        slot: _why_not_back(gone[slot])
        for _, slot in missing
        if slot in gone and not restorable(booking, gone[slot], actor)
    }
    reasons |= _too_many([item for item in missing if item[1] not in reasons])
    asked = [slot for _, slot in missing if slot not in reasons]
    if not asked:
        return reasons
    days = [slot.starts_at.astimezone(ctx.tz).date() for slot in asked]
    found = series.judge(session, actor, booking.room_id, days, asked, ctx, booking=booking)
    reasons |= {w.slot: why for w in found.dates if (why := _reason(w.slot, w.conflicts, w.violations, ctx))}
    chosen = [w for w in found.dates if w.slot not in reasons]
    if chosen:
        add_judged(session, booking, actor, chosen, gone, ctx)
    return reasons


def _why_not_back(o: Occurrence) -> str:
    return "declined" if o.state == "declined" else "cancelled"


def _slot(o: Occurrence) -> domain.Slot:
    return domain.Slot(o.starts_at, o.ends_at)


def _remember(
    booking: Booking,
    about: Invited,
    invitation: dict[str, Any],
    asked: Asked,
    reasons: dict[domain.Slot, str],
    ctx: Ctx,
) -> None:
    """The invitation the booking now follows: its sequence, how it came, and its dates with
    their keys: the coming ones, and those begun that the booking holds (answered as they stand)."""
    held = {_slot(o) for o in booking.occurrences if o.state in LIVE}
    begun = [
        (d.get("key", ""), domain.Slot(d["starts_at"], d["ends_at"]))
        for d in invitation["dates"]
        if d["starts_at"] <= ctx.now and domain.Slot(d["starts_at"], d["ends_at"]) in held
    ]
    booking.invitation_uid = about.uid
    booking.invitation_sequence = about.sequence
    booking.invitation_via = about.via
    booking.invitation_organizer = about.organizer or None
    booking.invitation_event_sequence = about.event_sequence
    booking.invitation_dates = [
        kept(key, slot.starts_at, slot.ends_at, reasons.get(slot, "")) for key, slot in [*begun, *asked]
    ]


def _refused(session: Session, about: Invited, asked: Asked, reason: str, ctx: Ctx) -> InvitationAnswer:
    dates = tuple(DateAnswer(key, DECLINED, reason) for key, _ in asked)
    return _answer(session, about, InvitationAnswer("refused", None, 0, reason, dates), ctx)


def _answer(session: Session, about: Invited, answer: InvitationAnswer, ctx: Ctx) -> InvitationAnswer:
    """An answer without a booking (refused, or released before anything was booked), queued."""
    room = queries.any_room(session, about.room_id)
    queue(session, about, answer, room.name if room is not None else "", ctx)
    return answer
