"""Names in CalDAV paths: what a path segment and an event's name (its href segment) may be.
Checked before a name reaches the database (a NUL or an over-long name made PostgreSQL fail
with a 500) or a client (".." or "/" in an href points somewhere else)."""

from __future__ import annotations

import re

MAX_NAME = 255  # bytes of UTF-8; the column holds 300 characters
MAX_ID = 2**31 - 1  # the largest id the database stores
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def segment_problem(segment: str) -> str | None:
    """Why a path segment is refused (German), or None."""
    if _CONTROL.search(segment):
        return "Die Adresse enthält Steuerzeichen."
    if len(segment.encode("utf-8", "surrogatepass")) > MAX_NAME:
        return f"Ein Name in der Adresse ist zu lang (höchstens {MAX_NAME} Bytes)."
    return None


def object_name_problem(name: str) -> str | None:
    """Why an event's name is refused: besides segment_problem, "." and ".." and a "/" (which
    a client could only have sent encoded twice)."""
    if name in (".", "..") or "/" in name:
        return "Dieser Name ist für einen Kalendereintrag nicht möglich (z. B. „termin.ics“ verwenden)."
    return segment_problem(name)


def numeric_id(text: str) -> int | None:
    """A room number from a path: None unless plain ASCII digits within the database's range."""
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def default_slug(partner_id: int) -> str:
    """The URL segment of the calendar a partner gets on its first visit (and in the demo)."""
    return f"partner-{partner_id}-angebote"
