"""'Ich möchte helfen': a visitor offers help, and confirms it by the link in an email (double
opt-in). Nothing reaches the partner, and no shift place is taken, before that click: a typo or
a bot must neither bother a partner nor keep places from others.

The page answers every offer the same way ("please look into your mailbox"), whether the
address is known here or not; what differs is only in the mail, which only the address's owner
reads. At most OFFERS_PER_DAY confirmation mails go to one address a day, so the form cannot be
used to flood someone's mailbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import force_locale, gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.db import as_utc

from services.engagement.db import models
from services.engagement.domain import application as rules, shifts as shift_rules
from services.engagement.domain.opportunity import PUBLISHED
from services.engagement.exchange import mails
from services.engagement.exchange.context import Ctx
from services.engagement.exchange.errors import NotFound, Refused

OFFERS_PER_DAY = 5
ACTIVE_SIGNUP = (shift_rules.CONFIRMED, shift_rules.WAITING)
OPEN_APPLICATION = (rules.CONFIRMED, rules.IN_TOUCH, rules.ACCEPTED)


@dataclass(frozen=True)
class Offer:
    name: str
    email: str
    phone: str = ""
    availability: str = ""
    message: str = ""
    consent: bool = False
    language: str = "de"


class FormProblems(Refused):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("form", status=400)
        self.problems = problems


def published(session: Session, opportunity_id: int) -> models.Opportunity:
    row = session.get(models.Opportunity, opportunity_id)
    if row is None or row.state != PUBLISHED:
        raise NotFound()
    return row


def open_shift(row: models.Opportunity, shift_id: int | None, ctx: Ctx) -> models.Shift:
    """The shift of this opportunity a volunteer may still sign up for by themselves."""
    shift = next((s for s in row.shifts if s.id == shift_id and s.cancelled_at is None), None)
    if shift is None:
        raise Refused("shift_unknown", "shift", status=400)
    if ctx.now >= as_utc(shift.starts_at) - timedelta(minutes=shift.deadline_minutes):
        raise Refused("deadline_passed", "shift")
    return shift


def offer_help(session: Session, ctx: Ctx, opportunity_id: int, offer: Offer, shift_id: int | None = None) -> None:
    """Record the offer (unconfirmed) and send the confirmation mail; raises FormProblems or
    Refused. For a shift opportunity `shift_id` names the date."""
    row = published(session, opportunity_id)
    problems = rules.application_problems(
        offer.name, offer.email, offer.phone, offer.availability, offer.message, offer.consent
    )
    if problems:
        raise FormProblems(problems)
    shift = open_shift(row, shift_id, ctx) if row.kind == "shift" else None
    volunteer = volunteer_by_email(session, offer.email)
    if mails_today(session, volunteer, ctx) >= OFFERS_PER_DAY:
        return  # the same answer on the page; no further mail to that address today
    if shift is not None:
        _sign_up(session, ctx, row, shift, volunteer, offer)
    else:
        _apply(session, ctx, row, volunteer, offer)


def person_problems(name: str, email: str, consent: bool) -> dict[str, str]:
    """The form's questions about the person (an interest form asks only these)."""
    return rules.application_problems(name, email, "", "", "", consent)


def take_over(volunteer: models.Volunteer, name: str, phone: str, language: str, ctx: Ctx) -> None:
    """The address is proven: the form's name, phone and language are the volunteer's now."""
    volunteer.name, volunteer.language, volunteer.last_active_at = name, language, ctx.now
    if phone:
        volunteer.phone = phone
    volunteer.confirmed_at = volunteer.confirmed_at or ctx.now


def volunteer_by_email(session: Session, email: str) -> models.Volunteer:
    address = email.strip().lower()
    found = session.scalar(select(models.Volunteer).where(models.Volunteer.email == address))
    if found is None:
        found = models.Volunteer(email=address)
        session.add(found)
        session.flush()
    return found


def mails_today(session: Session, volunteer: models.Volunteer, ctx: Ctx) -> int:
    """Offers and interest forms this address made in the last day: each sent a mail."""
    since = ctx.now - timedelta(days=1)
    counted = 0
    for model in (models.Application, models.Signup, models.Interest):
        counted += (
            session.scalar(select(func.count()).where(model.volunteer_id == volunteer.id, model.created_at >= since))
            or 0
        )
    return counted


def _apply(session: Session, ctx: Ctx, row: models.Opportunity, volunteer: models.Volunteer, offer: Offer) -> None:
    mine = session.scalars(
        select(models.Application).where(
            models.Application.opportunity_id == row.id,
            models.Application.volunteer_id == volunteer.id,
            models.Application.state.in_((rules.UNCONFIRMED, *OPEN_APPLICATION)),
        )
    ).first()
    if mine is not None and mine.state in OPEN_APPLICATION:
        _already(session, ctx, volunteer, offer, row, f"application:{mine.id}")
        return
    if mine is None:
        mine = models.Application(opportunity_id=row.id, volunteer_id=volunteer.id)
        session.add(mine)
    _take_form(mine, offer, ctx)
    mine.availability = offer.availability.strip()
    session.flush()
    _ask_to_confirm(session, ctx, volunteer, offer, row, "application", mine.id, None)


def _sign_up(
    session: Session,
    ctx: Ctx,
    row: models.Opportunity,
    shift: models.Shift,
    volunteer: models.Volunteer,
    offer: Offer,
) -> None:
    mine = session.scalar(
        select(models.Signup).where(models.Signup.shift_id == shift.id, models.Signup.volunteer_id == volunteer.id)
    )
    if mine is not None and mine.state in ACTIVE_SIGNUP:
        _already(session, ctx, volunteer, offer, row, f"signup:{mine.id}")
        return
    if mine is None:
        mine = models.Signup(shift_id=shift.id, volunteer_id=volunteer.id)
        session.add(mine)
    _take_form(mine, offer, ctx)
    mine.queued_at = mine.closed_at = mine.reminded_at = None
    session.flush()
    _ask_to_confirm(session, ctx, volunteer, offer, row, "signup", mine.id, shift)


def _take_form(row: models.Application | models.Signup, offer: Offer, ctx: Ctx) -> None:
    """What the form said, on the (new or renewed) unconfirmed offer."""
    row.name, row.phone, row.language = offer.name.strip(), offer.phone.strip(), offer.language
    row.message, row.state, row.created_at = offer.message.strip(), rules.UNCONFIRMED, ctx.now


def _ask_to_confirm(
    session: Session,
    ctx: Ctx,
    volunteer: models.Volunteer,
    offer: Offer,
    row: models.Opportunity,
    kind: str,
    offer_id: int,
    shift: models.Shift | None,
) -> None:
    language = offer.language
    partner = ctx.partner_name_of(row.partner_id)
    expires = ctx.now + ctx.confirm_within
    with force_locale(language):
        what = f"„{row.title}“ ({partner})"
        if shift is not None:
            what += ", " + mails.span_of(shift, language)
        lines = [
            _("vielen Dank, dass Sie helfen möchten: %(what)s.", what=what),
            _("Bitte bestätigen Sie mit diesem Link, dass die E-Mail-Adresse Ihnen gehört:")
            + "\n"
            + mails.confirm_link(ctx, kind, offer_id),
            _("Erst danach geben wir Ihr Angebot an %(partner)s weiter.", partner=partner)
            if shift is None
            else _("Erst danach ist ein Platz für Sie reserviert, solange noch einer frei ist."),
            _(
                "Der Link gilt bis %(until)s. Waren Sie das nicht? Dann müssen Sie nichts tun: "
                "Ohne Bestätigung löschen wir die Angaben.",
                until=mails.until(expires, language),
            ),
        ]
        subject = _("Bitte bestätigen: %(title)s", title=row.title)
    mails.to_volunteer(
        session,
        ctx,
        volunteer,
        key=f"confirm:{kind}:{offer_id}:{int(ctx.now.timestamp())}",
        purpose="confirm",
        name=offer.name.strip(),
        language=language,
        subject=subject,
        lines=lines,
        with_link=False,  # the address is not confirmed yet: no way into their commitments
    )


def _already(
    session: Session, ctx: Ctx, volunteer: models.Volunteer, offer: Offer, row: models.Opportunity, key: str
) -> None:
    """The address has offered this already and confirmed it: tell its owner, change nothing."""
    with force_locale(offer.language):
        lines = [
            _(
                "jemand hat mit Ihrer E-Mail-Adresse noch einmal Hilfe bei „%(title)s“ angeboten. "
                "Sie sind dort schon eingetragen; es hat sich nichts geändert.",
                title=row.title,
            )
        ]
        subject = _("Sie sind schon eingetragen: %(title)s", title=row.title)
    mails.to_volunteer(
        session,
        ctx,
        volunteer,
        key=f"already:{key}:{ctx.now.date().isoformat()}",  # once a day at most, however often asked
        purpose="confirm",
        name=volunteer.name or offer.name.strip(),
        language=offer.language,
        subject=subject,
        lines=lines,
    )
