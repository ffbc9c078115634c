"""The email that carries a room's iTIP REPLY (notify.itip_reply) to the organizer who invited
it by email: from the room's address with its name, a few plain words (German, then English:
the organizer's language is not known here) and the REPLY as `text/calendar; method=REPLY`, the
MIME method equal to the METHOD inside (FIELD-NOTES "iTIP email"), so Outlook, Thunderbird and
Gmail apply it to the meeting."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from services.notify.domain import mime
from services.notify.domain.texts import Texts

KIND = "itip_reply"
NAMESPACE = uuid.UUID("6f1c2d4e-8a3b-5c7d-9e0f-1a2b3c4d5e6f")  # fixed: the same reply, the same id

# partstat -> (German, English): what the room says
ANSWERS = {
    "ACCEPTED": ("hat zugesagt", "has accepted"),
    "TENTATIVE": (
        "hat vorläufig zugesagt; der Raum muss noch freigegeben werden",
        "has accepted tentatively; the room still needs approval",
    ),
    "DECLINED": ("hat abgesagt", "has declined"),
    "MIXED": ("hat für einige Termine zugesagt, für andere nicht", "has accepted some dates and declined others"),
}
SUBJECT = {
    "ACCEPTED": ("Zugesagt", "Accepted"),
    "TENTATIVE": ("Vorläufig zugesagt", "Tentative"),
    "DECLINED": ("Abgesagt", "Declined"),
    "MIXED": ("Teilweise zugesagt", "Partly accepted"),
}
WORDS = {
    "de": "Der Raum „{room}“ {answer}: {summary}\n\n"
    "Ihr Kalenderprogramm trägt die Antwort in Ihren Termin ein. Welche Termine gebucht sind, "
    "sehen Sie auch unter „Meine Buchungen“.",
    "en": "The room “{room}” {answer}: {summary}\n\n"
    "Your calendar program adds the answer to your meeting. Which dates are booked is also shown "
    "under “My bookings”.",
}


@dataclass(frozen=True)
class ItipReply:
    message_id: str
    reply_id: str
    to: str
    room_address: str
    room_name: str
    summary: str
    partstat: str
    ics: str
    account_id: int = 0  # the organizer's, when the sender says it

    @classmethod
    def from_message(cls, data: dict[str, Any]) -> ItipReply:
        """From a validated notify.itip_reply message (shared.contracts.ItipReplyV1)."""
        return cls(
            message_id=str(data["message_id"]),
            reply_id=data["reply_id"],
            to=data["to"],
            room_address=data["room_address"],
            room_name=data["room_name"],
            summary=data["summary"],
            partstat=data["partstat"],
            ics=data["ics"],
            account_id=data.get("account_id") or 0,
        )

    @property
    def key(self) -> str:
        """The delivery's message id: one per reply_id, whichever message carried it."""
        return str(uuid.uuid5(NAMESPACE, self.reply_id))


def render(reply: ItipReply) -> Texts:
    german, english = ANSWERS[reply.partstat]
    subject = f"{SUBJECT[reply.partstat][0]} / {SUBJECT[reply.partstat][1]}: {reply.summary}"
    de = WORDS["de"].format(room=reply.room_name, answer=german, summary=reply.summary)
    en = WORDS["en"].format(room=reply.room_name, answer=english, summary=reply.summary)
    text = f"{de}\n\n—\n\n{en}\n"
    html = "".join(
        f'<div lang="{lang}">' + "".join(f"<p>{escape(p)}</p>" for p in words.split("\n\n")) + "</div>"
        for lang, words in (("de", de), ("en", en))
    )
    return Texts(subject=subject, text=text, html=html, sms="")


def email_of(reply: ItipReply, rendered: Texts, now: datetime) -> str:
    """The whole message: from the room, to the organizer, the REPLY inline and attached."""
    name = " ".join(reply.room_name.split()).replace("\\", "").replace('"', "'")
    room = f'"{name}" <{reply.room_address}>'  # mime.build_email encodes the name where it must
    return mime.build_email(
        mail_from=room,
        to=reply.to,
        to_name="",
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        ics=reply.ics.encode("utf-8"),
        method="REPLY",
        message_id=mime.message_id_for(reply.key, "email", reply.room_address),
        date=now,
    )
