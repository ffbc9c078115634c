"""What a partner keeps of the people who help with one of its opportunities, if it wants to:
the hours they gave, the note that their erweitertes Führungszeugnis was seen (never the
document), and from both the Engagementnachweis (a certificate of engagement as PDF).

A helper is someone whose offer the partner accepted, or who has a confirmed place on one of
the opportunity's shifts: the partner sees no one else here (and never another partner's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import as_utc

from services.engagement.db import models
from services.engagement.domain import certificate as certificate_rules, hours as hour_rules
from services.engagement.domain.vocabulary import LOCAL_TZ
from services.engagement.exchange.context import Ctx
from services.engagement.exchange.errors import NotFound
from services.engagement.exchange.offers import FormProblems

ENTRIES_MAX = 2000  # one helper's entries shown and summed: years of weekly visits


@dataclass(frozen=True)
class Helper:
    volunteer: models.Volunteer
    name: str  # as they wrote it on their offer
    minutes: int
    certificate: str  # domain.certificate status: valid, renew_soon, expired, missing


@dataclass(frozen=True)
class Statement:
    """The Engagementnachweis: who helped whom with what, from when to when, how long."""

    name: str
    partner_name: str
    title: str
    description: str
    district: str
    first_day: date | None
    last_day: date | None
    minutes: int
    shifts: int
    issued_on: date


def _today(ctx: Ctx) -> date:
    return ctx.now.astimezone(LOCAL_TZ).date()


def _helper_names(session: Session, opportunity: models.Opportunity, volunteer_id: int | None = None) -> dict[int, str]:
    """Helper -> the name they gave; only `volunteer_id` when it is given."""
    accepted = select(models.Application.volunteer_id, models.Application.name).where(
        models.Application.opportunity_id == opportunity.id, models.Application.state == "accepted"
    )
    placed = (
        select(models.Signup.volunteer_id, models.Signup.name)
        .join(models.Shift)
        .where(models.Shift.opportunity_id == opportunity.id, models.Signup.state == "confirmed")
    )
    if volunteer_id is not None:
        accepted = accepted.where(models.Application.volunteer_id == volunteer_id)
        placed = placed.where(models.Signup.volunteer_id == volunteer_id)
    rows = (*session.execute(placed).all(), *session.execute(accepted).all())
    return {helper_id: name for helper_id, name in rows}


def helpers(session: Session, ctx: Ctx, opportunity: models.Opportunity) -> list[Helper]:
    names = _helper_names(session, opportunity)
    found = (_helper_of(session, ctx, opportunity, helper_id, name) for helper_id, name in names.items())
    return sorted((h for h in found if h is not None), key=lambda h: h.name.casefold())


def helper(session: Session, ctx: Ctx, opportunity: models.Opportunity, volunteer_id: int) -> Helper:
    """One helper of the opportunity; NotFound for anyone else."""
    name = _helper_names(session, opportunity, volunteer_id).get(volunteer_id)
    found = _helper_of(session, ctx, opportunity, volunteer_id, name) if name is not None else None
    if found is None:
        raise NotFound()
    return found


def _helper_of(
    session: Session, ctx: Ctx, opportunity: models.Opportunity, volunteer_id: int, name: str
) -> Helper | None:
    volunteer = session.get(models.Volunteer, volunteer_id)
    if volunteer is None:
        return None
    minutes = sum(e.minutes for e in entries(session, opportunity, volunteer_id))
    return Helper(volunteer, name, minutes, _status(session, ctx, opportunity, volunteer_id))


def entries(session: Session, opportunity: models.Opportunity, volunteer_id: int) -> list[models.HoursEntry]:
    return list(
        session.scalars(
            select(models.HoursEntry)
            .where(models.HoursEntry.opportunity_id == opportunity.id, models.HoursEntry.volunteer_id == volunteer_id)
            .order_by(models.HoursEntry.day.desc(), models.HoursEntry.id.desc())
            .limit(ENTRIES_MAX)
        )
    )


def add_hours(
    session: Session, ctx: Ctx, opportunity: models.Opportunity, volunteer_id: int, day: date, minutes: int, note: str
) -> None:
    helper(session, ctx, opportunity, volunteer_id)
    problems = hour_rules.entry_problems(day, minutes, note, _today(ctx))
    if not problems:
        same_day = session.scalars(
            select(models.HoursEntry).where(
                models.HoursEntry.volunteer_id == volunteer_id, models.HoursEntry.day == day
            )
        ).all()
        existing = [hour_rules.HoursEntry(e.volunteer_id, e.opportunity_id, e.day, e.minutes) for e in same_day]
        if problem := hour_rules.day_total_problem(
            existing, hour_rules.HoursEntry(volunteer_id, opportunity.id, day, minutes)
        ):
            problems["minutes"] = problem
    if problems:
        raise FormProblems(problems)
    session.add(
        models.HoursEntry(
            volunteer_id=volunteer_id,
            opportunity_id=opportunity.id,
            day=day,
            minutes=minutes,
            note=note.strip(),
            recorded_at=ctx.now,
        )
    )


def delete_hours(session: Session, opportunity: models.Opportunity, volunteer_id: int, entry_id: int) -> None:
    entry = session.get(models.HoursEntry, entry_id)
    if entry is None or entry.opportunity_id != opportunity.id or entry.volunteer_id != volunteer_id:
        raise NotFound()
    session.delete(entry)


def record_certificate(
    session: Session, ctx: Ctx, opportunity: models.Opportunity, volunteer_id: int, seen_on: date, seen_by: str
) -> None:
    """'Seen on <day> by <name>': one note per volunteer and partner, the newest sighting."""
    helper(session, ctx, opportunity, volunteer_id)
    problems = certificate_rules.record_problems(seen_on, seen_by, _today(ctx))
    if problems:
        raise FormProblems(problems)
    note = _note(session, opportunity.partner_id, volunteer_id)
    if note is None:
        note = models.CertificateRecord(volunteer_id=volunteer_id, partner_id=opportunity.partner_id)
        session.add(note)
    note.seen_on, note.seen_by, note.recorded_at = seen_on, seen_by.strip(), ctx.now


def certificate_note(session: Session, partner_id: int, volunteer_id: int) -> models.CertificateRecord | None:
    return _note(session, partner_id, volunteer_id)


def _note(session: Session, partner_id: int, volunteer_id: int) -> models.CertificateRecord | None:
    return session.scalar(
        select(models.CertificateRecord).where(
            models.CertificateRecord.partner_id == partner_id, models.CertificateRecord.volunteer_id == volunteer_id
        )
    )


def _status(session: Session, ctx: Ctx, opportunity: models.Opportunity, volunteer_id: int) -> str:
    note = _note(session, opportunity.partner_id, volunteer_id)
    seen = certificate_rules.CertificateSeen(volunteer_id, note.seen_on, note.seen_by) if note else None
    return certificate_rules.status(seen, _today(ctx))


def statement(session: Session, ctx: Ctx, opportunity: models.Opportunity, volunteer_id: int) -> Statement:
    found = helper(session, ctx, opportunity, volunteer_id)
    given = entries(session, opportunity, volunteer_id)
    shifts = session.scalars(
        select(models.Shift)
        .join(models.Signup)
        .where(
            models.Shift.opportunity_id == opportunity.id,
            models.Signup.volunteer_id == volunteer_id,
            models.Signup.state == "confirmed",
            models.Shift.cancelled_at.is_(None),
            models.Shift.ends_at <= ctx.now,
        )
    ).all()
    days = [e.day for e in given] + [as_utc(s.starts_at).astimezone(LOCAL_TZ).date() for s in shifts]
    logged_days = {e.day for e in given}
    # a shift whose day has hours recorded is counted once, by its hours
    extra = sum(
        int((as_utc(s.ends_at) - as_utc(s.starts_at)).total_seconds() // 60)
        for s in shifts
        if as_utc(s.starts_at).astimezone(LOCAL_TZ).date() not in logged_days
    )
    return Statement(
        name=found.name,
        partner_name=ctx.partner_name_of(opportunity.partner_id),
        title=opportunity.title,
        description=opportunity.description.split("\n\n", 1)[0],
        district=opportunity.district,
        first_day=min(days, default=None),
        last_day=max(days, default=None),
        minutes=found.minutes + extra,
        shifts=len(shifts),
        issued_on=_today(ctx),
    )
