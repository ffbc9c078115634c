"""The dates of a booking that exists, under its room's row lock: what changing, cancelling,
putting back and deciding share. Every change bumps the booking's sequence and queues
calendar.booking_changed and an audit entry in the caller's unit of work.

A date that is moved or put back is judged like a date of a new booking (series.judge): the
room's rules apply, it must not collide, and in a room that needs approval it waits for the
owner again ("pending"), unless it only shrinks inside a time the owner already approved."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.booking import notices, series
from services.rooms.booking.context import Ctx
from services.rooms.booking.errors import (
    BookingConflict,
    BookingNotFound,
    InvalidInput,
    SeriesConflict,
    is_exclusion_violation,
    require,
)
from services.rooms.db import queries
from services.rooms.db.models import Booking, Occurrence
from services.rooms.domain import permissions

SCOPES = ("occurrence", "following", "series")
LIVE = ("valid", "pending")


def locked_booking(session: Session, booking_id: int, allowed, action: str) -> Booking:
    """The booking, its room locked, if `allowed(booking)`; else NotAllowed with the action's
    refusal (domain.permissions.REFUSAL)."""
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise BookingNotFound(booking_id)
    queries.lock_room(session, booking.room_id)  # then re-read what may have changed meanwhile
    session.refresh(booking)
    for o in booking.occurrences:
        session.refresh(o)
    require(allowed(booking), action)
    return booking


def selected(booking: Booking, scope: str, occurrence_id: int | None) -> list[Occurrence]:
    """The dates a scope names: one date, this and the following, or the whole series."""
    if scope not in SCOPES:
        raise InvalidInput({"scope": "scope_unknown"})
    if scope == "series":
        return list(booking.occurrences)
    pivot = next((o for o in booking.occurrences if o.id == occurrence_id), None)
    if pivot is None:
        raise InvalidInput({"occurrence_id": "occurrence_unknown"})
    if scope == "occurrence":
        return [pivot]
    return [o for o in booking.occurrences if o.starts_at >= pivot.starts_at]


def judged(session: Session, booking: Booking, dates: list[Occurrence], actor: Principal, ctx: Ctx) -> series.Preview:
    """series.judge for the dates as they now stand (moved or put back); each gets the room's
    current buffer."""
    slots = [domain.Slot(o.starts_at, o.ends_at) for o in dates]
    days = [s.starts_at.astimezone(ctx.tz).date() for s in slots]
    found = series.judge(session, actor, booking.room_id, days, slots, ctx, booking=booking)
    for o in dates:
        o.blocked_until = o.ends_at + found.rules.buffer
    return found


def take(
    session: Session,
    booking: Booking,
    dates: list[Occurrence],
    approved: dict[int, domain.Slot],
    actor: Principal,
    ctx: Ctx,
) -> bool:
    """Judge the dates like a new booking's and set their state; True when the owner must now
    decide. `approved`: the slot each date held before, if the owner had already said yes to it."""
    found = judged(session, booking, dates, actor, ctx)
    if found.blocked:
        raise SeriesConflict(found.blocked)
    for o in dates:
        o.state = domain.state_for(domain.Slot(o.starts_at, o.ends_at), approved.get(o.id), found.needs_approval)
        o.cancelled_by, o.cancel_reason = None, ""
        if o.state == "pending":
            o.comment = ""  # a new question for the owner; its old word was on another time
    booking.status = domain.status_after((o.state for o in booking.occurrences), booking.status)
    return any(o.state == "pending" for o in dates)


def finish(session: Session, booking: Booking, actor: Principal, action: str, ctx: Ctx, **details) -> Booking:
    """The new sequence written (the exclusion constraint speaks here), then its messages queued."""
    booking.sequence += 1
    try:
        session.flush()
    except IntegrityError as exc:
        if is_exclusion_violation(exc):
            raise BookingConflict(None) from None
        raise
    notices.booking_changed(session, booking, ctx)
    notices.audit(session, actor, action, room_id=booking.room_id, booking_id=booking.id, at=ctx.now, **details)
    return booking


def tell(
    session: Session, booking: Booking, actor: Principal, asks: bool, ctx: Ctx, before: notices.Before | None = None
) -> None:
    """The booker hears of the change. The owner's staff hear of it too: as a new request when
    they must decide again, else as a change (unless they made it themselves). `before`: the
    moved dates' slots before the change, so messages can say old -> new."""
    notices.to_booker(session, booking, "changed", ctx, before=before)
    if asks:
        notices.to_owner_staff(session, booking, "requested", ctx, before=before)
    elif permissions.side(booking, actor) != permissions.OWNER:
        notices.to_owner_staff(session, booking, "changed", ctx, before=before)


def add_judged(session: Session, booking: Booking, actor: Principal, chosen: list, gone: dict, ctx: Ctx) -> None:
    """Book the dates `series.judge` found free (`chosen`) into an existing booking, as a
    calendar offering's or an invitation's dates asked anew: a date the booking gave up at that
    time (`gone`, by slot) comes back as itself, the others are new; then the usual messages."""
    with session.no_autoflush:  # new dates reach the database after their judgement, in finish
        dates = [gone.get(w.slot) or _new_date(booking, w.slot) for w in chosen]
        asks = take(session, booking, dates, {}, actor, ctx)
    finish(session, booking, actor, "booking_changed", ctx, added=[w.day for w in chosen])
    tell(session, booking, actor, asks, ctx, notices.touched(dates))


def restorable(booking: Booking, o: Occurrence, actor: Principal) -> bool:
    """Whether a date the booking gave up may come back for `actor` (not one the owner took off)."""
    return o.state in ("skipped", "cancelled") and permissions.can_restore(booking, o.cancelled_by, actor)


def _new_date(booking: Booking, slot: domain.Slot) -> Occurrence:
    o = Occurrence(room_id=booking.room_id, starts_at=slot.starts_at, ends_at=slot.ends_at, state="pending")
    booking.occurrences.append(o)
    return o
