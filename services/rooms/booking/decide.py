"""The room owner's answer to a request: approve or decline every waiting date, with a comment."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.booking import notices
from services.rooms.booking.context import Ctx
from services.rooms.booking.dates import finish, judged, locked_booking
from services.rooms.booking.errors import InvalidInput, RequestChanged, SeriesConflict
from services.rooms.db.models import Booking
from services.rooms.domain import permissions
from services.rooms.domain.approval import COMMENT_MAX


def approve(
    session: Session, actor: Principal, booking_id: int, comment: str, ctx: Ctx, *, sequence: int | None = None
) -> Booking:
    """Every waiting date holds the room from now on, if none collides (checked again under the
    lock); the owner may bend its own rules, so they are not checked here."""
    text = _comment(comment)
    booking = _request_for_owner(session, actor, booking_id, sequence)
    pending = [o for o in booking.occurrences if o.state == "pending"]
    colliding = [w for w in judged(session, booking, pending, actor, ctx).dates if w.conflicts]
    if colliding:
        raise SeriesConflict(colliding)
    for o in pending:
        o.state = "valid"
    booking.status, booking.comment = domain.status_after((o.state for o in booking.occurrences), "confirmed"), text
    finish(session, booking, actor, "booking_approved", ctx, comment=text)
    notices.to_booker(session, booking, "approved", ctx, text)
    return booking


def decline(
    session: Session, actor: Principal, booking_id: int, comment: str, ctx: Ctx, *, sequence: int | None = None
) -> Booking:
    """Every waiting date is declined; dates approved before keep the room (a declined change
    leaves the rest of the booking as it was)."""
    text = _comment(comment)
    booking = _request_for_owner(session, actor, booking_id, sequence)
    for o in booking.occurrences:
        if o.state == "pending":
            o.state = "declined"
    booking.status, booking.comment = domain.status_after((o.state for o in booking.occurrences), "declined"), text
    finish(session, booking, actor, "booking_declined", ctx, comment=text)
    notices.to_booker(session, booking, "declined", ctx, text)
    return booking


def _request_for_owner(session: Session, actor: Principal, booking_id: int, sequence: int | None) -> Booking:
    """The requested booking, locked, if `actor` may decide on it (the room owner's side) and it
    is still what the owner looked at (`sequence`, when given)."""
    booking = locked_booking(session, booking_id, lambda b: permissions.can_decide(b, actor), "decide")
    if booking.status != "requested":
        raise InvalidInput({"status": "not_requested"})
    if sequence is not None and sequence != booking.sequence:
        raise RequestChanged(booking.sequence)
    return booking


def _comment(comment: str | None) -> str:
    text = (comment or "").strip()
    found = domain.text_problem(text, COMMENT_MAX, multiline=True)
    if found:
        raise InvalidInput({"comment": found})
    return text
