"""Partners post and edit their opportunities and move them from draft to closed; the
coordination office reviews posts (when the network's settings ask for review) and sends a post
back with a note.

Every save must be complete (domain.opportunity.problems): a draft that cannot go to review is
no use to anyone, and one rule for saving keeps the form simple.

An edit of a published (or paused) opportunity by the partner keeps its state, with review on
too: a corrected phone number or a new sentence must not take it offline for days, and the
office has seen the opportunity once. The office sees every change in the list all the same
(updated_at), and may pause a post it finds wrong. The kind (shifts, regular, open-ended) is
fixed once someone has offered help or a shift exists: their sign-ups would not fit any more.
An opportunity with people on shifts still ahead is not closed before those shifts are
cancelled, so that everyone on them is told."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.db import as_utc
from shared.text import text_problem

from services.engagement.db import models
from services.engagement.domain import opportunity as rules
from services.engagement.domain.permissions import Who, can
from services.engagement.exchange import convert
from services.engagement.exchange.context import Ctx
from services.engagement.exchange.errors import NotFound, Refused
from services.engagement.exchange.offers import FormProblems

NOTE_MAX = 2000


@dataclass(frozen=True)
class Post:
    """What the form says of an opportunity (all of the model's fields a partner writes)."""

    kind: str
    title: str
    description: str
    district: str
    contact_name: str
    contact_email: str = ""
    contact_phone: str = ""
    place: str = ""
    topics: tuple[str, ...] = ()
    with_whom: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = ()
    times_of_day: tuple[str, ...] = ()
    flexible: bool = False
    expected_minutes: int = 120
    languages: tuple[str, ...] = ()
    certificate_needed: bool = False


def actor_of(who: Who) -> str:
    return rules.OFFICE if who.is_coordination else rules.PARTNER


def owned(
    session: Session, who: Who, opportunity_id: int, action: str = "manage_opportunity", lock: bool = False
) -> models.Opportunity:
    """The opportunity if `who` may do `action` on it; NotFound otherwise, so that another
    partner's staff cannot even tell whether it exists. `lock`: for a change, so that two
    people moving it at once take turns (the second sees the first's state)."""
    row = session.get(models.Opportunity, opportunity_id, with_for_update=lock, populate_existing=lock)
    if row is None or not can(action, who, row.partner_id):
        raise NotFound()
    return row


def create(session: Session, ctx: Ctx, who: Who, partner_id: int, post: Post) -> models.Opportunity:
    """A new draft of `partner_id` (the office chooses the partner, staff post for their own)."""
    if not can("manage_opportunity", who, partner_id):
        raise Refused("not_yours", status=403)
    if not ctx.partner_name_of(partner_id):
        raise FormProblems({"partner": "unknown"})
    _check(post, partner_id)
    row = models.Opportunity(partner_id=partner_id, state=rules.DRAFT, created_at=ctx.now, updated_at=ctx.now)
    _write(row, post)
    session.add(row)
    session.flush()
    return row


def edit(session: Session, ctx: Ctx, who: Who, opportunity_id: int, post: Post) -> models.Opportunity:
    """Save the form over the opportunity; its state stays (see the module's doc)."""
    row = owned(session, who, opportunity_id, lock=True)
    if row.state == rules.CLOSED:
        raise Refused("closed")
    problems = _problems(post, row.partner_id)
    if post.kind != row.kind and _has_people_or_shifts(session, row):
        problems.setdefault("kind", "kind_fixed")
    if problems:
        raise FormProblems(problems)
    _write(row, post)
    row.updated_at = ctx.now
    session.flush()
    return row


def move(session: Session, ctx: Ctx, who: Who, opportunity_id: int, target: str, note: str = "") -> models.Opportunity:
    """Move it to `target` (the domain says who may, with the network's review setting). The
    office sending a post in review back to draft leaves `note` for the partner; publishing
    clears it."""
    row = owned(session, who, opportunity_id, lock=True)
    actor = actor_of(who)
    if target not in rules.STATES:
        raise Refused("transition_not_allowed")
    if target == rules.CLOSED and _people_ahead(row, ctx):
        raise Refused("shifts_ahead")
    try:
        moved = rules.moved(convert.opportunity(row), target, actor, ctx.settings.review, ctx.now)
    except ValueError as refused:
        raise Refused(str(refused)) from None
    if (row.state, target, actor) == (rules.IN_REVIEW, rules.DRAFT, rules.OFFICE):
        if problem := text_problem(note.strip(), NOTE_MAX, multiline=True):
            raise FormProblems({"note": problem})
        if not note.strip():
            raise FormProblems({"note": "missing"})  # the partner must learn what to change
        row.review_note = note.strip()
    elif target in (rules.IN_REVIEW, rules.PUBLISHED):
        row.review_note = ""
    row.state, row.published_at, row.updated_at = moved.state, moved.published_at, ctx.now
    session.flush()
    return row


def next_states(row: models.Opportunity, who: Who, review: bool) -> tuple[str, ...]:
    """The states the buttons on the list offer to `who`."""
    return rules.next_states(convert.opportunity(row), actor_of(who), review)


def _check(post: Post, partner_id: int) -> None:
    problems = _problems(post, partner_id)
    if problems:
        raise FormProblems(problems)


def _problems(post: Post, partner_id: int) -> dict[str, str]:
    draft = rules.Opportunity(
        id=0,
        partner_id=partner_id,
        kind=post.kind,
        title=post.title,
        description=post.description,
        district=post.district,
        contact=rules.Contact(post.contact_name, post.contact_email, post.contact_phone),
        place=post.place,
        topics=post.topics,
        with_whom=post.with_whom,
        when=rules.When(post.weekdays, post.times_of_day, post.flexible),
        expected_minutes=post.expected_minutes,
        requirements=rules.Requirements(post.languages, post.certificate_needed),
    )
    if draft.per_shift:  # a shift opportunity's weekdays and times come from its shifts
        draft = replace(draft, when=rules.When())
    return rules.problems(draft)


def _write(row: models.Opportunity, post: Post) -> None:
    row.kind, row.title, row.description = post.kind, post.title.strip(), post.description.strip()
    row.district, row.place = post.district, post.place.strip()
    row.topics, row.with_whom = list(post.topics), list(post.with_whom)
    per_shift = post.kind == "shift"
    row.weekdays = [] if per_shift else list(post.weekdays)
    row.times_of_day = [] if per_shift else list(post.times_of_day)
    row.flexible = False if per_shift else post.flexible
    row.expected_minutes = post.expected_minutes
    row.languages, row.certificate_needed = list(post.languages), post.certificate_needed
    row.contact_name = post.contact_name.strip()
    row.contact_email, row.contact_phone = post.contact_email.strip(), post.contact_phone.strip()


def _has_people_or_shifts(session: Session, row: models.Opportunity) -> bool:
    applications = session.scalar(
        select(func.count()).select_from(models.Application).where(models.Application.opportunity_id == row.id)
    )
    return bool(applications) or bool(row.shifts)


def _people_ahead(row: models.Opportunity, ctx: Ctx) -> bool:
    """People are on a shift still ahead: closing would leave them standing at a closed door, so
    the partner cancels those shifts first (shift_admin.cancel_shift tells everyone)."""
    return any(
        s.cancelled_at is None
        and as_utc(s.ends_at) > ctx.now
        and any(p.state in ("confirmed", "waiting") for p in s.signups)
        for s in row.shifts
    )
