"""The Engagementbörse's emails, worded here in the recipient's language and handed to notify
(notify.engagement_mail) through the outbox, in the transaction of the change they tell of.

Every mail to a volunteer ends with their own link (domain/links.py: see, change, withdraw, ask
for deletion); a mail about a date carries it as an invitation the calendar program adds in one
click, and a cancelled date as a cancellation. `key` makes each mail once-only at notify: a use
case run twice (a redelivered task, a double click) sends nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale, gettext as _
from sqlalchemy.orm import Session

from shared import outbox
from shared.db import as_utc
from shared.local_times import moment, span

from services.engagement.db import models
from services.engagement.domain import links
from services.engagement.exchange.context import Ctx

SIGNATURE = "Treffpunkt Generationen Jena"


@dataclass(frozen=True)
class Date:
    """A date to put into the volunteer's calendar: a shift or a first meeting."""

    uid: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    cancelled: bool = False


def mine_link(ctx: Ctx, volunteer: models.Volunteer) -> str:
    return ctx.link(
        links.COMMITMENTS_PREFIX + links.commitments_token(ctx.secret, volunteer.id, volunteer.link_version)
    )


def confirm_link(ctx: Ctx, kind: str, offer_id: int) -> str:
    return ctx.link(links.CONFIRM_PREFIX + links.confirm_token(ctx.secret, kind, offer_id))


def send(
    session: Session,
    *,
    key: str,
    purpose: str,
    name: str,
    email: str,
    language: str,
    subject: str,
    text: str,
    phone: str = "",
    sms_text: str = "",
    date: Date | None = None,
) -> None:
    event = None
    if date is not None:
        event = {
            "uid": date.uid,
            "sequence": date.sequence,
            "method": "CANCEL" if date.cancelled else "REQUEST",
            "title": date.title,
            "starts_at": date.starts_at,
            "ends_at": date.ends_at,
            "location": date.location,
        }
    outbox.add(
        session,
        models.OutboxMessage,
        "notify.engagement_mail",
        key=key,
        purpose=purpose,
        name=name[:200],
        email=email,
        phone=phone,
        language=language,
        subject=subject[:200],
        text=text,
        sms_text=sms_text,
        event=event,
    )


def to_volunteer(
    session: Session,
    ctx: Ctx,
    volunteer: models.Volunteer,
    *,
    key: str,
    purpose: str,
    name: str,
    language: str,
    subject: str,
    lines: list[str],
    phone: str = "",
    sms_text: str = "",
    date: Date | None = None,
    with_link: bool = True,
) -> None:
    """A mail to a volunteer: greeting, `lines` (paragraphs), their own link, the signature.
    Worded in `language` (the caller passes gettext's words made under force_locale)."""
    with force_locale(language):
        parts = [_("Guten Tag %(name)s,", name=name), *lines]
        if with_link:
            parts.append(
                _("Ihre Zusagen sehen, ändern oder zurückziehen und Ihre Daten löschen lassen:")
                + "\n"
                + mine_link(ctx, volunteer)
            )
        parts.append(_("Freundliche Grüße") + "\n" + SIGNATURE)
    send(
        session,
        key=key,
        purpose=purpose,
        name=name,
        email=volunteer.email,
        language=language,
        subject=subject,
        text="\n\n".join(parts),
        phone=phone,
        sms_text=sms_text,
        date=date,
    )


def when(date: Date, language: str) -> str:
    return span(date.starts_at, date.ends_at, language)


def span_of(shift: models.Shift, language: str) -> str:
    return span(as_utc(shift.starts_at), as_utc(shift.ends_at), language)


def shift_date(signup: models.Signup, cancelled: bool = False) -> Date:
    """A volunteer's shift as a date in their calendar. The UID is their sign-up's (a new one
    when they sign up again after withdrawing, so that a calendar which saw the cancellation
    takes the new invitation); SEQUENCE grows with the shift's changes, and once more for the
    cancellation."""
    shift, opportunity = signup.shift, signup.shift.opportunity
    return Date(
        uid=f"engagement-signup-{signup.id}-{int(as_utc(signup.created_at).timestamp())}@treffpunkt-jena",
        sequence=shift.sequence + (1 if cancelled else 0),
        title=opportunity.title,
        starts_at=as_utc(shift.starts_at),
        ends_at=as_utc(shift.ends_at),
        location=opportunity.place,
        cancelled=cancelled,
    )


def contact_of(opportunity: models.Opportunity) -> str:
    """How the volunteer reaches the partner: the contact's name, phone and email."""
    return ", ".join(x for x in (opportunity.contact_name, opportunity.contact_phone, opportunity.contact_email) if x)


def to_contact(
    session: Session, opportunity: models.Opportunity, *, key: str, purpose: str, subject: str, lines: list[str]
) -> None:
    """A mail to the opportunity's contact (in German, the partners' language): greeting,
    `lines`, signature. Nothing when the contact has only a phone number."""
    if not opportunity.contact_email:
        return
    with force_locale("de"):
        text = "\n\n".join(
            [_("Guten Tag %(name)s,", name=opportunity.contact_name), *lines, _("Freundliche Grüße") + "\n" + SIGNATURE]
        )
    send(
        session,
        key=key,
        purpose=purpose,
        name=opportunity.contact_name,
        email=opportunity.contact_email,
        language="de",
        subject=subject,
        text=text,
    )


def until(at: datetime, language: str) -> str:
    return moment(at, language)
