"""A notice as the email that goes out: its texts, and the calendar invitation where the notice
carries one (Notice.invites: never with a request, never to a room's owner). The one place that
decides this, for the delivery and for the tests that read the wire format back."""

from __future__ import annotations

from datetime import datetime

from services.notify.domain import itip, mime
from services.notify.domain.notice import Notice
from services.notify.domain.texts import Texts


def email_of(notice: Notice, rendered: Texts, mail_from: str, now: datetime) -> str:
    """The whole message (RFC 5322, 7-bit) to `notice.email`."""
    # the calendar entry says what the booking is for (itip.description_of), never the email's text
    calendar = itip.invitation(notice, mail_from, summary=notice.title, now=now) if notice.invites else None
    return mime.build_email(
        mail_from=mail_from,
        to=notice.email,
        to_name=notice.recipient_name,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        ics=calendar,
        method=itip.method_of(notice),
        message_id=mime.message_id_for(notice.message_id, "email", mail_from),
        date=now,
    )
