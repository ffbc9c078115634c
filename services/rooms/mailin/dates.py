"""The dates an invitation asks for, and single occurrences merged into the whole invitation.

Dates come from now on, at most HORIZON ahead and at most MAX_DATES of them, expanded with
recurring-ical-events (EXDATEs and moved occurrences included). A rule that would make a room
calendar count seconds or minutes, or repeat without moving on, is refused before expanding.

Outlook sends a change of one occurrence as a REQUEST carrying only that occurrence (with its
RECURRENCE-ID), and the removal of one as a CANCEL of it: both are applied to the last whole
invitation kept for the event, which is then expanded as a whole again."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo
from itertools import islice

import recurring_ical_events
from icalendar import Calendar, Component

from services.rooms.mailin.errors import Refused
from services.rooms.mailin.ical import key_of

HORIZON = timedelta(days=365)
MAX_DATES = 500
OLDEST = timedelta(days=20 * 366)  # a series that began longer ago: expanding to today costs too much
REFUSED_FREQUENCIES = ("SECONDLY", "MINUTELY", "HOURLY")


def _calendar(text: str) -> Calendar:
    try:
        return Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise Refused("unreadable", type(exc).__name__) from None


def _check_rules(calendar: Calendar, now: datetime, tz: tzinfo) -> None:
    for event in calendar.walk("VEVENT"):
        rules = event.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules else []:
            if str((rule.get("FREQ") or [""])[0]).upper() in REFUSED_FREQUENCIES:
                raise Refused("recurrence", "frequency")
            if any(int(i) < 1 for i in rule.get("INTERVAL") or [1]):
                raise Refused("recurrence", "interval")
            start = event.decoded("DTSTART")
            if _moment(start, tz) < now - OLDEST:
                raise Refused("recurrence", "too old")


def _moment(value: date | datetime, tz: tzinfo) -> datetime:
    """A DTSTART/DTEND as an aware UTC moment: a floating time is local, a whole day its midnight."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0), tzinfo=tz)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(timezone.utc)


def _repeats(calendar: Calendar) -> bool:
    return any("RRULE" in e or "RDATE" in e or "RECURRENCE-ID" in e for e in calendar.walk("VEVENT"))


def dates_of(text: str, now: datetime, tz: tzinfo) -> list[dict]:
    """[{key, starts_at, ends_at}] of the invitation `text` from `now` on (see the module)."""
    calendar = _calendar(text)
    _check_rules(calendar, now, tz)
    repeats = _repeats(calendar)
    until = now + HORIZON
    dates: list[dict] = []
    seen: set[str] = set()
    try:
        occurrences = recurring_ical_events.of(calendar, components=["VEVENT"]).after(now)
        for event in islice(occurrences, 4 * MAX_DATES):  # cancelled and past ones are skipped below
            starts_at, ends_at = _moment(event.decoded("DTSTART"), tz), _end(event, tz)
            if starts_at > until or len(dates) >= MAX_DATES:
                break
            if starts_at <= now or str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            key = key_of(event.decoded("RECURRENCE-ID"), tz) if repeats and "RECURRENCE-ID" in event else ""
            if key in seen:
                continue
            seen.add(key)
            dates.append({"key": key, "starts_at": starts_at, "ends_at": ends_at})
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise Refused("unreadable", type(exc).__name__) from None
    return dates


def _end(event: Component, tz: tzinfo) -> datetime:
    if "DTEND" in event:
        return _moment(event.decoded("DTEND"), tz)
    start = event.decoded("DTSTART")
    if "DURATION" in event:
        return _moment(start, tz) + event.decoded("DURATION")
    return _moment(start, tz) + (timedelta(days=1) if not isinstance(start, datetime) else timedelta(0))


def _keyed(event: Component, tz: tzinfo) -> str | None:
    return key_of(event.decoded("RECURRENCE-ID"), tz) if "RECURRENCE-ID" in event else None


def merge(whole: str, single: str, tz: tzinfo) -> str:
    """The whole invitation `whole` with the occurrences of `single` put in (each replacing
    the one with its RECURRENCE-ID), and the time zones `single` brings that it lacks."""
    kept, new = _calendar(whole), _calendar(single)
    replaced = {_keyed(e, tz) for e in new.walk("VEVENT")} - {None}
    merged = Calendar()
    for name, value in kept.items():
        merged[name] = value
    zones = {str(z.get("TZID")) for z in kept.walk("VTIMEZONE")}
    for component in kept.subcomponents:
        if component.name == "VEVENT" and _keyed(component, tz) in replaced:
            continue
        merged.add_component(component)
    for component in new.subcomponents:
        if component.name == "VTIMEZONE" and str(component.get("TZID")) in zones:
            continue
        merged.add_component(component)
    return merged.to_ical().decode("utf-8")


def without(whole: str, keys: tuple[str, ...], tz: tzinfo) -> str:
    """The whole invitation with the occurrences `keys` cancelled (their own VEVENTs dropped,
    an EXDATE each in the series)."""
    calendar = _calendar(whole)
    for event in list(calendar.walk("VEVENT")):
        if (_keyed(event, tz) or "") in keys:
            calendar.subcomponents.remove(event)
    masters = [e for e in calendar.walk("VEVENT") if "RECURRENCE-ID" not in e]
    for master in masters:
        for key in keys:
            master.add("EXDATE", _from_key(key))
    return calendar.to_ical().decode("utf-8")


def _from_key(key: str) -> date | datetime:
    if key.endswith("Z"):
        return datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    return datetime.strptime(key, "%Y%m%d").date()
