"""The instances of one calendar resource as sorted UTC intervals, built once per ETag.

recurring-ical-events expands RRULE, RDATE, EXDATE and RECURRENCE-ID overrides (with
DST-correct local times); this module only records the result so that a CalDAV time-range
(RFC 4791 §9.9) becomes a binary search. Floating times and all-day dates are read as
Europe/Berlin, the calendar-timezone of every collection here. Series are recorded up to a
horizon, and at most INDEX_LIMIT instances (from a year before "now" when there are more); a
range outside [since, until) is answered by expanding again (`covers` says which). Expanding
goes through domain.recurrence.between, the one bounded expansion."""

from __future__ import annotations

import json
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import cast

from icalendar import Calendar, Component, vRecur

from services.calendar.domain import recurrence
from services.calendar.domain.calendar_data import COMPONENTS, LOCAL, prop
from services.calendar.domain.limits import INDEX_LIMIT, INDEX_LOOKBACK

EPOCH_MIN = int(datetime(1900, 1, 1, tzinfo=timezone.utc).timestamp())
EPOCH_MAX = int(datetime(9999, 1, 1, tzinfo=timezone.utc).timestamp())
HORIZON = timedelta(days=3 * 366)  # series are recorded this far past "now" (or past their start)
FREE, BUSY, TENTATIVE = 0, 1, 2  # free-busy type of an instance


def epoch(value: date | datetime) -> int:
    """Seconds since 1970 (UTC) of a DATE or DATE-TIME; floating values are Berlin time."""
    if isinstance(value, datetime):
        return int((value if value.tzinfo else value.replace(tzinfo=LOCAL)).timestamp())
    return int(datetime.combine(value, time(), LOCAL).timestamp())


def overlaps(start: int, end: int, range_start: int, range_end: int) -> bool:
    """RFC 4791 §9.9: an instance with a duration overlaps [range_start, range_end); one
    without (end == start) matches when it starts inside the range."""
    if end > start:
        return start < range_end and end > range_start
    return range_start <= start < range_end


@dataclass(frozen=True)
class Instance:
    """One occurrence: UTC bounds, the component it comes from (master or override) and
    its original start (RECURRENCE-ID), `all_day` when DTSTART is a DATE."""

    start: int
    end: int
    source: int  # position of the source component in calendar.subcomponents
    recurrence_id: date | datetime | None
    all_day: bool
    busy: int


@dataclass
class TimeIndex:
    component: str  # VEVENT | VTODO | VJOURNAL
    instances: list[Instance]  # sorted by start
    until: int  # instances are complete up to here (EPOCH_MAX: all of them)
    recurring: bool
    always: bool = False  # a task without any date: in every range (RFC 4791 §9.9)
    since: int = EPOCH_MIN  # ... and from here on (later when the series had too many to record)
    longest: int = 0
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.starts = [i.start for i in self.instances]
        self.longest = max((i.end - i.start for i in self.instances), default=0)

    def covers(self, range_end: int, range_start: int | None = None) -> bool:
        return range_end <= self.until and (range_start is None or range_start >= self.since)

    def between(self, range_start: int, range_end: int) -> list[Instance]:
        """Recorded instances overlapping the range (only valid where `covers`)."""
        stop = bisect_left(self.starts, range_end)
        first = bisect_left(self.starts, range_start - self.longest)
        return [i for i in self.instances[first:stop] if overlaps(i.start, i.end, range_start, range_end)]

    def matches(self, range_start: int, range_end: int) -> bool:
        if self.always:
            return True
        stop = bisect_left(self.starts, range_end)
        first = bisect_left(self.starts, range_start - self.longest)
        return any(overlaps(i.start, i.end, range_start, range_end) for i in self.instances[first:stop])


def dumps(index: TimeIndex) -> str:
    """The index as compact JSON. A RECURRENCE-ID is kept as what expand writes of it: the
    UTC second of a DATE-TIME, or the day of a DATE."""
    rows = [[i.start, i.end, i.source, _rid_value(i.recurrence_id), int(i.all_day), i.busy] for i in index.instances]
    return json.dumps(
        [index.component, index.until, int(index.recurring), int(index.always), rows, index.since],
        separators=(",", ":"),
    )


def loads(text: str) -> TimeIndex | None:
    """None for an index written before expansion was bounded (five fields): it may hold an
    unchecked series, so it is built again from the data."""
    fields = json.loads(text)
    if len(fields) != 6:
        return None
    component, until, recurring, always, rows, since = fields
    instances = [Instance(s, e, src, _rid(rid), bool(day), busy) for s, e, src, rid, day, busy in rows]
    return TimeIndex(component, instances, until, bool(recurring), bool(always), since)


def _rid_value(value: date | datetime | None) -> int | str | None:
    if value is None:
        return None
    return epoch(value) if isinstance(value, datetime) else value.isoformat()


def _rid(value: int | str | None) -> date | datetime | None:
    if value is None:
        return None
    return datetime.fromtimestamp(value, timezone.utc) if isinstance(value, int) else date.fromisoformat(value)


def busy_type(component: Component) -> int:
    if str(component.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return FREE
    status = str(component.get("STATUS", "CONFIRMED")).upper()
    return FREE if status == "CANCELLED" else TENTATIVE if status == "TENTATIVE" else BUSY


def build(calendar: Calendar, now: datetime) -> TimeIndex:
    """The instances of the one kind of component in `calendar`, up to now + HORIZON."""
    calendar = recurrence.bounded(calendar)  # what is expanded is also what is judged below
    items = [c for c in calendar.subcomponents if c.name in COMPONENTS]
    name = cast(str, items[0].name) if items else "VEVENT"  # a name in COMPONENTS
    if name == "VTODO" and not any("DTSTART" in c or "DUE" in c for c in items):
        return TimeIndex(name, [], EPOCH_MAX, False, always=True)
    recurring = any("RRULE" in c or "RDATE" in c for c in items)
    try:
        starts = [epoch(v) for c in items for v in ([prop(c, "DTSTART").dt] if "DTSTART" in c else []) + _rdates(c)]
    except (OverflowError, ValueError, TypeError, AttributeError, KeyError):
        starts = []  # stored before values were checked: nothing to record
    if not starts:
        return TimeIndex(name, [], EPOCH_MAX, False)
    begin = datetime.fromtimestamp(min(starts), timezone.utc)
    horizon = max(begin, now) + HORIZON
    estimate = recurrence.instance_estimate(calendar, horizon)
    if estimate > INDEX_LIMIT:  # record only a window around now that holds about INDEX_LIMIT
        since = max(begin, now - INDEX_LOOKBACK)
        window_end = _window_end(calendar, since, horizon)
        instances = expand(calendar, name, since - timedelta(days=2), window_end)
        return _trimmed(TimeIndex(name, instances, epoch(window_end), recurring, since=epoch(since)), now)
    instances = expand(calendar, name, begin - timedelta(days=2), horizon)
    until = EPOCH_MAX if not recurring or _bounded(items, horizon) else epoch(horizon)
    return _trimmed(TimeIndex(name, instances, until, recurring), now)


def _window_end(calendar: Calendar, since: datetime, horizon: datetime) -> datetime:
    """The latest end (before `horizon`) up to which, by the estimate, no more than
    INDEX_LIMIT instances follow `since`: a bisection over cheap arithmetic, no expansion."""
    before = recurrence.instance_estimate(calendar, since)
    low, high = since, horizon
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        if recurrence.instance_estimate(calendar, middle) - before <= INDEX_LIMIT:
            low = middle
        else:
            high = middle
    return max(low, since + timedelta(hours=1))


def _trimmed(index: TimeIndex, now: datetime) -> TimeIndex:
    """At most INDEX_LIMIT instances (the estimate may be off): those ending after a year
    before `now`, and of these the first ones (the rest is expanded again when asked for)."""
    if len(index.instances) <= INDEX_LIMIT:
        return index
    since = max(index.since, epoch(now - INDEX_LOOKBACK))
    kept = [i for i in index.instances if i.end > since]
    until = index.until
    if len(kept) > INDEX_LIMIT:
        kept, until = kept[:INDEX_LIMIT], kept[INDEX_LIMIT].start
    return TimeIndex(index.component, kept, until, index.recurring, index.always, since)


def expand(
    calendar: Calendar, name: str, start: datetime, end: datetime, budget: recurrence.Budget | None = None
) -> list[Instance]:
    """Instances overlapping (roughly) [start, end), sorted by start."""
    calendar, occurrences = recurrence.between(calendar, [name], start, end, budget)
    positions = {id(c): n for n, c in enumerate(calendar.subcomponents)}
    instances: list[Instance] = []
    for occurrence in occurrences:
        component = occurrence._adapter._component
        s, e = occurrence.start, occurrence.end
        all_day = not isinstance(s, datetime)
        if e is None or (all_day and e == s):
            e = s + timedelta(days=1) if all_day else s
        rid = component.get("RECURRENCE-ID")
        recurrence_id = rid.dt if rid is not None else (s if _is_recurring(component) else None)
        instances.append(
            Instance(epoch(s), epoch(e), positions[id(component)], recurrence_id, all_day, busy_type(component))
        )
    instances.sort(key=lambda i: i.start)
    return instances


def _is_recurring(component: Component) -> bool:
    return "RRULE" in component or "RDATE" in component


def _bounded(items: list[Component], horizon: datetime) -> bool:
    """True only if nothing of the series can lie past the horizon (the record is complete);
    a wrong False costs speed only, so the COUNT estimate below errs long."""
    limit = epoch(horizon)
    for c in items:
        if "DTSTART" in c and epoch(prop(c, "DTSTART").dt) > limit:
            return False  # an override moved past the horizon
        if any(epoch(v) > limit for v in _rdates(c)):
            return False
        rule = c.get("RRULE")
        for r in rule if isinstance(rule, list) else [rule] if rule is not None else []:
            if "UNTIL" in r:
                if epoch(r["UNTIL"][0]) > limit:
                    return False
            elif "COUNT" not in r or _count_end(prop(c, "DTSTART").dt, r) > limit:
                return False
    return True


def _rdates(component: Component) -> list[date | datetime]:
    values = component.get("RDATE", [])
    out: list[date | datetime] = []
    for rdate in values if isinstance(values, list) else [values]:
        for period in rdate.dts:
            out.append(period.dt[0] if isinstance(period.dt, tuple) else period.dt)
    return out


def _count_end(start: date | datetime, rule: vRecur) -> int:
    """An upper estimate of the last start of a COUNT rule: rules that skip periods
    (BYMONTH, BYMONTHDAY, BYSETPOS, ...) may need up to twelve times as long."""
    interval = int(rule.get("INTERVAL", [1])[0])
    freq = str(rule["FREQ"][0]).upper()
    step = {"YEARLY": 366 * 8, "MONTHLY": 31, "WEEKLY": 7, "DAILY": 1}.get(freq, 366 * 8)
    sparse = any(k in rule for k in ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS"))
    return epoch(start) + int(rule["COUNT"][0]) * interval * step * (12 if sparse else 1) * 86400
