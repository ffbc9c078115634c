"""What free text people type (titles, names, comments, reasons, labels, searches) may contain.
Pure: no Flask, no database; every service's forms, API schemas and domain checks call this one.

Control characters have no business in a title: PostgreSQL refuses NUL outright, iCalendar
(RFC 5545) and XML cannot carry the others, so a stored one breaks the calendar worker and every
feed that shows the booking; lone surrogates cannot even be encoded."""

from __future__ import annotations

import re

# Unicode's Cc (C0, DEL, C1), lone surrogates, and the two non-characters XML forbids
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_SINGLE_LINE = re.compile(f"[{_CONTROL}\t\n\r]")
_MULTI_LINE = re.compile(f"[{_CONTROL}]")  # comments and descriptions keep line breaks and tabs


def text_problem(value: str, max_length: int, multiline: bool = False) -> str | None:
    """A problem code for the text ("text_control", "text_too_long"), or None when it may be stored."""
    if (_MULTI_LINE if multiline else _SINGLE_LINE).search(value):
        return "text_control"
    if len(value) > max_length:
        return "text_too_long"
    return None


def has_control_characters(value: str, multiline: bool = False) -> bool:
    return bool((_MULTI_LINE if multiline else _SINGLE_LINE).search(value))
