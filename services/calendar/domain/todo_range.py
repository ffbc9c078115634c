"""Whether a task (VTODO) meets a time range: RFC 4791 §9.9's table, which unlike events'
overlap also asks DUE, COMPLETED and CREATED, with bounds partly inclusive. A recurring task
is judged instance by instance (DTSTART and DUE or DURATION move with each instance)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from icalendar import Calendar, Component

from services.calendar.domain import recurrence
from services.calendar.domain.recurrence import Budget
from services.calendar.domain.timeindex import epoch

DAY = 86400


@dataclass(frozen=True)
class TodoTimes:
    """The epoch seconds §9.9 looks at; `end` is DUE or DTSTART + DURATION (`by_duration`)."""

    dtstart: int | None = None
    end: int | None = None
    by_duration: bool = False
    completed: int | None = None
    created: int | None = None

    def meets(self, start: int, end: int) -> bool:
        """The row of the table that applies, for the range [start, end)."""
        s, e = self.dtstart, self.end
        if s is not None and e is not None and self.by_duration:
            return start <= e and (end > s or end >= e)
        if s is not None and e is not None:
            return (start < e or start <= s) and (end > s or end >= e)
        if s is not None:
            return start <= s and end > s
        if e is not None:
            return start < e and end >= e
        done, made = self.completed, self.created
        if done is not None and made is not None:
            return (start <= made or start <= done) and (end >= made or end >= done)
        if done is not None:
            return start <= done and end >= done
        if made is not None:
            return end > made
        return True


def _seconds(component: Component, name: str) -> int | None:
    value = component.get(name)
    dt = getattr(value, "dt", None)
    try:
        return epoch(dt) if dt is not None else None
    except (TypeError, ValueError, OverflowError):
        return None


def times_of(todo: Component) -> TodoTimes:
    start, due = _seconds(todo, "DTSTART"), _seconds(todo, "DUE")
    by_duration = due is None and start is not None and "DURATION" in todo
    if by_duration:
        try:
            due = start + int(todo.decoded("DURATION").total_seconds())  # type: ignore[operator]
        except (TypeError, ValueError, AttributeError):
            by_duration = False
    return TodoTimes(start, due, by_duration, _seconds(todo, "COMPLETED"), _seconds(todo, "CREATED"))


def meets(calendar: Calendar, start: int, end: int, budget: Budget) -> bool:
    """Any VTODO of the resource (or, for a recurring one, any of its instances) in [start, end)."""
    todos = [c for c in calendar.subcomponents if c.name == "VTODO"]
    if not any("DTSTART" in c and ("RRULE" in c or "RDATE" in c) for c in todos):
        return any(times_of(c).meets(start, end) for c in todos)
    # instances near the range (a day's slack for the inclusive bounds), charged to the budget
    found = recurrence.between(calendar, ["VTODO"], _utc(start - DAY), _utc(end + DAY), budget)[1]
    for occurrence in found:
        todo = occurrence._adapter._component  # its DUE/DURATION say which row applies
        base = times_of(todo)
        first = epoch(occurrence.start)
        has_end = base.end is not None and occurrence.end is not None
        times = TodoTimes(first, epoch(occurrence.end) if has_end else None, base.by_duration)
        if times.meets(start, end):
            return True
    return False


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)
