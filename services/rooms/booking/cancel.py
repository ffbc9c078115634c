"""Cancelling dates of a booking: one, this and the following, or the whole series."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.booking import notices
from services.rooms.booking.context import Ctx
from services.rooms.booking.dates import LIVE, finish, locked_booking, selected
from services.rooms.booking.errors import InvalidInput
from services.rooms.db.models import Booking
from services.rooms.domain import permissions


def cancel(
    session: Session,
    actor: Principal,
    booking_id: int,
    scope: str,
    occurrence_id: int | None,
    ctx: Ctx,
    reason: str = "",
) -> Booking:
    """Frees the slots at once. The booker's partner may cancel; so may the room's owner. The
    side that cancelled is kept with each date: only it may put the date back. `reason` ("fällt
    aus wegen …") is kept with each date and told to both sides."""
    why = (reason or "").strip()
    if problem := domain.text_problem(why, domain.CANCEL_REASON_MAX, multiline=True):
        raise InvalidInput({"reason": problem})
    booking = locked_booking(session, booking_id, lambda b: permissions.can_cancel(b, actor), "cancel")
    chosen = [o for o in selected(booking, scope, occurrence_id) if o.state in LIVE]
    if not chosen:
        raise InvalidInput({"occurrence_id": "nothing_to_cancel"})
    by = permissions.side(booking, actor)
    for o in chosen:
        o.state, o.cancelled_by, o.cancel_reason = "cancelled", by, why
    booking.status = domain.status_after((o.state for o in booking.occurrences), "cancelled")
    finish(
        session,
        booking,
        actor,
        "booking_cancelled",
        ctx,
        scope=scope,
        dates=[o.starts_at for o in chosen],
        reason=why,
    )
    kind = "cancelled" if booking.status == "cancelled" else "changed"
    notices.to_other_side(session, booking, actor, kind, ctx, reason=why, before=notices.touched(chosen))
    return booking
