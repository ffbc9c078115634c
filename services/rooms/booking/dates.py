"""Approve, decline, change, cancel and re-add dates of a booking; one transaction each, under
the room's row lock. Every change bumps the booking's sequence and queues
calendar.booking_changed and a notice.

A date that is moved or put back is judged like a date of a new booking (series.judge): the
room's rules apply, it must not collide, and in a room that needs approval it waits for the
owner again ("pending"; the owner's staff get a request notice), unless it only shrinks inside
a time the owner already approved. Who may do what is asked of domain.permissions."""
from __future__ import annotations

from datetime import datetime
from typing import NoReturn

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.booking import notices, series
from services.rooms.db import queries
from services.rooms.booking.context import Ctx
from services.rooms.domain import permissions
from services.rooms.domain.approval import COMMENT_MAX
from services.rooms.booking.errors import (BookingConflict, BookingNotFound, InvalidInput, NotAllowed, RequestChanged,
                                   SeriesConflict, is_exclusion_violation)
from services.rooms.db.models import Booking, Occurrence

SCOPES = ("occurrence", "following", "series")
LIVE = ("valid", "pending")


def _locked_booking(session: Session, booking_id: int, allowed, action: str) -> Booking:
    """The booking, its room locked, if `allowed(booking)`; else NotAllowed (nothing held)."""
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise BookingNotFound(booking_id)
    queries.lock_room(session, booking.room_id)  # then re-read what may have changed meanwhile
    session.refresh(booking)
    for o in booking.occurrences:
        session.refresh(o)
    if not allowed(booking):
        session.rollback()
        raise NotAllowed(permissions.REFUSAL[action])
    return booking


def _refuse(session: Session, error: Exception) -> NoReturn:
    session.rollback()
    raise error


def _selected(booking: Booking, scope: str, occurrence_id: int | None) -> list[Occurrence]:
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


def _judged(session: Session, booking: Booking, dates: list[Occurrence], actor: Principal, ctx: Ctx) -> series.Preview:
    """series.judge for the dates as they now stand (moved or put back); each gets the room's
    current buffer."""
    slots = [domain.Slot(o.starts_at, o.ends_at) for o in dates]
    days = [s.starts_at.astimezone(ctx.tz).date() for s in slots]
    found = series.judge(session, actor, booking.room_id, days, slots, ctx, booking=booking)
    for o in dates:
        o.blocked_until = o.ends_at + found.rules.buffer
    return found


def _take(session: Session, booking: Booking, dates: list[Occurrence], approved: dict[int, domain.Slot],
          actor: Principal, ctx: Ctx) -> bool:
    """Judge the dates like a new booking's and set their state; True when the owner must now
    decide. `approved`: the slot each date held before, if the owner had already said yes to it."""
    found = _judged(session, booking, dates, actor, ctx)
    if found.blocked:
        _refuse(session, SeriesConflict(found.blocked))
    for o in dates:
        o.state = domain.state_for(domain.Slot(o.starts_at, o.ends_at), approved.get(o.id), found.needs_approval)
        o.cancelled_by = None
    booking.status = domain.status_after((o.state for o in booking.occurrences), booking.status)
    return any(o.state == "pending" for o in dates)


def _finish(session: Session, booking: Booking, actor: Principal, action: str, ctx: Ctx, **details) -> Booking:
    booking.sequence += 1
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        if is_exclusion_violation(exc):
            raise BookingConflict(None) from None
        raise
    notices.booking_changed(session, booking, ctx)
    notices.audit(session, actor, action, room_id=booking.room_id, booking_id=booking.id, **details)
    return booking


def _told(session: Session, booking: Booking, asks: bool, ctx: Ctx) -> None:
    """The booker hears of the change; the owner's staff, like for a new request, when they must decide."""
    notices.to_booker(session, booking, "changed", ctx)
    if asks:
        notices.to_owner_staff(session, booking, "requested", ctx)


def _request_for_owner(session: Session, actor: Principal, booking_id: int, sequence: int | None) -> Booking:
    """The requested booking, locked, if `actor` may decide on it (the room owner's side) and it
    is still what the owner looked at (`sequence`, when given)."""
    booking = _locked_booking(session, booking_id, lambda b: permissions.can_decide(b, actor), "decide")
    if booking.status != "requested":
        _refuse(session, InvalidInput({"status": "not_requested"}))
    if sequence is not None and sequence != booking.sequence:
        _refuse(session, RequestChanged(booking.sequence))
    return booking


def _comment(comment: str | None) -> str:
    text = (comment or "").strip()
    found = domain.text_problem(text, COMMENT_MAX, multiline=True)
    if found:
        raise InvalidInput({"comment": found})
    return text


def approve(session: Session, actor: Principal, booking_id: int, comment: str, ctx: Ctx, *,
            sequence: int | None = None) -> Booking:
    """Every waiting date holds the room from now on, if none collides (checked again under the
    lock); the owner may bend its own rules, so they are not checked here."""
    text = _comment(comment)
    booking = _request_for_owner(session, actor, booking_id, sequence)
    pending = [o for o in booking.occurrences if o.state == "pending"]
    found = _judged(session, booking, pending, actor, ctx)
    colliding = [w for w in found.dates if w.conflicts]
    if colliding:
        _refuse(session, SeriesConflict(colliding))
    for o in pending:
        o.state = "valid"
    booking.status, booking.comment = domain.status_after((o.state for o in booking.occurrences), "confirmed"), text
    _finish(session, booking, actor, "booking_approved", ctx, comment=text)
    notices.to_booker(session, booking, "approved", ctx, text)
    session.commit()
    return booking


def decline(session: Session, actor: Principal, booking_id: int, comment: str, ctx: Ctx, *,
            sequence: int | None = None) -> Booking:
    """Every waiting date is declined; dates approved before keep the room (a declined change
    leaves the rest of the booking as it was)."""
    text = _comment(comment)
    booking = _request_for_owner(session, actor, booking_id, sequence)
    for o in booking.occurrences:
        if o.state == "pending":
            o.state = "declined"
    booking.status, booking.comment = domain.status_after((o.state for o in booking.occurrences), "declined"), text
    _finish(session, booking, actor, "booking_declined", ctx, comment=text)
    notices.to_booker(session, booking, "declined", ctx, text)
    session.commit()
    return booking


def cancel(session: Session, actor: Principal, booking_id: int, scope: str, occurrence_id: int | None, ctx: Ctx) -> Booking:
    """Frees the slots at once. The booker's partner may cancel; so may the room's owner. The
    side that cancelled is kept with each date: only it may put the date back."""
    booking = _locked_booking(session, booking_id, lambda b: permissions.can_cancel(b, actor), "cancel")
    try:
        chosen = [o for o in _selected(booking, scope, occurrence_id) if o.state in LIVE]
    except InvalidInput as exc:
        _refuse(session, exc)
    if not chosen:
        _refuse(session, InvalidInput({"occurrence_id": "nothing_to_cancel"}))
    by = permissions.side(booking, actor)
    for o in chosen:
        o.state, o.cancelled_by = "cancelled", by
    booking.status = domain.status_after((o.state for o in booking.occurrences), "cancelled")
    _finish(session, booking, actor, "booking_cancelled", ctx, scope=scope, dates=[o.starts_at for o in chosen])
    notices.to_booker(session, booking, "cancelled" if booking.status == "cancelled" else "changed", ctx)
    session.commit()
    return booking


def change_time(session: Session, actor: Principal, booking_id: int, scope: str, occurrence_id: int | None,
                starts_at: datetime, ends_at: datetime, ctx: Ctx) -> Booking:
    """Move dates. One date: to exactly the new slot. Following/series: each date still to come
    keeps its own local day and takes the new local start and end time."""
    booking = _locked_booking(session, booking_id, lambda b: permissions.can_change(b, actor), "change")
    found = domain.problems(domain.Slot(starts_at, ends_at), booking.title, ctx.now)
    if found:
        _refuse(session, InvalidInput(found))
    try:
        live = [o for o in _selected(booking, scope, occurrence_id) if o.state in LIVE]
    except InvalidInput as exc:
        _refuse(session, exc)
    chosen = [o for o in live if o.starts_at >= ctx.now]  # what has begun stays as it was
    if not chosen:
        _refuse(session, InvalidInput({"occurrence_id": "in_past" if live else "nothing_to_change"}))
    approved = {o.id: domain.Slot(o.starts_at, o.ends_at) for o in chosen if o.state == "valid"}
    start, end = starts_at.astimezone(ctx.tz), ends_at.astimezone(ctx.tz)
    for o in chosen:
        if scope == "occurrence":
            o.starts_at, o.ends_at = starts_at, ends_at
        else:
            day = o.starts_at.astimezone(ctx.tz).date()
            slot = domain.recurrence.slot_on(day, start.time(), end.time(), ctx.tz)
            o.starts_at, o.ends_at = slot.starts_at, slot.ends_at
    with session.no_autoflush:  # moved rows must not reach the database before the check (and new buffer)
        asks = _take(session, booking, chosen, approved, actor, ctx)
    _finish(session, booking, actor, "booking_changed", ctx, scope=scope, starts_at=starts_at, ends_at=ends_at,
            waits_for_approval=asks)
    _told(session, booking, asks, ctx)
    session.commit()
    return booking


def restore(session: Session, actor: Principal, booking_id: int, occurrence_id: int, ctx: Ctx) -> Booking:
    """Add a skipped or cancelled date back, judged like a date of a new booking: free, within
    the room's rules, and waiting for the owner where the room needs approval."""
    booking = _locked_booking(session, booking_id, lambda b: permissions.can_see_details(b, actor), "restore")
    try:
        [chosen] = _selected(booking, "occurrence", occurrence_id)
    except InvalidInput as exc:
        _refuse(session, exc)
    if not permissions.can_restore(booking, chosen.cancelled_by, actor):
        mine = permissions.side(booking, actor) == permissions.BOOKER
        _refuse(session, NotAllowed("cancelled_by_owner" if mine else permissions.REFUSAL["restore"]))
    if booking.status == "declined" or chosen.state not in ("skipped", "cancelled"):
        _refuse(session, InvalidInput({"occurrence_id": "not_restorable"}))
    if chosen.starts_at < ctx.now:
        _refuse(session, InvalidInput({"occurrence_id": "in_past"}))
    asks = _take(session, booking, [chosen], {}, actor, ctx)
    _finish(session, booking, actor, "booking_changed", ctx, restored=chosen.starts_at, waits_for_approval=asks)
    _told(session, booking, asks, ctx)
    session.commit()
    return booking
