"""The click on the link in the confirmation mail (double opt-in). Only now is the address the
volunteer's: their name and phone are taken from the form, an application goes to the partner,
a shift sign-up takes a place or joins the waiting list. Clicking twice shows the same result
and sends nothing again."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale, gettext as _
from sqlalchemy.orm import Session

from shared.db import as_utc

from services.engagement.db import models
from services.engagement.domain import application as rules, links, shifts as shift_rules
from services.engagement.exchange import convert, interests, mails, offers, places
from services.engagement.exchange.context import Ctx
from services.engagement.exchange.errors import NotFound, Refused


@dataclass(frozen=True)
class Confirmed:
    kind: str  # "application" or "signup"
    state: str  # the application's state, or the sign-up's (confirmed / waiting)
    opportunity_id: int
    title: str
    waiting_number: int = 0
    mine_link: str = ""


def confirm(session: Session, ctx: Ctx, token: str) -> Confirmed:
    found = links.read_confirm_token(ctx.secret, token)
    if found is None:
        raise NotFound()
    kind, offer_id = found
    if kind == "application":
        return _application(session, ctx, offer_id)
    if kind == "interest":
        row = interests.confirm(session, ctx, offer_id)
        return Confirmed("interest", row.state, 0, "", 0, mails.mine_link(ctx, row.volunteer))
    return _signup(session, ctx, offer_id)


def _expired(created_at, ctx: Ctx) -> bool:
    return ctx.now >= as_utc(created_at) + ctx.confirm_within


def _application(session: Session, ctx: Ctx, offer_id: int) -> Confirmed:
    row = session.get(models.Application, offer_id)
    if row is None:
        raise NotFound()
    if row.state == rules.UNCONFIRMED:
        if _expired(row.created_at, ctx):
            raise Refused("expired")
        row.state, row.confirmed_at = rules.CONFIRMED, ctx.now
        offers.take_over(row.volunteer, row.name, row.phone, row.language, ctx)
        session.flush()
        _tell_partner(session, ctx, row)
        _thank(session, ctx, row)
    elif row.confirmed_at is None:  # withdrawn or expired before it was ever confirmed
        raise Refused("expired")
    return Confirmed(
        "application", row.state, row.opportunity_id, row.opportunity.title, 0, mails.mine_link(ctx, row.volunteer)
    )


def _signup(session: Session, ctx: Ctx, offer_id: int) -> Confirmed:
    row = session.get(models.Signup, offer_id)
    if row is None:
        raise NotFound()
    if row.state == "unconfirmed":
        if _expired(row.created_at, ctx):
            raise Refused("expired")
        if row.shift.cancelled_at is not None:
            raise Refused("shift_cancelled")
        offers.take_over(row.volunteer, row.name, row.phone, row.language, ctx)
        places.take_place(session, ctx, row)
    elif row.queued_at is None:
        raise Refused("expired")
    number = shift_rules.place_of(convert.shift(row.shift), row.volunteer_id) if row.state == "waiting" else None
    return Confirmed(
        "signup",
        row.state,
        row.shift.opportunity_id,
        row.shift.opportunity.title,
        number[1] if number else 0,
        mails.mine_link(ctx, row.volunteer),
    )


def _thank(session: Session, ctx: Ctx, row: models.Application) -> None:
    partner = ctx.partner_name_of(row.opportunity.partner_id)
    with force_locale(row.language):
        lines = [
            _(
                "danke für Ihre Bestätigung. Ihr Angebot für „%(title)s“ ist jetzt bei %(partner)s. "
                "Man meldet sich bei Ihnen, meist innerhalb einer Woche.",
                title=row.opportunity.title,
                partner=partner,
            )
        ]
        subject = _("Ihr Angebot ist angekommen: %(title)s", title=row.opportunity.title)
    mails.to_volunteer(
        session,
        ctx,
        row.volunteer,
        key=f"application:{row.id}:confirmed",
        purpose="application",
        name=row.name,
        language=row.language,
        subject=subject,
        lines=lines,
    )


def _tell_partner(session: Session, ctx: Ctx, row: models.Application) -> None:
    """The opportunity's contact learns of the new offer; the volunteer's details are behind the
    login, not in the mail."""
    opportunity = row.opportunity
    with force_locale("de"):
        lines = [
            _("für „%(title)s“ hat jemand Hilfe angeboten und die E-Mail-Adresse bestätigt.", title=opportunity.title),
            _("Sie finden das Angebot mit allen Angaben in Ihrem Posteingang (Anmeldung nötig):")
            + "\n"
            + ctx.link(f"/engagement/partner/opportunities/{opportunity.id}/inbox"),
        ]
        subject = _("Neues Hilfsangebot: %(title)s", title=opportunity.title)
    mails.to_contact(
        session,
        opportunity,
        key=f"application:{row.id}:to_partner",
        purpose="application",
        subject=subject,
        lines=lines,
    )
