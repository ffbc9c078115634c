"""The rows as the figures' facts (domain/figures.py), for one period: what counts when and where.

- an opportunity in the month it was first published (published_at), in its district;
- an application in the month it was confirmed (confirmed_at: only then did it reach the
  partner), whatever became of it later;
- a match in the month it came about: an accepted application, a confirmed shift place (its
  queued_at), a Patenschaft that became active (the day of that stage). The day an application
  was accepted is not stored, so an accepted one counts in the month it was confirmed;
  applications and places withdrawn later no longer count as matches (their state does not say
  whether they had been accepted or confirmed before);
- minutes on the day they were given, in the district of their opportunity.

The district is the opportunity's; a Patenschaft without one takes its partner's district."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import as_utc
from shared.periods import Period

from services.engagement.db import models
from services.engagement.domain import (
    application as application_rules,
    figures as rules,
    hours as hours_rules,
    shifts as shift_rules,
    sponsorship as sponsorship_rules,
)
from services.engagement.domain.vocabulary import LOCAL_TZ

ROWS_MAX = 200_000  # a ceiling on one read: five years of a city's engagement stay far below


def local_day(moment: datetime | None) -> date:
    """The day in Jena of a stored moment (the queries ask only for rows where it is set)."""
    assert moment is not None
    return as_utc(moment).astimezone(LOCAL_TZ).date()


def facts(session: Session, period: Period, partner_district_of: Mapping[int, str]) -> list[rules.Fact]:
    """Everything that counts within the period (rules.table drops what lies outside)."""
    bounds = period.bounds(LOCAL_TZ)
    start, end = bounds[0], bounds[-1]
    district_of = dict(session.execute(select(models.Opportunity.id, models.Opportunity.district)).all())
    found: list[rules.Fact] = []

    opportunities = session.execute(
        select(models.Opportunity.district, models.Opportunity.published_at).where(
            models.Opportunity.published_at >= start, models.Opportunity.published_at < end
        )
    )
    found += [rules.Fact(rules.OPPORTUNITY, district, local_day(at)) for district, at in opportunities]

    applications = session.execute(
        select(models.Application.opportunity_id, models.Application.confirmed_at, models.Application.state)
        .where(models.Application.confirmed_at >= start, models.Application.confirmed_at < end)
        .limit(ROWS_MAX)
    )
    for opportunity_id, at, state in applications:
        found.append(rules.Fact(rules.APPLICATION, district_of.get(opportunity_id, ""), local_day(at)))
        if state == application_rules.ACCEPTED:
            found.append(rules.Fact(rules.MATCH, district_of.get(opportunity_id, ""), local_day(at)))

    places = session.execute(
        select(models.Shift.opportunity_id, models.Signup.queued_at)
        .join(models.Shift, models.Signup.shift_id == models.Shift.id)
        .where(
            models.Signup.state == shift_rules.CONFIRMED,
            models.Signup.queued_at >= start,
            models.Signup.queued_at < end,
        )
        .limit(ROWS_MAX)
    )
    found += [rules.Fact(rules.MATCH, district_of.get(o, ""), local_day(at)) for o, at in places]

    sponsorships = session.execute(
        select(models.Sponsorship.partner_id, models.Sponsorship.opportunity_id, models.Sponsorship.stage_days)
        .where(models.Sponsorship.stage_days.is_not(None))
        .limit(ROWS_MAX)
    )
    for partner_id, opportunity_id, days in sponsorships:
        active = dict((stage, day) for stage, day in days or []).get(sponsorship_rules.ACTIVE)
        if active:
            district = district_of.get(opportunity_id, "") if opportunity_id else ""
            found.append(
                rules.Fact(rules.MATCH, district or partner_district_of.get(partner_id, ""), date.fromisoformat(active))
            )

    entries = session.execute(
        select(models.HoursEntry)
        .where(models.HoursEntry.day >= period.first.first_day, models.HoursEntry.day < period.last.plus(1).first_day)
        .limit(ROWS_MAX)
    ).scalars()
    found += rules.hours_facts(
        (hours_rules.HoursEntry(e.volunteer_id, e.opportunity_id, e.day, e.minutes) for e in entries), district_of
    )
    return found
