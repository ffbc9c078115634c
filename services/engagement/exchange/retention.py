"""Volunteers' data kept only as long as needed (domain/retention.py): the beat's tending asks,
a batch of volunteers at a time, what each one's records say, and erases those due the way a
deletion on request does (commitments.erase, without a mail: the address may be long dead)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import as_utc

from services.engagement.db import models
from services.engagement.domain import application as application_rules, retention as rules
from services.engagement.exchange import commitments, interests
from services.engagement.exchange.context import Ctx

BATCH = 200
ERASED = "%@invalid"  # commitments.erase leaves this address behind
OPEN_APPLICATION = (application_rules.CONFIRMED, application_rules.IN_TOUCH, application_rules.ACCEPTED)


def retire(session: Session, ctx: Ctx) -> int:
    """Erase the volunteers whose data is due; returns how many. Only those quiet for a month
    are looked at (nobody is due sooner), oldest activity first."""
    quiet = session.scalars(
        select(models.Volunteer)
        .where(models.Volunteer.email.not_like(ERASED), models.Volunteer.last_active_at <= ctx.now - timedelta(days=28))
        .order_by(models.Volunteer.last_active_at)
        .limit(BATCH)
    ).all()
    erased = 0
    today = ctx.now.date()
    for volunteer in quiet:
        if rules.is_due(trace_of(session, volunteer, ctx), ctx.retention, today):
            commitments.erase(session, volunteer)
            erased += 1
        else:
            volunteer.last_active_at = ctx.now  # looked at: the next runs take the others first
    return erased


def trace_of(session: Session, volunteer: models.Volunteer, ctx: Ctx) -> rules.Trace:
    applications = session.scalars(
        select(models.Application).where(models.Application.volunteer_id == volunteer.id)
    ).all()
    signups = session.scalars(select(models.Signup).where(models.Signup.volunteer_id == volunteer.id)).all()
    wishes = session.scalars(select(models.Interest).where(models.Interest.volunteer_id == volunteer.id)).all()
    sponsorships = session.scalars(
        select(models.Sponsorship).where(models.Sponsorship.volunteer_id == volunteer.id)
    ).all()
    open_ = (
        any(a.state in OPEN_APPLICATION for a in applications)
        or any(s.state in ("confirmed", "waiting") and as_utc(s.shift.ends_at) > ctx.now for s in signups)
        or any(i.state in (interests.ACTIVE, interests.UNCONFIRMED) for i in wishes)
        or any(a.state == application_rules.UNCONFIRMED for a in applications)
        or any(s.state == "unconfirmed" for s in signups)
        or any(p.stage != "ended" for p in sponsorships)  # a Patenschaft runs for years
    )
    ended = [as_utc(s.shift.ends_at).date() for s in signups if s.state == "confirmed"]
    ended += [date.fromisoformat(day) for p in sponsorships for stage, day in p.stage_days if stage == "ended"]
    closed = [
        _day(a.closed_at) for a in applications if a.state in (application_rules.DECLINED, application_rules.WITHDRAWN)
    ]
    closed += [_day(s.closed_at) for s in signups if s.state in ("withdrawn", "removed")]
    closed += [_day(i.closed_at) for i in wishes if i.state == interests.STOPPED]
    lapsed = [_day(a.closed_at) for a in applications if a.state == application_rules.EXPIRED]
    lapsed += [_day(s.closed_at) for s in signups if s.state == "expired"]
    lapsed += [_day(i.closed_at) for i in wishes if i.state == interests.EXPIRED]
    return rules.Trace(
        has_open=open_,
        last_commitment_ended=max(ended, default=None),
        last_application_closed=max((d for d in closed if d), default=None),
        unconfirmed_expired=max((d for d in lapsed if d), default=None) if volunteer.confirmed_at is None else None,
    )


def _day(moment) -> date | None:
    return as_utc(moment).date() if moment is not None else None
