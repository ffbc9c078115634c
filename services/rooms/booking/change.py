"""Moving dates of a booking to another time, judged like a new booking's dates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.booking.context import Ctx
from services.rooms.booking.dates import LIVE, finish, locked_booking, selected, take, tell
from services.rooms.booking.errors import InvalidInput
from services.rooms.db.models import Booking
from services.rooms.domain import permissions


def change_time(
    session: Session,
    actor: Principal,
    booking_id: int,
    scope: str,
    occurrence_id: int | None,
    starts_at: datetime,
    ends_at: datetime,
    ctx: Ctx,
) -> Booking:
    """Move dates. One date: to exactly the new slot. Following/series: each date still to come
    keeps its own local day and takes the new local start and end time."""
    booking = locked_booking(session, booking_id, lambda b: permissions.can_change(b, actor), "change")
    found = domain.problems(domain.Slot(starts_at, ends_at), booking.title, ctx.now)
    if found:
        raise InvalidInput(found)
    live = [o for o in selected(booking, scope, occurrence_id) if o.state in LIVE]
    chosen = [o for o in live if o.starts_at >= ctx.now]  # what has begun stays as it was
    if not chosen:
        raise InvalidInput({"occurrence_id": "in_past" if live else "nothing_to_change"})
    approved = {o.id: domain.Slot(o.starts_at, o.ends_at) for o in chosen if o.state == "valid"}
    before = {o.id: (o.starts_at, o.ends_at) for o in chosen}
    start, end = starts_at.astimezone(ctx.tz), ends_at.astimezone(ctx.tz)
    for o in chosen:
        if scope == "occurrence":
            o.starts_at, o.ends_at = starts_at, ends_at
        else:
            day = o.starts_at.astimezone(ctx.tz).date()
            slot = domain.recurrence.slot_on(day, start.time(), end.time(), ctx.tz)
            o.starts_at, o.ends_at = slot.starts_at, slot.ends_at
    with session.no_autoflush:  # moved rows must not reach the database before the check (and new buffer)
        asks = take(session, booking, chosen, approved, actor, ctx)
    finish(
        session,
        booking,
        actor,
        "booking_changed",
        ctx,
        scope=scope,
        starts_at=starts_at,
        ends_at=ends_at,
        waits_for_approval=asks,
    )
    tell(session, booking, actor, asks, ctx, before)
    return booking
