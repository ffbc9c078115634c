"""The email that carries an organizer's invitation (iTIP REQUEST) or its cancellation (CANCEL)
to a person invited to the meeting (notify.itip_request; iMIP, RFC 6047): under
calendar-auto-schedule the calendar program leaves sending it to the server. From the
service's address in the organizer's name ("Lena Kraus (über Treffpunkt)": a mail server would
not let us send as the organizer), Reply-To the organizer, a few plain words (German, then
English: the person's language is not known here) and the object as `text/calendar;
method=<METHOD>` plus `invite.ics`. The MIME method must equal the METHOD inside (FIELD-NOTES
"iTIP email"): a message whose object says otherwise is refused, not sent wrong."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from html import escape
from typing import Any

from services.notify.domain import mime
from services.notify.domain.texts import Texts

KIND = "itip_request"
NAMESPACE = uuid.UUID("3b7e9a21-5c4d-4f6e-8a1b-2c3d4e5f6a7b")  # fixed: the same request, the same id
MAX_LINES = 20_000  # the contract caps the object at 500 000 characters; lines are short

SUBJECT = {"REQUEST": ("Einladung", "Invitation"), "CANCEL": ("Abgesagt", "Cancelled")}
WORDS = {
    "REQUEST": (
        "{organizer} lädt Sie zu „{summary}“ ein. Ihr Kalenderprogramm zeigt die Einladung zum "
        "Annehmen oder Ablehnen; Ihre Antwort geht an {email}.",
        "{organizer} invites you to “{summary}”. Your calendar program shows the invitation to "
        "accept or decline; your answer goes to {email}.",
    ),
    "CANCEL": (
        "{organizer} hat „{summary}“ abgesagt. Ihr Kalenderprogramm kann den Termin aus Ihrem Kalender entfernen.",
        "{organizer} has cancelled “{summary}”. Your calendar program can remove the meeting from your calendar.",
    ),
}


class MethodMismatch(ValueError):
    """The calendar object's METHOD is not the message's method: never send such a mail."""


@dataclass(frozen=True)
class ItipRequest:
    message_id: str
    request_id: str
    method: str
    to: str
    organizer_email: str
    organizer_name: str
    summary: str
    ics: str
    account_id: int = 0  # the organizer's, when the sender says it

    @classmethod
    def from_message(cls, data: dict[str, Any]) -> ItipRequest:
        """From a validated notify.itip_request message (shared.contracts.ItipRequestV1)."""
        return cls(
            message_id=str(data["message_id"]),
            request_id=data["request_id"],
            method=data["method"],
            to=data["to"],
            organizer_email=data["organizer_email"],
            organizer_name=data.get("organizer_name") or "",
            summary=data["summary"],
            ics=data["ics"],
            account_id=data.get("account_id") or 0,
        )

    @property
    def key(self) -> str:
        """The delivery's message id: one per request_id, whichever message carried it."""
        return str(uuid.uuid5(NAMESPACE, self.request_id))

    @property
    def organizer(self) -> str:
        """How the organizer is named: their name, else their address."""
        return " ".join(self.organizer_name.split()) or self.organizer_email


def calendar_method(ics: str) -> str:
    """The METHOD of the VCALENDAR itself (not a property of a component inside), upper case;
    "" when there is none. Lines unfolded as RFC 5545 §3.1 says."""
    unfolded = ics.replace("\r\n", "\n").replace("\n ", "").replace("\n\t", "")
    depth = 0
    for line in unfolded.split("\n")[:MAX_LINES]:
        name, _sep, value = line.partition(":")
        name = name.split(";", 1)[0].strip().upper()
        if name == "BEGIN":
            depth += 1
        elif name == "END":
            depth -= 1
        elif name == "METHOD" and depth == 1:
            return value.strip().upper()
    return ""


def check(request: ItipRequest) -> None:
    """Refuse an object whose METHOD is not the message's: the MIME method must equal it."""
    found = calendar_method(request.ics)
    if found != request.method:
        raise MethodMismatch(
            f"Die Methode im Kalenderobjekt ({found or 'keine'}) passt nicht zur Nachricht ({request.method})"
        )


def render(request: ItipRequest) -> Texts:
    german, english = SUBJECT[request.method]
    subject = f"{german} / {english}: {request.summary}"
    values = dict(organizer=request.organizer, summary=request.summary, email=request.organizer_email)
    de, en = (words.format(**values) for words in WORDS[request.method])
    text = f"{de}\n\n—\n\n{en}\n"
    html = "".join(f'<div lang="{lang}"><p>{escape(words)}</p></div>' for lang, words in (("de", de), ("en", en)))
    return Texts(subject=subject, text=text, html=html, sms="")


def sender(request: ItipRequest, mail_from: str) -> str:
    """The service's address in the organizer's name: `"Lena Kraus (über Treffpunkt)" <noreply@…>`."""
    # mime.build_email encodes the name where it must
    return _quoted(f"{request.organizer} (über Treffpunkt)", parseaddr(mail_from)[1])


def _quoted(name: str, address: str) -> str:
    name = " ".join(name.split()).replace("\\", "").replace('"', "'")
    return f'"{name}" <{address}>' if name else address


def email_of(request: ItipRequest, rendered: Texts, mail_from: str, now: datetime) -> str:
    """The whole message: to the person, replies to the organizer, the object inline and attached.
    Raises MethodMismatch (call `check` first) rather than send a method the object contradicts."""
    check(request)
    return mime.build_email(
        mail_from=sender(request, mail_from),
        to=request.to,
        to_name="",
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        ics=request.ics.encode("utf-8"),
        method=request.method,
        message_id=mime.message_id_for(request.key, "email", mail_from),
        date=now,
        reply_to=_quoted(request.organizer_name, request.organizer_email),
    )
