"""Approve, decline, change, cancel and re-add dates of a booking; one transaction each, under
the room's row lock, with the conflict check run again inside it. Every change bumps the
booking's sequence and queues calendar.booking_changed and a notice."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.identity.store import Principal

from services.rooms import domain, notices, queries
from services.rooms.context import Ctx
from services.rooms.errors import (BookingConflict, BookingNotFound, InvalidInput, NotAllowed, SeriesConflict,
                                   is_exclusion_violation)
from services.rooms.models import Booking, Occurrence
from services.rooms.series import WantedDate

SCOPES = ("occurrence", "following", "series")
LIVE = ("valid", "pending")


def _locked_booking(session: Session, booking_id: int) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise BookingNotFound(booking_id)
    queries.lock_room(session, booking.room_id)  # then re-read what may have changed meanwhile
    session.refresh(booking)
    for o in booking.occurrences:
        session.refresh(o)
    return booking


def _owner(actor: Principal, booking: Booking) -> bool:
    return actor.is_coordination or actor.partner_id == booking.room.partner_id


def _booker(actor: Principal, booking: Booking) -> bool:
    return actor.is_coordination or actor.partner_id == booking.booker_partner_id


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


def _check(session: Session, booking: Booking, dates: list[Occurrence], viewer: Principal, ctx: Ctx,
           rules_apply: bool = True) -> list[WantedDate]:
    """The dates that would collide with other valid occurrences of the room (or break rules)."""
    if not dates:
        return []
    rules = queries.rules_of(session, booking.room_id)
    closures = queries.closures_of(session, booking.room)
    held = queries.holdings_for(session, booking.room_id, [domain.Slot(o.starts_at, o.ends_at) for o in dates],
                                rules.buffer)
    held = [h for h in held if h.booking_id != booking.id]
    blocked = []
    for o in dates:
        slot = domain.Slot(o.starts_at, o.ends_at)
        hits = domain.conflicts(slot, held, viewer.partner_id, rules.buffer)
        broken = domain.violations(slot, rules, closures, ctx.now, ctx.tz) if rules_apply else []
        if hits or broken:
            blocked.append(WantedDate(slot.starts_at.astimezone(ctx.tz).date(), slot, False, tuple(hits), tuple(broken)))
        o.blocked_until = o.ends_at + rules.buffer
    return blocked


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


def _request_for_owner(session: Session, actor: Principal, booking_id: int) -> Booking:
    """The requested booking, locked, if `actor` may decide on it (the room owner's side)."""
    booking = _locked_booking(session, booking_id)
    if not _owner(actor, booking):
        session.rollback()
        raise NotAllowed("not_owner")
    if booking.status != "requested":
        session.rollback()
        raise InvalidInput({"status": "not_requested"})
    return booking


def approve(session: Session, actor: Principal, booking_id: int, comment: str, ctx: Ctx) -> Booking:
    booking = _request_for_owner(session, actor, booking_id)
    pending = [o for o in booking.occurrences if o.state == "pending"]
    blocked = _check(session, booking, pending, actor, ctx, rules_apply=False)  # the owner may bend own rules
    if blocked:
        session.rollback()
        raise SeriesConflict(blocked)
    for o in pending:
        o.state = "valid"
    booking.status, booking.comment = "confirmed", (comment or "").strip()[:2000]
    _finish(session, booking, actor, "booking_approved", ctx, comment=booking.comment)
    notices.to_booker(session, booking, "approved", ctx, booking.comment)
    session.commit()
    return booking


def decline(session: Session, actor: Principal, booking_id: int, comment: str, ctx: Ctx) -> Booking:
    booking = _request_for_owner(session, actor, booking_id)
    for o in booking.occurrences:
        if o.state == "pending":
            o.state = "declined"
    booking.status, booking.comment = "declined", (comment or "").strip()[:2000]
    _finish(session, booking, actor, "booking_declined", ctx, comment=booking.comment)
    notices.to_booker(session, booking, "declined", ctx, booking.comment)
    session.commit()
    return booking


def cancel(session: Session, actor: Principal, booking_id: int, scope: str, occurrence_id: int | None, ctx: Ctx) -> Booking:
    """Frees the slots at once. The booker's partner may cancel; so may the room's owner."""
    booking = _locked_booking(session, booking_id)
    if not (_booker(actor, booking) or _owner(actor, booking)):
        session.rollback()
        raise NotAllowed("not_yours")
    chosen = [o for o in _selected(booking, scope, occurrence_id) if o.state in LIVE]
    if not chosen:
        session.rollback()
        raise InvalidInput({"occurrence_id": "nothing_to_cancel"})
    for o in chosen:
        o.state = "cancelled"
    whole = not any(o.state in LIVE for o in booking.occurrences)
    if whole:
        booking.status = "cancelled"
    _finish(session, booking, actor, "booking_cancelled", ctx, scope=scope, dates=[o.starts_at for o in chosen])
    notices.to_booker(session, booking, "cancelled" if whole else "changed", ctx)
    session.commit()
    return booking


def change_time(session: Session, actor: Principal, booking_id: int, scope: str, occurrence_id: int | None,
                starts_at: datetime, ends_at: datetime, ctx: Ctx) -> Booking:
    """Move dates. One date: to exactly the new slot. Following/series: each date keeps its own
    local day and takes the new local start and end time."""
    booking = _locked_booking(session, booking_id)
    if not _booker(actor, booking):
        session.rollback()
        raise NotAllowed("not_yours")
    found = domain.problems(domain.Slot(starts_at, ends_at), booking.title, ctx.now)
    if found:
        session.rollback()
        raise InvalidInput(found)
    chosen = [o for o in _selected(booking, scope, occurrence_id) if o.state in LIVE]
    if not chosen:
        session.rollback()
        raise InvalidInput({"occurrence_id": "nothing_to_change"})
    start, end = starts_at.astimezone(ctx.tz), ends_at.astimezone(ctx.tz)
    for o in chosen:
        if scope == "occurrence":
            o.starts_at, o.ends_at = starts_at, ends_at
        else:
            day = o.starts_at.astimezone(ctx.tz).date()
            slot = domain.recurrence.slot_on(day, start.time(), end.time(), ctx.tz)
            o.starts_at, o.ends_at = slot.starts_at, slot.ends_at
    with session.no_autoflush:  # moved rows must not reach the database before the check (and new buffer)
        blocked = _check(session, booking, chosen, actor, ctx)
    if blocked:
        session.rollback()
        raise SeriesConflict(blocked)
    _finish(session, booking, actor, "booking_changed", ctx, scope=scope, starts_at=starts_at, ends_at=ends_at)
    notices.to_booker(session, booking, "changed", ctx)
    session.commit()
    return booking


def restore(session: Session, actor: Principal, booking_id: int, occurrence_id: int, ctx: Ctx) -> Booking:
    """Add a skipped or cancelled date back to its series, if the room is still free then."""
    booking = _locked_booking(session, booking_id)
    if not _booker(actor, booking):
        session.rollback()
        raise NotAllowed("not_yours")
    chosen = _selected(booking, "occurrence", occurrence_id)
    if booking.status not in ("confirmed", "requested", "cancelled") or chosen[0].state not in ("skipped", "cancelled"):
        session.rollback()
        raise InvalidInput({"occurrence_id": "not_restorable"})
    if chosen[0].starts_at < ctx.now:
        session.rollback()
        raise InvalidInput({"occurrence_id": "in_past"})
    blocked = _check(session, booking, chosen, actor, ctx)
    if blocked:
        session.rollback()
        raise SeriesConflict(blocked)
    requested = booking.status == "requested"
    chosen[0].state = "pending" if requested else "valid"
    if booking.status == "cancelled":
        booking.status = "confirmed"
    _finish(session, booking, actor, "booking_changed", ctx, restored=chosen[0].starts_at)
    notices.to_booker(session, booking, "changed", ctx)
    session.commit()
    return booking
