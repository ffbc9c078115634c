"""The partner's side of shifts: add dates to a shift opportunity, change a shift's number of
places (more places move people up from the waiting list, who are told at once), cancel a shift
(everyone on it is told, and the date leaves their calendars), take a person off or put one on,
and the roster.

The shift is locked while its places change (places.locked), as when volunteers sign up, so a
partner's change and a volunteer's click never both take the last place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale, gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import as_utc
from shared.text import text_problem

from services.engagement.db import models
from services.engagement.domain import (
    application as application_rules,
    opportunity as opportunity_rules,
    shifts as rules,
)
from services.engagement.domain.permissions import Who, can
from services.engagement.exchange import calendar_sync, convert, mails, places, posting
from services.engagement.exchange.context import Ctx
from services.engagement.exchange.errors import NotFound, Refused
from services.engagement.exchange.offers import FormProblems

NOTE_MAX = 1000
ON_SHIFT = (rules.CONFIRMED, rules.WAITING)


@dataclass(frozen=True)
class RosterLine:
    signup: models.Signup
    state: str  # CONFIRMED or WAITING
    number: int  # from 1: the order of sign-up, or the place on the waiting list


def add_shift(
    session: Session,
    ctx: Ctx,
    who: Who,
    opportunity_id: int,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    deadline: timedelta,
) -> models.Shift:
    row = posting.owned(session, who, opportunity_id)
    if row.kind != "shift":
        raise Refused("not_per_shift")
    if row.state == opportunity_rules.CLOSED:
        raise Refused("closed")
    if problems := rules.shift_problems(starts_at, ends_at, capacity, deadline, ctx.now):
        raise FormProblems(problems)
    shift = models.Shift(
        opportunity_id=row.id,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        deadline_minutes=int(deadline.total_seconds() // 60),
    )
    session.add(shift)
    row.updated_at = ctx.now
    session.flush()
    calendar_sync.tell_calendar(session, ctx, shift)
    return shift


def shift_of(session: Session, who: Who, shift_id: int, action: str = "manage_opportunity") -> models.Shift:
    """The shift if `who` may do `action` on its opportunity; NotFound otherwise."""
    shift = session.get(models.Shift, shift_id)
    if shift is None or not can(action, who, shift.opportunity.partner_id):
        raise NotFound()
    return shift


def change_capacity(session: Session, ctx: Ctx, who: Who, shift_id: int, capacity: int) -> list[models.Signup]:
    """The new number of places; returns who moved up (each has had the good news)."""
    shift_of(session, who, shift_id)
    shift = places.locked(session, shift_id)
    if shift.cancelled_at is not None:
        raise Refused("shift_cancelled")
    try:
        _, up = rules.change_capacity(convert.shift(shift), capacity, ctx.now)
    except rules.ShiftRefused as refused:
        field = None if refused.code == "shift_over" else "capacity"
        raise Refused(refused.code, field, status=400 if refused.code == "out_of_range" else 409) from None
    shift.capacity = capacity
    moved = [s for s in shift.signups if s.volunteer_id in up and s.state == rules.WAITING]
    for signup in moved:
        signup.state = rules.CONFIRMED
    session.flush()
    for signup in moved:
        places.tell_place(session, ctx, signup, moved_up=True)  # the same mail as when someone withdraws
    calendar_sync.tell_calendar(session, ctx, shift)
    return moved


def cancel_shift(session: Session, ctx: Ctx, who: Who, shift_id: int, note: str = "") -> int:
    """The shift does not take place: everyone on it (confirmed or waiting) is told, the
    confirmed with a cancellation for their calendar. Their sign-ups keep their state, so their
    own page shows "fällt aus" beside it; reminders skip cancelled shifts. Returns how many
    were told."""
    shift_of(session, who, shift_id)
    shift = places.locked(session, shift_id)
    if shift.cancelled_at is not None:
        raise Refused("shift_cancelled")
    if ctx.now >= as_utc(shift.ends_at):
        raise Refused("shift_over")
    if problem := text_problem(note.strip(), NOTE_MAX, multiline=True):
        raise FormProblems({"note": problem})
    shift.cancelled_at = ctx.now
    session.flush()
    told = [s for s in shift.signups if s.state in ON_SHIFT]
    for signup in told:
        _tell_cancelled(session, ctx, signup, note.strip())
    calendar_sync.tell_calendar(session, ctx, shift)
    return len(told)


def remove_person(session: Session, ctx: Ctx, who: Who, signup_id: int) -> None:
    """Take someone off a shift (they are told; the first waiting person moves up)."""
    signup = session.get(models.Signup, signup_id)
    if signup is None or not can("manage_shift_people", who, signup.shift.opportunity.partner_id):
        raise NotFound()
    if signup.state not in ON_SHIFT:
        raise Refused("not_signed_up")
    places.leave(session, ctx, signup, by_partner=True)


def add_person(
    session: Session, ctx: Ctx, who: Who, shift_id: int, name: str, email: str, phone: str = ""
) -> models.Signup:
    """The partner puts someone on the shift who asked in person or by phone: in the same order
    as a sign-up (a free place, else the end of the waiting list), also after the self-service
    deadline, and with the same mail (the date for their calendar, and their own link to withdraw
    or have their data deleted). The partner vouches for the address, so it counts as confirmed:
    without that the link in the mail would not open."""
    shift = shift_of(session, who, shift_id, "manage_shift_people")
    if shift.cancelled_at is not None:
        raise Refused("shift_cancelled")
    if problems := application_rules.application_problems(name, email, phone, "", "", consent=True):
        raise FormProblems(problems)
    address = email.strip().lower()
    volunteer = session.scalar(select(models.Volunteer).where(models.Volunteer.email == address))
    if volunteer is None:
        volunteer = models.Volunteer(email=address, name=name.strip(), phone=phone.strip())
        session.add(volunteer)
    volunteer.confirmed_at = volunteer.confirmed_at or ctx.now
    session.flush()
    signup = session.scalar(
        select(models.Signup).where(models.Signup.shift_id == shift_id, models.Signup.volunteer_id == volunteer.id)
    )
    if signup is not None and signup.state in ON_SHIFT:
        raise Refused("already_on_shift", "email")
    if signup is None:
        signup = models.Signup(shift_id=shift_id, volunteer_id=volunteer.id)
        session.add(signup)
    signup.name, signup.phone, signup.language = name.strip(), phone.strip(), volunteer.language
    signup.message, signup.state, signup.created_at = "", "unconfirmed", ctx.now
    signup.queued_at = signup.closed_at = signup.reminded_at = None
    session.flush()
    places.take_place(session, ctx, signup, by_partner=True)
    return signup


def roster(shift: models.Shift) -> list[RosterLine]:
    """The confirmed in the order they signed up, then the waiting list in its order."""
    by_person = {s.volunteer_id: s for s in shift.signups if s.state in ON_SHIFT}
    return [RosterLine(by_person[p], state, n) for p, state, n in rules.roster(convert.shift(shift))]


def _tell_cancelled(session: Session, ctx: Ctx, signup: models.Signup, note: str) -> None:
    language, opportunity = signup.language, signup.shift.opportunity
    on_it = signup.state == rules.CONFIRMED
    date = mails.shift_date(signup, cancelled=True)
    with force_locale(language):
        lines = [
            _("leider fällt dieser Termin aus:") + f"\n„{opportunity.title}“, {mails.when(date, language)}",
        ]
        if note:
            lines.append(
                _("Die Nachricht von %(partner)s:", partner=ctx.partner_name_of(opportunity.partner_id)) + "\n" + note
            )
        if on_it:
            lines.append(_("Mit dieser E-Mail verschwindet der Termin auch aus Ihrem Kalender."))
        lines.append(_("Danke, dass Sie helfen wollten!"))
        subject = _("Fällt aus: %(title)s", title=opportunity.title)
    mails.to_volunteer(
        session,
        ctx,
        signup.volunteer,
        key=f"shift_cancelled:{signup.shift_id}:{signup.id}",
        purpose="shift_message",
        name=signup.name,
        language=language,
        subject=subject,
        lines=lines,
        date=date if on_it else None,
    )
