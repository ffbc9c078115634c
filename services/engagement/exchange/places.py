"""Places on a shift as rows: the domain's sign_up and withdraw (domain/shifts.py) applied to a
shift locked for the moment, so that two people confirming at once never both get the last
place, and the mails that follow (the date as an invitation, the number on the waiting list, a
cancellation, the good news of moving up)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import force_locale, gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import as_utc

from services.engagement.db import models
from services.engagement.domain import shifts as rules
from services.engagement.exchange import calendar_sync, convert, mails
from services.engagement.exchange.context import Ctx
from services.engagement.exchange.errors import Refused


def locked(session: Session, shift_id: int) -> models.Shift:
    """The shift, locked until the end of the transaction (PostgreSQL; SQLite writes one at a
    time anyway), with its sign-ups read after the lock."""
    shift = session.scalars(
        select(models.Shift)
        .where(models.Shift.id == shift_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    session.refresh(shift, ["signups"])
    return shift


def take_place(session: Session, ctx: Ctx, signup: models.Signup, *, by_partner: bool = False) -> str:
    """Put a confirmed volunteer on the shift (a free place, else the end of the waiting list)
    and tell them; returns where they landed."""
    shift = locked(session, signup.shift_id)
    try:
        _, landed = rules.sign_up(convert.shift(shift), signup.volunteer_id, ctx.now, by_partner=by_partner)
    except rules.ShiftRefused as refused:
        raise Refused(refused.code, "shift") from None
    signup.state, signup.queued_at, signup.closed_at = landed, queue_time(shift, signup, ctx.now), None
    session.flush()
    calendar_sync.tell_calendar(session, ctx, shift)
    if landed == rules.CONFIRMED:
        tell_place(session, ctx, signup)
    else:
        _tell_waiting(session, ctx, signup)
    return landed


def queue_time(shift: models.Shift, signup: models.Signup, now: datetime) -> datetime:
    """When the sign-up joins the queue: now, but after everyone already in it. The queue's order
    is the order of the shift's lock; a request that read the clock earlier can get the lock
    later (bench/engagement.py: 200 people confirming at once were told 181 different waiting
    numbers for 190 places when `now` alone decided)."""
    taken = [as_utc(s.queued_at) for s in shift.signups if s.queued_at is not None and s is not signup]
    return max([now, *(t + timedelta(microseconds=1) for t in taken)])


def leave(
    session: Session, ctx: Ctx, signup: models.Signup, *, by_partner: bool = False, any_time: bool = False
) -> None:
    """Take the volunteer off the shift (withdrawn by themselves, removed by the partner): a
    cancellation for their calendar, and the first on the waiting list moves up and is told.
    The partner, and a volunteer deleting their data (`any_time`), are not bound to the
    self-service deadline."""
    shift = locked(session, signup.shift_id)
    was_confirmed = signup.state == rules.CONFIRMED
    try:
        _, up = rules.withdraw(convert.shift(shift), signup.volunteer_id, ctx.now, by_partner=by_partner or any_time)
    except rules.ShiftRefused as refused:
        raise Refused(refused.code, "shift") from None
    signup.state, signup.closed_at = ("removed" if by_partner else "withdrawn"), ctx.now
    if was_confirmed:
        _tell_cancelled(session, ctx, signup, by_partner)
    if up is not None:
        moved = next(s for s in shift.signups if s.volunteer_id == up)
        moved.state = rules.CONFIRMED
        tell_place(session, ctx, moved, moved_up=True)
    session.flush()
    calendar_sync.tell_calendar(session, ctx, shift)


def tell_place(session: Session, ctx: Ctx, signup: models.Signup, moved_up: bool = False) -> None:
    """The date as an invitation, to someone who just got a place (or moved up to one)."""
    language, opportunity = signup.language, signup.shift.opportunity
    date = mails.shift_date(signup)
    with force_locale(language):
        first = (
            _("gute Nachricht: Auf der Warteliste ist ein Platz für Sie frei geworden.")
            if moved_up
            else _("Sie sind dabei. Vielen Dank!")
        )
        lines = [
            first,
            f"„{opportunity.title}“\n{mails.when(date, language)}"
            + (f"\n{opportunity.place}" if opportunity.place else ""),
            _("Den Termin können Sie mit der Einladung in dieser E-Mail in Ihren Kalender übernehmen."),
            _("Wer Sie erwartet: %(contact)s", contact=mails.contact_of(opportunity)),
        ]
        subject = (_("Ein Platz ist frei geworden: %(title)s") if moved_up else _("Sie sind dabei: %(title)s")) % {
            "title": opportunity.title
        }
    mails.to_volunteer(
        session,
        ctx,
        signup.volunteer,
        key=f"{'moved_up' if moved_up else 'signed_up'}:{signup.id}:{int(ctx.now.timestamp())}",
        purpose="moved_up" if moved_up else "signed_up",
        name=signup.name,
        language=language,
        subject=subject,
        lines=lines,
        phone=signup.phone if moved_up else "",
        sms_text=_sms(signup, date) if moved_up else "",
        date=date,
    )


def _tell_waiting(session: Session, ctx: Ctx, signup: models.Signup) -> None:
    language, opportunity = signup.language, signup.shift.opportunity
    number = rules.place_of(convert.shift(signup.shift), signup.volunteer_id)
    with force_locale(language):
        lines = [
            _(
                "alle Plätze für „%(title)s“ am %(when)s sind schon vergeben. Sie stehen auf der "
                "Warteliste, als Nummer %(number)s.",
                title=opportunity.title,
                when=mails.span_of(signup.shift, language),
                number=number[1] if number else 1,
            ),
            _("Wird ein Platz frei, rücken Sie nach, und wir schreiben Ihnen sofort."),
        ]
        subject = _("Warteliste: %(title)s", title=opportunity.title)
    mails.to_volunteer(
        session,
        ctx,
        signup.volunteer,
        key=f"waiting:{signup.id}:{int(ctx.now.timestamp())}",
        purpose="waiting",
        name=signup.name,
        language=language,
        subject=subject,
        lines=lines,
    )


def _tell_cancelled(session: Session, ctx: Ctx, signup: models.Signup, by_partner: bool) -> None:
    language, opportunity = signup.language, signup.shift.opportunity
    date = mails.shift_date(signup, cancelled=True)
    with force_locale(language):
        first = (
            _("%(partner)s hat Sie von diesem Termin abgemeldet:", partner=ctx.partner_name_of(opportunity.partner_id))
            if by_partner
            else _("Sie haben sich von diesem Termin abgemeldet:")
        )
        lines = [
            first + f"\n„{opportunity.title}“, {mails.when(date, language)}",
            _("Mit dieser E-Mail verschwindet der Termin auch aus Ihrem Kalender."),
        ]
        subject = _("Abgemeldet: %(title)s", title=opportunity.title)
    mails.to_volunteer(
        session,
        ctx,
        signup.volunteer,
        key=f"{'removed' if by_partner else 'withdrawn'}:{signup.id}:{int(ctx.now.timestamp())}",
        purpose="removed" if by_partner else "withdrawn",
        name=signup.name,
        language=language,
        subject=subject,
        lines=lines,
        date=date,
    )


def _sms(signup: models.Signup, date: mails.Date) -> str:
    with force_locale(signup.language):
        return _(
            "Treffpunkt Jena: Ein Platz ist frei geworden. Sie sind dabei: %(title)s, %(when)s.",
            title=date.title[:80],
            when=mails.when(date, signup.language),
        )
