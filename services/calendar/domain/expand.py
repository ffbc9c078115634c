"""calendar-data with `expand` (RFC 4791 §9.6.5) and free-busy (RFC 4791 §7.10).

Expanded instances carry RECURRENCE-ID and DTSTART/DTEND in UTC (DATE values stay dates),
without RRULE, RDATE, EXDATE and without VTIMEZONE. Each source component (master or
override) is serialised once into a body; an instance is its three time lines plus that body."""
from __future__ import annotations

from datetime import date, datetime, timezone

from icalendar import Calendar

from services.calendar.domain.ical import LOCAL
from services.calendar.domain.timeindex import BUSY, FREE, TENTATIVE, Instance, epoch

PRODID = "-//Treffpunkt Jena//Kalender//DE"
TIME_PROPERTIES = {"DTSTART", "DTEND", "DURATION", "DUE", "RRULE", "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID"}


def bodies(calendar: Calendar) -> dict[int, bytes]:
    """Position in calendar.subcomponents → the component's lines without its times."""
    out = {}
    for n, component in enumerate(calendar.subcomponents):
        if component.name in ("VTIMEZONE",):
            continue
        copy = component.copy()
        for key in TIME_PROPERTIES:
            copy.pop(key, None)
        for sub in component.subcomponents:
            copy.add_component(sub)
        lines = copy.to_ical().split(b"\r\n")
        out[n] = b"\r\n".join(lines[1:-2]) + b"\r\n"  # without BEGIN/END and the final break
    return out


def _utc(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _day(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, LOCAL).strftime("%Y%m%d")


def _recurrence_id(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return f"RECURRENCE-ID:{_utc(epoch(value))}"
    return f"RECURRENCE-ID;VALUE=DATE:{value.strftime('%Y%m%d')}"


def instance_text(name: str, instance: Instance, body: bytes) -> bytes:
    if instance.all_day:
        times = [f"DTSTART;VALUE=DATE:{_day(instance.start)}", f"DTEND;VALUE=DATE:{_day(instance.end)}"]
    else:
        times = [f"DTSTART:{_utc(instance.start)}"]
        if instance.end != instance.start:
            times.append(f"{'DUE' if name == 'VTODO' else 'DTEND'}:{_utc(instance.end)}")
    if instance.recurrence_id is not None:
        times.append(_recurrence_id(instance.recurrence_id))
    head = f"BEGIN:{name}\r\n" + "\r\n".join(times) + "\r\n"
    return head.encode() + body + f"END:{name}\r\n".encode()


def expanded(name: str, instances: list[Instance], body_of: dict[int, bytes]) -> bytes:
    """One VCALENDAR with the given instances, each in UTC."""
    parts = [b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" + PRODID.encode() + b"\r\n"]
    parts += [instance_text(name, i, body_of[i.source]) for i in instances]
    parts.append(b"END:VCALENDAR\r\n")
    return b"".join(parts)


# --- free-busy -----------------------------------------------------------------------------
def busy_periods(instances, start: int, end: int) -> list[tuple[int, int, int]]:
    """(start, end, type) clipped to [start, end), merged per type; free instances dropped."""
    by_type: dict[int, list[tuple[int, int]]] = {BUSY: [], TENTATIVE: []}
    for i in instances:
        if i.busy != FREE and i.end > i.start:
            by_type[i.busy].append((max(i.start, start), min(i.end, end)))
    merged = []
    for kind, periods in by_type.items():
        periods.sort()
        for s, e in periods:
            if merged and merged[-1][2] == kind and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e), kind)
            else:
                merged.append((s, e, kind))
    return sorted(merged)


def freebusy_calendar(periods, start: int, end: int, now: datetime) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "BEGIN:VFREEBUSY",
             f"DTSTAMP:{now.astimezone(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}",
             f"DTSTART:{_utc(start)}", f"DTEND:{_utc(end)}"]
    for s, e, kind in periods:
        fbtype = "BUSY" if kind == BUSY else "BUSY-TENTATIVE"
        lines.append(f"FREEBUSY;FBTYPE={fbtype}:{_utc(s)}/{_utc(e)}")
    lines += ["END:VFREEBUSY", "END:VCALENDAR", ""]
    return "\r\n".join(lines).encode()

