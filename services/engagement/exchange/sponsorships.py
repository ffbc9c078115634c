"""Patenschaften (domain/sponsorship.py) as rows: the partner's families, the volunteers it may
match with one, a Patenschaft started, moved forward a stage at a time, and the coordinator's
notes. Every record belongs to one partner: its staff and the office manage it
(permissions "manage_sponsorship"); for anyone else it does not exist (NotFound), so that another
partner's staff cannot even tell whether a family or a Patenschaft is there.

A volunteer can be matched only by a partner they offered help to: a confirmed, in-touch or
accepted application, or a confirmed shift place, on one of its opportunities. That list is
all a partner sees of volunteers here (partners never see each other's volunteers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shared.text import text_problem

from services.engagement.db import models
from services.engagement.domain import application as application_rules, shifts as shift_rules, sponsorship as rules
from services.engagement.domain.permissions import Who, can
from services.engagement.domain.vocabulary import LOCAL_TZ
from services.engagement.exchange.context import Ctx
from services.engagement.exchange.errors import NotFound, Refused
from services.engagement.exchange.offers import FormProblems

FAMILY_NAME_MAX, FAMILY_CONTACT_MAX = 100, 200
OFFERED = (application_rules.CONFIRMED, application_rules.IN_TOUCH, application_rules.ACCEPTED)
LISTED_MAX = 2000  # a ceiling on one read: a partner has dozens


@dataclass(frozen=True)
class Candidate:
    """A volunteer who offered help to one of the partner's opportunities, as the form lists them."""

    volunteer_id: int
    opportunity_id: int
    partner_id: int
    name: str
    opportunity_title: str

    @property
    def key(self) -> str:
        return f"{self.volunteer_id}-{self.opportunity_id}"


def today(ctx: Ctx) -> date:
    return ctx.now.astimezone(LOCAL_TZ).date()


def _may(who: Who | None, partner_id: int | None) -> bool:
    return partner_id is not None and can("manage_sponsorship", who, partner_id)


# --- families ---------------------------------------------------------------------------------
def families(session: Session, who: Who) -> list[models.Family]:
    """The reader's partner's families; the office sees every partner's."""
    query = select(models.Family).order_by(models.Family.name, models.Family.id).limit(LISTED_MAX)
    if not who.is_coordination:
        query = query.where(models.Family.partner_id == who.partner_id)
    return [f for f in session.scalars(query) if _may(who, f.partner_id)]


def add_family(session: Session, ctx: Ctx, who: Who, partner_id: int, name: str, contact: str) -> models.Family:
    if not _may(who, partner_id):
        raise Refused("not_yours", status=403)
    problems = {}
    if not name.strip():
        problems["name"] = "missing"
    elif problem := text_problem(name.strip(), FAMILY_NAME_MAX):
        problems["name"] = problem
    if problem := text_problem(contact.strip(), FAMILY_CONTACT_MAX):
        problems["contact"] = problem
    if not ctx.partner_name_of(partner_id):
        problems["partner"] = "unknown"
    if problems:
        raise FormProblems(problems)
    row = models.Family(partner_id=partner_id, name=name.strip(), contact=contact.strip(), created_at=ctx.now)
    session.add(row)
    session.flush()
    return row


# --- whom a partner may match -----------------------------------------------------------------
def candidates_for(session: Session, who: Who) -> list[Candidate]:
    """Whom the reader may match: their partner's candidates; the office, every partner's."""
    if who.is_coordination:
        return candidates(session, None)
    return candidates(session, who.partner_id) if who.partner_id is not None else []


def candidates(session: Session, partner_id: int | None) -> list[Candidate]:
    """Everyone who offered help to one of `partner_id`'s opportunities (None: any partner's)
    and is still there, once per opportunity, by name."""
    found: dict[str, Candidate] = {}
    applications = select(models.Application, models.Opportunity).join(
        models.Opportunity, models.Application.opportunity_id == models.Opportunity.id
    )
    places = (
        select(models.Signup, models.Opportunity)
        .join(models.Shift, models.Signup.shift_id == models.Shift.id)
        .join(models.Opportunity, models.Shift.opportunity_id == models.Opportunity.id)
    )
    if partner_id is not None:
        applications = applications.where(models.Opportunity.partner_id == partner_id)
        places = places.where(models.Opportunity.partner_id == partner_id)
    offers = [
        *session.execute(
            applications.where(models.Application.state.in_(OFFERED))
            .options(selectinload(models.Application.volunteer))
            .limit(LISTED_MAX)
        ),
        *session.execute(
            places.where(models.Signup.state == shift_rules.CONFIRMED)
            .options(selectinload(models.Signup.volunteer))
            .limit(LISTED_MAX)
        ),
    ]
    for offer, opportunity in offers:
        name = offer.volunteer.name or offer.name
        c = Candidate(offer.volunteer_id, opportunity.id, opportunity.partner_id, name, opportunity.title)
        found.setdefault(c.key, c)
    return sorted(found.values(), key=lambda c: (c.name.casefold(), c.opportunity_title, c.key))


# --- Patenschaften ----------------------------------------------------------------------------
def overview(session: Session, who: Who) -> list[models.Sponsorship]:
    """The reader's partner's Patenschaften (the office: every partner's), newest first."""
    query = (
        select(models.Sponsorship)
        .options(selectinload(models.Sponsorship.volunteer), selectinload(models.Sponsorship.family))
        .order_by(models.Sponsorship.started_on.desc(), models.Sponsorship.id.desc())
        .limit(LISTED_MAX)
    )
    if not who.is_coordination:
        query = query.where(models.Sponsorship.partner_id == who.partner_id)
    return [s for s in session.scalars(query) if _may(who, s.partner_id)]


def owned(session: Session, who: Who, sponsorship_id: int) -> models.Sponsorship:
    """The Patenschaft if `who` may manage it (and so read its notes); NotFound otherwise."""
    row = session.get(models.Sponsorship, sponsorship_id)
    if row is None or not _may(who, row.partner_id) or not can("see_sponsorship_notes", who, row.partner_id):
        raise NotFound()
    return row


def start(
    session: Session, ctx: Ctx, who: Who, family_id: int | None, candidate_key: str, on: date | None
) -> models.Sponsorship:
    """A new Patenschaft of the family's partner in its first stage (the first talk on `on`);
    FormProblems names the fields (family, volunteer, day)."""
    if not who.is_coordination and who.partner_id is None:
        raise Refused("not_yours", status=403)
    problems: dict[str, str] = {}
    family = session.get(models.Family, family_id) if family_id else None
    if family is None or not _may(who, family.partner_id):
        family = None
        problems["family"] = "unknown"  # another partner's family is no choice
    listed = [c for c in candidates_for(session, who) if c.key == candidate_key]
    chosen = next((c for c in listed if family is not None and c.partner_id == family.partner_id), None)
    if not listed:
        problems["volunteer"] = "unknown"  # another partner's volunteer is no choice either
    elif family is not None and chosen is None:
        problems["volunteer"] = "other_partner"  # the office chose across partners
    if on is None:
        problems["day"] = "missing"
    elif on > today(ctx):
        problems["day"] = "day_in_future"
    if problems:
        raise FormProblems(problems)
    assert family is not None and chosen is not None and on is not None
    running = session.scalar(
        select(models.Sponsorship).where(
            models.Sponsorship.family_id == family.id,
            models.Sponsorship.volunteer_id == chosen.volunteer_id,
            models.Sponsorship.stage != rules.ENDED,
        )
    )
    if running is not None:
        raise FormProblems({"volunteer": "sponsorship_exists"})
    row = models.Sponsorship(
        partner_id=family.partner_id,
        opportunity_id=chosen.opportunity_id,
        volunteer_id=chosen.volunteer_id,
        family_id=family.id,
        started_on=on,
        stage=rules.FIRST_TALK,
        stage_days=[],
        coordinator_notes="",
        updated_at=ctx.now,
    )
    session.add(row)
    session.flush()
    return row


def as_domain(row: models.Sponsorship) -> rules.Sponsorship:
    return rules.Sponsorship(
        id=row.id,
        partner_id=row.partner_id,
        volunteer_id=row.volunteer_id,
        family_id=row.family_id,
        started_on=row.started_on,
        stage=row.stage,
        stage_days=stage_days(row),
        end_reason=row.end_reason,
        coordinator_notes=row.coordinator_notes,
    )


def stage_days(row: models.Sponsorship) -> tuple[tuple[str, date], ...]:
    return tuple((stage, date.fromisoformat(day)) for stage, day in row.stage_days or [])


def advance(
    session: Session, ctx: Ctx, who: Who, sponsorship_id: int, target: str, on: date | None, reason: str | None
) -> models.Sponsorship:
    """The next stage from `on` (ended with a reason from END_REASONS); Refused with the code and
    the form field it belongs to."""
    row = owned(session, who, sponsorship_id)
    if on is None:
        raise Refused("missing", "day", status=400)
    if on > today(ctx):
        raise Refused("day_in_future", "day", status=400)
    problem = rules.advance_problem(as_domain(row), target, on, reason or None)
    if problem:
        field = {"reason_missing": "reason", "before_previous_stage": "day", "already_ended": None}
        raise Refused(problem, field.get(problem, "stage"), status=409 if problem == "already_ended" else 400)
    moved = rules.advanced(as_domain(row), target, on, reason or None)
    row.stage, row.end_reason = moved.stage, moved.end_reason
    row.stage_days = [[stage, day.isoformat()] for stage, day in moved.stage_days]
    row.updated_at = ctx.now
    return row


def edit_notes(session: Session, ctx: Ctx, who: Who, sponsorship_id: int, notes: str) -> models.Sponsorship:
    row = owned(session, who, sponsorship_id)
    problem = rules.notes_problem(notes)
    if problem:
        raise Refused(problem, "notes", status=400)
    row.coordinator_notes, row.updated_at = notes.strip(), ctx.now
    return row
