"""The message the engagement service sends a person (notify.engagement_mail): a volunteer, or a
partner's contact about a volunteer. Engagement words it in the person's language; notify only
delivers it: the email with the text as given (and the same text as HTML, its web addresses
as links), and with a shift date as an invitation Outlook and Thunderbird add in one click
(itip.entry, FIELD-NOTES "iTIP email"); an SMS too when the message has a text and a number
for it. Email whatever notification preferences say: those are about bookings.

One message per `key`, however often and in however many messages it comes."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from services.notify.domain import itip, mime
from services.notify.domain.texts import Texts

NAMESPACE = uuid.UUID("8d0f6c52-1e3a-4b7d-9c2e-5a6b7c8d9e0f")  # fixed: the same key, the same id
URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")  # a sentence's full stop is not part of it


@dataclass(frozen=True)
class Shift:
    """A shift date for the person's calendar: REQUEST adds or updates it, CANCEL removes it."""

    uid: str
    sequence: int
    method: str
    starts_at: datetime
    ends_at: datetime
    title: str
    location: str = ""
    description: str = ""


@dataclass(frozen=True)
class EngagementMail:
    message_id: str
    key: str
    purpose: str
    name: str
    email: str
    subject: str
    text: str
    phone: str = ""
    language: str = "de"
    sms_text: str = ""
    event: Shift | None = None

    @classmethod
    def from_message(cls, data: dict[str, Any]) -> EngagementMail:
        """From a validated notify.engagement_mail message (shared.contracts.EngagementMailV1)."""
        event = data.get("event")
        return cls(
            message_id=str(data["message_id"]),
            key=data["key"],
            purpose=data["purpose"],
            name=data["name"],
            email=data["email"],
            subject=data["subject"],
            text=data["text"],
            phone=data.get("phone") or "",
            language=data.get("language") or "de",
            sms_text=data.get("sms_text") or "",
            event=None
            if event is None
            else Shift(
                uid=event["uid"],
                sequence=event["sequence"],
                method=event["method"],
                starts_at=event["starts_at"],
                ends_at=event["ends_at"],
                title=event["title"],
                location=event.get("location") or "",
                description=event.get("description") or "",
            ),
        )

    @property
    def delivery_key(self) -> str:
        """The deliveries' message id: one per key, whichever message carried it."""
        return str(uuid.uuid5(NAMESPACE, self.key))

    @property
    def wants_sms(self) -> bool:
        return bool(self.sms_text.strip() and self.phone.strip())

    @property
    def uid(self) -> str:
        return self.event.uid if self.event is not None else ""


def _html_paragraph(paragraph: str) -> str:
    """One paragraph escaped, its web addresses as links, its line breaks kept."""
    pieces, start = [], 0
    for found in URL.finditer(paragraph):
        pieces.append(escape(paragraph[start : found.start()]))
        url = escape(found.group())
        pieces.append(f'<a href="{url}">{url}</a>')
        start = found.end()
    pieces.append(escape(paragraph[start:]))
    return "<p>" + "".join(pieces).replace("\n", "<br>") + "</p>"


def render(mail: EngagementMail) -> Texts:
    """The texts as the engagement service wrote them; the HTML says the same."""
    text = mail.text.replace("\r\n", "\n").strip("\n") + "\n"
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = f'<div lang="{mail.language}">' + "".join(_html_paragraph(p) for p in paragraphs) + "</div>"
    return Texts(subject=mail.subject, text=text, html=html, sms=mail.sms_text.strip())


def invitation(mail: EngagementMail, mail_from: str, now: datetime) -> bytes | None:
    """The shift as a calendar entry for the person (None: the message has no shift)."""
    shift = mail.event
    if shift is None:
        return None
    return itip.entry(
        method=shift.method,
        uid=shift.uid,
        sequence=shift.sequence,
        dates=[shift],
        summary=shift.title,
        location=shift.location,
        description=shift.description,
        url="",
        mail_from=mail_from,
        attendee=(mail.name, mail.email),
        now=now,
    )


def email_of(mail: EngagementMail, rendered: Texts, mail_from: str, now: datetime) -> str:
    """The whole message (RFC 5322, 7-bit) from the service's address to the person."""
    return mime.build_email(
        mail_from=mail_from,
        to=mail.email,
        to_name=mail.name,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        ics=invitation(mail, mail_from, now),
        method=mail.event.method if mail.event is not None else "",
        message_id=mime.message_id_for(mail.delivery_key, "email", mail_from),
        date=now,
    )
