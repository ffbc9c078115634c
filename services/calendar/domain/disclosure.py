"""What of a stored event leaves the server: the busy view other partners get of a private
event, and the public view the feeds carry. Both are ALLOW-lists over the stored text, so a
property a client adds tomorrow (ATTENDEE, CONTACT, X-…) never leaks by default.

Works on content lines (no full parse: a 10,000-event feed stays fast); icalendar reads and
writes parameters. Top-level components are judged one by one: an override is hidden when it
or its master is not PUBLIC (clients copy CLASS into overrides, but not always)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from icalendar import vText
from icalendar.parser import Contentline, Parameters

from services.calendar.domain.calendar_data import COMPONENTS
from services.calendar.domain.expand import _logical_lines
from services.calendar.domain.vocabulary import (
    ACCESSIBILITY_PROPERTY,
    AUDIENCE_PROPERTY,
    COST_PROPERTY,
    DISTRICT_PROPERTY,
    EASY_LANGUAGE_PROPERTY,
)

TIMES = {
    b"UID",
    b"DTSTAMP",
    b"DTSTART",
    b"DTEND",
    b"DURATION",
    b"RRULE",
    b"RDATE",
    b"EXDATE",
    b"RECURRENCE-ID",
    b"SEQUENCE",
    b"STATUS",
    b"TRANSP",
    b"CLASS",
    b"CREATED",
    b"LAST-MODIFIED",
}
BUSY = TIMES  # plus a SUMMARY that says only "busy"
# what an offering tells the public; RFC 7986's COLOR and IMAGE, and a changed date's COMMENT
# (its public reason), included
FACETS = (AUDIENCE_PROPERTY, ACCESSIBILITY_PROPERTY, COST_PROPERTY, EASY_LANGUAGE_PROPERTY, DISTRICT_PROPERTY)
PUBLIC = TIMES | {
    b"SUMMARY",
    b"DESCRIPTION",
    b"LOCATION",
    b"GEO",
    b"CATEGORIES",
    b"URL",
    b"COLOR",
    b"IMAGE",
    b"COMMENT",
    *(name.encode() for name in FACETS),
}
PARAMETERS = {"TZID", "VALUE", "RANGE"}
ITEMS = {c.encode() for c in COMPONENTS}
CLASS_LINE = re.compile(rb"^CLASS[;:]([^\r\n]*)", re.M | re.I)
Hidden = Callable[[str], bool]  # CLASS value -> shown only as busy?


def has_hidden(data: bytes, hidden: Hidden) -> bool:
    """Quick test on the text: could any component of `data` be hidden? (No CLASS: PUBLIC.)"""
    return any(hidden(_class_value(m[1])) for m in CLASS_LINE.finditer(data))


def busy_view(data: bytes, hidden: Hidden, summary: str) -> bytes:
    """`data` with every hidden component reduced to its times and `summary`."""
    blocks = _blocks(data)
    master = _master_class(blocks)
    out = []
    for block in blocks:
        if block.kind in ITEMS and (hidden(block.event_class) or hidden(master)):
            out += _busy(block, summary)
        else:
            out.append(block.text)
    return b"".join(out)


def public_view(data: bytes, busy_summary: str | None = None) -> bytes | None:
    """The feed's copy of `data`: public components through the PUBLIC allow-list; others as
    busy time when `busy_summary` is given (a room's feed), else left out. A left-out override
    becomes an EXDATE of its master, so that the date is not shown as the regular one. None
    when nothing is public (or a private override reaches into the future: RANGE)."""
    blocks = _blocks(data)
    master = _master_class(blocks)
    out, exdates, master_end = [], [], None
    for block in blocks:
        if block.kind not in ITEMS:
            out.append(block.text)
            continue
        rid = block.own.get(b"RECURRENCE-ID")
        if block.event_class == "PUBLIC" and master == "PUBLIC":
            out += _allowed(block, PUBLIC)
        elif busy_summary is not None:
            out += _busy(block, busy_summary)
        elif rid is None or b"RANGE=" in rid.upper():
            return None  # the master itself, or all later dates, are private
        else:
            exdates.append(_without_parameters(b"EXDATE" + rid[len(b"RECURRENCE-ID") :]))
            continue
        if rid is None and master_end is None:
            master_end = len(out) - 1  # its END line
    if exdates and master_end is not None:
        out[master_end:master_end] = exdates
    return b"".join(out)


@dataclass
class _Block:
    """One top-level component (or the VCALENDAR's own lines: kind b""), as text; an event's
    lines are split (each property unfolded onto one line) only when asked for."""

    kind: bytes
    text: bytes
    _lines: list[bytes] | None = field(default=None, repr=False)
    _own: dict[bytes, bytes] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[bytes]:
        if self._lines is None:
            self._lines = [
                line.replace(b"\r\n ", b"").replace(b"\r\n\t", b"") if b"\r\n " in line or b"\r\n\t" in line else line
                for line in _logical_lines(self.text)
            ]
        return self._lines

    @property
    def own(self) -> dict[bytes, bytes]:
        """The first line of each of the component's own properties (not a VALARM's)."""
        if self._own is None:
            self._own, depth = {}, 0
            for line in self.lines:
                head = line[:6].upper()
                if head == b"BEGIN:":
                    depth += 1
                elif head[:4] == b"END:":
                    depth -= 1
                elif depth == 1:
                    self._own.setdefault(_name(line), line)
        return self._own

    @property
    def event_class(self) -> str:
        line = self.own.get(b"CLASS")
        return "PUBLIC" if line is None else _class_value(line[len(b"CLASS") :])


MARK = re.compile(rb"^(BEGIN|END):([A-Za-z0-9-]+)[ \t]*(?:\r\n|\Z)", re.M | re.I)


def _blocks(data: bytes) -> list[_Block]:
    """The top-level components found by their BEGIN/END lines (a regular expression, so a
    VTIMEZONE's many lines cost nothing), with CRLF line ends throughout."""
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    blocks, depth, at, kind = [], 0, 0, b""
    for mark in MARK.finditer(data):
        if mark[1].upper() == b"BEGIN":
            depth += 1
            if depth == 2:
                blocks.append(_Block(b"", data[at : mark.start()]))
                at, kind = mark.start(), mark[2].upper()
        else:
            depth -= 1
            if depth == 1:
                blocks.append(_Block(kind, data[at : mark.end()]))
                at = mark.end()
    blocks.append(_Block(b"", data[at:]))
    return [b for b in blocks if b.text]


def _master_class(blocks: list[_Block]) -> str:
    return next((b.event_class for b in blocks if b.kind in ITEMS and b"RECURRENCE-ID" not in b.own), "PUBLIC")


def _name(line: bytes) -> bytes:
    end = len(line)
    for sep in (b";", b":"):
        at = line.find(sep, 0, end)
        if at >= 0:
            end = at
    return line[:end].upper()


def _class_value(raw: bytes) -> str:
    return raw.split(b":")[-1].strip().decode("utf-8", "replace").upper() or "PUBLIC"


def _busy(block: _Block, summary: str) -> list[bytes]:
    kept = _allowed(block, BUSY)
    return kept[:-1] + [_line("SUMMARY:" + vText(summary).to_ical().decode())] + kept[-1:]


def _allowed(block: _Block, names: set[bytes]) -> list[bytes]:
    """BEGIN/END of the component, and its own properties in `names` with only PARAMETERS;
    sub-components (VALARM: someone's reminders) are dropped."""
    kept, depth = [], 0
    for line in block.lines:
        name = _name(line)
        if name == b"BEGIN":
            depth += 1
            if depth == 1:
                kept.append(line)
        elif name == b"END":
            depth -= 1
            if depth == 0:
                kept.append(line)
        elif depth == 1 and name in names:
            kept.append(_without_parameters(line))
    return kept


PARAMETER = re.compile(rb';([A-Za-z0-9-]+)=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*')


def _without_parameters(line: bytes) -> bytes:
    """The line with only the PARAMETERS (TZID, VALUE, RANGE) kept."""
    name = _name(line)
    if line[len(name) : len(name) + 1] != b";":
        return line
    if all(m[1].upper().decode() in PARAMETERS for m in _parameters(line, len(name))):
        return line  # the common case (TZID, VALUE): the line as stored
    text = line.decode("utf-8").rstrip("\r\n")
    _n, params, _value = Contentline(text).parts()
    kept = Parameters({k: v for k, v in params.items() if k.upper() in PARAMETERS})
    raw_value = text[_value_start(text) + 1 :]
    head = name.decode() + (";" + kept.to_ical().decode() if kept else "")
    return _line(f"{head}:{raw_value}")


def _parameters(line: bytes, at: int) -> Iterator[re.Match[bytes] | tuple[None, bytes]]:
    """The parameters of a content line from `at` on (an unreadable rest yields a non-name,
    so the line goes through icalendar's parser)."""
    while line[at : at + 1] == b";":
        match = PARAMETER.match(line, at)
        if match is None:
            yield (None, b"?")
            return
        yield match
        at = match.end()


def _line(text: str) -> bytes:
    """One content line, folded as RFC 5545 asks."""
    folded: bytes = Contentline(text).to_ical()
    return folded + b"\r\n"


def _value_start(text: str) -> int:
    """Index of the colon that ends name and parameters (colons inside quotes do not)."""
    quoted = False
    for at, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return at
    return len(text)
