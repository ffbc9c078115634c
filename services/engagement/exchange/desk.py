"""The partner's desk ("Meine Angebote"): the opportunities a staff member looks after (the
office: all of them), each with what needs doing: new offers of help not answered yet, and the
free places on the shifts still ahead."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from services.engagement.db import models
from services.engagement.domain import application as application_rules, opportunity as rules
from services.engagement.domain.permissions import Who
from services.engagement.exchange import convert, listing, posting
from services.engagement.exchange.context import Ctx

SHOWN_MAX = 500  # a partner has a handful, the network some dozens


@dataclass(frozen=True)
class Line:
    row: models.Opportunity
    new_applications: int  # confirmed, not answered yet
    free_places: int  # on the shifts ahead (shift opportunities)
    places: int
    next_states: tuple[str, ...]


def lines(session: Session, ctx: Ctx, who: Who, state: str | None = None) -> list[Line]:
    query = select(models.Opportunity).options(
        selectinload(models.Opportunity.shifts).selectinload(models.Shift.signups)
    )
    if not who.is_coordination:
        if who.partner_id is None:
            return []
        query = query.where(models.Opportunity.partner_id == who.partner_id)
    if state is not None:
        query = query.where(models.Opportunity.state == state)
    rows = session.scalars(query.order_by(models.Opportunity.updated_at.desc()).limit(SHOWN_MAX)).all()
    new = dict(
        session.execute(
            select(models.Application.opportunity_id, func.count())
            .where(
                models.Application.state == application_rules.CONFIRMED,
                models.Application.opportunity_id.in_([r.id for r in rows]),
            )
            .group_by(models.Application.opportunity_id)
        ).all()
    )
    found = []
    for row in rows:
        shifts = [convert.shift(s) for s in listing.ahead(row, ctx)]
        found.append(
            Line(
                row=row,
                new_applications=new.get(row.id, 0),
                free_places=sum(s.free_places for s in shifts),
                places=sum(s.capacity for s in shifts),
                next_states=posting.next_states(row, who, ctx.settings.review),
            )
        )
    order = {s: i for i, s in enumerate(rules.STATES)}
    return sorted(found, key=lambda line: order[line.row.state])
