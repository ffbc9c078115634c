"""Rows as the domain's values, so that the rules never see a table."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from shared.db import as_utc

from services.engagement.db import models
from services.engagement.domain import application as application_rules, shifts as shift_rules
from services.engagement.domain.opportunity import Contact, Opportunity, Requirements, When


def opportunity(row: models.Opportunity) -> Opportunity:
    return Opportunity(
        id=row.id,
        partner_id=row.partner_id,
        kind=row.kind,
        title=row.title,
        description=row.description,
        district=row.district,
        place=row.place,
        contact=Contact(row.contact_name, row.contact_email, row.contact_phone),
        topics=tuple(row.topics),
        with_whom=tuple(row.with_whom),
        when=When(tuple(row.weekdays), tuple(row.times_of_day), row.flexible),
        expected_minutes=row.expected_minutes,
        requirements=Requirements(tuple(row.languages), row.certificate_needed),
        state=row.state,
        published_at=as_utc(row.published_at),
    )


def shift(row: models.Shift) -> shift_rules.Shift:
    """The shift with its people in order: the confirmed by their place in the queue, then the
    waiting list in its order."""
    queued = _queued(row)
    return replace(
        shift_times(row),
        confirmed=tuple(s.volunteer_id for s in queued if s.state == shift_rules.CONFIRMED),
        waiting=tuple(s.volunteer_id for s in queued if s.state == shift_rules.WAITING),
    )


def shift_times(row: models.Shift) -> shift_rules.Shift:
    """The shift without its people, for what asks only when it is (the search: reading every
    shift's sign-ups there cost a query a shift, bench/engagement.py)."""
    return shift_rules.Shift(
        id=row.id,
        opportunity_id=row.opportunity_id,
        starts_at=as_utc(row.starts_at),
        ends_at=as_utc(row.ends_at),
        capacity=row.capacity,
        deadline=timedelta(minutes=row.deadline_minutes),
    )


def _queued(row: models.Shift) -> list[models.Signup]:
    return sorted((s for s in row.signups if s.queued_at is not None), key=lambda s: (as_utc(s.queued_at), s.id))


def application(row: models.Application) -> application_rules.Application:
    return application_rules.Application(
        id=row.id,
        opportunity_id=row.opportunity_id,
        volunteer_id=row.volunteer_id,
        created_at=row.created_at,
        state=row.state,
        confirmed_at=row.confirmed_at,
        closed_at=row.closed_at,
    )
