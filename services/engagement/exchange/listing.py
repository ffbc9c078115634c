"""The published opportunities as the public search sees them: a shift opportunity's weekdays
and times of day are those of its shifts still ahead (domain/shifts.schedule_of).

The search filters them in Python (domain/search.py). Reading and converting every published
opportunity for each page cost about 80 ms at a thousand of them (bench/engagement.py), so each
process keeps the converted values (frozen dataclasses) and reads them again only when one
aggregate query says something changed: how many are published, the sum of their ids, the
newest change to one of them, the newest shift and how many are cancelled, and the hour (a shift
that has ended leaves its opportunity's weekdays)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select
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


def search(session: Session, ctx: Ctx, query: rules.Query, kept: dict | None = None) -> list[rules.Hit]:
    """The hits, best first (domain/search.py). `kept`: the process's store of the converted
    values (web/public.py keeps one per app); None reads them afresh."""
    return rules.search(_published_values(session, ctx, kept if kept is not None else {}), query)


def _published_values(session: Session, ctx: Ctx, kept: dict) -> list[Opportunity]:
    published_now = models.Opportunity.state == PUBLISHED
    opportunities = session.execute(
        select(
            func.count(), func.coalesce(func.sum(models.Opportunity.id), 0), func.max(models.Opportunity.updated_at)
        ).where(published_now)
    ).one()
    shifts = session.execute(select(func.max(models.Shift.id), func.count(models.Shift.cancelled_at))).one()
    version = (*opportunities, *shifts, ctx.now.replace(minute=0, second=0, microsecond=0))
    if kept.get("version") != version:
        kept["values"] = [found for found, _row in published(session, ctx)]
        kept["version"] = version
    values: list[Opportunity] = kept["values"]
    return values
