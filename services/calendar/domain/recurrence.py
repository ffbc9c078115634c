"""Recurrence rules on the way in, and the ONE bounded expansion every reader goes through.

Why both: dateutil (under recurring-ical-events) loops for ever on INTERVAL=0, runs on to the
year 9999 without yielding for a rule that can never match (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30:
seconds per call), and always iterates from DTSTART, so a dense series makes every later query
pay for all instances before the range asked. Hence:

- `rule_problem` checks a rule before anything expands it: RFC 5545 §3.3.10 (known FREQ and
  parts, value ranges, parts only where RFC 5545 allows them, INTERVAL >= 1, COUNT >= 1), our
  policy (no SECONDLY, INTERVAL <= MAX_INTERVAL, BYSETPOS only per week, month or year) and a
  rule that matches at least once in 400 years;
- `instance_bound` estimates (from above) the instances of a resource before a time, so PUT can
  refuse more than MAX_INSTANCES (exactly counted only when the estimate is too high);
- `between` is the only expansion: the range clipped to [MIN_DATE_TIME, MAX_DATE_TIME), broken
  rules left out, every rule capped at MAX_INSTANCES instances. Rules stored before these checks
  existed are so "stored but never expanded past the cap".

MINUTELY and HOURLY are accepted when they stay under MAX_INSTANCES (KOrganizer offers them,
e.g. "every 15 minutes, 8 times"); an open-ended one cannot and is refused with max-instances,
which Thunderbird and Apple Calendar (they never create such rules) show as a failed upload."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timezone, tzinfo
from functools import lru_cache
from itertools import islice
from typing import Any

import recurring_ical_events
from dateutil.rrule import rrule, rruleset, rrulestr
from icalendar import Calendar, Component, vRecur

from services.calendar.domain.calendar_data import COMPONENTS, LOCAL, TooManyInstances, prop
from services.calendar.domain.limits import MAX_DATE_TIME, MAX_INSTANCES, MAX_INTERVAL, MAX_REPORT_WORK, MIN_DATE_TIME

FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# part: (lowest, highest, may be negative)
RANGES = {
    "BYSECOND": (0, 60, False),
    "BYMINUTE": (0, 59, False),
    "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (1, 366, True),
}
PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", *RANGES}
ONLY_WITH = {
    "BYWEEKNO": ("YEARLY",),
    "BYYEARDAY": ("YEARLY", "HOURLY", "MINUTELY", "SECONDLY"),
    "BYMONTHDAY": ("YEARLY", "MONTHLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"),
    "BYSETPOS": ("YEARLY", "MONTHLY", "WEEKLY"),
}
WEEKDAY = re.compile(r"([+-]?)(\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)\Z")
# the shortest a period can be, in seconds (periods between two dates: an upper estimate)
PERIOD = {
    "YEARLY": 365 * 86400,
    "MONTHLY": 28 * 86400,
    "WEEKLY": 7 * 86400,
    "DAILY": 86400,
    "HOURLY": 3600,
    "MINUTELY": 60,
    "SECONDLY": 1,
}
GREGORIAN_CYCLE = 400  # years after which the calendar (and weekdays) repeat exactly
# a capped rule may carry COUNT and UNTIL together (see _with_count); dateutil honours both
warnings.filterwarnings("ignore", message="Using both 'count' and 'until'", category=DeprecationWarning)


def rules(component: Component) -> list[vRecur]:
    value = component.get("RRULE")
    return [] if value is None else value if isinstance(value, list) else [value]


# --- on the way in ------------------------------------------------------------------------------
def rule_problem(rule: vRecur, start: date | datetime) -> str | None:
    """Why `rule` (starting at `start`) cannot be stored, in German; None when it can."""
    if not isinstance(rule, vRecur):  # what icalendar keeps of a rule it could not read
        return f"Die Wiederholungsregel (RRULE) ist fehlerhaft: {str(rule)[:80]!r}."
    try:
        return _syntax_problem(rule) or _never_matches(rule.to_ical(), _naive(start))
    except (TypeError, ValueError, AttributeError):
        return "Die Wiederholungsregel (RRULE) ist fehlerhaft."


def _syntax_problem(rule: vRecur) -> str | None:
    unknown = sorted(set(rule) - PARTS)
    if unknown:
        return f"Die Wiederholungsregel enthält den unbekannten Teil {unknown[0]}."
    freqs = [str(f).upper() for f in rule.get("FREQ", [])]
    if len(freqs) != 1 or freqs[0] not in FREQUENCIES:
        return f"FREQ muss eines von {', '.join(FREQUENCIES[:-1])} sein."
    freq = freqs[0]
    if freq == "SECONDLY":
        return "Wiederholungen im Sekundentakt (FREQ=SECONDLY) werden nicht angenommen."
    interval = _single_int(rule, "INTERVAL", 1)
    if not 1 <= interval <= MAX_INTERVAL:
        return f"INTERVAL muss zwischen 1 und {MAX_INTERVAL} liegen."
    if "COUNT" in rule and "UNTIL" in rule:
        return "COUNT und UNTIL dürfen nicht zusammen vorkommen."
    if "COUNT" in rule and _single_int(rule, "COUNT", 1) < 1:
        return "COUNT muss mindestens 1 sein."
    if "UNTIL" in rule and not isinstance(rule["UNTIL"][0], (date, datetime)):
        return "UNTIL ist kein Datum."
    for part, (low, high, signed) in RANGES.items():
        for value in rule.get(part, []):
            if not isinstance(value, int) or not (low <= value <= high or (signed and -high <= value <= -low)):
                return f"{part}={value} liegt außerhalb des erlaubten Bereichs."
        if part in rule and part in ONLY_WITH and freq not in ONLY_WITH[part]:
            return f"{part} ist bei FREQ={freq} nicht erlaubt."
    if "BYSETPOS" in rule and not set(rule) & (set(RANGES) - {"BYSETPOS"} | {"BYDAY"}):
        return "BYSETPOS braucht einen weiteren BY…-Teil."
    for day in rule.get("BYDAY", []):
        match = WEEKDAY.match(str(day).upper())
        if match is None:
            return f"BYDAY={day} ist kein Wochentag."
        if match[2] is not None and (
            freq not in ("MONTHLY", "YEARLY") or "BYWEEKNO" in rule or not 1 <= int(match[2]) <= 53
        ):
            return f"BYDAY={day}: eine Nummer vor dem Wochentag gibt es nur monatlich oder jährlich."
    if any(str(w).upper() not in WEEKDAYS for w in rule.get("WKST", [])):
        return "WKST muss ein Wochentag sein (MO … SU)."
    return None


def _single_int(rule: vRecur, part: str, default: int) -> int:
    values = rule.get(part, [default])
    if len(values) != 1 or not isinstance(values[0], int):
        raise ValueError(part)
    return int(values[0])


def _naive(value: date | datetime) -> datetime:
    """Wall-clock time of a start (as dateutil iterates it)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.combine(value, time())


def _dateutil_rule(text: bytes, start: datetime) -> rrule | rruleset:
    """The rule without COUNT/UNTIL, as dateutil iterates it from `start`."""
    parts = [p for p in text.decode().split(";") if p.split("=", 1)[0].upper() not in ("COUNT", "UNTIL")]
    return rrulestr(";".join(parts), dtstart=start)


@lru_cache(maxsize=4096)
def _never_matches(text: bytes, start: datetime) -> str | None:
    """dateutil stops only at the year 9999 when nothing matches. The calendar repeats every
    400 years (weekdays too), so the rule is tried from the same start moved to shortly before
    9999: it then ends after at most 400 years of periods (under a second for DAILY)."""
    shift = (9599 - start.year) // GREGORIAN_CYCLE * GREGORIAN_CYCLE
    try:
        first = next(iter(_dateutil_rule(text, start.replace(year=start.year + shift))), None)
    except (ValueError, TypeError, OverflowError):
        first = None  # e.g. "byxxx generates an empty set"
    return None if first is not None else "Die Wiederholungsregel ergibt nie einen Termin."


def instance_bound(component: Component, stop: datetime) -> int:
    """An upper estimate of the instances `component` has before `stop` (no expansion)."""
    start = prop(component, "DTSTART").dt
    total = len(_rdates(component)) + 1
    first = _utc(start)
    for rule in rules(component):
        freq = str(rule["FREQ"][0]).upper()
        end = min(stop, _utc(rule["UNTIL"][0])) if "UNTIL" in rule else stop
        interval = int(rule.get("INTERVAL", [1])[0])
        periods = max(0, int((end - first).total_seconds()) // (PERIOD[freq] * interval) + 1)
        count = periods * _per_period(rule, freq)
        total += min(count, int(rule["COUNT"][0])) if "COUNT" in rule else count
    return total


def _per_period(rule: vRecur, freq: str) -> int:
    """Instances one period can hold (RFC 5545's expand/limit table, from above)."""
    n = {part: len(rule.get(part, [])) for part in (*RANGES, "BYDAY")}
    plain_days = sum(1 for d in rule.get("BYDAY", []) if _weekday(d)[2] is None)
    dated_days = n["BYDAY"] - plain_days
    days = 1
    if freq == "YEARLY":
        months = n["BYMONTH"] or 12
        days = (
            n["BYYEARDAY"]
            or n["BYMONTHDAY"] * months
            or n["BYWEEKNO"] * 7
            or dated_days * (n["BYMONTH"] or 1) + plain_days * (5 * n["BYMONTH"] or 53)
            or n["BYMONTH"]
            or 1
        )
    elif freq == "MONTHLY":
        days = n["BYMONTHDAY"] or dated_days + plain_days * 5 or 1
    elif freq == "WEEKLY":
        days = n["BYDAY"] or 1
    times = {
        "YEARLY": ("BYHOUR", "BYMINUTE", "BYSECOND"),
        "MONTHLY": ("BYHOUR", "BYMINUTE", "BYSECOND"),
        "WEEKLY": ("BYHOUR", "BYMINUTE", "BYSECOND"),
        "DAILY": ("BYHOUR", "BYMINUTE", "BYSECOND"),
        "HOURLY": ("BYMINUTE", "BYSECOND"),
        "MINUTELY": ("BYSECOND",),
        "SECONDLY": (),
    }[freq]
    per_day = 1
    for part in times:
        per_day *= n[part] or 1
    total = days * per_day
    return min(total, n["BYSETPOS"]) if n["BYSETPOS"] else total


def _weekday(day: object) -> re.Match[str]:
    """A BYDAY value of a rule rule_problem let through."""
    match = WEEKDAY.match(str(day).upper())
    if match is None:
        raise ValueError(f"BYDAY={day}")
    return match


def count_instances(component: Component, stop: datetime, cap: int) -> int:
    """The instances of `component` before `stop`, counted up to just past `cap` (only for rules
    already checked by rule_problem, so that every iteration ends)."""
    start, zone = _naive(prop(component, "DTSTART").dt), _zone(component)
    total = len(_rdates(component)) + 1
    for rule in rules(component):
        last = _naive(stop.astimezone(zone))
        if "UNTIL" in rule:
            last = min(last, _naive(_utc(rule["UNTIL"][0]).astimezone(zone)))
        limit = min(int(rule["COUNT"][0]), cap + 1) if "COUNT" in rule else cap + 1
        total += sum(1 for _ in islice(_up_to(_dateutil_rule(rule.to_ical(), start), last), limit))
        if total > cap:
            break
    return total


def _up_to(values: Iterable[datetime], last: datetime) -> Iterator[datetime]:
    for value in values:
        if value > last:
            return
        yield value


def _zone(component: Component) -> tzinfo:
    value = prop(component, "DTSTART").dt
    return value.tzinfo if isinstance(value, datetime) and value.tzinfo else LOCAL


def _utc(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=LOCAL)).astimezone(timezone.utc)
    return datetime.combine(value, time(), LOCAL).astimezone(timezone.utc)


def _rdates(component: Component) -> list[Any]:
    values = component.get("RDATE", [])
    return [p for r in (values if isinstance(values, list) else [values]) for p in r.dts]


def check_instances(calendar: Calendar) -> None:
    """PUT: at most MAX_INSTANCES instances before MAX_DATE_TIME (RFC 4791 max-instances)."""
    items = [c for c in calendar.subcomponents if c.name in COMPONENTS and "DTSTART" in c]
    estimate = sum(instance_bound(c, MAX_DATE_TIME) for c in items)
    if estimate <= MAX_INSTANCES:
        return
    total = 0
    for c in items:
        total += count_instances(c, MAX_DATE_TIME, MAX_INSTANCES - total)
        if total > MAX_INSTANCES:
            raise TooManyInstances(
                f"Die Serie hat mehr als {MAX_INSTANCES:,} Termine bis "
                f"{MAX_DATE_TIME.year}; bitte mit COUNT oder UNTIL begrenzen.".replace(",", ".")
            )


# --- the one bounded expansion ------------------------------------------------------------------
class WorkLimitExceeded(Exception):
    """A report would expand more than its budget allows (German message)."""


@dataclass
class Budget:
    """The expansion work one request may cause (instances run through or sent)."""

    limit: int = MAX_REPORT_WORK
    used: int = 0

    def charge(self, amount: int) -> None:
        self.used += amount
        if self.used > self.limit:
            raise WorkLimitExceeded(
                f"Die Anfrage umfasst zu viele Termine (mehr als {self.limit:,}); bitte einen "
                "kürzeren Zeitraum oder weniger Kalenderdaten anfragen.".replace(",", ".")
            )


def between(
    calendar: Calendar, components: Iterable[str], start: datetime, end: datetime, budget: Budget | None = None
) -> tuple[Calendar, list[Any]]:
    """Occurrences (recurring-ical-events' own objects) of `components` overlapping roughly
    [start, end), with the calendar they were computed from (its subcomponents are those of
    `calendar`, in the same order, some with a safer rule). dateutil runs through every
    instance from DTSTART to `end`: that estimate is charged to `budget` first."""
    start, end = max(start, MIN_DATE_TIME), min(end, MAX_DATE_TIME)
    safe = bounded(calendar)
    if start >= end:
        return safe, []
    if budget is not None:
        budget.charge(instance_estimate(safe, end))
    query = recurring_ical_events.of(safe, components=list(components))
    # the library's occurrence objects carry their source component; building a component
    # per instance (its public API) costs twice as much and is not needed here
    return safe, query._occurrences_between(start.astimezone(LOCAL), end.astimezone(LOCAL))


def instance_estimate(calendar: Calendar, end: datetime) -> int:
    """instance_bound of every component of (an already bounded) `calendar`, each at most what
    its capped rules allow: what expanding it up to `end` runs through."""
    total = 0
    for component in calendar.subcomponents:
        if component.name in COMPONENTS and "DTSTART" in component:
            try:
                total += min(instance_bound(component, end), MAX_INSTANCES * max(1, len(rules(component))))
            except Exception:  # unreadable values stored before they were checked
                total += MAX_INSTANCES
    return total


def bounded(calendar: Calendar) -> Calendar:
    """`calendar` itself when every rule is sound and capped, else a copy in which a broken rule
    is left out and every other one ends after MAX_INSTANCES instances."""
    changes: dict[int, list[vRecur]] = {}
    safe: list[vRecur] | None
    for position, component in enumerate(calendar.subcomponents):
        if component.name not in COMPONENTS or "RRULE" not in component or "DTSTART" not in component:
            continue
        try:
            found = rules(component)
            start = prop(component, "DTSTART").dt
            kept = [r for r in found if rule_problem(r, start) is None]
            safe = [r if _capped(r, component) else _with_count(r) for r in kept]
        except Exception:  # a property icalendar cannot read: no rule at all
            safe = None
        if safe is None or safe != found:
            changes[position] = safe or []
    if not changes:
        return calendar
    copy = Calendar(calendar)
    copy.subcomponents = [
        _replace_rules(c, changes[n]) if n in changes else c for n, c in enumerate(calendar.subcomponents)
    ]
    return copy


def _capped(rule: vRecur, component: Component) -> bool:
    if "COUNT" in rule:
        return int(rule["COUNT"][0]) <= MAX_INSTANCES
    single = component.copy()
    single["RRULE"] = rule
    single.pop("RDATE", None)
    return instance_bound(single, MAX_DATE_TIME) <= MAX_INSTANCES


def _with_count(rule: vRecur) -> vRecur:
    """The rule ending after MAX_INSTANCES instances (an UNTIL stays: whichever comes first)."""
    capped = vRecur(rule)
    capped["COUNT"] = [min(int(rule.get("COUNT", [MAX_INSTANCES])[0]), MAX_INSTANCES)]
    return capped


def _replace_rules(component: Component, safe: list[vRecur]) -> Component:
    copy = component.copy()
    copy.subcomponents = component.subcomponents
    copy.pop("RRULE", None)
    if safe:
        copy["RRULE"] = safe if len(safe) > 1 else safe[0]
    return copy
