"""What a stored event's times must satisfy, checked at PUT before anything expands them:
readable values (icalendar only complains when one is used: a 500 later), known time zones,
an end not before the start, every date inside [MIN_DATE_TIME, MAX_DATE_TIME), sound rules and
at most MAX_INSTANCES instances (RFC 4791 §5.3.2.1 min-date-time, max-date-time, max-instances)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from icalendar import Calendar, Component, vRecur

from services.calendar.domain import recurrence
from services.calendar.domain.calendar_data import (
    COMPONENTS,
    LOCAL,
    AfterMaxDateTime,
    BeforeMinDateTime,
    InvalidCalendarData,
    prop,
)
from services.calendar.domain.limits import MAX_DATE_TIME, MIN_DATE_TIME

SINGLE = ("DTSTART", "DTEND", "DUE", "RECURRENCE-ID")
LISTS = ("RDATE", "EXDATE")


def check_times(calendar: Calendar) -> None:
    """Raises InvalidCalendarData (or its min/max-date-time, max-instances kinds)."""
    for component in calendar.subcomponents:
        if component.name not in COMPONENTS:
            continue
        if "EXRULE" in component:
            raise InvalidCalendarData(
                "EXRULE ist veraltet (RFC 5545) und wird nicht unterstützt; bitte EXDATE verwenden."
            )
        values = _values(component)
        for name, value in values:
            _check_known_zone(component, name, value)
            _check_span(name, value)
        _check_end(component)
        start = prop(component, "DTSTART").dt if "DTSTART" in component else None
        for rule in _rules(component):
            if start is None:
                raise InvalidCalendarData("Eine Wiederholungsregel braucht einen Beginn (DTSTART).")
            problem = recurrence.rule_problem(rule, start)
            if problem:
                raise InvalidCalendarData(problem)
            if "UNTIL" in rule and rule["UNTIL"][0].year < MIN_DATE_TIME.year:
                raise BeforeMinDateTime(f"UNTIL liegt vor {MIN_DATE_TIME.year}.")
    recurrence.check_instances(calendar)


def _values(component: Component) -> list[tuple[str, date | datetime]]:
    """(property, value) for every date of `component`; an unreadable one is refused by name."""
    out: list[tuple[str, date | datetime]] = []
    for name in SINGLE + LISTS:
        if name not in component:
            continue
        try:
            found = prop(component, name)
            props = found if isinstance(found, list) else [found]
            if name in SINGLE and len(props) > 1:  # RFC 5545: at most once (icalendar's corpus has one twice)
                raise InvalidCalendarData(f"{name} kommt in einem Eintrag mehrfach vor; erlaubt ist es nur einmal.")
            for value in props:
                if name in SINGLE:
                    out.append((name, value.dt))
                    continue
                for period in value.dts:
                    dt = period.dt
                    out += [(name, v) for v in (dt if isinstance(dt, tuple) else (dt,)) if not isinstance(v, timedelta)]
        except InvalidCalendarData:
            raise
        except Exception:  # icalendar raises its own errors on a broken value
            raise InvalidCalendarData(f"{name} ist kein gültiges Datum oder keine gültige Zeit.") from None
    for name, value in out:
        if not isinstance(value, (date, datetime)):
            raise InvalidCalendarData(f"{name} ist kein gültiges Datum oder keine gültige Zeit.")
    if "DURATION" in component:
        try:
            duration = prop(component, "DURATION").dt
        except Exception:
            duration = None
        if not isinstance(duration, timedelta) or duration < timedelta(0):
            raise InvalidCalendarData("DURATION ist keine gültige (positive) Dauer.")
    return out


def _rules(component: Component) -> list[vRecur]:
    try:
        return recurrence.rules(component)
    except Exception:
        raise InvalidCalendarData("Die Wiederholungsregel (RRULE) ist fehlerhaft.") from None


def _check_known_zone(component: Component, name: str, value: date | datetime) -> None:
    """icalendar leaves a time whose TZID it cannot resolve (no VTIMEZONE, no IANA zone)
    without zone: it would silently become local time."""
    found = prop(component, name)
    props = found if isinstance(found, list) else [found]
    for one in props:
        tzid = one.params.get("TZID")
        if tzid and isinstance(value, datetime) and value.tzinfo is None:
            raise InvalidCalendarData(
                f"Unbekannte Zeitzone {tzid!r} in {name}: bitte eine VTIMEZONE "
                "mitschicken oder eine IANA-Zeitzone (z. B. Europe/Berlin) verwenden."
            )


def _check_span(name: str, value: date | datetime) -> None:
    """By year: exact enough, and a time in the year 1 cannot even be moved to UTC."""
    if value.year < MIN_DATE_TIME.year:
        raise BeforeMinDateTime(f"{name} liegt vor dem {MIN_DATE_TIME:%d.%m.%Y}; früher nimmt der Kalender nichts an.")
    if value.year >= MAX_DATE_TIME.year:
        raise AfterMaxDateTime(
            f"{name} liegt nach dem 31.12.{MAX_DATE_TIME.year - 1}; später nimmt der Kalender nichts an."
        )


def _check_end(component: Component) -> None:
    if "DTEND" in component and "DURATION" in component:
        raise InvalidCalendarData("DTEND und DURATION dürfen nicht zusammen vorkommen.")
    if "DTSTART" not in component or "DTEND" not in component:
        return
    start, end = prop(component, "DTSTART").dt, prop(component, "DTEND").dt
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise InvalidCalendarData("DTSTART und DTEND müssen beide Datum oder beide Datum mit Zeit sein.")
    if _utc(end) < _utc(start):
        raise InvalidCalendarData("DTEND liegt vor DTSTART.")


def _utc(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    return value if value.tzinfo else value.replace(tzinfo=LOCAL)
