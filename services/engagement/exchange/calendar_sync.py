"""A shift's dates and places in its partner's calendar: after every change of a shift (its time,
its capacity, a place taken or given back, its cancellation) the calendar service is told the
shift's whole state (calendar.engagement_shift), in the transaction of the change. The revision
grows with each message, so the calendar keeps the newest whatever order they arrive in."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared import outbox
from shared.db import as_utc

from services.engagement.db import models
from services.engagement.exchange.context import Ctx

COUNTED = ("confirmed", "waiting")


def tell_calendar(session: Session, ctx: Ctx, shift: models.Shift) -> None:
    """Raise the shift's revision and queue its state for the partner's calendar."""
    counts = dict(
        session.execute(
            select(models.Signup.state, func.count())
            .where(models.Signup.shift_id == shift.id, models.Signup.state.in_(COUNTED))
            .group_by(models.Signup.state)
        ).all()
    )
    shift.revision = (shift.revision or 0) + 1
    opportunity = shift.opportunity
    outbox.add(
        session,
        models.OutboxMessage,
        "calendar.engagement_shift",
        shift_id=shift.id,
        revision=shift.revision,
        partner_id=opportunity.partner_id,
        opportunity_id=shift.opportunity_id,
        title=opportunity.title,
        place=opportunity.place or "",
        starts_at=as_utc(shift.starts_at),
        ends_at=as_utc(shift.ends_at),
        capacity=shift.capacity,
        confirmed=counts.get("confirmed", 0),
        waiting=counts.get("waiting", 0),
        cancelled=shift.cancelled_at is not None,
        link=ctx.link(f"/engagement/partner/opportunities/{shift.opportunity_id}/shifts"),
    )
