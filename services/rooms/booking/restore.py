"""Putting a skipped or cancelled date back into its booking."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shared.identity.store import Principal

from services.rooms.booking import notices
from services.rooms.booking.context import Ctx
from services.rooms.booking.dates import finish, locked_booking, selected, take, tell
from services.rooms.booking.errors import InvalidInput, require
from services.rooms.db.models import Booking
from services.rooms.domain import permissions


def restore(session: Session, actor: Principal, booking_id: int, occurrence_id: int, ctx: Ctx) -> Booking:
    """Add a skipped or cancelled date back, judged like a date of a new booking: free, within
    the room's rules, and waiting for the owner where the room needs approval. Only the side
    that took it off (or the coordination office) may put it back."""
    booking = locked_booking(session, booking_id, lambda b: permissions.can_see_details(b, actor), "restore")
    [chosen] = selected(booking, "occurrence", occurrence_id)
    mine = permissions.side(booking, actor) == permissions.BOOKER
    require(
        permissions.can_restore(booking, chosen.cancelled_by, actor), "restore", "cancelled_by_owner" if mine else None
    )
    if booking.status == "declined" or chosen.state not in ("skipped", "cancelled"):
        raise InvalidInput({"occurrence_id": "not_restorable"})
    if chosen.starts_at < ctx.now:
        raise InvalidInput({"occurrence_id": "in_past"})
    asks = take(session, booking, [chosen], {}, actor, ctx)
    finish(session, booking, actor, "booking_changed", ctx, restored=chosen.starts_at, waits_for_approval=asks)
    tell(session, booking, actor, asks, ctx, notices.touched([chosen]))
    return booking
