"""The partner (or the office) answers an offer of help: accept, with a message and perhaps a
first meeting; decline, kindly; or put in touch ("we will call you"). The volunteer learns it by
mail in their own language; an accepted first meeting comes as an invitation for their calendar,
and tending.py reminds them of it.

The partner sees only what has reached them (domain.application.reaches_partner): an offer
never confirmed by its email address is nobody's business yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale, gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.text import text_problem

from services.engagement.db import models
from services.engagement.domain import application as rules, shifts as shift_rules
from services.engagement.domain.permissions import Who, can
from services.engagement.exchange import convert, mails, posting, tending
from services.engagement.exchange.context import Ctx
from services.engagement.exchange.errors import NotFound, Refused
from services.engagement.exchange.offers import FormProblems

MEETING_PLACE_MAX = 200


@dataclass(frozen=True)
class Meeting:
    """A first meeting, aware moments (the form makes them from the local day and times)."""

    starts_at: datetime
    ends_at: datetime
    place: str = ""


def inbox(session: Session, who: Who, opportunity_id: int) -> tuple[models.Opportunity, list[models.Application]]:
    """The opportunity and the offers that reached its partner, newest first."""
    row = posting.owned(session, who, opportunity_id, "view_applications")
    found = session.scalars(
        select(models.Application)
        .where(
            models.Application.opportunity_id == row.id,
            models.Application.confirmed_at.is_not(None),
            models.Application.state.not_in((rules.UNCONFIRMED, rules.EXPIRED)),
        )
        .order_by(models.Application.confirmed_at.desc(), models.Application.id.desc())
    ).all()
    return row, list(found)


def accept(
    session: Session, ctx: Ctx, who: Who, application_id: int, message: str, meeting: Meeting | None = None
) -> models.Application:
    row = _decidable(session, who, application_id)
    problems = _message_problems(message)
    if meeting is not None:
        problems.update(meeting_problems(meeting, ctx.now))
    if problems:
        raise FormProblems(problems)
    _move(row, rules.ACCEPTED, who, ctx, message)
    if meeting is not None:
        if row.meeting_starts_at is not None:
            row.meeting_sequence += 1  # a new date for the same invitation
        row.meeting_starts_at, row.meeting_ends_at = meeting.starts_at, meeting.ends_at
        row.meeting_place, row.reminded_at = meeting.place.strip(), None
    session.flush()
    _tell_accepted(session, ctx, row)
    return row


def decline(session: Session, ctx: Ctx, who: Who, application_id: int, message: str) -> models.Application:
    row = _decidable(session, who, application_id)
    if problems := _message_problems(message):
        raise FormProblems(problems)
    _move(row, rules.DECLINED, who, ctx, message)
    session.flush()
    _tell_declined(session, ctx, row)
    return row


def put_in_touch(session: Session, ctx: Ctx, who: Who, application_id: int, message: str = "") -> models.Application:
    row = _decidable(session, who, application_id)
    if problems := _message_problems(message):
        raise FormProblems(problems)
    _move(row, rules.IN_TOUCH, who, ctx, message)
    session.flush()
    _tell_in_touch(session, ctx, row)
    return row


def meeting_problems(meeting: Meeting, now: datetime) -> dict[str, str]:
    found: dict[str, str] = {}
    if meeting.ends_at <= meeting.starts_at:
        found["meeting_ends"] = "ends_before_start"
    elif meeting.ends_at - meeting.starts_at > shift_rules.MAX_DURATION:
        found["meeting_ends"] = "too_long"
    if meeting.starts_at < now:
        found["meeting_day"] = "in_past"
    elif meeting.starts_at > now + shift_rules.MAX_AHEAD:
        found["meeting_day"] = "too_far_ahead"
    if problem := text_problem(meeting.place.strip(), MEETING_PLACE_MAX):
        found["meeting_place"] = problem
    return found


def _message_problems(message: str) -> dict[str, str]:
    problem = text_problem(message.strip(), rules.MESSAGE_MAX, multiline=True)
    return {"message": problem} if problem else {}


def _decidable(session: Session, who: Who, application_id: int) -> models.Application:
    # locked: two people answering at once take turns, and the second is refused by the rules
    row = session.get(models.Application, application_id, with_for_update=True, populate_existing=True)
    if row is None or not can("decide_application", who, row.opportunity.partner_id):
        raise NotFound()
    if row.confirmed_at is None or row.state in (rules.UNCONFIRMED, rules.EXPIRED):
        raise NotFound()  # it has not reached the partner
    return row


def _move(row: models.Application, target: str, who: Who, ctx: Ctx, message: str) -> None:
    actor = rules.OFFICE if who.is_coordination else rules.PARTNER
    try:
        moved = rules.moved(convert.application(row), target, actor, ctx.now)
    except ValueError as refused:
        raise Refused(str(refused)) from None
    row.state, row.closed_at = moved.state, moved.closed_at
    if message.strip() or target != rules.IN_TOUCH:
        row.answer = message.strip()


def _tell_accepted(session: Session, ctx: Ctx, row: models.Application) -> None:
    opportunity, language = row.opportunity, row.language
    partner = ctx.partner_name_of(opportunity.partner_id)
    date = tending.meeting_date(row) if row.meeting_starts_at is not None else None
    with force_locale(language):
        lines = [
            _(
                "gute Nachricht: %(partner)s freut sich über Ihre Hilfe bei „%(title)s“.",
                partner=partner,
                title=opportunity.title,
            )
        ]
        if row.answer:
            lines.append(_("Die Nachricht von %(partner)s:", partner=partner) + "\n" + row.answer)
        if date is not None:
            lines.append(
                _("Ihr erstes Treffen:")
                + f"\n{mails.when(date, language)}"
                + (f"\n{date.location}" if date.location else "")
                + "\n"
                + _("Den Termin können Sie mit der Einladung in dieser E-Mail in Ihren Kalender übernehmen.")
            )
        lines.append(_("Ihre Ansprechperson: %(contact)s", contact=mails.contact_of(opportunity)))
        subject = _("Angenommen: %(title)s", title=opportunity.title)
    mails.to_volunteer(
        session,
        ctx,
        row.volunteer,
        key=f"accepted:{row.id}:{row.meeting_sequence}",
        purpose="accepted",
        name=row.name,
        language=language,
        subject=subject,
        lines=lines,
        date=date,
    )


def _tell_declined(session: Session, ctx: Ctx, row: models.Application) -> None:
    opportunity, language = row.opportunity, row.language
    partner = ctx.partner_name_of(opportunity.partner_id)
    with force_locale(language):
        lines = [
            _(
                "vielen Dank, dass Sie bei „%(title)s“ helfen wollten. Diesmal passt es leider nicht.",
                title=opportunity.title,
            )
        ]
        if row.answer:
            lines.append(_("Die Nachricht von %(partner)s:", partner=partner) + "\n" + row.answer)
        else:
            lines.append(
                _(
                    "Das liegt nicht an Ihnen: Oft sind einfach schon genug Helfer da, oder die Zeiten "
                    "passen nicht zusammen."
                )
            )
        lines.append(
            _("Vielleicht ist bei den anderen Angeboten etwas für Sie dabei:") + "\n" + ctx.link("/engagement/")
        )
        subject = _("Ihre Hilfe bei „%(title)s“", title=opportunity.title)
    mails.to_volunteer(
        session,
        ctx,
        row.volunteer,
        key=f"declined:{row.id}",
        purpose="declined",
        name=row.name,
        language=language,
        subject=subject,
        lines=lines,
    )


def _tell_in_touch(session: Session, ctx: Ctx, row: models.Application) -> None:
    opportunity, language = row.opportunity, row.language
    partner = ctx.partner_name_of(opportunity.partner_id)
    with force_locale(language):
        lines = [
            _(
                "%(partner)s hat Ihr Angebot für „%(title)s“ gelesen und meldet sich in den nächsten Tagen "
                "bei Ihnen, per Telefon oder E-Mail.",
                partner=partner,
                title=opportunity.title,
            )
        ]
        if row.answer:
            lines.append(_("Die Nachricht von %(partner)s:", partner=partner) + "\n" + row.answer)
        lines.append(_("Ihre Ansprechperson: %(contact)s", contact=mails.contact_of(opportunity)))
        subject = _("%(partner)s meldet sich bei Ihnen", partner=partner)
    mails.to_volunteer(
        session,
        ctx,
        row.volunteer,
        key=f"in_touch:{row.id}",
        purpose="in_touch",
        name=row.name,
        language=language,
        subject=subject,
        lines=lines,
    )
