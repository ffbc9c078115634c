"""The email as Outlook and Thunderbird accept it (see FIELD-NOTES "iTIP email"):

multipart/mixed
  multipart/alternative
    text/plain; text/html; text/calendar; charset=utf-8; method=<METHOD>
  application/ics attachment invite.ics
The MIME method parameter always equals the METHOD inside the calendar."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from email import message_from_string, policy
from email.generator import Generator
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr

# The classic email.mime classes (compat32) build this tree about four times faster than
# EmailMessage with policy.SMTP; the wire format is the same. CRLF as SMTP wants it.
WIRE = policy.compat32.clone(linesep="\r\n")


@dataclass(frozen=True)
class ReadEmail:
    headers: list[tuple[str, str]]
    text: str
    html: str
    calendar: str
    calendar_method: str


def _one_line(value: str) -> str:
    return " ".join(value.split())  # a line break in a title must not start a new header


def _address(name: str, address: str) -> str:
    """`Name <address>` with a non-ASCII name as an RFC 2047 encoded word."""
    return formataddr((_one_line(name), address), charset="utf-8") if name else address


def _header(value: str) -> str | Header:
    value = _one_line(value)
    return value if value.isascii() else Header(value, "utf-8")


def _text(content: str, subtype: str) -> MIMEText:
    part = MIMEText(content, subtype, "utf-8")  # base64: 7-bit clean, no 8BITMIME needed
    del part["MIME-Version"]  # only the top carries it
    return part


def build_email(*, mail_from: str, to: str, to_name: str, subject: str, text: str, html: str,
                ics: bytes, method: str, message_id: str, date: datetime) -> Message:
    """The message; `wire(message)` gives what goes over SMTP."""
    msg = MIMEMultipart("mixed", policy=WIRE)
    msg["From"] = _address(*parseaddr(mail_from))
    msg["To"] = _address(to_name, to)
    msg["Subject"] = _header(subject)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to a no-reply address
    alternative = MIMEMultipart("alternative")
    del alternative["MIME-Version"]
    calendar = _text(ics.decode("utf-8"), "calendar")
    calendar.set_param("method", method)
    for part in (_text(text, "plain"), _text(html, "html"), calendar):
        alternative.attach(part)
    attachment = MIMEApplication(ics, "ics")
    del attachment["MIME-Version"]
    attachment.add_header("Content-Disposition", "attachment", filename="invite.ics")
    msg.attach(alternative)
    msg.attach(attachment)
    return msg


def wire(msg: Message) -> str:
    """The message as SMTP carries it: CRLF, headers folded at 78 (as_string would not fold)."""
    out = io.StringIO()
    Generator(out, mangle_from_=False, policy=WIRE).flatten(msg)
    return out.getvalue()


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
