"""A volunteer's own page, reached by the signed link in every mail: what they have offered and
where they stand, withdrawing (shifts until the partner's deadline), and deleting their data.

Deleting withdraws everything still open (deadlines do not hold a person's data), tells the
partners who were counting on them, and then erases what names or reaches the person; every
link in old mails stops working. Only counts stay (domain/retention.py KEPT_ANONYMISED)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import force_locale, gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import as_utc

from services.engagement.db import models
from services.engagement.domain import application as rules, links, shifts as shift_rules
from services.engagement.exchange import convert, mails, offers, places
from services.engagement.exchange.context import Ctx
from services.engagement.exchange.errors import NotFound, Refused

ERASED_NAME = "—"


@dataclass(frozen=True)
class Mine:
    volunteer: models.Volunteer
    applications: list[models.Application]
    signups: list[models.Signup]
    interests: list[models.Interest]


def volunteer_of(session: Session, ctx: Ctx, token: str) -> models.Volunteer:
    found = links.read_commitments_token(ctx.secret, token)
    if found is None:
        raise NotFound()
    volunteer = session.get(models.Volunteer, found[0])
    if volunteer is None or volunteer.link_version != found[1] or volunteer.confirmed_at is None:
        raise NotFound()
    return volunteer


def send_link(session: Session, ctx: Ctx, email: str) -> None:
    """'Link verloren?': the address's own link by mail, if the address has ever confirmed
    something here; nothing otherwise (the page says the same either way). At most one such
    mail a day to an address (notify sends each key once)."""
    volunteer = session.scalar(select(models.Volunteer).where(models.Volunteer.email == email.strip().lower()))
    if volunteer is None or volunteer.confirmed_at is None:
        return
    with force_locale(volunteer.language):
        lines = [_("hier ist der Link zu Ihren Zusagen bei der Engagementbörse, wie gewünscht.")]
        subject = _("Ihr Link zu Ihren Zusagen")
    mails.to_volunteer(
        session,
        ctx,
        volunteer,
        key=f"link:{volunteer.id}:{ctx.now.date().isoformat()}",
        purpose="confirm",
        name=volunteer.name or volunteer.email,
        language=volunteer.language,
        subject=subject,
        lines=lines,
    )


def mine(session: Session, volunteer: models.Volunteer) -> Mine:
    """Their confirmed offers, newest first (unconfirmed ones were never theirs for sure)."""
    applications = session.scalars(
        select(models.Application)
        .where(models.Application.volunteer_id == volunteer.id, models.Application.confirmed_at.is_not(None))
        .order_by(models.Application.created_at.desc())
    ).all()
    signups = session.scalars(
        select(models.Signup)
        .join(models.Shift)
        .where(models.Signup.volunteer_id == volunteer.id, models.Signup.queued_at.is_not(None))
        .order_by(models.Shift.starts_at)
    ).all()
    wishes = session.scalars(
        select(models.Interest)
        .where(models.Interest.volunteer_id == volunteer.id, models.Interest.confirmed_at.is_not(None))
        .order_by(models.Interest.created_at.desc())
    ).all()
    return Mine(volunteer, list(applications), list(signups), list(wishes))


def withdraw_application(session: Session, ctx: Ctx, volunteer: models.Volunteer, application_id: int) -> None:
    row = session.get(models.Application, application_id)
    if row is None or row.volunteer_id != volunteer.id:
        raise NotFound()
    try:
        moved = rules.moved(convert.application(row), rules.WITHDRAWN, rules.VOLUNTEER, ctx.now)
    except ValueError as refused:
        raise Refused(str(refused)) from None
    was = row.state
    row.state, row.closed_at = moved.state, moved.closed_at
    volunteer.last_active_at = ctx.now
    if was != rules.UNCONFIRMED:
        _tell_partner_withdrawn(session, ctx, row.opportunity, row.name, f"application:{row.id}")


def withdraw_signup(
    session: Session, ctx: Ctx, volunteer: models.Volunteer, signup_id: int, *, deleting: bool = False
) -> None:
    row = session.get(models.Signup, signup_id)
    if row is None or row.volunteer_id != volunteer.id:
        raise NotFound()
    if row.state not in (shift_rules.CONFIRMED, shift_rules.WAITING):
        raise Refused("not_signed_up")
    places.leave(session, ctx, row, any_time=deleting)  # a deletion is not bound to the deadline
    volunteer.last_active_at = ctx.now
    _tell_partner_withdrawn(session, ctx, row.shift.opportunity, row.name, f"signup:{row.id}", row.shift)


def move_signup(session: Session, ctx: Ctx, volunteer: models.Volunteer, signup_id: int, shift_id: int) -> str:
    """Another date of the same opportunity instead of this one, both until their deadlines: the
    old place is given back (the first waiting moves up), the new one taken or the waiting list
    joined; the volunteer gets the cancellation and the new date. Returns where they landed."""
    row = session.get(models.Signup, signup_id)
    if row is None or row.volunteer_id != volunteer.id:
        raise NotFound()
    if row.state not in (shift_rules.CONFIRMED, shift_rules.WAITING):
        raise Refused("not_signed_up")
    if shift_id == row.shift_id:
        raise Refused("same_shift", "shift", status=400)
    target = offers.open_shift(row.shift.opportunity, shift_id, ctx)
    taken = session.scalar(
        select(models.Signup).where(models.Signup.shift_id == target.id, models.Signup.volunteer_id == volunteer.id)
    )
    if taken is not None and taken.state in (shift_rules.CONFIRMED, shift_rules.WAITING):
        raise Refused("already_signed_up", "shift")
    for locked_id in sorted((row.shift_id, target.id)):  # one order for everyone: no deadlock
        places.locked(session, locked_id)
    places.leave(session, ctx, row)
    new = taken or models.Signup(shift_id=target.id, volunteer_id=volunteer.id)
    new.name, new.phone, new.message, new.language = row.name, row.phone, row.message, row.language
    new.state, new.created_at = "unconfirmed", ctx.now
    new.queued_at = new.closed_at = new.reminded_at = None
    session.add(new)
    session.flush()
    volunteer.last_active_at = ctx.now
    return places.take_place(session, ctx, new)


def other_dates(signup: models.Signup, ctx: Ctx) -> list[models.Shift]:
    """The dates of the same opportunity a volunteer could still change to by themselves."""
    return [
        s
        for s in signup.shift.opportunity.shifts
        if s.id != signup.shift_id
        and s.cancelled_at is None
        and ctx.now < as_utc(s.starts_at) - timedelta(minutes=s.deadline_minutes)
    ]


def delete_data(session: Session, ctx: Ctx, volunteer: models.Volunteer) -> None:
    """Withdraw what is open, confirm the deletion by mail, erase."""
    found = mine(session, volunteer)
    for application in found.applications:
        if application.state in (rules.CONFIRMED, rules.IN_TOUCH, rules.ACCEPTED):
            withdraw_application(session, ctx, volunteer, application.id)
    for signup in found.signups:
        if signup.state in (shift_rules.CONFIRMED, shift_rules.WAITING) and as_utc(signup.shift.ends_at) > ctx.now:
            withdraw_signup(session, ctx, volunteer, signup.id, deleting=True)
    with force_locale(volunteer.language):
        lines = [
            _(
                "wie gewünscht haben wir Ihre Angaben bei der Engagementbörse gelöscht. Offene Zusagen "
                "haben wir zurückgezogen und den Partnern Bescheid gegeben."
            ),
            _("Die Links in unseren bisherigen E-Mails funktionieren nicht mehr."),
        ]
        subject = _("Ihre Daten sind gelöscht")
    mails.to_volunteer(
        session,
        ctx,
        volunteer,
        key=f"deleted:{volunteer.id}",
        purpose="deleted",
        name=volunteer.name or ERASED_NAME,
        language=volunteer.language,
        subject=subject,
        lines=lines,
        with_link=False,
    )
    erase(session, volunteer)


def erase(session: Session, volunteer: models.Volunteer) -> None:
    """Everything that names or reaches the person (the Führungszeugnis note and the
    coordinator's notes on their Patenschaften too); the rows stay as counts for the figures."""
    for application in session.scalars(
        select(models.Application).where(models.Application.volunteer_id == volunteer.id)
    ):
        application.name, application.phone, application.message, application.availability = ERASED_NAME, "", "", ""
    for signup in session.scalars(select(models.Signup).where(models.Signup.volunteer_id == volunteer.id)):
        signup.name, signup.phone, signup.message = ERASED_NAME, "", ""
    for interest in session.scalars(select(models.Interest).where(models.Interest.volunteer_id == volunteer.id)):
        interest.name = ERASED_NAME
        if interest.state in ("unconfirmed", "active"):
            interest.state = "stopped"
    for note in session.scalars(
        select(models.CertificateRecord).where(models.CertificateRecord.volunteer_id == volunteer.id)
    ):
        session.delete(note)
    for sponsorship in session.scalars(
        select(models.Sponsorship).where(models.Sponsorship.volunteer_id == volunteer.id)
    ):
        sponsorship.coordinator_notes = ""
    volunteer.email = f"geloescht-{volunteer.id}@invalid"
    volunteer.name, volunteer.phone, volunteer.confirmed_at = "", "", None
    volunteer.link_version += 1


def _tell_partner_withdrawn(
    session: Session, ctx: Ctx, opportunity: models.Opportunity, name: str, key: str, shift: models.Shift | None = None
) -> None:
    with force_locale("de"):
        what = f"„{opportunity.title}“" + (f", {mails.span_of(shift, 'de')}" if shift is not None else "")
        lines = [_("%(who)s hat die Zusage zurückgezogen: %(what)s.", who=name, what=what)]
        subject = _("Zusage zurückgezogen: %(title)s", title=opportunity.title)
    mails.to_contact(
        session, opportunity, key=f"withdrawn:{key}:to_partner", purpose="withdrawn", subject=subject, lines=lines
    )
