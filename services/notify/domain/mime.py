"""The email as Outlook and Thunderbird accept it (see FIELD-NOTES "iTIP email"):

multipart/mixed
  multipart/alternative
    text/plain; text/html; text/calendar; charset=utf-8; method=<METHOD>
  application/ics attachment invite.ics
The MIME method parameter always equals the METHOD inside the calendar."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email import message_from_string, policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr


@dataclass(frozen=True)
class ReadEmail:
    headers: list[tuple[str, str]]
    text: str
    html: str
    calendar: str
    calendar_method: str


def build_email(*, mail_from: str, to: str, to_name: str, subject: str, text: str, html: str,
                ics: bytes, method: str, message_id: str, date: datetime) -> EmailMessage:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = mail_from
    msg["To"] = f"{to_name} <{to}>" if to_name else to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to a no-reply address
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    msg.add_alternative(ics.decode("utf-8"), subtype="calendar", charset="utf-8", params={"method": method})
    msg.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    return msg


def message_id_for(message_id: str, channel: str, mail_from: str) -> str:
    """Stable per (message, channel): a resent mail has the same Message-ID, so mail clients
    show it once."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "treffpunkt.invalid"
    return f"<{message_id}.{channel}@{domain}>"


def read_email(raw: str) -> ReadEmail:
    """The parts people want to see of a stored message (for the delivery log)."""
    msg = message_from_string(raw, policy=policy.default)
    text = html = calendar = method = ""
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and not text:
            text = part.get_content()
        elif kind == "text/html" and not html:
            html = part.get_content()
        elif kind == "text/calendar" and not calendar:
            calendar = part.get_content()
            method = part.get_param("method") or ""
    headers = [(k, str(v)) for k, v in msg.items() if k.lower() in ("from", "to", "subject", "date", "message-id")]
    return ReadEmail(headers=headers, text=text, html=html, calendar=calendar, calendar_method=str(method))
