"""Rules a room's owner sets, and which wanted dates break them. Pure: no Flask, no database.

Times in the rules are local wall-clock times (opening hours "Mo 08:00–20:00"); slots are
compared after conversion to the local zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.text import text_problem
from shared.typed import day_in_range

from services.rooms.domain.slots import MAX_DURATION, Slot

WEEKDAYS = ("mo", "di", "mi", "do", "fr", "sa", "so")  # keys of opening hours, Monday first
MAX_BUFFER_MINUTES = 240
MAX_DAYS_AHEAD = 2 * 366
MAX_MINUTES = int(MAX_DURATION.total_seconds() // 60)
MAX_CLOSURES = 200  # per room, the partner-wide ones included
REASON_MAX = 200


@dataclass(frozen=True)
class Closure:
    """Closed from `first_day` to `last_day` (both included); room_id None = every room of the partner."""

    first_day: date
    last_day: date
    reason: str = ""
    room_id: int | None = None


@dataclass(frozen=True)
class RoomRules:
    """opening: weekday key -> (opens, closes); a weekday missing from a non-empty mapping is
    closed; an empty mapping means "no opening hours set" (always open)."""

    opening: dict[str, tuple[time, time]] = field(default_factory=dict)
    min_minutes: int = 0
    max_minutes: int = MAX_MINUTES
    max_days_ahead: int = MAX_DAYS_AHEAD
    buffer_minutes: int = 0
    approval_required: bool = False

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)


def rules_problems(rules: RoomRules, closures: list[Closure]) -> dict[str, str]:
    """Field -> problem code for rules an owner may not save."""
    found: dict[str, str] = {}
    for key, (opens, closes) in rules.opening.items():
        if key not in WEEKDAYS:
            found["opening"] = "weekday_unknown"
        elif opens.tzinfo is not None or closes.tzinfo is not None:
            found["opening"] = "opening_format"  # wall-clock times of the room's own zone only
        elif closes <= opens:
            found["opening"] = "opening_order"
    if not 0 <= rules.min_minutes <= rules.max_minutes:
        found["min_minutes"] = "duration_range"
    if not 1 <= rules.max_minutes <= MAX_MINUTES:
        found["max_minutes"] = "duration_range"
    if not 1 <= rules.max_days_ahead <= MAX_DAYS_AHEAD:
        found["max_days_ahead"] = "days_ahead_range"
    if not 0 <= rules.buffer_minutes <= MAX_BUFFER_MINUTES:
        found["buffer_minutes"] = "buffer_range"
    if len(closures) > MAX_CLOSURES:
        found["closures"] = "too_many_closures"
    elif not all(day_in_range(c.first_day) and day_in_range(c.last_day) for c in closures):
        found["closures"] = "date_range"
    elif any(c.last_day < c.first_day for c in closures):
        found["closures"] = "closure_order"
    else:
        reason = next((code for c in closures if (code := text_problem(c.reason, REASON_MAX))), None)
        if reason:
            found["closures"] = "reason_too_long" if reason == "text_too_long" else reason
    return found


def violations(slot: Slot, rules: RoomRules, closures: list[Closure], now: datetime, tz: ZoneInfo) -> list[str]:
    """Codes of the rules one wanted date breaks (empty: allowed)."""
    found: list[str] = []
    minutes = slot.duration.total_seconds() / 60
    if minutes < rules.min_minutes:
        found.append("rule_too_short")
    if minutes > rules.max_minutes:
        found.append("rule_too_long")
    if slot.starts_at > now + timedelta(days=rules.max_days_ahead):
        found.append("rule_too_far_ahead")
    local_start, local_end = slot.starts_at.astimezone(tz), slot.ends_at.astimezone(tz)
    if rules.opening and not _within_opening(local_start, local_end, rules.opening):
        found.append("rule_closed_hours")
    if any(closed(c, local_start.date(), local_end.date()) for c in closures):
        found.append("rule_closure")
    return found


def closed(closure: Closure, first_day: date, last_day: date) -> bool:
    """Whether the closure covers any of the local days first_day..last_day (queries.free_rooms
    asks the same of the database)."""
    return closure.first_day <= last_day and first_day <= closure.last_day


def _within_opening(start: datetime, end: datetime, opening: dict[str, tuple[time, time]]) -> bool:
    hours = opening.get(WEEKDAYS[start.weekday()])
    if hours is None or (end.date() != start.date() and end.time() != time(0)):
        return False
    opens, closes = hours
    end_time = end.time() if end.date() == start.date() else time.max
    return opens <= start.time() and end_time <= closes
