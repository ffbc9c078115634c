"""The iTIP object inside an invitation email (RFC 6047), in the shapes the programs send:

- Outlook: multipart/alternative with text/plain, text/html and `text/calendar; method=REQUEST`
  (often base64);
- Thunderbird: multipart/mixed with the text, `text/calendar; method=REQUEST` and the same object
  again as an `invite.ics` attachment (application/ics);
- Gmail: multipart/mixed -> multipart/alternative (text, html, text/calendar, quoted-printable)
  plus an `invite.ics` attachment.

The inline text/calendar part is the one that counts (Outlook reads only that one); an attached
object is taken only when there is no inline one."""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

from services.rooms.mailin.errors import Refused

CALENDAR_TYPES = ("text/calendar", "application/ics")
MAX_PARTS = 50  # a mail of more parts is no invitation a calendar program wrote


@dataclass(frozen=True)
class CalendarMail:
    sender: str  # the From address, lower case
    mime_method: str  # the method parameter of the calendar part ("" if it had none)
    calendar: str  # the iCalendar text


def read(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def sender_of(message: EmailMessage) -> str:
    """The one address in From (lower case); a mail "from" none or several is refused."""
    found = [address for _name, address in getaddresses([str(v) for v in message.get_all("From", [])]) if address]
    if len(found) != 1 or "@" not in found[0]:
        raise Refused("sender_unclear")
    return found[0].strip().lower()


def _text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError) as exc:  # unknown charset, broken base64
        raise Refused("unreadable", type(exc).__name__) from None
    if isinstance(content, bytes):  # application/ics: the transfer encoding undone, no charset
        charset = part.get_content_charset() or "utf-8"
        try:
            return content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            raise Refused("unreadable", "charset") from None
    return str(content)


def calendar_of(raw: bytes) -> CalendarMail:
    message = read(raw)
    sender = sender_of(message)
    inline: list[EmailMessage] = []
    attached: list[EmailMessage] = []
    for count, part in enumerate(message.walk()):
        if count > MAX_PARTS:
            raise Refused("unreadable", "too many parts")
        if part.is_multipart() or part.get_content_type() not in CALENDAR_TYPES:
            continue
        (attached if part.get_content_disposition() == "attachment" else inline).append(part)
    chosen = [p for p in inline if p.get_content_type() == "text/calendar"] or inline or attached
    if not chosen:
        raise Refused("no_calendar")
    part = chosen[0]
    method = part.get_param("method") or ""
    return CalendarMail(sender, str(method).strip().upper(), _text(part))
