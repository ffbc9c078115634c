"""calendar-data with `expand` (RFC 4791 §9.6.5) and free-busy (RFC 4791 §7.10).

Expanded instances carry RECURRENCE-ID and DTSTART/DTEND in UTC (DATE values stay dates),
without RRULE, RDATE, EXDATE and without VTIMEZONE. Each source component (master or
override) is serialised once into a body; an instance is its three time lines plus that body."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timezone
from functools import lru_cache

from services.calendar.domain.calendar_data import LOCAL
from services.calendar.domain.timeindex import BUSY, FREE, TENTATIVE, Instance, epoch

PRODID = "-//Treffpunkt Jena//Kalender//DE"
TIME_PROPERTIES = {"DTSTART", "DTEND", "DURATION", "DUE", "RRULE", "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID"}


def bodies(data: bytes) -> dict[int, bytes]:
    """Position in calendar.subcomponents → that component's content lines as stored, without
    its time properties (sub-components such as VALARM stay whole). Read from the text, not
    from a parsed calendar: cheaper, and the client's own lines come back unchanged."""
    out: dict[int, bytes] = {}
    position, depth = -1, 0
    current: list[bytes] | None = None
    for line in _logical_lines(data):
        upper = line[:40].upper()
        if upper.startswith(b"BEGIN:"):
            depth += 1
            if depth == 2:
                position += 1
                current = [] if upper.rstrip() != b"BEGIN:VTIMEZONE" else None
                continue
        elif upper.startswith(b"END:"):
            depth -= 1
            if depth == 1:
                if current is not None:
                    out[position] = b"".join(current)
                current = None
                continue
        if current is not None and (depth > 2 or _name(upper) not in TIME_NAMES):
            current.append(line)
    return out


TIME_NAMES = {n.encode() for n in TIME_PROPERTIES}


def _name(line: bytes) -> bytes:
    end = len(line)
    for sep in (b";", b":"):
        at = line.find(sep)
        if 0 <= at < end:
            end = at
    return line[:end]


def _logical_lines(data: bytes) -> Iterator[bytes]:
    """Content lines with their folded continuations (each ending in CRLF)."""
    current = b""
    for raw in data.replace(b"\r\n", b"\n").split(b"\n"):
        if raw[:1] in (b" ", b"\t") and current:
            current += raw + b"\r\n"
            continue
        if current:
            yield current
        current = raw + b"\r\n" if raw else b""
    if current:
        yield current


def _utc(seconds: int) -> str:
    return "%04d%02d%02dT%02d%02d%02dZ" % time.gmtime(seconds)[:6]  # noqa: UP031 - one tuple, six fields


def _day(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, LOCAL).strftime("%Y%m%d")


def _recurrence_id(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return f"RECURRENCE-ID:{_utc(epoch(value))}"
    return f"RECURRENCE-ID;VALUE=DATE:{value.strftime('%Y%m%d')}"


def instance_text(name: str, instance: Instance, body: bytes) -> bytes:
    return _head(name, instance) + body + f"END:{name}\r\n".encode()


@lru_cache(maxsize=200_000)  # instances repeat across queries; formatting times dominates expand
def _head(name: str, instance: Instance) -> bytes:
    if instance.all_day:
        times = [f"DTSTART;VALUE=DATE:{_day(instance.start)}", f"DTEND;VALUE=DATE:{_day(instance.end)}"]
    else:
        times = [f"DTSTART:{_utc(instance.start)}"]
        if instance.end != instance.start:
            times.append(f"{'DUE' if name == 'VTODO' else 'DTEND'}:{_utc(instance.end)}")
    if instance.recurrence_id is not None:
        times.append(_recurrence_id(instance.recurrence_id))
    return (f"BEGIN:{name}\r\n" + "\r\n".join(times) + "\r\n").encode()


def expanded(name: str, instances: list[Instance], body_of: dict[int, bytes]) -> bytes:
    """One VCALENDAR with the given instances, each in UTC."""
    parts = [b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" + PRODID.encode() + b"\r\n"]
    parts += [instance_text(name, i, body_of[i.source]) for i in instances]
    parts.append(b"END:VCALENDAR\r\n")
    return b"".join(parts)


# --- free-busy -----------------------------------------------------------------------------
UNAVAILABLE = 3  # a room's buffer, closed hours or closure (domain/room_availability.py)
FBTYPES = {BUSY: "BUSY", TENTATIVE: "BUSY-TENTATIVE", UNAVAILABLE: "BUSY-UNAVAILABLE"}  # RFC 5545 §3.2.9


def busy_periods(instances: Iterable[Instance], start: int, end: int) -> list[tuple[int, int, int]]:
    """(start, end, type) clipped to [start, end), merged per type; free instances dropped."""
    by_type: dict[int, list[tuple[int, int]]] = {BUSY: [], TENTATIVE: []}
    for i in instances:
        if i.busy != FREE and i.end > i.start:
            by_type[i.busy].append((max(i.start, start), min(i.end, end)))
    merged: list[tuple[int, int, int]] = []
    for kind, periods in by_type.items():
        periods.sort()
        for s, e in periods:
            if merged and merged[-1][2] == kind and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e), kind)
            else:
                merged.append((s, e, kind))
    return sorted(merged)


def freebusy_calendar(
    periods: Iterable[tuple[int, int, int]],
    start: int,
    end: int,
    now: datetime,
    method: str = "",
    fields: Sequence[str] = (),
) -> bytes:
    """A VFREEBUSY; `method` and `fields` (content lines such as UID, ORGANIZER, ATTENDEE) make
    it an iTIP REPLY (RFC 5546 §3.3.2)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}"]
    lines += [f"METHOD:{method}"] if method else []
    lines += [
        "BEGIN:VFREEBUSY",
        f"DTSTAMP:{now.astimezone(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}",
        *fields,
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
    ]
    for s, e, kind in periods:
        fbtype = FBTYPES.get(kind, "BUSY-TENTATIVE")
        lines.append(f"FREEBUSY;FBTYPE={fbtype}:{_utc(s)}/{_utc(e)}")
    lines += ["END:VFREEBUSY", "END:VCALENDAR", ""]
    return "\r\n".join(lines).encode()
