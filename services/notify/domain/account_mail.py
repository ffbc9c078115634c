"""The email that carries a link from the account pages (notify.account_mail): an invitation
to choose a first password, a single-use link for a forgotten one, or the news that one's data
export is ready (DSGVO; the link needs a login and works for 7 days). Plain words, the link on
a line of its own, until when it works, and what to do if the mail was not expected. Email
only, whatever the person's notification preferences say: the link is for them alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from services.notify.domain import mime
from services.notify.domain.texts import Texts
from services.notify.domain.when import moment

PURPOSES = ("invite", "reset", "export")


@dataclass(frozen=True)
class AccountMail:
    message_id: str
    account_id: int
    email: str
    name: str
    username: str
    language: str
    purpose: str
    link: str
    expires_at: datetime
    invited_by: str = ""
    partner_name: str = ""

    @classmethod
    def from_message(cls, data: dict[str, Any]) -> AccountMail:
        """From a validated notify.account_mail message (shared.contracts.AccountMailV1)."""
        return cls(
            message_id=str(data["message_id"]),
            account_id=data["account_id"],
            email=data["email"],
            name=data["name"],
            username=data["username"],
            language=data["language"],
            purpose=data["purpose"],
            link=data["link"],
            expires_at=data["expires_at"],
            invited_by=data.get("invited_by", ""),
            partner_name=data.get("partner_name", ""),
        )


WORDING = {
    "de": {
        "invite": {
            "subject": "Ihr Zugang zu Treffpunkt Generationen Jena",
            "intro": "{who} hat ein Konto für Sie bei Treffpunkt Generationen Jena angelegt{partner}.",
            "by_someone": "Jemand von der Koordinierungsstelle",
            "partner": " (für {partner})",
            "action": "Bitte wählen Sie über diesen Link Ihr Passwort. Danach sind Sie gleich angemeldet:",
            "unexpected": "Sie erwarten diese E-Mail nicht? Dann müssen Sie nichts tun; "
            "ohne Passwort kann niemand das Konto benutzen.",
            "again": "Ist der Link abgelaufen, fordern Sie auf der Anmeldeseite unter „Passwort vergessen“ einen neuen an.",
        },
        "reset": {
            "subject": "Neues Passwort für Treffpunkt Generationen Jena",
            "intro": "für Ihr Konto „{username}“ wurde ein neues Passwort angefordert.",
            "action": "Über diesen Link wählen Sie ein neues Passwort. Alle bisherigen Anmeldungen mit Ihrem Konto enden dann:",
            "unexpected": "Sie haben kein neues Passwort angefordert? Dann müssen Sie nichts tun; "
            "Ihr bisheriges Passwort gilt weiter.",
            "again": "Ist der Link abgelaufen, fordern Sie unter „Passwort vergessen“ einfach einen neuen an.",
        },
        "export": {
            "subject": "Ihre Daten sind bereit",
            "intro": "die Daten, die Treffpunkt Generationen Jena zu Ihrem Konto „{username}“ gespeichert hat, "
            "sind zusammengestellt.",
            "action": "Nach der Anmeldung laden Sie sie hier herunter, als Datei (JSON) und als lesbare Seite:",
            "valid": "Der Link gilt bis {until}; danach werden die zusammengestellten Daten gelöscht.",
            "unexpected": "Sie haben das nicht angefordert? Dann hat die Koordinierungsstelle es für Sie getan; "
            "herunterladen können die Daten nur Sie und die Koordinierungsstelle.",
            "again": "Sie können Ihre Daten auf der Seite „Mein Konto“ jederzeit neu anfordern.",
        },
        "greeting": "Guten Tag {name},",
        "username": "Ihr Benutzername: {username}",
        "valid": "Der Link gilt bis {until} und nur einmal.",
        "closing": "Viele Grüße\nTreffpunkt Generationen Jena",
    },
    "en": {
        "invite": {
            "subject": "Your access to Treffpunkt Generationen Jena",
            "intro": "{who} has created an account for you at Treffpunkt Generationen Jena{partner}.",
            "by_someone": "Someone from the coordination office",
            "partner": " (for {partner})",
            "action": "Please choose your password with this link. You will be logged in straight away:",
            "unexpected": "Not expecting this email? Then you need not do anything; "
            "without a password nobody can use the account.",
            "again": "If the link has expired, ask for a new one on the login page under “Forgot your password”.",
        },
        "reset": {
            "subject": "New password for Treffpunkt Generationen Jena",
            "intro": "a new password was requested for your account “{username}”.",
            "action": "Choose a new password with this link. All current logins with your account will then end:",
            "unexpected": "You did not ask for a new password? Then you need not do anything; your password stays as it is.",
            "again": "If the link has expired, simply ask for a new one under “Forgot your password”.",
        },
        "export": {
            "subject": "Your data are ready",
            "intro": "the data Treffpunkt Generationen Jena keeps about your account “{username}” have been gathered.",
            "action": "After logging in, download them here, as a file (JSON) and as a readable page:",
            "valid": "The link works until {until}; after that the gathered data are deleted.",
            "unexpected": "You did not ask for this? Then the coordination office did it for you; "
            "only you and the coordination office can download the data.",
            "again": "You can ask for your data again at any time on the “My account” page.",
        },
        "greeting": "Hello {name},",
        "username": "Your user name: {username}",
        "valid": "The link works until {until}, and only once.",
        "closing": "Kind regards\nTreffpunkt Generationen Jena",
    },
}


def _language(mail: AccountMail) -> str:
    return mail.language if mail.language in WORDING else "de"


def _paragraphs(mail: AccountMail) -> tuple[list[str], str]:
    """The text before the link, and the text after it."""
    language = _language(mail)
    words = WORDING[language]
    w = words[mail.purpose]
    assert isinstance(w, dict)
    greeting = str(words["greeting"]).format(name=mail.name)
    if mail.purpose == "invite":
        partner = w["partner"].format(partner=mail.partner_name) if mail.partner_name else ""
        intro = w["intro"].format(who=mail.invited_by or w["by_someone"], partner=partner)
        before = [greeting, intro, str(words["username"]).format(username=mail.username), w["action"]]
    else:
        before = [greeting, w["intro"].format(username=mail.username), w["action"]]
    until = moment(mail.expires_at, language)
    valid = str(w.get("valid", words["valid"])).format(until=until)
    after = "\n\n".join([valid, w["unexpected"], w["again"], str(words["closing"])])
    return before, after


def render(mail: AccountMail) -> Texts:
    subject = WORDING[_language(mail)][mail.purpose]["subject"]  # type: ignore[index]
    before, after = _paragraphs(mail)
    text = "\n\n".join([*before, mail.link, after]) + "\n"
    html = (
        "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in before)
        + f'<p><a href="{escape(mail.link)}">{escape(mail.link)}</a></p>'
        + "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in after.split("\n\n"))
    )
    return Texts(subject=str(subject), text=text, html=html, sms="")


def email_of(mail: AccountMail, rendered: Texts, mail_from: str, now: datetime) -> str:
    """The whole message (RFC 5322, 7-bit): text and HTML, no calendar part."""
    return mime.build_email(
        mail_from=mail_from,
        to=mail.email,
        to_name=mail.name,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        ics=None,
        method="",
        message_id=mime.message_id_for(mail.message_id, "email", mail_from),
        date=now,
    )
