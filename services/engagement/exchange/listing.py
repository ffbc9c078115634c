"""The published opportunities as the public search sees them: a shift opportunity's weekdays
and times of day are those of its shifts still ahead (domain/shifts.schedule_of)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shared.db import as_utc

from services.engagement.db import models
from services.engagement.domain import search as rules
from services.engagement.domain.opportunity import PUBLISHED, Opportunity
from services.engagement.domain.shifts import schedule_of
from services.engagement.exchange import convert
from services.engagement.exchange.context import Ctx

LISTED_MAX = 2000  # a ceiling on one read: the network has dozens


def published(session: Session, ctx: Ctx) -> list[tuple[Opportunity, models.Opportunity]]:
    rows = session.scalars(
        select(models.Opportunity)
        .where(models.Opportunity.state == PUBLISHED)
        .options(selectinload(models.Opportunity.shifts))
        .limit(LISTED_MAX)
    ).all()
    return [(as_searched(row, ctx), row) for row in rows]


def ahead(row: models.Opportunity, ctx: Ctx) -> list[models.Shift]:
    return [s for s in row.shifts if s.cancelled_at is None and as_utc(s.ends_at) > ctx.now]


def as_searched(row: models.Opportunity, ctx: Ctx) -> Opportunity:
    found = convert.opportunity(row)
    if found.per_shift:
        found = replace(found, when=schedule_of(convert.shift_times(s) for s in ahead(row, ctx)))
    return found


def search(session: Session, ctx: Ctx, query: rules.Query) -> list[tuple[rules.Hit, models.Opportunity]]:
    found = published(session, ctx)
    rows = {o.id: row for o, row in found}
    return [(hit, rows[hit.opportunity.id]) for hit in rules.search((o for o, _ in found), query)]
