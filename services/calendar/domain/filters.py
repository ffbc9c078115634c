"""CalDAV calendar-query filters (RFC 4791 §9.7) as plain values, and matching them.

A component filter matches when its time range (if any) overlaps the resource's instances
(master and overrides together, from the TimeIndex) and at least one component of that name
satisfies all of its property and component filters. Text is compared by the collations of
RFC 4790 that CalDAV names, plus i;unicode-casemap (RFC 5051)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from icalendar import Calendar, Component

from services.calendar.domain import recurrence, todo_range
from services.calendar.domain.recurrence import Budget
from services.calendar.domain.timeindex import TimeIndex, epoch, overlaps

COLLATIONS = ("i;ascii-casemap", "i;unicode-casemap", "i;octet")
MATCH_TYPES = ("contains", "equals", "starts-with", "ends-with")
OBJECT_COMPONENTS = ("VEVENT", "VTODO", "VJOURNAL")
KNOWN_COMPONENTS = OBJECT_COMPONENTS + ("VALARM", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VFREEBUSY")
TIMED_COMPONENTS = OBJECT_COMPONENTS + ("VALARM",)


@dataclass(frozen=True)
class TextMatch:
    text: str
    collation: str = "i;ascii-casemap"
    negate: bool = False
    match_type: str = "contains"

    def test(self, value: str) -> bool:
        needle, hay = _fold(self.text, self.collation), _fold(value, self.collation)
        hit = {
            "contains": needle in hay,
            "equals": hay == needle,
            "starts-with": hay.startswith(needle),
            "ends-with": hay.endswith(needle),
        }[self.match_type]
        return hit != self.negate


def _fold(text: str, collation: str) -> str:
    if collation == "i;octet":
        return text
    if collation == "i;ascii-casemap":  # only A-Z fold; other letters compare exactly
        return text.translate(_ASCII_LOWER)
    return unicodedata.normalize("NFKC", text).casefold()


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


@dataclass(frozen=True)
class ParamFilter:
    name: str
    is_not_defined: bool = False
    text_match: TextMatch | None = None


@dataclass(frozen=True)
class PropFilter:
    name: str
    is_not_defined: bool = False
    time_range: tuple[int, int] | None = None
    text_match: TextMatch | None = None
    params: tuple[ParamFilter, ...] = ()


@dataclass(frozen=True)
class CompFilter:
    name: str
    is_not_defined: bool = False
    time_range: tuple[int, int] | None = None  # epoch seconds [start, end)
    props: tuple[PropFilter, ...] = ()
    comps: tuple[CompFilter, ...] = ()

    @property
    def is_plain(self) -> bool:
        return not (self.is_not_defined or self.props or self.comps)


def needs_calendar(top: CompFilter) -> bool:
    """False when the TimeIndex alone decides (VCALENDAR > one plain component filter)."""
    if top.props or top.is_not_defined or len(top.comps) > 1:
        return True
    return any(not c.is_plain or c.name not in OBJECT_COMPONENTS or _by_todo_table(c) for c in top.comps)


def _by_todo_table(f: CompFilter) -> bool:
    """A task's time range is judged by RFC 4791 §9.9's own table, not by the index's overlap."""
    return f.name == "VTODO" and f.time_range is not None


def decide_by_index(top: CompFilter, index: TimeIndex) -> bool | None:
    """The answer from the index alone, or None when the calendar must be read."""
    if needs_calendar(top):
        return None
    for comp in top.comps:
        if comp.name != index.component:
            return False
        if comp.time_range and not index.always:
            verdict = _by_index(index, *comp.time_range)
            if verdict is not True:
                return verdict
    return True


def _by_index(index: TimeIndex, start: int, end: int) -> bool | None:
    """A recorded instance in the range decides; no recorded one only where the record is complete."""
    if index.always or index.matches(start, end):
        return True
    return False if index.covers(end, start) else None


def matches(top: CompFilter, calendar: Calendar, index: TimeIndex, budget: Budget | None = None) -> bool:
    """RFC 4791 §9.7.1 for the VCALENDAR filter `top` against one stored resource; expanding
    past the index is charged to `budget` (the report's)."""
    budget = budget or Budget()
    if top.is_not_defined:
        return False  # every resource is a VCALENDAR
    return all(_prop_matches(p, calendar) for p in top.props) and all(
        _comp_matches(c, calendar, calendar, index, budget) for c in top.comps
    )


def _comp_matches(f: CompFilter, parent: Component, calendar: Calendar, index: TimeIndex, budget: Budget) -> bool:
    candidates = [c for c in parent.subcomponents if c.name == f.name]
    if f.is_not_defined:
        return not candidates
    if not candidates:
        return False
    if f.time_range is not None and not _in_range(f, parent, calendar, index, budget):
        return False
    return any(
        all(_prop_matches(p, c) for p in f.props)
        and all(_comp_matches(child, c, calendar, index, budget) for child in f.comps)
        for c in candidates
    )


def _in_range(f: CompFilter, parent: Component, calendar: Calendar, index: TimeIndex, budget: Budget) -> bool:
    assert f.time_range is not None  # asked only for a filter with a time range
    start, end = f.time_range
    if f.name == "VALARM":  # §9.9: an alarm whose trigger of some instance falls in the range
        return bool(recurrence.between(calendar, ["VALARM"], _utc(start), _utc(end), budget)[1])
    if parent is not calendar:
        return False
    if _by_todo_table(f):
        return todo_range.meets(calendar, start, end, budget)
    verdict = _by_index(index, start, end)
    if verdict is not None:
        return verdict
    found = recurrence.between(calendar, [f.name], _utc(start - 86400), _utc(end + 86400), budget)[1]
    return any(overlaps(epoch(o.start), _end(o), start, end) for o in found)


def _end(occurrence: Any) -> int:  # a recurring-ical-events occurrence
    if occurrence.end is not None and occurrence.end != occurrence.start:
        return epoch(occurrence.end)
    return epoch(occurrence.start) + (86400 if not isinstance(occurrence.start, datetime) else 0)


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def _prop_matches(f: PropFilter, component: Component) -> bool:
    values = component.get(f.name)
    values = [] if values is None else values if isinstance(values, list) else [values]
    if f.is_not_defined:
        return not values
    if not values:
        return False
    return any(_value_matches(f, v) for v in values)


def _value_matches(f: PropFilter, value: Any) -> bool:
    if f.time_range is not None:
        dt = getattr(value, "dt", None)
        if not isinstance(dt, (date, datetime)) or not overlaps(epoch(dt), epoch(dt), *f.time_range):
            return False
    if f.text_match is not None and not any(f.text_match.test(t) for t in texts(value)):
        return False
    for p in f.params:
        present = p.name in getattr(value, "params", {})
        if p.is_not_defined:
            if present:
                return False
        elif not present or (p.text_match and not _param_text_matches(p.text_match, value.params[p.name])):
            return False
    return True


def _param_text_matches(match: TextMatch, value: object) -> bool:
    return any(match.test(str(v)) for v in (value if isinstance(value, list) else [value]))


def texts(value: Any) -> list[str]:
    """The text(s) a text-match sees: unescaped text, each category, else the iCalendar form."""
    if hasattr(value, "cats"):
        return [str(c) for c in value.cats]
    if isinstance(value, str):
        return [str(value)]
    try:
        return [value.to_ical().decode("utf-8")]
    except Exception:  # a value type without a text form: matches nothing
        return []
