"""A message from the partner to everyone on a shift ("Wir treffen uns am Seiteneingang"), by
email and, where the partner asks and the person gave a number, by SMS too; each in the
person's own language frame (greeting, their link), the partner's words as written."""

from __future__ import annotations

import uuid

from flask_babel import force_locale, gettext as _
from sqlalchemy.orm import Session

from shared.text import text_problem

from services.engagement.db import models
from services.engagement.exchange import mails
from services.engagement.exchange.context import Ctx
from services.engagement.exchange.errors import NotFound
from services.engagement.exchange.offers import FormProblems

SUBJECT_MAX, TEXT_MAX, SMS_MAX = 120, 3000, 300
AUDIENCES = ("confirmed", "everyone")  # the confirmed only, or the waiting list too


def problems(subject: str, text: str, sms: bool, audience: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value, limit, multiline in (("subject", subject, SUBJECT_MAX, False), ("text", text, TEXT_MAX, True)):
        if not value.strip():
            found[name] = "missing"
        elif problem := text_problem(value.strip(), limit, multiline):
            found[name] = problem
    if sms and "text" not in found and len(text.strip()) > SMS_MAX:
        found["text"] = "too_long_for_sms"
    if audience not in AUDIENCES:
        found["audience"] = "unknown"
    return found


def send(
    session: Session,
    ctx: Ctx,
    opportunity: models.Opportunity,
    shift_id: int,
    subject: str,
    text: str,
    sms: bool,
    audience: str,
) -> int:
    """Queue the message to each person on the shift; returns how many it goes to."""
    shift = next((s for s in opportunity.shifts if s.id == shift_id), None)
    if shift is None:
        raise NotFound()
    found = problems(subject, text, sms, audience)
    if found:
        raise FormProblems(found)
    wanted = ("confirmed",) if audience == "confirmed" else ("confirmed", "waiting")
    message_id = uuid.uuid4().hex
    partner = ctx.partner_name_of(opportunity.partner_id)
    people = [s for s in shift.signups if s.state in wanted]
    for signup in people:
        with force_locale(signup.language):
            lines = [
                _(
                    "eine Nachricht von %(partner)s zu Ihrem Termin „%(title)s“ am %(when)s:",
                    partner=partner,
                    title=opportunity.title,
                    when=mails.span_of(shift, signup.language),
                ),
                text.strip(),
            ]
        mails.to_volunteer(
            session,
            ctx,
            signup.volunteer,
            key=f"shift_message:{message_id}:{signup.id}",
            purpose="shift_message",
            name=signup.name,
            language=signup.language,
            subject=subject.strip(),
            lines=lines,
            phone=signup.phone if sms else "",
            sms_text=f"{partner}: {text.strip()}"[:480] if sms and signup.phone else "",
        )
    return len(people)
