"""The iTIP object (RFC 5546) of an invitation mail, read with icalendar.

Time zones: Outlook names them the Windows way ("W. Europe Standard Time") and sends its own
VTIMEZONE, sometimes a hand-edited "Customized Time Zone". A known Windows name is replaced by its
IANA zone (CLDR's windowsZones, as icalendar ships it) before parsing, so the dates follow the
real rules; any other unknown TZID is renamed after the content of its VTIMEZONE. icalendar keeps
every VTIMEZONE it parses in a process-wide cache by TZID, the first one winning: without the
renaming, one sender's "Customized Time Zone" would shift the dates of every later mail."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from icalendar import Calendar, Component
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from services.rooms.mailin.errors import Refused

METHODS = ("REQUEST", "CANCEL")
MAX_EVENTS = 500  # VEVENTs in one object: a series with more exceptions is no meeting
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_TZID_PARAM = re.compile(r';TZID=("[^"]*"|[^;:]*)', re.IGNORECASE)


@dataclass(frozen=True)
class Itip:
    method: str
    uid: str
    sequence: int
    dtstamp: datetime
    organizer: str  # lower case address, "" if none
    summary: str
    description: str
    calendar: str  # the whole VCALENDAR, time zones made safe (what dates.py expands and merges)
    whole: bool  # carries the series (a VEVENT without RECURRENCE-ID), not only single occurrences
    keys: tuple[str, ...]  # the RECURRENCE-IDs of the occurrences it carries on their own

    @property
    def stamp(self) -> tuple[int, datetime]:
        """What orders two messages about the same event (RFC 5546 2.1.5): SEQUENCE, then DTSTAMP."""
        return (self.sequence, self.dtstamp)


def key_of(recurrence_id: date | datetime, tz: tzinfo) -> str:
    """An occurrence's key: its RECURRENCE-ID in UTC (20270111T090000Z); a floating time is
    local (`tz`), a whole day its date."""
    if not isinstance(recurrence_id, datetime):
        return recurrence_id.strftime("%Y%m%d")
    if recurrence_id.tzinfo is None:
        recurrence_id = recurrence_id.replace(tzinfo=tz)
    return recurrence_id.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _unfold(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"\n[ \t]", "", text).split("\n")


def _known(tzid: str) -> bool:
    try:
        ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return tzid in _iana()


_IANA: set[str] = set()


def _iana() -> set[str]:
    if not _IANA:
        _IANA.update(available_timezones())
    return _IANA


def _vtimezones(lines: list[str]) -> dict[str, str]:
    """TZID -> the text of its VTIMEZONE block."""
    blocks: dict[str, str] = {}
    current: list[str] | None = None
    tzid = ""
    for line in lines:
        upper = line.upper()
        if upper == "BEGIN:VTIMEZONE":
            current, tzid = [], ""
        if current is not None:
            current.append(line)
            if upper.startswith("TZID:") or upper.startswith("TZID;"):
                tzid = line.split(":", 1)[1]
            if upper == "END:VTIMEZONE":
                blocks[tzid] = "\n".join(current)
                current = None
    return blocks


def safe_zones(text: str) -> str:
    """`text` unfolded, each TZID replaced by an IANA name where one is known, else by a name
    that says its content (see the module's docstring)."""
    lines = _unfold(text)
    blocks = _vtimezones(lines)

    def renamed(tzid: str) -> str:
        bare = tzid.strip().strip('"').strip("/")
        if _known(bare):
            return bare
        if bare in WINDOWS_TO_OLSON:
            return WINDOWS_TO_OLSON[bare]
        digest = hashlib.sha256(blocks.get(tzid, bare).encode("utf-8")).hexdigest()[:16]
        return f"{bare[:60]} #{digest}"

    out = []
    for line in lines:
        upper = line.upper()
        if upper.startswith("TZID:") or upper.startswith("TZID;"):
            name, value = line.split(":", 1)
            out.append(f"{name}:{renamed(value)}")
            continue
        head, colon, value = _split_value(line)
        out.append(_TZID_PARAM.sub(lambda m: f';TZID="{renamed(m.group(1))}"', head) + colon + value)
    return "\r\n".join(out)


def _split_value(line: str) -> tuple[str, str, str]:
    """A content line as (name and parameters, ":", value): the first colon outside quotes."""
    quoted = False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:i], ":", line[i + 1 :]
    return line, "", ""


def _address(value: object) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


def _one_line(component: Component, name: str, limit: int) -> str:
    return " ".join(str(component.get(name, "")).split())[:limit]


def _text(component: Component, name: str, limit: int) -> str:
    return str(component.get(name, "")).strip()[:limit]


def parse(text: str, tz: tzinfo) -> Itip:
    """The iTIP object of `text`; Refused when it is none a room can answer."""
    safe = safe_zones(text)
    try:
        calendar = Calendar.from_ical(safe)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise Refused("unreadable", type(exc).__name__) from None
    method = str(calendar.get("METHOD", "")).strip().upper()
    if method not in METHODS:
        raise Refused("method", method[:20])
    events = calendar.walk("VEVENT")
    if not events:
        raise Refused("no_event")
    if len(events) > MAX_EVENTS:
        raise Refused("too_many", str(len(events)))
    uids = {str(e.get("UID", "")).strip() for e in events}
    if len(uids) != 1 or not next(iter(uids)) or len(next(iter(uids))) > 255:
        raise Refused("uid")
    masters = [e for e in events if "RECURRENCE-ID" not in e]
    if len(masters) > 1:
        raise Refused("uid", "several series")
    try:
        keys = tuple(key_of(e.decoded("RECURRENCE-ID"), tz) for e in events if "RECURRENCE-ID" in e)
        first = masters[0] if masters else events[0]
        sequence = max(int(e.get("SEQUENCE", 0)) for e in events)
        stamps = [e.decoded("DTSTAMP") for e in events if "DTSTAMP" in e]
    except (ValueError, TypeError, KeyError) as exc:
        raise Refused("unreadable", type(exc).__name__) from None
    dtstamp = max((_aware(s, tz) for s in stamps if isinstance(s, datetime)), default=EPOCH)
    return Itip(
        method=method,
        uid=next(iter(uids)),
        sequence=max(0, sequence),
        dtstamp=dtstamp,
        organizer=_address(first.get("ORGANIZER")),
        summary=_one_line(first, "SUMMARY", 200),
        description=_text(first, "DESCRIPTION", 2000),
        calendar=safe,
        whole=bool(masters),
        keys=keys,
    )


def _aware(moment: datetime, tz: tzinfo) -> datetime:
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(timezone.utc)
