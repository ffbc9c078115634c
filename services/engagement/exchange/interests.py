"""Interest forms: "tell me when something in Winzerla on weekday mornings comes up". Made and
confirmed like an offer (double opt-in, at most OFFERS_PER_DAY mails a day to one address, at
most ACTIVE_MAX running per person), announced to when a matching opportunity is published for
the first time (by the beat's tending, once per interest and opportunity: InterestNotice), and
shown to the partner as suggestions for their opportunity (domain/interest.py's rule)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale, gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.db import as_utc

from services.engagement.db import models
from services.engagement.domain import interest as rules
from services.engagement.domain.opportunity import PUBLISHED
from services.engagement.exchange import listing, mails, offers
from services.engagement.exchange.context import Ctx
from services.engagement.exchange.errors import NotFound, Refused

ACTIVE_MAX = 5  # running interest forms per person
ANNOUNCE_BATCH = 20  # opportunities per tending run
INTERESTS_READ_MAX = 5000  # a ceiling on one read of the active interests
UNCONFIRMED, ACTIVE, STOPPED, EXPIRED = "unconfirmed", "active", "stopped", "expired"


@dataclass(frozen=True)
class Wish:
    name: str
    email: str
    consent: bool
    language: str = "de"
    districts: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = ()
    times_of_day: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    with_whom: tuple[str, ...] = ()


def as_rule(row: models.Interest) -> rules.Interest:
    return rules.Interest(
        id=row.id,
        volunteer_id=row.volunteer_id,
        created_at=as_utc(row.created_at),
        districts=tuple(row.districts),
        weekdays=tuple(row.weekdays),
        times_of_day=tuple(row.times_of_day),
        topics=tuple(row.topics),
        with_whom=tuple(row.with_whom),
        active=row.state == ACTIVE,
    )


def leave_interest(session: Session, ctx: Ctx, wish: Wish) -> None:
    """Record the interest (unconfirmed) and send the confirmation mail; raises FormProblems."""
    problems = rules.interest_problems(
        rules.Interest(0, 0, ctx.now, wish.districts, wish.weekdays, wish.times_of_day, wish.topics, wish.with_whom)
    )
    problems.update(
        {k: v for k, v in offers.person_problems(wish.name, wish.email, wish.consent).items() if k not in problems}
    )
    if problems:
        raise offers.FormProblems(problems)
    volunteer = offers.volunteer_by_email(session, wish.email)
    if offers.mails_today(session, volunteer, ctx) >= offers.OFFERS_PER_DAY:
        return
    running = session.scalar(
        select(func.count()).where(models.Interest.volunteer_id == volunteer.id, models.Interest.state == ACTIVE)
    )
    if (running or 0) >= ACTIVE_MAX:
        raise Refused("too_many_interests")
    row = models.Interest(
        volunteer_id=volunteer.id,
        name=wish.name.strip(),
        language=wish.language,
        districts=list(wish.districts),
        weekdays=list(wish.weekdays),
        times_of_day=list(wish.times_of_day),
        topics=list(wish.topics),
        with_whom=list(wish.with_whom),
        created_at=ctx.now,
    )
    session.add(row)
    session.flush()
    with force_locale(wish.language):
        lines = [
            _("Sie möchten erfahren, wenn ein passendes Angebot zum Mitmachen dazukommt."),
            _("Bitte bestätigen Sie mit diesem Link, dass die E-Mail-Adresse Ihnen gehört:")
            + "\n"
            + mails.confirm_link(ctx, "interest", row.id),
            _(
                "Der Link gilt bis %(until)s. Waren Sie das nicht? Dann müssen Sie nichts tun: "
                "Ohne Bestätigung löschen wir die Angaben.",
                until=mails.until(ctx.now + ctx.confirm_within, wish.language),
            ),
        ]
        subject = _("Bitte bestätigen: Ihre Suche nach einem Ehrenamt")
    mails.to_volunteer(
        session,
        ctx,
        volunteer,
        key=f"confirm:interest:{row.id}",
        purpose="interest",
        name=row.name,
        language=wish.language,
        subject=subject,
        lines=lines,
        with_link=False,
    )


def confirm(session: Session, ctx: Ctx, interest_id: int) -> models.Interest:
    row = session.get(models.Interest, interest_id)
    if row is None:
        raise NotFound()
    if row.state == UNCONFIRMED:
        if ctx.now >= as_utc(row.created_at) + ctx.confirm_within:
            raise Refused("expired")
        row.state, row.confirmed_at = ACTIVE, ctx.now
        offers.take_over(row.volunteer, row.name, "", row.language, ctx)
    elif row.confirmed_at is None:
        raise Refused("expired")
    return row


def stop(session: Session, ctx: Ctx, volunteer: models.Volunteer, interest_id: int) -> None:
    row = session.get(models.Interest, interest_id)
    if row is None or row.volunteer_id != volunteer.id:
        raise NotFound()
    if row.state == ACTIVE:
        row.state, row.closed_at = STOPPED, ctx.now


def announce(session: Session, ctx: Ctx) -> int:
    """Tell the matching interests of opportunities published since the last run; returns how
    many mails were queued. Each opportunity is announced once (announced_at), each interest
    told of it once (InterestNotice, whose unique key also guards two runs at once)."""
    due = session.scalars(
        select(models.Opportunity)
        .where(models.Opportunity.state == PUBLISHED, models.Opportunity.announced_at.is_(None))
        .order_by(models.Opportunity.published_at)
        .limit(ANNOUNCE_BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    if not due:
        return 0
    active = session.scalars(
        select(models.Interest).where(models.Interest.state == ACTIVE).limit(INTERESTS_READ_MAX)
    ).all()
    by_id = {row.id: row for row in active}
    sent = 0
    for opportunity in due:
        opportunity.announced_at = ctx.now
        for found in rules.to_notify(listing.as_searched(opportunity, ctx), [as_rule(r) for r in active]):
            if _tell(session, ctx, by_id[found.interest.id], opportunity):
                sent += 1
    return sent


def _tell(session: Session, ctx: Ctx, interest: models.Interest, opportunity: models.Opportunity) -> bool:
    try:
        with session.begin_nested():
            session.add(models.InterestNotice(interest_id=interest.id, opportunity_id=opportunity.id, sent_at=ctx.now))
    except IntegrityError:
        return False  # told already
    partner = ctx.partner_name_of(opportunity.partner_id)
    with force_locale(interest.language):
        lines = [
            _("es gibt ein neues Angebot, das zu Ihrer Suche passt:"),
            f"„{opportunity.title}“ ({partner}, {opportunity.district})\n" + ctx.link(f"/engagement/{opportunity.id}"),
            _("Wenn Sie mitmachen möchten, bieten Sie dort Ihre Hilfe an."),
        ]
        subject = _("Ein passendes Angebot: %(title)s", title=opportunity.title)
    mails.to_volunteer(
        session,
        ctx,
        interest.volunteer,
        key=f"interest_match:{interest.id}:{opportunity.id}",
        purpose="interest_match",
        name=interest.name,
        language=interest.language,
        subject=subject,
        lines=lines,
    )
    return True


def suggested(
    session: Session, ctx: Ctx, opportunity: models.Opportunity
) -> list[tuple[rules.InterestMatch, models.Interest]]:
    """The people whose interest fits the partner's opportunity, best first (bounded)."""
    active = session.scalars(
        select(models.Interest).where(models.Interest.state == ACTIVE).limit(INTERESTS_READ_MAX)
    ).all()
    by_id = {row.id: row for row in active}
    found = rules.suggestions(listing.as_searched(opportunity, ctx), [as_rule(r) for r in active])
    return [(m, by_id[m.interest.id]) for m in found]
