"""What the beat's `engagement.tend` does every few minutes, in bounded batches:

- offers never confirmed within the link's time are closed (expired), so they hold nothing and
  the retention sweep can delete them;
- interest forms are told of opportunities published since the last run (exchange/interests.py);
- volunteers' data that is due is erased (exchange/retention.py);
- reminders: a confirmed shift place, or an accepted application's first meeting, starting
  within ENGAGEMENT_REMIND_HOURS gets one reminder (reminded_at is set in the same commit as the
  message is queued, and notify sends each key once)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale, gettext as _
from sqlalchemy import select

from shared.db import SessionFactory, as_utc, transaction

from services.engagement.db import models
from services.engagement.domain import application as rules, shifts as shift_rules
from services.engagement.exchange import interests, mails, retention
from services.engagement.exchange.context import Ctx

BATCH = 200  # per kind and run; the next run takes the rest


def tend(factory: SessionFactory, ctx: Ctx) -> dict[str, int]:
    done = {"expired": _expire(factory, ctx)}
    done["reminded"] = _remind_shifts(factory, ctx) + _remind_meetings(factory, ctx)
    with transaction(factory) as session:
        done["announced"] = interests.announce(session, ctx)
    with transaction(factory) as session:
        done["erased"] = retention.retire(session, ctx)
    return done


def _expire(factory: SessionFactory, ctx: Ctx) -> int:
    before = ctx.now - ctx.confirm_within
    count = 0
    with transaction(factory) as session:
        for application in session.scalars(
            select(models.Application)
            .where(models.Application.state == rules.UNCONFIRMED, models.Application.created_at <= before)
            .limit(BATCH)
        ):
            application.state, application.closed_at = rules.EXPIRED, ctx.now
            count += 1
        for signup in session.scalars(
            select(models.Signup)
            .where(models.Signup.state == "unconfirmed", models.Signup.created_at <= before)
            .limit(BATCH)
        ):
            signup.state, signup.closed_at = "expired", ctx.now
            count += 1
    return count


def _remind_shifts(factory: SessionFactory, ctx: Ctx) -> int:
    horizon = ctx.now + timedelta(hours=ctx.settings.remind_hours)
    with transaction(factory) as session:
        due = session.scalars(
            select(models.Signup)
            .join(models.Shift)
            .where(
                models.Signup.state == shift_rules.CONFIRMED,
                models.Signup.reminded_at.is_(None),
                models.Shift.cancelled_at.is_(None),
                models.Shift.starts_at > ctx.now,
                models.Shift.starts_at <= horizon,
            )
            .limit(BATCH)
        ).all()
        for signup in due:
            date = mails.shift_date(signup)
            _remind(session, ctx, signup.volunteer, signup.name, signup.language, date, f"signup:{signup.id}")
            signup.reminded_at = ctx.now
    return len(due)


def _remind_meetings(factory: SessionFactory, ctx: Ctx) -> int:
    horizon = ctx.now + timedelta(hours=ctx.settings.remind_hours)
    with transaction(factory) as session:
        due = session.scalars(
            select(models.Application)
            .where(
                models.Application.state == rules.ACCEPTED,
                models.Application.reminded_at.is_(None),
                models.Application.meeting_starts_at > ctx.now,
                models.Application.meeting_starts_at <= horizon,
            )
            .limit(BATCH)
        ).all()
        for application in due:
            date = meeting_date(application)
            _remind(
                session,
                ctx,
                application.volunteer,
                application.name,
                application.language,
                date,
                f"meeting:{application.id}",
            )
            application.reminded_at = ctx.now
    return len(due)


def meeting_date(application: models.Application, cancelled: bool = False) -> mails.Date:
    """An accepted application's first meeting as a date in the volunteer's calendar."""
    assert application.meeting_starts_at is not None and application.meeting_ends_at is not None
    return mails.Date(
        uid=f"engagement-meeting-{application.id}@treffpunkt-jena",
        sequence=application.meeting_sequence + (1 if cancelled else 0),
        title=application.opportunity.title,
        starts_at=as_utc(application.meeting_starts_at),
        ends_at=as_utc(application.meeting_ends_at),
        location=application.meeting_place or application.opportunity.place,
        cancelled=cancelled,
    )


def _remind(
    session, ctx: Ctx, volunteer: models.Volunteer, name: str, language: str, date: mails.Date, what: str
) -> None:
    with force_locale(language):
        lines = [
            _("eine kurze Erinnerung an Ihren Termin:")
            + f"\n„{date.title}“\n{mails.when(date, language)}"
            + (f"\n{date.location}" if date.location else ""),
            _(
                "Wenn Sie doch nicht können, sagen Sie bitte über den Link unten ab, damit jemand anderes einspringen kann."
            ),
        ]
        subject = _("Erinnerung: %(title)s", title=date.title)
        sms = _(
            "Treffpunkt Jena erinnert: %(title)s, %(when)s.", title=date.title[:80], when=mails.when(date, language)
        )
    mails.to_volunteer(
        session,
        ctx,
        volunteer,
        key=f"reminder:{what}:{date.starts_at.isoformat()}",
        purpose="reminder",
        name=name,
        language=language,
        subject=subject,
        lines=lines,
        phone=volunteer.phone,
        sms_text=sms,
    )
