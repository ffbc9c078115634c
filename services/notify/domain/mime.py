"""The email as Outlook and Thunderbird accept it (see FIELD-NOTES "iTIP email"):

multipart/mixed
  multipart/alternative
    text/plain; text/html; text/calendar; charset=utf-8; method=<METHOD>
  application/ics attachment invite.ics
The MIME method parameter always equals the METHOD inside the calendar. An email without an
invitation (a request, a message to a room's owner) is just multipart/alternative with the
text and the HTML: no calendar part a mail program could file."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import message_from_string, policy
from email.utils import format_datetime, formataddr, parseaddr

CRLF = "\r\n"
MAX_LINE = 78  # RFC 5322's "should" for header lines
ENCODED_CHUNK = 42  # bytes per encoded word: 56 in base64, 68 with "=?utf-8?b?…?=", 77 after "Subject: "


@dataclass(frozen=True)
class ReadEmail:
    headers: list[tuple[str, str]]
    text: str
    html: str
    calendar: str
    calendar_method: str


def _one_line(value: str) -> str:
    return " ".join(value.split())  # a line break in a title must not start a new header


def _header(name: str, value: str) -> str:
    """`Name: value` for the wire, folded at white space into lines of at most 78 characters."""
    folded, line = [], f"{name}:"
    for word in value.split():  # values here have single spaces (names and titles via _one_line)
        if len(line) + 1 + len(word) > MAX_LINE and line.strip() != f"{name}:":
            folded.append(line)
            line = ""
        line = f"{line} {word}"
    return CRLF.join([*folded, line])


def _words(value: str) -> str:
    """`value` as an unstructured header may carry it: non-ASCII as RFC 2047 encoded words
    (base64, at most 75 characters each, never cutting a character), separated by spaces."""
    if value.isascii():
        return value
    data, words, start = value.encode("utf-8"), [], 0
    while start < len(data):
        end = min(len(data), start + ENCODED_CHUNK)
        while end < len(data) and data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte
            end -= 1
        words.append(f"=?utf-8?b?{base64.b64encode(data[start:end]).decode('ascii')}?=")
        start = end
    return " ".join(words)


def _address(name: str, address: str) -> str:
    """`Name <address>` with a non-ASCII name as one RFC 2047 encoded word (split in several,
    some readers would put spaces into the name where it was cut)."""
    return formataddr((_one_line(name), address), charset="utf-8") if name else address


def _base64(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii").replace("\n", CRLF)  # lines of 76


def _part(content_type: str, data: bytes, *extra: str) -> str:
    return CRLF.join([f"Content-Type: {content_type}", "Content-Transfer-Encoding: base64", *extra, "", _base64(data)])


def _multipart(subtype: str, parts: list[str], headers: Sequence[str] = ()) -> str:
    boundary = f"=_{uuid.uuid4().hex}"  # "=_" never occurs in base64, so never in a part
    head = [*headers, f'Content-Type: multipart/{subtype}; boundary="{boundary}"']
    body = "".join(f"--{boundary}{CRLF}{part}{CRLF}" for part in parts)
    return CRLF.join(head) + CRLF + CRLF + body + f"--{boundary}--{CRLF}"


def build_email(
    *,
    mail_from: str,
    to: str,
    to_name: str,
    subject: str,
    text: str,
    html: str,
    ics: bytes | None,
    method: str,
    message_id: str,
    date: datetime,
    reply_to: str = "",
) -> str:
    """The message as SMTP carries it (CRLF, base64 parts, 7-bit clean, no 8BITMIME needed);
    `ics` None: no invitation; `reply_to` (an address, with a name or without): where answers
    go when not to the sender. Written out directly: the same MIME tree from email.mime and its
    generator cost several times more than everything else in rendering a mail."""
    texts = [
        _part('text/plain; charset="utf-8"', text.encode("utf-8")),
        _part('text/html; charset="utf-8"', html.encode("utf-8")),
    ]
    headers = [
        _header("From", _address(*parseaddr(mail_from))),
        _header("To", _address(to_name, to)),
        *([_header("Reply-To", _address(*parseaddr(reply_to)))] if reply_to else []),
        _header("Subject", _words(_one_line(subject))),
        _header("Date", format_datetime(date)),
        _header("Message-ID", message_id),
        "Auto-Submitted: auto-generated",  # no out-of-office replies to a no-reply address
        "MIME-Version: 1.0",
    ]
    if ics is None:
        return _multipart("alternative", texts, headers)
    alternative = _multipart("alternative", [*texts, _part(f'text/calendar; charset="utf-8"; method="{method}"', ics)])
    attachment = _part("application/ics", ics, 'Content-Disposition: attachment; filename="invite.ics"')
    return _multipart("mixed", [alternative, attachment], headers)


def message_id_for(message_id: str, channel: str, mail_from: str) -> str:
    """Stable per (message, channel): a resent mail has the same Message-ID, so mail clients
    show it once."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "treffpunkt.invalid"
    return f"<{message_id}.{channel}@{domain}>"


def read_email(raw: str) -> ReadEmail:
    """The parts people want to see of a stored message (for the delivery log)."""
    msg = message_from_string(raw, policy=policy.default)
    text = html = calendar = ""
    method: object = ""  # get_param: a str, or a (charset, language, value) triple for RFC 2231
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
